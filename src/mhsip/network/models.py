"""The safety network: members and their consent, meetings with registrations, attendance,
shared materials and feedback, lived-experience involvement, and "get in touch" requests.

Issue 6 item 7 and landscape brief §4 item 8. Every model is audited (ADR 0004). Personal data
(members' e-mail and phone, contact requests' details, access needs, which can reveal a
disability) is redacted from the audit log: the log says that it changed, never the value.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from mhsip.audit.models import AuditedModel
from mhsip.network.codes import (
    AccessNeed,
    Category,
    ConsentMethod,
    ContactStatus,
    ContactTopic,
    InvolvementRole,
    MaterialKind,
    RegistrationStatus,
)


class NetworkMember(AuditedModel):
    """A person in the safety network, with or without a sign-in.

    Consent (UK GDPR Art. 6(1)(a) and 7): ``consent_listed`` puts the member in the directory
    other members see; ``consent_contact`` also shows them the member's e-mail and phone. The
    current consent is kept here, its history in :class:`ConsentRecord`.
    """

    audit_redact = frozenset({"email", "phone"})

    name = models.CharField(max_length=150)
    category = models.CharField(max_length=30, choices=Category.choices)
    organisation = models.CharField(max_length=200, blank=True)
    job_role = models.CharField("role", max_length=200, blank=True)
    area = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="network_member",
        help_text="The member's sign-in, if they have one.",
    )
    consent_listed = models.BooleanField("consents to be listed", default=False)
    consent_contact = models.BooleanField("consents to be contacted", default=False)
    consent_date = models.DateField(null=True, blank=True)
    consent_method = models.CharField(max_length=20, choices=ConsentMethod.choices, blank=True)
    joined_on = models.DateField(default=timezone.localdate)
    left_on = models.DateField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["consent_listed", "left_on"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.left_on is None

    @property
    def listed(self) -> bool:
        """Other members may see this member in the directory."""
        return self.is_active and self.consent_listed

    @property
    def contactable(self) -> bool:
        """Other members may see this member's e-mail and phone."""
        return self.listed and self.consent_contact


class ConsentRecord(AuditedModel):
    """One statement of consent, given or withdrawn: what, when and how (UK GDPR Art. 7(1):
    the controller must be able to demonstrate consent)."""

    member = models.ForeignKey(NetworkMember, on_delete=models.CASCADE, related_name="consents")
    listed = models.BooleanField()
    contact = models.BooleanField()
    given_on = models.DateField()
    method = models.CharField(max_length=20, choices=ConsentMethod.choices)
    note = models.TextField(blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-given_on", "-id"]

    def __str__(self) -> str:
        return f"Consent of {self.member} on {self.given_on:%d %b %Y}"


class Meeting(AuditedModel):
    """A network meeting (three a year: domain brief §D "network meetings three times a
    year")."""

    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    venue = models.TextField("place", blank=True)
    online_url = models.URLField("online joining link", blank=True)
    capacity = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    agenda = models.TextField(blank=True)
    accessibility = models.TextField("accessibility information", blank=True)
    easy_read = models.TextField("easy-read summary", blank=True)
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="network_meeting_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="network_meeting_capacity"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({timezone.localtime(self.starts_at):%d %b %Y})"

    def has_started(self, now: dt.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.starts_at

    def has_ended(self, now: dt.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.ends_at


class Registration(AuditedModel):
    """A member's place (or place in the queue) at a meeting.

    ``queued_at`` orders the waiting list: first come, first served. ``attended`` is ``None``
    until an admin marks attendance after the meeting: not marked is not the same as absent.
    """

    audit_redact = frozenset({"access_needs", "access_needs_detail"})

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="registrations")
    member = models.ForeignKey(
        NetworkMember, on_delete=models.CASCADE, related_name="registrations"
    )
    status = models.CharField(max_length=20, choices=RegistrationStatus.choices)
    access_needs = models.JSONField(default=list, blank=True)  # AccessNeed values
    access_needs_detail = models.TextField(blank=True)
    queued_at = models.DateTimeField(default=timezone.now)
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    attended = models.BooleanField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["queued_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"], name="network_one_registration_per_member"
            )
        ]
        indexes = [models.Index(fields=["meeting", "status", "queued_at"])]

    def __str__(self) -> str:
        return f"{self.member} at {self.meeting}"

    def waiting_position(self) -> int | None:
        """1 for the first in the queue; ``None`` when not on the waiting list."""
        if self.status != RegistrationStatus.WAITING:
            return None
        ahead = Registration.objects.filter(
            Q(queued_at__lt=self.queued_at) | Q(queued_at=self.queued_at, pk__lt=self.pk),
            meeting_id=self.meeting_id,
            status=RegistrationStatus.WAITING,
        )
        return ahead.count() + 1

    def access_need_labels(self) -> list[str]:
        labels = dict(AccessNeed.choices)
        return [labels.get(code, code) for code in self.access_needs]


