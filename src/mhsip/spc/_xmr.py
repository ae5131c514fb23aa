"""XmR ("Making Data Count") limits and special-cause rules, as NHSRplotthedots ``ptd_spc``.

Sources (NHSRplotthedots 0.2.2, commit 050b07d):

* limits: ``R/ptd_spc_standard.R``: mean of the period, mean moving range (MR) screened
  once at 3.267 x the mean MR, process limits mean -/+ 2.66 x MR, "close to the limits" beyond
  mean -/+ (2/3 x 2.66) x MR;
* rules: ``R/ptd_calculate_point_type.R`` (``ptd_special_cause_type``): outside the limits,
  then a 7-point trend, then 2 of 3 points close to a limit on one side, then 7 points on one
  side of the mean; the first rule that applies names the point.

All functions work on many periods at once (see :mod:`mhsip.spc._arrays`).

Missing values are *gaps*: a rule window (7 points for a trend or a shift, 3 for 2-of-3)
that contains a missing point never fires, and the missing point itself is common cause. This
is exactly what ``ptd_spc`` returns whenever it returns at all (it stops with an error when a
trend window containing a missing value is otherwise monotonic).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._arrays import (
    NAN,
    BoolArray,
    FloatArray,
    IntArray,
    covered_by_window,
    r_mean,
    run_length,
    same_segment_as_previous,
)

LIMIT = 2.66
"""Process limit constant (ptd ``limit``): 3 / 1.128, rounded as Making Data Count does."""
LIMIT_CLOSE = 2 * (LIMIT / 3)
"""ptd ``limitclose``: two thirds of the way to the process limit (the "2-sigma" line)."""
MR_SCREEN = 3.267
"""Moving ranges at or above 3.267 x the mean moving range are screened out once."""

RULE_NONE = 0
RULE_OUTSIDE = 1
RULE_TREND = 2
RULE_TWO_IN_THREE = 3
RULE_SHIFT = 4


@dataclass(frozen=True)
class Limits:
    """Per-period centre line and mean moving range."""

    centre: FloatArray
    mean_moving_range: FloatArray


def moving_ranges(y: FloatArray, period: IntArray, base: BoolArray) -> tuple[FloatArray, IntArray]:
    """Absolute differences between consecutive baseline points of the same period.

    The first baseline point of each period has no moving range; a moving range next to a
    missing value is NaN (R's ``c(NA, abs(diff(fix_y)))``).
    """
    idx = np.flatnonzero(base)
    yb = y[idx]
    pb = period[idx]
    same = same_segment_as_previous(pb)[1:]
    mr = np.abs(np.diff(yb))
    mr[~same] = NAN
    return mr, pb[1:]


def screened_mean(mr: FloatArray, mr_period: IntArray, n_periods: int, screen: bool) -> FloatArray:
    """Mean moving range per period, optionally screened once at 3.267 x the mean.

    ``mr < 3.267 * amr`` is kept (strict), so when every moving range is 0 none survive and
    the mean is NaN (ptd case ``ptd_all_equal``).

    Examples
    --------
    >>> mr = np.array([1.0, 1.0, 1.0, 1.0, 10.0])
    >>> screened_mean(mr, np.zeros(5, np.int64), 1, screen=False)
    array([2.8])
    >>> screened_mean(mr, np.zeros(5, np.int64), 1, screen=True)
    array([1.])
    """
    amr = r_mean(mr, mr_period, n_periods)
    if screen:
        with np.errstate(invalid="ignore"):
            keep = mr < MR_SCREEN * amr[mr_period]
        amr = r_mean(np.where(keep, mr, NAN), mr_period, n_periods)
    return amr


def xmr_limits(
    y: FloatArray, period: IntArray, n_periods: int, base: BoolArray, screen: bool
) -> Limits:
    """Centre line (mean) and screened mean moving range per period (``ptd_spc_standard``)."""
    centre = r_mean(np.where(base, y, NAN), period, n_periods)
    mr, mr_period = moving_ranges(y, period, base)
    return Limits(centre=centre, mean_moving_range=screened_mean(mr, mr_period, n_periods, screen))


@dataclass(frozen=True)
class Rules:
    """Per-point outcome of the XmR rules."""

    rule: IntArray
    """``RULE_*`` code of the rule that names the point (precedence order)."""
    side: IntArray
    """+1 for Above/Increasing labels, -1 for Below/Decreasing, 0 for common cause."""
    run_position: IntArray
    """Shift: position of the point within its run on one side of the mean (1-based)."""
    run_total: IntArray
    """Shift: length of that run. Trend: number of points in the rising/falling run."""


def xmr_rules(
    y: FloatArray,
    centre: FloatArray,
    lower: FloatArray,
    upper: FloatArray,
    near_lower: FloatArray,
    near_upper: FloatArray,
    period: IntArray,
    *,
    trend_length: int = 7,
    shift_length: int = 7,
) -> Rules:
    """Apply the Making Data Count rules to every period at once.

    Parameters
    ----------
    y
        Values (NaN = missing).
    centre, lower, upper, near_lower, near_upper
        Per-point centre line, process limits and "close to the limits" lines.
    period
        Sorted, dense period id per point; rules never look across a period boundary.
    trend_length, shift_length
        Points needed for a trend and for a shift (ptd: 7 and 7).

    Examples
    --------
    Seven rising points (ptd ``ptd_seven_point_trend(1:7)`` is 1 at the 7th point, and every
    point of the window is part of the trend):

    >>> y = np.arange(1.0, 8.0)
    >>> c = np.full(7, 4.0)
    >>> wide = np.full(7, 100.0)
    >>> r = xmr_rules(y, c, -wide, wide, -wide, wide, np.zeros(7, np.int64))
    >>> r.rule.tolist(), r.side.tolist()
    ([2, 2, 2, 2, 2, 2, 2], [1, 1, 1, 1, 1, 1, 1])
    """
    n = y.size
    same_prev = same_segment_as_previous(period)
    with np.errstate(invalid="ignore"):
        outside = (y > upper) | (y < lower)
        side_of_mean = np.sign(y - centre)
        close = ~outside & ((y < near_lower) | (y > near_upper))
    rtm = np.where(np.isnan(side_of_mean), 0, side_of_mean).astype(np.int64)

    # Trend: trend_length points in a row, each strictly above (below) the one before.
    step = np.zeros(n, dtype=np.int64)
    if n > 1:
        with np.errstate(invalid="ignore"):
            d = np.sign(y[1:] - y[:-1])
        step[1:] = np.where(np.isnan(d), 0, d).astype(np.int64)
    step[~same_prev] = 0
    rising = step == 1
    falling = step == -1
    trend_end = (run_length(rising) >= trend_length - 1) | (run_length(falling) >= trend_length - 1)
    in_trend = covered_by_window(trend_end, trend_length)
    # Label direction (ptd): the step to the right when the next point is also part of a
    # trend, else the step to the left; anything but +1 reads as "Decreasing".
    next_in_trend = np.zeros(n, dtype=np.bool_)
    next_in_trend[:-1] = in_trend[1:] & same_prev[1:]
    step_right = np.zeros(n, dtype=np.int64)
    step_right[:-1] = step[1:]
    trend_step = np.where(next_in_trend & in_trend, step_right, step)
    trend_side = np.where(trend_step == 1, 1, -1)
    trend_run = _trend_run_points(rising, falling, next_in_trend & in_trend, trend_side, in_trend)

    # Two of three: a window of 3 points of one period, all strictly on one side of the mean,
    # with at least 2 of them close to a limit; the close points of the window are flagged.
    window_fires = np.zeros(n, dtype=np.bool_)
    if n >= 3:
        whole = same_prev[1:-1] & same_prev[2:]
        n_close = close[:-2].astype(np.int64) + close[1:-1] + close[2:]
        side_sum = rtm[:-2] + rtm[1:-1] + rtm[2:]
        window_fires[:-2] = whole & (n_close >= 2) & (np.abs(side_sum) == 3)
    in_window = window_fires.copy()
    in_window[1:] |= window_fires[:-1]
    in_window[2:] |= window_fires[:-2]
    two_in_three = close & in_window

    # Shift: shift_length points in a row on the same side of the mean (a point on the mean
    # or a missing point breaks the run).
    same_side = (rtm != 0) & same_prev
    same_side[1:] &= rtm[1:] == rtm[:-1]
    run_id = np.cumsum(~same_side)  # consecutive points on one side share an id (from 1)
    run_first = np.flatnonzero(~same_side)
    position = np.arange(n, dtype=np.int64) - run_first[run_id - 1] + 1
    shift_end = position >= shift_length
    in_shift = covered_by_window(shift_end, shift_length)
    run_total = np.bincount(run_id)[run_id]

    rule = np.select(
        [outside, in_trend, two_in_three, in_shift],
        [RULE_OUTSIDE, RULE_TREND, RULE_TWO_IN_THREE, RULE_SHIFT],
        RULE_NONE,
    ).astype(np.int64)
    side_label = np.where(rtm > 0, 1, -1)
    side = np.select(
        [rule == RULE_NONE, rule == RULE_OUTSIDE, rule == RULE_TREND],
        [0, np.where(rtm == 1, 1, -1), trend_side],
        side_label,
    ).astype(np.int64)
    total = np.select([rule == RULE_TREND, rule == RULE_SHIFT], [trend_run, run_total], 0)
    return Rules(
        rule=rule,
        side=side,
        run_position=np.where(rule == RULE_SHIFT, position, 0).astype(np.int64),
        run_total=total.astype(np.int64),
    )


def _trend_run_points(
    rising: BoolArray,
    falling: BoolArray,
    use_right: BoolArray,
    trend_side: IntArray,
    in_trend: BoolArray,
) -> IntArray:
    """Number of points in the rising (falling) run that gives each trend point its label.

    ``rising[i]`` says the step into point ``i`` rises. The labelling step (right or left, as
    for the label) belongs to a maximal run of rising (falling) steps; that run joins one more
    point than it has steps. 0 when the labelling step is not in the label's direction
    (possible only at the peak of two touching trends with a tie) and for non-trend points.
    """
    n = rising.size
    out = np.zeros(n, dtype=np.int64)
    idx = np.flatnonzero(in_trend)
    if idx.size == 0:
        return out
    at = np.where(use_right[idx], np.minimum(idx + 1, n - 1), idx)
    up = trend_side[idx] == 1
    for steps, wanted in ((rising, up), (falling, ~up)):
        run_id = np.cumsum(~steps)
        steps_in_run = np.bincount(run_id, weights=steps).astype(np.int64)
        hit = wanted & steps[at]
        out[idx[hit]] = steps_in_run[run_id[at[hit]]] + 1
    return out
