"""A ward nurse records a use of force with two interventions using only the keyboard: Tab and
Shift+Tab to move, typing, arrow keys and Space for choices, Enter to press buttons. No clicks,
no fill(). The record then appears in the ward's list and in the audit log, and axe (WCAG 2.2 AA)
passes on the list, the form (also in its error state) and the record."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from mhsip.audit.models import Action, AuditLog
from mhsip.recording.models import UseOfForceIncident
from tests.browser.conftest import assert_accessible
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

MAX_PRESSES = 400


def active(page: Page) -> dict:
    return page.evaluate(
        """() => { const a = document.activeElement;
                   return {id: a ? a.id : '', name: a ? (a.name || '') : '',
                           text: a ? (a.innerText || '').trim() : '', tag: a ? a.tagName : ''}; }"""
    )


def tab_to(page: Page, element_id: str) -> None:
    """Press Tab (or Shift+Tab, if the element lies above the focus) until it has focus."""
    key = _direction(page, element_id)
    for _ in range(MAX_PRESSES):
        if active(page)["id"] == element_id:
            return
        page.keyboard.press(key)
    raise AssertionError(f"Tab never reached #{element_id}")


def tab_to_text(page: Page, text: str) -> None:
    """Press Tab until a link or button with this text has focus."""
    for _ in range(MAX_PRESSES):
        if active(page)["text"] == text:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached '{text}'")


def type_into(page: Page, element_id: str, text: str) -> None:
    tab_to(page, element_id)
    page.keyboard.type(text)


def _direction(page: Page, element_id: str) -> str:
    return page.evaluate(
        """(id) => { const t = document.getElementById(id);
                     if (!t) throw new Error('no element #' + id);
                     const a = document.activeElement;
                     if (!a || a === document.body) return 'Tab';
                     return a.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_PRECEDING
                       ? 'Shift+Tab' : 'Tab'; }""",
        element_id,
    )


def choose_radio(page: Page, option_id: str) -> None:
    """Tab into the radio group, arrow to the option (arrows check it), then Space."""
    name = page.evaluate("(id) => document.getElementById(id).name", option_id)
    key = _direction(page, option_id)
    for _ in range(MAX_PRESSES):
        if active(page)["name"] == name:
            break
        page.keyboard.press(key)
    for _ in range(12):
        if active(page)["id"] == option_id:
            break
        page.keyboard.press("ArrowRight")
    assert active(page)["id"] == option_id, f"could not reach #{option_id}"
    page.keyboard.press("Space")
    assert page.is_checked(f"#{option_id}")


def choose_option(page: Page, select_id: str, value: str) -> None:
    """Focus the select and move through its options with the arrow keys."""
    tab_to(page, select_id)
    values = page.eval_on_selector(f"#{select_id}", "s => [...s.options].map(o => o.value)")
    target = values.index(value)
    for _ in range(len(values) + 1):
        current = page.eval_on_selector(f"#{select_id}", "s => s.selectedIndex")
        if current == target:
            return
        page.keyboard.press("ArrowDown" if current < target else "ArrowUp")
    raise AssertionError(f"could not choose {value} in #{select_id}")


def type_date(page: Page, prefix: str, day: str, month: str, year: str) -> None:
    type_into(page, f"{prefix}-day", day)
    page.keyboard.press("Tab")
    page.keyboard.type(month)
    page.keyboard.press("Tab")
    page.keyboard.type(year)


def press_button(page: Page, element_id: str) -> None:
    tab_to(page, element_id)
    page.keyboard.press("Enter")
    page.wait_for_load_state()


def sign_in_by_keyboard(page: Page, username: str) -> None:
    page.goto("/sign-in/")
    type_into(page, "username", username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/home/")


def test_a_ward_nurse_records_use_of_force_with_two_interventions_by_keyboard(page: Page, world):
    sign_in_by_keyboard(page, "staff")
    page.goto("/wards/ALPHA-1/")
    tab_to_text(page, "Use of force records for Aspen Ward")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Use of force records")
    assert_accessible(page)

    press_button(page, "record-use-of-force")
    expect(page.locator("h1")).to_have_text("Record use of force")
    assert_accessible(page)

    # Submitting the empty form shows the error summary, focused, and stays accessible.
    press_button(page, "submit-record")
    expect(page.locator(".nhsuk-error-summary")).to_be_focused()
    assert page.title().startswith("Error: ")
    assert page.locator(".nhsuk-error-summary__list a").count() == 17
    assert_accessible(page)

    # The patient
    type_into(page, "patient_identifier", "RX 1234567")
    choose_radio(page, "patient-learning_disability-2")
    choose_radio(page, "patient-autism-3")
    choose_option(page, "patient-ethnicity", "N")
    # When and where
    type_date(page, "started_at", "14", "3", "2025")
    page.keyboard.press("Tab")
    page.keyboard.type("14:35")
    type_into(page, "ended_at-time", "16:00")
    choose_option(page, "place", "communal")
    choose_radio(page, "reason")
    # Intervention 1: prone restraint
    choose_option(page, "interventions-0-type_code", "01")
    type_into(page, "interventions-0-started_at-time", "14:35")
    type_into(page, "interventions-0-ended_at-time", "14:45")
    choose_radio(page, "interventions-0-in_care_plan-2")
    choose_radio(page, "interventions-0-injury_patient-2")
    choose_radio(page, "interventions-0-injury_staff")
    choose_radio(page, "interventions-0-injury_other-2")
    # Intervention 2: seclusion
    choose_option(page, "interventions-1-type_code", "05")
    type_into(page, "interventions-1-started_at-time", "14:45")
    type_into(page, "interventions-1-ended_at-time", "16:00")
    choose_radio(page, "interventions-1-in_care_plan")
    for name in ("injury_patient", "injury_staff", "injury_other"):
        choose_radio(page, f"interventions-1-{name}-2")

    # "Add another intervention" keeps everything typed and adds a third, blank row.
    press_button(page, "add-intervention")
    expect(page.locator("#interventions-2-type_code")).to_be_visible()
    assert page.input_value("#patient_identifier") == "RX 1234567"
    assert page.input_value("#interventions-1-type_code") == "05"
    assert page.input_value("#interventions-1-ended_at-time") == "16:00"
    assert page.is_checked("#interventions-0-injury_staff")

    type_into(page, "how_force_used", "Two staff held the patient prone, then seclusion.")
    tab_to(page, "de_escalation")
    page.keyboard.press("Space")
    type_into(page, "staff-0-job_title", "Staff nurse")
    choose_option(page, "staff-0-role", "lead")
    type_into(page, "staff-1-job_title", "Healthcare assistant")
    choose_option(page, "staff-1-role", "upper_limbs")
    choose_radio(page, "non_staff_involvement")
    type_into(page, "outcome", "Settled in seclusion; physical health checked.")
    choose_radio(page, "death_or_serious_injury-2")
    choose_radio(page, "care_plan_notification")
    choose_radio(page, "review_with_patient_held-2")
    choose_option(page, "review_with_patient_not_held_reason", "unwell")
    choose_radio(page, "review_with_staff_held")
    type_date(page, "review_with_staff_on", "15", "3", "2025")

    press_button(page, "submit-record")
    expect(page.locator("h1")).to_have_text("Use of force on 14 March 2025, 14:35")
    expect(page.get_by_text("Use of force record submitted.")).to_be_visible()
    assert_accessible(page)

    incident = UseOfForceIncident.objects.get()
    assert incident.status == "submitted"
    assert list(
        incident.interventions.order_by("started_at").values_list("type_code", flat=True)
    ) == [
        "01",
        "05",
    ]
    staff_user = world.users["ward_staff"]
    created = set(
        AuditLog.objects.filter(action=Action.CREATE, actor=staff_user).values_list(
            "object_type", "object_id"
        )
    )
    assert ("recording.useofforceincident", str(incident.pk)) in created
    for iv in incident.interventions.all():
        assert ("recording.intervention", str(iv.pk)) in created
    assert len([c for c in created if c[0] == "recording.staffinvolved"]) == 2

    # Back to the list, by keyboard: the record is there.
    tab_to_text(page, "Back to use of force records")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Use of force records")
    row = page.locator("tbody tr").first
    expect(row).to_contain_text("14 March 2025, 14:35")
    expect(row).to_contain_text("Physical restraint – prone")
    expect(row).to_contain_text("Seclusion")
    expect(row).to_contain_text("Submitted")
    assert_accessible(page)
