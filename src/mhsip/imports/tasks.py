"""Background work of the imports app (Django's Tasks API, ADR 0007). The argument is the job's
id, never the job itself, so any backend can serialise it."""

from __future__ import annotations

from django_tasks import task

from mhsip.imports import jobs


@task()
def run_import_job(job_id: int) -> str:
    """Run one import job; returns its final status."""
    return str(jobs.job_run(job_id).status)
