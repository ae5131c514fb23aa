"""The monthly ward pack: one ward, one month (issue 7 item 5).

Sections: the ward's charts with their icons (every active measure, counted by month from the
collaborative's baseline to the end of the month, so each chart has enough points for limits);
a summary of the month's records (use of force by type, sexual safety, AWOL, deaths); weekly
returns for the weeks beginning in the month and the completeness check
(:mod:`mhsip.returns.services`); PDSA activity in the month. Every number goes through the
pack's :class:`~mhsip.reports.figures.Publisher` (the HES rule unless the pack is made for the
ward team only with ``rule="none"``). Free text is never copied in.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from mhsip.improvement.models import PdsaCycle
from mhsip.measures import freshness
from mhsip.measures.charts import annotations_by_measure
from mhsip.measures.dashboard import DateRange
from mhsip.measures.models import Measure, Period
from mhsip.organisations.models import Ward
from mhsip.recording.codes import InterventionType, RecordStatus
from mhsip.recording.models import Intervention, UseOfForceIncident
from mhsip.reports.charts import ReportChart, report_chart, with_period
from mhsip.reports.figures import Figure, Publisher
from mhsip.returns.completeness import Completeness
from mhsip.returns.models import WeeklyReturn
from mhsip.returns.schedule import week_status
from mhsip.returns.services import completeness_for_wards
from mhsip.safety.models import AwolIncident, InpatientDeath, SexualSafetyIncident

Progress = Callable[[int, str], None]
DEFAULT_YEARS = 2


def _noop(percent: int, step: str) -> None:
    return None


def month_range(month: str) -> DateRange:
    """``YYYY-MM`` as the first and last day of that month; ``ValueError`` if malformed."""
    try:
        year, mon = (int(p) for p in month.split("-"))
        first = dt.date(year, mon, 1)
    except (ValueError, TypeError):
        raise ValueError(f"{month!r} is not a month: use YYYY-MM, for example 2026-03") from None
    return DateRange(first, first.replace(day=calendar.monthrange(year, mon)[1]))


@dataclass(frozen=True)
class CountRow:
    label: str
    count: Figure


@dataclass(frozen=True)
class WeekRow:
    week_start: dt.date
    status: str
    bed_days: Figure


@dataclass(frozen=True)
class CycleRow:
    number: int
    idea: str
    start: dt.date
    end: dt.date | None
    stage: str


@dataclass
class WardPack:
    ward: Ward
    month: DateRange
    publisher: Publisher
    generated_at: dt.datetime
    demo: bool
    charts: list[ReportChart] = field(default_factory=list)
    records: list[CountRow] = field(default_factory=list)
    types: list[CountRow] = field(default_factory=list)
    weeks: list[WeekRow] = field(default_factory=list)
    completeness: str = ""
    cycles: list[CycleRow] = field(default_factory=list)
    cycles_started: Figure | None = None
    cycles_decided: Figure | None = None

    @property
    def title(self) -> str:
        return f"Ward pack: {self.ward.name}, {self.month.start:%B %Y}"


def _chart_start(ward: Ward, month: DateRange) -> dt.date:
    collaborative = ward.collaboratives.order_by("-start_date").first()
    if collaborative is not None and collaborative.baseline_start < month.start:
        return collaborative.baseline_start
    return month.start.replace(year=month.start.year - DEFAULT_YEARS)


def ward_charts(ward: Ward, month: DateRange, publisher: Publisher) -> list[ReportChart]:
    """Each active measure for the ward by month, baseline to the end of ``month``."""
    measures = [with_period(m, Period.MONTH) for m in Measure.objects.filter(is_active=True)]
    start = _chart_start(ward, month)
    collaboratives = list(ward.collaboratives.values_list("pk", flat=True))
    notes = annotations_by_measure(
        measures, ward_ids=[ward.pk], collaborative_ids=collaboratives, start=start, end=month.end
    )
    version = freshness.data_version([ward.pk])
    charts = []
    for m in measures:
        analysis = freshness.ward_analyses(m, [ward.pk], start, month.end, version=version)[ward.pk]
        charts.append(
            report_chart(
                analysis,
                m,
                publisher,
                dom_id=f"chart-{m.slug}",
                subject=ward.name,
                annotations=notes.get(m.pk, []),
            )
        )
    return charts


def _aware(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def record_counts(ward: Ward, month: DateRange, publisher: Publisher) -> tuple[list, list]:
    """The month's submitted records, and restrictive interventions by MHSDS type."""
    lo, hi = _aware(month.start), _aware(month.end + dt.timedelta(days=1))
    incidents = UseOfForceIncident.objects.filter(
        ward=ward, status=RecordStatus.SUBMITTED, started_at__gte=lo, started_at__lt=hi
    )
    people = incidents.values("patient_id").distinct().count()
    types = {
        r["type_code"]: r["n"]
        for r in Intervention.objects.filter(incident__in=incidents)
        .values("type_code")
        .annotate(n=Count("incident_id", distinct=True))
    }
    type_figs = publisher.counts([float(types.get(c, 0)) for c in InterventionType.values])
    records = [
        CountRow("Use-of-force incidents", publisher.count(incidents.count())),
        CountRow("People subject to restrictive intervention", publisher.count(people)),
        CountRow(
            "Sexual-safety incidents",
            publisher.count(
                SexualSafetyIncident.objects.filter(
                    ward=ward,
                    status=RecordStatus.SUBMITTED,
                    occurred_at__gte=lo,
                    occurred_at__lt=hi,
                ).count()
            ),
        ),
        CountRow(
            "AWOL",
            publisher.count(
                AwolIncident.objects.filter(
                    ward=ward, status=RecordStatus.SUBMITTED, left_at__gte=lo, left_at__lt=hi
                ).count()
            ),
        ),
        CountRow(
            "Inpatient deaths",
            publisher.count(
                InpatientDeath.objects.filter(
                    ward=ward, died_on__gte=month.start, died_on__lte=month.end
                ).count()
            ),
        ),
    ]
    type_rows = [
        CountRow(str(label), type_figs[i]) for i, label in enumerate(InterventionType.labels)
    ]
    type_rows.append(CountRow("Total restrictive interventions", type_figs[-1]))
    return records, type_rows


