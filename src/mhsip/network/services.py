"""The safety network's rules, as plain functions the pages, the API and the demo share.

- Directory and consent (UK GDPR Art. 6(1)(a), 7): other members see a member only while they
  consent to be listed, and see their e-mail and phone only while they also consent to be
  contacted; a withdrawal takes effect on the next page load, because every directory query
  reads the current consent. Collaborative admins see everyone.
- Meetings (domain brief §D: three a year): a place while places are left, otherwise the
  waiting list, first come first served; a cancelled place goes at once to the first person
  waiting, who is told by e-mail. Registration closes when the meeting starts.
- Attendance is marked after the meeting starts; feedback (1 to 5 and comments) is given by
  attendees after it ends and shown to admins only in aggregate, without names.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from mhsip.network import emails
from mhsip.network.codes import AccessNeed, Category, ConsentMethod, RegistrationStatus
from mhsip.network.models import (
    ConsentRecord,
    Feedback,
    Involvement,
    Meeting,
    NetworkMember,
    Registration,
)
from mhsip.network.permissions import is_network_admin

ACTIVE_STATUSES = (RegistrationStatus.REGISTERED, RegistrationStatus.WAITING)


class RegistrationError(ValueError):
    """A registration, cancellation or attendance change that the rules do not allow; the
    message says why, in words a member understands."""


# --- Directory and consent -------------------------------------------------------------------
@dataclass(frozen=True)
class DirectoryEntry:
    """One row of the directory as a given viewer may see it. E-mail and phone are empty
    unless the viewer may see them, so a template cannot show what the viewer may not."""

    pk: int
    name: str
    category: str
    organisation: str
    job_role: str
    area: str
    email: str
    phone: str
    listed: bool
    contactable: bool
    active: bool
    has_sign_in: bool


def directory_entry(member: NetworkMember, *, admin: bool) -> DirectoryEntry:
    show_contact = admin or member.contactable
    return DirectoryEntry(
        pk=member.pk,
        name=member.name,
        category=member.get_category_display(),
        organisation=member.organisation,
        job_role=member.job_role,
        area=member.area,
        email=member.email if show_contact else "",
        phone=member.phone if show_contact else "",
        listed=member.listed,
        contactable=member.contactable,
        active=member.is_active,
        has_sign_in=member.user_id is not None,
    )


def visible_members(user: Any) -> QuerySet[NetworkMember]:
    """Members ``user`` may see in the directory: everyone for admins; otherwise only active
    members who consent to be listed."""
    members = NetworkMember.objects.all()
    if is_network_admin(user):
        return members
    return members.filter(consent_listed=True, left_on__isnull=True)


def directory(user: Any, *, category: str = "", query: str = "") -> list[DirectoryEntry]:
    members = visible_members(user)
    if category in Category.values:
        members = members.filter(category=category)
    for word in query.split()[:5]:
        members = members.filter(
            Q(name__icontains=word)
            | Q(organisation__icontains=word)
            | Q(job_role__icontains=word)
            | Q(area__icontains=word)
        )
    admin = is_network_admin(user)
    return [directory_entry(m, admin=admin) for m in members]


def record_consent(
    member: NetworkMember,
    *,
    listed: bool,
    contact: bool,
    given_on: dt.date,
    method: str,
    note: str = "",
) -> ConsentRecord:
    """Record consent given, changed or withdrawn, and make it the member's current consent.

    The history row and the member's current consent are written together (atomic)."""
    if method not in ConsentMethod.values:
        raise ValueError(f"unknown consent method {method!r}")
    with transaction.atomic():
        record = ConsentRecord.objects.create(
            member=member,
            listed=listed,
            contact=contact,
            given_on=given_on,
            method=method,
            note=note,
        )
        member.consent_listed = listed
        member.consent_contact = contact
        member.consent_date = given_on
        member.consent_method = method
        member.save(audit_reason="consent recorded")
    return record


MEMBER_DETAIL_FIELDS = ("name", "category", "organisation", "job_role", "area", "email", "phone")


