"""The measure library for collaborative admins: list, add and change measures (issue 5 item 1).

Other roles get 403 (ADR 0003: pages a role may never open). Saves go through
:func:`mhsip.measures.services.save_measure` (validated by ``Measure.full_clean``, audited).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from mhsip.measures import services
from mhsip.measures.forms_admin import MeasureForm
from mhsip.measures.models import Measure
from mhsip.measures.sources import SOURCES
from mhsip.measures.views_rebase import add_service_errors, require_admin


def measure_list(request: HttpRequest) -> HttpResponse:
    require_admin(request)
    return render(
        request,
        "measures/measure_list.html",
        {"measures": Measure.objects.all(), "sources": SOURCES},
    )


def measure_form(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    require_admin(request)
    measure = get_object_or_404(Measure, slug=slug) if slug else None
    form = MeasureForm(
        request.POST or None, initial=MeasureForm.initial_for(measure), editing=measure is not None
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_measure(
                user=request.user,
                values=form.values(),
                measure=measure,
                reason=form.cleaned_data.get("reason", ""),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Measure ‘{saved.name}’ saved.")
            return redirect("measures:measure-list")
    return render(request, "measures/measure_form.html", {"form": form, "measure": measure})
