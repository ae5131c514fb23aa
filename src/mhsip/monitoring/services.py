"""Sexual-safety and AWOL / inpatient-death monitoring: aggregates of the safety records.

The record pages (:mod:`mhsip.safety`) list individual records; these functions count them:
by CQC category, affected person, alleged perpetrator and harm (CQC 2018, domain brief §6); AWOL
per 1,000 occupied bed days with SPC; inpatient deaths by NCISH status beside the national split
(brief §7). Only *submitted* records count, as in the measures (:mod:`mhsip.measures.sources`).

Who sees what (ADR 0003; brief §10):

* roles that see safety records (``Role.sees_safety_records``: ward staff, ward QI leads, trust
  leads, collaborative admins) on wards in their scope: exact figures, the rate chart and the
  rare-event charts (they may open each record anyway);
* analysts: the same tables through the HES disclosure rule (:mod:`mhsip.reports.figures`)
  and no charts, because a weekly rate chart or a chart of the time between events gives away
  small counts and the timing of single events;
* network members: 403; a ward outside the user's scope: 404.

Every figure, exact or not, is a :class:`~mhsip.reports.figures.Figure` from one
:class:`~mhsip.reports.figures.Publisher`, so the annual report reuses these functions under
the HES rule.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Min, Model, TextChoices

from mhsip.accounts.roles import Role
from mhsip.measures import freshness
from mhsip.measures.analysis import WardAnalysis
from mhsip.measures.charts import annotations_for
from mhsip.measures.dashboard import DEFAULT_YEARS, DateRange
from mhsip.measures.models import Denominator, Improvement, Measure, Period
from mhsip.monitoring import rare_events
from mhsip.organisations.access import get_ward_or_404, visible_wards
from mhsip.organisations.models import Ward
from mhsip.recording.codes import LegalStatus, RecordStatus
from mhsip.recording.models import WardCensus
from mhsip.reports.charts import ReportChart, report_chart, with_period
from mhsip.reports.figures import Figure, Publisher
from mhsip.reports.svg import inline_svg
from mhsip.returns.models import WeeklyReturn
from mhsip.safety.codes import (
    AwolKind,
    AwolOutcome,
    Harm,
    LeaveStatus,
    PersonRole,
    SexualSafetyCategory,
)
from mhsip.safety.models import AwolIncident, InpatientDeath, SexualSafetyIncident

FULL = "full"
AGGREGATE = "aggregate"

# --- who sees what ------------------------------------------------------------------------------


def view_level(user: Any) -> str:
    """``FULL`` for roles that see safety records, ``AGGREGATE`` for analysts; else 403."""
    if not user.is_authenticated:
        raise PermissionDenied("Sign in to see safety monitoring.")
    if user.is_superuser:
        return FULL
    role = Role(user.role)
    if role.sees_safety_records:
        return FULL
    if role is Role.ANALYST:
        return AGGREGATE
    raise PermissionDenied("Your role does not include sexual-safety, AWOL or death figures.")


def publisher_for(level: str) -> Publisher:
    """Exact figures for roles that see the records; the HES rule for analysts."""
    return Publisher("none" if level == FULL else "hes")


def scope(user: Any, code: str | None) -> tuple[list[Ward], Ward | None]:
    """The wards a page covers: one ward in scope (else 404), or every ward the user sees."""
    if code is not None:
        ward = get_ward_or_404(user, code)
        return [ward], ward
    return list(visible_wards(user).order_by("site__trust__name", "name")), None


def default_range(wards: Sequence[Ward], today: dt.date) -> DateRange:
    """From the earliest baseline start of the wards' collaboratives to their latest data
    (census or submitted weekly return), as the ward dashboard does for one ward."""
    ids = [w.pk for w in wards]
    census = WardCensus.objects.filter(ward_id__in=ids).aggregate(last=Max("date"))["last"]
    week = WeeklyReturn.objects.filter(ward_id__in=ids, status="submitted").aggregate(
        last=Max("week_start")
    )["last"]
    ends = [d for d in (census, week + dt.timedelta(days=6) if week else None) if d]
    end = min(max(ends), today) if ends else today
    baseline = (
        Ward.collaboratives.through.objects.filter(ward_id__in=ids)
        .aggregate(first=Min("collaborative__baseline_start"))
        .get("first")
    )
    start = baseline if baseline and baseline < end else end.replace(year=end.year - DEFAULT_YEARS)
    return DateRange(start, end)


def scope_label(wards: Sequence[Ward], ward: Ward | None) -> str:
    if ward is not None:
        return ward.name
    return "All your wards" if len(wards) != 1 else wards[0].name


# --- rate measures ------------------------------------------------------------------------------

RATE_DEFINITIONS = {
    "sexual-safety": {
        "name": "Sexual-safety incidents",
        "source": "sexual_safety",
        "improvement": Improvement.NEUTRAL,
    },
    "awol": {"name": "AWOL", "source": "awol", "improvement": Improvement.DECREASE},
}


def rate_measure(slug: str) -> Measure:
    """The library's measure (``sexual-safety`` or ``awol``), or its seed definition."""
    found = Measure.objects.filter(slug=slug).first()
    if found is not None:
        return found
    return Measure(
        slug=slug,
        description="",
        denominator=Denominator.BED_DAYS,
        multiplier=1000.0,
        period=Period.WEEK,
        default_chart="u",
        unit="per 1,000 occupied bed days",
        restricted=True,
        **RATE_DEFINITIONS[slug],
    )


