"""The annual report: everything it shows, gathered for one collaborative and one year.

Sections (issue 7 item 5; landscape brief §4.9): key statistics; collaborative results (the
icon matrix and % change from baseline of :mod:`mhsip.measures.collaborative`, and annotated
SPC charts from :mod:`mhsip.measures.charts`); ward stories from PDSA outcomes; equity
(:mod:`mhsip.reports.equity_section`); sexual safety and AWOL (:mod:`mhsip.monitoring.services`);
network activity.

The year: the weeks that begin in it (Monday to Sunday, as the weekly measures count), up to
the last complete week with data. The baseline: the collaborative's baseline weeks. Every
number goes through one :class:`~mhsip.reports.figures.Publisher` (the HES rule by default).
Free-text fields (PDSA notes, meeting agendas) are never copied into the report: they are not
checked for identifiable details.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import Count, Q
from django.utils import timezone

from mhsip.improvement.models import Decision, PdsaCycle
from mhsip.improvement.study import signals_after
from mhsip.measures import freshness
from mhsip.measures.analysis import WardAnalysis
from mhsip.measures.charts import annotations_for
from mhsip.measures.collaborative import (
    Overview,
    build_overview,
    change_from_baseline,
    rate_measures,
)
from mhsip.measures.dashboard import DateRange, last_complete
from mhsip.measures.models import Measure, Period
from mhsip.measures.series import measure_series, pooled, week_start
from mhsip.measures.sources import SOURCES
from mhsip.monitoring.services import (
    AwolSummary,
    SexualSafetySummary,
    awol_summary,
    default_range,
    sexual_safety_summary,
)
from mhsip.network.codes import Category
from mhsip.network.models import Meeting, NetworkMember
from mhsip.organisations.models import Collaborative, Ward
from mhsip.reports.charts import ReportChart, report_chart, with_period
from mhsip.reports.equity_section import EquitySection, equity_section
from mhsip.reports.figures import Figure, Publisher
from mhsip.safety.models import InpatientDeath

HEADLINE = "restrictive-interventions"
STORY_WINDOW_WEEKS = 13
Progress = Callable[[int, str], None]


def _noop(percent: int, step: str) -> None:
    return None


# --- the year -------------------------------------------------------------------------------


def year_window(year: int, data_end: dt.date) -> DateRange | None:
    """The weeks that begin in ``year``, up to the last complete week of data; None if no
    week of the year has ended with data."""
    first = dt.date(year, 1, 1)
    start = first if first.weekday() == 0 else week_start(first) + dt.timedelta(days=7)
    last_monday = week_start(dt.date(year, 12, 31))
    end = min(last_monday + dt.timedelta(days=6), last_complete(data_end, Period.WEEK))
    return DateRange(start, end) if start <= end else None


# --- key statistics -------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyStatistic:
    key: str
    label: str
    year: Figure
    baseline: Figure


@dataclass(frozen=True)
class PeriodTotals:
    interventions: float
    incidents: float
    bed_days: float
    people: float


def _totals(ward_ids: list[int], start: dt.date, end: dt.date, measure: Measure) -> PeriodTotals:
    """Pooled restrictive interventions, incidents, bed days and people over the weeks with
    data (missing weeks out of numerator and denominator alike)."""
    ri = pooled(measure_series(measure, ward_ids, start, end))
    inc_measure = Measure(source="incidents", denominator="bed_days", period=Period.WEEK)
    inc = pooled(measure_series(inc_measure, ward_ids, start, end))
    ok = ~(np.isnan(ri.numerator) | np.isnan(ri.denominator))
    ok_inc = ~(np.isnan(inc.numerator) | np.isnan(inc.denominator))
    weeks = {d.item() for d in ri.period_start[ok]}
    rows = SOURCES["people"].fn(ward_ids, start, end, [])
    people = {int(p) for _, d, p in rows if week_start(d) in weeks}
    return PeriodTotals(
        interventions=float(ri.numerator[ok].sum()),
        incidents=float(inc.numerator[ok_inc].sum()),
        bed_days=float(ri.denominator[ok].sum()),
        people=float(len(people)),
    )


def _count(model: Any, field_name: str, ward_ids: list[int], start: dt.date, end: dt.date) -> int:
    filters = {f"{field_name}__gte": start, f"{field_name}__lte": end, "ward_id__in": ward_ids}
    if hasattr(model, "status") and model is not InpatientDeath:
        filters["status"] = "submitted"
    return int(model.objects.filter(**filters).count())


# --- collaborative results ------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeRow:
    label: str
    baseline: Figure
    latest: Figure
    change: Figure
    reached: str


@dataclass(frozen=True)
class MeasureChange:
    measure: Measure
    baseline_label: str
    latest_label: str
    overall: ChangeRow
    wards: list[ChangeRow]
    wards_25: Figure
    wards_100: Figure
    wards_compared: Figure


def measure_change(overview: Overview, measure: Measure, publisher: Publisher) -> MeasureChange:
    """% change from baseline (measures.collaborative), every number published."""
    summary = change_from_baseline(overview, measure, None)

    def row(c: Any) -> ChangeRow:
        if c is None:
            missing = publisher.count(None)
            return ChangeRow("No data", missing, missing, publisher.text("Not available"), "")
        before, after, change = publisher.change(
            c.baseline_events, c.baseline_days, c.latest_events, c.latest_days
        )
        reached = "100%" if c.reduction_100 else ("25% or more" if c.reduction_25 else "")
        return ChangeRow(c.label, before, after, change, reached if change.shown else "")

    return MeasureChange(
        measure=measure,
        baseline_label=summary.baseline.label if summary.baseline else "No baseline data",
        latest_label=(
            f"the latest {summary.latest.periods} {summary.latest.unit} ({summary.latest.label})"
            if summary.latest
            else "No data after the baseline"
        ),
        overall=row(summary.overall),
        wards=[row(c) for c in summary.wards],
        wards_25=publisher.plain(summary.wards_25),
        wards_100=publisher.plain(summary.wards_100),
        wards_compared=publisher.plain(summary.wards_compared),
    )


def collaborative_chart(
    measure: Measure,
    ward_ids: list[int],
    collaborative: Collaborative,
    chart_range: DateRange,
    publisher: Publisher,
    *,
    dom_id: str,
    weekly: WardAnalysis | None = None,
) -> ReportChart | None:
    """The pooled chart of all wards by the measure's period (``weekly``: the pooled analysis
    already made for the icon matrix); by month when a period's count is too small to
    publish; withheld (with the reason) when even a month's is."""
    chart: ReportChart | None = None
    for period in (measure.period, Period.MONTH):
        m = measure if period == measure.period else with_period(measure, period)
        start, end = chart_range.for_period(m.period)
        if start > end:
            return None
        if m is measure and weekly is not None:
            analysis = weekly
        else:
            analysis = freshness.collaborative_analysis(m, ward_ids, start, end)
        notes = annotations_for(m, collaborative_ids=[collaborative.pk], start=start, end=end)
        chart = report_chart(
            analysis, m, publisher, dom_id=dom_id, subject="All wards", annotations=notes
        )
        if chart.svg is not None or m.period == Period.MONTH:
            return chart
    return chart


