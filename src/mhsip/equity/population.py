"""Population denominators: the bundled table, how it was derived, and how to read one.

Source. No ONS ethnicity-by-area table is stored with the project, but NHS England's *Mental
Health Act Statistics, Annual Figures 2023-24* (the suppressed main CSV,
``/work/shared/data/mha-annual-2023-24/``; Open Government Licence v3.0) publishes, for England
and for each integrated care board (ICB), detention counts and **crude rates per 100,000
population** by ethnic group, sex and age band. The population behind each rate is therefore

    population = count / crude rate x 100,000

and NHS England's own populations for these rates are the ONS Census 2021 figures (the England
figures derived this way match the census: White 45.66 million, Black 2.38 million). The derived
value is uncertain because the published counts are rounded to the nearest 5 and the rates to
one decimal place: the relative error is at most ``2.5 / count + 0.05 / rate``. Rows whose bound
exceeds :data:`MAX_RELATIVE_ERROR` (5%) are left out (the under-18 bands, small ICB groups), and
the bound is kept with each row. Populations are rounded to the nearest 100.

Only "All detentions" rows, measure subcategory "All", MHSDS data source, organisation
breakdown "All submissions" (England) or "ICB" are used.

:func:`derive_from_mha` does the derivation (``python -m mhsip.equity.population MHA.csv`` writes
the bundled ``data/population.csv``); :func:`read_population_csv` reads and checks a population
file (the bundled one, or one a deployment loads with ``mhsip load_population``), naming the row
and field of any problem.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
BUNDLED_POPULATION = DATA_DIR / "population.csv"
BUNDLED_CATCHMENTS = DATA_DIR / "catchments.csv"
MAX_RELATIVE_ERROR = 0.05
ENGLAND_CODE = "E92000001"

SOURCE = (
    "ONS Census 2021 population as used by NHS England, Mental Health Act Statistics, Annual "
    "Figures 2023-24 (derived: count / crude rate x 100,000)"
)
SOURCE_URL = (
    "https://digital.nhs.uk/data-and-information/publications/statistical/"
    "mental-health-act-statistics-annual-figures"
)
CENSUS_YEAR = 2021

ETHNICITY_GROUPS = {
    "White": "white",
    "Mixed": "mixed",
    "Asian or Asian British": "asian",
    "Black or Black British": "black",
    "Other Ethnic Groups": "other",
}
SEX_GROUPS = {"Male": "male", "Female": "female"}
AGE_GROUPS = {
    "18 to 34": "18_34",
    "35 to 49": "35_49",
    "50 to 64": "50_64",
    "65 and over": "65_plus",
}
DEMOGRAPHICS = {
    "Ethnicity": ("ethnicity", ETHNICITY_GROUPS),
    "Gender": ("sex", SEX_GROUPS),
    "Age": ("age_band", AGE_GROUPS),
}

FIELDS = (
    "area_code",
    "area_name",
    "year",
    "characteristic",
    "group",
    "population",
    "relative_error",
    "source",
    "source_url",
)
CATCHMENT_FIELDS = ("trust_ods_code", "area_code", "note")
CHARACTERISTICS = {"ethnicity", "sex", "age_band"}


class PopulationFileError(ValueError):
    """A population or catchment file has a bad row; the message names the row and field."""


@dataclass(frozen=True)
class PopulationRow:
    area_code: str
    area_name: str
    year: int
    characteristic: str
    group: str
    population: int
    relative_error: float
    source: str
    source_url: str


@dataclass(frozen=True)
class CatchmentRow:
    trust_ods_code: str
    area_code: str
    note: str


def derive_from_mha(rows: Iterable[dict[str, str]]) -> list[PopulationRow]:
    """Population rows derived from the MHA annual CSV's counts and crude rates.

    >>> rows = [{"Measure": "All detentions", "measureSubcategory": "All",
    ...          "Demographic": "Ethnicity", "DemographicBreakdown": "Black or Black British",
    ...          "OrganisationBreakdown": "ICB", "Datasource": "MHSDS", "OrgID": "QKK",
    ...          "OrgName": "NHS SOUTH EAST LONDON INTEGRATED CARE BOARD",
    ...          "Total_Count": "1030", "CrudeRate": "294.5"}]
    >>> [(r.area_code, r.group, r.population) for r in derive_from_mha(rows)]
    [('QKK', 'black', 349700)]
    """
    out: dict[tuple[str, str, str], PopulationRow] = {}
    for row in rows:
        if (
            row.get("Measure") != "All detentions"
            or row.get("measureSubcategory") != "All"
            or row.get("Datasource") != "MHSDS"
            or row.get("Demographic") not in DEMOGRAPHICS
        ):
            continue
        org = row.get("OrganisationBreakdown")
        if org == "All submissions" and row.get("OrgID") == "All prov":
            code, name = ENGLAND_CODE, "England"
        elif org == "ICB":
            code, name = row["OrgID"], row["OrgName"].title().replace("Nhs ", "NHS ")
        else:
            continue
        characteristic, groups = DEMOGRAPHICS[row["Demographic"]]
        group = groups.get(row.get("DemographicBreakdown", ""))
        try:
            count = float(row.get("Total_Count") or "nan")
            crude = float(row.get("CrudeRate") or "nan")
        except ValueError:
            continue
        if group is None or not (count > 0 and crude > 0):
            continue
        error = 2.5 / count + 0.05 / crude
        if error > MAX_RELATIVE_ERROR:
            continue
        population = int(round(count / crude * 100_000 / 100.0) * 100)
        out[(code, characteristic, group)] = PopulationRow(
            code,
            name,
            CENSUS_YEAR,
            characteristic,
            group,
            population,
            round(error, 4),
            SOURCE,
            SOURCE_URL,
        )
    return sorted(out.values(), key=lambda r: (r.area_code, r.characteristic, r.group))


def write_population_csv(rows: Iterable[PopulationRow], stream: io.TextIOBase) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(FIELDS)
    for r in rows:
        writer.writerow([getattr(r, f) for f in FIELDS])


def _text(row: dict[str, str], field: str, line: int, *, max_length: int) -> str:
    value = (row.get(field) or "").strip()
    if not value:
        raise PopulationFileError(f"Row {line}, {field}: enter a value")
    if len(value) > max_length:
        raise PopulationFileError(f"Row {line}, {field}: longer than {max_length} characters")
    return value


def read_population_csv(text: str) -> list[PopulationRow]:
    """Parse a population file; raises :class:`PopulationFileError` naming the row and field."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [f for f in FIELDS if f not in (reader.fieldnames or [])]
    if missing:
        raise PopulationFileError(f"Header: missing column(s) {', '.join(missing)}")
    rows: list[PopulationRow] = []
    seen: set[tuple[str, int, str, str]] = set()
    for line, row in enumerate(reader, start=2):
        code = _text(row, "area_code", line, max_length=12)
        characteristic = _text(row, "characteristic", line, max_length=30)
        if characteristic not in CHARACTERISTICS:
            raise PopulationFileError(
                f"Row {line}, characteristic: '{characteristic}' is not one of "
                f"{', '.join(sorted(CHARACTERISTICS))}"
            )
        group = _text(row, "group", line, max_length=30)
        try:
            year = int(row.get("year") or "")
        except ValueError:
            raise PopulationFileError(
                f"Row {line}, year: '{row.get('year')}' is not a year"
            ) from None
        try:
            population = int(row.get("population") or "")
        except ValueError:
            raise PopulationFileError(
                f"Row {line}, population: '{row.get('population')}' is not a whole number"
            ) from None
        if population <= 0:
            raise PopulationFileError(f"Row {line}, population: must be more than 0")
        try:
            error = float(row.get("relative_error") or "0")
        except ValueError:
            raise PopulationFileError(
                f"Row {line}, relative_error: '{row.get('relative_error')}' is not a number"
            ) from None
        key = (code, year, characteristic, group)
        if key in seen:
            raise PopulationFileError(
                f"Row {line}: {code} {year} {characteristic} {group} is repeated"
            )
        seen.add(key)
        rows.append(
            PopulationRow(
                area_code=code,
                area_name=_text(row, "area_name", line, max_length=200),
                year=year,
                characteristic=characteristic,
                group=group,
                population=population,
                relative_error=error,
                source=_text(row, "source", line, max_length=300),
                source_url=(row.get("source_url") or "").strip(),
            )
        )
    return rows


def read_catchments_csv(text: str) -> list[CatchmentRow]:
    reader = csv.DictReader(io.StringIO(text))
    missing = [f for f in CATCHMENT_FIELDS if f not in (reader.fieldnames or [])]
    if missing:
        raise PopulationFileError(f"Header: missing column(s) {', '.join(missing)}")
    out = []
    for line, row in enumerate(reader, start=2):
        out.append(
            CatchmentRow(
                trust_ods_code=_text(row, "trust_ods_code", line, max_length=5),
                area_code=_text(row, "area_code", line, max_length=12),
                note=(row.get("note") or "").strip(),
            )
        )
    return out


def main(argv: list[str] | None = None) -> int:
    """``python -m mhsip.equity.population MHA.csv > population.csv``"""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m mhsip.equity.population MHA_ANNUAL.csv", file=sys.stderr)
        return 2
    with open(args[0], encoding="utf-8-sig", newline="") as f:
        rows = derive_from_mha(csv.DictReader(f))
    write_population_csv(rows, sys.stdout)  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
