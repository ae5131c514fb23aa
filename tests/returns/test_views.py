"""The weekly return pages: a ward's weeks, one week's form, and the leads' overview."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from mhsip.audit.models import AuditLog
from mhsip.recording.codes import RecordStatus
from mhsip.recording.models import WardCensus
from mhsip.returns.models import BedDaySource, WeeklyReturn
from mhsip.returns.schedule import monday_of

pytestmark = pytest.mark.django_db


def weeks_ago(n: int) -> dt.date:
    return monday_of(timezone.localdate()) - dt.timedelta(weeks=n)


def week_url(code: str, week: dt.date) -> str:
    return reverse("returns:return-week", kwargs={"code": code, "week": week.isoformat()})


FULL = {
    "occupied_bed_days": "126",
    "admissions": "0",
    "leave_days_included": "yes",
    "incident_level": "no",
    "restraint_count": "2",
    "prone_restraint_count": "0",
    "rapid_tranquillisation_count": "0",
    "seclusion_count": "1",
    "segregation_count": "0",
    "mechanical_restraint_count": "0",
    "sexual_safety_count": "0",
    "awol_count": "0",
    "self_harm_count": "0",
}


def test_the_list_shows_each_recent_week_with_its_status_in_words(world):
    WeeklyReturn.objects.create(
        ward=world.ward, week_start=weeks_ago(1), status=RecordStatus.SUBMITTED
    )
    page = world.client_for("ward_staff").get(
        reverse("returns:return-list", kwargs={"code": "ALPHA-1"})
    )
    text = page.content.decode()
    assert "Submitted" in text and "Late" in text and "Due" in text
    assert f"Week beginning {weeks_ago(1):%-d %b %Y}" in text


def test_a_new_return_is_prefilled_from_a_complete_census(world):
    week = weeks_ago(2)
    WardCensus.objects.bulk_create(
        WardCensus(ward=world.ward, date=week + dt.timedelta(days=i), occupied=18) for i in range(7)
    )
    page = world.client_for("ward_qi_lead").get(week_url("ALPHA-1", week))
    assert 'value="126"' in page.content.decode()
    assert "From the ward&#39;s daily midnight census: 126 bed days" in page.content.decode()


def test_bed_days_matching_the_census_are_recorded_as_from_the_census(world):
    week = weeks_ago(2)
    WardCensus.objects.bulk_create(
        WardCensus(ward=world.ward, date=week + dt.timedelta(days=i), occupied=18) for i in range(7)
    )
    client = world.client_for("ward_qi_lead")
    client.post(week_url("ALPHA-1", week), {**FULL, "action": "submit"})
    saved = WeeklyReturn.objects.get(ward=world.ward, week_start=week)
    assert saved.bed_day_source == BedDaySource.CENSUS
    client.post(
        week_url("ALPHA-1", week), {**FULL, "occupied_bed_days": "120", "reason": "recount"}
    )
    saved.refresh_from_db()
    assert saved.bed_day_source == BedDaySource.ENTERED


def test_submitting_records_zeros_as_zero_and_the_user_as_the_actor(world):
    week = weeks_ago(2)
    response = world.client_for("ward_qi_lead").post(
        week_url("ALPHA-1", week), {**FULL, "action": "submit"}
    )
    assert response.status_code == 302
    saved = WeeklyReturn.objects.get(ward=world.ward, week_start=week)
    assert saved.status == RecordStatus.SUBMITTED
    assert saved.admissions == 0 and saved.sexual_safety_count == 0
    assert saved.submitted_by == world.users["ward_qi_lead"]
    entry = AuditLog.objects.get(object_type="returns.weeklyreturn", object_id=str(saved.pk))
    assert entry.actor == world.users["ward_qi_lead"]


def test_a_draft_may_be_partial_and_empty_boxes_stay_missing(world):
    week = weeks_ago(0)
    response = world.client_for("ward_staff").post(
        week_url("ALPHA-1", week),
        {
            "leave_days_included": "yes",
            "incident_level": "no",
            "restraint_count": "0",
            "action": "draft",
        },
    )
    assert response.status_code == 302
    saved = WeeklyReturn.objects.get(ward=world.ward, week_start=week)
    assert saved.status == RecordStatus.DRAFT
    assert saved.restraint_count == 0 and saved.seclusion_count is None
    assert saved.occupied_bed_days is None


def test_submitting_with_an_empty_box_shows_an_error_summary_naming_the_field(world):
    data = {**FULL, "seclusion_count": "", "action": "submit"}
    response = world.client_for("ward_staff").post(week_url("ALPHA-1", weeks_ago(1)), data)
    text = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in text
    assert 'href="#seclusion_count"' in text
    assert "Enter the number of episodes of seclusion (0 if none)" in text
    assert not WeeklyReturn.objects.exists()


def test_too_many_bed_days_names_the_field_and_the_limit(world):
    data = {**FULL, "occupied_bed_days": "141", "action": "draft"}
    response = world.client_for("ward_staff").post(week_url("ALPHA-1", weeks_ago(1)), data)
    assert "Occupied bed days must be 140 or fewer" in response.content.decode()
    assert 'href="#occupied_bed_days"' in response.content.decode()


def test_correcting_a_submitted_return_needs_a_reason_that_goes_into_the_audit_log(world):
    week = weeks_ago(1)
    client = world.client_for("ward_qi_lead")
    client.post(week_url("ALPHA-1", week), {**FULL, "action": "submit"})
    refused = client.post(week_url("ALPHA-1", week), {**FULL, "restraint_count": "3"})
    assert "Give a reason for changing a submitted return" in refused.content.decode()
    client.post(
        week_url("ALPHA-1", week),
        {**FULL, "restraint_count": "3", "reason": "One restraint was entered late in Datix"},
    )
    saved = WeeklyReturn.objects.get(ward=world.ward, week_start=week)
    assert saved.restraint_count == 3 and saved.status == RecordStatus.SUBMITTED
    update = AuditLog.objects.filter(
        object_type="returns.weeklyreturn", object_id=str(saved.pk), action="update"
    ).get()
    assert update.reason == "One restraint was entered late in Datix"
    assert update.changes["restraint_count"] == [2, 3]


@pytest.mark.parametrize("role", ["analyst", "collaborative_admin"])
def test_read_only_roles_see_the_figures_but_cannot_save(world, role):
    week = weeks_ago(1)
    world.client_for("ward_staff").post(week_url("ALPHA-1", week), {**FULL, "action": "submit"})
    client = world.client_for(role)
    page = client.get(week_url("ALPHA-1", week)).content.decode()
    assert "0 (none)" in page and '<form method="post"' not in page
    assert client.post(week_url("ALPHA-1", week), {**FULL, "action": "submit"}).status_code == 403


def test_a_date_inside_a_week_redirects_to_its_monday(world):
    response = world.client_for("ward_staff").get(
        week_url("ALPHA-1", weeks_ago(1) + dt.timedelta(days=3))
    )
    assert response.status_code == 302
    assert response["Location"] == week_url("ALPHA-1", weeks_ago(1))


@pytest.mark.parametrize("week", ["2025-13-01", "not-a-date"])
def test_a_malformed_week_is_not_found(world, week):
    url = reverse("returns:return-week", kwargs={"code": "ALPHA-1", "week": week})
    assert world.client_for("ward_staff").get(url).status_code == 404


def test_a_week_that_has_not_begun_is_not_found(world):
    future = week_url("ALPHA-1", weeks_ago(-1))
    assert world.client_for("ward_staff").get(future).status_code == 404


def test_the_outsider_cannot_post_a_return_for_another_trusts_ward(world):
    response = world.client_for("outsider").post(
        week_url("ALPHA-1", weeks_ago(1)), {**FULL, "action": "submit"}
    )
    assert response.status_code == 404
    assert not WeeklyReturn.objects.exists()


def test_the_overview_counts_late_and_missing_returns_per_ward(world):
    WeeklyReturn.objects.create(
        ward=world.ward, week_start=weeks_ago(1), status=RecordStatus.SUBMITTED
    )
    page = world.client_for("trust_lead").get(reverse("returns:overview")).content.decode()
    assert "Aspen Ward" in page and "Beech Ward" in page
    assert "Cedar Ward" not in page  # another trust
    assert "Submitted" in page and "Missing" in page and "Late" in page


def test_the_overview_shows_all_wards_to_the_collaborative_admin(world):
    page = world.client_for("collaborative_admin").get(reverse("returns:overview"))
    assert b"Cedar Ward" in page.content


def test_the_ward_list_links_leads_to_the_overview(world):
    url = reverse("returns:return-list", kwargs={"code": "ALPHA-1"})
    overview = reverse("returns:overview")
    assert overview in world.client_for("trust_lead").get(url).content.decode()
    assert overview not in world.client_for("ward_staff").get(url).content.decode()
