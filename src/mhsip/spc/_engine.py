"""The one SPC computation, shared by :func:`mhsip.spc.analyse` and
:func:`mhsip.spc.analyse_frame`.

Input: every series laid end to end in one long, sorted array (see :class:`Layout`). Output:
three column tables (dicts of 1-D arrays): one row per point, per period and per series. No
Python loop runs per series or per point; the only loops are over the handful of distinct
explanation texts and over series *summaries* built with array indexing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._arrays import (
    NAN,
    AnyArray,
    BoolArray,
    FloatArray,
    IntArray,
    segment_starts,
)
from ._labels import (
    POINT_TYPES,
    RULE_NAMES,
    explanations,
    point_type_codes,
    special_cause_types,
    variation_icon,
)
from ._qic import CHARTS, Subgroups
from ._runs import RunsAnalysis, runs_analysis
from ._xmr import LIMIT, LIMIT_CLOSE, RULE_NONE, RULE_OUTSIDE, xmr_limits, xmr_rules

CHART_NAMES = ("xmr", *CHARTS)
"""Every supported ``chart``: ``xmr`` (NHSRplotthedots) and the qicharts2 charts."""

SHORT_PERIOD = 13
"""Periods with fewer points carry a short-period warning (ptd ``ptd_spc.warning_threshold``)."""


@dataclass(frozen=True)
class Layout:
    """Where each point sits: series, period, position, and which points set the limits."""

    x: AnyArray
    """Sort key within a series (date, number or position)."""
    series: IntArray
    """Dense series id per point, sorted."""
    period: IntArray
    """Dense *global* period id per point, sorted (periods never span two series)."""
    baseline: BoolArray
    """Point lies within ``fix_after`` (qicharts2 ``baseline``; ptd ``fix_y`` not NA)."""
    include: BoolArray
    """Point is not excluded (qicharts2 ``include``)."""
    n_series: int
    n_periods: int


@dataclass(frozen=True)
class Settings:
    """Options shared by every series of one computation."""

    chart: str
    improvement: str
    multiplier: float
    screen_outliers: bool
    shift_length: int
    trend_length: int
    rules: str = "chart"
    """``"chart"``: each package's own rules (MDC for xmr, the 3-sigma signal for qicharts2
    charts); ``"mdc"``: the four Making Data Count rules on every chart with limits."""


Table = dict[str, AnyArray]


@dataclass(frozen=True)
class Tables:
    """Engine output: column tables per point, per period and per series."""

    points: Table
    periods: Table
    series: Table


@dataclass(frozen=True)
class _Computed:
    """Per-point lines and rule outcome of one chart family."""

    y: FloatArray
    centre: FloatArray
    lower: FloatArray
    upper: FloatArray
    lower_2sigma: FloatArray
    upper_2sigma: FloatArray
    runs: RunsAnalysis
    rule: IntArray
    side: IntArray
    run_position: IntArray
    run_total: IntArray


RULE_SETS = ("chart", "mdc")


def compute(data: Subgroups, layout: Layout, target: FloatArray, settings: Settings) -> Tables:
    """Compute centre lines, limits, rules, point types and icons for every series.

    Parameters
    ----------
    data
        Per-point subgroup values (see :class:`mhsip.spc._qic.Subgroups`).
    layout
        Series, periods and baseline of each point.
    target
        Target per series (NaN: none).
    settings
        Chart and rule options.
    """
    c = _xmr(data, layout, settings) if settings.chart == "xmr" else _qic(data, layout, settings)
    missing = np.isnan(c.y)
    if settings.chart == "mr":
        runs_signal = np.zeros(layout.n_periods, dtype=np.bool_)
    else:
        runs_signal = c.runs.runs_signal

    point_type = point_type_codes(c.rule, c.side, settings.improvement)
    period_start = segment_starts(layout.period)
    period_length = np.diff(np.append(period_start, layout.period.size))
    period_series = layout.series[period_start]
    first_period = segment_starts(period_series)
    period_number = np.arange(layout.n_periods, dtype=np.int64) - first_period[period_series]
    series_start = segment_starts(layout.series)
    series_last = np.append(series_start, layout.series.size)[1:] - 1
    # Icons read the last point WITH a value: a missing latest period says nothing about the
    # process (NHSRplotthedots would refuse the missing value; qicharts2 has no icons).
    icon_point = series_last
    observed = np.flatnonzero(~missing)
    if observed.size:
        before = np.searchsorted(observed, series_last, side="right") - 1
        last_seen = np.where(before >= 0, observed[np.maximum(before, 0)], series_last)
        same_series = layout.series[last_seen] == layout.series[series_last]
        icon_point = np.where(same_series, last_seen, series_last)
    short_period = period_length < SHORT_PERIOD

    points: Table = {
        "series": layout.series,
        "x": layout.x,
        "y": c.y,
        "n": data.n,
        "centre": c.centre,
        "lower": c.lower,
        "upper": c.upper,
        "lower_2sigma": c.lower_2sigma,
        "upper_2sigma": c.upper_2sigma,
        "period": period_number[layout.period],
        "baseline": layout.baseline & layout.include,
        "included": layout.include,
        "special_cause": c.rule != RULE_NONE,
        "special_cause_type": special_cause_types(
            c.rule, c.side, trend_length=settings.trend_length, shift_length=settings.shift_length
        ),
        "rule": RULE_NAMES[c.rule],
        "point_type": POINT_TYPES[point_type],
        "explanation": explanations(
            c.rule,
            c.side,
            c.run_position,
            c.run_total,
            missing,
            qic=settings.chart != "xmr",
            shift_length=settings.shift_length,
            trend_length=settings.trend_length,
        ),
        "short_period": short_period[layout.period],
    }
    periods: Table = {
        "series": period_series,
        "period": period_number,
        "start": period_start - series_start[period_series],
        "length": period_length,
        "n_obs": c.runs.n_obs,
        "n_useful": c.runs.n_useful,
        "longest_run": c.runs.longest_run,
        "longest_run_max": c.runs.longest_run_max,
        "n_crossings": c.runs.n_crossings,
        "n_crossings_min": c.runs.n_crossings_min,
        "runs_signal": runs_signal,
        "short_period_warning": short_period,
    }
    series: Table = {
        "series": np.arange(layout.n_series, dtype=np.int64),
        "start": series_start,
        "length": series_last - series_start + 1,
        "target": target,
        "variation_icon": variation_icons(point_type[icon_point], settings.improvement),
        "assurance_icon": assurance_icons(
            target, c.lower[series_last], c.upper[series_last], settings.improvement
        ),
    }
    return Tables(points=points, periods=periods, series=series)


def _xmr(data: Subgroups, layout: Layout, settings: Settings) -> _Computed:
    """NHSRplotthedots XmR: limits, rules (see :mod:`mhsip.spc._xmr`) and runs analysis."""
    y = data.y * settings.multiplier if settings.multiplier != 1 else data.y
    base = layout.baseline & layout.include
    limits = xmr_limits(y, layout.period, layout.n_periods, base, settings.screen_outliers)
    centre = limits.centre[layout.period]
    amr = limits.mean_moving_range[layout.period]
    lower = centre - (LIMIT * amr)
    upper = centre + (LIMIT * amr)
    near_lower = centre - (LIMIT_CLOSE * amr)
    near_upper = centre + (LIMIT_CLOSE * amr)
    rules = xmr_rules(
        y,
        centre,
        lower,
        upper,
        near_lower,
        near_upper,
        layout.period,
        trend_length=settings.trend_length,
        shift_length=settings.shift_length,
    )
    runs = runs_analysis(y, centre, layout.include, layout.period, layout.n_periods)
    return _Computed(
        y=y,
        centre=centre,
        lower=lower,
        upper=upper,
        lower_2sigma=near_lower,
        upper_2sigma=near_upper,
        runs=runs,
        rule=rules.rule,
        side=rules.side,
        run_position=rules.run_position,
        run_total=rules.run_total,
    )


def _qic(data: Subgroups, layout: Layout, settings: Settings) -> _Computed:
    """qicharts2 chart: limits, multiply, 3-sigma signals and runs analysis."""
    base = layout.baseline & layout.include
    if settings.chart == "t":
        with np.errstate(invalid="ignore"):
            if np.any(data.y <= 0):
                raise ValueError("t chart: time between events must be greater than zero")
    lines = CHARTS[settings.chart](
        data, layout.period, layout.n_periods, base, settings.screen_outliers
    )
    runs = runs_analysis(lines.y, lines.centre, layout.include, layout.period, layout.n_periods)
    m = settings.multiplier

    def scaled(v: FloatArray, *, limit: bool = True) -> FloatArray:
        out = v * m if m != 1 else v.copy()
        if limit:
            out[~np.isfinite(out)] = NAN
        return out

    y = scaled(lines.y, limit=False)
    upper = scaled(lines.upper)
    lower = scaled(lines.lower)
    if settings.rules == "mdc" and settings.chart not in {"run", "mr"}:
        centre = scaled(lines.centre, limit=False)
        near_lower, near_upper = scaled(lines.lower_2sigma), scaled(lines.upper_2sigma)
        rules = xmr_rules(
            y,
            centre,
            lower,
            upper,
            near_lower,
            near_upper,
            layout.period,
            trend_length=settings.trend_length,
            shift_length=settings.shift_length,
        )
        return _Computed(
            y=y,
            centre=centre,
            lower=lower,
            upper=upper,
            lower_2sigma=near_lower,
            upper_2sigma=near_upper,
            runs=runs,
            rule=rules.rule,
            side=rules.side,
            run_position=rules.run_position,
            run_total=rules.run_total,
        )
    with np.errstate(invalid="ignore"):
        above = y > upper
        below = y < lower
    zeros = np.zeros(y.size, dtype=np.int64)
    return _Computed(
        y=y,
        centre=scaled(lines.centre, limit=False),
        lower=lower,
        upper=upper,
        lower_2sigma=scaled(lines.lower_2sigma),
        upper_2sigma=scaled(lines.upper_2sigma),
        runs=runs,
        rule=np.where(above | below, RULE_OUTSIDE, RULE_NONE).astype(np.int64),
        side=np.where(above, 1, np.where(below, -1, 0)).astype(np.int64),
        run_position=zeros,
        run_total=zeros,
    )


def variation_icons(last_point_type: IntArray, improvement: str) -> AnyArray:
    """Variation icon per series from the point-type code of its last point."""
    table = np.array([variation_icon(k, improvement) for k in range(5)], dtype=object)
    out: AnyArray = table[last_point_type]
    return out


def assurance_icons(
    target: FloatArray, lower: FloatArray, upper: FloatArray, improvement: str
) -> AnyArray:
    """Assurance icon per series (``None`` without a target or for a neutral direction)."""
    out = np.full(target.size, None, dtype=object)
    if improvement == "neutral":
        return out
    up = improvement == "increase"
    with np.errstate(invalid="ignore"):
        above = target > upper
        below = target < lower
    has = ~np.isnan(target)
    out[has] = "inconsistent"
    out[has & above] = "fail" if up else "pass"
    out[has & below] = "pass" if up else "fail"
    return out
