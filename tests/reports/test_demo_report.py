"""The annual report of the demo collaborative (seed 1): built fast enough, every published
table cell passes the HES rule, and the PDF says what the HTML says.

The demo is loaded once for the module and removed (with its audit rows) at the end, as in
tests/demo/test_load_events.py; the report is made once.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.db.models import Max

from mhsip.audit.actor import System, acting_as
from mhsip.audit.models import AuditLog
from mhsip.demo.load import delete_demo, load_demo
from mhsip.organisations.models import Collaborative
from mhsip.reports import services
from mhsip.reports.figures import HES_RULE, forbidden_cells, table_cells
from mhsip.reports.models import GeneratedReport, ReportStatus
from tests.reports import documents

pytestmark = pytest.mark.django_db
CPU_BUDGET_SECONDS = 30


@dataclass
class Demo:
    report: GeneratedReport
    cpu_seconds: float
    html: str
    pdf: bytes


def read(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, media) -> Iterator[Demo]:
    with django_db_blocker.unblock():
        first_audit = (AuditLog.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        load_demo(1)
        collaborative = Collaborative.objects.get(is_demo=True)
        year = collaborative.end_date.year
        began = time.process_time()
        with acting_as(System("test:demo-report")):
            report = services.create_annual(None, year, collaborative=collaborative)
        cpu = time.process_time() - began
        try:
            yield Demo(report, cpu, read(report.html_file).decode(), read(report.pdf_file))
        finally:
            GeneratedReport.objects.all().delete()
            delete_demo()
            AuditLog.objects.filter(id__gte=first_audit).delete()


def test_the_demo_annual_report_is_made_within_the_time_budget(demo):
    assert demo.report.status == ReportStatus.SUCCEEDED, demo.report.error
    print(f"demo annual report: {demo.report.seconds:.1f} s wall, {demo.cpu_seconds:.1f} s CPU")
    assert demo.cpu_seconds < CPU_BUDGET_SECONDS


def test_no_published_table_cell_on_demo_data_shows_a_count_the_rule_forbids(demo):
    assert forbidden_cells(demo.html, HES_RULE) == []
    counts = [c for c in table_cells(demo.html) if c.kind == "count"]
    assert len(counts) > 300
    assert sum(c.text == "*" for c in counts) > 10  # small numbers really are hidden
    assert all(c.text in {"*", "0", "Missing"} or c.text.replace(",", "").isdigit() for c in counts)


def test_the_demo_pdf_has_the_html_headings_and_key_numbers(demo):
    headings = documents.html_headings(demo.html)
    assert set(documents.pdf_bookmarks(demo.pdf)) == set(headings)
    key = documents.html_key_statistics(demo.html)
    assert documents.pdf_key_statistics(demo.pdf, list(key)) == key
    assert key["Restrictive interventions"][0] != "*"


def test_the_equity_section_shows_the_ratio_of_black_to_white_patients(demo):
    assert 'id="equity-table-ethnicity"' in demo.html or "equity-not-available" in demo.html
