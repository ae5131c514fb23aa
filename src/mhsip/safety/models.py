"""Sexual-safety incidents, AWOL and leave incidents, and inpatient deaths.

Visibility is restricted (``Role.sees_safety_records``): these are among the most sensitive
records the service holds.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from mhsip.audit.models import AuditedModel
from mhsip.organisations.models import Ward
from mhsip.recording.codes import LegalStatus, RecordStatus
from mhsip.recording.models import Patient
from mhsip.safety.codes import (
    AwolKind,
    AwolOutcome,
    Harm,
    LeaveStatus,
    ObservationLevel,
    PersonRole,
    SexualSafetyCategory,
)


class SexualSafetyIncident(AuditedModel):
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="sexual_safety")
    local_reference = models.CharField(max_length=50, blank=True)
    status = models.CharField(
        max_length=10, choices=RecordStatus.choices, default=RecordStatus.DRAFT
    )
    occurred_at = models.DateTimeField(db_index=True)
    category = models.CharField(max_length=20, choices=SexualSafetyCategory.choices)
    affected_role = models.CharField(max_length=10, choices=PersonRole.choices)
    affected_patient = models.ForeignKey(
        Patient, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    perpetrator_role = models.CharField(max_length=10, choices=PersonRole.choices)
    perpetrator_patient = models.ForeignKey(
        Patient, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    harm = models.CharField(max_length=10, choices=Harm.choices)
    description = models.TextField(blank=True)
    police_informed = models.BooleanField(default=False)
    safeguarding_referral = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-occurred_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["ward", "local_reference"],
                condition=~Q(local_reference=""),
                name="unique_sexual_safety_reference_per_ward",
            )
        ]

    def __str__(self) -> str:
        return f"Sexual-safety incident {self.local_reference or self.pk} on {self.ward}"


class AwolIncident(AuditedModel):
    """A patient absent without leave (or failing to return from leave)."""

    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="awol")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="awol")
    local_reference = models.CharField(max_length=50, blank=True)
    status = models.CharField(
        max_length=10, choices=RecordStatus.choices, default=RecordStatus.DRAFT
    )
    kind = models.CharField(max_length=15, choices=AwolKind.choices)
    left_at = models.DateTimeField(db_index=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    legal_status = models.CharField(
        max_length=10, choices=LegalStatus.choices, default=LegalStatus.NOT_KNOWN
    )
    outcome = models.CharField(max_length=15, choices=AwolOutcome.choices)
    police_informed = models.BooleanField(default=False)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-left_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(returned_at__isnull=True) | Q(returned_at__gte=F("left_at")),
                name="awol_return_not_before_leaving",
            ),
            models.UniqueConstraint(
                fields=["ward", "local_reference"],
                condition=~Q(local_reference=""),
                name="unique_awol_reference_per_ward",
            ),
        ]

    def __str__(self) -> str:
        return f"AWOL {self.local_reference or self.pk} from {self.ward}"


class InpatientDeath(AuditedModel):
    """The death of a current in-patient, on or off the ward (NCISH definition, brief §7)."""

    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="deaths")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    died_on = models.DateField(db_index=True)
    status = models.CharField(max_length=15, choices=LeaveStatus.choices)
    suspected_suicide = models.BooleanField(default=False)
    legal_status = models.CharField(
        max_length=10, choices=LegalStatus.choices, default=LegalStatus.NOT_KNOWN
    )
    observation_level = models.CharField(
        max_length=15, choices=ObservationLevel.choices, default=ObservationLevel.NOT_KNOWN
    )
    admitted_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-died_on"]

    def __str__(self) -> str:
        return f"Inpatient death on {self.died_on} ({self.get_status_display()})"

    @property
    def days_since_admission(self) -> int | None:
        return None if self.admitted_on is None else (self.died_on - self.admitted_on).days
