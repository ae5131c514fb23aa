"""Plain data for use-of-force records, and records made from it, for the recording tests."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from django.utils import timezone

from mhsip.recording import services
from mhsip.recording.models import UseOfForceIncident

IDENTIFIER = "RX1234567"


def at(day: int, hour: int, minute: int = 0, month: int = 3, year: int = 2025) -> dt.datetime:
    """A UK local time in March 2025 (GMT, before the clocks change on the 30th)."""
    return timezone.make_aware(dt.datetime(year, month, day, hour, minute))


def complete_data(*, shift: dt.timedelta | None = None, **overrides: Any) -> dict[str, Any]:
    """A record that passes the full Act check: two interventions, two staff; ``shift`` moves
    every date and time of it (14 March 2025 14:35 to 16:00) by that much."""
    data: dict[str, Any] = {
        "status": "submitted",
        "local_reference": "DX-1001",
        "started_at": at(14, 14, 35),
        "ended_at": at(14, 16, 0),
        "place": "communal",
        "reason": "10",
        "how_force_used": "Two staff held the patient's arms while a third spoke calmly.",
        "de_escalation": ["verbal", "space"],
        "outcome": "The patient settled in seclusion and was checked by a doctor.",
        "death_or_serious_injury": "no",
        "non_staff_involvement": "none",
        "care_plan_notification": "yes",
        "review_with_patient_held": "yes",
        "review_with_patient_on": dt.date(2025, 3, 15),
        "review_with_staff_held": "no",
        "review_with_staff_not_held_reason": "The night team went off shift; booked for Monday",
        "patient": {
            "ethnicity": "M",
            "sex": "male",
            "birth_year": 1990,
            "learning_disability": "no",
            "autism": "not_known",
            "mental_disorder": "F20 paranoid schizophrenia",
        },
        "interventions": [
            {
                "type_code": "01",
                "started_at": at(14, 14, 35),
                "ended_at": at(14, 14, 45),
                "in_care_plan": "no",
                "injury_patient": "no",
                "injury_staff": "yes",
                "injury_other": "not_known",
            },
            {
                "type_code": "05",
                "started_at": at(14, 14, 45),
                "ended_at": at(14, 16, 0),
                "in_care_plan": "yes",
                "injury_patient": "no",
                "injury_staff": "no",
                "injury_other": "no",
            },
        ],
        "staff": [
            {"job_title": "Staff nurse", "role": "lead"},
            {"job_title": "Healthcare assistant", "role": "upper_limbs"},
        ],
    }
    data = copy.deepcopy(data)
    if shift:
        for holder in (data, *data["interventions"]):
            for name in ("started_at", "ended_at", "review_with_patient_on"):
                if holder.get(name) is not None:
                    holder[name] += shift
    data.update(overrides)
    return data


def make_incident(
    world: Any, *, identifier: str = IDENTIFIER, shift: dt.timedelta | None = None, **overrides: Any
) -> UseOfForceIncident:
    """A submitted record on Aspen Ward (call inside an actor context)."""
    return services.incident_create(
        actor_user_or_none=None,
        ward=world.ward,
        patient_identifier=identifier,
        data=complete_data(shift=shift, **overrides),
    )
