"""Who may open each imports page (format: tests/core/test_views_access.py).

Only the recording roles import (Role.can_record): others get 403 for the list and the form.
A job is visible only on wards (or the trust) the user records for; anyone else, the outsider
included, gets 404 for it, so a job's existence does not leak.
"""

from __future__ import annotations

from mhsip.imports.models import ImportJob, ImportKind

RECORDERS = ["ward_staff", "ward_qi_lead", "trust_lead"]


def _job(world):
    job = ImportJob.objects.create(
        kind=ImportKind.INCIDENTS, ward=world.ward, file_name="export.csv", status="succeeded"
    )
    return {"pk": job.pk}


ACCESS = {
    "imports:job-list": ({}, [*RECORDERS, "outsider"], 403, False),
    "imports:new": ({}, [*RECORDERS, "outsider"], 403, False),
    "imports:job-detail": (_job, RECORDERS, 404, False),
    "imports:template": ({"kind": "incidents"}, [*RECORDERS, "outsider"], 403, False),
}
