"""API test fixtures: complete incident payloads and stored incidents on the world's wards."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

from mhsip.audit.actor import System, acting_as
from mhsip.recording import services


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    cache.clear()  # API rate-limit history lives in the cache
    yield


def incident_payload(**overrides: Any) -> dict[str, Any]:
    """A complete, submittable record as JSON."""
    payload = {
        "patient_identifier": "H1234567",
        "local_reference": "API-1",
        "status": "submitted",
        "started_at": "2025-03-14T14:30:00Z",
        "ended_at": "2025-03-14T14:50:00Z",
        "place": "communal",
        "reason": "10",
        "how_force_used": "Held standing by two staff.",
        "de_escalation": ["verbal", "space"],
        "outcome": "Settled.",
        "death_or_serious_injury": "no",
        "non_staff_involvement": "none",
        "care_plan_notification": "yes",
        "review_with_patient_held": "yes",
        "review_with_patient_on": "2025-03-15",
        "review_with_staff_held": "yes",
        "review_with_staff_on": "2025-03-14",
        "patient": {"ethnicity": "A", "sex": "male", "learning_disability": "no", "autism": "no"},
        "interventions": [
            {
                "type_code": "07",
                "started_at": "2025-03-14T14:32:00Z",
                "ended_at": "2025-03-14T14:40:00Z",
                "in_care_plan": "no",
                "injury_patient": "no",
                "injury_staff": "no",
                "injury_other": "no",
            }
        ],
        "staff": [{"job_title": "Staff nurse", "role": "lead"}],
    }
    payload.update(overrides)
    return payload


def store_incident(ward: Any, reference: str = "DX-1", identifier: str = "H1234567") -> Any:
    """A submitted record, written through the recording services as a system process."""
    data = incident_payload(local_reference=reference)
    data.pop("patient_identifier")
    with acting_as(System("test")):
        return services.incident_create(
            actor_user_or_none=None, ward=ward, patient_identifier=identifier, data=data
        )
