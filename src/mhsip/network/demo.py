"""The demo safety network (``/work/shared/brief/synthetic-data.md`` "Network").

About 120 fictional members across the programme's categories (shares from
``DemoParameters.network_category_share``), three meetings a year across the timeline and two
after its end (upcoming), registrations (``network_registration_share`` of eligible members per
meeting, with a waiting list where a meeting fills), attendance (``network_attendance_share``),
feedback (``network_feedback_share`` of attendees), lived-experience involvement with hours and
payment offered, and a few "get in touch" requests (``network_contact_requests_per_year``).

Names are obviously made up (surnames such as "Example" and "Sample"), e-mail addresses are at
``example.org`` and phone numbers are in Ofcom's range reserved for drama (07700 900xxx).
Every row is flagged ``is_demo`` (members, meetings, requests; the rest hang off them), so
:func:`delete_network_demo` removes exactly the demo network on ``mhsip demo --reset``.

Registered from :class:`mhsip.network.apps.NetworkConfig.ready` with
:func:`mhsip.demo.load.register_step` and :func:`~mhsip.demo.load.register_reset_step`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np
from django.apps import apps
from django.core.files.storage import default_storage
from django.db import transaction

from mhsip.audit.log import record_bulk
from mhsip.audit.models import Action
from mhsip.network.codes import (
    AccessNeed,
    Category,
    ConsentMethod,
    ContactStatus,
    ContactTopic,
    InvolvementRole,
    RegistrationStatus,
)
from mhsip.network.models import (
    ConsentRecord,
    ContactRequest,
    Feedback,
    Involvement,
    Material,
    Meeting,
    NetworkMember,
    Registration,
)

if TYPE_CHECKING:
    from mhsip.demo.load import DemoContext

LONDON = zoneinfo.ZoneInfo("Europe/London")

FIRST_NAMES = (
    "Alex", "Amara", "Bea", "Chen", "Dev", "Eilidh", "Femi", "Gwen", "Hamza", "Ines", "Jo",
    "Kofi", "Lena", "Mo", "Nadia", "Oisin", "Priya", "Quinn", "Rhys", "Sam", "Tariq", "Uma",
    "Vik", "Wren", "Yusuf", "Zara", "Aled", "Bisi", "Cal", "Dilys",
)  # fmt: skip
SURNAMES = (
    "Example", "Sample", "Specimen", "Placeholder", "Fictional", "Madeup", "Pretend",
    "Testwell", "Mockley", "Notreal", "Demoford", "Imaginary", "Invented", "Dummett",
    "Fakenham-Demo", "Sketchley",
)  # fmt: skip
AREAS = ("Exampleshire", "Sampleton", "Demoborough", "Placeford", "Testbridge", "Mockbury")

ORGANISATIONS: dict[str, tuple[str, ...]] = {
    Category.INDEPENDENT_PROVIDER: ("Exemplar Independent Care (demo)",),
    Category.PRIVATE_PROVIDER: ("Demo Private Hospitals Ltd", "Placeholder Clinics Ltd (demo)"),
    Category.COMMISSIONER: (
        "Demo Integrated Care Board",
        "Exampleshire Provider Collaborative (demo)",
    ),
    Category.LOCAL_AUTHORITY: (
        "Exampleshire County Council (demo)",
        "Sampleton City Council (demo)",
    ),
    Category.VOLUNTARY_SECTOR: (
        "Example Mental Health Charity (demo)",
        "Sample Carers Network (demo)",
        "Demo Advocacy Service",
    ),
    Category.POLICE: ("Exampleshire Police (demo)",),
    Category.EMERGENCY_SERVICES: (
        "Example Ambulance Service (demo)",
        "Exampleshire Fire and Rescue (demo)",
    ),
}
ROLES: dict[str, tuple[str, ...]] = {
    Category.LOCAL_AUTHORITY: ("Approved mental health professional", "Safeguarding lead"),
    Category.LIVED_EXPERIENCE: ("Expert by experience", "Peer researcher", ""),
    Category.CARER: ("Carer", "Carers' group organiser", ""),
    Category.CLINICAL_STAFF: (
        "Ward manager",
        "Staff nurse",
        "Consultant psychiatrist",
        "Occupational therapist",
        "Healthcare assistant",
        "Psychologist",
    ),
    Category.MANAGERIAL_STAFF: ("Service manager", "Head of nursing", "Quality improvement lead"),
    Category.NHS_PROVIDER: ("Reducing restrictive practice lead", "Patient safety specialist"),
    Category.INDEPENDENT_PROVIDER: ("Hospital director", "Clinical lead"),
    Category.PRIVATE_PROVIDER: ("Registered manager", "Clinical governance lead"),
    Category.COMMISSIONER: ("Mental health commissioner", "Quality lead"),
    Category.VOLUNTARY_SECTOR: ("Advocate", "Project worker", "Chief executive"),
    Category.POLICE: ("Mental health liaison officer", "Inspector"),
    Category.EMERGENCY_SERVICES: ("Paramedic", "Mental health practitioner"),
}
THEMES = (
    "Sexual safety on our wards",
    "Learning from restraint reduction",
    "Co-producing care plans",
    "Police and emergency services on the ward",
    "Safewards: what has worked",
    "Carers as partners in safety",
    "Reducing seclusion and segregation",
    "Trauma-informed care",
    "Equity: who is restrained, and why",
    "Spreading what works",
)
COMMENTS = (
    "Hearing from people with lived experience was the most useful part.",
    "Good mix of people. More time for the small-group discussions, please.",
    "The storyboards gave me ideas to take back to my ward.",
    "The room was too warm and the microphones did not always work.",
    "Easy-read agenda was really helpful.",
    "I would like more on how the police and wards work together.",
    "Too many slides before lunch.",
    "Felt listened to. Thank you.",
)
FEEDBACK_RATING_SHARE = (0.02, 0.05, 0.13, 0.40, 0.40)  # ratings 1 to 5
CONSENT_METHOD_SHARE = {
    ConsentMethod.ONLINE: 0.4,
    ConsentMethod.PAPER: 0.3,
    ConsentMethod.EMAIL: 0.2,
    ConsentMethod.IN_PERSON: 0.1,
}
ACCESS_NEED_SHARE = {
    AccessNeed.STEP_FREE: 0.10,
    AccessNeed.BSL: 0.02,
    AccessNeed.HEARING_LOOP: 0.05,
    AccessNeed.EASY_READ: 0.08,
    AccessNeed.QUIET_ROOM: 0.06,
    AccessNeed.DIETARY: 0.12,
}
TOPIC_SHARE = {
    ContactTopic.JOIN: 0.35,
    ContactTopic.MEETINGS: 0.2,
    ContactTopic.LIVED_EXPERIENCE: 0.2,
    ContactTopic.SHARING: 0.1,
    ContactTopic.DATA: 0.05,
    ContactTopic.OTHER: 0.1,
}
CONTACT_MESSAGES = {
    ContactTopic.JOIN: "I work with people on mental health wards and would like to join the "
    "safety network. (Demo message.)",
    ContactTopic.MEETINGS: "Is there step-free access at the next network meeting? (Demo message.)",
    ContactTopic.LIVED_EXPERIENCE: "I was an inpatient last year and would like to help make "
    "wards safer. How can I get involved? (Demo message.)",
    ContactTopic.SHARING: "Our team has tried a new de-escalation huddle and would like to share "
    "it at a meeting. (Demo message.)",
    ContactTopic.DATA: "Where can I find the published restraint figures? (Demo message.)",
    ContactTopic.OTHER: "Please could you send me the slides from the last meeting? "
    "(Demo message.)",
}
LISTED_SHARE = 0.85
CONTACT_GIVEN_LISTED_SHARE = 0.75
WITHDRAWN_SHARE = 0.03  # members who later withdrew consent to be listed
LEFT_SHARE = 0.05
MEETING_MONTHS = (3, 7, 11)  # three a year: March, July, November
UPCOMING_MEETINGS = 2
CAPACITY = 60
FULL_MEETING_WAITING = 4  # the latest past meeting filled: this many were left waiting
CANCEL_SHARE = 0.05
#: Involvement payment offered to people with lived experience and carers for a meeting day
#: (a demo figure in the range of NHS England's patient and public voice partner payments).
DAY_PAYMENT = Decimal("150.00")


def _allocate(total: int, shares: dict[str, float]) -> list[str]:
    """``total`` category codes in the given shares (largest remainder, so the counts are
    exact and stable for a seed-independent ~120)."""
    exact = {k: total * s for k, s in shares.items()}
    counts = {k: int(v) for k, v in exact.items()}
    by_remainder = sorted(exact, key=lambda k: exact[k] - counts[k], reverse=True)
    for key in by_remainder[: total - sum(counts.values())]:
        counts[key] += 1
    return [k for k in shares for _ in range(counts[k])]


def _pick(rng: np.random.Generator, shares: dict[Any, float]) -> Any:
    keys = list(shares)
    return keys[
        int(rng.choice(len(keys), p=np.array(list(shares.values())) / sum(shares.values())))
    ]


def _second_wednesday(year: int, month: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(2 - first.weekday()) % 7 + 7)


def meeting_dates(start: dt.date, end: dt.date, upcoming: int = UPCOMING_MEETINGS) -> list[dt.date]:
    """Second Wednesdays of March, July and November from ``start``, through ``end`` and then
    ``upcoming`` more.

    >>> [d.isoformat() for d in meeting_dates(dt.date(2026, 1, 1), dt.date(2026, 8, 1), 1)]
    ['2026-03-11', '2026-07-08', '2026-11-11']
    """
    dates: list[dt.date] = []
    after = 0
    for year in itertools.count(start.year):
        for month in MEETING_MONTHS:
            day = _second_wednesday(year, month)
            if day < start:
                continue
            if day > end:
                after += 1
                if after > upcoming:
                    return dates
            dates.append(day)
    raise AssertionError("unreachable")


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


@dataclass
class _Member:
    row: NetworkMember
    joined: dt.date
    left: dt.date | None


def _members(ctx: DemoContext, rng: np.random.Generator) -> list[_Member]:
    params, timeline = ctx.params, ctx.data.timeline
    categories = _allocate(params.network_members, dict(params.network_category_share))
    rng.shuffle(categories)
    pairs = list(itertools.product(FIRST_NAMES, SURNAMES))
    chosen = rng.choice(len(pairs), size=len(categories), replace=False)
    trusts = sorted(t.name for t in ctx.trusts.values()) or ["Demo NHS Trust"]
    span = (timeline.end - timeline.start).days + 365
    out = []
    for i, (category, pair) in enumerate(zip(categories, chosen, strict=True)):
        first, surname = pairs[int(pair)]
        joined = (
            timeline.start - dt.timedelta(days=365) + dt.timedelta(days=int(rng.integers(span)))
        )
        left = None
        if rng.random() < LEFT_SHARE:
            left = joined + dt.timedelta(days=int(rng.integers(60, 400)))
            left = left if left < timeline.end else None
        if category in {Category.CLINICAL_STAFF, Category.MANAGERIAL_STAFF, Category.NHS_PROVIDER}:
            organisation = trusts[int(rng.integers(len(trusts)))]
        else:
            options = ORGANISATIONS.get(category, ("",))
            organisation = options[int(rng.integers(len(options)))]
        roles = ROLES[category]
        row = NetworkMember(
            name=f"{first} {surname}",
            category=category,
            organisation=organisation,
            job_role=roles[int(rng.integers(len(roles)))],
            area=AREAS[int(rng.integers(len(AREAS)))],
            email=f"{first}.{surname}@example.org".lower(),
            phone=f"07700 900{i:03d}" if rng.random() < 0.7 else "",
            joined_on=joined,
            left_on=left,
            is_demo=True,
        )
        out.append(_Member(row, joined, left))
    return out


def _consents(
    ctx: DemoContext, rng: np.random.Generator, members: list[_Member]
) -> list[ConsentRecord]:
    records = []
    for m in members:
        listed = bool(rng.random() < LISTED_SHARE)
        contact = listed and bool(rng.random() < CONTACT_GIVEN_LISTED_SHARE)
        method = _pick(rng, CONSENT_METHOD_SHARE)
        history = [(listed, contact, m.joined, method, "")]
        if listed and rng.random() < WITHDRAWN_SHARE / LISTED_SHARE:
            later = m.joined + dt.timedelta(days=int(rng.integers(30, 300)))
            later = min(later, ctx.data.timeline.end)
            history.append(
                (
                    False,
                    False,
                    later,
                    ConsentMethod.EMAIL,
                    "Asked to be removed from the directory.",
                )
            )
        for listed_, contact_, day, method_, note in history:
            records.append(
                ConsentRecord(
                    member=m.row,
                    listed=listed_,
                    contact=contact_,
                    given_on=day,
                    method=method_,
                    note=note,
                )
            )
        m.row.consent_listed, m.row.consent_contact, m.row.consent_date, m.row.consent_method = (
            history[-1][0],
            history[-1][1],
            history[-1][2],
            history[-1][3],
        )
    return records


def _meeting(n: int, day: dt.date, capacity: int) -> Meeting:
    online = n % 3 == 1
    theme = THEMES[(n - 1) % len(THEMES)]
    return Meeting(
        title=f"Safety network meeting {n}: {theme}",
        starts_at=_at(day, 10),
        ends_at=_at(day, 15),
        venue="" if online else "Demo Conference Centre, 1 Example Street, Exampleshire",
        online_url=f"https://meet.example.org/safety-network-{n}" if online else "",
        capacity=capacity,
        agenda=(
            "10:00 Welcome and introductions\n10:30 Stories from the wards\n"
            f"11:30 Theme: {theme}\n12:30 Lunch\n13:15 Small-group discussions\n"
            "14:30 What we will try next, and close"
        ),
        accessibility=(
            "Online: live captions, and the slides are sent a week before."
            if online
            else "Step-free entrance and lift to the first floor; accessible toilet on each "
            "floor; hearing loop in the main room; a quiet room is available all day."
        ),
        easy_read=(
            f"This is a meeting about keeping people safe on mental health wards. We will talk "
            f"about {theme.lower()}. You can listen, ask questions and share your ideas. "
            "There is lunch and there are breaks."
        ),
        is_demo=True,
    )


def load_network(ctx: DemoContext) -> None:
    """The demo network: members, consent, meetings, registrations, attendance, feedback,
    involvement and contact requests (see the module docstring)."""
    rng = ctx.rng("network")
    params, timeline = ctx.params, ctx.data.timeline
    members = _members(ctx, rng)
    consent_rows = _consents(ctx, rng, members)  # also sets each member's current consent
    ctx.bulk_create(NetworkMember, (m.row for m in members))
    consents = ctx.bulk_create(ConsentRecord, consent_rows)

    dates = meeting_dates(timeline.start, timeline.end)
    meetings = [_meeting(n, day, CAPACITY) for n, day in enumerate(dates, start=1)]
    full = max(i for i, day in enumerate(dates) if day <= timeline.end)  # the latest past one
    registrations, outcomes = _registrations(ctx, rng, members, meetings, full=full)
    ctx.bulk_create(Meeting, meetings)
    feedback, involvement = _after_meetings(ctx, rng, registrations, outcomes)
    registrations = ctx.bulk_create(Registration, registrations)
    ctx.bulk_create(Feedback, feedback)
    ctx.bulk_create(Involvement, involvement)
    contacts = ctx.bulk_create(ContactRequest, _contacts(ctx, rng))
    ctx.counts.update(
        network_members=len(members),
        network_meetings=len(meetings),
        network_registrations=len(registrations),
        network_feedback=len(feedback),
        contact_requests=len(contacts),
    )
    ratings = [f.rating for f in feedback]
    ctx.truth["network"] = {
        "members": len(members),
        "consent_records": len(consents),
        "listed": sum(m.row.listed for m in members),
        "meetings": len(meetings),
        "upcoming_meetings": sum(m.starts_at.date() > timeline.end for m in meetings),
        "mean_rating": float(np.mean(ratings)) if ratings else None,
        "registration_share": params.network_registration_share,
    }


def _registrations(
    ctx: DemoContext,
    rng: np.random.Generator,
    members: list[_Member],
    meetings: list[Meeting],
    *,
    full: int,
) -> tuple[list[Registration], list[bool]]:
    """Registrations in queue order per meeting; returns them and whether each one's meeting
    is over by the end of the timeline (so attendance and feedback exist). The meeting at
    index ``full`` gets just too few places, so the demo shows a waiting list."""
    params, end = ctx.params, ctx.data.timeline.end
    rows: list[Registration] = []
    over: list[bool] = []
    for index, meeting in enumerate(meetings):
        day = meeting.starts_at.date()
        eligible = [m for m in members if m.joined < day and (m.left is None or m.left > day)]
        upcoming = day > end
        share = params.network_registration_share * (0.5 if upcoming else 1.0)
        count = min(len(eligible), int(rng.binomial(len(eligible), share)))
        picked = [eligible[int(i)] for i in rng.choice(len(eligible), size=count, replace=False)]
        opened = _at(day, 9) - dt.timedelta(weeks=8)
        latest = min(_at(day, 9), _at(end, 17)) if upcoming else _at(day, 9)
        spread = max(1, int((latest - opened).total_seconds()))
        queued = sorted(opened + dt.timedelta(seconds=int(rng.integers(spread))) for _ in picked)
        cancelled = [bool(rng.random() < CANCEL_SHARE) for _ in picked]
        active = [i for i, c in enumerate(cancelled) if not c]
        if index == full:
            meeting.capacity = max(1, len(active) - FULL_MEETING_WAITING)
        places = set(active[: meeting.capacity])
        for i, (member, at) in enumerate(zip(picked, queued, strict=True)):
            needs = [code for code, share_ in ACCESS_NEED_SHARE.items() if rng.random() < share_]
            status = (
                RegistrationStatus.CANCELLED
                if cancelled[i]
                else RegistrationStatus.REGISTERED
                if i in places
                else RegistrationStatus.WAITING
            )
            promoted = status == RegistrationStatus.REGISTERED and i >= meeting.capacity
            rows.append(
                Registration(
                    meeting=meeting,
                    member=member.row,
                    status=status,
                    access_needs=needs,
                    access_needs_detail="Vegetarian, no nuts. (Demo.)"
                    if AccessNeed.DIETARY in needs
                    else "",
                    queued_at=at,
                    promoted_at=at + dt.timedelta(days=3) if promoted else None,
                    cancelled_at=at + dt.timedelta(days=2) if cancelled[i] else None,
                )
            )
            over.append(not upcoming)
    return rows, over


def _after_meetings(
    ctx: DemoContext,
    rng: np.random.Generator,
    registrations: list[Registration],
    over: list[bool],
) -> tuple[list[Feedback], list[Involvement]]:
    """Attendance, feedback and lived-experience involvement for the meetings that are over."""
    params = ctx.params
    feedback: list[Feedback] = []
    involvement: list[Involvement] = []
    for registration, is_over in zip(registrations, over, strict=True):
        if not is_over or registration.status != RegistrationStatus.REGISTERED:
            continue
        registration.attended = bool(rng.random() < params.network_attendance_share)
        if not registration.attended:
            continue
        if rng.random() < params.network_feedback_share:
            rating = int(rng.choice(5, p=FEEDBACK_RATING_SHARE)) + 1
            comment = COMMENTS[int(rng.integers(len(COMMENTS)))] if rng.random() < 0.4 else ""
            feedback.append(Feedback(registration=registration, rating=rating, comments=comment))
        member = registration.member
        if member.category in {Category.LIVED_EXPERIENCE, Category.CARER}:
            involvement.append(_involvement(rng, registration))
    return feedback, involvement


def _involvement(rng: np.random.Generator, registration: Registration) -> Involvement:
    meeting = registration.meeting
    role = _pick(
        rng,
        {
            InvolvementRole.PARTICIPANT: 0.6,
            InvolvementRole.SPEAKER: 0.15,
            InvolvementRole.CO_FACILITATOR: 0.1,
            InvolvementRole.CO_CHAIR: 0.05,
            InvolvementRole.REVIEWER: 0.1,
        },
    )
    prep = {InvolvementRole.PARTICIPANT: 0, InvolvementRole.REVIEWER: 2}.get(role, 3)
    declined = rng.random() < 0.1
    expenses = None if rng.random() < 0.05 else Decimal(int(rng.integers(0, 41)))
    return Involvement(
        member=registration.member,
        meeting=meeting,
        date=meeting.starts_at.date(),
        role=role,
        activity="" if role == InvolvementRole.PARTICIPANT else f"{role.label} at the meeting",
        hours=Decimal(5 + prep),
        payment_offered=DAY_PAYMENT,
        expenses_offered=expenses,
        payment_note="Payment declined: it would affect benefits. (Demo.)" if declined else "",
    )


def _contacts(ctx: DemoContext, rng: np.random.Generator) -> list[ContactRequest]:
    timeline = ctx.data.timeline
    years = ((timeline.end - timeline.start).days + 1) / 365.25
    n = int(rng.poisson(ctx.params.network_contact_requests_per_year * years))
    days = sorted(int(d) for d in rng.integers(0, (timeline.end - timeline.start).days + 1, size=n))
    rows = []
    for i, offset in enumerate(days):
        received = _at(timeline.start + dt.timedelta(days=offset), 9) + dt.timedelta(
            minutes=int(rng.integers(0, 10 * 60))
        )
        first = FIRST_NAMES[int(rng.integers(len(FIRST_NAMES)))]
        surname = SURNAMES[int(rng.integers(len(SURNAMES)))]
        topic = _pick(rng, TOPIC_SHARE)
        age = (timeline.end - received.date()).days
        status = (
            ContactStatus.CLOSED
            if age > 56
            else ContactStatus.IN_PROGRESS
            if age > 14
            else ContactStatus.NEW
        )
        rows.append(
            ContactRequest(
                name=f"{first} {surname}",
                email=f"{first}.{surname}.{i}@example.org".lower(),
                organisation="" if rng.random() < 0.5 else "Example Mental Health Charity (demo)",
                topic=topic,
                message=CONTACT_MESSAGES[topic],
                received_at=received,
                status=status,
                note="Replied by email. (Demo.)" if status == ContactStatus.CLOSED else "",
                closed_at=received + dt.timedelta(days=5)
                if status == ContactStatus.CLOSED
                else None,
                is_demo=True,
            )
        )
    return rows


def delete_network_demo() -> None:
    """Reset hook: delete the demo network (members, meetings and requests flagged ``is_demo``
    and what hangs off them), audited in bulk; the files of demo meetings' materials go once
    the reset is committed. Runs inside :func:`mhsip.demo.load.delete_demo`'s actor and
    transaction."""
    reason = "demo reset: safety network"
    files = list(Material.objects.filter(meeting__is_demo=True).values_list("file", flat=True))
    for queryset in (
        ContactRequest.objects.filter(is_demo=True),
        Meeting.objects.filter(is_demo=True),
        NetworkMember.objects.filter(is_demo=True),
    ):
        _, per_model = queryset.delete()
        for label, count in per_model.items():
            if count:
                record_bulk(apps.get_model(label), count, action=Action.BULK_DELETE, reason=reason)
    if files:
        transaction.on_commit(lambda: [default_storage.delete(name) for name in files])