# --- ward stories ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Effect:
    measure: Measure
    before: Figure
    after: Figure
    signal: str


@dataclass(frozen=True)
class Story:
    ward: Ward
    number: int
    idea: str
    start: dt.date
    end: dt.date | None
    decision: str
    effects: list[Effect]


@dataclass(frozen=True)
class StoryGroup:
    decision: str
    heading: str
    intro: str
    stories: list[Story]
    count: Figure


DECISION_TEXT = {
    Decision.ADOPT: ("Adopted", "Changes tested and kept as they were."),
    Decision.ADAPT: ("Adapted", "Changes kept with changes, to test again."),
    Decision.ABANDON: ("Abandoned", "Changes tested and stopped: learning too."),
}


def _window_rate(
    analysis: WardAnalysis, lo: np.datetime64, hi: np.datetime64
) -> tuple[float, float]:
    starts = np.asarray(analysis.period_start, dtype="datetime64[D]")
    ok = (starts >= lo) & (starts < hi)
    ok &= ~(np.isnan(analysis.numerator) | np.isnan(analysis.denominator))
    if not ok.any():
        return float("nan"), float("nan")
    return float(analysis.numerator[ok].sum()), float(analysis.denominator[ok].sum())


def effect_of(
    cycle: PdsaCycle, measure: Measure, analysis: WardAnalysis, publisher: Publisher
) -> Effect:
    """The linked measure's rate in the 13 weeks before the cycle started and the 13 weeks
    from its start, and the special-cause signals from its start (Making Data Count)."""
    start = np.datetime64(week_start(cycle.start_date), "D")
    span = np.timedelta64(7 * STORY_WINDOW_WEEKS, "D")
    b_events, b_days = _window_rate(analysis, start - span, start)
    a_events, a_days = _window_rate(analysis, start, start + span)
    if measure.denominator == "bed_days":
        before = publisher.rate(b_events, b_days, multiplier=measure.multiplier)
        after = publisher.rate(a_events, a_days, multiplier=measure.multiplier)
    else:
        before = publisher.percent(b_events, b_days, decimals=0)
        after = publisher.percent(a_events, a_days, decimals=0)
    signals = signals_after(analysis, cycle.start_date, measure.period)
    if not signals:
        text = "No special-cause change since the cycle started."
    else:
        first = signals[0]
        text = f"{first.kind_label} from {first.period} (special cause)."
    return Effect(measure, before, after, text)


