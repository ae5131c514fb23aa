"""``mhsip spc INPUT.csv --chart u --value COL ...``: SPC on a CSV file (see docs/spc.md).

The arguments are parsed by :func:`mhsip.spc.cli.run_cli`, which needs no database, so the
command hands its argv over untouched.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand

from mhsip.spc.cli import run_cli


class Command(BaseCommand):
    help = "Statistical process control on a CSV file (mhsip spc --help)."

    def run_from_argv(self, argv: list[str]) -> None:
        sys.exit(run_cli(argv[2:]))

    def handle(self, *args: Any, **options: Any) -> None:  # pragma: no cover - via argv
        sys.exit(run_cli(list(args)))
