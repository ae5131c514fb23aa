"""Import jobs (a file from an incident system, validated then written all-or-nothing) and API
tokens (how incident systems post to the API without a browser session)."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from mhsip.audit.models import AuditedModel
from mhsip.organisations.models import Trust, Ward

ERROR_CAP = 200  # errors listed per job; the total is kept in ``error_count``


class ImportKind(models.TextChoices):
    INCIDENTS = "incidents", "Use-of-force incidents (MHSIP incident import v1)"
    RETURNS = "returns", "Weekly ward returns (MHSIP weekly return import v1)"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class ImportJob(AuditedModel):
    """One uploaded file and what became of it.

    The file is held in Django's storage (``default_storage``) only while the job waits or runs:
    an incident-system export carries local patient identifiers (and names, NHS numbers), which
    MHSIP never keeps (ADR 0005). When the job ends the file is deleted; its name, size and
    SHA-256 stay, so a re-upload of the same file can be recognised.

    Progress counters are written with ``QuerySet.update`` (operational, not domain data); status
    changes go through ``save()`` and are audited.
    """

    audit_ignore = frozenset({"updated_at", "rows_processed"})

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty for command-line imports",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    kind = models.CharField(max_length=10, choices=ImportKind.choices)
    mapping = models.CharField(max_length=50, default="canonical")
    ward = models.ForeignKey(
        Ward, null=True, blank=True, on_delete=models.PROTECT, related_name="import_jobs"
    )
    trust = models.ForeignKey(
        Trust, null=True, blank=True, on_delete=models.PROTECT, related_name="import_jobs"
    )
    dry_run = models.BooleanField(default=False, help_text="Check only: nothing is written")
    valid_only = models.BooleanField(
        default=False, help_text="Write the valid incidents and reject the rest"
    )
    file = models.FileField(upload_to="imports/%Y/%m/", blank=True, max_length=300)
    file_name = models.CharField(max_length=200)
    file_size = models.PositiveBigIntegerField(default=0)
    file_sha256 = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED, db_index=True
    )
    rows_total = models.PositiveIntegerField(default=0)
    rows_processed = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # [{"row", "column", "message"}]
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ward__isnull=False) | Q(trust__isnull=False),
                name="import_job_has_a_scope",
            )
        ]

    def __str__(self) -> str:
        return f"Import {self.pk}: {self.file_name}"

    def audit_values(self) -> dict[str, Any]:
        """The stored file is logged by its name (a ``FieldFile`` is not JSON)."""
        values = super().audit_values()
        values["file"] = self.file.name or ""
        return values

    @property
    def is_finished(self) -> bool:
        return self.status in {JobStatus.SUCCEEDED, JobStatus.FAILED}

    @property
    def scope_label(self) -> str:
        if self.ward_id is not None:
            return str(self.ward)
        return f"All wards of {self.trust}"

    @property
    def percent(self) -> int:
        if self.is_finished:
            return 100
        if not self.rows_total:
            return 0
        return min(99, int(100 * self.rows_processed / self.rows_total))


def hash_token(token: str) -> str:
    """Tokens are 256-bit random strings, so one SHA-256 is enough (no salt or stretching is
    needed for a secret that cannot be guessed, unlike a password)."""
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(AuditedModel):
    """A bearer token for an incident system or script. It acts as its owner: the owner's role
    and wards (or trust) decide what it may read and write, through the same scoped accessor as
    the pages. Only the SHA-256 of the token is stored; the token is shown once, at creation."""

    audit_redact = frozenset({"token_hash"})
    audit_ignore = frozenset({"last_used_at"})

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text="What uses it, e.g. 'Datix nightly feed'")
    prefix = models.CharField(max_length=12, help_text="The token's first characters, to tell")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["user", "-created_at"]

    def __str__(self) -> str:
        return f"API token {self.prefix}… ({self.name})"
