"""The audit log, browsable by collaborative admins."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from mhsip.audit.models import Action, AuditLog
from mhsip.core.views import require_admin


def audit_log(request: HttpRequest) -> HttpResponse:
    require_admin(request)
    entries = AuditLog.objects.select_related("actor")
    filters = {
        "object_type": request.GET.get("object_type", "").strip(),
        "action": request.GET.get("action", "").strip(),
        "actor": request.GET.get("actor", "").strip(),
    }
    if filters["object_type"]:
        entries = entries.filter(object_type=filters["object_type"])
    if filters["action"]:
        entries = entries.filter(action=filters["action"])
    if filters["actor"]:
        entries = entries.filter(actor_label__icontains=filters["actor"])
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    object_types = AuditLog.objects.order_by().values_list("object_type", flat=True).distinct()
    return render(
        request,
        "audit/audit_log.html",
        {
            "page": page,
            "filters": filters,
            "actions": Action.choices,
            "object_types": sorted(set(object_types)),
        },
    )
