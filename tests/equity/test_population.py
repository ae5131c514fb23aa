"""Population denominators: derived from NHS England's Mental Health Act statistics (counts and
crude rates per 100,000), loaded by a data migration and by ``mhsip load_population``, summed
over a scope's catchment areas, with a clear error for a bad row and nothing half-written."""

from __future__ import annotations

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from mhsip.audit.models import AuditLog
from mhsip.equity import services
from mhsip.equity.characteristics import ETHNICITY, LEARNING_DISABILITY, SEX
from mhsip.equity.models import PopulationEstimate, TrustCatchment
from mhsip.equity.population import (
    BUNDLED_POPULATION,
    FIELDS,
    PopulationFileError,
    derive_from_mha,
    read_population_csv,
)

pytestmark = pytest.mark.django_db

MHA_ROW = {
    "Measure": "All detentions",
    "measureSubcategory": "All",
    "Datasource": "MHSDS",
    "OrganisationBreakdown": "All submissions",
    "OrgID": "All prov",
    "OrgName": "All providers",
    "Demographic": "Ethnicity",
    "DemographicBreakdown": "White",
    "Total_Count": "31735",
    "CrudeRate": "69.5",
}


def test_population_is_count_over_crude_rate_times_100000_to_the_nearest_100():
    (row,) = derive_from_mha([MHA_ROW])
    assert (row.area_code, row.group, row.population) == ("E92000001", "white", 45_661_900)
    assert row.relative_error == pytest.approx(2.5 / 31735 + 0.05 / 69.5, abs=1e-4)


def test_imprecise_and_unknown_groups_are_left_out():
    small = {
        **MHA_ROW,
        "OrganisationBreakdown": "ICB",
        "OrgID": "QKK",
        "Total_Count": "10",
        "CrudeRate": "3.0",
    }
    unknown = {**MHA_ROW, "DemographicBreakdown": "Unknown", "CrudeRate": ""}
    other_measure = {**MHA_ROW, "Measure": "CTO recalls to hospital"}
    assert derive_from_mha([small, unknown, other_measure]) == []


def test_the_bundled_table_matches_the_2021_census_for_england():
    rows = read_population_csv(BUNDLED_POPULATION.read_text(encoding="utf-8"))
    england = {
        r.group: r.population
        for r in rows
        if r.area_code == "E92000001" and r.characteristic == "ethnicity"
    }
    # ONS Census 2021, England: White 45.78m (81.0%), Black 2.38m (4.2%).
    assert abs(england["white"] - 45_783_000) / 45_783_000 < 0.01
    assert abs(england["black"] - 2_381_000) / 2_381_000 < 0.01


def test_the_migration_loaded_the_bundled_table_and_the_demo_trusts_catchments():
    assert (
        PopulationEstimate.objects.filter(area_code="QKK", characteristic="ethnicity").count() == 5
    )
    assert set(TrustCatchment.objects.values_list("trust_ods_code", flat=True)) >= {
        "RV5",
        "RPG",
        "RQY",
    }


def test_a_collaborative_sums_its_catchment_areas_and_a_ward_has_none(world):
    scope = services.collaborative_scope(world.collaborative)  # trusts RV5 and RPG -> QKK
    population, source = services.population_for(scope, ETHNICITY)
    qkk = dict(
        PopulationEstimate.objects.filter(area_code="QKK", characteristic="ethnicity").values_list(
            "group", "population"
        )
    )
    assert population[ETHNICITY.group_keys.index("black")] == qkk["black"]
    assert np.isnan(population[ETHNICITY.group_keys.index("not_known")])
    assert "Census 2021" in source.source
    assert services.population_for(scope, LEARNING_DISABILITY) is None
    ward = services.Scope("ward", "Aspen", (world.ward,), ("RV5",))
    assert services.population_for(ward, SEX) is None


def write(tmp_path, rows, header=FIELDS):
    path = tmp_path / "population.csv"
    lines = [",".join(header)] + [",".join(r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


GOOD = ["Q99", "Test ICB", "2021", "ethnicity", "white", "1000", "0", "A source", ""]


def test_the_loader_adds_and_replaces_rows_and_audits_them(tmp_path):
    path = write(tmp_path, [GOOD, [*GOOD[:4], "black", "500", "0", "A source", ""]])
    call_command("load_population", population=path)
    assert PopulationEstimate.objects.get(area_code="Q99", group="white").population == 1000
    replaced = write(tmp_path, [[*GOOD[:5], "1200", *GOOD[6:]]])
    call_command("load_population", population=replaced)
    assert PopulationEstimate.objects.get(area_code="Q99", group="white").population == 1200
    assert (
        AuditLog.objects.filter(
            object_type="equity.populationestimate", reason="population table reloaded"
        ).count()
        == 1
    )


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ([*GOOD[:5], "many", *GOOD[6:]], "Row 3, population: 'many' is not a whole number"),
        ([*GOOD[:3], "shoe_size", *GOOD[4:]], "Row 3, characteristic: 'shoe_size' is not one of"),
        ([*GOOD[:5], "0", *GOOD[6:]], "Row 3, population: must be more than 0"),
        (GOOD, "Row 3: Q99 2021 ethnicity white is repeated"),
    ],
)
def test_a_bad_row_is_named_and_nothing_is_loaded(tmp_path, row, message):
    path = write(tmp_path, [GOOD, row])
    before = PopulationEstimate.objects.count()
    with pytest.raises(CommandError, match=message):
        call_command("load_population", population=path)
    assert PopulationEstimate.objects.count() == before


def test_a_file_without_the_columns_is_refused():
    with pytest.raises(PopulationFileError, match="missing column"):
        read_population_csv("area_code,population\nQ1,5\n")
