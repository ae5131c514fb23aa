"""Use-of-force records: who may record, validation against the Act, create and correct, export.

Plain functions, callable from the web forms, the API and the importer alike. Each takes plain
data (a ``dict`` of Python values or ISO 8601 strings), validates all of it, and either writes
everything in one transaction or raises a :class:`~django.core.exceptions.ValidationError` whose
``message_dict`` is keyed by field (``"reason"``, ``"patient.autism"``,
``"interventions.1.ended_at"``), so nothing is ever half-written.

Sources of the rules:

- Mental Health Units (Use of Force) Act 2018 s.6(5)(a)-(p): the items every record must hold
  (domain brief §1.3); s.6(2)-(3): negligible force, allowed here only with a justification;
  s.6(6): records are kept three years from when they were made, so they are corrected, never
  deleted (:class:`~mhsip.recording.models.RetentionError`).
- MHSDS v5+ MHS505 / MHS515 (domain brief §2.1-2.3): reason and type codes, start and end dates
  and times of the incident and of each type, injuries Y/N, post-incident reviews.
- ADR 0005: patients are pseudonymous keys; the local identifier is turned into the key here, at
  the boundary, and never stored. Identifiable fields go only to :mod:`mhsip.recording.identity`.

A draft needs only a ward, a patient and a start (plus valid values wherever something is given);
a submitted record needs every s.6(5) item except where it does not apply.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from mhsip.accounts.roles import Role
from mhsip.audit.log import record
from mhsip.audit.models import Action, AuditLog
from mhsip.organisations.access import get_ward_or_404, visible_wards
from mhsip.organisations.models import Ward
from mhsip.recording import identity
from mhsip.recording.codes import (
    ETHNIC_CATEGORIES,
    HISTORIC_TYPE_CODES,
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
from mhsip.recording.models import (
    Intervention,
    Patient,
    PatientIdentity,
    StaffIdentity,
    StaffInvolved,
    Stay,
    UseOfForceIncident,
)
from mhsip.recording.pseudonyms import patient_key

# Isolation may still be going on when the record is submitted (MHSDS counts open seclusion and
# segregation episodes, domain brief §2.4), so these types may be submitted without an end.
ONGOING_ALLOWED = frozenset({InterventionType.SECLUSION.value, InterventionType.SEGREGATION.value})
YES_NO_NOT_KNOWN = (YesNoUnknown.YES, YesNoUnknown.NO, YesNoUnknown.NOT_KNOWN)
MAX_ROWS = 50
IDENTIFIER_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 /-]{0,49}$")
FUTURE_TOLERANCE = dt.timedelta(minutes=10)  # clocks on ward PCs drift

# Patient characteristics (Act s.6(5)(j)-(l)): field -> allowed values (None: free text / year).
CHARACTERISTICS: dict[str, Sequence[str] | None] = {
    "ethnicity": tuple(ETHNIC_CATEGORIES),
    "sex": tuple(Sex.values),
    "birth_year": None,
    "learning_disability": tuple(YesNoUnknown.values),
    "autism": tuple(YesNoUnknown.values),
    "mental_disorder": None,
    "gender_reassignment": tuple(YesNoUnknown.values),
    "religion": tuple(Religion.values),
    "sexual_orientation": tuple(SexualOrientation.values),
    "disability": tuple(YesNoUnknown.values),
    "pregnancy": tuple(YesNoUnknown.values),
}


# --- Who may see and record (ADR 0003) -------------------------------------------------------


def _role(user: Any) -> Role | None:
    try:
        return Role(user.role)
    except (AttributeError, ValueError):
        return None


def may_view_records(user: Any) -> bool:
    """Roles that open individual (pseudonymised) records: everyone but network members."""
    role = _role(user)
    return bool(user.is_authenticated and (user.is_superuser or (role and role.sees_patient_level)))


def may_record(user: Any) -> bool:
    """Ward staff, ward QI leads and trust leads create and correct records (Role.can_record)."""
    role = _role(user)
    return bool(user.is_authenticated and role is not None and role.can_record)


def ward_for_viewing(user: Any, code: str) -> Ward:
    """The ward, if ``user`` may see its individual records: 403 for roles that never see
    patient-level data (network members), 404 for a ward outside the user's scope."""
    if not may_view_records(user):
        raise PermissionDenied("Your role does not include individual records.")
    return get_ward_or_404(user, code)


def ward_for_recording(user: Any, code: str) -> Ward:
    """The ward, if ``user`` may record on it: as :func:`ward_for_viewing`, then 403 for the
    read-only roles (collaborative admin, analyst)."""
    ward = ward_for_viewing(user, code)
    if not may_record(user):
        raise PermissionDenied("Your role can view records but not create or correct them.")
    return ward


def _check_may_record(user: Any, ward: Ward) -> None:
    """``user`` is ``None`` for system processes (imports), which run under ``acting_as``."""
    if user is None:
        return
    if not may_record(user) or not visible_wards(user).filter(pk=ward.pk).exists():
        raise PermissionDenied(f"{user} may not record use of force on {ward}.")


def incidents_for_ward(ward: Ward, *, status: str = "") -> QuerySet[UseOfForceIncident]:
    """The ward's records, newest first, with their interventions (one extra query)."""
    incidents = (
        UseOfForceIncident.objects.filter(ward=ward)
        .select_related("patient")
        .prefetch_related(Prefetch("interventions", queryset=Intervention.objects.order_by("id")))
        .order_by("-started_at", "-id")
    )
    if status in RecordStatus.values:
        incidents = incidents.filter(status=status)
    return incidents


