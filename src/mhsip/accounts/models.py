"""Users: one role each, scoped to wards, a trust or the collaborative."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models

from mhsip.accounts.roles import Role
from mhsip.audit.models import AuditedModel


class User(AuditedModel, AbstractUser):
    audit_redact = frozenset({"password"})
    audit_ignore = frozenset({"last_login", "updated_at"})

    role = models.CharField(max_length=30, choices=Role.choices, default=Role.WARD_STAFF)
    trust = models.ForeignKey(
        "organisations.Trust",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text="The trust a trust lead (or a trust's analyst) works for.",
    )
    wards = models.ManyToManyField(
        "organisations.Ward",
        blank=True,
        related_name="staff",
        help_text="The wards that ward staff and ward QI leads work on.",
    )

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    def clean(self) -> None:
        super().clean()
        if self.role == Role.TRUST_LEAD and self.trust_id is None:
            raise ValidationError({"trust": "A trust lead needs a trust."})
