"""The measure library, chart annotations and governed rebasing.

A measure is data, not code: its numerator is one of the sources in
:mod:`mhsip.measures.sources` (optionally filtered by MHSDS intervention type codes), its
denominator occupied bed days, incidents or nothing, so admins add measures without a release.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from mhsip.audit.models import AuditedModel
from mhsip.organisations.models import Ward


class Kind(models.TextChoices):
    OUTCOME = "outcome", "Outcome"
    PROCESS = "process", "Process"
    BALANCING = "balancing", "Balancing"


class Period(models.TextChoices):
    WEEK = "week", "Week"
    MONTH = "month", "Month"


class Improvement(models.TextChoices):
    DECREASE = "decrease", "Lower is better"
    INCREASE = "increase", "Higher is better"
    NEUTRAL = "neutral", "Neither"


class Chart(models.TextChoices):
    U = "u", "u chart (rate)"
    UP = "up", "u′ chart (Laney, large denominators)"
    P = "p", "p chart (percentage)"
    PP = "pp", "p′ chart (Laney)"
    C = "c", "c chart (count)"
    XMR = "xmr", "XmR chart (Making Data Count)"
    RUN = "run", "Run chart"
    G = "g", "g chart (events between)"
    T = "t", "t chart (time between events)"


class Denominator(models.TextChoices):
    BED_DAYS = "bed_days", "Occupied bed days"
    INCIDENTS = "incidents", "Use-of-force incidents"
    NONE = "none", "None (a count)"


class Measure(AuditedModel):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(help_text="Plain English: what is counted and why")
    source = models.CharField(max_length=40, help_text="Numerator source (measures.sources)")
    type_codes = models.JSONField(
        default=list, blank=True, help_text="MHSDS intervention type codes to count (empty: all)"
    )
    denominator = models.CharField(max_length=20, choices=Denominator.choices)
    multiplier = models.FloatField(default=1000.0)
    period = models.CharField(max_length=10, choices=Period.choices, default=Period.WEEK)
    default_chart = models.CharField(max_length=10, choices=Chart.choices, default=Chart.U)
    improvement = models.CharField(
        max_length=10, choices=Improvement.choices, default=Improvement.DECREASE
    )
    target = models.FloatField(null=True, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.OUTCOME)
    unit = models.CharField(max_length=60, blank=True, help_text="e.g. 'per 1,000 bed days'")
    order = models.PositiveSmallIntegerField(default=100)
    is_active = models.BooleanField(default=True)
    restricted = models.BooleanField(
        default=False, help_text="Sexual safety, AWOL: shown only to roles seeing safety records"
    )

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from mhsip.measures.sources import SOURCES

        if self.source not in SOURCES:
            raise ValidationError({"source": f"Unknown source {self.source!r}"})
        if self.default_chart in {"p", "pp", "u", "up"} and self.denominator == Denominator.NONE:
            raise ValidationError({"default_chart": "This chart needs a denominator"})


class AnnotationKind(models.TextChoices):
    PDSA_START = "pdsa_start", "PDSA cycle started"
    PDSA_END = "pdsa_end", "PDSA cycle ended"
    CHANGE = "change", "Change introduced"
    LEARNING_SESSION = "learning_session", "Learning session"
    REBASE = "rebase", "Limits recalculated"
    EVENT = "event", "Event"


class Annotation(AuditedModel):
    """A dated note shown on charts: one ward's (``ward``) or the whole collaborative's."""

    ward = models.ForeignKey(
        Ward, null=True, blank=True, on_delete=models.CASCADE, related_name="annotations"
    )
    measure = models.ForeignKey(
        Measure,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="annotations",
        help_text="Empty: shown on every measure",
    )
    date = models.DateField()
    label = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=AnnotationKind.choices)
    link = models.CharField(max_length=300, blank=True)
    source_key = models.CharField(
        max_length=80,
        blank=True,
        db_index=True,
        help_text="Set when generated from another record (e.g. 'pdsa:12:start')",
    )

    class Meta:
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.date}: {self.label}"


class RebaseStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class Rebase(AuditedModel):
    """A proposal to recalculate a ward's limits from a date, with the reason (Making Data
    Count: rebase only when the cause of a sustained shift is understood). Only approved rebases
    change limits."""

    ward = models.ForeignKey(Ward, on_delete=models.CASCADE, related_name="rebases")
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="rebases")
    starts_on = models.DateField(help_text="The first period of the new limits")
    reason = models.TextField()
    change_idea = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=10, choices=RebaseStatus.choices, default=RebaseStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["ward", "measure", "starts_on"]

    def __str__(self) -> str:
        return f"Rebase of {self.measure} on {self.ward} from {self.starts_on}"


class FixedBaseline(AuditedModel):
    """Fix a ward's centre and limits on their first ``points`` periods (``fix_after``)."""

    ward = models.ForeignKey(Ward, on_delete=models.CASCADE, related_name="fixed_baselines")
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="+")
    points = models.PositiveSmallIntegerField(default=20)
    reason = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ward", "measure"], name="one_fixed_baseline")
        ]

    def __str__(self) -> str:
        return f"{self.measure} on {self.ward} fixed on {self.points} points"
