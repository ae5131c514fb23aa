"""The collaborative overview: the ward x measure icon matrix, % change from baseline and the
funnel plot of the latest quarter (issue 5 item 3; landscape brief §3.3, §3.6 and §4.2).

Everything on the page comes from **one** :func:`mhsip.measures.analysis.analyse_measure` call
per measure over every ward of the collaborative (one SQL aggregation and one vectorised SPC
pass per measure), kept in the cache by :mod:`mhsip.measures.freshness` under a key that
changes with the data, so it is never stale. The collaborative total row pools those same series
(:func:`pooled_analysis`, which equals :func:`~mhsip.measures.analysis.analyse_collaborative`
without aggregating the data a second time), and the % change and funnel plot add up the
same per-ward numerators and denominators over two windows:

* **baseline**: the collaborative's ``baseline_start`` to ``baseline_end``;
* **latest**, for the % change: the latest 26 weeks (weekly measures) or 6 months (monthly
  measures) ending with the last period in which any ward reported. Half a year rather than a
  quarter because a ward's quarter holds few events: its interval would be too wide to say
  much;
* **latest quarter**, for the funnel plot: the latest 13 weeks or 3 months, ending the same.

Missing periods (no bed days, or a weekly return not sent) are left out of both the numerator
and the denominator, never counted as zero (landscape §3.7).

Percent change uses :mod:`mhsip.stats`: per ward the exact conditional rate-ratio interval
(:func:`mhsip.stats.percent_change`), overall the Mantel-Haenszel rate ratio stratified by ward
(:func:`mhsip.stats.pooled_percent_change`, Greenland & Robins 1985), so a change in which
wards report does not pass for improvement. The funnel plot uses
:func:`mhsip.stats.funnel_poisson` with 95% and 99.8% limits on the square-root scale with
additive random-effects overdispersion (Spiegelhalter, QSHC 2005; the CQC method of NHS-R
FunnelPlotR), which copes with wards with no events in the quarter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import Max
from django.urls import reverse

from mhsip.measures.analysis import WardAnalysis, analyse_table
from mhsip.measures.dashboard import last_complete
from mhsip.measures.freshness import data_version, ward_analyses
from mhsip.measures.icons import Icons, icons_for
from mhsip.measures.models import Denominator, Improvement, Measure, Period
from mhsip.measures.series import SeriesTable, pooled, week_start
from mhsip.organisations.access import visible_wards
from mhsip.organisations.models import Collaborative, Ward
from mhsip.recording.models import WardCensus
from mhsip.returns.models import WeeklyReturn
from mhsip.stats import FunnelResult, funnel_poisson, pooled_percent_change
from mhsip.stats import percent_change as stats_percent_change

HEADLINE_MEASURE = "restrictive-interventions"
CHANGE_PERIODS = {Period.WEEK: 26, Period.MONTH: 6}
QUARTER_PERIODS = {Period.WEEK: 13, Period.MONTH: 3}
FUNNEL_LEVELS = (0.95, 0.998)
NATIONAL_CONTEXT = (
    "For comparison, the national NCCMH Reducing Restrictive Practice collaborative "
    "(2018 to 2020) reported a 15% overall reduction across its 38 wards, and 24 of the 38 "
    "wards reduced one or more measures by between 25% and 100%."
)


# --- Windows -----------------------------------------------------------------------------------


def analysis_end(
    collaborative: Collaborative, period: str, today: dt.date, latest: dt.date | None = None
) -> dt.date:
    """The last day of the last complete week (or month) before ``today``, not after the
    collaborative's end date, nor after the last complete period of the latest data
    (``latest``), so the matrix does not end in weeks no ward has reported yet."""
    if period == Period.MONTH:
        end = today.replace(day=1) - dt.timedelta(days=1)
    else:
        end = week_start(today) - dt.timedelta(days=1)
    if collaborative.end_date is not None and collaborative.end_date < end:
        end = collaborative.end_date
    if latest is not None:
        end = min(end, last_complete(latest, period))
    return end


def latest_data(ward_ids: Sequence[int]) -> dt.date | None:
    """The last day with a denominator on any of the wards: the latest midnight census or the
    last day of the latest submitted weekly return (as the ward dashboard's range)."""
    census = WardCensus.objects.filter(ward_id__in=ward_ids).aggregate(last=Max("date"))["last"]
    week = WeeklyReturn.objects.filter(ward_id__in=ward_ids, status="submitted").aggregate(
        last=Max("week_start")
    )["last"]
    days = [d for d in (census, week + dt.timedelta(days=6) if week else None) if d]
    return max(days) if days else None


def analysis_start(collaborative: Collaborative) -> dt.date:
    return min(collaborative.baseline_start, collaborative.start_date)


@dataclass(frozen=True)
class Window:
    """A run of whole periods, ``first`` to ``last`` period starts, covering ``start..end``."""

    start: dt.date
    end: dt.date
    periods: int
    unit: str  # "weeks" or "months"

    @property
    def label(self) -> str:
        return f"{self.start:%-d %B %Y} to {self.end:%-d %B %Y}"


def _period_end(start: np.datetime64, period: str) -> dt.date:
    if period == Period.MONTH:
        nxt = (start.astype("datetime64[M]") + np.timedelta64(1, "M")).astype("datetime64[D]")
        return (nxt - np.timedelta64(1, "D")).item()
    return (start + np.timedelta64(6, "D")).item()


def baseline_mask(periods: np.ndarray, collaborative: Collaborative) -> np.ndarray:
    """Periods that start within the baseline (a period starting before the baseline but
    mostly inside it is left out, so the baseline never borrows earlier data)."""
    lo = np.datetime64(collaborative.baseline_start, "D")
    hi = np.datetime64(collaborative.baseline_end, "D")
    return (periods >= lo) & (periods <= hi)


def latest_window(
    periods: np.ndarray, reported: np.ndarray, period: str, count: int
) -> tuple[np.ndarray, Window | None]:
    """The last ``count`` periods ending with the last period any ward reported.
    ``periods`` is the sorted grid, ``reported`` whether each has data."""
    if not reported.any():
        return np.zeros(periods.size, dtype=bool), None
    last = int(np.flatnonzero(reported)[-1])
    first = max(0, last - count + 1)
    mask = np.zeros(periods.size, dtype=bool)
    mask[first : last + 1] = True
    return mask, Window(
        start=periods[first].item(),
        end=_period_end(periods[last], period),
        periods=last - first + 1,
        unit="months" if period == Period.MONTH else "weeks",
    )


SHORT_VARIATION = {
    "common_cause": "Common cause",
    "improvement_high": "Improvement (high)",
    "improvement_low": "Improvement (low)",
    "concern_high": "Concern (high)",
    "concern_low": "Concern (low)",
    "neutral_high": "Special cause (high)",
    "neutral_low": "Special cause (low)",
}
"""Short text shown in a matrix cell beside the icon (Making Data Count variation types)."""
SHORT_ASSURANCE = {
    "pass": "Meets target",
    "fail": "Misses target",
    "inconsistent": "Hit and miss target",
}


# --- The matrix --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One ward's (or the total's) SPC summary of one measure."""

    measure: Measure
    analysis: WardAnalysis | None
    href: str | None

    @property
    def has_data(self) -> bool:
        return self.analysis is not None and self.analysis.points > 0

    @property
    def variation(self) -> str | None:
        return self.analysis.result.variation_icon if self.has_data else None  # type: ignore[union-attr]

    @property
    def assurance(self) -> str | None:
        return self.analysis.result.assurance_icon if self.has_data else None  # type: ignore[union-attr]

    @property
    def chart(self) -> str | None:
        return self.analysis.chart if self.has_data else None  # type: ignore[union-attr]

    @property
    def points(self) -> int:
        return self.analysis.points if self.analysis is not None else 0

    @property
    def latest_missing(self) -> bool:
        """The ward's latest period has no data (not a zero): the icons describe the latest
        point, so the cell says so rather than let an icon stand for a missing week."""
        return self.has_data and bool(np.isnan(self.analysis.result.y[-1]))  # type: ignore[union-attr]

    @property
    def period_word(self) -> str:
        return "month" if self.measure.period == Period.MONTH else "week"

    @property
    def icons(self) -> Icons | None:
        return icons_for(self.analysis, self.measure) if self.has_data else None  # type: ignore[arg-type]

    @property
    def short_variation(self) -> str:
        """Short visible text for the cell (the icon's title holds the full wording)."""
        if not self.has_data:
            return "No data"
        icons = self.icons
        if icons is None or icons.variation is None:
            return f"Too few points ({self.points})" if self.chart == "run" else "No icon"
        return SHORT_VARIATION[icons.variation]

    @property
    def short_assurance(self) -> str:
        icons = self.icons
        return SHORT_ASSURANCE.get(icons.assurance or "", "") if icons else ""


@dataclass(frozen=True)
class Row:
    ward: Ward | None  # None: the collaborative total
    label: str
    href: str | None  # the ward's page, when the user may see the ward in detail
    cells: list[Cell]

    @property
    def is_total(self) -> bool:
        return self.ward is None


def chart_url(ward: Ward, measure: Measure) -> str:
    """The ward's chart of a measure (the ward dashboard's route)."""
    return reverse("measures:ward-measure", kwargs={"code": ward.code, "slug": measure.slug})


def pooled_analysis(measure: Measure, analyses: dict[int, WardAnalysis]) -> WardAnalysis | None:
    """The collaborative total (ward id 0) from per-ward analyses already computed: the same
    pooled series as :func:`~mhsip.measures.analysis.analyse_collaborative`, without querying
    the database again."""
    if not analyses:
        return None
    parts = list(analyses.values())
    table = SeriesTable(
        ward_id=np.concatenate([np.full(a.period_start.size, a.ward_id) for a in parts]),
        period_start=np.concatenate([a.period_start for a in parts]),
        numerator=np.concatenate([a.numerator for a in parts]),
        denominator=np.concatenate([a.denominator for a in parts]),
    )
    return analyse_table(measure, pooled(table))[0]


@dataclass
class Overview:
    """Everything the collaborative overview page shows."""

    collaborative: Collaborative
    measures: list[Measure]
    start: dt.date
    end: dt.date
    rows: list[Row]  # ward rows (empty for network members)
    total: Row
    analyses: dict[str, dict[int, WardAnalysis]] = field(repr=False)
    wards: list[Ward] = field(repr=False)
    linked: set[int] = field(default_factory=set, repr=False)  # wards the user may open

    def chart_links(self, measure: Measure) -> dict[int, str | None]:
        """Each ward's chart of ``measure``, for wards the user may see in detail."""
        return {w.pk: chart_url(w, measure) for w in self.wards if w.pk in self.linked}


def build_overview(
    collaborative: Collaborative,
    user: Any,
    measures: Sequence[Measure],
    *,
    today: dt.date,
    show_wards: bool,
) -> Overview:
    """Analyse every measure over every ward of the collaborative (one call per measure) and
    lay out the matrix. Only wards the user may see in detail link to their charts."""
    wards = list(
        collaborative.wards.select_related("site__trust").order_by("site__trust__name", "name")
    )
    ward_ids = [w.pk for w in wards]
    linked = set(visible_wards(user).filter(pk__in=ward_ids).values_list("pk", flat=True))
    start = analysis_start(collaborative)
    analyses: dict[str, dict[int, WardAnalysis]] = {}
    totals: list[Cell] = []
    end = today
    version = data_version(ward_ids) if ward_ids else ""
    latest = latest_data(ward_ids) if ward_ids else None
    for measure in measures:
        end_m = analysis_end(collaborative, measure.period, today, latest)
        end = min(end, end_m)
        per_ward = (
            ward_analyses(measure, ward_ids, start, end_m, version=version) if ward_ids else {}
        )
        analyses[measure.slug] = per_ward
        totals.append(Cell(measure, pooled_analysis(measure, per_ward), None))
    rows = []
    if show_wards:
        for ward in wards:
            can_open = ward.pk in linked
            cells = [
                Cell(
                    m,
                    analyses[m.slug].get(ward.pk),
                    chart_url(ward, m) if can_open else None,
                )
                for m in measures
            ]
            href = reverse("organisations:ward-detail", kwargs={"code": ward.code})
            rows.append(Row(ward, ward.name, href if can_open else None, cells))
    total = Row(None, "Collaborative total", None, totals)
    return Overview(collaborative, list(measures), start, end, rows, total, analyses, wards, linked)


# --- % change from baseline --------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One ward's (or the collaborative's) rate at baseline and in the latest quarter."""

    label: str
    ward: Ward | None
    href: str | None
    baseline_events: float
    baseline_days: float
    latest_events: float
    latest_days: float
    estimate: float  # percent; NaN when it cannot be computed
    lower: float
    upper: float
    note: str  # why the estimate or its interval is missing, in plain English
    multiplier: float = 1000.0

    @property
    def baseline_rate(self) -> float:
        return _rate(self.baseline_events, self.baseline_days, self.multiplier)

    @property
    def latest_rate(self) -> float:
        return _rate(self.latest_events, self.latest_days, self.multiplier)

    @property
    def change_text(self) -> str:
        return signed_percent(self.estimate) or "Not available"

    @property
    def interval_text(self) -> str:
        if not (np.isfinite(self.lower) and np.isfinite(self.upper)):
            return ""
        return f"{signed_percent(self.lower)} to {signed_percent(self.upper)}"

    @property
    def words(self) -> str:
        return change_words(self.estimate, self.lower, self.upper)

    @property
    def reduction_25(self) -> bool:
        return bool(np.isfinite(self.estimate) and self.estimate <= -25.0)

    @property
    def reduction_100(self) -> bool:
        return bool(self.baseline_events > 0 and self.latest_days > 0 and self.latest_events == 0)


def signed_percent(value: float) -> str:
    """'-67%', '+5%', '0%' (never '-0%'); '' for a missing value."""
    if not np.isfinite(value):
        return ""
    whole = round(value)
    return "0%" if whole == 0 else f"{whole:+d}%"


def change_words(estimate: float, lower: float, upper: float) -> str:
    """'67% lower (95% confidence interval: 75% lower to 55% lower)'."""

    def words(v: float) -> str:
        if not np.isfinite(v):
            return "not known"
        r = round(abs(v))
        return "no change" if r == 0 else f"{r}% {'lower' if v < 0 else 'higher'}"

    if not np.isfinite(estimate):
        return "Not available"
    head = words(estimate)
    head = head[0].upper() + head[1:]
    if not (np.isfinite(lower) or np.isfinite(upper)):
        return head
    return f"{head} (95% confidence interval: {words(lower)} to {words(upper)})"


def _rate(events: float, days: float, multiplier: float) -> float:
    return float(events / days * multiplier) if days > 0 else float("nan")


@dataclass(frozen=True)
class ChangeSummary:
    measure: Measure
    baseline: Window | None
    latest: Window | None
    wards: list[Change]
    overall: Change | None
    mean_change: float  # unweighted mean of the wards' % changes (as NCCMH reported)
    wards_compared: int
    wards_25: int
    wards_100: int

    national_context: str = NATIONAL_CONTEXT


NOTES = {
    "no person-time": "No bed days recorded in one of the two periods",
    "no events in either group": "None at baseline and none in the latest quarter",
    "no events in the reference group: ratio is infinite": (
        "None at baseline, so a percentage change cannot be worked out"
    ),
    "no events in the comparison group: ratio is zero": "",
    "missing input": "No data",
}


def window_sums(
    analyses: dict[int, WardAnalysis], ward_ids: Sequence[int], mask_for: Any
) -> tuple[np.ndarray, np.ndarray]:
    """Per ward: numerator and denominator summed over the periods ``mask_for(periods)`` picks,
    leaving out missing periods. A ward with no reported period gets NaN (missing), not 0."""
    events = np.full(len(ward_ids), np.nan)
    days = np.full(len(ward_ids), np.nan)
    for i, ward_id in enumerate(ward_ids):
        a = analyses.get(ward_id)
        if a is None:
            continue
        ok = mask_for(a.period_start) & ~(np.isnan(a.numerator) | np.isnan(a.denominator))
        if ok.any():
            events[i] = a.numerator[ok].sum()
            days[i] = a.denominator[ok].sum()
    return events, days


def change_from_baseline(overview: Overview, measure: Measure, user: Any) -> ChangeSummary:
    """% change in the measure's rate from the baseline to the latest quarter, per ward and
    overall, with 95% intervals and the count of wards reaching a 25% and a 100% reduction."""
    analyses = overview.analyses[measure.slug]
    wards = overview.wards
    ward_ids = [w.pk for w in wards]
    collaborative = overview.collaborative
    total = next(c for c in overview.total.cells if c.measure.slug == measure.slug).analysis
    if total is None:
        return ChangeSummary(measure, None, None, [], None, float("nan"), 0, 0, 0)
    reported = ~(np.isnan(total.numerator) | np.isnan(total.denominator))
    latest_mask, latest = latest_window(
        total.period_start, reported, measure.period, CHANGE_PERIODS[Period(measure.period)]
    )
    base = baseline_mask(total.period_start, collaborative) & reported
    baseline = None
    if base.any():
        idx = np.flatnonzero(base)
        baseline = Window(
            start=total.period_start[idx[0]].item(),
            end=_period_end(total.period_start[idx[-1]], measure.period),
            periods=int(idx.size),
            unit="months" if measure.period == Period.MONTH else "weeks",
        )
    latest_starts = set(total.period_start[latest_mask].tolist())
    base_starts = set(total.period_start[base].tolist())

    def in_latest(p: np.ndarray) -> np.ndarray:
        return np.isin(p, list(latest_starts)) & ~np.isin(p, list(base_starts))

    def in_base(p: np.ndarray) -> np.ndarray:
        return np.isin(p, list(base_starts))

    b_events, b_days = window_sums(analyses, ward_ids, in_base)
    l_events, l_days = window_sums(analyses, ward_ids, in_latest)
    linked = overview.chart_links(measure) if overview.rows else {}
    rows: list[Change] = []
    if ward_ids:
        pc = stats_percent_change(
            np.nan_to_num(b_events), np.nan_to_num(b_days), np.nan_to_num(l_events),
            np.nan_to_num(l_days),
        )  # fmt: skip
        for i, ward in enumerate(wards):
            missing = np.isnan(b_days[i]) or np.isnan(l_days[i])
            note = (
                "No data in one of the two periods"
                if missing
                else NOTES.get(str(pc.reason[i]), str(pc.reason[i]))
            )
            rows.append(
                Change(
                    label=ward.name,
                    ward=ward,
                    href=linked.get(ward.pk),
                    baseline_events=float(np.nan_to_num(b_events[i])),
                    baseline_days=float(np.nan_to_num(b_days[i])),
                    latest_events=float(np.nan_to_num(l_events[i])),
                    latest_days=float(np.nan_to_num(l_days[i])),
                    estimate=float("nan") if missing else float(pc.estimate[i]),
                    lower=float("nan") if missing else float(pc.lower[i]),
                    upper=float("nan") if missing else float(pc.upper[i]),
                    note=note,
                    multiplier=measure.multiplier,
                )
            )
    overall = None
    if ward_ids:
        mh = pooled_percent_change(b_events, b_days, l_events, l_days)
        use = ~(np.isnan(b_days) | np.isnan(l_days))
        overall = Change(
            label="Collaborative overall",
            ward=None,
            href=None,
            baseline_events=float(np.nansum(b_events[use])),
            baseline_days=float(np.nansum(b_days[use])),
            latest_events=float(np.nansum(l_events[use])),
            latest_days=float(np.nansum(l_days[use])),
            estimate=float(mh.estimate),
            lower=float(mh.lower),
            upper=float(mh.upper),
            note=NOTES.get(str(mh.reason), str(mh.reason)),
            multiplier=measure.multiplier,
        )
    compared = [c for c in rows if np.isfinite(c.estimate)]
    mean = float(np.mean([c.estimate for c in compared])) if compared else float("nan")
    return ChangeSummary(
        measure=measure,
        baseline=baseline,
        latest=latest,
        wards=rows,
        overall=overall,
        mean_change=mean,
        wards_compared=len(compared),
        wards_25=sum(c.reduction_25 for c in rows),
        wards_100=sum(c.reduction_100 for c in rows),
    )


# --- Funnel plot of the latest quarter ---------------------------------------------------------


@dataclass(frozen=True)
class Outlier:
    ward: Ward
    href: str | None
    rate: float
    z: float
    level: float  # 0.95 or 0.998
    side: str  # "above" or "below"
    meaning: str


@dataclass(frozen=True)
class Funnel:
    measure: Measure
    window: Window
    wards: list[Ward]
    result: FunnelResult
    outliers: list[Outlier]

    @property
    def adjusted(self) -> bool:
        return self.result.tau2 > 0


def _meaning(side: str, level: float, improvement: str) -> str:
    chance = "1 time in 500" if level >= 0.99 else "1 time in 20"
    if improvement == Improvement.NEUTRAL:
        quality = "higher than" if side == "above" else "lower than"
        verdict = "Find out why."
    elif (side == "above") == (improvement == Improvement.DECREASE):
        quality = "higher than" if side == "above" else "lower than"
        verdict = (
            "A possible concern: look for a reason, such as case mix, how incidents are "
            "recorded or how care is given."
        )
    else:
        quality = "higher than" if side == "above" else "lower than"
        verdict = (
            "Better than the other wards: check the data are complete, then find out what "
            "this ward does that others could learn from."
        )
    strength = "Very unlikely" if level >= 0.99 else "Unlikely"
    return (
        f"{strength} to be chance: a rate this much {quality} the collaborative rate would "
        f"happen by chance less than {chance}, allowing for the usual variation between "
        f"wards. {verdict}"
    )


def funnel_of_latest_quarter(overview: Overview, measure: Measure) -> Funnel | None:
    """Funnel plot of each ward's rate in the latest quarter against its bed days (rates per
    bed day only; None when fewer than two wards reported in the quarter)."""
    if measure.denominator != Denominator.BED_DAYS:
        return None
    analyses = overview.analyses[measure.slug]
    total = next(c for c in overview.total.cells if c.measure.slug == measure.slug).analysis
    if total is None:
        return None
    reported = ~(np.isnan(total.numerator) | np.isnan(total.denominator))
    mask, window = latest_window(
        total.period_start, reported, measure.period, QUARTER_PERIODS[Period(measure.period)]
    )
    if window is None:
        return None
    starts = total.period_start[mask]
    ward_ids = [w.pk for w in overview.wards]
    events, days = window_sums(analyses, ward_ids, lambda p: np.isin(p, starts))
    keep = np.flatnonzero(days > 0)
    if keep.size < 2:
        return None
    wards = [overview.wards[i] for i in keep]
    links = overview.chart_links(measure)
    result = funnel_poisson(
        events[keep],
        days[keep],
        levels=FUNNEL_LEVELS,
        overdispersion="additive",
        scale="sqrt",
        multiplier=measure.multiplier,
    )
    outliers: list[Outlier] = []
    widest_first = sorted(range(len(result.levels)), key=lambda j: -result.levels[j])
    for i, ward in enumerate(wards):
        for j in widest_first:
            side = "above" if result.high[j, i] else "below" if result.low[j, i] else ""
            if side:
                level = result.levels[j]
                outliers.append(
                    Outlier(
                        ward=ward,
                        href=links.get(ward.pk),
                        rate=float(result.indicator[i]),
                        z=float(result.z_adjusted[i]),
                        level=level,
                        side=side,
                        meaning=_meaning(side, level, measure.improvement),
                    )
                )
                break
    outliers.sort(key=lambda o: -abs(o.z))
    return Funnel(measure, window, wards, result, outliers)


# --- The page ----------------------------------------------------------------------------------


def rate_measures(measures: Sequence[Measure]) -> list[Measure]:
    """Measures that are rates per occupied bed day: the ones % change and funnels apply to."""
    return [m for m in measures if m.denominator == Denominator.BED_DAYS]


def focus_measure(measures: Sequence[Measure], slug: str | None) -> Measure | None:
    """The rate measure chosen for the % change and funnel plot (default: restrictive
    interventions per 1,000 occupied bed days, MHS96)."""
    rates = {m.slug: m for m in rate_measures(measures)}
    return rates.get(slug or "") or rates.get(HEADLINE_MEASURE) or next(iter(rates.values()), None)


def overview_context(
    collaborative: Collaborative,
    user: Any,
    measures: Sequence[Measure],
    *,
    slug: str | None,
    today: dt.date,
    show_wards: bool,
) -> dict[str, Any]:
    """Everything the collaborative overview template needs."""
    overview = build_overview(collaborative, user, measures, today=today, show_wards=show_wards)
    focus = focus_measure(measures, slug)
    change = change_from_baseline(overview, focus, user) if focus else None
    funnel = funnel_of_latest_quarter(overview, focus) if focus and show_wards else None
    return {
        "collaborative": collaborative,
        "overview": overview,
        "rate_measures": rate_measures(measures),
        "focus": focus,
        "change": change,
        "funnel": funnel,
        "show_wards": show_wards,
        "national_context": NATIONAL_CONTEXT,
        "signed": signed_percent,
    }
