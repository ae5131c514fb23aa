"""The network's API routes (django-ninja Router), mounted by mhsip.api.

Meetings hold no ward or patient data, so every signed-in user may list the upcoming ones (as
on the pages). Registering needs the caller's own active member record (403 otherwise, with how
to join); the same capacity and waiting-list rules and e-mails as the pages apply.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.errors import HttpError, ValidationError

from mhsip.network import services
from mhsip.network.codes import AccessNeed, RegistrationStatus
from mhsip.network.forms import RegistrationForm
from mhsip.network.models import Meeting, NetworkMember, Registration
from mhsip.network.permissions import is_network_admin, member_for

router = Router(tags=["network"])


class MeetingOut(Schema):
    id: int
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    venue: str
    online: bool
    online_url: str | None  # only for people with a place, and admins
    capacity: int
    places_left: int
    waiting: int
    registration_open: bool
    your_status: str | None  # registered, waiting, cancelled, or null if never registered


class RegistrationIn(Schema):
    access_needs: list[AccessNeed] = []
    access_needs_detail: str = ""


class RegistrationOut(Schema):
    meeting_id: int
    status: str
    waiting_position: int | None
    access_needs: list[str]
    access_needs_detail: str
    created: bool  # False: you were already registered or waiting; needs were updated


def _meeting_out(meeting: Meeting, member: NetworkMember | None, admin: bool) -> MeetingOut:
    registration = services.registration_for(meeting, member)
    status = registration.status if registration is not None else None
    show_link = admin or status == RegistrationStatus.REGISTERED
    return MeetingOut(
        id=meeting.pk,
        title=meeting.title,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        venue=meeting.venue,
        online=bool(meeting.online_url),
        online_url=meeting.online_url if show_link and meeting.online_url else None,
        capacity=meeting.capacity,
        places_left=max(0, meeting.capacity - meeting.registered),  # type: ignore[attr-defined]
        waiting=meeting.waiting,  # type: ignore[attr-defined]
        registration_open=not meeting.has_started(),
        your_status=status,
    )


@router.get("/network/meetings", response=list[MeetingOut], summary="Upcoming network meetings")
def list_meetings(request: HttpRequest) -> list[MeetingOut]:
    member, admin = member_for(request.auth), is_network_admin(request.auth)
    return [_meeting_out(m, member, admin) for m in services.upcoming_meetings()]


def _registration_out(registration: Registration, created: bool) -> RegistrationOut:
    return RegistrationOut(
        meeting_id=registration.meeting_id,
        status=registration.status,
        waiting_position=registration.waiting_position(),
        access_needs=list(registration.access_needs),
        access_needs_detail=registration.access_needs_detail,
        created=created,
    )


@router.post(
    "/network/meetings/{meeting_id}/registrations",
    response={200: RegistrationOut, 201: RegistrationOut},
    summary="Register yourself for a meeting (a place, or the waiting list when it is full)",
)
def register(request: HttpRequest, meeting_id: int, payload: RegistrationIn) -> Status:
    meeting = get_object_or_404(Meeting, pk=meeting_id)
    member = member_for(request.auth)
    if member is None:
        raise HttpError(
            403, "You are not a member of the safety network: join it at /network/me/ first."
        )
    form = RegistrationForm(
        {
            "access_needs": [str(need) for need in payload.access_needs],
            "access_needs_detail": payload.access_needs_detail,
        }
    )
    if not form.is_valid():
        raise ValidationError(
            [
                {"loc": ["body", "payload", name], "msg": str(message), "type": "value_error"}
                for name, errors in form.errors.items()
                for message in errors
            ]
        )
    try:
        outcome = services.register(meeting, member, **form.cleaned_data)
    except services.RegistrationError as exc:
        raise HttpError(409, str(exc)) from exc
    return Status(
        201 if outcome.created else 200, _registration_out(outcome.registration, outcome.created)
    )
