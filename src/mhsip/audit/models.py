"""The audit trail: one explicit row for every create, update and delete of domain data.

Design (ADR 0004): domain models inherit :class:`AuditedModel`, whose ``save()`` and
``delete()`` write an :class:`AuditLog` row in the same transaction, naming the actor from
:mod:`mhsip.audit.actor`. Bulk writes (demo generation, imports) write one summary row per batch
through :func:`mhsip.audit.log.record_bulk`. Identifiable values never enter the log: fields
listed in ``audit_redact`` are logged as changed without their values.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.db import models, transaction

from mhsip.audit.actor import System, current_actor


class Action(models.TextChoices):
    CREATE = "create", "Created"
    UPDATE = "update", "Updated"
    DELETE = "delete", "Deleted"
    BULK_CREATE = "bulk_create", "Created in bulk"
    BULK_DELETE = "bulk_delete", "Deleted in bulk"
    SIGN_IN = "sign_in", "Signed in"
    SIGN_OUT = "sign_out", "Signed out"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    EXPORT = "export", "Exported"
    APPROVE = "approve", "Approved"


class AuditLog(models.Model):
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(max_length=200, help_text="User name or system process")
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=100, db_index=True)  # "app_label.model"
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict, blank=True)  # {field: [before, after]}
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return "(binary)"
    return value


def actor_fields(actor: Any) -> dict[str, Any]:
    if isinstance(actor, System):
        return {"actor": None, "actor_label": str(actor)}
    return {"actor": actor if getattr(actor, "pk", None) else None, "actor_label": str(actor)}


class AuditedModel(models.Model):
    """A domain model whose every write is audited. Saving outside ``acting_as`` raises."""

    audit_redact: ClassVar[frozenset[str]] = frozenset()
    audit_ignore: ClassVar[frozenset[str]] = frozenset({"updated_at"})

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> Any:
        instance = super().from_db(db, field_names, values)
        instance._audit_snapshot = instance.audit_values()
        return instance

    def audit_values(self) -> dict[str, Any]:
        # Deferred fields (``.only()``, as Django's delete collector uses) are left out:
        # reading one would reload the row through from_db and recurse.
        deferred = self.get_deferred_fields()
        values = {}
        for field in self._meta.concrete_fields:
            if field.attname in self.audit_ignore or field.name in self.audit_ignore:
                continue
            if field.attname in deferred:
                continue
            values[field.attname] = getattr(self, field.attname, None)
        return values

    def audit_changes(self, before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
        """Fields whose value changed, as ``{field: [before, after]}``; redacted fields show that
        they changed but never their values."""
        changes = {}
        for name in dict.fromkeys([*before, *after]):
            old, new = before.get(name), after.get(name)
            if old != new:
                if name in self.audit_redact:
                    changes[name] = ["(redacted)", "(redacted)"]
                else:
                    changes[name] = [_jsonable(old), _jsonable(new)]
        return changes

    def _write_audit(self, action: str, changes: dict[str, Any], reason: str = "") -> None:
        AuditLog.objects.create(
            **actor_fields(current_actor()),
            action=action,
            object_type=self._meta.label_lower,
            object_id=str(self.pk),
            object_repr=str(self)[:200],
            changes=changes,
            reason=reason,
        )

    def save(self, *args: Any, audit_reason: str = "", **kwargs: Any) -> None:
        current_actor()  # fail before writing anything
        creating = self._state.adding
        before = {} if creating else getattr(self, "_audit_snapshot", {})
        with transaction.atomic():
            super().save(*args, **kwargs)
            after = self.audit_values()
            changes = self.audit_changes(before, after)
            if creating:
                self._write_audit(Action.CREATE, changes, audit_reason)
            elif changes:
                self._write_audit(Action.UPDATE, changes, audit_reason)
        self._audit_snapshot = after

    def delete(self, *args: Any, audit_reason: str = "", **kwargs: Any) -> Any:
        current_actor()
        pk = self.pk
        with transaction.atomic():
            before = self.audit_values()
            result = super().delete(*args, **kwargs)
            self.pk = pk
            self._write_audit(Action.DELETE, self.audit_changes(before, {}), audit_reason)
            self.pk = None
        return result
