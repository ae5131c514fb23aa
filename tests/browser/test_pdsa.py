"""Improvement pages in a real browser (issue 6 "Must show"): a ward QI lead plans a PDSA cycle
for a Safewards idea (Soft Words) linked to the restraint measure and sees its start marked on
the ward's restraint chart; a lived-experience network member comments on and proposes change
ideas; a QI lead sets up the ward's project and adapts the collaborative's driver diagram. axe
(WCAG 2.2 AA) passes on every improvement page, forms in their error state too; the strict CSP
stays on (any violation is a console error and fails the test)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from mhsip.improvement.models import Contribution, PdsaCycle
from mhsip.measures.models import Annotation
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import PASSWORD
from tests.improvement import factories

pytestmark = pytest.mark.django_db(transaction=True)

WEEKS = 30


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@pytest.fixture
def data(world, system):
    """Seeds (flushed by earlier browser tests), 30 weeks of restraint data on Aspen Ward up to
    last week, two learning sessions and the collaborative's template driver diagram."""
    factories.catalogue()
    factories.measures()
    first = monday(timezone.localdate()) - dt.timedelta(weeks=WEEKS)
    factories.weekly_data(world.ward, first, [6] * 15 + [2] * 15)
    world.collaborative.learning_sessions.create(number=1, date=first, title="Launch")
    world.collaborative.learning_sessions.create(
        number=2, date=first + dt.timedelta(weeks=13), title="Safewards"
    )
    factories.diagram(factories.project(None, collaborative=world.collaborative))
    return world


def check_error_state(page: Page, button: str) -> None:
    page.get_by_role("button", name=button).click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    assert page.title().startswith("Error: ")
    assert_accessible(page)


def test_a_ward_qi_lead_plans_a_soft_words_cycle_and_sees_it_on_the_restraint_chart(
    page: Page, data
):
    start = monday(timezone.localdate()) - dt.timedelta(weeks=14)
    sign_in(page, "qilead", PASSWORD)
    page.goto("/improvement/")
    assert_accessible(page)
    page.get_by_role("link", name="Aspen Ward", exact=True).click()
    expect(page.locator("h1")).to_have_text("QI project")
    assert_accessible(page)
    page.get_by_role("link", name="Start a PDSA cycle").click()
    expect(page.locator("h1")).to_have_text("Start a PDSA cycle")
    assert_accessible(page)
    check_error_state(page, "Save PDSA cycle")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Choose the change idea this cycle tests"
    )

    page.get_by_label("Change idea", exact=True).select_option(label="Soft Words")
    page.get_by_label("Physical restraint", exact=True).check()
    page.get_by_label("Owner", exact=True).fill("Ada Lead")
    page.locator("#start_date-day").fill(str(start.day))
    page.locator("#start_date-month").fill(str(start.month))
    page.locator("#start_date-year").fill(str(start.year))
    page.get_by_label("Objective", exact=True).fill("Use Soft Words when saying no")
    page.get_by_label("Questions", exact=True).fill("Can every shift use the scripts?")
    page.get_by_label("Prediction", exact=True).fill("Fewer restraints within six weeks")
    page.get_by_label("Who, where and when", exact=True).fill("All staff, from the start date")
    page.get_by_label("Data to collect", exact=True).fill("Weekly restraints; scripts used")
    page.get_by_role("button", name="Save PDSA cycle").click()

    expect(page.locator("h1")).to_have_text("PDSA 1: Soft Words")
    expect(page.locator("[role=status]")).to_contain_text("its dates are marked")
    label = "PDSA 1 start: Soft Words"
    expect(page.get_by_text(f"Marked on this chart for this cycle: {label}")).to_be_visible()
    chart = page.locator("#chart-physical-restraint")
    expect(chart.locator(".mhsip-chart__canvas svg.marks")).to_be_visible()
    assert_accessible(page)
    cycle = PdsaCycle.objects.get()
    assert Annotation.objects.get(source_key=f"pdsa:{cycle.pk}:start").label == label

    # The ward's restraint chart (the measure page) shows the annotation too.
    page.get_by_role(
        "link", name="Physical restraint on Aspen Ward: the full chart and its annotations"
    ).click()
    expect(page.locator("h1")).to_have_text("Physical restraint")
    chart = page.locator("#chart-physical-restraint")
    expect(chart.locator("svg.marks")).to_be_visible()
    notes = chart.locator("details", has_text="Annotations on this chart")
    if notes.get_attribute("open") is None:  # open on the measure page, closed elsewhere
        notes.locator("summary").click()
    note = chart.get_by_role("link", name=label)
    expect(note).to_be_visible()
    assert_accessible(page)
    note.click()
    expect(page.locator("h1")).to_have_text("PDSA 1: Soft Words")


