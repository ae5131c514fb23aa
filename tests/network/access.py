"""Who may open each network page (format: tests/core/test_views_access.py).

Meetings and the "join" page are open to every signed-in role (the network includes staff);
the directory and shared files to network participants (network members and admins; the
outsider, a QI lead of another trust with no member record, gets 403); managing the network to
collaborative admins only (403 for everyone else). "Get in touch" is public. Pages about the
user's own registration redirect (302) people who have none.
"""

from __future__ import annotations

from tests.network import factories

ALL = [
    "ward_staff",
    "ward_qi_lead",
    "trust_lead",
    "collaborative_admin",
    "analyst",
    "network_member",
    "outsider",
]
ADMIN = ["collaborative_admin"]
PARTICIPANTS = ["collaborative_admin", "network_member"]


def meeting(world):
    return {"pk": factories.make_meeting().pk}


def past_meeting(world):
    return {"pk": factories.make_meeting(days=-7).pk}


def _member_of(world):
    return factories.make_member(user=world.users["network_member"])


def meeting_for_member(world):
    _member_of(world)
    return meeting(world)


def registered_meeting(world):
    upcoming = factories.make_meeting()
    factories.make_registration(upcoming, _member_of(world))
    return {"pk": upcoming.pk}


def attended_meeting(world):
    past = factories.make_meeting(days=-7)
    factories.make_registration(past, _member_of(world), attended=True)
    return {"pk": past.pk}


def member(world):
    return {"pk": factories.make_member().pk}


def material(world):
    return {"pk": factories.make_material(factories.make_meeting()).pk}


def contact_request(world):
    return {"pk": factories.make_contact().pk}


ACCESS = {
    "network:contact": ({}, ALL, None, True),
    "network:contact-sent": ({}, ALL, None, True),
    "network:home": ({}, ALL, None, False),
    "network:me": ({}, ALL, None, False),
    "network:meeting-list": ({}, ALL, None, False),
    "network:meeting-detail": (meeting, ALL, None, False),
    "network:meeting-new": ({}, ADMIN, 403, False),
    "network:meeting-edit": (meeting, ADMIN, 403, False),
    "network:meeting-register": (meeting_for_member, ["network_member"], 302, False),
    "network:meeting-cancel": (registered_meeting, ["network_member"], 302, False),
    "network:meeting-registrations": (meeting, ADMIN, 403, False),
    "network:meeting-attendance": (past_meeting, ADMIN, 403, False),
    "network:meeting-feedback": (attended_meeting, ["network_member"], 403, False),
    "network:feedback-summary": (past_meeting, ADMIN, 403, False),
    "network:material-new": (meeting, ADMIN, 403, False),
    "network:material-download": (material, PARTICIPANTS, 403, False),
    "network:material-delete": (material, ADMIN, 403, False),
    "network:member-list": ({}, PARTICIPANTS, 403, False),
    "network:member-new": ({}, ADMIN, 403, False),
    "network:member-detail": (member, ADMIN, 403, False),
    "network:member-edit": (member, ADMIN, 403, False),
    "network:member-consent": (member, ADMIN, 403, False),
    "network:involvement-new": (member, ADMIN, 403, False),
    "network:involvement-list": ({}, ADMIN, 403, False),
    "network:contact-triage": ({}, ADMIN, 403, False),
    "network:contact-detail": (contact_request, ADMIN, 403, False),
}
