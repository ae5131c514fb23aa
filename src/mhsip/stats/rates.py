"""Event rates per person-time, rate ratios, and percent change from a baseline.

Rates are events divided by person-time (for restrictive practice: occupied bed days) times a
``multiplier`` (1,000 for "per 1,000 occupied bed days", the MHSDS MHS96 convention).

* :func:`rate` -- rate with the exact Garwood interval.
* :func:`rate_ratio` -- ratio of two Poisson rates, either given explicitly or picked out of a
  set of groups by ``reference``; exact conditional (binomial) or log-normal (Wald) interval.
* :func:`rate_ratio_robust` -- rate ratio from person-level counts with a cluster-robust
  (sandwich) interval that stays valid when some people have many more events than others.
* :func:`percent_change` -- ``rate_after / rate_before - 1`` with its interval.
* :func:`pooled_percent_change` -- a collaborative change across wards (Mantel-Haenszel, or
  crude totals).

Zero counts never raise: the estimate becomes 0 or infinity (or NaN) and ``reason`` says why.

References
----------
.. [1] Garwood F. Fiducial limits for the Poisson distribution. Biometrika 1936;28:437-442.
.. [2] Breslow NE, Day NE. Statistical Methods in Cancer Research, vol II: The Design and
   Analysis of Cohort Studies. IARC Scientific Publications 82, 1987; sections 2.4 and 3.4
   (rate ratio intervals: conditional binomial and log-normal).
.. [3] Greenland S, Robins JM. Estimation of a common effect parameter from sparse follow-up
   data. Biometrics 1985;41:55-68 (Mantel-Haenszel rate ratio and its variance).
.. [4] R Core Team. ``poisson.test`` in package stats (the two-sample form is the exact
   conditional test and interval).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from ._arrays import FloatArray, StrArray, as_float, check_conf_level, check_non_negative
from ._special import norm_ppf
from .poisson import clopper_pearson_odds_ci, poisson_ci

__all__ = [
    "PercentChangeResult",
    "PooledPercentChangeResult",
    "RateRatioResult",
    "RateResult",
    "percent_change",
    "pooled_percent_change",
    "rate",
    "rate_ratio",
    "rate_ratio_robust",
]

RateRatioMethod = Literal["exact", "wald"]
PooledMethod = Literal["mantel-haenszel", "exact", "wald"]

REASON_MISSING = "missing input"
REASON_NO_TIME = "no person-time"
REASON_NO_EVENTS = "no events in either group"
REASON_ZERO_REF = "no events in the reference group: ratio is infinite"
REASON_ZERO_GROUP = "no events in the comparison group: ratio is zero"
REASON_REFERENCE = "reference group"


@dataclass(frozen=True)
class RateResult:
    """Rates with exact confidence limits.

    Attributes
    ----------
    rate, lower, upper : ndarray
        Rate and limits per ``multiplier`` units of person-time (NaN where person-time is
        zero or missing).
    events, person_time : ndarray
        The inputs, broadcast to a common shape.
    multiplier : float
        E.g. 1,000 for rates per 1,000 occupied bed days.
    conf_level : float
        Two-sided confidence level.
    method : str
        ``"exact (Garwood)"``.
    """

    rate: FloatArray
    lower: FloatArray
    upper: FloatArray
    events: FloatArray
    person_time: FloatArray
    multiplier: float
    conf_level: float
    method: str = "exact (Garwood)"


def rate(
    events: npt.ArrayLike,
    person_time: npt.ArrayLike,
    *,
    multiplier: float = 1000.0,
    conf_level: float = 0.95,
) -> RateResult:
    """Event rate per ``multiplier`` units of person-time, with the exact Poisson interval.

    ``rate = events / person_time * multiplier``; the limits are the Garwood limits for the
    count (:func:`mhsip.stats.poisson_ci`) divided by person-time, times the multiplier.

    Parameters
    ----------
    events : array_like
        Event counts (``>= 0``; NaN or ``None`` = missing).
    person_time : array_like
        Person-time, e.g. occupied bed days (``>= 0``). Zero gives a NaN rate.
    multiplier : float, default 1000
        Rate per this many units of person-time.
    conf_level : float, default 0.95
        Two-sided confidence level.

    Returns
    -------
    RateResult

    Raises
    ------
    ValueError
        If events or person-time are negative.

    References
    ----------
    .. [1] Garwood F. Biometrika 1936;28:437-442.

    Examples
    --------
    12 restrictive interventions in 570 occupied bed days (a 20-bed ward for a month):

    >>> r = rate(12, 570)
    >>> round(float(r.rate), 2), round(float(r.lower), 2), round(float(r.upper), 2)
    (21.05, 10.88, 36.77)

    Vectorised over wards:

    >>> rate([0, 5], [300, 0]).rate.tolist()
    [0.0, nan]
    """
    k = as_float(events)
    t = as_float(person_time)
    check_non_negative(k, "events")
    check_non_negative(t, "person_time")
    k, t = np.broadcast_arrays(k, t)
    lo, hi = poisson_ci(k, conf_level)
    with np.errstate(divide="ignore", invalid="ignore"):
        per = np.where(t > 0, multiplier / t, np.nan)
    return RateResult(
        rate=np.asarray(k * per, np.float64),
        lower=np.asarray(lo * per, np.float64),
        upper=np.asarray(hi * per, np.float64),
        events=np.array(k),
        person_time=np.array(t),
        multiplier=float(multiplier),
        conf_level=float(conf_level),
    )


@dataclass(frozen=True)
class RateRatioResult:
    """Rate ratios (group rate / reference rate) with confidence limits.

    Attributes
    ----------
    estimate, lower, upper : ndarray
        Ratio and limits. Where a count is zero the estimate is 0 or ``inf`` and the limits
        that cannot be computed are NaN (Wald) or 0 / ``inf`` (exact); ``reason`` says why.
    events, person_time, ref_events, ref_person_time : ndarray
        Inputs broadcast to a common shape.
    method : str
        ``"exact"`` (conditional binomial) or ``"wald"`` (log-normal).
    conf_level : float
        Two-sided confidence level.
    reason : ndarray of str
        Empty where the ratio is regular; otherwise a short explanation (``"missing input"``,
        ``"no person-time"``, ``"no events in either group"``, ``"no events in the reference
        group: ratio is infinite"``, ``"no events in the comparison group: ratio is zero"``,
        ``"reference group"``).
    groups : tuple of str or None
        Group labels along ``axis`` when given.
    reference : str or int or None
        The reference group when chosen with ``reference=``.
    """

    estimate: FloatArray
    lower: FloatArray
    upper: FloatArray
    events: FloatArray
    person_time: FloatArray
    ref_events: FloatArray
    ref_person_time: FloatArray
    method: str
    conf_level: float
    reason: StrArray
    groups: tuple[str, ...] | None = None
    reference: str | int | None = None


def _reference_slice(x: FloatArray, index: int, axis: int) -> FloatArray:
    return np.take(x, [index], axis=axis)


def rate_ratio(
    events: npt.ArrayLike,
    person_time: npt.ArrayLike,
    ref_events: npt.ArrayLike | None = None,
    ref_person_time: npt.ArrayLike | None = None,
    *,
    reference: str | int | None = None,
    groups: Sequence[str] | None = None,
    axis: int = 0,
    method: RateRatioMethod = "exact",
    conf_level: float = 0.95,
) -> RateRatioResult:
    """Ratio of two Poisson rates with a confidence interval.

    ``RR = (events / person_time) / (ref_events / ref_person_time)``.

    Give the reference explicitly (``ref_events``, ``ref_person_time``), or give one array of
    groups and pick the reference group with ``reference`` (a label in ``groups`` or an integer
    index along ``axis``); every group is then compared with it, e.g. each ethnic group against
    White British. The reference group's own row has estimate 1, NaN limits and reason
    ``"reference group"``.

    Notes
    -----
    ``"exact"`` (default)
        Conditional on the total ``n = k1 + k2``, ``k1`` is binomial with
        ``pi = RR t1 / (RR t1 + t2)``; the Clopper-Pearson limits for ``pi`` give
        ``RR = pi / (1 - pi) * t2 / t1``. This is the interval of R's
        ``poisson.test(c(k1, k2), c(t1, t2))``. Defined when one count is zero: ``k1 = 0``
        gives ``[0, upper]``, ``k2 = 0`` gives ``[lower, inf]``.
    ``"wald"``
        ``exp(log RR +/- z sqrt(1/k1 + 1/k2))``; undefined (NaN limits) when a count is zero.

    Parameters
    ----------
    events, person_time : array_like
        Counts and person-time of the group(s) compared.
    ref_events, ref_person_time : array_like, optional
        Counts and person-time of the reference; broadcast against the groups.
    reference : str or int, optional
        Pick the reference from ``events``/``person_time`` instead (not with ``ref_*``).
    groups : sequence of str, optional
        Labels along ``axis``, used to look up ``reference`` and kept on the result.
    axis : int, default 0
        The group axis when ``reference`` is used.
    method : {"exact", "wald"}, default "exact"
    conf_level : float, default 0.95

    Returns
    -------
    RateRatioResult

    Raises
    ------
    ValueError
        For negative counts or person-time, an unknown reference, or both ways of giving the
        reference at once (or neither).

    References
    ----------
    .. [1] Breslow NE, Day NE. Statistical Methods in Cancer Research II. IARC 1987; 2.4, 3.4.
    .. [2] R ``stats::poisson.test`` (two-sample exact conditional interval).

    Examples
    --------
    R's ``poisson.test(c(11, 21), c(800, 3011))`` reports a rate ratio of 1.971488 with 95%
    interval 0.8584264 to 4.2772659:

    >>> rr = rate_ratio(11, 800, 21, 3011)
    >>> [round(float(v), 6) for v in (rr.estimate, rr.lower, rr.upper)]
    [1.971488, 0.858426, 4.277266]

    Each group against a reference group, with zero counts handled:

    >>> rr = rate_ratio([30, 90, 0], [2000, 2000, 500], reference="White",
    ...                 groups=["White", "Black", "Asian"])
    >>> rr.estimate.tolist()
    [1.0, 3.0, 0.0]
    >>> rr.reason.tolist()
    ['reference group', '', 'no events in the comparison group: ratio is zero']
    """
    level = check_conf_level(conf_level)
    if method not in ("exact", "wald"):
        raise ValueError(f"method must be 'exact' or 'wald', got {method!r}")
    k1 = as_float(events)
    t1 = as_float(person_time)
    labels = tuple(str(g) for g in groups) if groups is not None else None
    is_ref: npt.NDArray[np.bool_] | None = None
    if reference is not None:
        if ref_events is not None or ref_person_time is not None:
            raise ValueError("give either ref_events/ref_person_time or reference, not both")
        k1, t1 = np.broadcast_arrays(k1, t1)
        if k1.ndim == 0:
            raise ValueError("reference= needs an array of groups")
        if isinstance(reference, str):
            if labels is None or reference not in labels:
                raise ValueError(f"reference {reference!r} is not one of groups={labels!r}")
            index = labels.index(reference)
        else:
            index = int(reference)
        size = k1.shape[axis]
        if labels is not None and len(labels) != size:
            raise ValueError(f"groups has {len(labels)} labels but axis {axis} has {size}")
        if not -size <= index < size:
            raise ValueError(f"reference index {index} out of range for {size} groups")
        index %= size
        k2 = _reference_slice(k1, index, axis)
        t2 = _reference_slice(t1, index, axis)
        shape = [1] * k1.ndim
        shape[axis] = size
        is_ref = (np.arange(size) == index).reshape(shape)
    else:
        if ref_events is None or ref_person_time is None:
            raise ValueError("give ref_events and ref_person_time, or reference=")
        k2 = as_float(ref_events)
        t2 = as_float(ref_person_time)
    for arr, name in ((k1, "events"), (t1, "person_time"), (k2, "ref_events")):
        check_non_negative(arr, name)
    check_non_negative(t2, "ref_person_time")
    k1, t1, k2, t2 = np.broadcast_arrays(k1, t1, k2, t2)
    est, lo, hi, reason = _rate_ratio_core(k1, t1, k2, t2, method, level)
    if is_ref is not None:
        ref_mask = np.broadcast_to(is_ref, est.shape)
        est = np.where(ref_mask, 1.0, est)
        lo = np.where(ref_mask, np.nan, lo)
        hi = np.where(ref_mask, np.nan, hi)
        reason = np.where(ref_mask, REASON_REFERENCE, reason)
    return RateRatioResult(
        estimate=est,
        lower=lo,
        upper=hi,
        events=np.array(k1),
        person_time=np.array(t1),
        ref_events=np.array(k2),
        ref_person_time=np.array(t2),
        method=method,
        conf_level=level,
        reason=np.asarray(reason, dtype=np.str_),
        groups=labels,
        reference=reference,
    )


def _rate_ratio_core(
    k1: FloatArray,
    t1: FloatArray,
    k2: FloatArray,
    t2: FloatArray,
    method: str,
    level: float,
) -> tuple[FloatArray, FloatArray, FloatArray, StrArray]:
    """Estimate, limits and reasons for broadcast inputs (no validation)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        missing = np.isnan(k1) | np.isnan(t1) | np.isnan(k2) | np.isnan(t2)
        no_time = ~missing & ((t1 <= 0) | (t2 <= 0))
        ok = ~missing & ~no_time
        none = ok & (k1 == 0) & (k2 == 0)
        zero_ref = ok & (k2 == 0) & (k1 > 0)
        zero_grp = ok & (k1 == 0) & (k2 > 0)
        time_ratio = t2 / t1
        est = (k1 / k2) * time_ratio
    if method == "exact":
        odds = clopper_pearson_odds_ci(np.where(ok, k1, 0.0), np.where(ok, k2, 0.0), level)
        with np.errstate(invalid="ignore"):
            lo = odds.lower * time_ratio
            hi = odds.upper * time_ratio
    else:
        z = float(norm_ppf(0.5 + level / 2.0))
        with np.errstate(divide="ignore", invalid="ignore"):
            se = np.sqrt(1.0 / k1 + 1.0 / k2)
            lo = est * np.exp(-z * se)
            hi = est * np.exp(z * se)
        lo = np.where(zero_ref | zero_grp, np.nan, lo)
        hi = np.where(zero_ref | zero_grp, np.nan, hi)
    bad = missing | no_time | none
    est = np.where(bad, np.nan, est)
    lo = np.where(bad, np.nan, lo)
    hi = np.where(bad, np.nan, hi)
    reason = np.full(est.shape, "", dtype="<U64")
    reason[zero_grp] = REASON_ZERO_GROUP
    reason[zero_ref] = REASON_ZERO_REF
    reason[none] = REASON_NO_EVENTS
    reason[no_time] = REASON_NO_TIME
    reason[missing] = REASON_MISSING
    return (
        np.asarray(est, np.float64),
        np.asarray(lo, np.float64),
        np.asarray(hi, np.float64),
        reason,
    )


