"""Use-of-force pages: a ward's list, the record form (new and correct), the record, and the
MHSDS download. Every ward comes through the scoped accessor (ADR 0003); the rules live in
:mod:`mhsip.recording.services`, the reading of typed fields in :mod:`mhsip.recording.forms`.

Records are never deleted (Use of Force Act s.6(6): kept three years from when they were made,
only corrected), so there is no delete page - not even for drafts, which are corrected too.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from mhsip.accounts.roles import Role
from mhsip.recording import identity, services
from mhsip.recording.codes import DeEscalation, RecordStatus
from mhsip.recording.forms import CHOICES, UseOfForceForm, save_form
from mhsip.recording.models import UseOfForceIncident

PAGE_SIZE = 25
SAVED = {
    RecordStatus.DRAFT: "Draft saved. It becomes a record once you submit it.",
    RecordStatus.SUBMITTED: "Use of force record submitted.",
}


def incident_list(request: HttpRequest, code: str) -> HttpResponse:
    ward = services.ward_for_viewing(request.user, code)
    status = request.GET.get("status", "")
    incidents = services.incidents_for_ward(ward, status=status)
    return render(
        request,
        "recording/incident_list.html",
        {
            "ward": ward,
            "page": Paginator(incidents, PAGE_SIZE).get_page(request.GET.get("page")),
            "status": status if status in RecordStatus.values else "",
            "can_record": services.may_record(request.user),
            "month_items": [
                {"value": f"{m:%Y-%m}", "text": f"{m:%B %Y}"} for m in services.recent_months()
            ],
            "default_month": services.parse_month(None),
            "services": services,
        },
    )


@never_cache
@sensitive_post_parameters()
def incident_new(request: HttpRequest, code: str) -> HttpResponse:
    ward = services.ward_for_recording(request.user, code)
    form = UseOfForceForm(
        request.POST if request.method == "POST" else None,
        identifiable=identity.can_read_identity(request.user, ward.site.trust),
    )
    if request.method == "POST" and not form.wants_more_rows:
        incident = save_form(form, ward=ward, user=request.user)
        if incident is not None:
            messages.success(request, SAVED[RecordStatus(incident.status)])
            return redirect("recording:use-of-force-detail", code=ward.code, pk=incident.pk)
    return _form_page(request, form, ward=ward, incident=None)


@never_cache
@sensitive_post_parameters()
def incident_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    ward = services.ward_for_recording(request.user, code)
    incident = services.incident_for_ward(ward, pk)
    was_submitted = incident.status == RecordStatus.SUBMITTED
    form = UseOfForceForm(
        request.POST if request.method == "POST" else None,
        initial=services.incident_to_data(incident, request.user),
        identifiable=identity.can_read_identity(request.user, ward.site.trust),
        correcting_submitted=was_submitted,
    )
    if request.method == "POST" and not form.wants_more_rows:
        saved = save_form(form, ward=ward, user=request.user, incident=incident)
        if saved is not None:
            text = "Correction saved." if was_submitted else SAVED[RecordStatus(saved.status)]
            messages.success(request, text)
            return redirect("recording:use-of-force-detail", code=ward.code, pk=saved.pk)
    return _form_page(request, form, ward=ward, incident=incident)


def _form_page(
    request: HttpRequest, form: UseOfForceForm, *, ward: object, incident: object
) -> HttpResponse:
    return render(
        request,
        "recording/incident_form.html",
        {"ward": ward, "form": form, "incident": incident, "choices": CHOICES},
    )


@never_cache
def incident_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    ward = services.ward_for_viewing(request.user, code)
    incident: UseOfForceIncident = services.incident_for_ward(ward, pk)
    user = request.user
    sees_history = services.may_record(user) or Role(user.role).is_admin
    return render(
        request,
        "recording/incident_detail.html",
        {
            "ward": ward,
            "incident": incident,
            "reads_identity": identity.can_read_identity(user, ward.site.trust),
            "patient_identity": identity.read_patient_identity(user, incident.patient),
            "staff": [(s, identity.read_staff_name(user, s)) for s in incident.staff.all()],
            "can_record": services.may_record(user),
            "history": services.incident_history(incident) if sees_history else None,
            "de_escalation_labels": dict(DeEscalation.choices),
            "services": services,
        },
    )


@never_cache
def mhsds_export(request: HttpRequest, code: str) -> HttpResponse:
    ward = services.ward_for_viewing(request.user, code)
    table = request.GET.get("table", "MHS505")
    if table not in services.MHSDS_TABLES:
        raise Http404("No such MHSDS table")
    month = services.parse_month(request.GET.get("month"))
    text, _rows = services.export_mhsds_csv(ward=ward, month=month, table=table)
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    filename = f"{ward.code}-{table}-{month:%Y-%m}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
