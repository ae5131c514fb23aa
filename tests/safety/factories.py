"""Safety records for tests, created as whoever the caller is acting as."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from mhsip.recording.codes import LegalStatus
from mhsip.recording.models import Patient
from mhsip.safety.codes import (
    AwolKind,
    AwolOutcome,
    Harm,
    LeaveStatus,
    PersonRole,
    SexualSafetyCategory,
)
from mhsip.safety.models import AwolIncident, InpatientDeath, SexualSafetyIncident

WHEN = timezone.make_aware(dt.datetime(2025, 3, 12, 14, 30))


def patient(ward, key="b" * 64):
    return Patient.objects.get_or_create(trust=ward.site.trust, key=key)[0]


def sexual_safety(ward, **extra):
    values = {
        "occurred_at": WHEN,
        "category": SexualSafetyCategory.VERBAL,
        "affected_role": PersonRole.STAFF,
        "perpetrator_role": PersonRole.PATIENT,
        "perpetrator_patient": patient(ward),
        "harm": Harm.LOW,
        **extra,
    }
    return SexualSafetyIncident.objects.create(ward=ward, **values)


def awol(ward, **extra):
    values = {
        "patient": patient(ward),
        "kind": AwolKind.FAILED_RETURN,
        "left_at": WHEN,
        "returned_at": WHEN + dt.timedelta(hours=5),
        "legal_status": LegalStatus.DETAINED,
        "outcome": AwolOutcome.RETURNED_SAFE,
        **extra,
    }
    return AwolIncident.objects.create(ward=ward, **values)


def death(ward, **extra):
    values = {
        "patient": patient(ward),
        "died_on": dt.date(2025, 3, 12),
        "status": LeaveStatus.AGREED_LEAVE,
        "suspected_suicide": True,
        "admitted_on": dt.date(2025, 3, 8),
        **extra,
    }
    return InpatientDeath.objects.create(ward=ward, **values)