def join_network(
    user: Any, values: dict[str, Any], *, today: dt.date | None = None
) -> NetworkMember:
    """A signed-in user joins the network themselves; their consent is recorded as given
    online, today."""
    today = today or timezone.localdate()
    with transaction.atomic():
        member = NetworkMember(
            user=user, joined_on=today, **{k: values[k] for k in MEMBER_DETAIL_FIELDS}
        )
        member.save(audit_reason="joined the network online")
        record_consent(
            member,
            listed=values["consent_listed"],
            contact=values["consent_contact"],
            given_on=today,
            method=ConsentMethod.ONLINE,
        )
    return member


def update_own_details(
    member: NetworkMember, values: dict[str, Any], *, today: dt.date | None = None
) -> bool:
    """A member changes their own details (a member who had left rejoins); a change of
    consent is recorded as given online. Returns whether consent changed."""
    today = today or timezone.localdate()
    with transaction.atomic():
        for name in MEMBER_DETAIL_FIELDS:
            setattr(member, name, values[name])
        rejoining = member.left_on is not None
        member.left_on = None
        member.save(audit_reason="rejoined online" if rejoining else "changed by the member")
        changed = (member.consent_listed, member.consent_contact) != (
            values["consent_listed"],
            values["consent_contact"],
        )
        if changed:
            record_consent(
                member,
                listed=values["consent_listed"],
                contact=values["consent_contact"],
                given_on=today,
                method=ConsentMethod.ONLINE,
            )
    return changed


# --- Meetings and registrations --------------------------------------------------------------
def with_counts(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """Annotate ``registered``, ``waiting``, ``attended_count`` (marked as attended) and
    ``marked`` (attendance marked either way: 0 means not recorded yet, not that nobody came)."""
    return meetings.annotate(
        registered=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.REGISTERED)
        ),
        waiting=Count("registrations", filter=Q(registrations__status=RegistrationStatus.WAITING)),
        attended_count=Count("registrations", filter=Q(registrations__attended=True)),
        marked=Count("registrations", filter=Q(registrations__attended__isnull=False)),
    )


def upcoming_meetings(now: dt.datetime | None = None) -> QuerySet[Meeting]:
    """Meetings not yet over, soonest first."""
    return with_counts(Meeting.objects.filter(ends_at__gt=now or timezone.now())).order_by(
        "starts_at", "id"
    )


def past_meetings(now: dt.datetime | None = None) -> QuerySet[Meeting]:
    return with_counts(Meeting.objects.filter(ends_at__lte=now or timezone.now())).order_by(
        "-starts_at", "-id"
    )


def places_taken(meeting: Meeting) -> int:
    return meeting.registrations.filter(status=RegistrationStatus.REGISTERED).count()


def places_left(meeting: Meeting) -> int:
    return max(0, meeting.capacity - places_taken(meeting))


def registration_for(meeting: Meeting, member: NetworkMember | None) -> Registration | None:
    """The member's registration for the meeting, if any (cancelled ones included)."""
    if member is None:
        return None
    return Registration.objects.filter(meeting=meeting, member=member).first()


def clean_access_needs(codes: Iterable[str]) -> list[str]:
    """Known access-need codes, each once, in the order of :class:`AccessNeed`."""
    wanted = set(codes)
    unknown = wanted - set(AccessNeed.values)
    if unknown:
        raise ValueError(f"unknown access needs: {', '.join(sorted(unknown))}")
    return [code for code in AccessNeed.values if code in wanted]


def _lock(meeting: Meeting) -> Meeting:
    """Re-read the meeting with a row lock, so two registrations for the last place are
    decided one after the other (PostgreSQL; SQLite's IMMEDIATE transactions serialise
    writers already)."""
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


def _fill_places(meeting: Meeting, now: dt.datetime) -> list[Registration]:
    """Move people from the waiting list into free places, first come first served."""
    free = meeting.capacity - places_taken(meeting)
    if free <= 0:
        return []
    waiting = list(
        meeting.registrations.filter(status=RegistrationStatus.WAITING)
        .select_related("member")
        .order_by("queued_at", "id")[:free]
    )
    for registration in waiting:
        registration.status = RegistrationStatus.REGISTERED
        registration.promoted_at = now
        registration.save(audit_reason="a place became free: moved off the waiting list")
    return waiting


