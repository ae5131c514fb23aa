"""Data for the collaborative overview tests: three wards with a 53-week baseline (the world
collaborative's, 1 January 2024 to 5 January 2025) and 40 weeks after it, at fixed weekly counts
so every % change is known exactly.

* Aspen (ALPHA-1): 3 a week at baseline, 1 a week after: a 66.7% reduction.
* Beech (ALPHA-2): 2 a week at baseline, none after: a 100% reduction.
* Cedar (BETA-1, another trust): 1 a week throughout: no change.

Each ward has 15 patients a night (105 occupied bed days a week).
"""

from __future__ import annotations

import datetime as dt

from mhsip.recording.models import Intervention, Patient, UseOfForceIncident, WardCensus
from tests.measures.chart_data import ensure_measures

START = dt.date(2024, 1, 1)
BASELINE_WEEKS = 53
AFTER_WEEKS = 40
OCCUPIED = 15
WEEKLY = {"ALPHA-1": (3, 1), "ALPHA-2": (2, 0), "BETA-1": (1, 1)}


def week(n: int) -> dt.date:
    return START + dt.timedelta(weeks=n)


def build(world, *, weeks: int = BASELINE_WEEKS + AFTER_WEEKS, codes=None) -> None:
    """Census and incidents for the three world wards (call inside an actor context)."""
    ensure_measures()
    incidents = []
    days = weeks * 7
    for ward in (world.ward, world.sibling_ward, world.other_ward):
        WardCensus.objects.bulk_create(
            WardCensus(ward=ward, date=START + dt.timedelta(days=i), occupied=OCCUPIED)
            for i in range(days)
        )
        patients = [
            Patient.objects.create(trust=ward.site.trust, key=f"{ward.code}-{i}".ljust(64, "x"))
            for i in range(3)
        ]
        before, after = (codes or WEEKLY)[ward.code]
        for n in range(weeks):
            for k in range(before if n < BASELINE_WEEKS else after):
                when = dt.datetime.combine(week(n) + dt.timedelta(days=k), dt.time(12), dt.UTC)
                incidents.append(
                    UseOfForceIncident(
                        ward=ward,
                        patient=patients[k % 3],
                        started_at=when,
                        place="communal",
                        reason="10",
                        status="submitted",
                    )
                )
    for incident in incidents:
        incident.save()
        Intervention.objects.create(
            incident=incident, type_code="07", started_at=incident.started_at
        )


def build_funnel(world, *, wards: int = 11, outlier_weekly: int = 10) -> list:
    """The three world wards plus more wards of the collaborative, 13 weeks of data each after
    the baseline: most wards 1 to 3 a week, the world's Aspen ward ``outlier_weekly`` a week."""
    from mhsip.organisations.models import Ward, WardType

    ensure_measures()
    extra = [
        Ward.objects.create(
            site=world.ward.site,
            code=f"FUN-{i:02d}",
            name=f"Funnel Ward {i:02d}",
            ward_type=WardType.ACUTE_MIXED,
            beds=20,
            active_from=START,
        )
        for i in range(wards - 3)
    ]
    world.collaborative.wards.add(*extra)
    all_wards = [world.ward, world.sibling_ward, world.other_ward, *extra]
    first = BASELINE_WEEKS + 10
    for i, ward in enumerate(all_wards):
        WardCensus.objects.bulk_create(
            WardCensus(ward=ward, date=week(first) + dt.timedelta(days=d), occupied=OCCUPIED)
            for d in range(13 * 7)
        )
        patient = Patient.objects.create(trust=ward.site.trust, key=f"f{ward.code}".ljust(64, "y"))
        for n in range(13):
            count = outlier_weekly if ward == world.ward else 1 + (i + n) % 3
            for k in range(count):
                when = dt.datetime.combine(
                    week(first + n) + dt.timedelta(days=k % 7), dt.time(12), dt.UTC
                )
                incident = UseOfForceIncident.objects.create(
                    ward=ward,
                    patient=patient,
                    started_at=when,
                    place="communal",
                    reason="10",
                    status="submitted",
                )
                Intervention.objects.create(incident=incident, type_code="07", started_at=when)
    return all_wards
