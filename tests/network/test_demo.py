"""The demo network (synthetic-data brief "Network"): ~120 fictional members across every
category, three meetings a year with registrations, attendance and feedback, two upcoming
meetings, a few contact requests; deterministic per seed, audited in bulk, and removed exactly
on reset."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from types import SimpleNamespace

import pytest
from django.db.models import Count

from mhsip.audit.actor import System, acting_as
from mhsip.audit.models import Action, AuditLog
from mhsip.demo import load
from mhsip.demo.load import DemoContext
from mhsip.demo.parameters import DemoParameters
from mhsip.network import demo
from mhsip.network.codes import Category, RegistrationStatus
from mhsip.network.models import (
    ConsentRecord,
    ContactRequest,
    Feedback,
    Involvement,
    Meeting,
    NetworkMember,
    Registration,
)
from tests.network.factories import make_member

pytestmark = pytest.mark.django_db


def context(seed: int = 1) -> DemoContext:
    params = DemoParameters()
    data = SimpleNamespace(timeline=params.timeline())
    return DemoContext(seed=seed, params=params, data=data, reason=f"demo, seed {seed}")  # type: ignore[arg-type]


@pytest.fixture
def loaded():
    ctx = context()
    with acting_as(System("cli:demo")):
        demo.load_network(ctx)
    return ctx


def test_the_demo_step_and_its_reset_are_registered_with_the_demo_loader():
    assert demo.load_network in load.DEMO_STEPS
    assert demo.delete_network_demo in load.DEMO_RESET_STEPS


def test_about_120_members_across_every_category_in_the_brief_shares(loaded):
    params = loaded.params
    counts = Counter(NetworkMember.objects.values_list("category", flat=True))
    assert sum(counts.values()) == params.network_members == 120
    assert set(counts) == set(Category.values)
    for category, share in params.network_category_share.items():
        assert abs(counts[category] - share * 120) < 1, category


def test_members_are_obviously_fictional(loaded):
    for name, email, phone in NetworkMember.objects.values_list("name", "email", "phone"):
        assert name.split()[-1] in demo.SURNAMES
        assert email.endswith("@example.org")
        assert phone == "" or phone.startswith("07700 900")
    assert NetworkMember.objects.filter(is_demo=False).count() == 0
    assert NetworkMember.objects.values("email").distinct().count() == 120


def test_every_member_has_consent_recorded_and_most_are_listed(loaded):
    members = NetworkMember.objects.annotate(n=Count("consents"))
    assert not members.filter(n=0).exists()
    assert ConsentRecord.objects.filter(listed=False, contact=True).count() == 0
    listed = NetworkMember.objects.filter(consent_listed=True).count()
    assert 80 <= listed <= 115
    latest = {}
    for record in ConsentRecord.objects.order_by("given_on", "id"):
        latest[record.member_id] = record
    for member in NetworkMember.objects.all():
        assert member.consent_listed == latest[member.pk].listed


def test_three_meetings_a_year_across_the_timeline_and_two_upcoming(loaded):
    timeline = loaded.data.timeline
    days = [timezone_date(m) for m in Meeting.objects.order_by("starts_at")]
    past = [d for d in days if d <= timeline.end]
    assert [d for d in days if d > timeline.end] == days[-2:] and len(days) - len(past) == 2
    years = Counter(d.year for d in past if d.year in {2025})
    assert years[2025] == 3
    assert all(d.weekday() == 2 for d in days)


def timezone_date(meeting: Meeting) -> dt.date:
    return meeting.starts_at.astimezone(demo.LONDON).date()


def test_past_meetings_have_registrations_attendance_and_feedback_upcoming_ones_only_places(
    loaded,
):
    params, end = loaded.params, loaded.data.timeline.end
    for meeting in Meeting.objects.all():
        registrations = meeting.registrations.all()
        registered = registrations.filter(status=RegistrationStatus.REGISTERED)
        assert registered.count() <= meeting.capacity
        if timezone_date(meeting) > end:
            assert not registrations.filter(attended__isnull=False).exists()
            continue
        eligible = NetworkMember.objects.filter(joined_on__lt=timezone_date(meeting)).count()
        assert registrations.count() == pytest.approx(
            params.network_registration_share * eligible, rel=0.35
        )
        assert not registered.filter(attended__isnull=True).exists()
        came = registered.filter(attended=True).count()
        assert came == pytest.approx(params.network_attendance_share * registered.count(), rel=0.3)
        feedback = Feedback.objects.filter(registration__meeting=meeting).count()
        assert feedback == pytest.approx(params.network_feedback_share * came, rel=0.5)


def test_one_meeting_fills_and_shows_a_waiting_list(loaded):
    full = Meeting.objects.exclude(capacity=demo.CAPACITY).get()
    registered = full.registrations.filter(status=RegistrationStatus.REGISTERED)
    assert registered.count() == full.capacity
    waiting = full.registrations.filter(status=RegistrationStatus.WAITING)
    assert waiting.count() == demo.FULL_MEETING_WAITING


def test_lived_experience_and_carer_attendees_have_involvement_with_payment_offered(loaded):
    involvement = Involvement.objects.select_related("member", "meeting")
    assert involvement.exists()
    assert {i.member.category for i in involvement} <= {Category.LIVED_EXPERIENCE, Category.CARER}
    assert all(i.payment_offered == demo.DAY_PAYMENT and i.hours >= 5 for i in involvement)
    attended = Registration.objects.filter(
        attended=True, member__category__in=[Category.LIVED_EXPERIENCE, Category.CARER]
    ).count()
    assert involvement.count() == attended


def test_a_few_contact_requests_with_the_oldest_closed(loaded):
    years = loaded.data.timeline.days / 365.25
    count = ContactRequest.objects.count()
    assert count == pytest.approx(loaded.params.network_contact_requests_per_year * years, rel=0.6)
    assert loaded.counts["contact_requests"] == count
    oldest = ContactRequest.objects.order_by("received_at").first()
    assert oldest.status == "closed" and oldest.closed_at is not None


def test_every_batch_is_audited_by_the_demo_process(loaded):
    types = set(
        AuditLog.objects.filter(
            action=Action.BULK_CREATE, actor_label="system:cli:demo"
        ).values_list("object_type", flat=True)
    )
    assert {
        "network.networkmember", "network.consentrecord", "network.meeting",
        "network.registration", "network.feedback", "network.involvement",
        "network.contactrequest",
    } <= types  # fmt: skip
    assert not AuditLog.objects.filter(action=Action.CREATE, object_type__startswith="network.")


def test_the_same_seed_gives_the_same_network():
    def snapshot(seed):
        with acting_as(System("cli:demo")):
            demo.load_network(context(seed))
        names = list(NetworkMember.objects.order_by("id").values_list("name", "category"))
        regs = Registration.objects.count()
        with acting_as(System("cli:demo")):
            demo.delete_network_demo()
        return names, regs

    assert snapshot(1) == snapshot(1)
    assert snapshot(1) != snapshot(2)


def test_reset_deletes_only_the_demo_network(loaded):
    with acting_as(System("test")):
        real = make_member("Real Person")
        demo.delete_network_demo()
    assert list(NetworkMember.objects.all()) == [real]
    assert not Meeting.objects.exists() and not ContactRequest.objects.exists()
    assert not Registration.objects.exists() and not ConsentRecord.objects.exists()
    deleted = set(
        AuditLog.objects.filter(action=Action.BULK_DELETE).values_list("object_type", flat=True)
    )
    assert {"network.networkmember", "network.meeting", "network.registration"} <= deleted