def rate_ratio_robust(
    events: npt.ArrayLike,
    person_time: npt.ArrayLike,
    ref_events: npt.ArrayLike,
    ref_person_time: npt.ArrayLike,
    *,
    conf_level: float = 0.95,
) -> RateRatioResult:
    """Rate ratio from person-level data with a cluster-robust (sandwich) interval.

    Restrictive interventions cluster on a few people, so event counts are overdispersed and
    the Poisson intervals of :func:`rate_ratio` are too narrow. Given each person's count and
    person-time, this uses the sandwich variance of the log rate, treating people as
    independent clusters::

        rate = sum(y) / sum(t)
        var(log rate) = n/(n-1) * sum((y_i - rate t_i)**2) / sum(y)**2
        RR = rate / ref_rate,  CI = exp(log RR +/- z sqrt(var + ref_var))

    (the robust variance of a Poisson GEE with an independence working correlation, with the
    usual ``n/(n-1)`` small-sample factor).

    Parameters
    ----------
    events, person_time : array_like
        Per-person counts and person-time of the group compared, along the last axis. Leading
        axes broadcast (many comparisons at once); pad ragged groups with NaN.
    ref_events, ref_person_time : array_like
        The same for the reference group.
    conf_level : float, default 0.95

    Returns
    -------
    RateRatioResult
        With ``method="robust (sandwich)"`` and the group totals as ``events`` etc.

    References
    ----------
    .. [1] Liang KY, Zeger SL. Longitudinal data analysis using generalized linear models.
       Biometrika 1986;73:13-22.
    .. [2] Zou G. A modified Poisson regression approach to prospective studies with binary
       data. Am J Epidemiol 2004;159:702-706.

    Examples
    --------
    >>> rr = rate_ratio_robust([0, 2, 7, 1], [30, 30, 30, 30], [0, 1, 1, 0], [30, 30, 30, 30])
    >>> round(float(rr.estimate), 2)
    5.0
    >>> bool(rr.lower < 5.0 < rr.upper)
    True
    """
    level = check_conf_level(conf_level)
    y1, s1 = as_float(events), as_float(person_time)
    y0, s0 = as_float(ref_events), as_float(ref_person_time)
    for arr, name in ((y1, "events"), (s1, "person_time"), (y0, "ref_events")):
        check_non_negative(arr, name)
    check_non_negative(s0, "ref_person_time")
    k1, t1, v1 = _robust_log_rate(y1, s1)
    k2, t2, v2 = _robust_log_rate(y0, s0)
    k1, t1, v1, k2, t2, v2 = np.broadcast_arrays(k1, t1, v1, k2, t2, v2)
    est, _, _, reason = _rate_ratio_core(k1, t1, k2, t2, "wald", level)
    z = float(norm_ppf(0.5 + level / 2.0))
    with np.errstate(invalid="ignore", over="ignore"):
        se = np.sqrt(v1 + v2)
        regular = reason == ""
        lo = np.where(regular, est * np.exp(-z * se), np.nan)
        hi = np.where(regular, est * np.exp(z * se), np.nan)
    return RateRatioResult(
        estimate=est,
        lower=np.asarray(lo, np.float64),
        upper=np.asarray(hi, np.float64),
        events=np.array(k1),
        person_time=np.array(t1),
        ref_events=np.array(k2),
        ref_person_time=np.array(t2),
        method="robust (sandwich)",
        conf_level=level,
        reason=reason,
    )


