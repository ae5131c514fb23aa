"""Reports in a real browser (issue 7 "Must show"): an admin makes the annual report from the
web page, watches its progress reach "Ready" and downloads the PDF; axe (WCAG 2.2 AA) passes on
the reports list, the report's page, the HTML report itself and the monitoring pages. The
strict CSP stays on throughout: any violation is a console error and fails the test."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import PASSWORD
from tests.reports import data as report_data

pytestmark = pytest.mark.django_db(transaction=True)
GENERATION_TIMEOUT = 120_000  # ms: the report is made while the page waits (in-process backend)


@pytest.fixture
def reporting(world, system, settings: Any, tmp_path: Path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    report_data.build(world)
    return world


def test_an_admin_makes_the_annual_report_watches_it_and_downloads_the_pdf(page: Page, reporting):
    sign_in(page, "admin", PASSWORD)
    page.get_by_role("link", name="Reports").first.click()
    expect(page.locator("h1")).to_have_text("Reports")
    assert_accessible(page)

    page.get_by_role("link", name="Make the annual report").click()
    expect(page.locator("h1")).to_have_text("Make the annual report")
    page.get_by_label("Year").select_option("2025")
    assert_accessible(page)
    page.get_by_role("button", name="Make the report").click(timeout=GENERATION_TIMEOUT)

    status = page.locator("#report-state")
    expect(status).to_have_text("Ready", timeout=GENERATION_TIMEOUT)
    expect(page.locator("#report-progress")).to_have_attribute("value", "100")
    expect(page.locator("h1")).to_have_text("Annual report 2025: Reducing restrictive practice")
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the report (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == "annual-report-2025.pdf"
    assert Path(download.path()).read_bytes()[:5] == b"%PDF-"

    page.get_by_role("link", name="Open the report as a web page").click()
    expect(page.locator("h1")).to_have_text("Annual report 2025: Reducing restrictive practice")
    expect(page.locator("#key-statistics-table")).to_be_visible()
    expect(page.locator("svg.mhsip-report-chart").first).to_be_visible()
    assert_accessible(page)

    page.goto("/reports/")
    expect(page.locator("#reports")).to_contain_text("Ready")
    assert_accessible(page)


def test_the_monitoring_pages_are_accessible_with_their_charts(page: Page, reporting):
    sign_in(page, "trustlead", PASSWORD)
    page.goto("/monitoring/sexual-safety/ALPHA-1/?from-day=1&from-month=1&from-year=2025"
              "&to-day=12&to-month=10&to-year=2025")  # fmt: skip
    expect(page.locator("h1")).to_have_text("Sexual-safety monitoring")
    expect(page.locator("svg.mhsip-report-chart")).to_have_count(3)
    assert_accessible(page)
    page.get_by_role("link", name="AWOL, leave and inpatient deaths").click()
    expect(page.locator("h1")).to_have_text("AWOL, leave and inpatient deaths")
    assert_accessible(page)
    page.goto("/monitoring/awol/")
    expect(page.locator("#deaths-by-status")).to_be_visible()
    assert_accessible(page)


def test_an_analyst_sees_the_monitoring_tables_without_charts_accessibly(page: Page, reporting):
    sign_in(page, "analyst", PASSWORD)
    page.goto("/monitoring/sexual-safety/")
    expect(page.locator("h1")).to_have_text("Sexual-safety monitoring")
    expect(page.locator("svg.mhsip-report-chart")).to_have_count(0)
    assert_accessible(page)