def incident_for_ward(ward: Ward, pk: int) -> UseOfForceIncident:
    """One record of ``ward``; 404 if it belongs to another ward."""
    try:
        return (
            UseOfForceIncident.objects.select_related("patient__trust", "ward__site__trust")
            .prefetch_related("interventions", "staff")
            .get(ward=ward, pk=pk)
        )
    except UseOfForceIncident.DoesNotExist:
        raise Http404("No such record") from None


# --- Cleaning plain data ----------------------------------------------------------------------


@dataclass
class Cleaned:
    """Validated, typed values ready to write."""

    key: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    patient: dict[str, Any] = field(default_factory=dict)
    patient_name: str = ""
    nhs_number: str = ""
    interventions: list[dict[str, Any]] = field(default_factory=list)
    staff: list[dict[str, Any]] = field(default_factory=list)
    submit: bool = False


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _parse_datetime(value: Any) -> dt.datetime | None:
    """An aware datetime from a datetime or ISO 8601 string; naive values are local time."""
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.get_current_timezone())
    # Compare in UTC: two aware datetimes sharing a zone compare by wall clock in Python, so an
    # incident across the spring clock change would pass here and fail the database check.
    return parsed.astimezone(dt.UTC)


def _parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


class _Cleaner:
    """Collects every problem with one record's data, keyed by field, in one pass."""

    def __init__(
        self,
        data: Mapping[str, Any],
        *,
        ward: Ward,
        incident: UseOfForceIncident | None,
        actor: Any,
    ) -> None:
        self.data = data
        self.ward = ward
        self.trust = ward.site.trust
        self.incident = incident
        self.actor = actor
        self.errors: dict[str, list[str]] = {}
        self.out = Cleaned()

    def add(self, key: str, message: str) -> None:
        self.errors.setdefault(key, []).append(message)

    # Small typed readers ---------------------------------------------------------------------
    def text(self, source: Mapping[str, Any], key: str, err_key: str, max_length: int) -> str:
        value = source.get(key)
        if value is None:
            return ""
        if not isinstance(value, str):
            value = str(value)
        value = value.strip()
        if len(value) > max_length:
            self.add(err_key, f"This must be {max_length:,} characters or fewer")
        return value

    def choice(
        self,
        source: Mapping[str, Any],
        key: str,
        err_key: str,
        allowed: Iterable[str],
        *,
        required: bool,
        missing: str,
    ) -> str:
        """The chosen code ('' when missing). A missing answer is an error only if required;
        a wrong code is always an error, naming the allowed codes."""
        value = source.get(key)
        if _blank(value):
            if required:
                self.add(err_key, missing)
            return ""
        value = str(value).strip()
        allowed = [str(a) for a in allowed]
        if value not in allowed:
            self.add(
                err_key, f"'{value}' is not an allowed answer: use one of {', '.join(allowed)}"
            )
            return ""
        return value

    def when(
        self, source: Mapping[str, Any], key: str, err_key: str, *, required: bool, missing: str
    ) -> dt.datetime | None:
        value = source.get(key)
        if _blank(value):
            if required:
                self.add(err_key, missing)
            return None
        parsed = _parse_datetime(value)
        if parsed is None:
            self.add(err_key, "Enter a real date and time, like 2025-03-14T14:35")
        return parsed

    def day(self, source: Mapping[str, Any], key: str, err_key: str) -> dt.date | None:
        value = source.get(key)
        if _blank(value):
            return None
        parsed = _parse_date(value)
        if parsed is None:
            self.add(err_key, "Enter a real date, like 2025-03-14")
        return parsed

    # The record ------------------------------------------------------------------------------
    def run(self, identifier: str | None) -> Cleaned:
        data, out = self.data, self.out
        status = data.get("status") or RecordStatus.DRAFT
        if status not in RecordStatus.values:
            self.add("status", "Status must be 'draft' or 'submitted'")
        if (
            self.incident is not None
            and self.incident.status == RecordStatus.SUBMITTED
            and status == RecordStatus.DRAFT
            and "status" in data
        ):
            self.add("status", "A submitted record cannot go back to draft; correct it instead")
        out.submit = status == RecordStatus.SUBMITTED or (
            self.incident is not None and self.incident.status == RecordStatus.SUBMITTED
        )
        self.patient_from(identifier)
        self.incident_fields()
        self.interventions_from()
        self.staff_from()
        return out

    def patient_from(self, identifier: str | None) -> None:
        out, submit = self.out, self.out.submit
        if identifier is not None and not _blank(identifier):
            identifier = identifier.strip()
            if not IDENTIFIER_RE.match(identifier):
                self.add(
                    "patient_identifier",
                    "A hospital number can only include letters, numbers, spaces, hyphens and "
                    "slashes, up to 50 characters",
                )
            else:
                out.key = patient_key(self.trust.ods_code, identifier)
        elif self.incident is None:
            self.add("patient_identifier", "Enter the patient's hospital number")
        source = self.data.get("patient") or {}
        if not isinstance(source, Mapping):
            self.add("patient", "Patient details must be an object")
            source = {}
        for name, allowed in CHARACTERISTICS.items():
            err_key = f"patient.{name}"
            if name == "birth_year":
                year = source.get(name)
                if _blank(year):
                    continue
                try:
                    number = int(str(year).strip())
                except ValueError:
                    number = -1
                this_year = timezone.localdate().year
                if not 1900 <= number <= this_year:
                    self.add(err_key, f"Year of birth must be between 1900 and {this_year}")
                else:
                    out.patient[name] = number
            elif name == "mental_disorder":
                if name in source:
                    out.patient[name] = self.text(source, name, err_key, 200)
            else:
                assert allowed is not None
                value = source.get(name)
                if name == "ethnicity" and isinstance(value, str):
                    value = value.strip().upper()
                    source = {**source, name: value}
                code = self.choice(source, name, err_key, allowed, required=False, missing="")
                if code:
                    out.patient[name] = code
        # s.6(5)(l): whether the patient has a learning disability or is autistic - no "if
        # known" in the Act, so a submitted record needs an answer ("Not known" is one).
        if submit:
            held = self.incident.patient if self.incident is not None and not out.key else None
            for name, question in (
                ("learning_disability", "Select whether the patient has a learning disability"),
                ("autism", "Select whether the patient is autistic"),
            ):
                if (
                    name not in out.patient
                    and held is None
                    and f"patient.{name}" not in self.errors
                ):
                    self.add(f"patient.{name}", question)
        self.identity_from(source)

    def identity_from(self, source: Mapping[str, Any]) -> None:
        """Name and NHS number (s.6(5)(e), (g)): only in the trust's identifiable mode, only by
        someone allowed to read them; required on submit unless already held."""
        out = self.out
        name = self.text(source, "name", "patient.name", 200)
        nhs = source.get("nhs_number")
        nhs = "" if _blank(nhs) else str(nhs).strip()
        if not self.trust.identifiable_mode:
            if name or nhs:
                self.add(
                    "patient.nhs_number" if nhs else "patient.name",
                    "This trust does not keep patients' names or NHS numbers in MHSIP",
                )
            return
        if (
            (name or nhs)
            and self.actor is not None
            and not identity.can_read_identity(self.actor, self.trust)
        ):
            self.add("patient.name", "Your role may not record patients' names or NHS numbers")
            return
        if nhs:
            try:
                out.nhs_number = identity.validate_nhs_number(nhs)
            except ValidationError as error:
                self.add(
                    "patient.nhs_number",
                    "Enter the NHS number as 10 digits"
                    if "10 digits" in error.messages[0]
                    else "The NHS number's check digit is wrong: check it was copied correctly",
                )
        out.patient_name = name
        held = self._held_identity()
        if (name and not nhs and not held) or (nhs and not name and not held):
            self.add(
                "patient.nhs_number" if name else "patient.name",
                "Enter both the patient's name and NHS number",
            )
        elif out.submit and not held and not (name and nhs):
            self.add("patient.name", "Enter the patient's name")
            self.add("patient.nhs_number", "Enter the patient's NHS number")

    def _held_identity(self) -> bool:
        if self.out.key:
            return PatientIdentity.objects.filter(
                patient__trust=self.trust, patient__key=self.out.key
            ).exists()
        if self.incident is not None:
            return PatientIdentity.objects.filter(patient=self.incident.patient_id).exists()
        return False

    def incident_fields(self) -> None:
        data, out, submit = self.data, self.out, self.out.submit
        f = out.fields
        f["local_reference"] = self.text(data, "local_reference", "local_reference", 50)
        if f["local_reference"]:
            clash = UseOfForceIncident.objects.filter(
                ward=self.ward, local_reference=f["local_reference"]
            )
            if self.incident is not None:
                clash = clash.exclude(pk=self.incident.pk)
            if clash.exists():
                self.add(
                    "local_reference",
                    f"Another record on this ward already has incident reference "
                    f"{f['local_reference']}",
                )
        # (b) place, date and duration
        start = self.when(
            data,
            "started_at",
            "started_at",
            required=True,
            missing="Enter the date and time the incident started",
        )
        f["started_at"] = start
        now = timezone.now()
        if start is not None:
            if start > now + FUTURE_TOLERANCE:
                self.add("started_at", "The incident start cannot be in the future")
            if timezone.localdate(start) < self.ward.active_from:
                self.add(
                    "started_at",
                    f"{self.ward} opened on {self.ward.active_from.day} "
                    f"{self.ward.active_from:%B %Y}: check the date",
                )
        end = self.when(data, "ended_at", "ended_at", required=False, missing="")
        f["ended_at"] = end
        if end is not None and start is not None and end < start:
            self.add(
                "ended_at",
                "The incident must end after it started. If it ended the next day, enter the "
                "end date",
            )
        if end is not None and end > now + FUTURE_TOLERANCE:
            self.add("ended_at", "The incident end cannot be in the future")
        f["place"] = self.choice(
            data,
            "place",
            "place",
            Place.values,
            required=submit,
            missing="Select where the incident happened",
        )
        f["place_detail"] = self.text(data, "place_detail", "place_detail", 200)
        if submit and f["place"] == Place.OTHER and not f["place_detail"]:
            self.add("place_detail", "Describe where the incident happened")
        # (a) reason
        f["reason"] = self.choice(
            data,
            "reason",
            "reason",
            InterventionReason.values,
            required=submit,
            missing="Select the reason force was used",
        )
        f["reason_detail"] = self.text(data, "reason_detail", "reason_detail", 5000)
        if submit and f["reason"] == InterventionReason.OTHER and not f["reason_detail"]:
            self.add("reason_detail", "Describe the reason force was used")
        # (f) how force was used; (m) outcome
        f["how_force_used"] = self.text(data, "how_force_used", "how_force_used", 10000)
        if submit and not f["how_force_used"]:
            self.add("how_force_used", "Describe how force was used")
        f["outcome"] = self.text(data, "outcome", "outcome", 10000)
        if submit and not f["outcome"]:
            self.add("outcome", "Describe the outcome")
        # (o) efforts to avoid force
        codes = data.get("de_escalation") or []
        if isinstance(codes, str):
            codes = [codes]
        chosen: list[str] = []
        for code in codes:
            code = str(code).strip()
            if code not in DeEscalation.values:
                self.add("de_escalation", f"'{code}' is not an effort on the list")
            elif code not in chosen:
                chosen.append(code)
        f["de_escalation"] = [c for c in DeEscalation.values if c in chosen]
        f["de_escalation_detail"] = self.text(
            data, "de_escalation_detail", "de_escalation_detail", 10000
        )
        if DeEscalation.NONE_POSSIBLE in chosen and len(chosen) > 1:
            self.add(
                "de_escalation",
                "'None possible' cannot be selected together with efforts that were made",
            )
        if submit and not chosen and not f["de_escalation_detail"]:
            self.add(
                "de_escalation", "Select the efforts made to avoid using force, or describe them"
            )
        if submit and DeEscalation.OTHER in chosen and not f["de_escalation_detail"]:
            self.add("de_escalation_detail", "Describe the other efforts made to avoid force")
        # (n) death or serious injury
        f["death_or_serious_injury"] = self.choice(
            data,
            "death_or_serious_injury",
            "death_or_serious_injury",
            YES_NO_NOT_KNOWN,
            required=submit,
            missing="Select whether the patient died or was seriously injured",
        )
        f["death_or_serious_injury_detail"] = self.text(
            data, "death_or_serious_injury_detail", "death_or_serious_injury_detail", 10000
        )
        if (
            submit
            and f["death_or_serious_injury"] == "yes"
            and not f["death_or_serious_injury_detail"]
        ):
            self.add("death_or_serious_injury_detail", "Describe the death or serious injury")
        # (i) people other than unit staff
        f["non_staff_involvement"] = self.choice(
            data,
            "non_staff_involvement",
            "non_staff_involvement",
            NonStaffInvolvement.values,
            required=submit,
            missing="Select whether anyone other than unit staff was involved",
        )
        f["non_staff_reason"] = self.text(data, "non_staff_reason", "non_staff_reason", 5000)
        if (
            submit
            and f["non_staff_involvement"]
            in {NonStaffInvolvement.POLICE, NonStaffInvolvement.OTHER}
            and not f["non_staff_reason"]
        ):
            self.add("non_staff_reason", "Say why the police or other people were involved")
        f["body_camera_reference"] = self.text(
            data, "body_camera_reference", "body_camera_reference", 100
        )
        # (p) care-plan notification
        f["care_plan_notification"] = self.choice(
            data,
            "care_plan_notification",
            "care_plan_notification",
            YesNoNotApplicable.values,
            required=submit,
            missing="Select whether the people named in the care plan were told",
        )
        self.reviews()
        # s.6(2)-(3): negligible force only with a justification
        f["negligible_force"] = bool(data.get("negligible_force"))
        f["negligible_justification"] = self.text(
            data, "negligible_justification", "negligible_justification", 5000
        )
        if f["negligible_force"] and not f["negligible_justification"]:
            self.add("negligible_justification", "Explain why the force was negligible")

    def reviews(self) -> None:
        """Post-incident reviews (MHS505 RestrictiveIntPIReviewHeldPat, ...NotHeldReasPat,
        ...HeldCarePers): held Y/N, when, and why not."""
        data, f, submit = self.data, self.out.fields, self.out.submit
        start = f.get("started_at")
        today = timezone.localdate()
        for who, label in (("patient", "the patient"), ("staff", "staff")):
            held_key, on_key = f"review_with_{who}_held", f"review_with_{who}_on"
            held = self.choice(
                data,
                held_key,
                held_key,
                YES_NO_NOT_KNOWN,
                required=submit,
                missing=f"Select whether a post-incident review was held with {label}",
            )
            on = self.day(data, on_key, on_key)
            on = on if held == "yes" else None  # a date means nothing unless it was held
            f[held_key], f[on_key] = held, on
            if held == "yes" and on is None and submit and on_key not in self.errors:
                self.add(on_key, f"Enter the date of the review with {label}")
            if held == "yes" and on is not None:
                if on > today:
                    self.add(on_key, f"The review with {label} cannot be in the future")
                elif start is not None and on < timezone.localdate(start):
                    self.add(on_key, f"The review with {label} cannot be before the incident")
        reason = self.choice(
            data,
            "review_with_patient_not_held_reason",
            "review_with_patient_not_held_reason",
            ReviewNotHeldReason.values,
            required=False,
            missing="",
        )
        f["review_with_patient_not_held_reason"] = (
            reason if f["review_with_patient_held"] == "no" else ""
        )
        if submit and f["review_with_patient_held"] == "no" and not reason:
            self.add(
                "review_with_patient_not_held_reason",
                "Select why a review with the patient was not held",
            )
        staff_reason = self.text(
            data,
            "review_with_staff_not_held_reason",
            "review_with_staff_not_held_reason",
            200,
        )
        f["review_with_staff_not_held_reason"] = (
            staff_reason if f["review_with_staff_held"] == "no" else ""
        )
        if submit and f["review_with_staff_held"] == "no" and not staff_reason:
            self.add(
                "review_with_staff_not_held_reason",
                "Say why a review with the staff involved was not held",
            )

    def interventions_from(self) -> None:
        """(c) types of force and (d) whether each was in the care plan; MHS515 rows."""
        out, submit, f = self.out, self.out.submit, self.out.fields
        rows = self.data.get("interventions") or []
        if not isinstance(rows, Sequence) or isinstance(rows, str):
            self.add("interventions", "Interventions must be a list")
            return
        if len(rows) > MAX_ROWS:
            self.add("interventions", f"A record can hold up to {MAX_ROWS} interventions")
            return
        existing = (
            set(self.incident.interventions.values_list("pk", flat=True))
            if self.incident is not None
            else set()
        )
        start, end = f.get("started_at"), f.get("ended_at")
        any_ongoing = False
        for index, row in enumerate(rows):
            n, key = index + 1, f"interventions.{index}"
            if not isinstance(row, Mapping):
                self.add(key, f"Intervention {n} must be an object")
                continue
            clean: dict[str, Any] = {"id": None}
            if row.get("id") not in (None, ""):
                try:
                    clean["id"] = int(row["id"])
                except (TypeError, ValueError):
                    clean["id"] = -1
                if clean["id"] not in existing:
                    self.add(f"{key}.id", f"Intervention {n} is not part of this record")
            code = row.get("type_code")
            code = "" if _blank(code) else str(code).strip().zfill(2)
            if not code:
                self.add(f"{key}.type_code", f"Select the type of force used in intervention {n}")
            elif code in HISTORIC_TYPE_CODES:
                self.add(
                    f"{key}.type_code",
                    f"Intervention {n}: type {code} is from the old MHSDS v4 list and is not used "
                    "for new records",
                )
            elif code not in InterventionType.values:
                self.add(
                    f"{key}.type_code",
                    f"Intervention {n}: '{code}' is not an MHSDS restrictive intervention type",
                )
            clean["type_code"] = code
            iv_start = self.when(
                row,
                "started_at",
                f"{key}.started_at",
                required=True,
                missing=f"Enter the time intervention {n} started",
            )
            iv_end = self.when(
                row,
                "ended_at",
                f"{key}.ended_at",
                required=submit and code not in ONGOING_ALLOWED,
                missing=f"Enter the time intervention {n} ended",
            )
            clean["started_at"], clean["ended_at"] = iv_start, iv_end
            if iv_start is not None and iv_end is not None and iv_end < iv_start:
                self.add(
                    f"{key}.ended_at",
                    f"Intervention {n} must end after it started. If it ended the next day, "
                    "enter the end date",
                )
            if iv_start is not None and start is not None and iv_start < start:
                self.add(
                    f"{key}.started_at",
                    f"Intervention {n} starts before the incident started. If it started the "
                    "next day, enter its date",
                )
            if iv_end is not None and end is not None and iv_end > end:
                self.add(
                    f"{key}.ended_at",
                    f"Intervention {n} ends after the incident ended: correct one of the two times",
                )
            if iv_end is None and iv_start is not None:
                any_ongoing = True
                if end is not None and submit and f"{key}.ended_at" not in self.errors:
                    self.add(
                        f"{key}.ended_at",
                        f"Intervention {n} has no end, so the incident cannot have ended: enter "
                        f"when intervention {n} ended, or leave the incident's end blank",
                    )
            for name, question in (
                ("in_care_plan", f"Select whether intervention {n} was part of the care plan"),
                ("injury_patient", f"Select whether the patient was injured in intervention {n}"),
                ("injury_staff", f"Select whether staff were injured in intervention {n}"),
                ("injury_other", f"Select whether anyone else was injured in intervention {n}"),
            ):
                clean[name] = self.choice(
                    row,
                    name,
                    f"{key}.{name}",
                    YES_NO_NOT_KNOWN,
                    required=submit,
                    missing=question,
                )
            out.interventions.append(clean)
        if submit and not out.interventions:
            self.add("interventions", "Add at least one type of force that was used")
        if submit and end is None and "ended_at" not in self.errors and not any_ongoing:
            self.add("ended_at", "Enter the date and time the incident ended")

    def staff_from(self) -> None:
        """(h) the job title (and, in identifiable mode, name) of every member of staff."""
        out, submit = self.out, self.out.submit
        rows = self.data.get("staff") or []
        if not isinstance(rows, Sequence) or isinstance(rows, str):
            self.add("staff", "Staff must be a list")
            return
        if len(rows) > MAX_ROWS:
            self.add("staff", f"A record can hold up to {MAX_ROWS} members of staff")
            return
        existing = {s.pk: s for s in self.incident.staff.all()} if self.incident is not None else {}
        named: set[int] = set()  # a new record needs no query (imports clean 100,000 of them)
        if existing:
            held = StaffIdentity.objects.filter(staff__in=list(existing))
            named = set(held.values_list("staff", flat=True))
        names_allowed = self.trust.identifiable_mode and (
            self.actor is None or identity.can_read_identity(self.actor, self.trust)
        )
        for index, row in enumerate(rows):
            n, key = index + 1, f"staff.{index}"
            if not isinstance(row, Mapping):
                self.add(key, f"Staff member {n} must be an object")
                continue
            clean: dict[str, Any] = {"id": None}
            if row.get("id") not in (None, ""):
                try:
                    clean["id"] = int(row["id"])
                except (TypeError, ValueError):
                    clean["id"] = -1
                if clean["id"] not in existing:
                    self.add(f"{key}.id", f"Staff member {n} is not part of this record")
            clean["job_title"] = self.text(row, "job_title", f"{key}.job_title", 100)
            if not clean["job_title"]:
                self.add(f"{key}.job_title", f"Enter the job title of staff member {n}")
            clean["role"] = self.choice(
                row,
                "role",
                f"{key}.role",
                StaffRole.values,
                required=submit,
                missing=f"Select the role of staff member {n}",
            )
            clean["name"] = self.text(row, "name", f"{key}.name", 200)
            if clean["name"] and not names_allowed:
                self.add(
                    f"{key}.name",
                    "This trust does not keep staff names in MHSIP"
                    if not self.trust.identifiable_mode
                    else "Your role may not record staff names",
                )
            elif submit and names_allowed and not clean["name"] and clean["id"] not in named:
                self.add(f"{key}.name", f"Enter the name of staff member {n}")
            out.staff.append(clean)
        if submit and not out.staff:
            self.add("staff", "Add the job title of each member of staff who used force")