def _notify_promoted(promoted: list[Registration]) -> None:
    for registration in promoted:
        emails.send_waiting_list_promotion(registration)


@dataclass(frozen=True)
class RegistrationOutcome:
    registration: Registration
    created: bool  # False: the member was already registered or waiting; needs were updated
    promoted: list[Registration] = field(default_factory=list)


def register(
    meeting: Meeting,
    member: NetworkMember,
    *,
    access_needs: Iterable[str] = (),
    access_needs_detail: str = "",
    now: dt.datetime | None = None,
    notify: bool = True,
) -> RegistrationOutcome:
    """Give ``member`` a place at ``meeting`` if one is left, else a place on the waiting list.

    Registering again while registered or waiting changes only the access needs. Raises
    :class:`RegistrationError` when the meeting has started or the member has left.
    """
    now = now or timezone.now()
    needs = clean_access_needs(access_needs)
    if not member.is_active:
        raise RegistrationError(f"{member.name} has left the network, so cannot be registered.")
    if meeting.has_started(now):
        raise RegistrationError("Registration has closed: this meeting has already started.")
    with transaction.atomic():
        meeting = _lock(meeting)
        promoted = _fill_places(meeting, now)
        registration = Registration.objects.filter(meeting=meeting, member=member).first()
        if registration is not None and registration.status in ACTIVE_STATUSES:
            registration.access_needs = needs
            registration.access_needs_detail = access_needs_detail
            registration.save(audit_reason="access needs updated")
            outcome = RegistrationOutcome(registration, created=False, promoted=promoted)
        else:
            full = places_taken(meeting) >= meeting.capacity
            registration = registration or Registration(meeting=meeting, member=member)
            registration.status = (
                RegistrationStatus.WAITING if full else RegistrationStatus.REGISTERED
            )
            registration.access_needs = needs
            registration.access_needs_detail = access_needs_detail
            registration.queued_at = now
            registration.promoted_at = None
            registration.cancelled_at = None
            registration.attended = None
            registration.save(audit_reason="registered for a network meeting")
            outcome = RegistrationOutcome(registration, created=True, promoted=promoted)
    if notify:
        _notify_promoted(promoted)
        if outcome.created:
            emails.send_registration_confirmation(registration)
    return outcome


def cancel(
    registration: Registration, *, now: dt.datetime | None = None, notify: bool = True
) -> list[Registration]:
    """Cancel a place (or a place in the queue); a freed place goes to the first person
    waiting. Returns the registrations promoted."""
    now = now or timezone.now()
    if registration.status == RegistrationStatus.CANCELLED:
        return []
    if registration.meeting.has_started(now):
        raise RegistrationError(
            "This meeting has already started, so the registration can no longer be cancelled."
        )
    with transaction.atomic():
        meeting = _lock(registration.meeting)
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = now
        registration.save(audit_reason="registration cancelled")
        promoted = _fill_places(meeting, now)
    if notify:
        _notify_promoted(promoted)
    return promoted


def fill_places(meeting: Meeting, *, now: dt.datetime | None = None) -> list[Registration]:
    """After the capacity grows: give the new places to the people waiting, and tell them."""
    now = now or timezone.now()
    if meeting.has_started(now):
        return []
    with transaction.atomic():
        promoted = _fill_places(_lock(meeting), now)
    _notify_promoted(promoted)
    return promoted


def mark_attendance(
    meeting: Meeting, attended: Iterable[int], *, now: dt.datetime | None = None
) -> int:
    """Mark who came: registered people whose registration id is in ``attended`` attended,
    every other registered person did not. Returns how many registrations changed."""
    now = now or timezone.now()
    if not meeting.has_started(now):
        raise RegistrationError("Attendance can be marked once the meeting has started.")
    came = set(attended)
    changed = 0
    with transaction.atomic():
        for registration in meeting.registrations.filter(status=RegistrationStatus.REGISTERED):
            value = registration.pk in came
            if registration.attended is not value:
                registration.attended = value
                registration.save(audit_reason="attendance marked")
                changed += 1
    return changed


