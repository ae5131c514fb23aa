"""Patients (pseudonymous), their stays on wards, and the midnight census derived from stays."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from mhsip.audit.models import AuditedModel
from mhsip.organisations.models import Trust, Ward
from mhsip.recording.codes import (
    ETHNIC_CATEGORY_CHOICES,
    InterventionReason,
    InterventionType,
    LegalStatus,
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

hex_key = RegexValidator(r"^[0-9a-f]{64}$", "A patient key is 64 lowercase hex digits.")


class Patient(AuditedModel):
    """A patient known only by a pseudonymous key, with the Use of Force Act s.6(5)(j)-(l)
    characteristics; each characteristic may be "not known" or "declined"."""

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="patients")
    key = models.CharField(max_length=64, validators=[hex_key])
    ethnicity = models.CharField(max_length=2, choices=ETHNIC_CATEGORY_CHOICES, default="99")
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.NOT_KNOWN)
    birth_year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(2100)]
    )
    learning_disability = models.CharField(
        max_length=10, choices=YesNoUnknown.choices, default=YesNoUnknown.NOT_KNOWN
    )
    autism = models.CharField(
        max_length=10, choices=YesNoUnknown.choices, default=YesNoUnknown.NOT_KNOWN
    )
    mental_disorder = models.CharField(max_length=200, blank=True)
    gender_reassignment = models.CharField(
        max_length=10,
        choices=YesNoUnknown.choices,
        default=YesNoUnknown.NOT_KNOWN,
        help_text="Gender identity differs from sex registered at birth",
    )
    religion = models.CharField(max_length=10, choices=Religion.choices, default=Religion.NOT_KNOWN)
    sexual_orientation = models.CharField(
        max_length=15, choices=SexualOrientation.choices, default=SexualOrientation.NOT_KNOWN
    )
    disability = models.CharField(
        max_length=10,
        choices=YesNoUnknown.choices,
        default=YesNoUnknown.NOT_KNOWN,
        help_text="A disability other than learning disability or autism",
    )
    pregnancy = models.CharField(
        max_length=10,
        choices=YesNoUnknown.choices,
        default=YesNoUnknown.NOT_KNOWN,
        help_text="Pregnant or within 26 weeks of giving birth",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["trust", "key"], name="unique_patient_key_per_trust")
        ]

    def __str__(self) -> str:
        return f"Patient {self.key[:8]}"


class Stay(AuditedModel):
    """A ward stay: admission to discharge (or still on the ward)."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="stays")
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="stays")
    admitted_on = models.DateField(db_index=True)
    discharged_on = models.DateField(null=True, blank=True, db_index=True)
    legal_status = models.CharField(
        max_length=10, choices=LegalStatus.choices, default=LegalStatus.NOT_KNOWN
    )

    class Meta:
        ordering = ["ward", "admitted_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(discharged_on__isnull=True) | Q(discharged_on__gte=F("admitted_on")),
                name="stay_discharge_not_before_admission",
            )
        ]

    def __str__(self) -> str:
        return f"{self.patient} on {self.ward} from {self.admitted_on}"


class WardCensus(models.Model):
    """Patients on the ward at midnight at the end of ``date``: one occupied bed day each.

    Derived from stays by :func:`mhsip.recording.census.rebuild_census` (KH03 midnight count,
    domain brief §9), or entered by a ward without a stay feed. Derived data: written in bulk with
    one audit summary row per rebuild.
    """

    ward = models.ForeignKey(Ward, on_delete=models.CASCADE, related_name="census")
    date = models.DateField()
    occupied = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["ward", "date"]
        verbose_name = "ward census day"
        verbose_name_plural = "ward census days"
        constraints = [
            models.UniqueConstraint(fields=["ward", "date"], name="unique_census_per_ward_day")
        ]

    def __str__(self) -> str:
        return f"{self.ward} {self.date}: {self.occupied}"


RETENTION_YEARS = 3  # Use of Force Act s.6(6): kept for three years from the date it was made


class RetentionError(Exception):
    """A statutory record may not be deleted within its retention period, only corrected."""


