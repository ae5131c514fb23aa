"""``mhsip load_population [--population FILE] [--catchments FILE]``: load population
denominators and trust catchments for equity rates per 100,000 residents.

Without files it (re)loads the bundled table (see :mod:`mhsip.equity.population`). A row with
the same area, year, characteristic and group replaces the stored one. The file is checked
first; any bad row stops the load with its row number and field, and nothing is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mhsip.audit.actor import System, acting_as
from mhsip.equity.population import (
    BUNDLED_CATCHMENTS,
    BUNDLED_POPULATION,
    PopulationFileError,
    read_catchments_csv,
    read_population_csv,
)
from mhsip.equity.services import load_population_rows


class Command(BaseCommand):
    help = "Load population denominators (and trust catchments) for equity rates."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--population", type=Path, default=BUNDLED_POPULATION)
        parser.add_argument("--catchments", type=Path, default=BUNDLED_CATCHMENTS)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            rows = read_population_csv(options["population"].read_text(encoding="utf-8-sig"))
            catchments = read_catchments_csv(options["catchments"].read_text(encoding="utf-8-sig"))
        except OSError as exc:
            raise CommandError(f"Cannot read the file: {exc}") from exc
        except PopulationFileError as exc:
            raise CommandError(str(exc)) from exc
        with acting_as(System("cli:load_population")):
            created, updated = load_population_rows(rows, catchments)
        self.stdout.write(
            f"Population table: {created} rows added, {updated} updated; "
            f"{len(catchments)} trust catchments."
        )