class Feedback(AuditedModel):
    """An attendee's short feedback after a meeting: a rating from 1 (very poor) to 5 (very
    good) and optional comments. Admins see it aggregated, without names."""

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="feedback"
    )
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comments = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="network_feedback_rating_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"Feedback {self.pk} on {self.registration.meeting}"


def material_path(instance: Material, filename: str) -> str:
    """Stored under a path of our making, never the uploaded name (which is kept apart)."""
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    stamp = timezone.now()
    return f"network/materials/{stamp:%Y/%m}/{stamp:%Y%m%d%H%M%S%f}{suffix}"


class Material(AuditedModel):
    """Slides, storyboards and other files shared at a meeting, held in Django's storage."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=MaterialKind.choices)
    file = models.FileField(upload_to=material_path, max_length=255)
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "title", "id"]

    def __str__(self) -> str:
        return self.title

    def audit_values(self) -> dict[str, Any]:
        """The file is logged by its stored name (a ``FieldFile`` is not JSON)."""
        values = super().audit_values()
        values["file"] = self.file.name or ""
        return values

    @property
    def suffix(self) -> str:
        return self.original_name.rsplit(".", 1)[-1].upper() if "." in self.original_name else ""


class Involvement(AuditedModel):
    """Lived-experience involvement: what a member did, for how long, and the payment and
    expenses offered (landscape brief §4 item 8). Empty means not recorded; 0 means none."""

    member = models.ForeignKey(NetworkMember, on_delete=models.CASCADE, related_name="involvements")
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="involvements"
    )
    date = models.DateField()
    role = models.CharField(max_length=20, choices=InvolvementRole.choices)
    activity = models.CharField(max_length=300, blank=True)
    hours = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    payment_offered = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    expenses_offered = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    payment_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__isnull=True) | Q(hours__gte=0), name="network_hours_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(payment_offered__isnull=True) | Q(payment_offered__gte=0),
                name="network_payment_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(expenses_offered__isnull=True) | Q(expenses_offered__gte=0),
                name="network_expenses_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.get_role_display()} on {self.date:%d %b %Y}"


class ContactRequest(AuditedModel):
    """A message sent through the public "Get in touch" form, triaged by the team."""

    audit_redact = frozenset({"name", "email", "organisation", "message"})

    name = models.CharField(max_length=150)
    email = models.EmailField()
    organisation = models.CharField(max_length=200, blank=True)
    topic = models.CharField(max_length=20, choices=ContactTopic.choices)
    message = models.TextField()
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    status = models.CharField(
        max_length=20, choices=ContactStatus.choices, default=ContactStatus.NEW
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["status", "received_at"])]

    def __str__(self) -> str:
        return f"Contact request {self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.status == ContactStatus.CLOSED and self.closed_at is None:
            self.closed_at = timezone.now()
        elif self.status != ContactStatus.CLOSED:
            self.closed_at = None
        super().save(*args, **kwargs)
