"""The weekly return API: same scoping, validation and audit as the form."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from mhsip.audit.models import AuditLog
from mhsip.recording.codes import RecordStatus
from mhsip.returns.models import COUNT_FIELDS, WeeklyReturn
from mhsip.returns.schedule import monday_of

pytestmark = pytest.mark.django_db

LAST_WEEK = monday_of(timezone.localdate()) - dt.timedelta(weeks=1)
URL = f"/api/v1/wards/ALPHA-1/returns/{LAST_WEEK.isoformat()}"
COMPLETE = {
    "occupied_bed_days": 133,
    "admissions": 0,
    "leave_days_included": True,
    "incident_level": False,
    **{name: 0 for name in COUNT_FIELDS},
    "submit": True,
}


def put(client, body, url=URL):
    return client.put(url, json.dumps(body), content_type="application/json")


def test_a_recording_role_submits_a_return_and_is_the_audited_actor(world):
    response = put(world.client_for("ward_staff"), COMPLETE)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "submitted" and body["admissions"] == 0 and body["missing"] == []
    saved = WeeklyReturn.objects.get()
    assert (
        AuditLog.objects.get(object_type="returns.weeklyreturn", object_id=str(saved.pk)).actor
        == world.users["ward_staff"]
    )


def test_a_rejected_return_is_422_with_a_message_per_field_and_nothing_is_written(world):
    body = {**COMPLETE, "occupied_bed_days": 500, "seclusion_count": None}
    response = put(world.client_for("ward_qi_lead"), body)
    assert response.status_code == 422
    errors = {e["loc"][-1]: e["msg"] for e in response.json()["detail"]}
    assert errors["occupied_bed_days"].startswith("Occupied bed days must be 140 or fewer")
    assert errors["seclusion_count"].startswith("Enter the number of episodes of seclusion")
    assert not WeeklyReturn.objects.exists()


def test_a_draft_keeps_null_as_missing(world):
    body = {"leave_days_included": True, "incident_level": False, "restraint_count": 0}
    data = put(world.client_for("trust_lead"), body).json()
    assert data["status"] in {"late", "draft"} and data["saved"] is True
    assert data["restraint_count"] == 0 and data["seclusion_count"] is None
    assert "seclusion_count" in data["missing"]


def test_correcting_a_submitted_return_through_the_api_needs_a_reason(world):
    client = world.client_for("ward_staff")
    put(client, COMPLETE)
    assert put(client, {**COMPLETE, "awol_count": 1}).status_code == 422
    ok = put(client, {**COMPLETE, "awol_count": 1, "reason": "AWOL found in the log book"})
    assert ok.status_code == 200 and ok.json()["awol_count"] == 1
    assert AuditLog.objects.filter(reason="AWOL found in the log book").exists()


@pytest.mark.parametrize("role", ["collaborative_admin", "analyst"])
def test_read_only_roles_may_read_but_not_write(world, role):
    client = world.client_for(role)
    assert client.get(URL).status_code == 200
    assert put(client, COMPLETE).status_code == 403
    assert not WeeklyReturn.objects.exists()


@pytest.mark.parametrize("role", ["outsider", "network_member"])
def test_callers_without_the_ward_in_scope_get_404(world, role):
    client = world.client_for(role)
    assert client.get(URL).status_code == 404
    assert client.get("/api/v1/wards/ALPHA-1/returns").status_code == 404
    assert put(client, COMPLETE).status_code == 404


def test_anonymous_callers_get_401(world):
    from django.test import Client

    assert Client().get("/api/v1/wards/ALPHA-1/returns").status_code == 401


def test_the_list_gives_each_recent_week_and_its_status(world):
    WeeklyReturn.objects.create(
        ward=world.ward, week_start=LAST_WEEK, status=RecordStatus.SUBMITTED, admissions=3
    )
    weeks = world.client_for("analyst").get("/api/v1/wards/ALPHA-1/returns?weeks=4").json()
    assert [w["week_start"] for w in weeks][:2] == [
        monday_of(timezone.localdate()).isoformat(),
        LAST_WEEK.isoformat(),
    ]
    assert weeks[1]["status"] == "submitted" and weeks[1]["admissions"] == 3
    assert weeks[0]["saved"] is False and weeks[0]["status"] == "due"


def test_a_week_that_is_not_a_monday_is_refused(world):
    url = f"/api/v1/wards/ALPHA-1/returns/{(LAST_WEEK + dt.timedelta(days=1)).isoformat()}"
    response = world.client_for("ward_staff").get(url)
    assert response.status_code == 422
    assert "not a Monday" in response.json()["detail"]


def test_a_future_week_is_not_found(world):
    url = f"/api/v1/wards/ALPHA-1/returns/{(LAST_WEEK + dt.timedelta(weeks=3)).isoformat()}"
    assert world.client_for("ward_staff").get(url).status_code == 404
