"""``mhsip report``: the annual report and ward packs from the command line."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from mhsip.audit.models import AuditLog
from mhsip.reports.models import GeneratedReport

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


def test_a_ward_pack_is_written_as_html_and_recorded_as_made_by_the_command_line(
    reporting, tmp_path
):
    target = tmp_path / "pack.html"
    said = run(
        "ward", "--ward", "ALPHA-1", "--month", "2025-03", "--rule", "none", "-o", str(target)
    )
    assert "Ward pack: Aspen Ward, March 2025: written to" in said
    assert target.read_text().startswith("<!DOCTYPE html>")
    report = GeneratedReport.objects.get()
    assert report.created_by is None and report.created_by_label == "The command line"
    assert AuditLog.objects.filter(
        object_type="reports.generatedreport", actor_label="system:cli:report"
    ).exists()


def test_a_ward_pack_is_written_as_pdf(reporting, tmp_path):
    target = tmp_path / "pack.pdf"
    run("ward", "--ward", "ALPHA-1", "--month", "2025-03", "-o", str(target))
    assert target.read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["annual", "--year", "2025", "-o", "report.docx"], "must end in .pdf or .html"),
        (["ward", "--ward", "ALPHA-1", "--month", "2025-13", "-o", "p.pdf"], "use YYYY-MM"),
        (["ward", "--ward", "NOPE", "--month", "2025-03", "-o", "p.pdf"], "no ward has this code"),
        (
            ["annual", "--year", "2025", "--collaborative", "x", "-o", "a.pdf"],
            "no such collaborative",
        ),
        (["annual", "--year", "2025", "-o", "/no/such/folder/a.pdf"], "does not exist"),
    ],
)
def test_bad_arguments_are_refused_with_a_reason(
    world, system, args, message, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not GeneratedReport.objects.exists()


def test_a_year_without_data_is_refused_with_the_reason(reporting, tmp_path):
    with pytest.raises(CommandError, match="No complete week of data in 2030"):
        run("annual", "--year", "2030", "-o", str(tmp_path / "a.pdf"))
