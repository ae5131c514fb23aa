"""When a weekly ward return is due, and what state each week is in.

A return covers one week, Monday to Sunday. It is due by the end of the Wednesday after its week
(``RETURNS_DUE_DAYS_AFTER_WEEK_END`` days after the Sunday, default 3), *late* after that, and
*missing* once it is still not submitted ``RETURNS_MISSING_AFTER_DAYS`` days after its due date
(default 28): by then the week is a gap in the data, not a return that is on its way
(landscape brief §4.4: explicit zero vs missing, due dates, a late-return dashboard).

Both settings are read here with their defaults; neither needs to be in ``settings.py``.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from mhsip.recording.codes import RecordStatus

DEFAULT_DUE_DAYS_AFTER_WEEK_END = 3  # Sunday + 3 = the Wednesday after the week
DEFAULT_MISSING_AFTER_DAYS = 28


def due_days_after_week_end() -> int:
    return int(
        getattr(settings, "RETURNS_DUE_DAYS_AFTER_WEEK_END", DEFAULT_DUE_DAYS_AFTER_WEEK_END)
    )


def missing_after_days() -> int:
    return int(getattr(settings, "RETURNS_MISSING_AFTER_DAYS", DEFAULT_MISSING_AFTER_DAYS))


def monday_of(day: dt.date) -> dt.date:
    """The Monday that begins the week containing ``day``.

    >>> monday_of(dt.date(2025, 3, 13))  # a Thursday
    datetime.date(2025, 3, 10)
    """
    return day - dt.timedelta(days=day.weekday())


def week_end(week_start: dt.date) -> dt.date:
    return week_start + dt.timedelta(days=6)


def due_date(week_start: dt.date) -> dt.date:
    """The last day on which the return for the week beginning ``week_start`` is on time.

    >>> due_date(dt.date(2025, 3, 10))  # week 10-16 March, due Wednesday 19 March
    datetime.date(2025, 3, 19)
    """
    return week_end(week_start) + dt.timedelta(days=due_days_after_week_end())


def missing_from(week_start: dt.date) -> dt.date:
    """The first day on which an unsubmitted return counts as missing rather than late."""
    return due_date(week_start) + dt.timedelta(days=missing_after_days() + 1)


class WeekStatus(enum.Enum):
    """Status of one ward's return for one week, with text and a tag colour (the text always
    carries the meaning; the colour only repeats it)."""

    SUBMITTED = ("submitted", "Submitted", "green")
    DRAFT = ("draft", "Draft saved", "blue")
    DUE = ("due", "Due", "grey")
    LATE = ("late", "Late", "orange")
    MISSING = ("missing", "Missing", "red")

    def __init__(self, code: str, label: str, colour: str) -> None:
        self.code = code
        self.label = label
        self.colour = colour


def week_status(week_start: dt.date, weekly_return: Any, today: dt.date) -> WeekStatus:
    """The status of a week's return on ``today``.

    ``weekly_return`` is the ward's :class:`~mhsip.returns.models.WeeklyReturn` for the week, or
    ``None`` when nothing has been saved. A submitted return is submitted however late it came;
    a draft counts as not submitted once the due date has passed.
    """
    if weekly_return is not None and weekly_return.status == RecordStatus.SUBMITTED:
        return WeekStatus.SUBMITTED
    if today >= missing_from(week_start):
        return WeekStatus.MISSING
    if today > due_date(week_start):
        return WeekStatus.LATE
    if weekly_return is not None:
        return WeekStatus.DRAFT
    return WeekStatus.DUE


def recent_weeks(today: dt.date, count: int) -> list[dt.date]:
    """The Mondays of the ``count`` most recent weeks that have begun, newest first: the
    current week (still in progress) and the ``count - 1`` before it."""
    this_week = monday_of(today)
    return [this_week - dt.timedelta(weeks=i) for i in range(count)]


def completed_weeks(today: dt.date, count: int) -> list[dt.date]:
    """The Mondays of the ``count`` most recent weeks whose due date has passed, newest first:
    the weeks whose figures should all be in by ``today``."""
    week = monday_of(today) - dt.timedelta(weeks=1)
    while due_date(week) >= today:
        week -= dt.timedelta(weeks=1)
    return [week - dt.timedelta(weeks=i) for i in range(count)]


@dataclass(frozen=True)
class WeekRow:
    """One week of one ward: what a list or overview shows."""

    week_start: dt.date
    status: WeekStatus
    weekly_return: Any  # WeeklyReturn | None

    @property
    def week_end(self) -> dt.date:
        return week_end(self.week_start)

    @property
    def due_date(self) -> dt.date:
        return due_date(self.week_start)

    @property
    def submitted_late(self) -> bool:
        r = self.weekly_return
        return bool(
            r is not None
            and r.submitted_at is not None
            and timezone.localdate(r.submitted_at) > self.due_date
        )