def incident_errors(
    data: Mapping[str, Any],
    *,
    ward: Ward,
    patient_identifier: str | None,
    incident: UseOfForceIncident | None = None,
    actor_user_or_none: Any = None,
    reason: str = "",
) -> dict[str, list[str]]:
    """Every problem with ``data``, keyed by field; empty when it may be saved. Writes nothing
    (for dry runs and forms). ``data["status"] == "submitted"`` asks for the full Act check;
    correcting a submitted ``incident`` needs a ``reason``."""
    cleaner = _Cleaner(data, ward=ward, incident=incident, actor=actor_user_or_none)
    cleaner.run(patient_identifier)
    if incident is not None and incident.status == RecordStatus.SUBMITTED and not reason.strip():
        cleaner.add("correction_reason", "Give a reason for this correction")
    return cleaner.errors


def _clean_or_raise(
    data: Mapping[str, Any],
    *,
    ward: Ward,
    identifier: str | None,
    incident: UseOfForceIncident | None,
    actor: Any,
    reason: str = "",
) -> Cleaned:
    cleaner = _Cleaner(data, ward=ward, incident=incident, actor=actor)
    cleaned = cleaner.run(identifier)
    if incident is not None and incident.status == RecordStatus.SUBMITTED and not reason:
        cleaner.add("correction_reason", "Give a reason for this correction")
    if cleaner.errors:
        raise ValidationError(cleaner.errors)
    return cleaned


