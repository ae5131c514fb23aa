"""Weekly returns and sexual-safety pages in a real browser: a ward QI lead submits a late
return with zeros and a missing figure told apart; a trust lead sees the completeness flag;
axe (WCAG 2.2 AA) passes on every page, forms in their error state too."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from mhsip.audit.actor import System, acting_as
from mhsip.organisations.models import Ward, WardType
from mhsip.recording.codes import RecordStatus
from mhsip.returns.models import WeeklyReturn
from mhsip.returns.schedule import completed_weeks, monday_of
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import PASSWORD
from tests.safety import factories

pytestmark = pytest.mark.django_db(transaction=True)

COUNTS = [
    "Physical restraints (all positions)",
    "Of which prone (face down)",
    "Rapid tranquillisation",
    "Episodes of seclusion",
    "Episodes of long-term segregation",
    "Mechanical restraints",
    "Sexual-safety incidents",
    "Self-harm incidents",
]  # "Patients absent without leave (AWOL)" is left empty: not known this week


def test_a_ward_qi_lead_submits_a_late_return_with_zeros_and_a_missing_figure(page: Page, world):
    week = monday_of(timezone.localdate()) - dt.timedelta(weeks=2)
    sign_in(page, "qilead", PASSWORD)
    page.goto("/wards/ALPHA-1/returns/")
    row = page.locator("tr", has_text=f"Week beginning {week.day} {week:%b %Y}")
    expect(row).to_contain_text("Late")
    assert_accessible(page)

    row.get_by_role("link").click()
    expect(page.locator("h1")).to_contain_text("Weekly return: week beginning")
    assert_accessible(page)
    page.get_by_label("Occupied bed days").fill("133")
    page.get_by_role("radio", name="Yes").check()
    page.get_by_label("Admissions").fill("0")
    page.get_by_role("radio", name="As weekly counts on this form").check()
    for label in COUNTS:
        page.get_by_label(label, exact=True).fill("0")
    page.get_by_label("Physical restraints (all positions)").fill("2")
    page.get_by_role("button", name="Submit return").click()

    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter the number of AWOL episodes (0 if none)")
    assert page.title().startswith("Error: ")
    assert_accessible(page)

    page.get_by_label("Some figures are not available this week").check()
    page.get_by_label("Which figures are not available, and why?").fill(
        "AWOL log not yet reconciled with the bed manager"
    )
    page.get_by_role("button", name="Submit return").click()
    page.wait_for_url("**/wards/ALPHA-1/returns/")
    expect(page.locator("[role=status]")).to_contain_text("has been submitted")
    expect(page.locator("tr", has_text=f"Week beginning {week.day} {week:%b %Y}")).to_contain_text(
        "Submitted"
    )
    assert_accessible(page)

    saved = WeeklyReturn.objects.get(ward=world.ward, week_start=week)
    assert saved.status == RecordStatus.SUBMITTED
    assert saved.restraint_count == 2 and saved.seclusion_count == 0 and saved.awol_count is None
    assert saved.figures_unavailable


def test_a_trust_lead_sees_a_ward_flagged_for_possible_under_reporting(page: Page, world):
    weeks = completed_weeks(timezone.localdate(), 4)
    with acting_as(System("test")):
        for i in range(3):
            peer = Ward.objects.create(
                site=world.ward.site,
                code=f"PEER-{i}",
                name=f"Peer Ward {i}",
                beds=20,
                ward_type=WardType.ACUTE_MALE,
                active_from=dt.date(2024, 1, 1),
            )
            for week in weeks:
                WeeklyReturn.objects.create(
                    ward=peer,
                    week_start=week,
                    status=RecordStatus.SUBMITTED,
                    occupied_bed_days=140,
                    incident_level=False,
                    restraint_count=4,
                    prone_restraint_count=1,
                    rapid_tranquillisation_count=0,
                    seclusion_count=0,
                    segregation_count=0,
                    mechanical_restraint_count=0,
                )
        for week in weeks:
            WeeklyReturn.objects.create(
                ward=world.ward,
                week_start=week,
                status=RecordStatus.SUBMITTED,
                occupied_bed_days=140,
                incident_level=True,
            )
    sign_in(page, "trustlead", PASSWORD)
    page.goto("/returns/overview/")
    expect(page.locator("h1")).to_have_text("Late and missing weekly returns")
    callout = page.locator("#under-reporting")
    expect(callout).to_contain_text("Possible under-reporting")
    expect(callout).to_contain_text(
        "Aspen Ward: 0 recorded in 4 weeks with 560 occupied bed days; "
        "peers' median rate would predict 16."
    )
    expect(page.locator("tr", has_text="Peer Ward 0").first).to_contain_text("Submitted")
    assert_accessible(page)


def test_the_sexual_safety_list_and_form_are_accessible_even_with_errors(page: Page, world):
    with acting_as(System("test")):
        factories.sexual_safety(world.ward, local_reference="DX-77")
    sign_in(page, "staff", PASSWORD)
    page.goto("/wards/ALPHA-1/")
    page.get_by_role("link", name="Sexual-safety incidents").click()
    expect(page.locator("h1")).to_have_text("Sexual-safety incidents")
    expect(page.locator("table")).to_contain_text("Verbal abuse using sexual words")
    assert_accessible(page)

    page.get_by_role("button", name="Record a sexual-safety incident").click()
    expect(page.locator("h1")).to_have_text("Record a sexual-safety incident")
    assert_accessible(page)
    page.get_by_role("group", name="Who was affected?").get_by_role("radio", name="Patient").check()
    page.get_by_label("If the person affected is a patient: their hospital number").fill("H1")
    page.get_by_role("button", name="Submit record").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_focused()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter when it happened")
    assert page.title().startswith("Error: ")
    assert_accessible(page)

    page.locator(".nhsuk-error-summary a", has_text="Enter when it happened").click()
    expect(page.locator("#occurred_at-day")).to_be_focused()
