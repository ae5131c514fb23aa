"""Import pages: the upload form, the list of jobs and one job's progress and problems."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from mhsip.imports import jobs
from mhsip.imports.forms import ImportForm
from mhsip.imports.incidents import INCIDENT_COLUMNS
from mhsip.imports.models import ERROR_CAP, ImportKind
from mhsip.imports.weekly import RETURN_COLUMNS


def _require_import(request: HttpRequest) -> None:
    if not jobs.may_import(request.user):
        raise PermissionDenied("Only ward staff, ward QI leads and trust leads import records.")


def job_list(request: HttpRequest) -> HttpResponse:
    _require_import(request)
    recent = jobs.visible_jobs(request.user)[:100]
    return render(request, "imports/job_list.html", {"jobs": recent, "local": timezone.localtime})


def job_new(request: HttpRequest) -> HttpResponse:
    _require_import(request)
    posted = request.method == "POST"
    form = ImportForm(
        request.POST if posted else None, request.FILES if posted else None, user=request.user
    )
    if posted and form.is_valid():
        ward, trust = form.target()
        upload = form.cleaned_data["file"]
        job = jobs.job_create(
            user=request.user,
            kind=form.cleaned_data["kind"],
            file_name=upload.name,
            content=upload.read(),
            ward=ward,
            trust=trust,
            mapping=form.cleaned_data["mapping"],
            dry_run=form.cleaned_data["dry_run"],
        )
        jobs.job_start(job)
        return redirect("imports:job-detail", pk=job.pk)
    return render(request, "imports/job_new.html", {"form": form})


def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(jobs.visible_jobs(request.user), pk=pk)
    context = {"job": job, "cap": ERROR_CAP, "local": timezone.localtime}
    return render(request, "imports/job_detail.html", context)


def template(request: HttpRequest, kind: str) -> HttpResponse:
    """An empty file with the column names of the format, to fill in or map to."""
    _require_import(request)
    columns = {ImportKind.INCIDENTS: INCIDENT_COLUMNS, ImportKind.RETURNS: RETURN_COLUMNS}
    if kind not in columns:
        raise Http404("No such import format")
    response = HttpResponse(
        ",".join(columns[ImportKind(kind)]) + "\r\n", content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="mhsip-{kind}-import-v1.csv"'
    return response