# --- Writing ----------------------------------------------------------------------------------


def _store_identity_if_changed(patient: Patient, name: str, nhs_number: str, reason: str) -> None:
    """Encrypt only when the values differ: Fernet tokens are random, so re-storing the same
    values would fill the audit log with empty-looking changes."""
    if not (name and nhs_number):
        return
    current = PatientIdentity.objects.filter(patient=patient).first()
    if current is not None:
        fernet = identity._fernet(patient.trust)
        same = (
            fernet.decrypt(bytes(current.name_encrypted)).decode() == name
            and fernet.decrypt(bytes(current.nhs_number_encrypted)).decode() == nhs_number
        )
        if same:
            return
    identity.store_patient_identity(patient, name=name, nhs_number=nhs_number)


def _store_staff_name_if_changed(staff: StaffInvolved, name: str) -> None:
    if not name:
        return
    current = StaffIdentity.objects.filter(staff=staff).first()
    if current is not None:
        fernet = identity._fernet(staff.incident.ward.site.trust)
        if fernet.decrypt(bytes(current.name_encrypted)).decode() == name:
            return
    identity.store_staff_name(staff, name)


def _patient(ward: Ward, key: str, characteristics: dict[str, Any], reason: str) -> Patient:
    trust = ward.site.trust
    patient = Patient.objects.filter(trust=trust, key=key).first()
    if patient is None:
        patient = Patient(trust=trust, key=key, **characteristics)
        patient.save(audit_reason=reason)
        return patient
    for name, value in characteristics.items():
        setattr(patient, name, value)
    patient.save(audit_reason=reason)  # audited only if something changed
    return patient


