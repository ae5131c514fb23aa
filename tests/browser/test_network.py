"""The safety network in a real browser: a member of the public sends the "Get in touch" form
and, in a second browser, a collaborative admin finds it in triage; a network member registers
for a meeting and sees themselves registered. axe (WCAG 2.2 AA) passes on every page, the
contact form in its error state too."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from mhsip.audit.actor import System, acting_as
from mhsip.network.models import ContactRequest, Registration
from tests.browser.conftest import assert_accessible, is_real_error, sign_in
from tests.conftest import PASSWORD
from tests.network.factories import make_meeting, make_member

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def second_page(browser: Browser, live_server: Any) -> Iterator[Page]:
    """A page in a separate browser context (its own cookies): the team's browser."""
    context = browser.new_context(base_url=live_server.url)
    other = context.new_page()
    other.set_default_timeout(15_000)
    errors: list[str] = []
    other.on("console", lambda m: errors.append(m.text) if is_real_error(m) else None)
    other.on("pageerror", lambda e: errors.append(str(e)))
    yield other
    context.close()
    assert errors == [], f"the team's browser reported errors: {errors}"


def test_a_member_of_the_public_sends_a_message_and_the_team_sees_it_in_triage(
    page: Page, second_page: Page, world
):
    page.goto("/")
    page.get_by_role("link", name="Get in touch").click()
    expect(page.locator("h1")).to_have_text("Get in touch")
    assert_accessible(page)

    page.get_by_role("button", name="Send message").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter your email address, so we can reply")
    assert page.title().startswith("Error: ")
    assert_accessible(page)

    page.get_by_label("Your name").fill("Sam Sample")
    page.get_by_label("Your email address").fill("sam@example.org")
    page.get_by_label("Organisation (optional)").fill("Example Mental Health Charity")
    page.get_by_role("radio", name="Joining the safety network").check()
    page.get_by_label("Your message").fill("I would like to join the safety network.")
    page.get_by_role("button", name="Send message").click()
    page.wait_for_url("**/contact/sent/")
    expect(page.locator("h1")).to_have_text("Message sent")
    assert_accessible(page)
    assert ContactRequest.objects.get().name == "Sam Sample"

    team = second_page
    sign_in(team, "admin", PASSWORD)
    team.get_by_role("link", name="Network", exact=True).first.click()
    team.get_by_role("link", name="Messages to the team").click()
    row = team.locator("tr", has_text="Sam Sample")
    expect(row).to_contain_text("Joining the safety network")
    expect(row).to_contain_text("New")
    assert_accessible(team)

    row.get_by_role("link", name="Sam Sample").click()
    expect(team.locator("h1")).to_have_text("Message from Sam Sample")
    expect(team.locator("main")).to_contain_text("I would like to join the safety network.")
    assert_accessible(team)
    team.get_by_role("radio", name="In progress").check()
    team.get_by_label("Assigned to").select_option(label="admin (admin)")
    team.get_by_label("Note").fill("Sent the joining pack")
    team.get_by_role("button", name="Save").click()
    team.wait_for_url("**/network/contact/")
    expect(team.locator("[role=status]")).to_contain_text("has been updated")
    expect(team.locator("tr", has_text="Sam Sample")).to_contain_text("In progress")
    assert_accessible(team)

    team.goto("/network/members/")
    expect(team.locator("h1")).to_have_text("Member directory")
    assert_accessible(team)


def test_a_network_member_registers_for_a_meeting_and_sees_themselves_registered(page: Page, world):
    with acting_as(System("test")):
        make_member("Nell Member", user=world.users["network_member"], email="nell@example.org")
        make_member("Alex Example", email="alex@example.org")
        make_member("Cal Placeholder", consent_listed=False)
        meeting = make_meeting(title="Spring safety network meeting", capacity=30)
    sign_in(page, "member", PASSWORD)
    page.get_by_role("link", name="Network", exact=True).first.click()
    expect(page.locator("h1")).to_have_text("Safety network")
    assert_accessible(page)

    page.get_by_role("link", name="All meetings, past and upcoming").click()
    expect(page.locator("h1")).to_have_text("Network meetings")
    assert_accessible(page)

    page.get_by_role("link", name="Spring safety network meeting").click()
    expect(page.locator("h1")).to_have_text("Spring safety network meeting")
    expect(page.locator("main")).to_contain_text("30 of 30 places left")
    assert_accessible(page)

    page.get_by_role("button", name="Register for this meeting").click()
    expect(page.locator("h1")).to_have_text("Register for this meeting")
    assert_accessible(page)
    page.get_by_label("Step-free access").check()
    page.get_by_label("Dietary needs (tell us more below)").check()
    page.get_by_role("button", name="Register").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Tell us about the dietary needs")
    assert page.title().startswith("Error: ")
    assert_accessible(page)

    page.get_by_label("Anything else we should know? (optional)").fill("Vegetarian")
    page.get_by_role("button", name="Register").click()
    page.wait_for_url(f"**/network/meetings/{meeting.pk}/")
    expect(page.locator("[role=status]")).to_contain_text(
        "You are registered for ‘Spring safety network meeting’"
    )
    expect(page.locator("#your-status")).to_contain_text("Registered")
    expect(page.locator("#your-status")).to_contain_text("You have a place at this meeting")
    expect(page.locator("main")).to_contain_text("29 of 30 places left")
    assert_accessible(page)
    registration = Registration.objects.get()
    assert registration.status == "registered"
    assert registration.access_needs == ["step_free", "dietary"]

    page.goto("/network/members/")
    expect(page.locator("h1")).to_have_text("Member directory")
    expect(page.locator("table")).to_contain_text("Alex Example")
    expect(page.locator("table")).not_to_contain_text("Cal Placeholder")
    assert_accessible(page)


def test_the_network_team_pages_are_accessible_even_with_errors(page: Page, world):
    with acting_as(System("test")):
        member = make_member("Alex Example", email="alex@example.org")
        past = make_meeting(days=-3, title="Winter safety network meeting")
        upcoming = make_meeting(title="Spring safety network meeting", capacity=1)
        Registration.objects.create(meeting=past, member=member, status="registered")
        Registration.objects.create(
            meeting=upcoming, member=member, status="registered", access_needs=["bsl"]
        )
    sign_in(page, "admin", PASSWORD)
    pages = [
        "/network/",
        f"/network/meetings/{upcoming.pk}/",
        f"/network/meetings/{upcoming.pk}/registrations/",
        f"/network/meetings/{past.pk}/attendance/",
        f"/network/meetings/{past.pk}/feedback/summary/",
        f"/network/members/{member.pk}/",
        f"/network/members/{member.pk}/edit/",
        "/network/involvement/",
        "/network/me/",
    ]
    for url in pages:
        page.goto(url)
        assert_accessible(page)
    for url, button in [
        ("/network/meetings/new/", "Save meeting"),
        (f"/network/meetings/{upcoming.pk}/materials/new/", "Share file"),
        ("/network/members/new/", "Save member"),
        (f"/network/members/{member.pk}/consent/", "Record consent"),
        (f"/network/members/{member.pk}/involvement/new/", "Save involvement"),
    ]:
        page.goto(url)
        assert_accessible(page)
        page.get_by_role("button", name=button).click()
        expect(page.locator(".nhsuk-error-summary")).to_be_focused()
        assert page.title().startswith("Error: "), url
        assert_accessible(page)
