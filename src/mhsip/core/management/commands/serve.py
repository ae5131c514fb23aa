"""``mhsip serve``: the development server on http://127.0.0.1:8000 (static files by WhiteNoise).

In production run the WSGI application ``mhsip.wsgi:application`` under a process manager
(several processes behind a load balancer on one PostgreSQL).
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve MHSIP for development (default 127.0.0.1:8000)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--noreload", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("runserver", options["addrport"], use_reloader=not options["noreload"])