def _write_rows(
    incident: UseOfForceIncident, cleaned: Cleaned, reason: str, *, creating: bool
) -> None:
    """Create, update and delete interventions and staff to match ``cleaned``."""
    kept: set[int] = set()
    existing = {} if creating else {iv.pk: iv for iv in incident.interventions.all()}
    for row in cleaned.interventions:
        values = {k: v for k, v in row.items() if k != "id"}
        iv = existing.get(row["id"]) if row["id"] else None
        if iv is None:
            iv = Intervention(incident=incident, **values)
        else:
            kept.add(iv.pk)
            for name, value in values.items():
                setattr(iv, name, value)
        iv.save(audit_reason=reason)
    for pk, iv in existing.items():
        if pk not in kept:
            iv.delete(audit_reason=reason)
    kept = set()
    staff = {} if creating else {s.pk: s for s in incident.staff.all()}
    for row in cleaned.staff:
        member = staff.get(row["id"]) if row["id"] else None
        if member is None:
            member = StaffInvolved(incident=incident, job_title=row["job_title"], role=row["role"])
        else:
            kept.add(member.pk)
            member.job_title, member.role = row["job_title"], row["role"]
        member.save(audit_reason=reason)
        _store_staff_name_if_changed(member, row["name"])
    for pk, member in staff.items():
        if pk not in kept:
            for name in StaffIdentity.objects.filter(staff=member):
                name.delete(audit_reason=reason)  # audited, not left to the cascade
            member.delete(audit_reason=reason)


