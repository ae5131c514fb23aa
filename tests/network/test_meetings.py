"""Network meetings: places and the waiting list, cancellations that promote the first person
waiting, access needs, attendance, feedback and the e-mails that go with them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from mhsip.network import services
from mhsip.network.codes import RegistrationStatus
from mhsip.network.models import Feedback, Meeting, Registration
from mhsip.network.services import RegistrationError
from tests.network.factories import make_meeting, make_member, make_registration

pytestmark = pytest.mark.django_db


@pytest.fixture
def trio(world, system):
    return [
        make_member(f"{first} Example", email=f"{first.lower()}@example.org")
        for first in ("Alex", "Bea", "Cal")
    ]


def test_people_get_places_until_the_meeting_is_full_then_join_the_waiting_list(trio):
    meeting = make_meeting(capacity=2)
    outcomes = [services.register(meeting, m) for m in trio]
    assert [o.registration.status for o in outcomes] == ["registered", "registered", "waiting"]
    assert outcomes[2].registration.waiting_position() == 1
    assert services.places_left(meeting) == 0


def test_a_cancelled_place_goes_to_the_first_person_waiting_who_is_emailed(trio, system):
    meeting = make_meeting(capacity=1)
    first = services.register(meeting, trio[0]).registration
    second = services.register(meeting, trio[1]).registration
    third = services.register(meeting, trio[2]).registration
    assert third.waiting_position() == 2
    mail.outbox.clear()
    promoted = services.cancel(first)
    assert promoted == [second]
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == RegistrationStatus.REGISTERED and second.promoted_at is not None
    assert third.status == RegistrationStatus.WAITING and third.waiting_position() == 1
    assert [m.to for m in mail.outbox] == [["bea@example.org"]]
    assert mail.outbox[0].subject.startswith("A place is now yours")


def test_registering_sends_a_confirmation_naming_the_access_needs(trio):
    meeting = make_meeting(capacity=1)
    services.register(meeting, trio[0], access_needs=["step_free", "bsl"])
    services.register(meeting, trio[1])
    registered, waiting = mail.outbox
    assert registered.to == ["alex@example.org"]
    assert registered.subject == f"You are registered for {meeting.title}"
    assert "Step-free access" in registered.body and "British Sign Language" in registered.body
    assert waiting.subject == f"You are on the waiting list for {meeting.title}"
    assert "number 1 on the waiting list" in waiting.body


def test_registering_again_changes_only_the_access_needs(trio):
    meeting = make_meeting()
    services.register(meeting, trio[0])
    mail.outbox.clear()
    again = services.register(meeting, trio[0], access_needs=["quiet_room"])
    assert not again.created and Registration.objects.count() == 1
    assert again.registration.access_needs == ["quiet_room"]
    assert mail.outbox == []


def test_someone_who_cancelled_can_register_again_and_joins_the_back_of_the_queue(trio):
    meeting = make_meeting(capacity=1)
    first = services.register(meeting, trio[0]).registration
    services.cancel(first)
    services.register(meeting, trio[1])
    again = services.register(meeting, trio[0])
    assert again.created and again.registration.status == RegistrationStatus.WAITING


def test_registration_closes_when_the_meeting_starts(trio):
    meeting = make_meeting(days=-0.01)
    with pytest.raises(RegistrationError, match="already started"):
        services.register(meeting, trio[0])
    assert not Registration.objects.exists()


def test_a_member_who_left_cannot_be_registered(trio, system):
    trio[0].left_on = dt.date(2025, 1, 1)
    trio[0].save()
    with pytest.raises(RegistrationError, match="has left the network"):
        services.register(make_meeting(), trio[0])


def test_more_places_go_to_the_people_waiting(trio, system):
    meeting = make_meeting(capacity=1)
    for member in trio:
        services.register(meeting, member)
    mail.outbox.clear()
    meeting.capacity = 3
    meeting.save()
    promoted = services.fill_places(meeting)
    assert [r.member.name for r in promoted] == ["Bea Example", "Cal Example"]
    assert len(mail.outbox) == 2


def test_a_network_member_registers_on_the_page_and_sees_themselves_registered(world, system):
    make_member("Nell Member", user=world.users["network_member"], email="nell@example.org")
    meeting = make_meeting()
    client = world.client_for("network_member")
    response = client.post(
        reverse("network:meeting-register", kwargs={"pk": meeting.pk}),
        {"access_needs": ["step_free", "dietary"], "access_needs_detail": "Vegan"},
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "You are registered for" in page and "You have a place at this meeting" in page
    registration = Registration.objects.get()
    assert registration.access_needs == ["step_free", "dietary"]
    assert registration.access_needs_detail == "Vegan"
    assert mail.outbox[0].to == ["nell@example.org"]


def test_dietary_needs_need_a_word_about_them(world, system):
    make_member("Nell Member", user=world.users["network_member"])
    meeting = make_meeting()
    response = world.client_for("network_member").post(
        reverse("network:meeting-register", kwargs={"pk": meeting.pk}), {"access_needs": "dietary"}
    )
    page = response.content.decode()
    assert "Tell us about the dietary needs" in page and 'href="#access_needs_detail"' in page
    assert not Registration.objects.exists()


def test_someone_without_a_member_record_is_asked_to_join_first(world, system):
    meeting = make_meeting()
    response = world.client_for("ward_qi_lead").get(
        reverse("network:meeting-register", kwargs={"pk": meeting.pk})
    )
    assert response.status_code == 302 and response["Location"] == reverse("network:me")


def test_a_member_cancels_their_place_on_the_page(world, system):
    member = make_member("Nell Member", user=world.users["network_member"])
    meeting = make_meeting()
    make_registration(meeting, member)
    client = world.client_for("network_member")
    url = reverse("network:meeting-cancel", kwargs={"pk": meeting.pk})
    assert "Cancel your place?" in client.get(url).content.decode()
    client.post(url)
    assert Registration.objects.get().status == RegistrationStatus.CANCELLED


def test_the_online_link_is_shown_only_to_people_with_a_place(world, system):
    member = make_member("Nell Member", user=world.users["network_member"])
    meeting = make_meeting(online_url="https://meet.example.org/secret-room")
    url = reverse("network:meeting-detail", kwargs={"pk": meeting.pk})
    member_client = world.client_for("network_member")
    assert "secret-room" not in member_client.get(url).content.decode()
    assert "secret-room" not in world.client_for("ward_staff").get(url).content.decode()
    make_registration(meeting, member)
    assert (
        '<a href="https://meet.example.org/secret-room">' in member_client.get(url).content.decode()
    )
    assert "secret-room" in world.client_for("collaborative_admin").get(url).content.decode()


def test_an_admin_registers_a_member_without_a_sign_in(world, trio):
    meeting = make_meeting(capacity=1)
    client = world.client_for("collaborative_admin")
    url = reverse("network:meeting-registrations", kwargs={"pk": meeting.pk})
    client.post(url, {"action": "register", "member": trio[0].pk, "access_needs": "easy_read"})
    client.post(url, {"action": "register", "member": trio[1].pk})
    statuses = dict(Registration.objects.values_list("member__name", "status"))
    assert statuses == {"Alex Example": "registered", "Bea Example": "waiting"}
    page = client.get(url).content.decode()
    assert "Easy-read materials" in page
    first = Registration.objects.get(member=trio[0])
    client.post(url, {"action": "cancel", "registration": first.pk})
    assert Registration.objects.get(member=trio[1]).status == "registered"


def test_only_admins_manage_registrations_and_attendance(world, trio):
    meeting = make_meeting(days=-1)
    registration = make_registration(meeting, trio[0])
    for role in ("network_member", "ward_staff", "trust_lead", "analyst", "outsider"):
        client = world.client_for(role)
        response = client.post(
            reverse("network:meeting-attendance", kwargs={"pk": meeting.pk}),
            {"attended": [registration.pk]},
        )
        assert response.status_code == 403, role
    registration.refresh_from_db()
    assert registration.attended is None


def test_attendance_is_marked_after_the_meeting_and_unmarked_is_not_absent(world, trio):
    meeting = make_meeting(days=-1)
    came = make_registration(meeting, trio[0])
    absent = make_registration(meeting, trio[1])
    waiting = make_registration(meeting, trio[2], status=RegistrationStatus.WAITING)
    listed = services.with_counts(Meeting.objects.filter(pk=meeting.pk)).get()
    assert listed.marked == 0  # not recorded yet, shown as such
    world.client_for("collaborative_admin").post(
        reverse("network:meeting-attendance", kwargs={"pk": meeting.pk}),
        {"attended": [came.pk]},
    )
    for registration in (came, absent, waiting):
        registration.refresh_from_db()
    assert (came.attended, absent.attended, waiting.attended) == (True, False, None)


def test_attendance_cannot_be_marked_before_the_meeting_starts(trio):
    meeting = make_meeting()
    make_registration(meeting, trio[0])
    with pytest.raises(RegistrationError):
        services.mark_attendance(meeting, [])


def test_attendees_give_feedback_that_admins_see_only_in_aggregate(world, system):
    member = make_member("Nell Member", user=world.users["network_member"])
    meeting = make_meeting(days=-2)
    make_registration(meeting, member, attended=True)
    other = make_registration(meeting, make_member("Bea Example"), attended=True)
    services.save_feedback(other, rating=3, comments="")
    client = world.client_for("network_member")
    url = reverse("network:meeting-feedback", kwargs={"pk": meeting.pk})
    response = client.post(url, {"rating": "5", "comments": "The storyboards helped"})
    assert response.status_code == 302
    summary = world.client_for("collaborative_admin").get(
        reverse("network:feedback-summary", kwargs={"pk": meeting.pk})
    )
    page = summary.content.decode()
    assert "Average rating 4.0 out of 5, from 2 people (100% of the 2 who came)" in page
    assert "The storyboards helped" in page and "Nell Member" not in page
    assert Feedback.objects.count() == 2


def test_people_who_did_not_come_cannot_give_feedback(world, system):
    member = make_member("Nell Member", user=world.users["network_member"])
    meeting = make_meeting(days=-2)
    make_registration(meeting, member, attended=False)
    response = world.client_for("network_member").post(
        reverse("network:meeting-feedback", kwargs={"pk": meeting.pk}), {"rating": "1"}
    )
    assert response.status_code == 403 and not Feedback.objects.exists()


def test_the_feedback_form_asks_for_a_rating(world, system):
    member = make_member("Nell Member", user=world.users["network_member"])
    meeting = make_meeting(days=-2)
    make_registration(meeting, member, attended=True)
    response = world.client_for("network_member").post(
        reverse("network:meeting-feedback", kwargs={"pk": meeting.pk}), {"rating": "9"}
    )
    page = response.content.decode()
    assert 'href="#rating"' in page and "<title>Error: " in page


MEETING_FORM = {
    "title": "Safety network meeting 9",
    "date-day": "10",
    "date-month": "3",
    "date-year": str(timezone.localdate().year + 1),
    "start_time": "10:00",
    "end_time": "15:00",
    "venue": "Example Conference Centre",
    "capacity": "40",
}


def test_an_admin_adds_a_meeting(world):
    response = world.client_for("collaborative_admin").post(
        reverse("network:meeting-new"), MEETING_FORM
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    start = timezone.localtime(meeting.starts_at)
    assert (start.hour, start.minute, meeting.capacity) == (10, 0, 40)
    assert (meeting.ends_at - meeting.starts_at) == dt.timedelta(hours=5)


def test_the_meeting_form_explains_each_problem(world):
    response = world.client_for("collaborative_admin").post(
        reverse("network:meeting-new"),
        {**MEETING_FORM, "end_time": "09:00", "venue": "", "capacity": "0"},
    )
    page = response.content.decode()
    assert "The end time must be after the start time" in page
    assert "Enter the place, an online joining link, or both" in page
    assert "There must be at least 1 place" in page
    assert not Meeting.objects.exists()


def test_places_cannot_drop_below_the_people_who_already_have_one(world, trio):
    meeting = make_meeting(capacity=3)
    for member in trio[:2]:
        services.register(meeting, member)
    response = world.client_for("collaborative_admin").post(
        reverse("network:meeting-edit", kwargs={"pk": meeting.pk}),
        {**MEETING_FORM, "capacity": "1"},
    )
    assert "There must be at least 2 places: 2 people already have a place" in (
        response.content.decode()
    )
    meeting.refresh_from_db()
    assert meeting.capacity == 3


def test_raising_the_places_on_the_edit_page_promotes_people_waiting(world, trio):
    meeting = make_meeting(capacity=1)
    for member in trio:
        services.register(meeting, member)
    world.client_for("collaborative_admin").post(
        reverse("network:meeting-edit", kwargs={"pk": meeting.pk}),
        {**MEETING_FORM, "capacity": "2"},
    )
    statuses = list(Registration.objects.order_by("queued_at").values_list("status", flat=True))
    assert statuses == ["registered", "registered", "waiting"]
