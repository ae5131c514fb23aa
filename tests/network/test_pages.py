"""The network's pages as each role sees them: the navigation, the network home, and the
meeting list's "not recorded" kept apart from zero."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mhsip.network.codes import RegistrationStatus
from tests.network.access import ALL
from tests.network.factories import make_meeting, make_member, make_registration

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ALL)
def test_every_role_finds_the_network_in_the_navigation(world, role):
    page = world.client_for(role).get(reverse("core:dashboard")).content.decode()
    assert f'href="{reverse("network:home")}"' in page and ">Network<" in page


def test_the_public_finds_get_in_touch_in_the_footer(client, db):
    page = client.get(reverse("core:home")).content.decode()
    assert f'href="{reverse("network:contact")}"' in page


def test_someone_outside_the_network_is_invited_to_join(world):
    page = world.client_for("trust_lead").get(reverse("network:home")).content.decode()
    assert "Join the network" in page and "Member directory" not in page
    assert "Managing the network" not in page


def test_a_member_sees_their_meetings_on_the_network_home(world, system):
    member = make_member("Nell Member", user=world.users["network_member"])
    meeting = make_meeting(title="Spring network meeting")
    make_registration(meeting, member, status=RegistrationStatus.WAITING)
    page = world.client_for("network_member").get(reverse("network:home")).content.decode()
    assert "Your meetings" in page and "Spring network meeting" in page
    assert "On the waiting list" in page and "Member directory" in page


def test_admins_see_the_management_links_and_new_messages(world, system):
    page = world.client_for("collaborative_admin").get(reverse("network:home")).content.decode()
    assert "Managing the network" in page and "0 new, 0 in progress" in page


def test_past_meetings_show_attendance_not_recorded_apart_from_nobody_came(world, system):
    member = make_member()
    unmarked = make_meeting(days=-40, title="Unmarked meeting")
    make_registration(unmarked, member)
    empty = make_meeting(days=-20, title="Nobody came meeting")
    make_registration(empty, member, attended=False)
    page = world.client_for("ward_staff").get(reverse("network:meeting-list")).content.decode()
    rows = {
        title: page.split(title, 1)[1].split("</tr>", 1)[0]
        for title in ("Unmarked meeting", "Nobody came meeting")
    }
    assert "Not recorded" in rows["Unmarked meeting"]
    assert (
        ">0<" in rows["Nobody came meeting"] and "Not recorded" not in rows["Nobody came meeting"]
    )


def test_the_meeting_page_offers_the_waiting_list_when_full(world, system):
    make_member("Nell Member", user=world.users["network_member"])
    meeting = make_meeting(capacity=1)
    make_registration(meeting, make_member("Bea Example"))
    page = world.client_for("network_member").get(
        reverse("network:meeting-detail", kwargs={"pk": meeting.pk})
    )
    assert "Join the waiting list" in page.content.decode()
