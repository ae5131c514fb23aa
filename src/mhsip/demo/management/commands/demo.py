"""``mhsip demo --seed N [--reset]``: load the deterministic demo collaborative.

The generative model is ``/work/shared/brief/synthetic-data.md``; the data is synthetic and every
page showing it says "Demo data". The same seed always loads the same data. The command refuses
a database holding real trusts, and one holding demo data already unless ``--reset`` is given
(which deletes only the demo data, then loads again).
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mhsip.demo.load import DemoDataError, load_demo


class Command(BaseCommand):
    help = "Load the demo collaborative (synthetic data): three trusts, ten fictional wards."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed (default 1); same seed, same data."
        )
        parser.add_argument(
            "--reset", action="store_true", help="Delete existing demo data first, then load."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        seed: int = options["seed"]
        if seed < 0:
            raise CommandError("--seed must be a non-negative integer")
        from django.contrib.auth import get_user_model

        from mhsip.accounts.management.commands.demousers import DEMO_USERNAMES

        had_sign_ins = (
            get_user_model()._default_manager.filter(username__in=DEMO_USERNAMES).exists()
        )
        try:
            summary = load_demo(seed, reset=options["reset"])
        except DemoDataError as exc:
            raise CommandError(str(exc)) from exc
        for line in summary.lines():
            self.stdout.write(line)
        if had_sign_ins:
            call_command("demousers", quiet=True)
            self.stdout.write("Demo sign-ins re-created for the reloaded wards.")