def _robust_log_rate(y: FloatArray, t: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Totals and sandwich variance of the log rate along the last axis (NaN = absent)."""
    y, t = np.broadcast_arrays(np.atleast_1d(y), np.atleast_1d(t))
    present = ~(np.isnan(y) | np.isnan(t))
    yy = np.where(present, y, 0.0)
    tt = np.where(present, t, 0.0)
    n = present.sum(axis=-1)
    k = yy.sum(axis=-1)
    time = tt.sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = k / time
        resid = np.where(present, yy - r[..., None] * tt, 0.0)
        var = (n / (n - 1.0)) * (resid**2).sum(axis=-1) / k**2
    return k, time, np.asarray(var, np.float64)


@dataclass(frozen=True)
class PercentChangeResult:
    """Percent change in a rate from a baseline period, with confidence limits.

    Attributes
    ----------
    estimate, lower, upper : ndarray
        ``100 * (rate_after / rate_before - 1)`` and limits, in percent (e.g. -24.0).
    rate_ratio : RateRatioResult
        The underlying ratio (after versus before).
    """

    estimate: FloatArray
    lower: FloatArray
    upper: FloatArray
    rate_ratio: RateRatioResult

    @property
    def reason(self) -> StrArray:
        """Why an estimate or limit is missing or infinite (empty string when regular)."""
        return self.rate_ratio.reason


def percent_change(
    events_before: npt.ArrayLike,
    person_time_before: npt.ArrayLike,
    events_after: npt.ArrayLike,
    person_time_after: npt.ArrayLike,
    *,
    method: RateRatioMethod = "exact",
    conf_level: float = 0.95,
) -> PercentChangeResult:
    """Percent change of a rate from a baseline period: ``100 * (RR - 1)``.

    ``RR = rate_after / rate_before``; the interval is the rate-ratio interval
    (:func:`rate_ratio`) transformed the same way, so it is exact (conditional) by default.

    Parameters
    ----------
    events_before, person_time_before : array_like
        Baseline events and person-time.
    events_after, person_time_after : array_like
        Events and person-time after the change.
    method : {"exact", "wald"}, default "exact"
    conf_level : float, default 0.95

    Returns
    -------
    PercentChangeResult

    Examples
    --------
    Baseline 60 interventions in 2,400 bed days, then 40 in 2,300:

    >>> pc = percent_change(60, 2400, 40, 2300)
    >>> round(float(pc.estimate), 1)
    -30.4
    >>> bool(pc.lower < pc.estimate < pc.upper)
    True
    """
    rr = rate_ratio(
        events_after,
        person_time_after,
        events_before,
        person_time_before,
        method=method,
        conf_level=conf_level,
    )
    return PercentChangeResult(
        estimate=np.asarray(100.0 * (rr.estimate - 1.0), np.float64),
        lower=np.asarray(100.0 * (rr.lower - 1.0), np.float64),
        upper=np.asarray(100.0 * (rr.upper - 1.0), np.float64),
        rate_ratio=rr,
    )


@dataclass(frozen=True)
class PooledPercentChangeResult:
    """A pooled (collaborative) percent change across units.

    Attributes
    ----------
    estimate, lower, upper : ndarray
        Pooled percent change and limits, in percent.
    rate_ratio, rate_ratio_lower, rate_ratio_upper : ndarray
        The pooled rate ratio (after / before) and its limits.
    n_units : ndarray of int
        Units contributing (both periods with person-time, inputs not missing).
    method : str
        ``"mantel-haenszel"``, ``"exact"`` or ``"wald"`` (the last two on crude totals).
    conf_level : float
    reason : ndarray of str
        Empty when regular, else why the estimate or limits are 0, infinite or NaN.
    """

    estimate: FloatArray
    lower: FloatArray
    upper: FloatArray
    rate_ratio: FloatArray
    rate_ratio_lower: FloatArray
    rate_ratio_upper: FloatArray
    n_units: npt.NDArray[np.int64]
    method: str
    conf_level: float
    reason: StrArray


def pooled_percent_change(
    events_before: npt.ArrayLike,
    person_time_before: npt.ArrayLike,
    events_after: npt.ArrayLike,
    person_time_after: npt.ArrayLike,
    *,
    method: PooledMethod = "mantel-haenszel",
    conf_level: float = 0.95,
    axis: int = -1,
) -> PooledPercentChangeResult:
    """Collaborative percent change across units (wards), pooled along ``axis``.

    ``"mantel-haenszel"`` (default) stratifies by unit, so a change in the mix of wards
    between periods does not masquerade as improvement. With ``a_i, T1_i`` the after events
    and person-time of unit ``i``, ``b_i, T0_i`` the before ones and ``T_i = T1_i + T0_i``::

        RR_MH = sum(a_i T0_i / T_i) / sum(b_i T1_i / T_i)
        var(log RR_MH) = sum(T1_i T0_i (a_i + b_i) / T_i**2)
                         / (sum(a_i T0_i / T_i) * sum(b_i T1_i / T_i))

    (Greenland & Robins 1985), interval ``exp(log RR_MH +/- z sqrt(var))``. Units with no
    person-time in one of the periods carry no within-unit comparison and are left out.
    ``"exact"`` and ``"wald"`` instead compare the crude totals (all units summed) with
    :func:`rate_ratio`; they ignore between-unit differences.

    Parameters
    ----------
    events_before, person_time_before, events_after, person_time_after : array_like
        Per-unit values; units run along ``axis``. NaN marks a missing unit (left out).
    method : {"mantel-haenszel", "exact", "wald"}, default "mantel-haenszel"
    conf_level : float, default 0.95
    axis : int, default -1

    Returns
    -------
    PooledPercentChangeResult

    References
    ----------
    .. [1] Greenland S, Robins JM. Biometrics 1985;41:55-68.
    .. [2] Rothman KJ, Greenland S, Lash TL. Modern Epidemiology, 3rd edn, 2008; ch. 15.

    Examples
    --------
    With a single unit the Mantel-Haenszel ratio is the crude ratio and the variance is
    ``1/a + 1/b``:

    >>> res = pooled_percent_change([50], [1000], [25], [1000])
    >>> round(float(res.estimate), 1), round(float(res.rate_ratio), 2)
    (-50.0, 0.5)

    Three wards, before and after:

    >>> res = pooled_percent_change([40, 10, 25], [900, 600, 700], [28, 6, 20], [950, 580, 690])
    >>> round(float(res.estimate), 1), int(res.n_units)
    (-29.4, 3)
    """
    level = check_conf_level(conf_level)
    b = as_float(events_before)
    t0 = as_float(person_time_before)
    a = as_float(events_after)
    t1 = as_float(person_time_after)
    for arr, name in (
        (b, "events_before"),
        (t0, "person_time_before"),
        (a, "events_after"),
        (t1, "person_time_after"),
    ):
        check_non_negative(arr, name)
    a, t1, b, t0 = np.broadcast_arrays(a, t1, b, t0)
    a, t1, b, t0 = (np.moveaxis(np.atleast_1d(v), axis, -1) for v in (a, t1, b, t0))
    with np.errstate(invalid="ignore"):
        use = ~(np.isnan(a) | np.isnan(t1) | np.isnan(b) | np.isnan(t0)) & (t1 > 0) & (t0 > 0)
    a, t1, b, t0 = (np.where(use, v, 0.0) for v in (a, t1, b, t0))
    n_units = np.asarray(use.sum(axis=-1), dtype=np.int64)
    if method == "mantel-haenszel":
        total = np.where(use, t1 + t0, 1.0)
        num = (a * t0 / total).sum(axis=-1)
        den = (b * t1 / total).sum(axis=-1)
        var_num = (t1 * t0 * (a + b) / total**2).sum(axis=-1)
        z = float(norm_ppf(0.5 + level / 2.0))
        with np.errstate(divide="ignore", invalid="ignore"):
            rr = num / den
            se = np.sqrt(var_num / (num * den))
            lo = rr * np.exp(-z * se)
            hi = rr * np.exp(z * se)
        none = n_units == 0
        no_events = ~none & (num == 0) & (den == 0)
        zero_after = ~none & (num == 0) & (den > 0)
        zero_before = ~none & (den == 0) & (num > 0)
        irregular = zero_after | zero_before
        lo = np.where(irregular, np.nan, lo)
        hi = np.where(irregular, np.nan, hi)
        bad = none | no_events
        rr, lo, hi = (np.where(bad, np.nan, v) for v in (rr, lo, hi))
        reason = np.full(rr.shape, "", dtype="<U64")
        reason[zero_after] = REASON_ZERO_GROUP
        reason[zero_before] = REASON_ZERO_REF
        reason[no_events] = REASON_NO_EVENTS
        reason[none] = REASON_NO_TIME
    elif method in ("exact", "wald"):
        crude = rate_ratio(
            a.sum(axis=-1),
            t1.sum(axis=-1),
            b.sum(axis=-1),
            t0.sum(axis=-1),
            method=method,
            conf_level=level,
        )
        rr, lo, hi, reason = crude.estimate, crude.lower, crude.upper, crude.reason
    else:
        raise ValueError(f"method must be 'mantel-haenszel', 'exact' or 'wald', got {method!r}")
    rr, lo, hi = (np.asarray(v, np.float64) for v in (rr, lo, hi))
    return PooledPercentChangeResult(
        estimate=np.asarray(100.0 * (rr - 1.0), np.float64),
        lower=np.asarray(100.0 * (lo - 1.0), np.float64),
        upper=np.asarray(100.0 * (hi - 1.0), np.float64),
        rate_ratio=rr,
        rate_ratio_lower=lo,
        rate_ratio_upper=hi,
        n_units=n_units,
        method=method,
        conf_level=level,
        reason=np.asarray(reason, dtype=np.str_),
    )