def ward_stories(
    ward_ids: list[int], window: DateRange, publisher: Publisher, chart_start: dt.date
) -> list[StoryGroup]:
    """PDSA cycles with a decision that ended in the year (or began in it, if still open),
    grouped as adopted, adapted and abandoned, each with the effect on its linked measures."""
    cycles = list(
        PdsaCycle.objects.filter(ward_id__in=ward_ids)
        .exclude(decision="")
        .filter(
            Q(end_date__gte=window.start, end_date__lte=window.end)
            | Q(end_date__isnull=True, start_date__gte=window.start, start_date__lte=window.end)
        )
        .select_related("ward", "change_idea")
        .prefetch_related("measure_links__measure")
        .order_by("ward__name", "number")
    )
    groups = []
    for decision, (heading, intro) in DECISION_TEXT.items():
        stories = []
        for cycle in (c for c in cycles if c.decision == decision):
            effects = []
            for link in cycle.measure_links.all():
                m = link.measure
                _, end = window.for_period(m.period)
                analysis = freshness.ward_analyses(m, [cycle.ward_id], chart_start, end).get(
                    cycle.ward_id
                )
                if analysis is not None:
                    effects.append(effect_of(cycle, m, analysis, publisher))
            stories.append(
                Story(
                    cycle.ward,
                    cycle.number,
                    cycle.change_idea.name,
                    cycle.start_date,
                    cycle.end_date,
                    heading,
                    effects,
                )
            )
        groups.append(
            StoryGroup(str(decision), heading, intro, stories, publisher.plain(len(stories)))
        )
    return groups


# --- network activity -----------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingRow:
    title: str
    date: dt.date
    registered: Figure
    attended: Figure


@dataclass(frozen=True)
class NetworkActivity:
    meetings: list[MeetingRow]
    meeting_count: Figure
    total_registered: Figure
    total_attended: Figure
    categories: list[tuple[str, Figure]]
    members: Figure


