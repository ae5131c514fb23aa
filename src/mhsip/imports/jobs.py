"""Import jobs: who may import to which wards, creating a job from an upload, and running it.

A job runs in the background through Django's Tasks API (ADR 0007; :mod:`mhsip.imports.tasks`)
and acts as the system process ``import:<file name>`` (ADR 0004); the audit summary rows name
the job and who started it.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.core.files.base import ContentFile
from django.db.models import Q, QuerySet
from django.utils import timezone

from mhsip.accounts.roles import Role
from mhsip.audit.actor import System, acting_as
from mhsip.imports.common import Outcome, RowError, Scope
from mhsip.imports.incidents import IncidentImport
from mhsip.imports.mappings import MappingError, load_mapping, shipped
from mhsip.imports.models import ImportJob, ImportKind, JobStatus
from mhsip.imports.tables import UnreadableFileError, read_table
from mhsip.imports.weekly import ReturnImport
from mhsip.organisations.access import visible_wards
from mhsip.organisations.models import Trust, Ward

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 100 * 1024 * 1024


def may_import(user: Any) -> bool:
    """Recording roles (ward staff, ward QI leads, trust leads) may import (Role.can_record)."""
    return bool(user.is_authenticated and (user.is_superuser or Role(user.role).can_record))


def recordable_wards(user: Any) -> QuerySet[Ward]:
    """The wards ``user`` may import to: those they see, if their role records."""
    wards = visible_wards(user)
    return wards if may_import(user) else wards.none()


def importable_trusts(user: Any) -> QuerySet[Trust]:
    """Whole-trust imports (rows name their ward): a trust lead for their trust."""
    if user.is_superuser:
        return Trust.objects.all()
    if may_import(user) and Role(user.role).scoped_to_trust:
        return Trust.objects.filter(pk=user.trust_id)
    return Trust.objects.none()


def visible_jobs(user: Any) -> QuerySet[ImportJob]:
    """Jobs on wards (or trusts) the user may import to; none for other roles."""
    jobs = ImportJob.objects.select_related("ward__site__trust", "trust", "created_by")
    if not may_import(user):
        return jobs.none()
    if user.is_superuser:
        return jobs.all()
    return jobs.filter(Q(ward__in=recordable_wards(user)) | Q(trust__in=importable_trusts(user)))


def mapping_choices(kind: str) -> list[tuple[str, str]]:
    return [(m.name, m.title) for m in shipped(kind).values()]


def job_create(
    *,
    user: Any,
    kind: str,
    file_name: str,
    content: bytes,
    ward: Ward | None = None,
    trust: Trust | None = None,
    mapping: str = "canonical",
    dry_run: bool = False,
    valid_only: bool = False,
) -> ImportJob:
    """A queued job holding the file in Django's storage until it has run. The caller has
    checked that ``user`` may import to ``ward`` or ``trust``."""
    job = ImportJob(
        created_by=user if getattr(user, "pk", None) else None,
        kind=ImportKind(kind),
        mapping=mapping,
        ward=ward,
        trust=trust if ward is None else None,
        dry_run=dry_run,
        valid_only=valid_only,
        file_name=file_name[:200],
        file_size=len(content),
        file_sha256=hashlib.sha256(content).hexdigest(),
    )
    job.file.save(file_name, ContentFile(content), save=False)
    job.save()
    return job


def job_start(job: ImportJob) -> None:
    """Hand the job to the task backend (in-process by default; a worker when configured)."""
    from mhsip.imports.tasks import run_import_job

    run_import_job.enqueue(job.pk)


def _progress(job: ImportJob) -> Any:
    def report(rows: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(rows_processed=rows)

    return report


def job_run(job_id: int) -> ImportJob:
    """Run a queued job to the end: read, validate, compare, write (or not), record the outcome,
    delete the stored file. Safe to call twice: a job that is not queued is left as it is."""
    job = ImportJob.objects.select_related("ward__site__trust", "trust", "created_by").get(
        pk=job_id
    )
    if job.status != JobStatus.QUEUED:
        return job
    with acting_as(System(f"import:{job.file_name}")):
        job.status = JobStatus.RUNNING
        job.started_at = timezone.now()
        job.save()
        try:
            outcome = _run(job)
        except Exception:
            logger.exception("Import job %s failed", job.pk)
            outcome = Outcome(
                errors=[
                    RowError(
                        0,
                        "(import)",
                        "The import stopped because of an unexpected problem, so nothing was "
                        "written. The problem has been logged for the service team.",
                    )
                ],
                error_count=1,
            )
        finally:
            if job.file:
                job.file.delete(save=False)  # it carries identifiers: never kept (ADR 0005)
        written = bool(outcome.summary.get("written"))
        job.status = (
            JobStatus.SUCCEEDED if outcome.ok or (job.valid_only and written) else JobStatus.FAILED
        )
        job.finished_at = timezone.now()
        job.rows_total = job.rows_processed = outcome.rows
        job.created_count = outcome.created
        job.updated_count = outcome.updated
        job.unchanged_count = outcome.unchanged
        job.rejected_count = outcome.rejected
        job.error_count = outcome.error_count
        job.errors = [e.as_dict() for e in outcome.errors]
        job.summary = outcome.summary
        job.save()
    return job


def _run(job: ImportJob) -> Outcome:
    with job.file.open("rb") as handle:
        content = handle.read()
    try:
        table = read_table(content)
        mapping = load_mapping(job.mapping, job.kind)
    except (UnreadableFileError, MappingError) as exc:
        return Outcome(errors=[RowError(1, "(file)", str(exc))], error_count=1)
    del content
    ImportJob.objects.filter(pk=job.pk).update(rows_total=table.estimated_rows)
    scope = Scope.for_ward(job.ward) if job.ward is not None else Scope.for_trust(job.trust)
    who = f" by {job.created_by.username}" if job.created_by else " from the command line"
    common = {
        "mapping": mapping,
        "scope": scope,
        "file_name": job.file_name,
        "dry_run": job.dry_run,
        "valid_only": job.valid_only,
        "progress": _progress(job),
    }
    if job.kind == ImportKind.RETURNS:
        return ReturnImport(table, user=job.created_by, **common).run()
    return IncidentImport(
        table, reason=f"imported from {job.file_name} (import job {job.pk}{who})", **common
    ).run()