@dataclass(frozen=True)
class WardRate:
    label: str
    ward: Ward | None
    events: Figure
    bed_days: Figure
    rate: Figure


def wards_with_data(ward_ids: Sequence[int], start: dt.date, end: dt.date) -> set[int]:
    """Wards with any occupied bed days in ``start..end`` (census or a submitted return):
    the others have nothing to chart, so they are not analysed at all."""
    census = WardCensus.objects.filter(ward_id__in=ward_ids, date__gte=start, date__lte=end)
    returns = WeeklyReturn.objects.filter(
        ward_id__in=ward_ids,
        status="submitted",
        occupied_bed_days__isnull=False,
        week_start__gte=start - dt.timedelta(days=6),
        week_start__lte=end,
    )
    return set(census.values_list("ward_id", flat=True).distinct()) | set(
        returns.values_list("ward_id", flat=True).distinct()
    )


def _sums(a: WardAnalysis | None) -> tuple[float, float]:
    if a is None:
        return float("nan"), float("nan")
    ok = ~(np.isnan(a.numerator) | np.isnan(a.denominator))
    if not ok.any():
        return float("nan"), float("nan")
    return float(a.numerator[ok].sum()), float(a.denominator[ok].sum())


def ward_rates(
    measure: Measure,
    wards: Sequence[Ward],
    date_range: DateRange,
    publisher: Publisher,
) -> list[WardRate]:
    """Each ward's events, occupied bed days and rate over the periods with data (missing
    periods left out of both), and the total; counts published with their total."""
    start, end = date_range.for_period(measure.period)
    ids = sorted(wards_with_data([w.pk for w in wards], start, end)) if start <= end else []
    analyses = freshness.ward_analyses(measure, ids, start, end) if ids else {}
    sums = [_sums(analyses.get(w.pk)) for w in wards]
    events = [0.0 if np.isnan(e) else e for e, _ in sums]
    days = [0.0 if np.isnan(d) else d for _, d in sums]
    event_figs = publisher.counts(events) if wards else [publisher.count(0)]
    day_figs = publisher.counts(days) if wards else [publisher.count(0)]
    rows = []
    for i, w in enumerate(wards):
        missing = np.isnan(sums[i][1])
        rows.append(
            WardRate(
                w.name,
                w,
                publisher.count(None) if missing else event_figs[i],
                publisher.count(None) if missing else day_figs[i],
                publisher.rate(
                    None if missing else events[i],
                    None if missing else days[i],
                    hidden=event_figs[i].suppressed,
                ),
            )
        )
    rows.append(
        WardRate(
            "Total",
            None,
            event_figs[-1],
            day_figs[-1],
            publisher.rate(sum(events), sum(days), hidden=event_figs[-1].suppressed),
        )
    )
    return rows