class UseOfForceIncident(AuditedModel):
    """One use of force on one patient, with every item of the Mental Health Units (Use of
    Force) Act 2018 s.6(5)(a)-(p), mappable to MHSDS MHS505 (incident) and, through its
    interventions, MHS515 (type). The patient's name, NHS number (e, g) and staff names (h) are
    held apart, encrypted, in identifiable mode only (:mod:`mhsip.recording.identity`)."""

    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="use_of_force")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="use_of_force")
    local_reference = models.CharField(
        max_length=50, blank=True, help_text="The incident's id in the trust's incident system"
    )
    status = models.CharField(
        max_length=10, choices=RecordStatus.choices, default=RecordStatus.DRAFT
    )
    started_at = models.DateTimeField(db_index=True)  # (b) date and duration
    ended_at = models.DateTimeField(null=True, blank=True)
    place = models.CharField(max_length=20, choices=Place.choices)  # (b) place
    place_detail = models.CharField(max_length=200, blank=True)
    reason = models.CharField(max_length=2, choices=InterventionReason.choices)  # (a)
    reason_detail = models.TextField(blank=True)
    how_force_used = models.TextField(blank=True)  # (f)
    de_escalation = models.JSONField(default=list, blank=True)  # (o) DeEscalation codes
    de_escalation_detail = models.TextField(blank=True)
    outcome = models.TextField(blank=True)  # (m)
    death_or_serious_injury = models.CharField(  # (n)
        max_length=10, choices=YesNoUnknown.choices, default=YesNoUnknown.NO
    )
    death_or_serious_injury_detail = models.TextField(blank=True)
    non_staff_involvement = models.CharField(  # (i)
        max_length=10, choices=NonStaffInvolvement.choices, default=NonStaffInvolvement.NONE
    )
    non_staff_reason = models.TextField(blank=True)
    body_camera_reference = models.CharField(max_length=100, blank=True)
    care_plan_notification = models.CharField(  # (p)
        max_length=15,
        choices=YesNoNotApplicable.choices,
        default=YesNoNotApplicable.NOT_APPLICABLE,
    )
    review_with_patient_held = models.CharField(  # MHS505 RestrictiveIntPIReviewHeldPat
        max_length=10, choices=YesNoUnknown.choices, default=YesNoUnknown.NOT_KNOWN
    )
    review_with_patient_on = models.DateField(null=True, blank=True)
    review_with_patient_not_held_reason = models.CharField(
        max_length=15, choices=ReviewNotHeldReason.choices, blank=True
    )
    review_with_staff_held = models.CharField(  # MHS505 RestrictiveIntPIReviewHeldCarePers
        max_length=10, choices=YesNoUnknown.choices, default=YesNoUnknown.NOT_KNOWN
    )
    review_with_staff_on = models.DateField(null=True, blank=True)
    review_with_staff_not_held_reason = models.CharField(
        max_length=200, blank=True, help_text="Why a review with the staff involved was not held"
    )
    negligible_force = models.BooleanField(
        default=False, help_text="Force judged negligible under the statutory guidance"
    )
    negligible_justification = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(negligible_force=False) | ~Q(negligible_justification=""),
                name="negligible_force_needs_justification",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="incident_end_not_before_start",
            ),
            models.UniqueConstraint(
                fields=["ward", "local_reference"],
                condition=~Q(local_reference=""),
                name="unique_incident_reference_per_ward",
            ),
        ]
        indexes = [models.Index(fields=["ward", "started_at"])]

    def __str__(self) -> str:
        return f"Use of force {self.local_reference or self.pk} on {self.ward}"

    def retention_ends(self) -> dt.date:
        created = (self.created_at or timezone.now()).date()
        try:
            return created.replace(year=created.year + RETENTION_YEARS)
        except ValueError:  # 29 February
            return created.replace(year=created.year + RETENTION_YEARS, day=28)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if timezone.now().date() < self.retention_ends():
            raise RetentionError(
                f"This record must be kept until {self.retention_ends():%d %B %Y} "
                "(Use of Force Act s.6(6)); correct it instead of deleting it."
            )
        return super().delete(*args, **kwargs)


class Intervention(AuditedModel):
    """One type of force used within an incident (MHSDS MHS515)."""

    incident = models.ForeignKey(
        UseOfForceIncident, on_delete=models.CASCADE, related_name="interventions"
    )
    type_code = models.CharField(max_length=2, choices=InterventionType.choices)  # (c)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    in_care_plan = models.CharField(  # (d)
        max_length=10, choices=YesNoUnknown.choices, default=YesNoUnknown.NOT_KNOWN
    )
    injury_patient = models.CharField(
        max_length=10, choices=YesNoUnknown.choices, default=YesNoUnknown.NOT_KNOWN
    )
    injury_staff = models.CharField(
        max_length=10, choices=YesNoUnknown.choices, default=YesNoUnknown.NOT_KNOWN
    )
    injury_other = models.CharField(
        max_length=10, choices=YesNoUnknown.choices, default=YesNoUnknown.NOT_KNOWN
    )

    class Meta:
        ordering = ["incident", "started_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="intervention_end_not_before_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_type_code_display()} at {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def minutes(self) -> float | None:
        if self.ended_at is None:
            return None
        return (self.ended_at - self.started_at).total_seconds() / 60


class StaffInvolved(AuditedModel):
    """A member of staff who used force: job title and role (s.6(5)(h)); the name is held only
    in identifiable mode, encrypted (:class:`mhsip.recording.identity.StaffIdentity`)."""

    incident = models.ForeignKey(UseOfForceIncident, on_delete=models.CASCADE, related_name="staff")
    job_title = models.CharField(max_length=100)
    role = models.CharField(max_length=15, choices=StaffRole.choices, default=StaffRole.OTHER)

    class Meta:
        ordering = ["incident", "id"]
        verbose_name_plural = "staff involved"

    def __str__(self) -> str:
        return f"{self.job_title} ({self.get_role_display()})"


class PatientIdentity(AuditedModel):
    """Identifiable patient fields, kept apart and encrypted; only in a trust's identifiable
    mode, readable only by that trust's recording roles (ADR 0005)."""

    audit_redact = frozenset({"name_encrypted", "nhs_number_encrypted"})

    patient = models.OneToOneField(Patient, on_delete=models.CASCADE, related_name="identity")
    name_encrypted = models.BinaryField()
    nhs_number_encrypted = models.BinaryField()

    class Meta:
        verbose_name_plural = "patient identities"

    def __str__(self) -> str:
        return f"Identity of {self.patient}"


class StaffIdentity(AuditedModel):
    audit_redact = frozenset({"name_encrypted"})

    staff = models.OneToOneField(StaffInvolved, on_delete=models.CASCADE, related_name="identity")
    name_encrypted = models.BinaryField()

    class Meta:
        verbose_name_plural = "staff identities"

    def __str__(self) -> str:
        return f"Identity of {self.staff}"
