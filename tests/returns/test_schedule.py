"""Due dates and statuses of weekly returns (issue 4: due by the end of the Wednesday after the
week, late after that, missing if never submitted)."""

from __future__ import annotations

import datetime as dt
import doctest
from types import SimpleNamespace

import pytest

from mhsip.returns import completeness, schedule, services
from mhsip.returns.schedule import (
    WeekStatus,
    completed_weeks,
    due_date,
    missing_from,
    monday_of,
    recent_weeks,
    week_status,
)

WEEK = dt.date(2025, 3, 10)  # Monday 10 March 2025
DRAFT = SimpleNamespace(status="draft", submitted_at=None)
SUBMITTED = SimpleNamespace(status="submitted", submitted_at=None)


@pytest.mark.parametrize("module", [schedule, completeness, services])
def test_the_docstring_examples_hold(module):
    assert doctest.testmod(module).failed == 0


def test_a_return_is_due_by_the_wednesday_after_its_week():
    assert due_date(WEEK) == dt.date(2025, 3, 19)
    assert due_date(WEEK).strftime("%A") == "Wednesday"


def test_the_due_date_follows_the_setting(settings):
    settings.RETURNS_DUE_DAYS_AFTER_WEEK_END = 1
    assert due_date(WEEK) == dt.date(2025, 3, 17)


@pytest.mark.parametrize(
    ("today", "saved", "status"),
    [
        (dt.date(2025, 3, 12), None, WeekStatus.DUE),  # during the week
        (dt.date(2025, 3, 19), None, WeekStatus.DUE),  # the due date itself
        (dt.date(2025, 3, 19), DRAFT, WeekStatus.DRAFT),
        (dt.date(2025, 3, 20), None, WeekStatus.LATE),  # the Thursday after
        (dt.date(2025, 3, 20), DRAFT, WeekStatus.LATE),  # a draft is not a return
        (dt.date(2025, 4, 16), None, WeekStatus.LATE),  # 28 days after the due date
        (dt.date(2025, 4, 17), None, WeekStatus.MISSING),
        (dt.date(2025, 4, 17), SUBMITTED, WeekStatus.SUBMITTED),  # submitted however late
    ],
)
def test_each_week_has_one_status_on_each_day(today, saved, status):
    assert week_status(WEEK, saved, today) is status


def test_a_return_becomes_missing_28_days_after_its_due_date_by_default():
    assert missing_from(WEEK) == dt.date(2025, 4, 17)


def test_every_status_has_words_as_well_as_a_colour():
    assert {s.label for s in WeekStatus} == {"Submitted", "Draft saved", "Due", "Late", "Missing"}
    assert len({s.colour for s in WeekStatus}) == len(WeekStatus)


def test_recent_weeks_start_with_the_current_week():
    assert recent_weeks(dt.date(2025, 3, 13), 3) == [
        dt.date(2025, 3, 10),
        dt.date(2025, 3, 3),
        dt.date(2025, 2, 24),
    ]
    assert monday_of(dt.date(2025, 3, 16)) == WEEK


def test_completed_weeks_are_those_whose_due_date_has_passed():
    # On Wednesday 19 March the week of 10 March is still due; on Thursday it is not.
    assert completed_weeks(dt.date(2025, 3, 19), 2) == [dt.date(2025, 3, 3), dt.date(2025, 2, 24)]
    assert completed_weeks(dt.date(2025, 3, 20), 1) == [WEEK]
