"""Population denominators for equity rates per 100,000 residents.

Reference data, loaded by the data migration ``0002_load_population`` from the bundled table
(:mod:`mhsip.equity.population` says where it comes from) or by ``mhsip load_population FILE``.
"""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models

from mhsip.audit.models import AuditedModel


class PopulationCharacteristic(models.TextChoices):
    ETHNICITY = "ethnicity", "Ethnic group"
    SEX = "sex", "Sex"
    AGE_BAND = "age_band", "Age band"


class PopulationEstimate(AuditedModel):
    """Residents of an area in one group of a characteristic (e.g. Black residents of South
    East London ICB, Census 2021), with the source it was taken from."""

    area_code = models.CharField(max_length=12, help_text="ONS or ICB code, e.g. QKK, E92000001")
    area_name = models.CharField(max_length=200)
    year = models.PositiveSmallIntegerField(help_text="Reference year of the estimate")
    characteristic = models.CharField(max_length=30, choices=PopulationCharacteristic.choices)
    group = models.CharField(max_length=30, help_text="Group key, as in mhsip.equity")
    population = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    relative_error = models.FloatField(
        default=0.0, help_text="Largest relative error of the figure (0 when exact)"
    )
    source = models.CharField(max_length=300)
    source_url = models.URLField(max_length=300, blank=True)

    class Meta:
        ordering = ["area_code", "characteristic", "group"]
        constraints = [
            models.UniqueConstraint(
                fields=["area_code", "year", "characteristic", "group"],
                name="unique_population_estimate",
            )
        ]

    def __str__(self) -> str:
        return f"{self.area_name} {self.year} {self.characteristic} {self.group}: {self.population}"


class TrustCatchment(AuditedModel):
    """An area a trust's inpatient units serve, for population denominators (approximate:
    catchments rarely follow ICB boundaries exactly; ``note`` says how)."""

    trust_ods_code = models.CharField("Trust ODS code", max_length=5)
    area_code = models.CharField(max_length=12)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["trust_ods_code", "area_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["trust_ods_code", "area_code"], name="unique_trust_catchment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.trust_ods_code} serves {self.area_code}"