def network_activity(window: DateRange, year: int, publisher: Publisher) -> NetworkActivity:
    """Meetings held in the year with registrations and attendance, and the network's
    members by category at the end of the year."""
    meetings = list(
        Meeting.objects.filter(starts_at__year=year)
        .annotate(
            registered=Count("registrations", filter=~Q(registrations__status="cancelled")),
            attended=Count("registrations", filter=Q(registrations__attended=True)),
        )
        .order_by("starts_at")
    )
    registered = publisher.counts([float(m.registered) for m in meetings]) if meetings else []
    attended = publisher.counts([float(m.attended) for m in meetings]) if meetings else []
    rows = [
        MeetingRow(m.title, timezone.localtime(m.starts_at).date(), registered[i], attended[i])
        for i, m in enumerate(meetings)
    ]
    end = dt.date(year, 12, 31)
    members = members_by_category(end)
    figs = publisher.counts([float(members.get(c, 0)) for c in Category.values])
    return NetworkActivity(
        meetings=rows,
        meeting_count=publisher.plain(len(meetings)),
        total_registered=registered[-1] if registered else publisher.count(0),
        total_attended=attended[-1] if attended else publisher.count(0),
        categories=[(str(label), figs[i]) for i, label in enumerate(Category.labels)],
        members=figs[-1],
    )


def members_by_category(end: dt.date) -> dict[str, int]:
    """Members who had joined by ``end`` and not left, by category."""
    rows = (
        NetworkMember.objects.filter(joined_on__lte=end)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=end))
        .values("category")
        .annotate(n=Count("id"))
    )
    return {r["category"]: r["n"] for r in rows}


# --- the report -----------------------------------------------------------------------------


@dataclass
class AnnualReport:
    collaborative: Collaborative
    year: int
    window: DateRange
    baseline: DateRange
    publisher: Publisher
    generated_at: dt.datetime
    demo: bool
    wards: Figure
    trusts: Figure
    key_statistics: list[KeyStatistic] = field(default_factory=list)
    headline_change: Figure | None = None
    overview: Overview | None = None
    changes: list[MeasureChange] = field(default_factory=list)
    charts: list[ReportChart] = field(default_factory=list)
    stories: list[StoryGroup] = field(default_factory=list)
    equity: EquitySection | None = None
    sexual_safety: SexualSafetySummary | None = None
    awol: AwolSummary | None = None
    network: NetworkActivity | None = None

    @property
    def title(self) -> str:
        return f"Annual report {self.year}: {self.collaborative.name}"

    @property
    def headline(self) -> MeasureChange | None:
        return next((c for c in self.changes if c.measure.slug == HEADLINE), None)


class NoDataError(ValueError):
    """The year has no complete week of data."""


def build_annual(
    collaborative: Collaborative,
    year: int,
    publisher: Publisher,
    *,
    progress: Progress = _noop,
    today: dt.date | None = None,
) -> AnnualReport:
    """Gather the annual report of ``collaborative`` for ``year``; ``progress(percent, step)``
    is called as each section is done."""
    today = today or timezone.localdate()
    wards = list(collaborative.wards.select_related("site__trust").order_by("name"))
    ward_ids = [w.pk for w in wards]
    data_end = default_range(wards, today).end if wards else today
    if collaborative.end_date is not None:
        data_end = min(data_end, collaborative.end_date)
    window = year_window(year, data_end)
    if window is None or not ward_ids or window.end < collaborative.baseline_start:
        raise NoDataError(f"No complete week of data in {year} for {collaborative.name}.")
    baseline = DateRange(collaborative.baseline_start, collaborative.baseline_end)
    report = AnnualReport(
        collaborative=collaborative,
        year=year,
        window=window,
        baseline=baseline,
        publisher=publisher,
        generated_at=timezone.now(),
        demo=collaborative.is_demo,
        wards=publisher.plain(len(wards)),
        trusts=publisher.plain(len({w.site.trust_id for w in wards})),
    )
    measures = [m for m in Measure.objects.filter(is_active=True, restricted=False)]
    headline = next((m for m in measures if m.slug == HEADLINE), None)

    progress(5, "Working out the key statistics")
    if headline is not None:
        report.key_statistics, report.headline_change = key_statistics(
            ward_ids, window, baseline, headline, publisher
        )

    progress(15, "Summarising sexual safety and AWOL")
    chart_range = DateRange(collaborative.baseline_start, window.end)
    report.sexual_safety = sexual_safety_summary(
        wards, window, publisher, subject="All wards", charts=True, rare=False,
        chart_range=chart_range, chart_period=Period.MONTH, per_ward=True,
    )  # fmt: skip
    report.awol = awol_summary(
        wards, window, publisher, subject="All wards", charts=True, rare=False,
        chart_range=chart_range, chart_period=Period.MONTH,
    )  # fmt: skip
    _add_safety_statistics(report, ward_ids, baseline)

    progress(30, "Analysing every measure for every ward")
    overview = build_overview(
        collaborative,
        None,
        measures,
        today=window.end + dt.timedelta(days=1),
        show_wards=True,
    )
    report.overview = overview
    rates = rate_measures(measures)
    report.changes = [measure_change(overview, m, publisher) for m in rates]

    progress(45, "Drawing the annotated charts")
    for i, m in enumerate(rates):
        total = next(c for c in overview.total.cells if c.measure.slug == m.slug).analysis
        chart = collaborative_chart(
            m,
            ward_ids,
            collaborative,
            chart_range,
            publisher,
            dom_id=f"chart-{m.slug}",
            weekly=total,
        )
        if chart is not None:
            report.charts.append(chart)
        progress(45 + int(20 * (i + 1) / max(len(rates), 1)), f"Drawing the chart of {m.name}")

    progress(66, "Writing the ward stories from PDSA cycles")
    report.stories = ward_stories(ward_ids, window, publisher, collaborative.baseline_start)

    progress(72, "Adding the equity analysis")
    report.equity = equity_section(ward_ids, window.start, window.end, publisher)

    progress(80, "Summarising network activity")
    report.network = network_activity(window, year, publisher)
    return report


