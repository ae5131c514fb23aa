"""The collaborative overview in a real browser (issue 5 "Must show"): a collaborative admin
opens the ward x measure matrix, reads an icon's text in a cell and follows the drill-through
link to that ward's chart; the funnel plot is drawn under the strict CSP. A ward QI lead
proposes a rebase and the admin approves it. axe (WCAG 2.2 AA) passes on the matrix, the rebase
pages, the measure library and the public statistics page."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import PASSWORD
from tests.measures import collab_data
from tests.measures.chart_data import build_ward_data, ensure_measures

pytestmark = pytest.mark.django_db(transaction=True)
SCREENSHOTS = os.environ.get("MHSIP_SCREENSHOTS")  # a folder, to look at the pages


@pytest.fixture
def data(world, system):
    collab_data.build(world)
    return world


def shot(page: Page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


def test_an_admin_reads_a_cell_of_the_matrix_and_drills_through_to_the_chart(page: Page, data):
    sign_in(page, "admin", PASSWORD)
    page.goto("/collaborative/rrp/")
    page.get_by_role("link", name="Measures: every ward at a glance").click()
    expect(page.locator("h1")).to_have_text("Measures: every ward at a glance")
    expect(page.locator("#funnel.mhsip-chart--drawn svg.marks")).to_be_visible()
    shot(page, "collaborative-matrix")
    assert_accessible(page)

    matrix = page.get_by_role("table", name="Variation and assurance of each measure")
    row = matrix.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Aspen Ward"))
    cell = row.locator('td[data-measure="incidents"]')
    # Aspen falls from 3 to 1 a week after its 53-week baseline: Making Data Count reads a shift.
    expect(cell.locator("svg title")).to_have_text("Special cause variation: improvement (lower)")
    expect(cell).to_contain_text("Improvement")
    link = cell.get_by_role("link")
    expect(link).to_have_accessible_name(
        re.compile(r"^Improvement.*: Use-of-force incidents, Aspen Ward \(open the chart\)$")
    )
    expect(link).to_have_attribute("href", "/wards/ALPHA-1/measures/incidents/")
    link.click()

    page.wait_for_url("**/wards/ALPHA-1/measures/incidents/")
    expect(page.locator("h1")).to_have_text("Use-of-force incidents")
    expect(page.locator(".mhsip-chart--drawn")).to_have_count(1)


def test_the_change_from_baseline_and_the_outlier_tables_are_read_in_the_page(page: Page, data):
    sign_in(page, "admin", PASSWORD)
    page.goto("/collaborative/rrp/measures/")
    change = page.get_by_role("table", name="Change in restrictive interventions")
    aspen = change.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Aspen Ward"))
    expect(aspen).to_contain_text("-67%")
    expect(aspen).to_contain_text("25% or more")
    beech = change.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Beech Ward"))
    expect(beech).to_contain_text("100%")
    page.get_by_label("Measure for the change and the funnel plot").select_option("incidents")
    page.get_by_role("button", name="Show").click()
    expect(
        page.get_by_role("heading", name="Change from baseline: use-of-force incidents")
    ).to_be_visible()
    expect(page.locator("#funnel.mhsip-chart--drawn svg.marks")).to_be_visible()
    assert_accessible(page)


def test_a_network_member_sees_only_the_collaborative_total(page: Page, data):
    sign_in(page, "member", PASSWORD)
    page.goto("/collaborative/rrp/measures/")
    matrix = page.get_by_role("table", name="Variation and assurance of each measure")
    expect(matrix.get_by_role("rowheader")).to_have_count(1)
    expect(matrix.get_by_role("rowheader")).to_contain_text("Collaborative total")
    expect(page.locator("#funnel")).to_have_count(0)
    assert_accessible(page)


def test_a_qi_lead_proposes_a_rebase_and_the_admin_approves_it(page: Page, world, system):
    build_ward_data(world.ward)  # 30 weeks from 1 January 2024
    sign_in(page, "qilead", PASSWORD)
    page.goto("/wards/ALPHA-1/rebases/")
    assert_accessible(page)
    page.get_by_role("button", name="Propose a rebase").click()
    page.get_by_role("button", name="Send for approval").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("Enter the reason for recalculating the limits")
    assert page.title().startswith("Error: ")
    assert_accessible(page)

    page.get_by_label("Measure").select_option("restrictive-interventions")
    page.get_by_label("Day").fill("3")
    page.get_by_label("Month").fill("6")
    page.get_by_label("Year").fill("2024")
    page.get_by_label("Why should the limits be recalculated?").fill(
        "Safewards adopted in May; 9 weeks below the centre line since."
    )
    page.get_by_label("Change idea behind it (optional)").fill("Safewards: calm-down methods")
    page.get_by_role("button", name="Send for approval").click()
    expect(page.get_by_role("status")).to_contain_text("Rebase proposed")
    expect(page.get_by_role("table", name="Rebases proposed for Aspen Ward")).to_contain_text(
        "Proposed"
    )
    page.get_by_role("link", name="Sign out").click()

    sign_in(page, "admin", PASSWORD)
    page.goto("/administration/")
    page.get_by_role("link", name="Rebase requests").click()
    assert_accessible(page)
    page.get_by_role("link", name="Decide on the rebase of Restrictive interventions").click()
    expect(page.locator("#chart-now.mhsip-chart--drawn svg.marks")).to_be_visible()
    expect(page.locator("#chart-after.mhsip-chart--drawn svg.marks")).to_be_visible()
    expect(page.locator("#chart-after")).to_contain_text("if approved")
    shot(page, "rebase-decide")
    assert_accessible(page)
    page.get_by_role("radio", name="Approve: recalculate the limits from this date").check()
    page.get_by_label("Note to the ward").fill("Sustained shift with a known cause.")
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_role("status")).to_contain_text("decided")
    expect(page.get_by_role("table", name="The latest rebase decisions")).to_contain_text(
        "Approved"
    )
    page.goto("/wards/ALPHA-1/rebases/fixed-baseline/")
    assert_accessible(page)


def test_the_measure_library_pages_pass_axe(page: Page, world, system):
    ensure_measures()
    sign_in(page, "admin", PASSWORD)
    page.goto("/administration/measures/")
    assert_accessible(page)
    page.get_by_role("button", name="Add a measure").click()
    page.get_by_role("button", name="Save measure").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter the name of the measure")
    assert_accessible(page)


def test_the_public_statistics_page_needs_no_sign_in_and_passes_axe(page: Page, data):
    page.goto("/statistics/")
    expect(page.locator("h1")).to_have_text("Key statistics")
    table = page.get_by_role("table", name="all 3 wards together")
    expect(table).to_contain_text("Restrictive interventions per 1,000 occupied bed days")
    shot(page, "statistics")
    assert_accessible(page)
    page.goto("/")
    expect(page.locator("#key-statistics")).to_be_visible()
    assert_accessible(page)
