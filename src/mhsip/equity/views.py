"""Equity and Use of Force Act statistics pages and their CSV exports (thin views: the work is
in :mod:`mhsip.equity.pages`). Every ward and trust comes through the scoped accessor; another
trust's ward or trust is a 404."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from mhsip.audit import log
from mhsip.audit.models import Action
from mhsip.equity import pages


def _download(body: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def overview(request: HttpRequest) -> HttpResponse:
    context = pages.overview_context(request.user, request.GET)
    return render(request, "equity/overview.html", context)


def overview_csv(request: HttpRequest) -> HttpResponse:
    context = pages.overview_context(request.user, request.GET, export=True)
    report = context["report"]
    if report is None:
        return HttpResponse("No data for this choice.", status=404, content_type="text/plain")
    log.record(
        Action.EXPORT,
        object_type="equity.report",
        object_repr=context["title"],
        reason=f"equity CSV: {context['query'].query()}",
    )
    return _download(pages.overview_csv(context), pages.download_name(context, "equity"))


def use_of_force(request: HttpRequest) -> HttpResponse:
    context = pages.use_of_force_context(request.user, request.GET)
    return render(request, "equity/use_of_force.html", context)


def use_of_force_csv(request: HttpRequest) -> HttpResponse:
    context = pages.use_of_force_context(request.user, request.GET, export=True)
    stats = context["stats"]
    if stats is None:
        return HttpResponse("No data for this choice.", status=404, content_type="text/plain")
    log.record(
        Action.EXPORT,
        object_type="equity.use_of_force",
        object_repr=context["title"],
        reason=f"Use of Force Act statistics CSV: {context['query'].query()}",
    )
    return _download(
        pages.use_of_force_csv(context), pages.download_name(context, "use-of-force-act")
    )
