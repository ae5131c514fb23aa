"""Numerator sources: what a measure counts, aggregated in SQL per ward and day.

Each source returns rows ``(ward_id, day, value)`` for a date range; :mod:`mhsip.measures.series`
buckets them into weeks or months. Definitions follow the MHSDS restrictive-intervention
measures (domain brief §2.4): a *restrictive intervention* is a distinct (incident, type) pair
(MHS77); an *incident* is MHS136; *people* are distinct patients (MHS76).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate

from mhsip.recording.codes import YesNoUnknown
from mhsip.recording.models import Intervention, UseOfForceIncident
from mhsip.safety.models import AwolIncident, SexualSafetyIncident

Row = tuple[int, dt.date, float]
SourceFn = Callable[[Sequence[int], dt.date, dt.date, Sequence[str]], list[Row]]


@dataclass(frozen=True)
class Source:
    key: str
    label: str
    fn: SourceFn
    return_field: str | None = None  # the weekly-return count for wards without incident data
    distinct_people: bool = False  # counts people: cannot be summed across periods or wards


def _submitted_incidents(ward_ids: Sequence[int], start: dt.date, end: dt.date) -> QuerySet:
    return UseOfForceIncident.objects.filter(
        ward_id__in=ward_ids,
        status="submitted",
        started_at__date__gte=start,
        started_at__date__lte=end,
    )


def _interventions(
    ward_ids: Sequence[int], start: dt.date, end: dt.date, codes: Sequence[str]
) -> list[Row]:
    """Distinct (incident, type) pairs per ward and day of the incident's start (MHS77)."""
    qs = Intervention.objects.filter(incident__in=_submitted_incidents(ward_ids, start, end))
    if codes:
        qs = qs.filter(type_code__in=codes)
    pairs = (
        qs.order_by()
        .annotate(day=TruncDate("incident__started_at"))
        .values_list("incident__ward_id", "day", "incident_id", "type_code")
        .distinct()
    )
    totals: dict[tuple[int, dt.date], float] = {}
    for ward_id, day, _incident, _code in pairs:
        totals[(ward_id, day)] = totals.get((ward_id, day), 0.0) + 1.0
    return [(w, d, v) for (w, d), v in totals.items()]


def _incidents(ward_ids: Sequence[int], start: dt.date, end: dt.date, codes: Sequence[str]):
    qs = _submitted_incidents(ward_ids, start, end)
    if codes:
        qs = qs.filter(interventions__type_code__in=codes)
    return [
        (r["ward_id"], r["day"], float(r["n"]))
        for r in qs.order_by()
        .annotate(day=TruncDate("started_at"))
        .values("ward_id", "day")
        .annotate(n=Count("id", distinct=True))
    ]


def _people(ward_ids: Sequence[int], start: dt.date, end: dt.date, codes: Sequence[str]):
    """Patient keys per ward-day; the series module counts distinct patients per period."""
    qs = _submitted_incidents(ward_ids, start, end)
    if codes:
        qs = qs.filter(interventions__type_code__in=codes)
    return [
        (w, d, float(p))
        for w, d, p in qs.order_by()
        .annotate(day=TruncDate("started_at"))
        .values_list("ward_id", "day", "patient_id")
        .distinct()
    ]


def _duration_hours(
    ward_ids: Sequence[int], start: dt.date, end: dt.date, codes: Sequence[str]
) -> list[Row]:
    """Hours in the listed intervention types (e.g. seclusion, 05), by the incident's start day;
    interventions with no end time are left out, as the MHSDS duration rules do."""
    qs = Intervention.objects.filter(
        incident__in=_submitted_incidents(ward_ids, start, end), ended_at__isnull=False
    )
    if codes:
        qs = qs.filter(type_code__in=codes)
    totals: dict[tuple[int, dt.date], float] = {}
    for ward_id, begun, s, e in qs.values_list(
        "incident__ward_id", "incident__started_at", "started_at", "ended_at"
    ):
        key = (ward_id, begun.date())
        totals[key] = totals.get(key, 0.0) + (e - s).total_seconds() / 3600
    return [(w, d, v) for (w, d), v in totals.items()]


def _review_within_72h(ward_ids, start, end, codes) -> list[Row]:
    """Incidents with a post-incident review with the patient held within 72 hours."""
    totals: dict[tuple[int, dt.date], float] = {}
    for ward_id, begun, held, on in _submitted_incidents(ward_ids, start, end).values_list(
        "ward_id", "started_at", "review_with_patient_held", "review_with_patient_on"
    ):
        key = (ward_id, begun.date())
        ok = held == YesNoUnknown.YES and on is not None and (on - begun.date()).days <= 3
        totals[key] = totals.get(key, 0.0) + (1.0 if ok else 0.0)
    return [(w, d, v) for (w, d), v in totals.items()]


def _staff_injuries(ward_ids, start, end, codes) -> list[Row]:
    qs = _submitted_incidents(ward_ids, start, end).filter(
        interventions__injury_staff=YesNoUnknown.YES
    )
    return [
        (r["ward_id"], r["day"], float(r["n"]))
        for r in qs.order_by()
        .annotate(day=TruncDate("started_at"))
        .values("ward_id", "day")
        .annotate(n=Count("id", distinct=True))
    ]


def _counted(model, date_field: str):
    def fn(ward_ids, start, end, codes) -> list[Row]:
        qs = model.objects.filter(
            ward_id__in=ward_ids,
            status="submitted",
            **{f"{date_field}__date__gte": start, f"{date_field}__date__lte": end},
        )
        return [
            (r["ward_id"], r["day"], float(r["n"]))
            for r in qs.order_by()
            .annotate(day=TruncDate(date_field))
            .values("ward_id", "day")
            .annotate(n=Count("id"))
        ]

    return fn


SOURCES: dict[str, Source] = {
    s.key: s
    for s in [
        Source(
            "interventions",
            "Restrictive interventions (incident x type)",
            _interventions,
            return_field="restraint_count",
        ),
        Source("incidents", "Use-of-force incidents", _incidents),
        Source(
            "people", "People subject to restrictive intervention", _people, distinct_people=True
        ),
        Source("duration_hours", "Hours in the intervention", _duration_hours),
        Source(
            "review_72h",
            "Incidents with a review with the patient within 72 hours",
            _review_within_72h,
        ),
        Source("staff_injuries", "Incidents with a staff injury", _staff_injuries),
        Source(
            "sexual_safety",
            "Sexual-safety incidents",
            _counted(SexualSafetyIncident, "occurred_at"),
            return_field="sexual_safety_count",
        ),
        Source(
            "awol", "AWOL incidents", _counted(AwolIncident, "left_at"), return_field="awol_count"
        ),
    ]
}

# Aggregate weekly-return fields that stand in for a source filtered by these type codes, for
# wards that cannot send incident-level data.
RETURN_FIELD_FOR_CODES: dict[frozenset[str], str] = {
    frozenset({"01"}): "prone_restraint_count",
    frozenset({"14"}): "rapid_tranquillisation_count",
    frozenset({"05"}): "seclusion_count",
    frozenset({"06"}): "segregation_count",
    frozenset({"04"}): "mechanical_restraint_count",
    frozenset({"01", "07", "08", "09", "10", "11", "12", "13"}): "restraint_count",
}
