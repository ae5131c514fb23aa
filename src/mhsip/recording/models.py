"""Patients (pseudonymous), their stays on wards, and the midnight census derived from stays."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q

from mhsip.audit.models import AuditedModel
from mhsip.organisations.models import Trust, Ward
from mhsip.recording.codes import ETHNIC_CATEGORY_CHOICES, LegalStatus, Sex, YesNoUnknown

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
        constraints = [
            models.UniqueConstraint(fields=["ward", "date"], name="unique_census_per_ward_day")
        ]

    def __str__(self) -> str:
        return f"{self.ward} {self.date}: {self.occupied}"
