"""Reminders: each ward's recording users hear about returns that are due or late."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from mhsip.audit.models import AuditLog
from mhsip.recording.codes import RecordStatus
from mhsip.returns.models import WeeklyReturn
from mhsip.returns.reminders import collect_reminders, remind_returns
from mhsip.returns.tasks import remind_returns_task

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 3, 20)  # Thursday: the week of 10 March became late overnight
LATE_WEEK = dt.date(2025, 3, 10)
DUE_WEEK = dt.date(2025, 3, 17)  # still in progress on the 20th: not yet reminded


@pytest.fixture
def emails(world):
    for key in ("ward_staff", "ward_qi_lead", "trust_lead", "outsider"):
        user = world.users[key]
        user.email = f"{user.username}@example.nhs.uk"
        user.save()
    return world


def submit_all_but(ward, weeks_to_leave, today=TODAY):
    """Submit the ward's returns for the six weeks before ``today`` except ``weeks_to_leave``."""
    monday = today - dt.timedelta(days=today.weekday())
    for i in range(1, 7):
        week = monday - dt.timedelta(weeks=i)
        if week not in weeks_to_leave:
            WeeklyReturn.objects.create(ward=ward, week_start=week, status=RecordStatus.SUBMITTED)


def test_ward_staff_and_qi_leads_of_a_ward_with_a_late_return_are_e_mailed(emails, system):
    submit_all_but(emails.ward, {LATE_WEEK})
    submit_all_but(emails.sibling_ward, set())
    submit_all_but(emails.other_ward, set())
    remind_returns(today=TODAY)
    assert sorted(m.to[0] for m in mail.outbox) == [
        "qilead@example.nhs.uk",
        "staff@example.nhs.uk",
    ]
    message = mail.outbox[0]
    assert message.subject == "1 weekly ward return needs your attention"
    assert "Aspen Ward, week beginning 10 March 2025: late" in message.body
    assert "/wards/ALPHA-1/returns/2025-03-10/" in message.body
    assert "enter 0 where there were none" in message.body


def test_nobody_is_e_mailed_when_every_return_is_in(emails, system):
    for ward in (emails.ward, emails.sibling_ward, emails.other_ward):
        submit_all_but(ward, set())
    assert remind_returns(today=TODAY).reminders == []
    assert mail.outbox == []


def test_a_due_but_not_yet_late_return_is_reminded_as_due(emails, system):
    monday = dt.date(2025, 3, 17)
    submit_all_but(emails.ward, {LATE_WEEK}, today=dt.date(2025, 3, 18))
    run = collect_reminders(dt.date(2025, 3, 18))  # Tuesday: the week of 10 March is due
    (reminder,) = [r for r in run.reminders if r.email == "staff@example.nhs.uk"]
    (ward, row), *_ = reminder.weeks
    assert ward == emails.ward and row.week_start == LATE_WEEK and row.status.code == "due"
    assert monday not in [r.week_start for _, r in reminder.weeks]


def test_users_without_an_e_mail_address_are_listed_not_skipped_silently(world, system):
    submit_all_but(world.ward, {LATE_WEEK})
    run = remind_returns(today=TODAY)
    assert {"staff", "qilead"} <= set(run.without_email)


def test_the_command_takes_a_day_and_can_show_without_sending(emails, capsys):
    call_command("remind_returns", "--today", "2025-03-20", "--dry-run")
    out = capsys.readouterr().out
    assert "To: staff@example.nhs.uk" in out and "Would send" in out
    assert mail.outbox == []
    call_command("remind_returns", "--today", "2025-03-20")
    assert len(mail.outbox) >= 2


def test_the_command_refuses_a_malformed_day(world):
    with pytest.raises(CommandError, match="not a date"):
        call_command("remind_returns", "--today", "20/03/2025")


def test_the_task_sends_the_reminders_and_reports_a_json_summary(emails):
    result = remind_returns_task.enqueue(today="2025-03-20")
    summary = result.return_value
    assert summary["today"] == "2025-03-20" and summary["reminders"] >= 2
    assert len(mail.outbox) == summary["reminders"]
    assert not AuditLog.objects.filter(actor_label="system:task:remind_returns").exists()