def incident_create(
    *,
    actor_user_or_none: Any,
    ward: Ward,
    patient_identifier: str,
    data: Mapping[str, Any],
) -> UseOfForceIncident:
    """Create a record with its interventions and staff, or raise ``ValidationError`` keyed by
    field and write nothing. ``data["status"]`` is ``"draft"`` (default) or ``"submitted"``.

    ``actor_user_or_none`` is the signed-in user (checked: may record on ``ward``; may write
    identifiable fields) or ``None`` for a system process. The audit actor is whoever
    :func:`mhsip.audit.actor.acting_as` names. The local identifier becomes the pseudonymous key
    here and is not kept (ADR 0005).
    """
    _check_may_record(actor_user_or_none, ward)
    cleaned = _clean_or_raise(
        data, ward=ward, identifier=patient_identifier, incident=None, actor=actor_user_or_none
    )
    assert cleaned.key is not None
    with transaction.atomic():
        patient = _patient(ward, cleaned.key, cleaned.patient, "")
        _store_identity_if_changed(patient, cleaned.patient_name, cleaned.nhs_number, "")
        incident = UseOfForceIncident(ward=ward, patient=patient, **cleaned.fields)
        if cleaned.submit:
            incident.status = RecordStatus.SUBMITTED
            incident.submitted_at = timezone.now()
        incident.save()
        _write_rows(incident, cleaned, "", creating=True)
    return incident


