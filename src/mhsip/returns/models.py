"""The weekly ward return: occupied bed days, admissions, and aggregate counts for wards that
cannot send incident-level data. Empty means *missing*, never zero."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q

from mhsip.audit.models import AuditedModel
from mhsip.organisations.models import Ward
from mhsip.recording.codes import RecordStatus

COUNT_FIELDS = (
    "restraint_count",
    "prone_restraint_count",
    "rapid_tranquillisation_count",
    "seclusion_count",
    "segregation_count",
    "mechanical_restraint_count",
    "sexual_safety_count",
    "awol_count",
    "self_harm_count",
)


class BedDaySource(models.TextChoices):
    CENSUS = "census", "Daily midnight census"
    ENTERED = "entered", "Weekly total entered by the ward"


class WeeklyReturn(AuditedModel):
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="weekly_returns")
    week_start = models.DateField(help_text="The Monday the week begins")
    status = models.CharField(
        max_length=10, choices=RecordStatus.choices, default=RecordStatus.DRAFT
    )
    occupied_bed_days = models.PositiveIntegerField(null=True, blank=True)
    bed_day_source = models.CharField(
        max_length=10, choices=BedDaySource.choices, default=BedDaySource.ENTERED
    )
    leave_days_included = models.BooleanField(
        default=True, help_text="Beds held for patients on leave are counted as occupied"
    )
    admissions = models.PositiveIntegerField(null=True, blank=True)
    incident_level = models.BooleanField(
        default=True,
        help_text="Counts come from incident records; the fields below are left empty",
    )
    restraint_count = models.PositiveIntegerField(null=True, blank=True)
    prone_restraint_count = models.PositiveIntegerField(null=True, blank=True)
    rapid_tranquillisation_count = models.PositiveIntegerField(null=True, blank=True)
    seclusion_count = models.PositiveIntegerField(null=True, blank=True)
    segregation_count = models.PositiveIntegerField(null=True, blank=True)
    mechanical_restraint_count = models.PositiveIntegerField(null=True, blank=True)
    sexual_safety_count = models.PositiveIntegerField(null=True, blank=True)
    awol_count = models.PositiveIntegerField(null=True, blank=True)
    self_harm_count = models.PositiveIntegerField(null=True, blank=True)
    notes = models.TextField(blank=True)
    figures_unavailable = models.BooleanField(
        default=False,
        help_text="Submitted knowing some figures are missing (never read an empty box as zero)",
    )
    unavailable_note = models.TextField(
        blank=True, help_text="Which figures are not available this week, and why"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["ward", "-week_start"]
        constraints = [
            models.UniqueConstraint(fields=["ward", "week_start"], name="one_return_per_ward_week"),
            models.CheckConstraint(
                condition=Q(prone_restraint_count__isnull=True) | Q(restraint_count__isnull=False),
                name="prone_needs_restraint_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ward} week of {self.week_start:%d %b %Y}"

    @property
    def week_end(self) -> dt.date:
        return self.week_start + dt.timedelta(days=6)
