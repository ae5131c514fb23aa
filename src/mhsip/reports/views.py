"""Report pages: the list, the two forms that start a report, a report's progress, its status
as JSON (polled by ``reports/progress.mjs``), the HTML report itself and the downloads.

Access rules are in :mod:`mhsip.reports.services`; a report the user may not see is 404.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from mhsip.audit import log
from mhsip.audit.models import Action
from mhsip.reports import services
from mhsip.reports.forms import AnnualForm, WardPackForm
from mhsip.reports.models import GeneratedReport
from mhsip.reports.render import style_hashes

CONTENT_TYPES = {"pdf": "application/pdf", "html": "text/html; charset=utf-8"}


def report_list(request: HttpRequest) -> HttpResponse:
    services.require_reports(request.user)
    context = {
        "reports": services.visible_reports(request.user)[:200],
        "may_make_annual": services.may_make_annual(request.user),
        "may_make_pack": services.pack_wards(request.user).exists(),
        "local": timezone.localtime,
    }
    return render(request, "reports/list.html", context)


def annual_new(request: HttpRequest) -> HttpResponse:
    if not services.may_make_annual(request.user):
        raise PermissionDenied("Only collaborative admins make the annual report.")
    collaborative = services.current_collaborative()
    years = services.annual_years(collaborative, timezone.localdate())
    form = AnnualForm(request.POST if request.method == "POST" else None, years=years)
    if request.method == "POST" and form.is_valid():
        report = services.create_annual(request.user, form.cleaned_data["year"])
        return redirect("reports:detail", pk=report.pk)
    return render(
        request, "reports/annual_new.html", {"form": form, "collaborative": collaborative}
    )


def ward_pack_new(request: HttpRequest) -> HttpResponse:
    wards = services.pack_wards(request.user)
    if not wards.exists():
        raise PermissionDenied(
            "Only collaborative admins, trust leads and ward QI leads make packs."
        )
    form = WardPackForm(
        request.POST if request.method == "POST" else None,
        wards=wards,
        today=timezone.localdate(),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        report = services.create_ward_pack(
            request.user, data["ward"], data["month"], rule=data["audience"]
        )
        return redirect("reports:detail", pk=report.pk)
    return render(request, "reports/ward_pack_new.html", {"form": form})


def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = services.report_or_404(request.user, pk)
    return render(request, "reports/detail.html", {"report": report, "local": timezone.localtime})


def status(report: GeneratedReport) -> dict[str, object]:
    ready = report.is_ready
    return {
        "status": report.status,
        "label": report.get_status_display(),
        "progress": report.progress,
        "step": report.step,
        "ready": ready,
        "error": report.error,
        "html_url": reverse("reports:html", kwargs={"pk": report.pk}) if ready else None,
        "pdf_url": reverse("reports:download", kwargs={"pk": report.pk, "fmt": "pdf"})
        if ready
        else None,
    }


def report_status(request: HttpRequest, pk: int) -> JsonResponse:
    report = services.report_or_404(request.user, pk)
    return JsonResponse(status(report))


def report_html(request: HttpRequest, pk: int) -> HttpResponse:
    """The report as its own accessible page: the stored HTML, with its stylesheet's hash
    allowed by the content security policy (and nothing else inline)."""
    report = services.report_or_404(request.user, pk)
    if not report.is_ready or not report.html_file:
        raise Http404("The report is not ready")
    with report.html_file.open("rb") as handle:
        html = handle.read().decode("utf-8")
    response = HttpResponse(html, content_type=CONTENT_TYPES["html"])
    response._csp_update = {"style-src": style_hashes(html)}  # type: ignore[attr-defined]
    return response


def report_download(request: HttpRequest, pk: int, fmt: str) -> FileResponse:
    report = services.report_or_404(request.user, pk)
    stored = report.pdf_file if fmt == "pdf" else report.html_file
    if fmt not in CONTENT_TYPES or not report.is_ready or not stored:
        raise Http404("No such file")
    name = f"{services.file_stem(report)}.{fmt}"
    log.record(Action.EXPORT, report, reason=f"Downloaded {name}")
    return FileResponse(
        stored.open("rb"), as_attachment=True, filename=name, content_type=CONTENT_TYPES[fmt]
    )
