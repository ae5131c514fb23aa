"""``mhsip report``: make the annual report or a monthly ward pack from the command line.

    mhsip report annual --year 2026 -o annual.pdf
    mhsip report ward --ward ALPHA-1 --month 2026-03 -o pack.html

The output's extension chooses the format (``.pdf`` or ``.html``). The report is built in this
process (not queued), recorded in the reports list as made "by the command line", and acts as
the system process ``cli:report`` (ADR 0004). ``--rule`` chooses the disclosure rule: ``hes``
(the default), ``mhsds``, or for a ward pack ``none`` (for the ward team only).
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mhsip.audit.actor import System, acting_as
from mhsip.organisations.models import Collaborative, Ward
from mhsip.reports import services
from mhsip.reports.models import GeneratedReport, ReportStatus

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class Command(BaseCommand):
    help = "Make the annual report or a monthly ward pack as PDF or HTML."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="kind", required=True, parser_class=type(parser))
        annual = sub.add_parser("annual", help="The annual report of the collaborative")
        annual.add_argument("--year", type=int, required=True, help="The year, e.g. 2026")
        annual.add_argument(
            "--collaborative", default="", help="Its slug (default: the current collaborative)"
        )
        annual.add_argument("--rule", default="hes", choices=["hes", "mhsds"])
        annual.add_argument("-o", "--output", required=True, help="FILE.pdf or FILE.html")
        ward = sub.add_parser("ward", help="A monthly ward pack")
        ward.add_argument("--ward", required=True, help="The ward code, e.g. ALPHA-1")
        ward.add_argument("--month", required=True, help="The month, YYYY-MM")
        ward.add_argument("--rule", default="hes", choices=["hes", "mhsds", "none"])
        ward.add_argument("-o", "--output", required=True, help="FILE.pdf or FILE.html")

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"])
        fmt = output.suffix.lower().lstrip(".")
        if fmt not in {"pdf", "html"}:
            raise CommandError(f"-o {output}: the file name must end in .pdf or .html")
        if not output.parent.exists():
            raise CommandError(f"-o {output}: the folder {output.parent} does not exist")
        began = time.perf_counter()
        with acting_as(System("cli:report")):
            report = self._make(options)
        if report.status != ReportStatus.SUCCEEDED:
            raise CommandError(f"The report could not be made: {report.error}")
        stored = report.pdf_file if fmt == "pdf" else report.html_file
        with stored.open("rb") as handle:
            output.write_bytes(handle.read())
        seconds = time.perf_counter() - began
        self.stdout.write(
            f"{report.title}: written to {output} ({output.stat().st_size:,} bytes) "
            f"in {seconds:.1f} s (report {report.pk})."
        )

    def _make(self, options: dict[str, Any]) -> GeneratedReport:
        try:
            if options["kind"] == "annual":
                collaborative = None
                if options["collaborative"]:
                    collaborative = Collaborative.objects.filter(
                        slug=options["collaborative"]
                    ).first()
                    if collaborative is None:
                        raise CommandError(
                            f"--collaborative {options['collaborative']}: no such collaborative"
                        )
                return services.create_annual(
                    None,
                    options["year"],
                    collaborative=collaborative,
                    rule=options["rule"],
                    background=False,
                )
            if not MONTH.match(options["month"]):
                raise CommandError(f"--month {options['month']}: use YYYY-MM, e.g. 2026-03")
            ward = Ward.objects.filter(code=options["ward"]).first()
            if ward is None:
                raise CommandError(f"--ward {options['ward']}: no ward has this code")
            return services.create_ward_pack(
                None, ward, options["month"], rule=options["rule"], background=False
            )
        except services.ReportError as exc:
            raise CommandError(str(exc)) from None
