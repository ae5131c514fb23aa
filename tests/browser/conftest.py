"""Browser tests: Playwright for Python driving Debian's Chromium, axe-core from npm.

Chromium comes from Debian (``make chromium``), never from Playwright's own download, and is
started with the flags this machine's closed network needs.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = os.environ.get("MHSIP_CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run 'make chromium' (apt-get install chromium)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


def is_real_error(message: Any) -> bool:
    """Console errors count, except the NHS webfont failing to load on this offline machine
    (it is served from assets.nhs.uk; the CSS falls back to Arial)."""
    if message.type != "error":
        return False
    location = (message.location or {}).get("url", "")
    return not ("assets.nhs.uk" in location or "assets.nhs.uk" in message.text)


@pytest.fixture
def page(browser: Browser, live_server: Any) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if is_real_error(m) else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.mhsip_errors = errors  # type: ignore[attr-defined]
    yield page
    context.close()
    assert errors == [], f"the browser reported errors (CSP or script): {errors}"


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core (WCAG 2.2 AA and best practice) on the page; return its violations."""
    # Injected through the DevTools protocol, so the page's own CSP stays in force and untouched.
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate("() => {" + AXE.read_text(encoding="utf-8") + "\n}")
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_TAGS,
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]


def assert_accessible(page: Page) -> None:
    violations = axe_violations(page)
    assert violations == [], f"axe found problems on {page.url}: {violations}"


def forget_expected_http_error(page: Page) -> None:
    """After a deliberate visit to a forbidden page, drop the console's 'Failed to load' line."""
    errors = page.mhsip_errors  # type: ignore[attr-defined]
    errors[:] = [e for e in errors if "the server responded with a status of 40" not in e]


def sign_in(page: Page, username: str, password: str) -> None:
    page.goto("/sign-in/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/home/")