def rate_chart(
    measure: Measure,
    wards: Sequence[Ward],
    date_range: DateRange,
    publisher: Publisher,
    *,
    subject: str,
    chart: str | None = None,
    dom_id: str = "rate-chart",
) -> ReportChart | None:
    """The rate's SPC chart for one ward or the pooled wards (measures' own analysis)."""
    start, end = date_range.for_period(measure.period)
    if start > end:
        return None
    ids = sorted(wards_with_data([w.pk for w in wards], start, end))
    if not ids:
        return None
    if len(ids) == 1:
        analysis = freshness.ward_analyses(measure, ids, start, end, chart=chart)[ids[0]]
    else:
        analysis = freshness.collaborative_analysis(measure, ids, start, end, chart=chart)
    collaboratives = list(
        Ward.collaboratives.through.objects.filter(ward_id__in=ids)
        .values_list("collaborative_id", flat=True)
        .distinct()
    )
    notes = annotations_for(
        measure,
        ward_ids=ids if len(ids) == 1 else (),
        collaborative_ids=collaboratives,
        start=start,
        end=end,
    )
    return report_chart(
        analysis, measure, publisher, dom_id=dom_id, subject=subject, annotations=notes
    )


# --- breakdowns ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class BreakdownRow:
    label: str
    count: Figure
    share: Figure
    national: str = ""


@dataclass(frozen=True)
class Breakdown:
    key: str
    title: str
    rows: list[BreakdownRow]
    total: Figure
    national_title: str = ""

    @property
    def has_national(self) -> bool:
        return any(r.national for r in self.rows)


def breakdown(
    key: str,
    title: str,
    counts: Counter[str],
    choices: type[TextChoices],
    publisher: Publisher,
    *,
    national: dict[str, str] | None = None,
    national_title: str = "",
) -> Breakdown:
    """Counts by each value of ``choices`` with their total and share (secondary suppression
    keeps a hidden count from being recovered from the total)."""
    values = [counts.get(v, 0) for v in choices.values]
    figs = publisher.counts(values)
    total = sum(values)
    rows = [
        BreakdownRow(
            label=str(label),
            count=figs[i],
            share=publisher.percent(values[i], total, hidden=figs[i].suppressed),
            national=(national or {}).get(value, ""),
        )
        for i, (value, label) in enumerate(choices.choices)
    ]
    return Breakdown(key, title, rows, figs[-1], national_title)


def _counts(model: type[Model], field_name: str, filters: dict[str, Any]) -> Counter[str]:
    rows = model.objects.filter(**filters).order_by().values(field_name).annotate(n=Count("id"))  # type: ignore[attr-defined]
    return Counter({r[field_name]: r["n"] for r in rows})


@dataclass(frozen=True)
class CrossTable:
    """A ward x category table with totals (last row and column)."""

    caption: str
    columns: list[str]
    row_labels: list[str]
    cells: list[list[Figure]]


def cross_table(
    caption: str,
    model: type[Model],
    field_name: str,
    choices: type[TextChoices],
    wards: Sequence[Ward],
    filters: dict[str, Any],
    publisher: Publisher,
) -> CrossTable:
    found = Counter(
        {
            (r["ward_id"], r[field_name]): r["n"]
            for r in model.objects.filter(**filters)  # type: ignore[attr-defined]
            .order_by()
            .values("ward_id", field_name)
            .annotate(n=Count("id"))
        }
    )
    cells = [[float(found.get((w.pk, v), 0)) for v in choices.values] for w in wards]
    return CrossTable(
        caption=caption,
        columns=[*[str(label) for label in choices.labels], "Total"],
        row_labels=[*[w.name for w in wards], "Total"],
        cells=publisher.table(cells),
    )


