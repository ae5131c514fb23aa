"""The equity pages in a real browser: a collaborative admin reads rates and ratios by ethnic
group beside their charts, switches to another characteristic, opens the Use of Force Act
statistics and downloads them; a network member sees only published collaborative figures.
axe (WCAG 2.2 AA) passes on every page; the strict CSP stays on (any violation fails)."""

from __future__ import annotations

import csv
import io
import os

import pytest
from playwright.sync_api import Page, expect

from mhsip.audit.actor import System, acting_as
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import PASSWORD
from tests.equity.data import simulate

pytestmark = pytest.mark.django_db(transaction=True)
SCREENSHOTS = os.environ.get("MHSIP_SCREENSHOTS")


@pytest.fixture
def data(world):
    with acting_as(System("test:equity")):
        simulate(
            [world.ward, world.sibling_ward, world.other_ward],
            seed=9,
            groups={
                "white": ("A", 150, 1.0),
                "black": ("M", 90, 3.0),
                "asian": ("H", 50, 1.2),
                "other": ("S", 30, 1.3),
                "mixed": ("D", 25, 1.5),
            },
        )
    return world


def shoot(page: Page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)


def test_an_admin_reads_the_equity_page_and_switches_characteristic(page: Page, data):
    sign_in(page, "admin", PASSWORD)
    page.goto("/equity/")
    expect(page.locator("h1")).to_contain_text("Equity in restrictive practice")
    expect(page.locator(".mhsip-chart--drawn")).to_have_count(2)
    expect(page.locator("#equity-ratio .mhsip-chart__canvas svg")).to_be_visible()
    table = page.get_by_role("table", name="Restrictive interventions by ethnic group")
    expect(table).to_contain_text("Black or Black British")
    expect(page.get_by_text("Published figures")).to_be_visible()
    shoot(page, "equity-overview")
    assert_accessible(page)

    page.get_by_label("Characteristic").select_option("sex")
    page.get_by_role("button", name="Show figures").click()
    expect(page.get_by_role("table", name="Restrictive interventions by sex")).to_be_visible()
    expect(page.get_by_label("Compare with (reference group)")).to_have_value("male")
    assert_accessible(page)

    page.goto("/equity/?characteristic=star-sign")
    assert page.title().startswith("Error: ")
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("Choose a characteristic from the list")
    summary.get_by_role("link", name="Choose a characteristic from the list").click()
    expect(page.get_by_label("Characteristic")).to_be_focused()
    assert_accessible(page)


def test_an_admin_reads_and_downloads_the_use_of_force_act_statistics(page: Page, data):
    sign_in(page, "admin", PASSWORD)
    page.goto("/equity/use-of-force-act/")
    expect(page.locator("h1")).to_contain_text("Use of Force Act statistics")
    expect(page.locator(".mhsip-chart--drawn")).to_have_count(1)
    expect(page.get_by_role("table", name="Use of force by unit")).to_contain_text("Aspen Ward")
    page.locator(".nhsuk-details__summary-text", has_text="Duration of physical").click()
    expect(page.get_by_text("0 to 10 minutes").first).to_be_visible()
    shoot(page, "equity-use-of-force")
    assert_accessible(page)
    with page.expect_download() as info:
        page.get_by_role(
            "link", name="Download these statistics (CSV, disclosure-controlled)"
        ).click()
    with open(info.value.path(), encoding="utf-8") as f:
        text = f.read()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0].startswith("Use of Force Act statistics")
    assert any(row and row[0] == "Aspen Ward" for row in rows)


def test_a_network_member_sees_published_collaborative_figures_only(page: Page, data):
    sign_in(page, "member", PASSWORD)
    page.goto("/equity/")
    expect(page.get_by_text("Published figures")).to_be_visible()
    expect(page.get_by_label("Ward")).to_have_count(0)
    assert_accessible(page)
    page.goto("/equity/use-of-force-act/")
    expect(page.get_by_text("Figures for the whole collaborative only")).to_be_visible()
    expect(page.get_by_text("Aspen Ward")).to_have_count(0)
    assert_accessible(page)
