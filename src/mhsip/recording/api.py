"""The recording app's API routes (django-ninja Router), mounted at /api/v1/ by mhsip.api.

Use-of-force incidents of a ward: list and read (pseudonymous keys only, never a name, NHS
number or local identifier, for any role), and create (recording roles). The same scoping,
validation and audit as the forms:

- the ward comes through :func:`mhsip.recording.services.ward_for_viewing` /
  ``ward_for_recording`` (the scoped accessor, ADR 0003): outside the caller's scope is 404,
  a role that may not read or record records is 403;
- a new record is validated and written by :func:`mhsip.recording.services.incident_create`,
  the forms' rule set; a rejected one is 422 with one ``detail`` entry per problem, its ``loc``
  naming the field (``["body", "payload", "interventions", 0, "ended_at"]``), and nothing is
  written;
- writes are audited as the caller, whether signed in (session) or a system using an API token
  (``Authorization: Bearer ...``, :mod:`mhsip.imports.auth`).

Requests are rate-limited per user (``MHSIP_API_RATE``, default 600 a minute).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.throttling import UserRateThrottle

from mhsip.audit.actor import acting_as
from mhsip.imports.auth import api_auth
from mhsip.imports.normalise import local_zone
from mhsip.organisations.models import Ward
from mhsip.recording import services
from mhsip.recording.codes import (
    ETHNIC_CATEGORIES,
    DeEscalation,
    InterventionReason,
    InterventionType,
    NonStaffInvolvement,
    Place,
    RecordStatus,
    Religion,
    ReviewNotHeldReason,
    Sex,
    SexualOrientation,
    StaffRole,
    YesNoNotApplicable,
    YesNoUnknown,
)
from mhsip.recording.models import UseOfForceIncident

DEFAULT_RATE = "600/m"
MAX_ID = 2**63 - 1
PAGE_SIZE = 50


class ApiRateThrottle(UserRateThrottle):
    """Per-user limit, read from ``settings.MHSIP_API_RATE`` on each request."""

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = getattr(settings, "MHSIP_API_RATE", DEFAULT_RATE)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)


router = Router(tags=["recording"], auth=api_auth, throttle=[ApiRateThrottle()])


def _codes(choices: Any, *, blank: bool = True) -> dict[str, Any]:
    values = [str(v) for v in choices.values]
    return {"enum": [*([""] if blank else []), *values]}


YES_NO = {"enum": ["", "yes", "no", "not_known"]}


# --- Out ----------------------------------------------------------------------------------------


class PatientOut(Schema):
    """The patient as a pseudonymous key (ADR 0005) with the Act's s.6(5)(j)-(l) items."""

    key: str
    ethnicity: str
    sex: str
    birth_year: int | None
    learning_disability: str
    autism: str
    mental_disorder: str
    gender_reassignment: str
    religion: str
    sexual_orientation: str
    disability: str
    pregnancy: str


class InterventionOut(Schema):
    id: int
    type_code: str
    type_label: str
    started_at: dt.datetime
    ended_at: dt.datetime | None
    minutes: int | None
    in_care_plan: str
    injury_patient: str
    injury_staff: str
    injury_other: str


class StaffOut(Schema):
    id: int
    job_title: str
    role: str


class IncidentSummaryOut(Schema):
    id: int
    ward_code: str
    local_reference: str
    status: str
    started_at: dt.datetime
    ended_at: dt.datetime | None
    place: str
    reason: str
    patient_key: str
    intervention_types: list[str]
    negligible_force: bool


class IncidentPageOut(Schema):
    items: list[IncidentSummaryOut]
    count: int
    page: int
    pages: int


