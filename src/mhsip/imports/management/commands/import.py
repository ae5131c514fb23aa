# ruff: noqa: N999  (the command is "mhsip import", as the issue names it)
"""``mhsip import incidents|returns FILE --ward CODE | --trust ODS [--mapping NAME] [--dry-run]
[--valid-only]``: import a file from the command line.

Prints a summary, or every problem (row, column, why) and exits with status 1 when anything was
rejected. Runs as the system process ``import:<file name>`` (ADR 0004).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mhsip.audit.actor import System, acting_as
from mhsip.imports import jobs
from mhsip.imports.mappings import MappingError, load_mapping
from mhsip.imports.models import ImportJob, ImportKind, JobStatus
from mhsip.organisations.models import Trust, Ward


class Command(BaseCommand):
    help = "Import use-of-force incidents or weekly returns from a CSV or XLSX file."
    kind: str | None = None  # fixed by import_incidents

    def add_arguments(self, parser: CommandParser) -> None:
        if self.kind is None:
            parser.add_argument("kind", choices=ImportKind.values)
        parser.add_argument("file", help="A .csv or .xlsx file")
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--ward", help="Ward code: every row is for this ward")
        where.add_argument("--trust", help="Trust ODS code: each row names its ward_code")
        parser.add_argument(
            "--mapping",
            default="canonical",
            help="A shipped mapping (canonical, datix) or the path of a .json mapping file",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and report; write nothing"
        )
        parser.add_argument(
            "--valid-only",
            action="store_true",
            help="Write the valid records and reject the rest (still exits 1 if any rejected)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        kind = self.kind or options["kind"]
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file {path}")
        try:
            load_mapping(options["mapping"], kind)
        except MappingError as exc:
            raise CommandError(str(exc)) from None
        ward = trust = None
        if options["ward"]:
            ward = Ward.objects.select_related("site__trust").filter(code=options["ward"]).first()
            if ward is None:
                raise CommandError(f"No ward with code {options['ward']}")
        else:
            trust = Trust.objects.filter(ods_code=options["trust"]).first()
            if trust is None:
                raise CommandError(f"No trust with ODS code {options['trust']}")
        with acting_as(System(f"import:{path.name}")):
            job = jobs.job_create(
                user=None,
                kind=kind,
                file_name=path.name,
                content=path.read_bytes(),
                ward=ward,
                trust=trust,
                mapping=options["mapping"],
                dry_run=options["dry_run"],
                valid_only=options["valid_only"],
            )
        job = jobs.job_run(job.pk)
        self.report(job)

    def report(self, job: ImportJob) -> None:
        noun = "returns" if job.kind == ImportKind.RETURNS else "incidents"
        verb = "would be" if job.dry_run or not job.summary.get("written") else "were"
        self.stdout.write(
            f"Import job {job.pk}: {job.rows_processed:,} rows read. {noun.capitalize()} "
            f"{verb}: {job.created_count:,} created, {job.updated_count:,} updated, "
            f"{job.unchanged_count:,} unchanged; {job.rejected_count:,} rejected."
        )
        mapped = job.summary.get("historic_codes_mapped")
        if mapped:
            self.stdout.write(f"{mapped:,} historic MHSDS v4 type codes (02, 03) mapped to 13.")
        dropped = job.summary.get("dropped_identifiable_columns")
        if dropped:
            self.stdout.write(
                "Identifiable mode is off for this trust: ignored " + ", ".join(dropped) + "."
            )
        if job.errors:
            for error in job.errors:
                where = (
                    f"Row {error['row']}, column {error['column']}"
                    if error["row"]
                    else error["column"]
                )
                self.stderr.write(f"{where}: {error['message']}")
            if job.error_count > len(job.errors):
                self.stderr.write(f"... and {job.error_count - len(job.errors):,} more problems.")
        if job.status == JobStatus.FAILED or job.error_count:
            written = (
                "nothing was written"
                if not job.summary.get("written")
                else "the valid rows were written"
            )
            raise CommandError(f"{job.error_count:,} problems: {written}.")
