"""The three kinds of safety record and how each is listed and shown.

One table of kinds keeps the views short: each kind names its model, form, form template, words
for headings, and the columns and rows it shows. Wording is plain and non-judgemental; patients
appear only as a pseudonymous reference.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format

from mhsip.safety.forms import AwolForm, InpatientDeathForm, RecordForm, SexualSafetyForm
from mhsip.safety.models import AwolIncident, InpatientDeath, SexualSafetyIncident

Cells = list[str]


def when(value: dt.datetime | dt.date | None) -> str:
    if value is None:
        return "Not recorded"
    if isinstance(value, dt.datetime):
        return date_format(timezone.localtime(value), "j F Y, H:i")
    return date_format(value, "j F Y")


def yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def person(role_label: str, patient: Any) -> str:
    return f"{role_label} ({patient})" if patient is not None else role_label


def duration(start: dt.datetime, end: dt.datetime | None) -> str:
    if end is None:
        return "Not back yet"
    minutes = int((end - start).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} day{'s' if days != 1 else ''}"] if days else []
    parts += [f"{hours} hour{'s' if hours != 1 else ''}"] if hours else []
    if not days:
        parts += [f"{mins} minute{'s' if mins != 1 else ''}"] if mins or not hours else []
    return " ".join(parts)


def days_after_admission(death: InpatientDeath) -> str:
    days = death.days_since_admission
    if days is None:
        return "Not known"
    text = f"{days} day{'s' if days != 1 else ''}"
    return text + " (within the first week)" if days < 7 else text


@dataclass(frozen=True)
class Kind:
    slug: str  # the URL segment and route prefix
    model: type[models.Model]
    form: type[RecordForm]
    form_template: str
    plural: str  # "Sexual-safety incidents"
    noun: str  # "sexual-safety incident"
    record_heading: str  # "Record a sexual-safety incident"
    intro: str
    has_status: bool
    columns: list[str]
    list_cells: Callable[[Any], Cells]
    detail_rows: Callable[[Any], list[tuple[str, str]]]
    order_by: str


def _sexual_safety_rows(r: SexualSafetyIncident) -> list[tuple[str, str]]:
    return [
        ("When it happened", when(r.occurred_at)),
        ("Kind of incident", r.get_category_display()),
        ("Who was affected", person(r.get_affected_role_display(), r.affected_patient)),
        (
            "Alleged to have been responsible",
            person(r.get_perpetrator_role_display(), r.perpetrator_patient),
        ),
        ("Harm", r.get_harm_display()),
        ("Police informed", yes_no(r.police_informed)),
        ("Safeguarding referral made", yes_no(r.safeguarding_referral)),
        ("What happened", r.description or "Not recorded"),
        ("Reference in the incident system", r.local_reference or "None given"),
    ]


def _awol_rows(r: AwolIncident) -> list[tuple[str, str]]:
    return [
        ("Patient", str(r.patient)),
        ("What happened", r.get_kind_display()),
        ("Left, or was due back", when(r.left_at)),
        ("Came back", when(r.returned_at) if r.returned_at else "Not back yet"),
        ("Time away", duration(r.left_at, r.returned_at)),
        ("Legal status", r.get_legal_status_display()),
        ("Outcome", r.get_outcome_display()),
        ("Police informed", yes_no(r.police_informed)),
        ("Details", r.description or "Not recorded"),
        ("Reference in the incident system", r.local_reference or "None given"),
    ]


def _death_rows(r: InpatientDeath) -> list[tuple[str, str]]:
    return [
        ("Patient", str(r.patient)),
        ("Date of death", when(r.died_on)),
        ("Where the patient was", r.get_status_display()),
        ("Suicide suspected", yes_no(r.suspected_suicide)),
        ("Legal status", r.get_legal_status_display()),
        ("Observation level", r.get_observation_level_display()),
        ("Date of admission", when(r.admitted_on)),
        ("Days since admission", days_after_admission(r)),
        ("Notes", r.notes or "None"),
    ]


KINDS: dict[str, Kind] = {
    "sexual-safety": Kind(
        slug="sexual-safety",
        model=SexualSafetyIncident,
        form=SexualSafetyForm,
        form_template="safety/form_sexual_safety.html",
        plural="Sexual-safety incidents",
        noun="sexual-safety incident",
        record_heading="Record a sexual-safety incident",
        intro="Sexual-safety incidents on this ward, newest first. Responsibility is recorded "
        "as alleged: a record is not a finding.",
        has_status=True,
        columns=["When", "Kind of incident", "Who was affected", "Alleged responsible", "Harm"],
        list_cells=lambda r: [
            when(r.occurred_at),
            r.get_category_display(),
            r.get_affected_role_display(),
            r.get_perpetrator_role_display(),
            r.get_harm_display(),
        ],
        detail_rows=_sexual_safety_rows,
        order_by="-occurred_at",
    ),
    "awol": Kind(
        slug="awol",
        model=AwolIncident,
        form=AwolForm,
        form_template="safety/form_awol.html",
        plural="AWOL and leave incidents",
        noun="AWOL or leave incident",
        record_heading="Record an AWOL or leave incident",
        intro="Patients who left without agreement or did not come back from leave, newest first.",
        has_status=True,
        columns=["Left", "What happened", "Time away", "Outcome"],
        list_cells=lambda r: [
            when(r.left_at),
            r.get_kind_display(),
            duration(r.left_at, r.returned_at),
            r.get_outcome_display(),
        ],
        detail_rows=_awol_rows,
        order_by="-left_at",
    ),
    "deaths": Kind(
        slug="deaths",
        model=InpatientDeath,
        form=InpatientDeathForm,
        form_template="safety/form_death.html",
        plural="Inpatient deaths",
        noun="inpatient death",
        record_heading="Record the death of an inpatient",
        intro="Deaths of patients while they were inpatients of this ward, on the ward or away "
        "from it.",
        has_status=False,
        columns=["Date", "Where the patient was", "Suicide suspected", "Days since admission"],
        list_cells=lambda r: [
            when(r.died_on),
            r.get_status_display(),
            yes_no(r.suspected_suicide),
            days_after_admission(r),
        ],
        detail_rows=_death_rows,
        order_by="-died_on",
    ),
}
