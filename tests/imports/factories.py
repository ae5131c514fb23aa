"""Rows of the MHSIP incident import v1 format, complete enough to be submitted records."""

from __future__ import annotations

import csv
import io
from typing import Any

from mhsip.imports.incidents import INCIDENT_COLUMNS


def incident_row(reference: str = "DX-1", **overrides: Any) -> dict[str, str]:
    """One intervention of a complete, valid incident on 14 March 2025."""
    row = {
        "incident_reference": reference,
        "ward_code": "ALPHA-1",
        "local_patient_id": "H1234567",
        "status": "submitted",
        "incident_start": "14/03/2025 14:30",
        "incident_end": "14/03/2025 14:50",
        "place": "communal",
        "reason": "10",
        "how_force_used": "Two staff held the patient's arms while standing.",
        "de_escalation": "verbal; space",
        "outcome": "Patient calmed and returned to their room.",
        "death_or_serious_injury": "no",
        "non_staff_involvement": "none",
        "care_plan_notification": "yes",
        "review_with_patient_held": "yes",
        "review_with_patient_on": "15/03/2025",
        "review_with_staff_held": "yes",
        "review_with_staff_on": "14/03/2025",
        "staff_job_titles": "Staff nurse; Healthcare assistant",
        "staff_roles": "lead; upper_limbs",
        "ethnicity": "A",
        "sex": "male",
        "birth_year": "1990",
        "learning_disability": "no",
        "autism": "no",
        "intervention_type": "07",
        "intervention_start": "14/03/2025 14:32",
        "intervention_end": "14/03/2025 14:40",
        "in_care_plan": "no",
        "injury_patient": "no",
        "injury_staff": "no",
        "injury_other": "no",
    }
    row.update(overrides)
    return row


def csv_bytes(
    rows: list[dict[str, str]], columns: list[str] | None = None, bom: bool = False
) -> bytes:
    columns = columns or [c for c in INCIDENT_COLUMNS if any(c in r for r in rows)]
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\r\n"
    )
    writer.writeheader()
    writer.writerows(rows)
    data = buffer.getvalue().encode()
    return (b"\xef\xbb\xbf" + data) if bom else data


def stored_text() -> str:
    """Every value of every row of every table of the project, as one string: to prove that an
    identifier was never stored anywhere (audit log included)."""
    from django.apps import apps

    parts = []
    for model in apps.get_models():
        if not model.__module__.startswith("mhsip."):
            continue
        for row in model.objects.values_list():
            parts.extend(str(value) for value in row)
    return "\n".join(parts)