class IncidentOut(Schema):
    id: int
    ward_code: str
    local_reference: str
    status: str
    started_at: dt.datetime
    ended_at: dt.datetime | None
    place: str
    place_detail: str
    reason: str
    reason_detail: str
    how_force_used: str
    de_escalation: list[str]
    de_escalation_detail: str
    outcome: str
    death_or_serious_injury: str
    death_or_serious_injury_detail: str
    non_staff_involvement: str
    non_staff_reason: str
    body_camera_reference: str
    care_plan_notification: str
    review_with_patient_held: str
    review_with_patient_on: dt.date | None
    review_with_patient_not_held_reason: str
    review_with_staff_held: str
    review_with_staff_on: dt.date | None
    negligible_force: bool
    negligible_justification: str
    created_at: dt.datetime
    updated_at: dt.datetime
    submitted_at: dt.datetime | None
    patient: PatientOut
    interventions: list[InterventionOut]
    staff: list[StaffOut]


class ProblemOut(Schema):
    detail: Any


# --- In -----------------------------------------------------------------------------------------


class InterventionIn(Schema):
    """One type of force used (MHSDS MHS515; s.6(5)(c)-(d))."""

    type_code: str = Field(
        ..., max_length=2, json_schema_extra=_codes(InterventionType, blank=False)
    )
    started_at: dt.datetime
    ended_at: dt.datetime | None = None
    in_care_plan: str = Field("", json_schema_extra=YES_NO)
    injury_patient: str = Field("", json_schema_extra=YES_NO)
    injury_staff: str = Field("", json_schema_extra=YES_NO)
    injury_other: str = Field("", json_schema_extra=YES_NO)


class StaffIn(Schema):
    """A member of staff who used force (s.6(5)(h)); ``name`` only in identifiable mode."""

    job_title: str = Field(..., max_length=100)
    role: str = Field("", json_schema_extra=_codes(StaffRole))
    name: str = Field("", max_length=200)


class PatientIn(Schema):
    """Relevant characteristics (s.6(5)(j)-(l)); leave out what is not known. ``name`` and
    ``nhs_number`` only where the trust keeps identifiable data."""

    ethnicity: str = Field("", json_schema_extra={"enum": ["", *ETHNIC_CATEGORIES]})
    sex: str = Field("", json_schema_extra=_codes(Sex))
    birth_year: int | None = Field(None, ge=1900, le=2100)
    learning_disability: str = Field("", json_schema_extra=_codes(YesNoUnknown))
    autism: str = Field("", json_schema_extra=_codes(YesNoUnknown))
    mental_disorder: str = Field("", max_length=200)
    gender_reassignment: str = Field("", json_schema_extra=_codes(YesNoUnknown))
    religion: str = Field("", json_schema_extra=_codes(Religion))
    sexual_orientation: str = Field("", json_schema_extra=_codes(SexualOrientation))
    disability: str = Field("", json_schema_extra=_codes(YesNoUnknown))
    pregnancy: str = Field("", json_schema_extra=_codes(YesNoUnknown))
    name: str = Field("", max_length=200)
    nhs_number: str = Field("", max_length=20)


