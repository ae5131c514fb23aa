"""The import pages in a real browser: a ward QI lead imports a Datix export using only the
keyboard, sees the file refused with every problem named by row and column, fixes it and sees it
succeed; axe (WCAG 2.2 AA) passes on each page, the form's error state included."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from mhsip.recording.models import UseOfForceIncident
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import PASSWORD
from tests.imports.factories import csv_bytes, incident_row

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_ward_qi_lead_imports_a_file_with_the_keyboard_alone(page: Page, world, tmp_path):
    rows = [incident_row("DX-1"), incident_row("DX-2", place="roof")]
    bad = tmp_path / "march.csv"
    bad.write_bytes(csv_bytes(rows))
    sign_in(page, "qilead", PASSWORD)
    page.goto("/imports/")
    assert_accessible(page)
    page.goto("/imports/new/")
    assert_accessible(page)

    page.get_by_role("button", name="Check and import").focus()
    page.keyboard.press("Enter")  # nothing chosen: the error summary names each field
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Select a file to import")
    assert page.title().startswith("Error: ")
    assert_accessible(page)

    page.get_by_label("Use-of-force incidents").focus()
    page.keyboard.press("Space")
    page.get_by_label("Which ward is it for?").focus()
    page.keyboard.press("ArrowDown")  # the first ward after the prompt: Aspen Ward
    # The operating system's file dialog is outside the page: Playwright hands the file to the
    # upload input directly (opening the dialog from the button by keyboard was flaky under load).
    expect(page.get_by_role("button", name="Upload the file")).to_be_visible()
    page.locator("input[type=file]").set_input_files(str(bad))
    expect(page.locator(".nhsuk-file-upload__status")).to_contain_text("march.csv")
    page.get_by_role("button", name="Check and import").focus()
    page.keyboard.press("Enter")

    expect(page.locator("h1")).to_contain_text("Import of march.csv")
    expect(page.get_by_text("Nothing was written")).to_be_visible()
    problem = page.locator("tbody tr").first
    expect(problem).to_contain_text("3")
    expect(problem).to_contain_text("place")
    expect(problem).to_contain_text("'roof' is not an allowed answer")
    assert_accessible(page)
    assert not UseOfForceIncident.objects.exists()

    good = tmp_path / "march-fixed.csv"
    good.write_bytes(csv_bytes([rows[0], incident_row("DX-2")]))
    page.goto("/imports/new/")
    page.get_by_label("Use-of-force incidents").check()
    page.get_by_label("Which ward is it for?").select_option("ward:ALPHA-1")
    page.locator("input[type=file]").set_input_files(str(good))
    page.get_by_role("button", name="Check and import").click()
    expect(page.get_by_text("Succeeded")).to_be_visible()
    expect(page.locator(".nhsuk-summary-list").first).to_contain_text("Incidents created")
    assert UseOfForceIncident.objects.count() == 2
    assert_accessible(page)
