"""Identifiable fields, where a trust switches them on: kept apart, encrypted, and readable only
by that trust's recording roles (ADR 0005; Caldicott principle 4; domain brief §10).

Each trust has its own Fernet key (AES-128-CBC with HMAC-SHA256), derived from the deployment's
``IDENTITY_KEY`` with HKDF and the trust's ODS code, so one trust's ciphertext is unreadable with
another trust's key. Collaborative, analyst and network roles can never read identities:
:func:`can_read_identity` is the only gate, and every page, export and API route goes through it.
"""

from __future__ import annotations

import base64
from typing import Any

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError

from mhsip.accounts.roles import Role
from mhsip.organisations.models import Trust
from mhsip.recording.models import Patient, PatientIdentity, StaffIdentity, StaffInvolved


def validate_nhs_number(value: str) -> str:
    """Return the NHS number's ten digits, or raise ``ValidationError`` saying why.

    The check digit is the modulus 11 algorithm of the NHS Data Dictionary (NHS NUMBER):
    weights 10..2 on the first nine digits; 11 - (sum mod 11), 11 -> 0, 10 -> invalid.

    >>> validate_nhs_number("943 476 5919")
    '9434765919'
    >>> validate_nhs_number("9434765918")
    Traceback (most recent call last):
    ...
    django.core.exceptions.ValidationError: ['NHS number 9434765918 has a wrong check digit']
    """
    digits = "".join(ch for ch in value if not ch.isspace() and ch != "-")
    if len(digits) != 10 or not digits.isdigit():
        raise ValidationError("An NHS number is 10 digits")
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    if check == 10 or check != int(digits[9]):
        raise ValidationError(f"NHS number {digits} has a wrong check digit")
    return digits


def _fernet(trust: Trust) -> Fernet:
    key = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=b"mhsip-identity-v1",
        info=trust.ods_code.encode(),
    ).derive(settings.IDENTITY_KEY.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def can_read_identity(user: Any, trust: Trust) -> bool:
    """Only the trust's own ward staff, ward QI leads and trust lead, in identifiable mode."""
    if not (user.is_authenticated and user.is_active and trust.identifiable_mode):
        return False
    role = Role(user.role)
    if not role.sees_identifiers:
        return False
    if role.scoped_to_trust:
        return bool(user.trust_id == trust.pk)
    return bool(user.wards.filter(site__trust=trust).exists())


def store_patient_identity(patient: Patient, *, name: str, nhs_number: str) -> PatientIdentity:
    trust = patient.trust
    if not trust.identifiable_mode:
        raise PermissionDenied(f"{trust} does not keep identifiable data")
    fernet = _fernet(trust)
    identity, _ = PatientIdentity.objects.get_or_create(
        patient=patient,
        defaults={"name_encrypted": b"", "nhs_number_encrypted": b""},
    )
    identity.name_encrypted = fernet.encrypt(name.strip().encode())
    identity.nhs_number_encrypted = fernet.encrypt(validate_nhs_number(nhs_number).encode())
    identity.save()
    return identity


def read_patient_identity(user: Any, patient: Patient) -> dict[str, str] | None:
    """The patient's name and NHS number for a user allowed to read them, else ``None``."""
    if not can_read_identity(user, patient.trust):
        return None
    identity = PatientIdentity.objects.filter(patient=patient).first()
    if identity is None:
        return None
    fernet = _fernet(patient.trust)
    return {
        "name": fernet.decrypt(bytes(identity.name_encrypted)).decode(),
        "nhs_number": fernet.decrypt(bytes(identity.nhs_number_encrypted)).decode(),
    }


def store_staff_name(staff: StaffInvolved, name: str) -> StaffIdentity:
    trust = staff.incident.ward.site.trust
    if not trust.identifiable_mode:
        raise PermissionDenied(f"{trust} does not keep identifiable data")
    identity, _ = StaffIdentity.objects.get_or_create(staff=staff, defaults={"name_encrypted": b""})
    identity.name_encrypted = _fernet(trust).encrypt(name.strip().encode())
    identity.save()
    return identity


def read_staff_name(user: Any, staff: StaffInvolved) -> str | None:
    trust = staff.incident.ward.site.trust
    if not can_read_identity(user, trust):
        return None
    identity = StaffIdentity.objects.filter(staff=staff).first()
    if identity is None:
        return None
    return _fernet(trust).decrypt(bytes(identity.name_encrypted)).decode()
