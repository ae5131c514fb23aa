"""Data for the chart and dashboard tests: a ward with 30 weeks of census and use-of-force
incidents, one week without a complete census (missing), and one week far above the others
(a special cause of concern on the u chart of restrictive interventions)."""

from __future__ import annotations

import datetime as dt

from mhsip.measures.models import Measure
from mhsip.measures.seed import SEED_MEASURES
from mhsip.organisations.models import Ward
from mhsip.recording.models import Intervention, Patient, UseOfForceIncident, WardCensus

START = dt.date(2024, 1, 1)  # a Monday, the world collaborative's baseline start
WEEKS = 30
MISSING_WEEK = 12  # no census on one day: bed days unknown, so the week is missing
SPIKE_WEEK = 22
COUNTS = [3, 2, 4, 3, 3, 2, 4, 3, 2, 3] * 3
COUNTS[SPIKE_WEEK] = 14
OCCUPIED = 15  # 105 occupied bed days a week


def ensure_measures() -> None:
    """The seed library (a migration loads it; transactional tests flush it away)."""
    for spec in SEED_MEASURES:
        Measure.objects.get_or_create(slug=spec["slug"], defaults=spec)


def week(n: int) -> dt.date:
    return START + dt.timedelta(weeks=n)


def add_incident(ward: Ward, patient: Patient, when: dt.datetime, code: str = "07") -> None:
    incident = UseOfForceIncident.objects.create(
        ward=ward,
        patient=patient,
        started_at=when,
        place="communal",
        reason="10",
        status="submitted",
    )
    Intervention.objects.create(incident=incident, type_code=code, started_at=when)


def build_ward_data(ward: Ward) -> None:
    """Census and incidents for ``ward`` (call inside an actor context)."""
    ensure_measures()
    patient = Patient.objects.create(trust=ward.site.trust, key="c" * 64)
    missing_day = week(MISSING_WEEK) + dt.timedelta(days=3)
    WardCensus.objects.bulk_create(
        WardCensus(ward=ward, date=START + dt.timedelta(days=i), occupied=OCCUPIED)
        for i in range(WEEKS * 7)
        if START + dt.timedelta(days=i) != missing_day
    )
    for n in range(WEEKS):
        for k in range(COUNTS[n]):
            when = dt.datetime.combine(week(n) + dt.timedelta(days=k % 7), dt.time(12), dt.UTC)
            add_incident(ward, patient, when)
