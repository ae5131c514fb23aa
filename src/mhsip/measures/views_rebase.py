"""Rebasing with a reason, and fixed baselines (issue 5 item 4; rules in
:mod:`mhsip.measures.services`).

Ward pages come through the scoped accessor, so an outsider gets 404. On a ward the user may
see, a role that may not act gets 403. The queue and decisions are for collaborative admins.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from mhsip.measures import services
from mhsip.measures.forms_admin import FixedBaselineForm, RebaseDecisionForm, RebaseProposalForm
from mhsip.measures.models import FixedBaseline, Rebase, RebaseStatus
from mhsip.organisations.access import get_ward_or_404


def add_service_errors(form: Form, exc: ValidationError) -> None:
    """Show a service's errors beside the form's fields (or at the top)."""
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def ward_rebases(request: HttpRequest, code: str) -> HttpResponse:
    ward = get_ward_or_404(request.user, code)
    measures = services.visible_measures(request.user)
    return render(
        request,
        "measures/rebase_list.html",
        {
            "ward": ward,
            "rebases": Rebase.objects.filter(ward=ward, measure__in=measures)
            .select_related("measure", "proposed_by", "decided_by")
            .order_by("measure__order", "-starts_on"),
            "fixed": FixedBaseline.objects.filter(ward=ward, measure__in=measures)
            .select_related("measure")
            .order_by("measure__order"),
            "can_propose": services.may_propose(request.user, ward),
            "can_fix": services.may_fix_baseline(request.user, ward),
        },
    )


def rebase_propose(request: HttpRequest, code: str) -> HttpResponse:
    ward = get_ward_or_404(request.user, code)
    if not services.may_propose(request.user, ward):
        raise PermissionDenied("Only the ward's QI lead can propose a rebase.")
    measures = services.visible_measures(request.user)
    form = RebaseProposalForm(
        request.POST or None, measures=measures, initial={"measure": request.GET.get("measure")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.propose_rebase(user=request.user, ward=ward, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Rebase proposed. A collaborative admin will decide on it.")
            return redirect("measures:ward-rebases", code=ward.code)
    return render(request, "measures/rebase_propose.html", {"ward": ward, "form": form})


def fixed_baseline(request: HttpRequest, code: str) -> HttpResponse:
    ward = get_ward_or_404(request.user, code)
    if not services.may_fix_baseline(request.user, ward):
        raise PermissionDenied("Only the ward's QI lead or an admin can fix a baseline.")
    measures = services.visible_measures(request.user)
    form = FixedBaselineForm(
        request.POST or None,
        measures=measures,
        initial={"measure": request.GET.get("measure"), "action": "fix", "points": 20},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.set_fixed_baseline(
                user=request.user,
                ward=ward,
                measure=data["measure"],
                points=data["points"] if data["action"] == "fix" else None,
                reason=data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Baseline for {data['measure'].name} saved.")
            return redirect("measures:ward-rebases", code=ward.code)
    return render(request, "measures/rebase_fixed_baseline.html", {"ward": ward, "form": form})


def require_admin(request: HttpRequest) -> None:
    if not services.is_admin(request.user):
        raise PermissionDenied("Rebase decisions are for collaborative admins.")


def rebase_queue(request: HttpRequest) -> HttpResponse:
    require_admin(request)
    return render(
        request,
        "measures/rebase_queue.html",
        {
            "pending": services.pending_rebases(),
            "decided": services.recent_decisions(),
            "fixed": services.recent_fixed_baselines(),
        },
    )


def rebase_decide(request: HttpRequest, pk: int) -> HttpResponse:
    require_admin(request)
    rebase = get_object_or_404(
        Rebase.objects.select_related("ward__site__trust", "measure", "proposed_by"), pk=pk
    )
    form = RebaseDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decide_rebase(
                user=request.user,
                rebase=rebase,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Rebase of {rebase.measure} on {rebase.ward} decided.")
            return redirect("measures:rebase-queue")
    is_open = rebase.status == RebaseStatus.PROPOSED
    preview = services.rebase_preview(rebase) if is_open else None
    return render(
        request,
        "measures/rebase_decide.html",
        {"rebase": rebase, "form": form, "open": is_open, "preview": preview},
    )