def test_a_lived_experience_member_comments_on_and_proposes_change_ideas(page: Page, data):
    sign_in(page, "member", PASSWORD)
    page.goto("/improvement/change-ideas/")
    expect(page.locator("h1")).to_have_text("Change ideas")
    assert_accessible(page)
    page.get_by_role("link", name="Soft Words").click()
    expect(page.locator("h1")).to_have_text("Soft Words")
    assert_accessible(page)
    check_error_state(page, "Add comment")
    page.get_by_label("Your comment").fill("Being told 'not now, but at four' helped me.")
    page.get_by_role("button", name="Add comment").click()
    expect(page.locator(".mhsip-contribution")).to_contain_text("not now, but at four")
    expect(page.locator(".mhsip-contribution")).to_contain_text("(Network member)")
    assert_accessible(page)

    page.goto("/improvement/change-ideas/propose/")
    assert_accessible(page)
    check_error_state(page, "Propose idea")
    page.get_by_label("Name of the idea").fill("Music on request")
    page.get_by_label("What is it for?").fill("Headphones and music patients can ask for.")
    page.get_by_label("Why do you propose it?").fill("Music helped me come down.")
    page.get_by_role("button", name="Propose idea").click()
    expect(page.locator("h1")).to_have_text("Music on request")
    expect(page.locator(".mhsip-contribution")).to_contain_text("Proposal")
    assert Contribution.objects.filter(author_role="network_member").count() == 2

    for url, heading in [
        ("/improvement/", "Improvement"),
        ("/improvement/calendar/", "Collaborative calendar"),
        ("/improvement/progress/", "Progress"),
        ("/improvement/collaboratives/rrp/", "Together"),
    ]:
        page.goto(url)
        expect(page.locator("h1")).to_have_text(heading)
        expect(page.locator("main")).not_to_contain_text("Aspen Ward")
        assert_accessible(page)


def test_a_qi_lead_sets_up_the_project_and_adapts_the_template_diagram(page: Page, data):
    sign_in(page, "qilead", PASSWORD)
    page.goto("/wards/ALPHA-1/improvement/")
    page.get_by_role("link", name="Set up the QI project").click()
    assert_accessible(page)
    check_error_state(page, "Save project")
    page.get_by_label("Project title").fill("Calmer Aspen")
    page.get_by_label("Reduce", exact=True).check()
    page.get_by_label("What will improve?").fill("restrictive interventions")
    page.get_by_label("By how much? (per cent)").fill("33")
    page.locator("#aim_by-day").fill("30")
    page.locator("#aim_by-month").fill("6")
    page.locator("#aim_by-year").fill("2027")
    page.get_by_label("Project lead").fill("Ada Lead")
    page.get_by_role("button", name="Save project").click()
    expect(page.locator(".nhsuk-lede-text")).to_have_text(
        "Reduce restrictive interventions on Aspen Ward by 33% by 30 June 2027."
    )
    expect(page.locator(".mhsip-score")).to_have_text("1.5")
    assert_accessible(page)

    page.get_by_role("link", name="Start the driver diagram, or copy the collaborative's").click()
    assert_accessible(page)
    page.get_by_role("button", name="Start the driver diagram").click()
    expect(page.locator("h1")).to_have_text("Edit the driver diagram")
    expect(page.locator(".mhsip-edit-tree")).to_contain_text("Soft Words")
    assert_accessible(page)
    page.locator("#secondary-parent").select_option(label="Culture")
    page.locator("#secondary-text").fill("How staff respond to distress")
    page.get_by_role("button", name="Add secondary driver").click()
    expect(page.locator(".mhsip-edit-tree")).to_contain_text("How staff respond to distress")
    check_error_state(page, "Add change idea")
    page.get_by_role("button", name="Move up How staff respond to distress").click()
    page.get_by_role("link", name="Change Culture").click()
    assert_accessible(page)
    page.get_by_label("Text").fill("Ward culture")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Remove Staff skills").click()
    assert_accessible(page)
    page.get_by_role("button", name="Remove").click()
    page.get_by_role("link", name="Finish editing and view the diagram").click()
    diagram = page.get_by_role("img", name="Driver diagram")
    expect(diagram).to_be_visible()
    expect(page.locator(".mhsip-tree")).to_contain_text("Ward culture")
    expect(page.locator(".mhsip-tree")).not_to_contain_text("Staff skills")
    assert_accessible(page)

    page.goto("/wards/ALPHA-1/improvement/change-ideas/new/")
    assert_accessible(page)
    check_error_state(page, "Add idea")
    page.goto("/wards/ALPHA-1/pdsa/")
    assert_accessible(page)


def test_the_collaborative_admin_records_attendance(page: Page, data):
    sign_in(page, "admin", PASSWORD)
    page.goto("/improvement/calendar/")
    assert_accessible(page)
    page.get_by_role("link", name="Record attendance at learning session 1").click()
    assert_accessible(page)
    page.get_by_label("Aspen Ward").check()
    page.get_by_label("Cedar Ward").check()
    page.get_by_role("button", name="Save attendance").click()
    expect(page.locator("tbody")).to_contain_text("2 wards: Aspen Ward, Cedar Ward")
    page.goto("/improvement/collaboratives/rrp/edit/")
    assert_accessible(page)
    page.get_by_label("Project title").fill("")
    check_error_state(page, "Save project")
