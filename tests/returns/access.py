"""Who may open each weekly-return page (format: tests/core/test_views_access.py)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from mhsip.recording.codes import RecordStatus
from mhsip.returns.models import WeeklyReturn
from mhsip.returns.schedule import monday_of

READERS = ["ward_staff", "ward_qi_lead", "trust_lead", "collaborative_admin", "analyst"]


def submitted_last_week(world):
    week = monday_of(timezone.localdate()) - dt.timedelta(weeks=1)
    WeeklyReturn.objects.create(
        ward=world.ward,
        week_start=week,
        status=RecordStatus.SUBMITTED,
        occupied_bed_days=120,
        admissions=2,
        incident_level=False,
        restraint_count=3,
        prone_restraint_count=0,
    )
    return {"code": world.ward.code, "week": week.isoformat()}


ACCESS = {
    "returns:return-list": ({"code": "ALPHA-1"}, READERS, 404, False),
    "returns:return-week": (submitted_last_week, READERS, 404, False),
    "returns:overview": ({}, ["trust_lead", "collaborative_admin", "analyst"], 403, False),
}
