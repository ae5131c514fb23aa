"""The ward dashboard in a real browser (issue 5 "Must show"): a ward QI lead opens their
dashboard, sees charts with icons, tabs to a special-cause point and reads why it is flagged,
downloads the CSV; axe (WCAG 2.2 AA) passes on the dashboard and on one measure's page. The
page's strict CSP stays on throughout: any violation is a console error and fails the test."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os

import pytest
from playwright.sync_api import Browser, Page, expect

from mhsip.audit.actor import System, acting_as
from mhsip.recording.models import Patient
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import PASSWORD
from tests.measures.chart_data import (
    MISSING_WEEK,
    SPIKE_WEEK,
    WEEKS,
    add_incident,
    build_ward_data,
    week,
)

pytestmark = pytest.mark.django_db(transaction=True)
SCREENSHOTS = os.environ.get("MHSIP_SCREENSHOTS")  # a folder, to look at the charts


@pytest.fixture
def data(world, system):
    build_ward_data(world.ward)
    return world


def test_a_ward_qi_lead_reads_why_a_point_is_flagged_and_downloads_the_data(page: Page, data):
    sign_in(page, "qilead", PASSWORD)
    page.goto("/wards/ALPHA-1/")
    page.get_by_role("link", name="Measures and SPC charts for Aspen Ward").click()
    expect(page.locator("h1")).to_have_text("Measures")
    chart = page.locator("#chart-restrictive-interventions")
    expect(chart.locator(".mhsip-chart__canvas svg.marks")).to_be_visible()
    expect(page.locator(".mhsip-chart--drawn")).to_have_count(
        page.locator("[data-spc-chart]").count()
    )
    expect(chart.locator(".mhsip-chart__icons")).to_contain_text("variation")
    expect(chart.get_by_role("img").first).to_be_visible()
    if SCREENSHOTS:
        for n in range(3):
            page.screenshot(
                path=f"{SCREENSHOTS}/ward-dashboard-{n}.png",
                full_page=True,
                clip={"x": 0, "y": n * 1100, "width": 1280, "height": 1100},
            )
    assert_accessible(page)

    # Keyboard: from the control just before the chart, Tab reaches the flagged point.
    special = chart.locator(".mhsip-chart__special")
    expect(special).to_have_count(1)
    chart.locator(".mhsip-chart__icons").evaluate("el => { el.tabIndex = -1; el.focus(); }")
    page.keyboard.press("Tab")
    expect(special).to_be_focused()
    label = special.get_attribute("aria-label")
    assert label == "3 Jun 2024: Special cause: concern. Above the upper control limit"
    tooltip = page.locator("#vg-tooltip-element")
    expect(tooltip).to_be_visible()
    expect(tooltip).to_contain_text("Above the upper control limit")
    expect(tooltip).to_contain_text("3 Jun 2024")
    if SCREENSHOTS:
        chart.screenshot(path=f"{SCREENSHOTS}/ward-chart-focused.png")
    page.keyboard.press("Tab")
    expect(tooltip).not_to_be_visible()

    # The same explanation is in the data table, on the flagged week's row.
    chart.get_by_text("Data table: restrictive interventions").click()
    row = chart.locator("tr.mhsip-row--special")
    expect(row).to_contain_text("3 Jun 2024")
    expect(row).to_contain_text("Above the upper control limit")

    with page.expect_download() as download_info:
        chart.get_by_role("link", name="Download data (CSV)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("ALPHA-1-restrictive-interventions-")
    with open(download.path(), encoding="utf-8") as f:
        text = f.read()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0].keys() >= {"period_start", "numerator", "denominator", "value", "explanation"}
    assert len(rows) == WEEKS
    assert rows[MISSING_WEEK]["value"] == "" and rows[MISSING_WEEK]["point_type"] == "missing"
    assert rows[SPIKE_WEEK]["special_cause"] == "yes"
    assert rows[SPIKE_WEEK]["period_start"] == "2024-06-03"


def test_one_measure_page_is_accessible_with_its_chart_table_and_annotations(page: Page, data):
    patient = Patient.objects.get(trust=data.trust)
    with acting_as(System("test")):  # a sustained rise over the last 7 weeks: an XmR shift
        for n in range(WEEKS - 7, WEEKS):
            for hour in (8, 9, 10):
                add_incident(
                    data.ward, patient, dt.datetime.combine(week(n), dt.time(hour), dt.UTC)
                )
    sign_in(page, "qilead", PASSWORD)
    page.goto("/wards/ALPHA-1/measures/")
    page.get_by_role("link", name="Open the chart of restrictive interventions").click()
    expect(page.locator("h1")).to_have_text("Restrictive interventions")
    expect(page.locator(".mhsip-chart__canvas svg.marks")).to_be_visible()
    spike = page.locator("tr.mhsip-row--special", has_text="3 Jun 2024")
    expect(spike).to_contain_text("Above the upper control limit")
    shift = page.locator("tr.mhsip-row--special", has_text="22 Jul 2024")
    expect(shift).to_contain_text("8th point in a row above the mean")
    expect(page.locator("tr.mhsip-row--missing")).to_contain_text("Missing")
    if SCREENSHOTS:
        page.screenshot(
            path=f"{SCREENSHOTS}/ward-measure.png",
            full_page=True,
            clip={"x": 0, "y": 500, "width": 1280, "height": 1300},
        )
    assert_accessible(page)

    page.get_by_text("Change the dates or chart type").click()
    page.get_by_label("Chart type").select_option("xmr")
    page.get_by_role("button", name="Show charts").click()
    expect(page.locator(".mhsip-chart__canvas svg.marks")).to_be_visible()
    expect(page.locator(".mhsip-chart__canvas")).to_contain_text("XmR chart")
    assert_accessible(page)

    # The chart flags several points (the spike and the shift after it); the chart is one tab
    # stop and the arrow keys move between its flagged points in date order.
    special = page.locator(".mhsip-chart__special")
    expect(special.first).to_be_attached()
    count = special.count()
    assert count >= 2
    assert [special.nth(i).get_attribute("tabindex") for i in range(count)].count("0") == 1
    special.first.focus()
    first = special.first.get_attribute("aria-label")
    page.keyboard.press("ArrowRight")
    focused = page.evaluate("() => document.activeElement.getAttribute('aria-label')")
    assert focused != first and focused == special.nth(1).get_attribute("aria-label")
    page.keyboard.press("End")
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") == (
        special.nth(count - 1).get_attribute("aria-label")
    )


def test_a_bad_date_gets_an_error_summary_that_links_to_the_field(page: Page, data):
    sign_in(page, "qilead", PASSWORD)
    page.goto("/wards/ALPHA-1/measures/restrictive-interventions/")
    page.get_by_text("Change the dates or chart type").click()
    page.locator("#from-day").fill("31")
    page.locator("#from-month").fill("2")
    page.get_by_role("button", name="Show charts").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("The start date must be a real date")
    assert page.title().startswith("Error: ")
    assert_accessible(page)


def test_without_javascript_each_chart_is_the_server_rendered_svg(
    browser: Browser, live_server, data
):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        sign_in(page, "qilead", PASSWORD)
        with page.expect_response("**/restrictive-interventions.svg**") as svg:
            page.goto("/wards/ALPHA-1/measures/restrictive-interventions/")
        image = page.locator("img.mhsip-chart__image")
        expect(image).to_be_visible()
        assert image.get_attribute("alt").startswith("u chart (rate) of restrictive interventions")
        assert svg.value.status == 200
        assert svg.value.header_value("content-type") == "image/svg+xml"
        box = image.bounding_box()
        assert box and box["width"] > 300 and box["height"] > 150  # the picture, not a broken icon
    finally:
        context.close()
