"""``mhsip remind_returns [--today YYYY-MM-DD] [--dry-run]``: e-mail ward recording users about
weekly returns that are due or late, acting as ``task:remind_returns``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from mhsip.audit.actor import System, acting_as
from mhsip.returns.reminders import message_for, remind_returns


def parse_day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today {value!r} is not a date like 2025-03-13") from None


class Command(BaseCommand):
    help = "E-mail each ward's recording users about weekly returns that are due or late."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="Pretend it is this day (YYYY-MM-DD); default today")
        parser.add_argument(
            "--dry-run", action="store_true", help="Show the e-mails without sending them"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = parse_day(options["today"]) if options["today"] else timezone.localdate()
        with acting_as(System("task:remind_returns")):
            run = remind_returns(today=today, send=not options["dry_run"])
        for reminder in run.reminders:
            if options["dry_run"]:
                subject, body = message_for(reminder)
                self.stdout.write(f"To: {reminder.email}\nSubject: {subject}\n\n{body}")
        verb = "Would send" if options["dry_run"] else "Sent"
        self.stdout.write(
            f"{verb} {len(run.reminders)} reminder(s) about {run.weeks} weekly return(s) "
            f"due or late on {today:%-d %B %Y}."
        )
        if run.without_email:
            self.stderr.write("Not reminded (no e-mail address): " + ", ".join(run.without_email))
