"""Builders for network tests (run inside an actor context, e.g. the ``system`` fixture)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from mhsip.network.codes import Category, ConsentMethod, ContactTopic, RegistrationStatus
from mhsip.network.models import ContactRequest, Material, Meeting, NetworkMember, Registration

PDF = b"%PDF-1.7\n% a tiny test file\n"


def make_member(name: str = "Robin Example", **extra: Any) -> NetworkMember:
    values: dict[str, Any] = {
        "category": Category.LIVED_EXPERIENCE,
        "organisation": "Example Mental Health Charity",
        "job_role": "Expert by experience",
        "area": "Exampleshire",
        "email": f"{name.split()[0].lower()}@example.org",
        "phone": "07700 900123",
        "consent_listed": True,
        "consent_contact": True,
        "consent_date": dt.date(2025, 1, 6),
        "consent_method": ConsentMethod.PAPER,
    }
    values.update(extra)
    return NetworkMember.objects.create(name=name, **values)


def make_meeting(days: float = 14, capacity: int = 60, **extra: Any) -> Meeting:
    """A meeting starting ``days`` from now (negative: in the past), lasting five hours."""
    start = timezone.now() + dt.timedelta(days=days)
    values: dict[str, Any] = {
        "title": "Safety network meeting: learning from restraint reduction",
        "starts_at": start,
        "ends_at": start + dt.timedelta(hours=5),
        "venue": "Example Conference Centre, 1 Example Street",
        "capacity": capacity,
        "agenda": "10:00 Welcome\n11:00 Stories from the wards",
        "accessibility": "Step-free entrance and a hearing loop.",
        "easy_read": "A meeting about keeping people safe on wards.",
    }
    values.update(extra)
    return Meeting.objects.create(**values)


def make_registration(
    meeting: Meeting,
    member: NetworkMember,
    status: str = RegistrationStatus.REGISTERED,
    **extra: Any,
) -> Registration:
    return Registration.objects.create(meeting=meeting, member=member, status=status, **extra)


def make_contact(**extra: Any) -> ContactRequest:
    values: dict[str, Any] = {
        "name": "Sam Sample",
        "email": "sam@example.org",
        "topic": ContactTopic.JOIN,
        "message": "I would like to join the network.",
    }
    values.update(extra)
    return ContactRequest.objects.create(**values)


def make_material(meeting: Meeting, name: str = "network/materials/test-fixture.pdf") -> Material:
    """A PDF material; the file is written to the default storage once and reused."""
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(PDF))
    material = Material(
        meeting=meeting,
        title="Slides from the morning",
        kind="slides",
        original_name="morning slides.pdf",
        size=len(PDF),
        content_type="application/pdf",
    )
    material.file.name = name
    material.save()
    return material
