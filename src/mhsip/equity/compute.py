"""The equity analysis on arrays: bed days by group, rates, rate ratios, concentration and the
ratio over time. No Django and no database here (:mod:`mhsip.equity.frames` fetches the rows),
so the simulation tests and ``benchmarks/equity_coverage.py`` run exactly this code.

Definitions (domain brief §2.4, §5.2, §9):

* **Occupied bed days** are a midnight count: a stay occupies a bed at midnight at the end of day
  ``d`` when ``admitted <= d < discharged`` (still open: every day to the end of the period).
  Each stay's bed days are attributed to the patient's characteristic (for age, the patient's
  age in that month), so a group's denominator is "occupied bed days of patients in this group"
  (**within-service**).
* **Restrictive interventions** are distinct (incident, type) pairs (MHSDS MHS77); **incidents**
  are MHS136; **people** are distinct patients (MHS76).
* **Rates** are per 1,000 occupied bed days (MHS96 style).

Uncertainty. Restraint concentrates on a few patients, so counts are overdispersed and Poisson
intervals are too narrow (``docs/stats.md`` §6: they covered a true ratio of 3.0 only about half
the time when patients have a gamma frailty). Every interval here therefore uses the per-patient
counts: the cluster-robust (sandwich) interval of ``mhsip.stats.rate_ratio_robust`` for ratios and
the same variance for a group's own rate (Liang & Zeger 1986), **never narrower than the exact
Poisson interval** (the union of the two at each end). The floor matters for small groups, where
the sandwich variance is itself uncertain and can come out too small; with many patients the
robust interval is the wider one. Where the robust variance cannot be estimated (no events in a
group, or fewer than two patients) the exact interval is used and ``method`` says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from mhsip.equity.characteristics import Characteristic
from mhsip.spc import SPCResult, analyse
from mhsip.stats import (
    RateRatioResult,
    concentration_share,
    norm_ppf,
    rate,
    rate_ratio,
    rate_ratio_robust,
)

BED_DAY_MULTIPLIER = 1000.0
POPULATION_MULTIPLIER = 100_000.0
TOP_FRACTION = 0.1

ROBUST = "robust"
EXACT = "exact"
METHOD_LABELS = {
    ROBUST: "Cluster-robust (sandwich) from per-patient counts, never narrower than exact Poisson",
    EXACT: "Exact Poisson (robust interval not estimable: no events or fewer than 2 patients)",
    "": "",
}


def month_range(start: dt.date, end: dt.date) -> np.ndarray:
    """Calendar months touching ``start..end`` as ``datetime64[M]``."""
    return np.arange(np.datetime64(start, "M"), np.datetime64(end, "M") + 1)


def bed_days_by_month(
    admitted: np.ndarray, discharged: np.ndarray, start: dt.date, end: dt.date
) -> tuple[np.ndarray, np.ndarray]:
    """Occupied bed days of each stay in each month of ``start..end`` (midnight count).

    ``admitted`` and ``discharged`` are ``datetime64[D]``; ``NaT`` discharge is a stay still
    open. Returns ``(months, days)`` with ``days`` of shape ``(stays, months)``. Vectorised
    over stays and months; months are clipped to the period.

    >>> a = np.array(["2025-01-30", "2025-02-10"], dtype="datetime64[D]")
    >>> d = np.array(["2025-02-02", "NaT"], dtype="datetime64[D]")
    >>> months, days = bed_days_by_month(a, d, dt.date(2025, 1, 1), dt.date(2025, 2, 28))
    >>> [str(m) for m in months], days.tolist()
    (['2025-01', '2025-02'], [[2, 1], [0, 19]])
    """
    months = month_range(start, end)
    first = np.maximum(months.astype("datetime64[D]"), np.datetime64(start, "D"))
    after = np.minimum((months + 1).astype("datetime64[D]"), np.datetime64(end, "D") + 1)
    a = np.asarray(admitted, dtype="datetime64[D]")[:, None]
    d_raw = np.asarray(discharged, dtype="datetime64[D]")
    d = np.where(np.isnat(d_raw), np.datetime64(end, "D") + 1, d_raw)[:, None]
    lo = np.maximum(a, first[None, :])
    hi = np.minimum(d, after[None, :])
    days = np.clip((hi - lo).astype(np.int64), 0, None)
    return months, days


@dataclass(frozen=True)
class Frame:
    """One row per (patient, ward, month): bed days there and restrictive interventions there,
    with the patient's group (of one characteristic) in that month."""

    patient: np.ndarray
    ward: np.ndarray
    month: np.ndarray
    group: np.ndarray
    bed_days: np.ndarray
    interventions: np.ndarray
    incidents: np.ndarray

    def __len__(self) -> int:
        return int(self.patient.size)

    def where(self, mask: np.ndarray) -> Frame:
        return Frame(*(getattr(self, f)[mask] for f in Frame.__dataclass_fields__))


