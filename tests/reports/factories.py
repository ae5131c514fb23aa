"""Reports for tests, made directly (no generation) as whoever the caller is acting as."""

from __future__ import annotations

from django.core.files.base import ContentFile

from mhsip.reports.models import GeneratedReport, ReportKind, ReportStatus

HTML = (
    '<!DOCTYPE html><html lang="en-GB"><head><title>Annual report</title>'
    "<style>main{color:#212b32}</style></head><body><main><h1>Annual report</h1>"
    "</main></body></html>"
)
PDF = b"%PDF-1.7\n% test\n"


def report(kind: str = ReportKind.ANNUAL, *, ward=None, ready: bool = True, **extra):
    params = {"year": 2025, "rule": "hes"} if kind == ReportKind.ANNUAL else {
        "ward": ward.code, "month": "2025-03", "rule": "hes"
    }  # fmt: skip
    r = GeneratedReport(
        kind=kind,
        parameters=params,
        ward=ward,
        title="Annual report 2025" if ward is None else f"Ward pack: {ward.name}, March 2025",
        status=ReportStatus.SUCCEEDED if ready else ReportStatus.QUEUED,
        progress=100 if ready else 0,
        **extra,
    )
    r.save()
    if ready:
        r.html_file.save("report.html", ContentFile(HTML.encode()), save=False)
        r.pdf_file.save("report.pdf", ContentFile(PDF), save=False)
        r.save()
    return r


def annual(world):
    return {"pk": report().pk}


def annual_pdf(world):
    return {"pk": report().pk, "fmt": "pdf"}


def ward_pack(world):
    return {"pk": report(ReportKind.WARD_MONTH, ward=world.ward).pk}
