"""Reminders about weekly ward returns that are due or late.

Each ward's recording users (its ward staff and ward QI leads, active, with an e-mail address)
get one e-mail listing every week of their wards whose return is due (the week has ended and the
due date has not passed) or late. Returns already missing are left to the leads' overview: the
reminder is about what can still be sent (landscape brief §4.4 and §4.10, notifications for data
due). Sent with Django's ``send_mail`` (the console back end in development).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from mhsip.accounts.roles import Role
from mhsip.organisations.models import Ward
from mhsip.returns import services
from mhsip.returns.schedule import WeekRow, WeekStatus

REMIND_WEEKS = 6  # how far back to look: late returns older than this are missing anyway
NEEDS_ATTENTION = {WeekStatus.DUE, WeekStatus.DRAFT, WeekStatus.LATE}


@dataclass
class Reminder:
    name: str
    email: str
    weeks: list[tuple[Ward, WeekRow]] = field(default_factory=list)

    @property
    def late(self) -> int:
        return sum(row.status is WeekStatus.LATE for _, row in self.weeks)


def weeks_needing_attention(ward: Ward, today: dt.date) -> list[WeekRow]:
    """The ward's ended weeks whose return is due, in draft or late (oldest first)."""
    rows = services.ward_weeks(ward, today=today, count=REMIND_WEEKS)
    return [r for r in reversed(rows) if r.week_end < today and r.status in NEEDS_ATTENTION]


def _line(ward: Ward, row: WeekRow) -> str:
    link = settings.SITE_ROOT.rstrip("/") + reverse(
        "returns:return-week", kwargs={"code": ward.code, "week": row.week_start.isoformat()}
    )
    when = f"{row.due_date:%A %-d %B %Y}"
    if row.status is WeekStatus.LATE:
        state = f"late: it was due by the end of {when}"
    elif row.status is WeekStatus.DRAFT:
        state = f"saved as a draft, not yet submitted; due by the end of {when}"
    else:
        state = f"due by the end of {when}"
    return f"- {ward.name}, week beginning {row.week_start:%-d %B %Y}: {state}\n  {link}"


def message_for(reminder: Reminder) -> tuple[str, str]:
    n = len(reminder.weeks)
    subject = (
        f"{n} weekly ward return{'s' if n != 1 else ''} "
        f"{'need' if n != 1 else 'needs'} your attention"
    )
    lines = "\n".join(_line(ward, row) for ward, row in reminder.weeks)
    body = (
        f"Hello {reminder.name},\n\n"
        f"These weekly ward returns are not yet submitted:\n\n{lines}\n\n"
        "On a return, enter 0 where there were none. An empty box is reported as missing, "
        "never as zero. If a figure is not available, tick 'Some figures are not available "
        "this week' and say why.\n\n"
        f"{settings.MHSIP_SERVICE_NAME}\n"
    )
    return subject, body


@dataclass
class ReminderRun:
    reminders: list[Reminder]
    without_email: list[str]  # recording users who could not be reminded: no e-mail address

    @property
    def weeks(self) -> int:
        return len({(ward.pk, row.week_start) for r in self.reminders for ward, row in r.weeks})


def collect_reminders(today: dt.date) -> ReminderRun:
    """One reminder per recording user of a ward with a return due or late on ``today``."""
    by_user: dict[int, Reminder] = {}
    without_email: set[str] = set()
    for ward in Ward.objects.select_related("site__trust").order_by("name"):
        rows = weeks_needing_attention(ward, today)
        if not rows:
            continue
        users = ward.staff.filter(
            is_active=True, role__in=[Role.WARD_STAFF, Role.WARD_QI_LEAD]
        ).order_by("username")
        for user in users:
            if not user.email:
                without_email.add(user.username)
                continue
            name = user.get_full_name() or user.username
            reminder = by_user.setdefault(user.pk, Reminder(name, user.email))
            reminder.weeks.extend((ward, row) for row in rows)
    return ReminderRun(list(by_user.values()), sorted(without_email))


def remind_returns(*, today: dt.date, send: bool = True) -> ReminderRun:
    """E-mail every reminder for ``today`` (unless ``send`` is False); return what was (or would
    be) sent. Writes nothing to the database."""
    run = collect_reminders(today)
    if send:
        for reminder in run.reminders:
            subject, body = message_for(reminder)
            send_mail(subject, body, None, [reminder.email], fail_silently=False)
    return run