class IncidentIn(Schema):
    """A use-of-force record (Mental Health Units (Use of Force) Act 2018 s.6(5)). A draft
    needs the patient and the start; ``status: "submitted"`` asks for every item of the Act.
    ``patient_identifier`` (the hospital number) becomes the pseudonymous key and is never
    stored or returned."""

    patient_identifier: str = Field(
        ..., min_length=1, max_length=50, pattern=r"^[A-Za-z0-9][A-Za-z0-9 /-]{0,49}$"
    )
    local_reference: str = Field("", max_length=50)
    status: str = Field(RecordStatus.DRAFT, json_schema_extra=_codes(RecordStatus, blank=False))
    started_at: dt.datetime
    ended_at: dt.datetime | None = None
    place: str = Field("", json_schema_extra=_codes(Place))
    place_detail: str = Field("", max_length=200)
    reason: str = Field("", json_schema_extra=_codes(InterventionReason))
    reason_detail: str = Field("", max_length=5000)
    how_force_used: str = Field("", max_length=10000)
    de_escalation: list[str] = Field(
        default_factory=list,
        max_length=20,
        json_schema_extra={"items": _codes(DeEscalation, blank=False)},
    )
    de_escalation_detail: str = Field("", max_length=10000)
    outcome: str = Field("", max_length=10000)
    death_or_serious_injury: str = Field("", json_schema_extra=YES_NO)
    death_or_serious_injury_detail: str = Field("", max_length=10000)
    non_staff_involvement: str = Field("", json_schema_extra=_codes(NonStaffInvolvement))
    non_staff_reason: str = Field("", max_length=5000)
    body_camera_reference: str = Field("", max_length=100)
    care_plan_notification: str = Field("", json_schema_extra=_codes(YesNoNotApplicable))
    review_with_patient_held: str = Field("", json_schema_extra=YES_NO)
    review_with_patient_on: dt.date | None = None
    review_with_patient_not_held_reason: str = Field(
        "", json_schema_extra=_codes(ReviewNotHeldReason)
    )
    review_with_staff_held: str = Field("", json_schema_extra=YES_NO)
    review_with_staff_on: dt.date | None = None
    negligible_force: bool = False
    negligible_justification: str = Field("", max_length=5000)
    patient: PatientIn = Field(default_factory=PatientIn)
    interventions: list[InterventionIn] = Field(default_factory=list, max_length=50)
    staff: list[StaffIn] = Field(default_factory=list, max_length=50)


# --- Helpers ------------------------------------------------------------------------------------


def _ward(request: HttpRequest, code: str, *, record: bool = False) -> Ward:
    """The ward through the scoped accessor: 404 outside scope, 403 for a role that may not."""
    try:
        if record:
            return services.ward_for_recording(request.auth, code)
        return services.ward_for_viewing(request.auth, code)
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from None


_INCIDENT_OUT_FIELDS = tuple(
    name
    for name in IncidentOut.model_fields
    if name not in {"ward_code", "patient", "interventions", "staff"}
)


def _minutes(start: dt.datetime, end: dt.datetime | None) -> int | None:
    return None if end is None else round((end - start).total_seconds() / 60)


def _incident_out(incident: UseOfForceIncident) -> IncidentOut:
    patient = incident.patient
    return IncidentOut(
        **{name: getattr(incident, name) for name in _INCIDENT_OUT_FIELDS},
        ward_code=incident.ward.code,
        patient=PatientOut(
            key=patient.key,
            **{name: getattr(patient, name) for name in services.CHARACTERISTICS},
        ),
        interventions=[
            InterventionOut(
                id=iv.pk,
                type_code=iv.type_code,
                type_label=iv.get_type_code_display(),
                started_at=iv.started_at,
                ended_at=iv.ended_at,
                minutes=_minutes(iv.started_at, iv.ended_at),
                in_care_plan=iv.in_care_plan,
                injury_patient=iv.injury_patient,
                injury_staff=iv.injury_staff,
                injury_other=iv.injury_other,
            )
            for iv in incident.interventions.order_by("started_at", "id")
        ],
        staff=[
            StaffOut(id=s.pk, job_title=s.job_title, role=s.role)
            for s in incident.staff.order_by("id")
        ],
    )


def _problems(errors: dict[str, list[str]]) -> NinjaValidationError:
    """Field-keyed problems in django-ninja's own 422 shape, so every 422 reads alike."""
    return NinjaValidationError(
        [
            {
                "loc": ["body", "payload", *(int(p) if p.isdigit() else p for p in key.split("."))],
                "msg": message,
                "type": "value_error",
            }
            for key, messages in errors.items()
            for message in messages
        ]
    )


