"""Making reports: in the background with progress, stored, audited; the PDF says what the
HTML says; every published number passes the disclosure rule; failures say why."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse

from mhsip.audit.actor import System, acting_as
from mhsip.audit.models import Action, AuditLog
from mhsip.reports import services
from mhsip.reports.figures import HES_RULE, forbidden_cells, table_cells
from mhsip.reports.models import GeneratedReport, ReportStatus
from tests.reports import data, documents
from tests.reports.conftest import YEAR

pytestmark = pytest.mark.django_db


@dataclass
class Made:
    world: Any
    annual: GeneratedReport
    team_pack: GeneratedReport
    shared_pack: GeneratedReport


@pytest.fixture(scope="module")
def made(django_db_setup, django_db_blocker, media) -> Iterator[Made]:
    """The world, its data, the annual report of 2025 (made as the admin would from the web
    page) and two packs of Aspen Ward, once for the module; rolled back at the end."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            with acting_as(System("test")):
                world = data.build_world()
                data.build(world)
            admin, lead = world.users["collaborative_admin"], world.users["ward_qi_lead"]
            with acting_as(admin):
                annual = services.create_annual(admin, YEAR)
            with acting_as(lead):
                team = services.create_ward_pack(lead, world.ward, "2025-03", rule="none")
                shared = services.create_ward_pack(lead, world.ward, "2025-03")
            yield Made(world, annual, team, shared)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def annual(made: Made) -> GeneratedReport:
    return made.annual


@pytest.fixture
def reporting(made: Made, system: Any) -> Any:
    return made.world


def read(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


def test_the_annual_report_is_made_in_the_background_and_stored_as_html_and_pdf(annual):
    assert annual.status == ReportStatus.SUCCEEDED, annual.error
    assert annual.progress == 100 and annual.step == "Ready"
    assert read(annual.pdf_file).startswith(b"%PDF-")
    html = read(annual.html_file).decode()
    assert html.startswith("<!DOCTYPE html>") and "Annual report 2025" in html
    assert annual.created_by.username == "admin"
    assert annual.started_at <= annual.finished_at and annual.seconds > 0


def test_the_report_has_every_section(annual):
    headings = documents.html_headings(read(annual.html_file).decode())
    for section in [
        "Key statistics",
        "Collaborative results",
        "Ward by measure",
        "Change from baseline",
        "Annotated charts",
        "Ward stories from PDSA cycles",
        "Adopted (1)",
        "Adapted (1)",
        "Abandoned (1)",
        "Equity",
        "Sexual safety",
        "AWOL, leave and inpatient deaths",
        "Inpatient deaths by status",
        "Network activity",
        "How the figures were made",
    ]:
        assert section in headings, section


def test_the_pdf_has_the_same_headings_and_key_numbers_as_the_html(annual):
    html = read(annual.html_file).decode()
    pdf = read(annual.pdf_file)
    headings = documents.html_headings(html)
    assert set(documents.pdf_bookmarks(pdf)) == set(headings)
    text = documents.pdf_text(pdf)
    assert all(h in text for h in headings)
    key = documents.html_key_statistics(html)
    assert len(key) == 8
    assert documents.pdf_key_statistics(pdf, list(key)) == key


def test_no_table_cell_shows_a_count_the_hes_rule_forbids(annual):
    html = read(annual.html_file).decode()
    assert forbidden_cells(html, HES_RULE) == []
    counts = [c for c in table_cells(html) if c.kind == "count"]
    assert len(counts) > 50
    assert any(c.text == "*" for c in counts), "small counts in the data are hidden"


def test_status_changes_are_audited_but_progress_ticks_are_not(annual):
    rows = AuditLog.objects.filter(object_type="reports.generatedreport", object_id=str(annual.pk))
    assert rows.filter(action=Action.CREATE).count() == 1
    changes = [r.changes for r in rows.filter(action=Action.UPDATE)]
    assert any(c.get("status") == ["queued", "running"] for c in changes)
    assert any(c.get("status") == ["running", "succeeded"] for c in changes)
    assert all(set(c) - {"progress", "step"} for c in changes)
    assert all(r.actor_label == "system:task:report" for r in rows.filter(action=Action.UPDATE))


def test_the_status_endpoint_says_ready_with_the_links(annual, reporting):
    client = reporting.client_for("collaborative_admin")
    data = client.get(reverse("reports:status", kwargs={"pk": annual.pk})).json()
    assert data["status"] == "succeeded" and data["label"] == "Ready" and data["progress"] == 100
    assert data["pdf_url"] == reverse("reports:download", kwargs={"pk": annual.pk, "fmt": "pdf"})


def test_the_html_page_is_served_with_only_its_own_stylesheet_allowed(annual, reporting):
    response = reporting.client_for("analyst").get(
        reverse("reports:html", kwargs={"pk": annual.pk})
    )
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "'sha256-" in policy and "unsafe-inline" not in policy
    assert "script" not in response.content.decode().split("</head>")[0].replace("noscript", "")


def test_downloading_the_pdf_is_logged_as_an_export(annual, reporting):
    client = reporting.client_for("analyst")
    response = client.get(reverse("reports:download", kwargs={"pk": annual.pk, "fmt": "pdf"}))
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert "annual-report-2025.pdf" in response["Content-Disposition"]
    assert AuditLog.objects.filter(
        action=Action.EXPORT, object_id=str(annual.pk), actor_label="analyst"
    ).exists()


def test_a_year_without_data_fails_with_a_reason_and_stores_nothing(reporting):
    with acting_as(System("test")):
        report = services.create_annual(None, 2019)
    assert report.status == ReportStatus.FAILED
    assert "No complete week of data in 2019" in report.error
    assert not report.pdf_file and not report.html_file


def test_a_report_that_breaks_the_disclosure_rule_is_not_stored(reporting, monkeypatch):
    from mhsip.reports import render

    real = render.render_document
    monkeypatch.setattr(
        services,
        "render_document",
        lambda t, d: real(t, d).replace("</main>", "<table><tr><td>3</td></tr></table></main>"),
    )
    with acting_as(System("test")):
        report = services.create_ward_pack(None, reporting.ward, "2025-03")
    assert report.status == ReportStatus.FAILED
    assert "Disclosure check failed" in report.error and "unmarked number '3'" in report.error
    assert not report.pdf_file


def test_running_a_report_again_changes_nothing(annual):
    assert services.run(annual.pk).status == ReportStatus.SUCCEEDED
    assert GeneratedReport.objects.get(pk=annual.pk).finished_at == annual.finished_at


def test_a_ward_pack_for_the_ward_team_shows_exact_numbers_and_says_so(made):
    pack = made.team_pack
    assert pack.status == ReportStatus.SUCCEEDED, pack.error
    html = read(pack.html_file).decode()
    assert "Not for publication" in html
    assert "Ward pack: Aspen Ward, March 2025" in html
    for section in ["The month in numbers", "Charts", "Weekly returns", "PDSA activity"]:
        assert section in documents.html_headings(html)
    records = {c.caption for c in table_cells(html)}
    assert "Records submitted for Aspen Ward, March 2025" in records


def test_a_ward_pack_for_sharing_passes_the_hes_rule(made):
    pack = made.shared_pack
    assert pack.status == ReportStatus.SUCCEEDED, pack.error
    html = read(pack.html_file).decode()
    assert forbidden_cells(html, HES_RULE) == []
    assert "Not for publication" not in html
