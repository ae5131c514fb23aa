"""Background tasks of the returns app (Django's Tasks API through django-tasks, ADR 0007)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from mhsip.audit.actor import System, acting_as
from mhsip.returns.reminders import remind_returns


@task()
def remind_returns_task(today: str | None = None) -> dict[str, int | str]:
    """Send the weekly-return reminders for ``today`` (ISO date; default today). Schedule it
    daily, or on Thursdays for returns that became late overnight. Returns a JSON summary."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    with acting_as(System("task:remind_returns")):
        run = remind_returns(today=day)
    return {
        "today": day.isoformat(),
        "reminders": len(run.reminders),
        "weeks": run.weeks,
        "without_email": len(run.without_email),
    }
