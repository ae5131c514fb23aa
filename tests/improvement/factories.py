"""Objects for the improvement tests. Seeded rows (the change-idea catalogue, the measure
library) are made here if missing: browser tests flush the database, seeds included."""

from __future__ import annotations

import datetime as dt
from typing import Any

from mhsip.improvement import diagrams, services
from mhsip.improvement.models import ChangeIdea, DriverDiagram, NodeLevel, PdsaCycle, Project
from mhsip.improvement.seed import SEED_CHANGE_IDEAS
from mhsip.measures.models import Measure
from mhsip.measures.seed import SEED_MEASURES
from mhsip.organisations.models import Ward


def catalogue() -> dict[str, ChangeIdea]:
    for spec in SEED_CHANGE_IDEAS:
        ChangeIdea.objects.get_or_create(slug=spec["slug"], defaults=spec)
    return {i.slug: i for i in ChangeIdea.objects.all()}


def measures() -> dict[str, Measure]:
    for spec in SEED_MEASURES:
        Measure.objects.get_or_create(slug=spec["slug"], defaults=spec)
    return {m.slug: m for m in Measure.objects.all()}


def idea(slug: str = "soft-words") -> ChangeIdea:
    return catalogue()[slug]


def project(ward: Ward | None = None, **extra: Any) -> Project:
    existing = Project.objects.filter(ward=ward).first() if ward else None
    if existing:
        return existing
    values = {
        "title": f"Reducing restrictive practice on {ward.name}" if ward else "Together",
        "aim_what": "restrictive interventions",
        "aim_percent": 33,
        "aim_by": dt.date(2026, 6, 30),
        "project_lead": "Ada Lead",
        "collaborative": ward.collaboratives.first() if ward else None,
        "outcome_measure": measures()["restrictive-interventions"],
        **extra,
    }
    return services.save_project(Project(ward=ward, **values))


def diagram(proj: Project) -> DriverDiagram:
    """A diagram with one box at each level: Culture > Staff skills > Soft Words."""
    existing = getattr(proj, "driver_diagram", None)
    if existing is not None:
        return existing
    d = diagrams.create_diagram(proj)
    primary = diagrams.add_node(d, level=NodeLevel.PRIMARY, text="Culture")
    secondary = diagrams.add_node(d, level=NodeLevel.SECONDARY, text="Staff skills", parent=primary)
    diagrams.add_node(
        d, level=NodeLevel.CHANGE, text="", parent=secondary, change_idea=idea("soft-words")
    )
    return d


def values(**extra: Any) -> services.CycleValues:
    data: dict[str, Any] = {
        "change_idea": idea("soft-words"),
        "measures": [measures()["physical-restraint"]],
        "owner": "Ada Lead",
        "start_date": dt.date(2025, 3, 3),
        "objective": "Use Soft Words when saying no",
        "questions": "Can every shift use the scripts?",
        "prediction": "Fewer restraints within six weeks",
        "who_where_when": "All staff, the ward, from 3 March",
        "data_to_collect": "Weekly restraints; scripts used",
    }
    data.update(extra)
    return services.CycleValues(**data)


def cycle(ward: Ward, **extra: Any) -> PdsaCycle:
    return services.save_cycle(ward, values(**extra))


def weekly_data(ward: Ward, first_monday: dt.date, restraints: list[int]) -> None:
    """A full midnight census (20 patients a night) and, each week, the given number of
    submitted incidents with one physical restraint (MHSDS type 07) each, from
    ``first_monday``. Census and incidents are written in bulk with one audit row per batch."""
    from django.utils import timezone

    from mhsip.audit.log import record_bulk
    from mhsip.recording.models import Intervention, Patient, UseOfForceIncident, WardCensus

    days = len(restraints) * 7
    census = [
        WardCensus(ward=ward, date=first_monday + dt.timedelta(days=i), occupied=20)
        for i in range(days)
    ]
    WardCensus.objects.bulk_create(census)
    record_bulk(WardCensus, len(census), reason="test data")
    patient, _ = Patient.objects.get_or_create(trust=ward.site.trust, key="b" * 64)
    incidents = []
    for week, n in enumerate(restraints):
        for k in range(n):
            day = first_monday + dt.timedelta(weeks=week, days=k % 7)
            at = timezone.make_aware(dt.datetime.combine(day, dt.time(14, 0)))
            incidents.append(
                UseOfForceIncident(
                    ward=ward,
                    patient=patient,
                    started_at=at,
                    place="communal",
                    reason="10",
                    status="submitted",
                    submitted_at=at,
                )
            )
    incidents = UseOfForceIncident.objects.bulk_create(incidents)
    record_bulk(UseOfForceIncident, len(incidents), reason="test data")
    interventions = Intervention.objects.bulk_create(
        Intervention(incident=i, type_code="07", started_at=i.started_at) for i in incidents
    )
    record_bulk(Intervention, len(interventions), reason="test data")
