"""Sexual-safety and AWOL / inpatient-death monitoring pages: aggregates, not records.

Access (see :mod:`mhsip.monitoring.services`): roles that see safety records get exact figures
and charts for wards in their scope; analysts get disclosure-controlled tables only; network
members get 403; a ward outside the user's scope is 404 (ADR 0003).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from mhsip.measures.dashboard import DASHBOARD_CHARTS, RangeForm
from mhsip.monitoring import services


def _page(request: HttpRequest, code: str | None) -> dict[str, Any]:
    level = services.view_level(request.user)
    wards, ward = services.scope(request.user, code)
    form = RangeForm(
        request.GET,
        default=services.default_range(wards, timezone.localdate()),
        charts=DASHBOARD_CHARTS,
    )
    return {
        "level": level,
        "full": level == services.FULL,
        "publisher": services.publisher_for(level),
        "wards": wards,
        "ward": ward,
        "subject": services.scope_label(wards, ward),
        "form": form,
    }


def sexual_safety(request: HttpRequest, code: str | None = None) -> HttpResponse:
    context = _page(request, code)
    context["summary"] = services.sexual_safety_summary(
        context["wards"],
        context["form"].range,
        context["publisher"],
        subject=context["subject"],
        charts=context["full"],
        rare=context["full"],
        chart=context["form"].chart,
    )
    return render(request, "monitoring/sexual_safety.html", context)


def awol(request: HttpRequest, code: str | None = None) -> HttpResponse:
    context = _page(request, code)
    context["summary"] = services.awol_summary(
        context["wards"],
        context["form"].range,
        context["publisher"],
        subject=context["subject"],
        charts=context["full"],
        rare=context["full"],
        chart=context["form"].chart,
    )
    return render(request, "monitoring/awol.html", context)
