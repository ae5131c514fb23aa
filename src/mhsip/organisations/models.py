"""Trusts, sites, wards and the collaborative they belong to."""

from __future__ import annotations

import datetime as dt

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models

from mhsip.audit.models import AuditedModel

ods_code = RegexValidator(r"^[A-Z0-9]{3,5}$", "An ODS code is 3 to 5 capital letters or digits.")
ward_code = RegexValidator(
    r"^[A-Z0-9][A-Z0-9-]{1,19}$", "A ward code is 2 to 20 capital letters, digits or hyphens."
)


class WardType(models.TextChoices):
    ACUTE_MALE = "acute_male", "Acute adult (male)"
    ACUTE_FEMALE = "acute_female", "Acute adult (female)"
    ACUTE_MIXED = "acute_mixed", "Acute adult (mixed)"
    PICU = "picu", "Psychiatric intensive care (PICU)"
    OLDER_ADULT = "older_adult", "Older adult"
    LDA = "lda", "Learning disability and autism"
    FORENSIC_LOW = "forensic_low", "Forensic (low secure)"
    FORENSIC_MEDIUM = "forensic_medium", "Forensic (medium secure)"
    CAMHS = "camhs", "Children and young people (CAMHS)"
    REHABILITATION = "rehabilitation", "Rehabilitation"


class Trust(AuditedModel):
    ods_code = models.CharField("ODS code", max_length=5, unique=True, validators=[ods_code])
    name = models.CharField(max_length=200, unique=True)
    identifiable_mode = models.BooleanField(
        default=False,
        help_text="Keep patient names, NHS numbers and staff names (encrypted, trust roles only).",
    )
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Site(AuditedModel):
    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="sites")
    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["trust__name", "name"]

    def __str__(self) -> str:
        return self.name


class Ward(AuditedModel):
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="wards")
    code = models.CharField(max_length=20, unique=True, validators=[ward_code])
    name = models.CharField(max_length=200)
    ward_type = models.CharField(max_length=20, choices=WardType.choices)
    beds = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    active_from = models.DateField()
    active_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def trust(self) -> Trust:
        return self.site.trust

    def is_active_on(self, day: dt.date) -> bool:
        return self.active_from <= day and (self.active_to is None or day <= self.active_to)


class Collaborative(AuditedModel):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(unique=True)
    aim_statement = models.TextField()
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    baseline_start = models.DateField()
    baseline_end = models.DateField()
    wards = models.ManyToManyField(Ward, related_name="collaboratives", blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-start_date"]

    def __str__(self) -> str:
        return self.name


class LearningSession(AuditedModel):
    """A learning session of the Breakthrough Series model; action periods lie between them."""

    collaborative = models.ForeignKey(
        Collaborative, on_delete=models.CASCADE, related_name="learning_sessions"
    )
    number = models.PositiveSmallIntegerField()
    date = models.DateField()
    title = models.CharField(max_length=200)

    class Meta:
        ordering = ["collaborative", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["collaborative", "number"], name="unique_session_number"
            )
        ]

    def __str__(self) -> str:
        return f"Learning session {self.number}: {self.title}"
