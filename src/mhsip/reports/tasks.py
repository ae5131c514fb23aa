"""Background work of the reports app (Django's Tasks API through django-tasks, ADR 0007).

The argument is the report's id, never the report, so any backend can serialise it. With the
default ``ImmediateBackend`` the report is built in-process as it is enqueued; with
``TASKS_BACKEND=django_tasks_db.DatabaseBackend`` a ``mhsip db_worker`` process on any machine
builds it while the page shows its progress (docs/reports.md).
"""

from __future__ import annotations

from django_tasks import task

from mhsip.reports import services


@task()
def generate_report(report_id: int) -> str:
    """Build one queued report; returns its final status."""
    return str(services.run(report_id).status)