def _screen(payload: IncidentIn) -> dict[str, list[str]]:
    """What cannot even be handed to the rules: text with NUL characters (PostgreSQL refuses
    them) and dates and times far outside any incident (they overflow time-zone arithmetic)."""
    problems: dict[str, list[str]] = {}

    def walk(value: Any, key: str) -> None:
        if isinstance(value, str) and "\x00" in value:
            problems[key] = ["This contains a NUL character, which is not allowed"]
        elif isinstance(value, dt.datetime | dt.date) and not 1990 <= value.year <= 2100:
            problems[key] = ["Enter a date between 1990 and 2100"]
        elif isinstance(value, dict):
            for name, item in value.items():
                walk(item, f"{key}.{name}" if key else name)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, f"{key}.{index}")

    walk(payload.dict(), "")
    return problems


def _in_utc(value: Any) -> Any:
    """Every date and time as an instant in UTC (a time without an offset is UK local time).
    Python compares two times of the same zone by their wall-clock reading, which is wrong
    across a clock change; in UTC the rules' "ends after it starts" agrees with the database."""
    if isinstance(value, dt.datetime):
        local = value if value.tzinfo else value.replace(tzinfo=local_zone())
        return local.astimezone(dt.UTC)
    if isinstance(value, dict):
        return {key: _in_utc(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_in_utc(item) for item in value]
    return value


# --- Routes -------------------------------------------------------------------------------------


@router.get(
    "/wards/{code}/incidents",
    response={200: IncidentPageOut, 403: ProblemOut, 404: ProblemOut},
    summary="A ward's use-of-force incidents, newest first (pseudonymous)",
)
def list_incidents(
    request: HttpRequest,
    code: str,
    page: int = Query(1, ge=1, le=100_000),
    page_size: int = Query(PAGE_SIZE, ge=1, le=200),
    status: Literal["", "draft", "submitted"] = Query("", description="Only this status"),
) -> IncidentPageOut:
    ward = _ward(request, code)
    incidents = services.incidents_for_ward(ward, status=status)
    count = incidents.count()
    start = (page - 1) * page_size
    items = [
        IncidentSummaryOut(
            id=i.pk,
            ward_code=ward.code,
            local_reference=i.local_reference,
            status=i.status,
            started_at=i.started_at,
            ended_at=i.ended_at,
            place=i.place,
            reason=i.reason,
            patient_key=i.patient.key,
            intervention_types=[iv.type_code for iv in i.interventions.all()],
            negligible_force=i.negligible_force,
        )
        for i in incidents[start : start + page_size]
    ]
    pages = max(1, -(-count // page_size))
    return IncidentPageOut(items=items, count=count, page=page, pages=pages)


@router.get(
    "/wards/{code}/incidents/{incident_id}",
    response={200: IncidentOut, 403: ProblemOut, 404: ProblemOut},
    summary="One use-of-force incident (pseudonymous)",
)
def get_incident(
    request: HttpRequest, code: str, incident_id: int = Path(..., ge=1, le=MAX_ID)
) -> IncidentOut:
    ward = _ward(request, code)
    return _incident_out(services.incident_for_ward(ward, incident_id))


@router.post(
    "/wards/{code}/incidents",
    response={201: IncidentOut, 403: ProblemOut, 404: ProblemOut, 422: ProblemOut},
    summary="Record a use-of-force incident (recording roles)",
)
def create_incident(request: HttpRequest, code: str, payload: IncidentIn) -> Status[IncidentOut]:
    ward = _ward(request, code, record=True)
    problems = _screen(payload)
    if problems:
        raise _problems(problems)
    data = _in_utc(payload.dict(exclude={"patient_identifier"}))
    data["patient"] = {k: v for k, v in data["patient"].items() if v not in ("", None)}
    try:
        with acting_as(request.auth):  # a token's owner, not the anonymous web actor
            incident = services.incident_create(
                actor_user_or_none=request.auth,
                ward=ward,
                patient_identifier=payload.patient_identifier,
                data=data,
            )
    except DjangoValidationError as exc:
        raise _problems(exc.message_dict) from None
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from None
    return Status(201, _incident_out(services.incident_for_ward(ward, incident.pk)))
