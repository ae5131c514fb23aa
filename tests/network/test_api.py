"""The network API: every signed-in user lists upcoming meetings; members register themselves
with the same capacity, waiting-list and access-need rules as the pages."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.test import Client

from mhsip.network.models import Registration
from tests.network.factories import make_meeting, make_member, make_registration

pytestmark = pytest.mark.django_db
LIST = "/api/v1/network/meetings"


def register_url(meeting):
    return f"/api/v1/network/meetings/{meeting.pk}/registrations"


def post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


@pytest.fixture
def member(world, system):
    return make_member("Nell Member", user=world.users["network_member"], email="nell@example.org")


def test_every_signed_in_role_lists_upcoming_meetings_only(world, system):
    upcoming = make_meeting(capacity=10, online_url="https://meet.example.org/room")
    make_meeting(days=-30)
    for role in ("outsider", "network_member", "ward_staff", "analyst"):
        response = world.client_for(role).get(LIST)
        assert response.status_code == 200, role
        (only,) = response.json()
        assert only["id"] == upcoming.pk and only["places_left"] == 10
        assert only["online"] is True and only["online_url"] is None
        assert only["your_status"] is None and only["registration_open"] is True


def test_anonymous_callers_get_401(db):
    assert Client().get(LIST).status_code == 401
    assert post(Client(), "/api/v1/network/meetings/1/registrations").status_code == 401


def test_a_member_registers_and_then_sees_the_link_and_their_status(world, member):
    meeting = make_meeting(capacity=10, online_url="https://meet.example.org/room")
    client = world.client_for("network_member")
    response = post(client, register_url(meeting), {"access_needs": ["hearing_loop"]})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "registered" and body["access_needs"] == ["hearing_loop"]
    assert mail.outbox[0].to == ["nell@example.org"]
    (listed,) = client.get(LIST).json()
    assert listed["your_status"] == "registered" and listed["places_left"] == 9
    assert listed["online_url"] == "https://meet.example.org/room"
    again = post(client, register_url(meeting), {"access_needs": []})
    assert again.status_code == 200 and again.json()["created"] is False
    assert Registration.objects.count() == 1


def test_a_full_meeting_puts_the_member_on_the_waiting_list(world, member, system):
    meeting = make_meeting(capacity=1)
    make_registration(meeting, make_member("Bea Example"))
    response = post(world.client_for("network_member"), register_url(meeting))
    assert response.status_code == 201
    assert response.json()["status"] == "waiting" and response.json()["waiting_position"] == 1


def test_the_outsider_without_a_member_record_cannot_register(world, system):
    meeting = make_meeting()
    response = post(world.client_for("outsider"), register_url(meeting))
    assert response.status_code == 403 and "join it at /network/me/" in response.json()["detail"]
    assert not Registration.objects.exists()


def test_registration_for_a_meeting_that_started_is_refused(world, member):
    meeting = make_meeting(days=-0.01)
    response = post(world.client_for("network_member"), register_url(meeting))
    assert response.status_code == 409 and "already started" in response.json()["detail"]


def test_an_unknown_meeting_is_404(world, member):
    assert (
        post(
            world.client_for("network_member"), "/api/v1/network/meetings/999/registrations"
        ).status_code
        == 404
    )


def test_unknown_access_needs_and_dietary_needs_without_detail_are_422(world, member):
    meeting = make_meeting()
    client = world.client_for("network_member")
    assert post(client, register_url(meeting), {"access_needs": ["jetpack"]}).status_code == 422
    response = post(client, register_url(meeting), {"access_needs": ["dietary"]})
    assert response.status_code == 422
    assert "Tell us about the dietary needs" in json.dumps(response.json())
    assert not Registration.objects.exists()