def may_give_feedback(registration: Registration | None, now: dt.datetime | None = None) -> bool:
    return (
        registration is not None
        and registration.attended is True
        and registration.meeting.has_ended(now)
    )


def save_feedback(registration: Registration, *, rating: int, comments: str) -> Feedback:
    if not may_give_feedback(registration):
        raise RegistrationError("Feedback is for people who came, once the meeting has ended.")
    if not 1 <= rating <= 5:
        raise ValueError("a rating is from 1 to 5")
    feedback = Feedback.objects.filter(registration=registration).first()
    feedback = feedback or Feedback(registration=registration)
    feedback.rating = rating
    feedback.comments = comments
    feedback.save()
    return feedback


@dataclass(frozen=True)
class FeedbackSummary:
    """Feedback on one meeting, without names."""

    responses: int
    attendees: int
    mean: float | None  # None when nobody has given feedback
    distribution: list[tuple[int, int]]  # (rating, count) for 5 down to 1
    comments: list[str]

    @property
    def response_rate(self) -> float | None:
        return self.responses / self.attendees if self.attendees else None


RATING_LABELS = {1: "Very poor", 2: "Poor", 3: "Fair", 4: "Good", 5: "Very good"}


def feedback_summary(meeting: Meeting) -> FeedbackSummary:
    rows = list(
        Feedback.objects.filter(registration__meeting=meeting).values_list("rating", "comments")
    )
    counts = Counter(rating for rating, _ in rows)
    attendees = meeting.registrations.filter(attended=True).count()
    return FeedbackSummary(
        responses=len(rows),
        attendees=attendees,
        mean=sum(r for r, _ in rows) / len(rows) if rows else None,
        distribution=[(r, counts.get(r, 0)) for r in range(5, 0, -1)],
        comments=[c.strip() for _, c in reversed(rows) if c.strip()],
    )


def access_needs_summary(meeting: Meeting) -> list[tuple[str, int]]:
    """How many people with a place (or waiting) asked for each access need."""
    counts: Counter[str] = Counter()
    for needs in meeting.registrations.filter(status__in=ACTIVE_STATUSES).values_list(
        "access_needs", flat=True
    ):
        counts.update(needs)
    return [(label, counts[code]) for code, label in AccessNeed.choices]


# --- Involvement ------------------------------------------------------------------------------
@dataclass(frozen=True)
class InvolvementTotals:
    """Sums over involvement records. ``None`` in a record means not recorded, which is
    counted apart (``*_missing``) and never added as 0."""

    records: int
    hours: Decimal
    payment: Decimal
    expenses: Decimal
    hours_missing: int
    payment_missing: int


def involvement_totals(records: QuerySet[Involvement]) -> InvolvementTotals:
    sums = records.aggregate(
        n=Count("id"),
        total_hours=Sum("hours"),
        total_payment=Sum("payment_offered"),
        total_expenses=Sum("expenses_offered"),
        no_hours=Count("id", filter=Q(hours__isnull=True)),
        no_payment=Count("id", filter=Q(payment_offered__isnull=True)),
    )
    zero = Decimal("0")
    return InvolvementTotals(
        records=sums["n"],
        hours=sums["total_hours"] or zero,
        payment=sums["total_payment"] or zero,
        expenses=sums["total_expenses"] or zero,
        hours_missing=sums["no_hours"],
        payment_missing=sums["no_payment"],
    )


def involvement_by_meeting(records: QuerySet[Involvement]) -> list[dict[str, Any]]:
    """Per meeting (or outside meetings): ``people`` involved, ``total_hours``,
    ``total_payment`` and ``total_expenses`` (``None`` when none of the records has one)."""
    rows = (
        records.values("meeting_id", "meeting__title", "meeting__starts_at")
        .annotate(
            people=Count("member", distinct=True),
            total_hours=Sum("hours"),
            total_payment=Sum("payment_offered"),
            total_expenses=Sum("expenses_offered"),
        )
        .order_by("-meeting__starts_at")
    )
    return list(rows)