def returns_weeks(
    ward: Ward, month: DateRange, publisher: Publisher, today: dt.date
) -> list[WeekRow]:
    """The weeks beginning in the month: each return's status and bed days."""
    first = month.start + dt.timedelta(days=(7 - month.start.weekday()) % 7)
    weeks = []
    day = first
    while day <= month.end:
        weeks.append(day)
        day += dt.timedelta(days=7)
    returns = {
        r.week_start: r for r in WeeklyReturn.objects.filter(ward=ward, week_start__in=weeks)
    }
    rows = []
    for w in weeks:
        r = returns.get(w)
        status = week_status(w, r, today)
        days = r.occupied_bed_days if r is not None and r.status == RecordStatus.SUBMITTED else None
        rows.append(WeekRow(w, status.label, publisher.count(days)))
    return rows


def completeness_text(c: Completeness, publisher: Publisher) -> str:
    """The completeness check in words, its counts published under the rule (the returns
    page's own wording shows exact counts, for the ward's team)."""
    if not c.assessed or c.recorded is None or c.bed_days is None:
        return c.reason
    peers = (
        f"the median rate of {c.peers} comparable wards "
        f"({publisher.statistic(c.peer_median_rate)} per 1,000 occupied bed days)"
    )
    text = (
        f"{publisher.count(c.recorded)} restrictive interventions recorded with "
        f"{publisher.count(c.bed_days)} occupied bed days over the last weeks checked; {peers} "
        f"would predict {publisher.statistic(c.expected)}."
    )
    if c.flagged:
        return text + (
            " Fewer than 1 in 100 wards reporting as fully as their peers would record so few: "
            "check that every restrictive intervention is being recorded."
        )
    return text + " No sign of under-reporting."


def pdsa_activity(
    ward: Ward, month: DateRange, publisher: Publisher
) -> tuple[list, Figure, Figure]:
    """PDSA cycles running at any time in the month, and how many started and were decided."""
    cycles = list(
        PdsaCycle.objects.filter(ward=ward, start_date__lte=month.end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=month.start))
        .select_related("change_idea")
        .order_by("number")
    )
    rows = []
    for c in cycles:
        if c.decision:
            stage = f"Act: {c.get_decision_display().lower()}"
        elif c.end_date is not None and c.end_date <= month.end:
            stage = "Study: ended, no decision yet"
        else:
            stage = "Do: running"
        rows.append(CycleRow(c.number, c.change_idea.name, c.start_date, c.end_date, stage))
    started = sum(1 for c in cycles if c.start_date >= month.start)
    decided = sum(
        1 for c in cycles if c.decision and c.end_date and month.start <= c.end_date <= month.end
    )
    return rows, publisher.plain(started), publisher.plain(decided)


def build_ward_pack(
    ward: Ward,
    month: str,
    publisher: Publisher,
    *,
    progress: Progress = _noop,
    today: dt.date | None = None,
) -> WardPack:
    today = today or timezone.localdate()
    window = month_range(month)
    pack = WardPack(
        ward=ward,
        month=window,
        publisher=publisher,
        generated_at=timezone.now(),
        demo=ward.site.trust.is_demo,
    )
    progress(10, "Drawing the ward's charts")
    pack.charts = ward_charts(ward, window, publisher)
    progress(50, "Counting the month's records")
    pack.records, pack.types = record_counts(ward, window, publisher)
    progress(65, "Checking the weekly returns")
    pack.weeks = returns_weeks(ward, window, publisher, today)
    check = completeness_for_wards([ward], today=min(today, window.end + dt.timedelta(days=14)))
    pack.completeness = completeness_text(check[ward.pk], publisher)
    progress(75, "Listing PDSA activity")
    pack.cycles, pack.cycles_started, pack.cycles_decided = pdsa_activity(ward, window, publisher)
    return pack


__all__ = ["WardPack", "build_ward_pack", "month_range"]
