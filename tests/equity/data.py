"""Simulated wards for the equity tests: patients with stays and use-of-force incidents whose
true Black/White rate ratio is known (3.0 by default), with or without a patient-level gamma
frailty (restraint concentrated on a few patients).

The truth is built independently of :mod:`mhsip.equity`: each patient's occupied bed days in
the period are counted day by day here, and their incidents are Poisson with mean
``rate x multiplier x frailty x bed days``, each placed on one of those days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from mhsip.audit.log import record_bulk
from mhsip.organisations.models import Ward
from mhsip.recording.models import Intervention, Patient, Stay, UseOfForceIncident

START = dt.date(2025, 1, 1)
END = dt.date(2025, 12, 31)
WHITE_RATE = 25 / 1000  # restrictive interventions per occupied bed day
PHYSICAL = ("01", "07", "09", "11")


@dataclass(frozen=True)
class Simulated:
    """What was generated: per group, the true bed days and events in the period."""

    bed_days: dict[str, float]
    events: dict[str, int]
    patients: int


def simulate(
    wards: Sequence[Ward],
    *,
    groups: dict[str, tuple[str, int, float]] | None = None,
    frailty_shape: float | None = None,
    seed: int = 1,
    start: dt.date = START,
    end: dt.date = END,
    mean_stay: float = 30.0,
    key_prefix: str = "",
) -> Simulated:
    """Patients, stays and incidents on ``wards`` (call inside an actor context).

    ``groups`` maps a group name to ``(ethnic code, patients, rate multiplier)``; the default is
    White (code A) x 1 and Black (code M) x 3.
    """
    groups = groups or {"white": ("A", 600, 1.0), "black": ("M", 300, 3.0)}
    rng = np.random.default_rng(seed)
    span = (end - start).days + 1
    patients: list[Patient] = []
    plans: list[tuple[str, Ward, dt.date, dt.date, float]] = []
    n = 0
    for name, (code, count, mult) in groups.items():
        for _ in range(count):
            ward = wards[int(rng.integers(len(wards)))]
            patients.append(
                Patient(
                    trust=ward.site.trust,
                    key=f"{key_prefix}{seed:04d}{n:060x}"[-64:],
                    ethnicity=code,
                    sex="male",
                    birth_year=1985,
                )
            )
            admitted = start + dt.timedelta(days=int(rng.integers(-30, span - 10)))
            stay = max(1, round(rng.gamma(2.0, mean_stay / 2.0)))
            discharged = admitted + dt.timedelta(days=stay)
            frailty = float(rng.gamma(frailty_shape, 1.0 / frailty_shape)) if frailty_shape else 1.0
            plans.append((name, ward, admitted, discharged, mult * frailty))
            n += 1
    Patient.objects.bulk_create(patients)
    saved = list(Patient.objects.filter(key__in=[p.key for p in patients]).order_by("id"))
    by_key = {p.key: p for p in saved}
    stays, incidents = [], []
    bed_days: dict[str, float] = dict.fromkeys(groups, 0.0)
    events: dict[str, int] = dict.fromkeys(groups, 0)
    for patient, (name, ward, admitted, discharged, mult) in zip(patients, plans, strict=True):
        p = by_key[patient.key]
        stays.append(Stay(patient=p, ward=ward, admitted_on=admitted, discharged_on=discharged))
        days = [
            admitted + dt.timedelta(days=d)
            for d in range((discharged - admitted).days)
            if start <= admitted + dt.timedelta(days=d) <= end
        ]
        bed_days[name] += len(days)
        k = int(rng.poisson(WHITE_RATE * mult * len(days))) if days else 0
        events[name] += k
        for _ in range(k):
            day = days[int(rng.integers(len(days)))]
            when = dt.datetime.combine(day, dt.time(11, int(rng.integers(60))), dt.UTC)
            incidents.append(
                UseOfForceIncident(
                    ward=ward,
                    patient=p,
                    started_at=when,
                    place="communal",
                    reason="10",
                    status="submitted",
                )
            )
    Stay.objects.bulk_create(stays)
    made = UseOfForceIncident.objects.bulk_create(incidents)
    Intervention.objects.bulk_create(
        Intervention(
            incident=i,
            type_code=PHYSICAL[j % len(PHYSICAL)],
            started_at=i.started_at,
            ended_at=i.started_at + dt.timedelta(minutes=5 + j % 40),
        )
        for j, i in enumerate(made)
    )
    for model, count in (
        (Patient, len(patients)),
        (Stay, len(stays)),
        (UseOfForceIncident, len(made)),
        (Intervention, len(made)),
    ):
        record_bulk(model, count, reason="equity test simulation")
    return Simulated(bed_days=bed_days, events=events, patients=len(patients))