def build_frame(
    characteristic: Characteristic,
    start: dt.date,
    end: dt.date,
    *,
    stay_patient: np.ndarray,
    stay_ward: np.ndarray,
    admitted: np.ndarray,
    discharged: np.ndarray,
    stay_value: np.ndarray,
    event_patient: np.ndarray,
    event_ward: np.ndarray,
    event_month: np.ndarray,
    event_value: np.ndarray,
    event_interventions: np.ndarray,
    event_incidents: np.ndarray,
) -> Frame:
    """Combine stays (bed days per month) and counted interventions into one :class:`Frame`.

    ``stay_value`` / ``event_value`` are the patient's stored value of
    ``characteristic.field`` on each stay / event row; events are already counted per
    (patient, ward, month) and must lie in the period.
    """
    months, days = bed_days_by_month(admitted, discharged, start, end)
    si, mi = np.nonzero(days)
    s_patient = np.asarray(stay_patient, np.int64)[si]
    s_ward = np.asarray(stay_ward, np.int64)[si]
    s_month = months[mi]
    s_value = np.asarray(stay_value, dtype=object)[si]
    s_days = days[si, mi].astype(float)
    e_month = np.asarray(event_month, dtype="datetime64[M]")
    patient = np.concatenate([s_patient, np.asarray(event_patient, np.int64)])
    ward = np.concatenate([s_ward, np.asarray(event_ward, np.int64)])
    month = np.concatenate([s_month, e_month])
    value = np.concatenate([s_value, np.asarray(event_value, dtype=object)])
    n_ev = e_month.size
    bed = np.concatenate([s_days, np.zeros(n_ev)])
    ivs = np.concatenate([np.zeros(si.size), np.asarray(event_interventions, float)])
    inc = np.concatenate([np.zeros(si.size), np.asarray(event_incidents, float)])
    if patient.size == 0:
        empty = np.array([], dtype=object)
        return Frame(patient, ward, month, empty, np.zeros(0), np.zeros(0), np.zeros(0))
    keys = np.stack([patient, ward, month.astype(np.int64)], axis=1)
    uniq, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    inverse = inverse.ravel()
    n = uniq.shape[0]
    years = month[first].astype("datetime64[Y]").astype(int) + 1970
    group = characteristic.classify(value[first], years)
    return Frame(
        patient=uniq[:, 0],
        ward=uniq[:, 1],
        month=uniq[:, 2].astype("datetime64[M]"),
        group=np.asarray(group, dtype=object),
        bed_days=np.bincount(inverse, weights=bed, minlength=n),
        interventions=np.bincount(inverse, weights=ivs, minlength=n),
        incidents=np.bincount(inverse, weights=inc, minlength=n),
    )


# --- per-group statistics -------------------------------------------------------------------