def key_statistics(
    ward_ids: list[int],
    window: DateRange,
    baseline: DateRange,
    headline: Measure,
    publisher: Publisher,
) -> tuple[list[KeyStatistic], Figure]:
    y = _totals(ward_ids, window.start, window.end, headline)
    b = _totals(ward_ids, baseline.start, baseline.end, headline)
    rows = [
        KeyStatistic(
            "bed-days",
            "Occupied bed days",
            publisher.count(y.bed_days),
            publisher.count(b.bed_days),
        ),
        KeyStatistic(
            "incidents",
            "Use-of-force incidents",
            publisher.count(y.incidents),
            publisher.count(b.incidents),
        ),
        KeyStatistic(
            "interventions",
            "Restrictive interventions",
            publisher.count(y.interventions),
            publisher.count(b.interventions),
        ),
        KeyStatistic(
            "rate",
            "Restrictive interventions per 1,000 bed days",
            publisher.rate(y.interventions, y.bed_days, people=y.people),
            publisher.rate(b.interventions, b.bed_days, people=b.people),
        ),
        KeyStatistic(
            "people",
            "People subject to restrictive intervention",
            publisher.count(y.people),
            publisher.count(b.people),
        ),
    ]
    _, _, change = publisher.change(b.interventions, b.bed_days, y.interventions, y.bed_days)
    return rows, change


def _add_safety_statistics(report: AnnualReport, ward_ids: list[int], baseline: DateRange) -> None:
    """Sexual safety, AWOL and deaths in the key statistics: the year's figures are the
    sections' own totals, so the two places always agree."""
    from mhsip.safety.models import AwolIncident, SexualSafetyIncident

    p = report.publisher
    ss, aw = report.sexual_safety, report.awol
    assert ss is not None and aw is not None
    report.key_statistics += [
        KeyStatistic(
            "sexual-safety",
            "Sexual-safety incidents",
            ss.total,
            p.count(_count(SexualSafetyIncident, "occurred_at__date", ward_ids, *_span(baseline))),
        ),
        KeyStatistic(
            "awol",
            "AWOL",
            aw.total,
            p.count(_count(AwolIncident, "left_at__date", ward_ids, *_span(baseline))),
        ),
        KeyStatistic(
            "deaths",
            "Inpatient deaths",
            aw.deaths.deaths,
            p.count(_count(InpatientDeath, "died_on", ward_ids, *_span(baseline))),
        ),
    ]


def _span(r: DateRange) -> tuple[dt.date, dt.date]:
    return r.start, r.end


__all__ = [
    "AnnualReport",
    "KeyStatistic",
    "NoDataError",
    "build_annual",
    "year_window",
]
