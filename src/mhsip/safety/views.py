"""Sexual-safety, AWOL and inpatient-death pages: list, record, detail and correct.

Restricted visibility (``Role.sees_safety_records``): other roles get 403 whatever the ward;
a ward outside the user's scope is 404. Only recording roles create or correct records, and a
correction needs a reason, kept in the audit log (ADR 0003, ADR 0004).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from mhsip.audit.models import AuditLog
from mhsip.recording.codes import RecordStatus
from mhsip.safety.kinds import KINDS
from mhsip.safety.services import may_record, safety_ward_or_404, save_record

PAGE_SIZE = 50


def record_list(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    k = KINDS[kind]
    ward = safety_ward_or_404(request.user, code)
    records = k.model.objects.filter(ward=ward).order_by(k.order_by, "-pk")  # type: ignore[attr-defined]
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "safety/list.html",
        {"kind": k, "ward": ward, "page": page, "can_record": may_record(request.user)},
    )


def record_detail(request: HttpRequest, code: str, pk: int, kind: str) -> HttpResponse:
    k = KINDS[kind]
    ward = safety_ward_or_404(request.user, code)
    record = get_object_or_404(k.model, ward=ward, pk=pk)
    history = AuditLog.objects.filter(
        object_type=k.model._meta.label_lower, object_id=str(record.pk)
    ).order_by("at", "id")
    return render(
        request,
        "safety/detail.html",
        {
            "kind": k,
            "ward": ward,
            "record": record,
            "rows": k.detail_rows(record),
            "history": history,
            "can_record": may_record(request.user),
        },
    )


def record_create(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    k = KINDS[kind]
    ward = safety_ward_or_404(request.user, code, recording=True)
    form = k.form(request.POST if request.method == "POST" else None, ward=ward)
    if request.method == "POST" and form.is_valid():
        record = save_record(form, submit=k.has_status and request.POST.get("action") == "submit")
        messages.success(request, f"The {k.noun} has been recorded.")
        return redirect(f"safety:{k.slug}-detail", code=ward.code, pk=record.pk)
    return render(request, k.form_template, {"kind": k, "ward": ward, "form": form, "record": None})


def record_edit(request: HttpRequest, code: str, pk: int, kind: str) -> HttpResponse:
    k = KINDS[kind]
    ward = safety_ward_or_404(request.user, code, recording=True)
    record = get_object_or_404(k.model, ward=ward, pk=pk)
    form = k.form(
        request.POST if request.method == "POST" else None, instance=record, ward=ward, editing=True
    )
    if request.method == "POST" and form.is_valid():
        submit = k.has_status and request.POST.get("action") == "submit"
        save_record(form, submit=submit, reason=form.cleaned_data["reason"])
        messages.success(request, f"Your correction to the {k.noun} has been saved.")
        return redirect(f"safety:{k.slug}-detail", code=ward.code, pk=record.pk)
    return render(
        request,
        k.form_template,
        {
            "kind": k,
            "ward": ward,
            "form": form,
            "record": record,
            "submitted": RecordStatus.SUBMITTED,
        },
    )