# --- national context ---------------------------------------------------------------------------

CQC_SOURCE = (
    "CQC (2018) Sexual safety on mental health wards: 1,120 sexual incidents in 919 reports "
    "from 54 trusts to the National Reporting and Learning System, April to June 2017."
)
CQC_CATEGORY = {
    SexualSafetyCategory.NUDITY_EXPOSURE: "27% (298 of 1,120)",
    SexualSafetyCategory.SEXUAL_ASSAULT: "24% (273 of 1,120)",
    SexualSafetyCategory.VERBAL: "22% (242 of 1,120)",
    SexualSafetyCategory.RAPE: "about 3% (about 29 of 1,120)",
    SexualSafetyCategory.HARASSMENT: "Not published separately",
    SexualSafetyCategory.OTHER: "Not published separately",
}
CQC_AFFECTED = {
    PersonRole.PATIENT: "About two thirds",
    PersonRole.STAFF: "About one third",
    PersonRole.VISITOR: "A few (visitors and others)",
}
CQC_PERPETRATOR = {PersonRole.PATIENT: "95% of reports", PersonRole.STAFF: "5% of reports"}
CQC_HARM = {
    Harm.NONE: "97% no or low harm, together",
    Harm.LOW: "(with no harm, above)",
    Harm.MODERATE: "3% moderate or worse, together",
}
CQC_CONTEXT = (
    "CQC found sexual incidents common on mental health wards: most alleged perpetrators were "
    "patients (95%), about two thirds of those affected were patients and one third staff, and "
    "trusts graded 97% of reports as no or low harm, which CQC judged understated the impact. "
    "More reports can mean a safer reporting culture, so a rise is not read as worse by itself."
)

NCISH_SPLIT = {LeaveStatus.ON_WARD: 32, LeaveStatus.AGREED_LEAVE: 52, LeaveStatus.AWOL: 16}
NCISH_SOURCE = (
    "National Confidential Inquiry into Suicide and Safety in Mental Health (NCISH): of "
    "in-patient suicides, 32% happened on the ward, 52% off the ward on agreed leave and 16% "
    "after the patient had gone absent without leave."
)
SMALL_DEATHS = 8
SMALL_DEATHS_TEXT = "Fewer than 8 deaths: percentages are not meaningful"


# --- sexual safety -----------------------------------------------------------------------------


def _between(day_field: str, date_range: DateRange) -> dict[str, Any]:
    return {f"{day_field}__gte": date_range.start, f"{day_field}__lte": date_range.end}


@dataclass
class SexualSafetySummary:
    publisher: Publisher
    date_range: DateRange
    subject: str
    total: Figure
    breakdowns: list[Breakdown]
    rates: list[WardRate]
    cross: CrossTable | None
    chart: ReportChart | None
    rare: list[RareBlock] = field(default_factory=list)
    context: str = CQC_CONTEXT
    source: str = CQC_SOURCE


