"""Who may see and record safety records, and saving them with pseudonymous patient links.

Sexual-safety, AWOL and inpatient-death records are among the most sensitive the service holds:
only roles with ``Role.sees_safety_records`` may open them (ward staff, ward QI leads, trust
leads and collaborative admins, on wards in scope); only recording roles may write them
(ADR 0003). A patient is linked by the pseudonymous key of a local identifier (ADR 0005); the
identifier itself is never stored.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction

from mhsip.accounts.roles import Role
from mhsip.organisations.access import get_ward_or_404
from mhsip.organisations.models import Ward
from mhsip.recording.codes import RecordStatus
from mhsip.recording.models import Patient
from mhsip.recording.pseudonyms import patient_key
from mhsip.safety.codes import PersonRole


def may_see_safety_records(user: Any) -> bool:
    return bool(
        user.is_authenticated and (user.is_superuser or Role(user.role).sees_safety_records)
    )


def may_record(user: Any) -> bool:
    return bool(user.is_superuser or Role(user.role).can_record)


def safety_ward_or_404(user: Any, code: str, *, recording: bool = False) -> Ward:
    """The ward, if the user's role may see safety records (else 403, whatever the ward, so
    nothing leaks) and the ward is in scope (else 404); with ``recording``, the role must also
    be able to record (else 403)."""
    if not may_see_safety_records(user):
        raise PermissionDenied("Your role does not include sexual-safety, AWOL or death records.")
    ward = get_ward_or_404(user, code)
    if recording and not may_record(user):
        raise PermissionDenied("Your role can read these records but not change them.")
    return ward


def patient_for(ward: Ward, local_identifier: str) -> Patient:
    """The trust's patient with the pseudonymous key of ``local_identifier``, created if new."""
    trust = ward.site.trust
    key = patient_key(trust.ods_code, local_identifier)
    patient, _ = Patient.objects.get_or_create(trust=trust, key=key)
    return patient


@transaction.atomic
def save_record(form: Any, *, submit: bool = False, reason: str = "") -> models.Model:
    """Save a valid safety form's record on the form's ward, linking patients from local
    identifiers. ``submit`` marks a draft submitted (only for records with a
    :class:`~mhsip.recording.codes.RecordStatus`). Edits carry ``reason`` into the audit log."""
    record = form.save(commit=False)
    record.ward = form.ward
    for identifier_field, (fk, role_field) in form.identifier_fields.items():
        identifier = form.cleaned_data.get(identifier_field, "")
        if role_field and getattr(record, role_field) != PersonRole.PATIENT:
            setattr(record, fk, None)
        elif identifier:
            setattr(record, fk, patient_for(form.ward, identifier))
    if submit:
        record.status = RecordStatus.SUBMITTED
    record.save(audit_reason=reason)
    return record
