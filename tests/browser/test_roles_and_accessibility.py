"""Each role signs in, sees only what it may, and every page passes axe (WCAG 2.2 AA)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, forget_expected_http_error, sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

PUBLIC_PAGES = ["/", "/sign-in/", "/accessibility/", "/privacy/"]


def test_public_pages_are_accessible_without_signing_in(page: Page, world):
    for path in PUBLIC_PAGES:
        page.goto(path)
        expect(page.locator("h1")).to_be_visible()
        assert_accessible(page)


def test_a_wrong_password_shows_an_accessible_error_summary(page: Page, world):
    page.goto("/sign-in/")
    page.get_by_label("User name").fill("staff")
    page.get_by_label("Password", exact=True).fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_focused()
    assert page.title().startswith("Error: ")
    assert_accessible(page)


@pytest.mark.parametrize(
    ("username", "sees", "does_not_see"),
    [
        ("staff", ["Aspen Ward"], ["Beech Ward", "Cedar Ward", "Administration"]),
        ("qilead", ["Aspen Ward"], ["Beech Ward", "Cedar Ward", "Administration"]),
        ("trustlead", ["Aspen Ward", "Beech Ward"], ["Cedar Ward", "Administration"]),
        ("admin", ["Aspen Ward", "Beech Ward", "Cedar Ward", "Administration"], []),
        ("analyst", ["Aspen Ward", "Beech Ward", "Cedar Ward"], ["Administration"]),
        ("member", [], ["Aspen Ward", "Administration"]),
        ("outsider", ["Cedar Ward"], ["Aspen Ward", "Beech Ward", "Administration"]),
    ],
)
def test_each_role_sees_only_its_wards_and_every_page_it_reaches_is_accessible(
    page: Page, world, username, sees, does_not_see
):
    sign_in(page, username, PASSWORD)
    assert_accessible(page)
    home = page.locator("main").inner_text() + page.locator("header").inner_text()
    for text in sees:
        assert text in home, (username, text)
    for text in does_not_see:
        assert text not in home, (username, text)
    nav_links = page.locator("header nav[aria-label='Menu'] a.nhsuk-header__navigation-link")
    hrefs = [nav_links.nth(i).get_attribute("href") for i in range(nav_links.count())]
    visited = set()
    for href in hrefs:
        page.goto(href)
        expect(page.locator("h1")).to_be_visible()
        assert_accessible(page)
        visited.add(href)
        for link in page.locator("main a[href^='/wards/']").all()[:2]:
            target = link.get_attribute("href")
            if target and target not in visited:
                visited.add(target)
        if "Administration" in does_not_see:
            assert "/administration/" not in href
    for target in [v for v in visited if v.startswith("/wards/") and v != "/wards/"][:2]:
        page.goto(target)
        assert_accessible(page)
    if username in {"staff", "outsider", "member"}:
        response = page.goto("/wards/ALPHA-2/")
        assert response is not None and response.status in {403, 404}
        assert "Beech Ward" not in page.locator("main").inner_text()
        assert_accessible(page)
        forget_expected_http_error(page)


def test_the_audit_log_page_is_accessible_to_an_admin(page: Page, world):
    sign_in(page, "admin", PASSWORD)
    page.goto("/administration/audit/")
    expect(page.locator("h1")).to_have_text("Audit log")
    assert_accessible(page)
    page.goto("/sign-out/")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/")
    assert_accessible(page)