def incident_update(
    incident: UseOfForceIncident,
    *,
    actor_user_or_none: Any,
    data: Mapping[str, Any],
    patient_identifier: str | None = None,
    reason: str = "",
) -> UseOfForceIncident:
    """Correct a record: ``data`` replaces the record's fields, interventions and staff (rows
    carry their ``id``; rows left out are removed). A submitted record needs ``reason``, which
    every changed row's audit entry records (Act s.6(6): corrected, never deleted). A draft
    becomes submitted when ``data["status"] == "submitted"`` and it passes the full check.
    ``patient_identifier`` re-links the record to another patient; ``None`` keeps the patient.
    """
    ward = incident.ward
    _check_may_record(actor_user_or_none, ward)
    reason = (reason or "").strip()
    cleaned = _clean_or_raise(
        data,
        ward=ward,
        identifier=patient_identifier,
        incident=incident,
        actor=actor_user_or_none,
        reason=reason,
    )
    with transaction.atomic():
        if cleaned.key:
            patient = _patient(ward, cleaned.key, cleaned.patient, reason)
        else:
            patient = incident.patient
            for name, value in cleaned.patient.items():
                setattr(patient, name, value)
            patient.save(audit_reason=reason)
        _store_identity_if_changed(patient, cleaned.patient_name, cleaned.nhs_number, reason)
        incident.patient = patient
        for name, value in cleaned.fields.items():
            setattr(incident, name, value)
        if cleaned.submit and incident.status != RecordStatus.SUBMITTED:
            incident.status = RecordStatus.SUBMITTED
            incident.submitted_at = timezone.now()
        incident.save(audit_reason=reason)
        _write_rows(incident, cleaned, reason, creating=False)
    return incident


# --- Reading back -----------------------------------------------------------------------------


def incident_to_data(incident: UseOfForceIncident, user: Any = None) -> dict[str, Any]:
    """The record as plain data in the shape :func:`incident_update` takes, with identifiable
    fields only for a ``user`` allowed to read them."""
    data: dict[str, Any] = {
        name: getattr(incident, name)
        for name in (
            "status",
            "local_reference",
            "started_at",
            "ended_at",
            "place",
            "place_detail",
            "reason",
            "reason_detail",
            "how_force_used",
            "de_escalation",
            "de_escalation_detail",
            "outcome",
            "death_or_serious_injury",
            "death_or_serious_injury_detail",
            "non_staff_involvement",
            "non_staff_reason",
            "body_camera_reference",
            "care_plan_notification",
            "review_with_patient_held",
            "review_with_patient_on",
            "review_with_patient_not_held_reason",
            "review_with_staff_held",
            "review_with_staff_on",
            "review_with_staff_not_held_reason",
            "negligible_force",
            "negligible_justification",
        )
    }
    patient = incident.patient
    data["patient"] = {name: getattr(patient, name) for name in CHARACTERISTICS}
    readable = user is not None and identity.can_read_identity(user, incident.ward.site.trust)
    if readable:
        held = identity.read_patient_identity(user, patient)
        if held:
            data["patient"].update(held)
    data["interventions"] = [
        {
            "id": iv.pk,
            **{
                name: getattr(iv, name)
                for name in (
                    "type_code",
                    "started_at",
                    "ended_at",
                    "in_care_plan",
                    "injury_patient",
                    "injury_staff",
                    "injury_other",
                )
            },
        }
        for iv in incident.interventions.order_by("started_at", "id")
    ]
    data["staff"] = []
    for member in incident.staff.order_by("id"):
        row = {"id": member.pk, "job_title": member.job_title, "role": member.role}
        if readable:
            row["name"] = identity.read_staff_name(user, member) or ""
        data["staff"].append(row)
    return data


def minutes_between(start: dt.datetime | None, end: dt.datetime | None) -> int | None:
    if start is None or end is None:
        return None
    return round((end - start).total_seconds() / 60)


def format_duration(minutes: int | None) -> str:
    """'25 minutes', '1 hour 5 minutes', '3 days 2 hours' - for people, not machines."""
    if minutes is None:
        return ""
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    for amount, unit in ((days, "day"), (hours, "hour"), (mins, "minute")):
        if amount:
            parts.append(f"{amount} {unit}{'' if amount == 1 else 's'}")
    if days:
        parts = parts[:2]
    return " ".join(parts) or "0 minutes"


