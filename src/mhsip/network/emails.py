"""E-mails of the safety network, sent with Django's mail API (the console back end in
development, ``locmem`` in tests; settings ``EMAIL_BACKEND``, ``DEFAULT_FROM_EMAIL``).

- to a member: registration confirmed, or put on the waiting list;
- to a member: a place became free and they moved off the waiting list;
- to the team: a new "get in touch" request.

The team's address is read from the environment variable ``MHSIP_NETWORK_TEAM_EMAIL`` (default
:data:`DEFAULT_TEAM_EMAIL`). A failure to send is logged and never undoes what was saved: the
registration or request stands and the team still sees it in the service.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone

from mhsip.env import env_str
from mhsip.network.codes import RegistrationStatus
from mhsip.network.models import ContactRequest, Meeting, Registration

log = logging.getLogger(__name__)

TEAM_EMAIL_VARIABLE = "MHSIP_NETWORK_TEAM_EMAIL"
DEFAULT_TEAM_EMAIL = "safety-network@example.nhs.uk"


def team_address() -> str:
    """Where "get in touch" notifications go (read at each send, so a change needs no code)."""
    return (env_str(TEAM_EMAIL_VARIABLE) or "").strip() or DEFAULT_TEAM_EMAIL


def _link(name: str, **kwargs: object) -> str:
    return settings.SITE_ROOT.rstrip("/") + reverse(name, kwargs=kwargs or None)


def _when(meeting: Meeting) -> str:
    start = timezone.localtime(meeting.starts_at)
    end = timezone.localtime(meeting.ends_at)
    return f"{start:%A %-d %B %Y}, {start:%H:%M} to {end:%H:%M}"


def _where(meeting: Meeting) -> str:
    places = []
    if meeting.venue:
        places.append(meeting.venue.strip())
    if meeting.online_url:
        places.append("Online: the joining link is on the meeting page")
    return "\n".join(places) or "To be confirmed"


def _send(subject: str, body: str, to: list[str]) -> bool:
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to)
    except Exception:  # the saved registration or request must stand
        log.exception("network e-mail %r to %s was not sent", subject, to)
        return False
    return True


def send_registration_confirmation(registration: Registration) -> bool:
    """Tell the member they have a place, or are on the waiting list (and which place)."""
    member, meeting = registration.member, registration.meeting
    if not member.email:
        return False
    link = _link("network:meeting-detail", pk=meeting.pk)
    if registration.status == RegistrationStatus.REGISTERED:
        subject = f"You are registered for {meeting.title}"
        opening = "You have a place at this network meeting."
    else:
        position = registration.waiting_position()
        subject = f"You are on the waiting list for {meeting.title}"
        opening = (
            f"The meeting is full, so you are number {position} on the waiting list. We will "
            "e-mail you if a place becomes free."
        )
    needs = registration.access_need_labels()
    needs_text = (
        "You told us about these access needs: " + "; ".join(needs) + "."
        if needs
        else "You did not tell us about any access needs."
    )
    body = (
        f"Hello {member.name},\n\n{opening}\n\n{meeting.title}\n{_when(meeting)}\n"
        f"{_where(meeting)}\n\n{needs_text} You can change them, or cancel, on the meeting "
        f"page:\n{link}\n\n{settings.MHSIP_SERVICE_NAME}\n"
    )
    return _send(subject, body, [member.email])


def send_waiting_list_promotion(registration: Registration) -> bool:
    """Tell a member on the waiting list that a place became free and is now theirs."""
    member, meeting = registration.member, registration.meeting
    if not member.email:
        return False
    link = _link("network:meeting-detail", pk=meeting.pk)
    body = (
        f"Hello {member.name},\n\nA place has become free at {meeting.title}, and it is now "
        f"yours: you are registered.\n\n{_when(meeting)}\n{_where(meeting)}\n\n"
        f"If you can no longer come, please cancel on the meeting page so someone else can "
        f"have the place:\n{link}\n\n{settings.MHSIP_SERVICE_NAME}\n"
    )
    return _send(f"A place is now yours: {meeting.title}", body, [member.email])


def send_contact_to_team(contact: ContactRequest) -> bool:
    """Tell the team a "get in touch" request has arrived (the message itself stays in the
    service; the e-mail links to it)."""
    link = _link("network:contact-detail", pk=contact.pk)
    organisation = f" ({contact.organisation})" if contact.organisation else ""
    body = (
        f"A new message has arrived through the 'Get in touch' form.\n\n"
        f"From: {contact.name}{organisation}\nTopic: {contact.get_topic_display()}\n"
        f"Received: {timezone.localtime(contact.received_at):%-d %B %Y at %H:%M}\n\n"
        f"Read it, assign it and reply from the triage page:\n{link}\n\n"
        f"{settings.MHSIP_SERVICE_NAME}\n"
    )
    return _send(
        f"New 'Get in touch' message: {contact.get_topic_display()}", body, [team_address()]
    )
