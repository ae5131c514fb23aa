"""The safety app's API routes (django-ninja Router), mounted by mhsip.api.

Read-only lists of a ward's sexual-safety, AWOL and inpatient-death records, with the same
restricted visibility as the pages: roles without ``Role.sees_safety_records`` get 403 whatever
the ward; a ward outside the caller's scope is 404. Patients appear only as pseudonymous keys.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from mhsip.organisations.models import Ward
from mhsip.safety.models import AwolIncident, InpatientDeath, SexualSafetyIncident
from mhsip.safety.services import safety_ward_or_404

router = Router(tags=["safety"])
MAX_LIMIT = 1000
MAX_OFFSET = 1_000_000


class SexualSafetyOut(Schema):
    id: int
    local_reference: str
    status: str
    occurred_at: dt.datetime
    category: str
    affected_role: str
    affected_patient_key: str | None
    perpetrator_role: str  # alleged
    perpetrator_patient_key: str | None
    harm: str
    police_informed: bool
    safeguarding_referral: bool


class AwolOut(Schema):
    id: int
    local_reference: str
    status: str
    patient_key: str
    kind: str
    left_at: dt.datetime
    returned_at: dt.datetime | None
    legal_status: str
    outcome: str
    police_informed: bool


class InpatientDeathOut(Schema):
    id: int
    patient_key: str
    died_on: dt.date
    status: str  # on_ward, agreed_leave or awol (NCISH)
    suspected_suicide: bool
    legal_status: str
    observation_level: str
    admitted_on: dt.date | None
    days_since_admission: int | None


def _ward(request: HttpRequest, code: str) -> Ward:
    try:
        return safety_ward_or_404(request.auth, code)
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from None


def _key(patient: object) -> str | None:
    return None if patient is None else patient.key  # type: ignore[attr-defined]


@router.get(
    "/wards/{code}/sexual-safety",
    response=list[SexualSafetyOut],
    summary="A ward's sexual-safety incidents, newest first (restricted)",
)
def list_sexual_safety(
    request: HttpRequest, code: str, limit: int = 200, offset: int = 0
) -> list[SexualSafetyOut]:
    ward = _ward(request, code)
    records = SexualSafetyIncident.objects.filter(ward=ward).select_related(
        "affected_patient", "perpetrator_patient"
    )
    return [
        SexualSafetyOut(
            id=r.pk,
            local_reference=r.local_reference,
            status=r.status,
            occurred_at=r.occurred_at,
            category=r.category,
            affected_role=r.affected_role,
            affected_patient_key=_key(r.affected_patient),
            perpetrator_role=r.perpetrator_role,
            perpetrator_patient_key=_key(r.perpetrator_patient),
            harm=r.harm,
            police_informed=r.police_informed,
            safeguarding_referral=r.safeguarding_referral,
        )
        for r in _page(records.order_by("-occurred_at", "-pk"), limit, offset)
    ]


@router.get(
    "/wards/{code}/awol",
    response=list[AwolOut],
    summary="A ward's AWOL and leave incidents, newest first (restricted)",
)
def list_awol(request: HttpRequest, code: str, limit: int = 200, offset: int = 0) -> list[AwolOut]:
    ward = _ward(request, code)
    records = AwolIncident.objects.filter(ward=ward).select_related("patient")
    return [
        AwolOut(
            id=r.pk,
            local_reference=r.local_reference,
            status=r.status,
            patient_key=r.patient.key,
            kind=r.kind,
            left_at=r.left_at,
            returned_at=r.returned_at,
            legal_status=r.legal_status,
            outcome=r.outcome,
            police_informed=r.police_informed,
        )
        for r in _page(records.order_by("-left_at", "-pk"), limit, offset)
    ]


@router.get(
    "/wards/{code}/deaths",
    response=list[InpatientDeathOut],
    summary="A ward's inpatient deaths, newest first (restricted)",
)
def list_deaths(
    request: HttpRequest, code: str, limit: int = 200, offset: int = 0
) -> list[InpatientDeathOut]:
    ward = _ward(request, code)
    records = InpatientDeath.objects.filter(ward=ward).select_related("patient")
    return [
        InpatientDeathOut(
            id=r.pk,
            patient_key=r.patient.key,
            died_on=r.died_on,
            status=r.status,
            suspected_suicide=r.suspected_suicide,
            legal_status=r.legal_status,
            observation_level=r.observation_level,
            admitted_on=r.admitted_on,
            days_since_admission=r.days_since_admission,
        )
        for r in _page(records.order_by("-died_on", "-pk"), limit, offset)
    ]


def _page(records: QuerySet[Any], limit: int, offset: int) -> QuerySet[Any]:
    if not (1 <= limit <= MAX_LIMIT and 0 <= offset <= MAX_OFFSET):
        raise HttpError(422, f"limit must be 1 to {MAX_LIMIT} and offset 0 to {MAX_OFFSET:,}")
    return records[offset : offset + limit]