def format_when(value: dt.datetime | None) -> str:
    """'14 March 2025, 14:35' in the service's time zone (UK local time)."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{local.day} {local:%B %Y}, {local:%H:%M}"


def format_date(value: dt.date | None) -> str:
    return "" if value is None else f"{value.day} {value:%B %Y}"


def incident_history(incident: UseOfForceIncident) -> list[AuditLog]:
    """Audit entries for the record and its interventions and staff (including removed ones),
    oldest first, with their before/after values and reasons."""
    child_ids: dict[str, set[str]] = {}
    for model in (Intervention, StaffInvolved):
        label = model._meta.label_lower
        ids = set(
            AuditLog.objects.filter(object_type=label)
            .filter(Q(changes__incident_id__1=incident.pk) | Q(changes__incident_id__0=incident.pk))
            .values_list("object_id", flat=True)
        )
        child_ids[label] = ids
    query = Q(object_type=UseOfForceIncident._meta.label_lower, object_id=str(incident.pk))
    for label, ids in child_ids.items():
        if ids:
            query |= Q(object_type=label, object_id__in=ids)
    return list(AuditLog.objects.filter(query).order_by("at", "id"))


# --- MHSDS export (MHS505 incidents, MHS515 types; domain brief §2.1) -------------------------

MHS505_COLUMNS = [
    "RestrictiveIntIncID",
    "HospProvSpellID",
    "PatientKey",
    "WardCode",
    "StartDateRestrictiveIntInc",
    "StartTimeRestrictiveIntInc",
    "EndDateRestrictiveIntInc",
    "EndTimeRestrictiveIntInc",
    "RestrictiveIntReason",
    "RestrictiveIntPIReviewHeldPat",
    "RestrictiveIntPIReviewNotHeldReasPat",
    "RestrictiveIntPIReviewHeldCarePers",
]
MHS515_COLUMNS = [
    "RestrictiveIntIncID",
    "RestrictiveIntTypeID",
    "RestrictiveIntType",
    "StartDateRestrictiveIntType",
    "StartTimeRestrictiveIntType",
    "EndDateRestrictiveIntType",
    "EndTimeRestrictiveIntType",
    "RestraintInjuryPatient",
    "RestraintInjuryCarePers",
    "RestraintInjuryOtherPers",
]
MHSDS_TABLES = {"MHS505": MHS505_COLUMNS, "MHS515": MHS515_COLUMNS}
_YN = {"yes": "Y", "no": "N"}  # not known / not answered: left blank


def parse_month(value: str | None, today: dt.date | None = None) -> dt.date:
    """The first day of the month ``YYYY-MM``; by default the last complete month (MHSDS
    submissions are monthly, for the month just ended)."""
    if value:
        try:
            return dt.datetime.strptime(value.strip(), "%Y-%m").date()
        except ValueError:
            pass
    first = (today or timezone.localdate()).replace(day=1)
    return (first - dt.timedelta(days=1)).replace(day=1)


def recent_months(count: int = 24, today: dt.date | None = None) -> list[dt.date]:
    month = (today or timezone.localdate()).replace(day=1)
    months = []
    for _ in range(count):
        months.append(month)
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return months


def incident_reference(incident: UseOfForceIncident) -> str:
    """RestrictiveIntIncID: the incident system's reference if given, else MHSIP's own id."""
    return incident.local_reference or f"MHSIP-{incident.pk}"


def _date_time(value: dt.datetime | None) -> tuple[str, str]:
    if value is None:
        return "", ""
    local = timezone.localtime(value)
    return local.strftime("%Y-%m-%d"), local.strftime("%H:%M:%S")


def _safe_cell(value: Any) -> str:
    """Neutralise spreadsheet formulas in free text (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


def mhsds_incidents(ward: Ward, month: dt.date) -> QuerySet[UseOfForceIncident]:
    """Submitted records of ``ward`` starting in ``month`` (local time). Drafts are unfinished
    and negligible force is not a statutory record (Act s.6(2)), so both are left out."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(month, dt.time.min, tzinfo=tz)
    next_month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    end = dt.datetime.combine(next_month, dt.time.min, tzinfo=tz)
    return (
        incidents_for_ward(ward, status=RecordStatus.SUBMITTED)
        .filter(started_at__gte=start, started_at__lt=end, negligible_force=False)
        .order_by("started_at", "id")
    )


def mhsds_rows(ward: Ward, month: dt.date, table: str) -> list[list[str]]:
    """Rows of the MHSDS-shaped table (no header). Patients appear only as pseudonymous keys;
    no name, NHS number or staff name is ever read here."""
    incidents = list(mhsds_incidents(ward, month))
    rows: list[list[str]] = []
    if table == "MHS505":
        stays = _spells(incidents)
        for inc in incidents:
            start_date, start_time = _date_time(inc.started_at)
            end_date, end_time = _date_time(inc.ended_at)
            rows.append(
                [
                    _safe_cell(incident_reference(inc)),
                    str(stays.get(inc.pk, "")),
                    inc.patient.key,
                    ward.code,
                    start_date,
                    start_time,
                    end_date,
                    end_time,
                    inc.reason,
                    _YN.get(inc.review_with_patient_held, ""),
                    inc.review_with_patient_not_held_reason,
                    _YN.get(inc.review_with_staff_held, ""),
                ]
            )
    elif table == "MHS515":
        for inc in incidents:
            for iv in inc.interventions.all():
                start_date, start_time = _date_time(iv.started_at)
                end_date, end_time = _date_time(iv.ended_at)
                rows.append(
                    [
                        _safe_cell(incident_reference(inc)),
                        str(iv.pk),
                        iv.type_code,
                        start_date,
                        start_time,
                        end_date,
                        end_time,
                        _YN.get(iv.injury_patient, ""),
                        _YN.get(iv.injury_staff, ""),
                        _YN.get(iv.injury_other, ""),
                    ]
                )
    else:
        raise ValueError(f"Unknown MHSDS table {table!r}")
    return rows


def _spells(incidents: Sequence[UseOfForceIncident]) -> dict[int, int]:
    """HospProvSpellID: the stay on the ward covering the incident's start, where one is held."""
    if not incidents:
        return {}
    stays = Stay.objects.filter(
        patient__in={i.patient_id for i in incidents}, ward=incidents[0].ward
    ).order_by("admitted_on")
    found: dict[int, int] = {}
    for inc in incidents:
        day = timezone.localdate(inc.started_at)
        for stay in stays:
            if (
                stay.patient_id == inc.patient_id
                and stay.admitted_on <= day
                and (stay.discharged_on is None or day <= stay.discharged_on)
            ):
                found[inc.pk] = stay.pk
    return found


def export_mhsds_csv(*, ward: Ward, month: dt.date, table: str) -> tuple[str, int]:
    """The CSV text and its row count; the export is recorded in the audit log (ADR 0004)."""
    if table not in MHSDS_TABLES:
        raise ValueError(f"Unknown MHSDS table {table!r}")
    rows = mhsds_rows(ward, month, table)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(MHSDS_TABLES[table])
    writer.writerows(rows)
    record(
        Action.EXPORT,
        object_type=UseOfForceIncident._meta.label_lower,
        object_repr=f"MHSDS {table} for {ward.code}, {month:%B %Y}",
        changes={"ward": ward.code, "month": f"{month:%Y-%m}", "table": table, "rows": len(rows)},
    )
    return buffer.getvalue(), len(rows)