def sexual_safety_summary(
    wards: Sequence[Ward],
    date_range: DateRange,
    publisher: Publisher,
    *,
    subject: str,
    charts: bool,
    rare: bool,
    chart: str | None = None,
    per_ward: bool = True,
    chart_range: DateRange | None = None,
    chart_period: str | None = None,
) -> SexualSafetySummary:
    """Everything the sexual-safety monitoring page (and the report's section) shows."""
    filters = {
        "ward__in": list(wards),
        "status": RecordStatus.SUBMITTED,
        **_between("occurred_at__date", date_range),
    }
    rows = [
        ("category", "Kind of incident (CQC category)", SexualSafetyCategory, CQC_CATEGORY),
        ("affected_role", "Who was affected", PersonRole, CQC_AFFECTED),
        ("perpetrator_role", "Alleged to have been responsible", PersonRole, CQC_PERPETRATOR),
        ("harm", "Harm recorded by the ward", Harm, CQC_HARM),
    ]
    breakdowns = [
        breakdown(
            key,
            title,
            _counts(SexualSafetyIncident, key, filters),
            choices,
            publisher,
            national=national,
            national_title="CQC 2018 national review",
        )
        for key, title, choices, national in rows
    ]
    measure = rate_measure("sexual-safety")
    charted = with_period(measure, chart_period) if chart_period else measure
    summary = SexualSafetySummary(
        publisher=publisher,
        date_range=date_range,
        subject=subject,
        total=breakdowns[0].total,
        breakdowns=breakdowns,
        rates=ward_rates(measure, wards, date_range, publisher),
        cross=cross_table(
            "Sexual-safety incidents by ward and CQC category",
            SexualSafetyIncident,
            "category",
            SexualSafetyCategory,
            wards,
            filters,
            publisher,
        )
        if per_ward and len(wards) > 1
        else None,
        chart=rate_chart(
            charted,
            wards,
            chart_range or date_range,
            publisher,
            subject=subject,
            chart=chart,
            dom_id="sexual-safety-rate",
        )
        if charts
        else None,
    )
    if rare:
        times = list(
            SexualSafetyIncident.objects.filter(**filters)
            .order_by("occurred_at", "pk")
            .values_list("occurred_at", flat=True)
        )
        for kind in ("t", "g"):
            c = rare_events.rare_event_chart(
                kind,
                times,
                wards=wards,
                noun="sexual-safety incident",
                subject=subject,
                improvement=Improvement.NEUTRAL,
            )
            summary.rare.append(rare_block(c, f"sexual-safety-rare-{kind}", publisher))
    return summary


@dataclass(frozen=True)
class RareRow:
    event: str
    date: str
    value: Figure
    centre: Figure
    lower: Figure
    upper: Figure
    point: str


@dataclass(frozen=True)
class RareBlock:
    """A rare-event chart, its inline SVG (None: fewer than two events) and data table."""

    chart: rare_events.RareEventChart
    svg: Any
    rows: list[RareRow]
    dom_id: str


def rare_block(c: rare_events.RareEventChart, dom_id: str, publisher: Publisher) -> RareBlock:
    if c.result is None:
        return RareBlock(c, None, [], dom_id)
    spec = rare_events.spec(c)
    svg = inline_svg(spec, dom_id=dom_id, title=c.title, description=spec["description"])
    decimals = 0 if c.kind == "g" else 1
    noun = c.noun[0].upper() + c.noun[1:]
    rows = [
        RareRow(
            event=f"{noun} {r['event']}",
            date=r["label"],
            value=publisher.statistic(r["value"], decimals=decimals),
            centre=publisher.statistic(r["centre"], decimals=decimals),
            lower=publisher.statistic(r["lower"], decimals=decimals),
            upper=publisher.statistic(r["upper"], decimals=decimals),
            point=r["type"],
        )
        for r in rare_events.point_rows(c)
    ]
    return RareBlock(c, svg, rows, dom_id)


# --- AWOL and inpatient deaths -----------------------------------------------------------------


@dataclass(frozen=True)
class DeathRow:
    label: str
    deaths: Figure
    suicides: Figure
    share: Figure
    national: str


@dataclass(frozen=True)
class Deaths:
    rows: list[DeathRow]
    deaths: Figure
    suicides: Figure
    small: bool
    first_week: Figure
    detained: Figure
    source: str = NCISH_SOURCE
    small_text: str = SMALL_DEATHS_TEXT