def _units(frame: Frame, characteristic: Characteristic) -> tuple[np.ndarray, ...]:
    """(group index, interventions, bed days, incidents) per (patient, group) unit."""
    gi = characteristic.index(frame.group) if len(frame) else np.zeros(0, np.int64)
    keys = np.stack([frame.patient, gi], axis=1) if len(frame) else np.zeros((0, 2), np.int64)
    uniq, inverse = np.unique(keys, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    n = uniq.shape[0]
    y = np.bincount(inverse, weights=frame.interventions, minlength=n)
    t = np.bincount(inverse, weights=frame.bed_days, minlength=n)
    inc = np.bincount(inverse, weights=frame.incidents, minlength=n)
    return uniq[:, 1] if n else np.zeros(0, np.int64), y, t, inc


def _padded(gi: np.ndarray, values: np.ndarray, n_groups: int) -> np.ndarray:
    """Values per group along the last axis, NaN-padded: shape ``(groups, max people)``."""
    counts = np.bincount(gi, minlength=n_groups)
    width = max(int(counts.max()) if counts.size else 0, 1)
    out = np.full((n_groups, width), np.nan)
    order = np.argsort(gi, kind="stable")
    sorted_g = gi[order]
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    pos = np.arange(gi.size) - starts[sorted_g]
    out[sorted_g, pos] = values[order]
    return out


def robust_rate_interval(
    events: np.ndarray, person_time: np.ndarray, *, conf_level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Cluster-robust limits of each row's rate (people along the last axis, NaN padding).

    ``var(log rate) = n/(n-1) * sum((y_i - rate t_i)^2) / (sum y)^2`` -- the variance
    ``mhsip.stats.rate_ratio_robust`` uses for each group (Liang & Zeger 1986; Zou 2004).
    Returns limits of the rate per unit person-time; NaN where not estimable.
    """
    y = np.asarray(events, float)
    t = np.asarray(person_time, float)
    present = ~(np.isnan(y) | np.isnan(t))
    yy = np.where(present, y, 0.0)
    tt = np.where(present, t, 0.0)
    n = present.sum(axis=-1)
    k = yy.sum(axis=-1)
    time = tt.sum(axis=-1)
    z = float(norm_ppf(0.5 + conf_level / 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        r = k / time
        resid = np.where(present, yy - r[..., None] * tt, 0.0)
        var = (n / (n - 1.0)) * (resid**2).sum(axis=-1) / k**2
        ok = (k > 0) & (time > 0) & (n >= 2) & np.isfinite(var)
        lo = np.where(ok, r * np.exp(-z * np.sqrt(var)), np.nan)
        hi = np.where(ok, r * np.exp(z * np.sqrt(var)), np.nan)
    return lo, hi


def _union(
    lo_a: np.ndarray, hi_a: np.ndarray, lo_b: np.ndarray, hi_b: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The wider of two intervals at each end; method "robust" where ``a`` is estimable."""
    use_a = np.isfinite(lo_a) & np.isfinite(hi_a)
    lo = np.where(use_a, np.fmin(lo_a, lo_b), lo_b)
    hi = np.where(use_a, np.fmax(hi_a, hi_b), hi_b)
    method = np.where(use_a, ROBUST, np.where(np.isnan(lo_b) & np.isnan(hi_b), "", EXACT))
    return lo, hi, method


@dataclass(frozen=True)
class RatioIntervals:
    """Rate ratios with the interval the pages use (:func:`ratio_intervals`)."""

    estimate: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    method: np.ndarray
    robust: RateRatioResult
    exact: RateRatioResult


def ratio_intervals(
    events: np.ndarray,
    person_time: np.ndarray,
    ref_events: np.ndarray,
    ref_person_time: np.ndarray,
    *,
    conf_level: float = 0.95,
) -> RatioIntervals:
    """Rate ratio of each row to the reference from per-person counts (people along the last
    axis, NaN padding; leading axes broadcast, e.g. groups or simulated seeds).

    The interval is the cluster-robust one (``mhsip.stats.rate_ratio_robust``), widened at
    either end to the exact conditional Poisson interval (``rate_ratio(method="exact")``) where
    that is wider; the exact interval alone where the robust one cannot be estimated.
    """
    rob = rate_ratio_robust(events, person_time, ref_events, ref_person_time, conf_level=conf_level)
    ex = rate_ratio(
        rob.events,
        rob.person_time,
        rob.ref_events,
        rob.ref_person_time,
        method="exact",
        conf_level=conf_level,
    )
    lo, hi, method = _union(rob.lower, rob.upper, ex.lower, ex.upper)
    return RatioIntervals(np.asarray(ex.estimate, float), lo, hi, method, rob, ex)


@dataclass(frozen=True)
class GroupStatistics:
    """Within-service rates by group and rate ratios against the reference group.

    Per group (arrays in :attr:`groups` order): ``people`` in the service (patients with a bed
    day or an intervention in the group), ``people_restrained`` (MHS76), ``interventions``
    (MHS77), ``incidents`` (MHS136), ``bed_days``; ``rate`` per 1,000 bed days with
    ``rate_lower``/``rate_upper``; ``ratio`` to the reference with ``ratio_lower``/
    ``ratio_upper``, ``ratio_reason`` (why a ratio is 0, infinite or missing; "reference group")
    and ``ratio_method`` / ``rate_method`` (:data:`ROBUST` or :data:`EXACT`);
    ``concentration``: the share of the group's interventions on its 10% most-restrained
    people. Missing is NaN: a group with no bed days has no rate (not a rate of 0).
    """

    characteristic: Characteristic
    groups: tuple[str, ...]
    reference: str
    people: np.ndarray
    people_restrained: np.ndarray
    interventions: np.ndarray
    incidents: np.ndarray
    bed_days: np.ndarray
    rate: np.ndarray
    rate_lower: np.ndarray
    rate_upper: np.ndarray
    rate_method: np.ndarray
    ratio: np.ndarray
    ratio_lower: np.ndarray
    ratio_upper: np.ndarray
    ratio_reason: np.ndarray
    ratio_method: np.ndarray
    concentration: np.ndarray
    conf_level: float = 0.95

    @property
    def reference_index(self) -> int:
        return self.groups.index(self.reference)

    def index(self, group: str) -> int:
        return self.groups.index(group)


def group_statistics(
    frame: Frame,
    characteristic: Characteristic,
    reference: str | None = None,
    *,
    conf_level: float = 0.95,
) -> GroupStatistics:
    """Rates, rate ratios (against ``reference``) and concentration for every group."""
    groups = characteristic.group_keys
    ref = reference or characteristic.default_reference
    if ref not in groups:
        raise ValueError(f"{ref!r} is not a group of {characteristic.label.lower()}")
    r_i = groups.index(ref)
    n_groups = len(groups)
    gi, y, t, inc = _units(frame, characteristic)
    active = (t > 0) | (y > 0)
    gi, y, t, inc = gi[active], y[active], t[active], inc[active]
    people = np.bincount(gi, minlength=n_groups).astype(float)
    restrained = np.bincount(gi, weights=(y > 0).astype(float), minlength=n_groups)
    k = np.bincount(gi, weights=y, minlength=n_groups)
    bed = np.bincount(gi, weights=t, minlength=n_groups)
    incidents = np.bincount(gi, weights=inc, minlength=n_groups)
    ypad = _padded(gi, y, n_groups)
    tpad = _padded(gi, t, n_groups)

    exact = rate(
        k, np.where(bed > 0, bed, np.nan), multiplier=BED_DAY_MULTIPLIER, conf_level=conf_level
    )
    r_lo, r_hi = robust_rate_interval(ypad, tpad, conf_level=conf_level)
    rate_lo, rate_hi, rate_method = _union(
        r_lo * BED_DAY_MULTIPLIER, r_hi * BED_DAY_MULTIPLIER, exact.lower, exact.upper
    )
    rate_value = np.where(bed > 0, k / np.where(bed > 0, bed, 1.0) * BED_DAY_MULTIPLIER, np.nan)

    ratios = ratio_intervals(
        ypad, tpad, ypad[r_i][None, :], tpad[r_i][None, :], conf_level=conf_level
    )
    ex = ratios.exact
    ratio_lo, ratio_hi, ratio_method = ratios.lower.copy(), ratios.upper.copy(), ratios.method
    estimate = np.asarray(ex.estimate, float).copy()
    reason = np.asarray(ex.reason).astype(object)
    estimate[r_i] = 1.0
    ratio_lo[r_i] = ratio_hi[r_i] = np.nan
    reason[r_i] = "reference group"
    ratio_method = ratio_method.astype(object)
    ratio_method[r_i] = ""
    no_bed = bed == 0
    reason[no_bed & (np.arange(n_groups) != r_i)] = "no bed days in this group"
    estimate[no_bed] = np.nan
    ratio_lo[no_bed] = ratio_hi[no_bed] = np.nan
    rate_lo[no_bed] = rate_hi[no_bed] = np.nan

    share = concentration_share(ypad, TOP_FRACTION)
    return GroupStatistics(
        characteristic=characteristic,
        groups=groups,
        reference=ref,
        people=people,
        people_restrained=restrained,
        interventions=k,
        incidents=incidents,
        bed_days=bed,
        rate=rate_value,
        rate_lower=rate_lo,
        rate_upper=rate_hi,
        rate_method=np.where(no_bed, "", rate_method).astype(object),
        ratio=estimate,
        ratio_lower=ratio_lo,
        ratio_upper=ratio_hi,
        ratio_reason=reason,
        ratio_method=ratio_method,
        concentration=np.asarray(share, float),
        conf_level=conf_level,
    )


# --- concentration over everyone ---------------------------------------------------------------


@dataclass(frozen=True)
class Concentration:
    """How concentrated restraint is on a few people (``mhsip.stats.concentration_share``).

    ``share_all``: share of interventions on the 10% most-restrained of everyone with a bed day
    in the period (people never restrained included); ``share_restrained``: the same among people
    restrained at least once. ``people``/``people_restrained``/``interventions`` are the counts
    behind them.
    """

    top_fraction: float
    people: int
    people_restrained: int
    interventions: float
    share_all: float
    share_restrained: float


def concentration(frame: Frame) -> Concentration:
    """Concentration over patients (all wards and months of the frame)."""
    if len(frame) == 0:
        return Concentration(TOP_FRACTION, 0, 0, 0.0, float("nan"), float("nan"))
    uniq, inverse = np.unique(frame.patient, return_inverse=True)
    y = np.bincount(inverse.ravel(), weights=frame.interventions, minlength=uniq.size)
    t = np.bincount(inverse.ravel(), weights=frame.bed_days, minlength=uniq.size)
    everyone = y[(t > 0) | (y > 0)]
    restrained = y[y > 0]
    return Concentration(
        top_fraction=TOP_FRACTION,
        people=int(everyone.size),
        people_restrained=int(restrained.size),
        interventions=float(y.sum()),
        share_all=float(concentration_share(everyone, TOP_FRACTION)) if everyone.size else np.nan,
        share_restrained=(
            float(concentration_share(restrained, TOP_FRACTION)) if restrained.size else np.nan
        ),
    )


# --- the ratio over time -----------------------------------------------------------------------


@dataclass(frozen=True)
class RatioSeries:
    """The monthly rate ratio of ``group`` to ``reference`` and its XmR chart.

    Chart: a Making Data Count XmR chart of the **log** rate ratio (``mhsip.spc.analyse``,
    ``chart="xmr"``), drawn back on the ratio scale. Why XmR: a ratio of two rates is neither a
    count nor a proportion, so c/u/p charts (which assume Poisson or binomial variation) do not
    apply; the XmR chart takes its limits from the month-to-month variation actually seen, which
    includes the extra variation from restraint clustering on a few patients. Why the log: a
    ratio of 2 and one of 1/2 are equally far from parity, moving ranges are symmetric, and the
    limits stay positive. A month is missing (a gap, never a zero) when either group has no bed
    days or no interventions, as the log ratio is then undefined.

    ``improvement`` is towards parity: "decrease" when the whole period's ratio is above 1,
    "increase" when below.
    """

    group: str
    reference: str
    months: np.ndarray
    events: np.ndarray
    bed_days: np.ndarray
    ref_events: np.ndarray
    ref_bed_days: np.ndarray
    ratio: np.ndarray
    reason: np.ndarray
    centre: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    point_type: np.ndarray
    explanation: np.ndarray
    spc: SPCResult | None
    improvement: str

    @property
    def n_points(self) -> int:
        return int(np.isfinite(self.ratio).sum())


def ratio_series(
    frame: Frame,
    group: str,
    reference: str,
    months: np.ndarray | Sequence[np.datetime64],
) -> RatioSeries:
    """Monthly ratio of ``group``'s rate to ``reference``'s over ``months`` and its XmR chart."""
    months = np.asarray(months, dtype="datetime64[M]")
    m = months.size
    pos = np.searchsorted(months, frame.month)
    inside = (pos < m) & (months[np.minimum(pos, m - 1)] == frame.month) if m else pos < 0

    def monthly(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
        keep = mask & inside
        return np.bincount(pos[keep], weights=values[keep], minlength=m).astype(float)

    is_g = frame.group == group
    is_r = frame.group == reference
    k1, t1 = monthly(is_g, frame.interventions), monthly(is_g, frame.bed_days)
    k0, t0 = monthly(is_r, frame.interventions), monthly(is_r, frame.bed_days)
    ok = (k1 > 0) & (k0 > 0) & (t1 > 0) & (t0 > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(ok, (k1 / t1) / (k0 / t0), np.nan)
    reason = np.full(m, "", dtype=object)
    reason[(t1 == 0) | (t0 == 0)] = "no bed days in one group"
    reason[((k1 == 0) | (k0 == 0)) & (reason == "")] = "no interventions in one group"
    overall = (k1.sum() / t1.sum()) / (k0.sum() / t0.sum()) if ok.any() else np.nan
    improvement = "decrease" if overall > 1 else "increase"
    spc: SPCResult | None = None
    centre, lower, upper = np.full(m, np.nan), np.full(m, np.nan), np.full(m, np.nan)
    point_type = np.full(m, "", dtype=object)
    explanation = np.full(m, "", dtype=object)
    if int(ok.sum()) >= 2:
        spc = analyse(
            np.log(ratio),
            chart="xmr",
            x=months.astype("datetime64[D]"),
            improvement=improvement,
        )
        # Place the chart's points by date: the result can be shorter than the input (trailing
        # missing months are left out), so never assume position i is month i.
        at = np.searchsorted(months.astype("datetime64[D]"), np.asarray(spc.x, "datetime64[D]"))
        centre[at] = np.exp(np.asarray(spc.centre, float))
        lower[at] = np.exp(np.asarray(spc.lower, float))
        upper[at] = np.exp(np.asarray(spc.upper, float))
        point_type[at] = np.asarray(spc.point_type, dtype=object)
        explanation[at] = np.asarray(spc.explanation, dtype=object)
    return RatioSeries(
        group=group,
        reference=reference,
        months=months,
        events=k1,
        bed_days=t1,
        ref_events=k0,
        ref_bed_days=t0,
        ratio=ratio,
        reason=reason,
        centre=centre,
        lower=lower,
        upper=upper,
        point_type=point_type,
        explanation=explanation,
        spc=spc,
        improvement=improvement,
    )


# --- population denominators ---------------------------------------------------------------------


@dataclass(frozen=True)
class PopulationStatistics:
    """People subject to restrictive intervention per 100,000 residents, by group.

    ``population`` is NaN for a group the population table has no figure for (not known, not
    stated...); those groups get no rate. Intervals are exact Poisson (each person counts once,
    so the counts are not clustered); ratios are against the reference group.
    """

    groups: tuple[str, ...]
    reference: str
    people_restrained: np.ndarray
    population: np.ndarray
    rate: np.ndarray
    rate_lower: np.ndarray
    rate_upper: np.ndarray
    ratio: np.ndarray
    ratio_lower: np.ndarray
    ratio_upper: np.ndarray
    ratio_reason: np.ndarray

    @property
    def available(self) -> bool:
        return bool(np.isfinite(self.population).any())


def population_statistics(
    groups: Sequence[str],
    reference: str,
    people_restrained: np.ndarray,
    population: np.ndarray,
    *,
    conf_level: float = 0.95,
) -> PopulationStatistics:
    """Crude rates per 100,000 population (domain brief §5.2) and ratios to ``reference``."""
    groups = tuple(groups)
    k = np.asarray(people_restrained, float)
    pop = np.asarray(population, float)
    pop_ok = np.where(pop > 0, pop, np.nan)
    r = rate(k, pop_ok, multiplier=POPULATION_MULTIPLIER, conf_level=conf_level)
    r_i = groups.index(reference)
    rr = rate_ratio(
        k,
        pop_ok,
        np.full(k.size, k[r_i]),
        np.full(k.size, pop_ok[r_i]),
        method="exact",
        conf_level=conf_level,
    )
    estimate = np.asarray(rr.estimate, float).copy()
    lo, hi = np.asarray(rr.lower, float).copy(), np.asarray(rr.upper, float).copy()
    reason = np.asarray(rr.reason).astype(object)
    no_pop = ~np.isfinite(pop_ok)
    reason[no_pop] = "no population figure for this group"
    estimate[no_pop] = lo[no_pop] = hi[no_pop] = np.nan
    estimate[r_i], lo[r_i], hi[r_i], reason[r_i] = 1.0, np.nan, np.nan, "reference group"
    if no_pop[r_i]:
        estimate[:] = np.nan
        reason[:] = "no population figure for the reference group"
    return PopulationStatistics(
        groups=groups,
        reference=reference,
        people_restrained=k,
        population=pop,
        rate=np.asarray(r.rate, float),
        rate_lower=np.asarray(r.lower, float),
        rate_upper=np.asarray(r.upper, float),
        ratio=estimate,
        ratio_lower=lo,
        ratio_upper=hi,
        ratio_reason=reason,
    )
