"""Explicit audit entries for what ``AuditedModel`` cannot see by itself: bulk writes,
many-to-many changes, sign-ins, exports and approvals."""

from __future__ import annotations

from typing import Any

from django.db import models

from mhsip.audit.actor import current_actor
from mhsip.audit.models import Action, AuditLog, actor_fields


def record(
    action: str,
    obj: models.Model | None = None,
    *,
    changes: dict[str, Any] | None = None,
    reason: str = "",
    actor: Any = None,
    object_type: str = "",
    object_repr: str = "",
) -> AuditLog:
    who = actor if actor is not None else current_actor()
    return AuditLog.objects.create(
        **actor_fields(who),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else object_type,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=(str(obj) if obj is not None else object_repr)[:200],
        changes=changes or {},
        reason=reason,
    )


def record_bulk(
    model: type[models.Model], count: int, *, action: str = Action.BULK_CREATE, reason: str = ""
) -> AuditLog:
    """One row for a batch of ``count`` rows of ``model`` written by a bulk operation."""
    return record(
        action,
        object_type=model._meta.label_lower,
        object_repr=f"{count:,} {model._meta.verbose_name_plural}",
        changes={"count": count},
        reason=reason,
    )
