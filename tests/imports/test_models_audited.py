"""The imports app's models are audited like every domain model (ADR 0004); tests/audit leaves
them to this file. A token's hash never enters the log."""

from __future__ import annotations

import pytest

from mhsip.audit.models import Action, AuditLog
from mhsip.imports.auth import token_create
from mhsip.imports.models import ImportJob, ImportKind

pytestmark = pytest.mark.django_db


def actions(obj, pk=None):
    return list(
        AuditLog.objects.filter(object_type=obj._meta.label_lower, object_id=str(pk or obj.pk))
        .values_list("action", flat=True)
        .order_by("id")
    )


def test_an_import_job_is_audited_when_created_changed_and_deleted(world, system):
    job = ImportJob.objects.create(kind=ImportKind.INCIDENTS, ward=world.ward, file_name="a.csv")
    job.status = "running"
    job.save()
    ImportJob.objects.filter(pk=job.pk).update(rows_processed=10)  # progress: not audited
    pk = job.pk
    job.delete()
    assert actions(job, pk) == [Action.CREATE, Action.UPDATE, Action.DELETE]


def test_an_api_token_is_audited_without_its_hash(world, system):
    row, token = token_create(user=world.users["ward_staff"], name="Feed")
    row.name = "Datix feed"
    row.save()
    pk = row.pk
    row.delete()
    assert actions(row, pk) == [Action.CREATE, Action.UPDATE, Action.DELETE]
    logged = str(list(AuditLog.objects.values_list("changes", flat=True)))
    assert row.token_hash not in logged and token not in logged
    assert "(redacted)" in logged