def deaths_summary(wards: Sequence[Ward], date_range: DateRange, publisher: Publisher) -> Deaths:
    """Inpatient deaths by NCISH status, the suspected suicides among them and their split
    beside the national one; with fewer than 8 suspected suicides the percentages are not
    shown (they would swing by 12 points or more with one death)."""
    records = list(
        InpatientDeath.objects.filter(
            ward__in=list(wards), died_on__gte=date_range.start, died_on__lte=date_range.end
        )
    )
    statuses = LeaveStatus.values
    deaths = [sum(1 for d in records if d.status == s) for s in statuses]
    suicides = [sum(1 for d in records if d.status == s and d.suspected_suicide) for s in statuses]
    death_figs = publisher.counts(deaths)
    suicide_figs = publisher.counts(suicides)
    total_suicides = sum(suicides)
    small = total_suicides < SMALL_DEATHS
    rows = []
    for i, (value, label) in enumerate(LeaveStatus.choices):
        share = (
            publisher.text("Not shown")
            if small
            else publisher.percent(suicides[i], total_suicides, hidden=suicide_figs[i].suppressed)
        )
        rows.append(
            DeathRow(str(label), death_figs[i], suicide_figs[i], share, f"{NCISH_SPLIT[value]}%")
        )
    suicide_records = [d for d in records if d.suspected_suicide]
    first_week = sum(
        1
        for d in suicide_records
        if d.days_since_admission is not None and d.days_since_admission < 7
    )
    detained = sum(1 for d in suicide_records if d.legal_status == LegalStatus.DETAINED)
    return Deaths(
        rows=rows,
        deaths=death_figs[-1],
        suicides=suicide_figs[-1],
        small=small,
        first_week=publisher.count(first_week),
        detained=publisher.count(detained),
    )


@dataclass
class AwolSummary:
    publisher: Publisher
    date_range: DateRange
    subject: str
    total: Figure
    breakdowns: list[Breakdown]
    rates: list[WardRate]
    chart: ReportChart | None
    deaths: Deaths
    rare: list[RareBlock] = field(default_factory=list)


def awol_summary(
    wards: Sequence[Ward],
    date_range: DateRange,
    publisher: Publisher,
    *,
    subject: str,
    charts: bool,
    rare: bool,
    chart: str | None = None,
    chart_range: DateRange | None = None,
    chart_period: str | None = None,
) -> AwolSummary:
    """Everything the AWOL and inpatient-death monitoring page (and the report) shows."""
    filters = {
        "ward__in": list(wards),
        "status": RecordStatus.SUBMITTED,
        **_between("left_at__date", date_range),
    }
    breakdowns = [
        breakdown(key, title, _counts(AwolIncident, key, filters), choices, publisher)
        for key, title, choices in [
            ("kind", "What happened", AwolKind),
            ("outcome", "Outcome", AwolOutcome),
            ("legal_status", "Legal status", LegalStatus),
        ]
    ]
    measure = rate_measure("awol")
    charted = with_period(measure, chart_period) if chart_period else measure
    summary = AwolSummary(
        publisher=publisher,
        date_range=date_range,
        subject=subject,
        total=breakdowns[0].total,
        breakdowns=breakdowns,
        rates=ward_rates(measure, wards, date_range, publisher),
        chart=rate_chart(
            charted,
            wards,
            chart_range or date_range,
            publisher,
            subject=subject,
            chart=chart,
            dom_id="awol-rate",
        )
        if charts
        else None,
        deaths=deaths_summary(wards, date_range, publisher),
    )
    if rare:
        times = list(
            AwolIncident.objects.filter(**filters)
            .order_by("left_at", "pk")
            .values_list("left_at", flat=True)
        )
        c = rare_events.rare_event_chart(
            "t",
            times,
            wards=wards,
            noun="AWOL incident",
            subject=subject,
            improvement=Improvement.INCREASE,
        )
        summary.rare.append(rare_block(c, "awol-rare-t", publisher))
    return summary


__all__ = [
    "AGGREGATE",
    "FULL",
    "NCISH_SPLIT",
    "SMALL_DEATHS",
    "AwolSummary",
    "Breakdown",
    "Deaths",
    "SexualSafetySummary",
    "awol_summary",
    "deaths_summary",
    "default_range",
    "publisher_for",
    "rate_measure",
    "scope",
    "sexual_safety_summary",
    "view_level",
    "ward_rates",
]
