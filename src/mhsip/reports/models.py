"""A generated report: the annual report or a monthly ward pack, built in the background.

Each report keeps what it was asked for (``parameters``), who asked and when, its status and
progress, and the two files it produced, stored through Django's default storage (the local
disk by default, any storage backend in a shared deployment): the accessible HTML page and the
PDF printed from that same HTML (ADR 0007).

Audited (ADR 0004): creating a report and each change of status leave an audit row. The
progress percentage and step text change many times a minute while it runs and say nothing
about the data, so they are left out of the audit (``audit_ignore``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from mhsip.audit.models import AuditedModel
from mhsip.organisations.models import Ward


class ReportKind(models.TextChoices):
    ANNUAL = "annual", "Annual report"
    WARD_MONTH = "ward_month", "Monthly ward pack"


class ReportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Ready"
    FAILED = "failed", "Failed"


def report_path(instance: GeneratedReport, filename: str) -> str:
    return f"reports/{instance.pk or 'new'}/{filename}"


class GeneratedReport(AuditedModel):
    kind = models.CharField(max_length=20, choices=ReportKind.choices)
    parameters = models.JSONField(
        default=dict, help_text="What was asked for: year, or ward code and month; the rule"
    )
    ward = models.ForeignKey(
        Ward,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
        help_text="The ward of a ward pack (scopes who may see it)",
    )
    title = models.CharField(max_length=200)
    status = models.CharField(
        max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done")
    step = models.CharField(max_length=200, blank=True, help_text="What it is doing now")
    error = models.TextField(blank=True)
    html_file = models.FileField(upload_to=report_path, max_length=255, blank=True)
    pdf_file = models.FileField(upload_to=report_path, max_length=255, blank=True)
    seconds = models.FloatField(null=True, blank=True, help_text="Time taken to build")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    audit_ignore = frozenset({"updated_at", "progress", "step"})

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def audit_values(self) -> dict[str, Any]:
        """Stored files are logged by their names."""
        values = super().audit_values()
        for name in ("html_file", "pdf_file"):
            if name in values:
                values[name] = str(values[name] or "")
        return values

    @property
    def is_finished(self) -> bool:
        return self.status in {ReportStatus.SUCCEEDED, ReportStatus.FAILED}

    @property
    def is_ready(self) -> bool:
        return self.status == ReportStatus.SUCCEEDED and bool(self.pdf_file)

    @property
    def rule(self) -> str:
        return str(self.parameters.get("rule", "hes"))

    @property
    def created_by_label(self) -> str:
        if self.created_by is None:
            return "The command line"
        name = self.created_by.get_full_name() or self.created_by.username
        return name
