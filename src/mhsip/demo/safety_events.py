"""Pure generation of sexual-safety incidents, AWOL incidents and in-patient deaths.

Implements ``/work/shared/brief/synthetic-data.md`` "Other safety events" with the figures of
:class:`~mhsip.demo.parameters.DemoParameters` (domain §6 CQC 2018 sexual safety, §7 NCISH):

* sexual-safety incidents at ``sexual_safety_rate_per_1000_obd`` (0.6) per occupied bed day,
  categories in the CQC 2018 proportions, the affected person a patient about two thirds of the
  time (otherwise staff), the alleged perpetrator a patient 95% of the time (otherwise staff),
  harm mostly none or low;
* AWOL at ``awol_rate_per_1000_obd`` (1.5) per occupied bed day, detained patients more likely
  to be the one absent;
* deaths by suspected suicide at ``suicide_per_ward_year`` (0.1), on the ward / on agreed leave /
  AWOL in the NCISH 32/52/16 split. The patient dies on the last day of their last stay, so
  nothing is recorded about them afterwards; a death while AWOL comes with its AWOL incident.

Every person involved who is a patient is on the ward that day (a stay covering the day's
midnight). Each ward draws from its own streams (``"sexual-safety"``, ``"awol"``, ``"deaths"``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from mhsip.demo.events import (
    Categorical,
    Draws,
    WardStays,
    local_datetime,
    ward_abbreviation,
    whole_minutes,
)

if TYPE_CHECKING:
    from mhsip.demo.generate import DemoData

#: The brief's CQC categories (``sexual_safety_category_share`` keys) as
#: :class:`mhsip.safety.codes.SexualSafetyCategory` values.
SEXUAL_SAFETY_CATEGORY_CODE: Mapping[str, str] = {
    "nudity_exposure": "nudity_exposure",
    "alleged_sexual_assault": "sexual_assault",
    "verbal_sexual_abuse": "verbal",
    "alleged_rape": "rape",
    "other": "other",
}
_SEXUAL_SAFETY_TEXT: Mapping[str, str] = {
    "nudity_exposure": "A patient exposed themselves in a communal area. Staff intervened, "
    "supported the people present and reviewed the patient's care plan.",
    "alleged_sexual_assault": "Unwanted sexual touching was reported to staff. The people "
    "involved were separated and supported, and observations were increased.",
    "verbal_sexual_abuse": "Verbal abuse using sexual words was reported. Staff spoke with "
    "those involved and recorded it in the care plan.",
    "alleged_rape": "An allegation of rape was reported and the ward followed its "
    "safeguarding procedure.",
    "other": "Another sexual-safety concern (for example sexual harassment) was reported and "
    "reviewed by the ward team.",
}
_AWOL_TEXT: Mapping[str, str] = {
    "absconded": "Left the ward without agreement when the door was opened for a visitor.",
    "failed_return": "Did not return from agreed leave at the time set.",
    "escorted": "Ran from staff during escorted leave in the hospital grounds.",
}


@dataclass(frozen=True, slots=True)
class SexualSafetyRecord:
    ward_code: str
    local_reference: str
    occurred_at: dt.datetime
    category: str  # SexualSafetyCategory value
    affected_role: str  # PersonRole value
    affected_patient_local_id: str | None
    perpetrator_role: str
    perpetrator_patient_local_id: str | None
    harm: str  # Harm value
    description: str
    police_informed: bool
    safeguarding_referral: bool


@dataclass(frozen=True, slots=True)
class AwolRecord:
    ward_code: str
    patient_local_id: str
    local_reference: str
    kind: str  # AwolKind value
    left_at: dt.datetime
    returned_at: dt.datetime | None
    legal_status: str
    outcome: str  # AwolOutcome value
    police_informed: bool
    description: str


@dataclass(frozen=True, slots=True)
class DeathRecord:
    ward_code: str
    patient_local_id: str
    died_on: dt.date
    status: str  # LeaveStatus value
    legal_status: str
    observation_level: str
    admitted_on: dt.date
    notes: str


def _daily_counts(rng: np.random.Generator, rate_per_1000: float, bed_days: np.ndarray) -> Any:
    return rng.poisson(rate_per_1000 / 1000 * bed_days)


def _sexual_safety(data: DemoData, ws: WardStays, bed_days: np.ndarray) -> list[SexualSafetyRecord]:
    from mhsip.demo.generate import rng_for

    params = data.params
    ward = ws.ward
    rng = rng_for(data.seed, "sexual-safety", ward.code)
    counts = _daily_counts(rng, params.sexual_safety_rate_per_1000_obd, bed_days)
    days = np.repeat(np.arange(len(counts)), counts)
    u = rng.random((len(days), 16))
    category_of = Categorical(params.sexual_safety_category_share)
    harm_of = Categorical(params.sexual_safety_harm_share)
    hour_of = Categorical({str(h): w for h, w in enumerate(params.ri_hour_weight)})
    patient_share = params.sexual_safety_affected_share["patient"]
    out: list[SexualSafetyRecord] = []
    sequence: dict[int, int] = {}
    for k, d in enumerate(days.tolist()):
        draws = Draws(u[k], np.zeros(0))
        date = data.timeline.start + dt.timedelta(days=d)
        present = [data.stays[int(ws.index[i])].patient_local_id for i in ws.present(d)]
        category = category_of(draws.u())
        perpetrator_is_patient = draws.u() < params.sexual_safety_perpetrator_patient_share
        perpetrator = draws.choice(present) if perpetrator_is_patient else None
        others = [p for p in present if p != perpetrator]
        affected_is_patient = (draws.u() < patient_share or perpetrator is None) and bool(others)
        affected = draws.choice(others) if affected_is_patient else None
        harm = harm_of(draws.u())
        if category == "alleged_rape" and harm == "none":
            harm = "low"
        year = date.year
        sequence[year] = sequence.get(year, 0) + 1
        out.append(
            SexualSafetyRecord(
                ward_code=ward.code,
                local_reference=f"SS-{ward_abbreviation(ward)}-{year}-{sequence[year]:03d}",
                occurred_at=local_datetime(date, int(hour_of(draws.u())), draws.integer(0, 59)),
                category=SEXUAL_SAFETY_CATEGORY_CODE[category],
                affected_role="patient" if affected else "staff",
                affected_patient_local_id=affected,
                perpetrator_role="patient" if perpetrator else "staff",
                perpetrator_patient_local_id=perpetrator,
                harm=harm,
                description=_SEXUAL_SAFETY_TEXT[category],
                police_informed=draws.u() < params.sexual_safety_police_prob[category],
                safeguarding_referral=draws.u()
                < params.sexual_safety_safeguarding_prob["patient" if affected else "staff"],
            )
        )
    return out


def _awol_record(
    ward_code: str,
    patient: str,
    kind: str,
    left: dt.datetime,
    returned: dt.datetime | None,
    legal_status: str,
    outcome: str,
    police: bool,
) -> AwolRecord:
    return AwolRecord(
        ward_code=ward_code,
        patient_local_id=patient,
        local_reference="",  # numbered per ward once all of the ward's records are known
        kind=kind,
        left_at=left,
        returned_at=returned,
        legal_status=legal_status,
        outcome=outcome,
        police_informed=police,
        description=_AWOL_TEXT[kind],
    )


def _awol(data: DemoData, ws: WardStays, bed_days: np.ndarray) -> list[AwolRecord]:
    from mhsip.demo.generate import rng_for

    params = data.params
    ward = ws.ward
    rng = rng_for(data.seed, "awol", ward.code)
    counts = _daily_counts(rng, params.awol_rate_per_1000_obd, bed_days)
    days = np.repeat(np.arange(len(counts)), counts)
    u = rng.random((len(days), 12))
    z = rng.standard_normal((len(days), 2))
    kind_of = Categorical(params.awol_kind_share)
    outcome_of = Categorical(params.awol_outcome_share)
    end = local_datetime(data.timeline.end, 23, 59)
    out: list[AwolRecord] = []
    for k, d in enumerate(days.tolist()):
        draws = Draws(u[k], z[k])
        date = data.timeline.start + dt.timedelta(days=d)
        stays = [data.stays[int(ws.index[i])] for i in ws.present(d)]
        weight = np.array(
            [params.awol_detained_weight if s.legal_status == "detained" else 1.0 for s in stays]
        )
        cum = np.cumsum(weight / weight.sum())
        stay = stays[min(int(np.searchsorted(cum, draws.u(), side="right")), len(stays) - 1)]
        kind = kind_of(draws.u())
        left = local_datetime(date, draws.integer(8, 21), draws.integer(0, 59))
        returned: dt.datetime | None = left + whole_minutes(
            60 * draws.lognormal(*params.awol_absence_hours), least=5
        )
        outcome = outcome_of(draws.u())
        if returned is not None and returned > end:
            returned, outcome = None, "missing"
        police = outcome == "returned_police" or draws.u() < params.awol_police_informed.get(
            stay.legal_status, 0.3
        )
        out.append(
            _awol_record(
                ward.code,
                stay.patient_local_id,
                kind,
                left,
                returned,
                stay.legal_status,
                outcome,
                police,
            )
        )
    return out


def _deaths(data: DemoData, ws: WardStays) -> tuple[list[DeathRecord], list[AwolRecord]]:
    from mhsip.demo.generate import rng_for

    params = data.params
    timeline = data.timeline
    ward = ws.ward
    rng = rng_for(data.seed, "deaths", ward.code)
    n = int(rng.poisson(params.suicide_per_ward_year * timeline.days / 365.25))
    status_of = Categorical(params.suicide_status_share)
    observation_of = Categorical(params.death_observation_share)
    u = rng.random((n, 8))
    # a patient who dies leaves on the last day of their last stay on this ward
    last_stay: dict[str, int] = {}
    for i in range(len(ws.index)):
        stay = data.stays[int(ws.index[i])]
        last_stay[stay.patient_local_id] = i  # stays are in admission order
    candidates = sorted(
        (int(ws.discharged[i]), i)
        for i in last_stay.values()
        if 1 <= ws.discharged[i] < timeline.days and ws.discharged[i] > ws.admitted[i]
    )
    deaths: list[DeathRecord] = []
    awol: list[AwolRecord] = []
    taken: set[int] = set()
    for k in range(n):
        draws = Draws(u[k], np.zeros(0))
        target = draws.integer(1, timeline.days - 1)
        free = [c for c in candidates if c[1] not in taken]
        if not free:
            break
        _, i = min(free, key=lambda c: (abs(c[0] - target), c[0]))
        taken.add(i)
        stay = data.stays[int(ws.index[i])]
        assert stay.discharged_on is not None
        status = status_of(draws.u())
        observation = observation_of(draws.u()) if status == "on_ward" else "general"
        where = {
            "on_ward": "on the ward",
            "agreed_leave": "while on agreed leave",
            "awol": "after leaving the ward without agreement",
        }[status]
        deaths.append(
            DeathRecord(
                ward_code=ward.code,
                patient_local_id=stay.patient_local_id,
                died_on=stay.discharged_on,
                status=status,
                legal_status=stay.legal_status,
                observation_level=observation,
                admitted_on=stay.admitted_on,
                notes=f"Demo data. Suspected suicide {where}; referred to the coroner and "
                "reviewed under the Patient Safety Incident Response Framework.",
            )
        )
        if status == "awol":
            left_day = stay.discharged_on - dt.timedelta(days=draws.integer(0, 1))
            left_day = max(left_day, stay.admitted_on)
            left = local_datetime(left_day, draws.integer(8, 11), draws.integer(0, 59))
            awol.append(
                _awol_record(
                    ward.code,
                    stay.patient_local_id,
                    "absconded",
                    left,
                    None,
                    stay.legal_status,
                    "death",
                    True,
                )
            )
    return deaths, awol


def generate_safety_events(
    data: DemoData, per_ward: Mapping[str, WardStays]
) -> tuple[
    tuple[SexualSafetyRecord, ...], tuple[AwolRecord, ...], tuple[DeathRecord, ...], dict[str, Any]
]:
    """Sexual-safety incidents, AWOL incidents and deaths for every ward, and their truth."""
    sexual: list[SexualSafetyRecord] = []
    awol: list[AwolRecord] = []
    deaths: list[DeathRecord] = []
    bed_days_total = 0
    for ward in data.params.wards:
        ws = per_ward[ward.code]
        bed_days = data.midnight_counts(ward.code)
        bed_days_total += int(bed_days.sum())
        sexual.extend(_sexual_safety(data, ws, bed_days))
        ward_awol = _awol(data, ws, bed_days)
        ward_deaths, death_awol = _deaths(data, ws)
        deaths.extend(ward_deaths)
        ward_awol = sorted([*ward_awol, *death_awol], key=lambda a: a.left_at)
        sequence: dict[int, int] = {}
        for a in ward_awol:
            year = a.left_at.year
            sequence[year] = sequence.get(year, 0) + 1
            ref = f"AWOL-{ward_abbreviation(ward)}-{year}-{sequence[year]:03d}"
            awol.append(dataclasses.replace(a, local_reference=ref))
    params = data.params
    truth = {
        "sexual_safety_rate_per_1000_obd": params.sexual_safety_rate_per_1000_obd,
        "sexual_safety_category_share": {
            SEXUAL_SAFETY_CATEGORY_CODE[k]: v
            for k, v in params.sexual_safety_category_share.items()
        },
        "awol_rate_per_1000_obd": params.awol_rate_per_1000_obd,
        "suicide_per_ward_year": params.suicide_per_ward_year,
        "suicide_status_share": dict(params.suicide_status_share),
        "deaths": [{"ward": d.ward_code, "died_on": d.died_on, "status": d.status} for d in deaths],
        "bed_days": bed_days_total,
    }
    return tuple(sexual), tuple(awol), tuple(deaths), truth


__all__: Sequence[str] = (
    "SEXUAL_SAFETY_CATEGORY_CODE",
    "AwolRecord",
    "DeathRecord",
    "SexualSafetyRecord",
    "generate_safety_events",
)
