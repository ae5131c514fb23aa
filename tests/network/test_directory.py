"""The member directory and consent: other members see a member only while they consent to be
listed, and their e-mail and phone only while they also consent to be contacted; withdrawing
consent hides them at once; collaborative admins see everyone (UK GDPR Art. 6(1)(a), 7)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from mhsip.audit.models import Action, AuditLog
from mhsip.network import services
from mhsip.network.codes import ConsentMethod
from mhsip.network.models import ConsentRecord, NetworkMember
from tests.network.factories import make_member

pytestmark = pytest.mark.django_db
DIRECTORY = reverse("network:member-list")


@pytest.fixture
def people(world, system):
    return {
        "contactable": make_member("Alex Example", email="alex@example.org"),
        "listed_only": make_member(
            "Bea Sample", email="bea@example.org", phone="07700 900456", consent_contact=False
        ),
        "unlisted": make_member(
            "Cal Placeholder",
            email="cal@example.org",
            consent_listed=False,
            consent_contact=True,
        ),
        "left": make_member("Dev Madeup", email="dev@example.org", left_on=dt.date(2025, 6, 1)),
    }


def test_a_member_who_has_not_consented_to_be_listed_never_appears_for_other_members(world, people):
    client = world.client_for("network_member")
    page = client.get(DIRECTORY).content.decode()
    searched = client.get(DIRECTORY, {"q": "Placeholder"}).content.decode()
    by_category = client.get(DIRECTORY, {"category": "lived_experience"}).content.decode()
    assert "Alex Example" in page and "Bea Sample" in page
    for text in (page, searched, by_category):
        assert "Cal Placeholder" not in text and "cal@example.org" not in text


def test_contact_details_are_shown_only_for_members_who_consent_to_be_contacted(world, people):
    page = world.client_for("network_member").get(DIRECTORY).content.decode()
    assert "alex@example.org" in page
    assert "bea@example.org" not in page and "07700 900456" not in page


def test_a_member_who_left_the_network_is_not_listed(world, people):
    page = world.client_for("network_member").get(DIRECTORY).content.decode()
    assert "Dev Madeup" not in page


def test_admins_see_every_member_with_their_contact_details_and_consent(world, people):
    page = world.client_for("collaborative_admin").get(DIRECTORY).content.decode()
    for name in ("Alex Example", "Bea Sample", "Cal Placeholder", "Dev Madeup"):
        assert name in page
    assert "cal@example.org" in page and "07700 900456" in page
    assert "Not listed" in page and "Listed only" in page


def test_directory_entries_hold_no_contact_details_the_viewer_may_not_see(world, people):
    entries = {e.name: e for e in services.directory(world.users["network_member"])}
    assert set(entries) == {"Alex Example", "Bea Sample"}
    assert entries["Bea Sample"].email == "" and entries["Bea Sample"].phone == ""
    assert entries["Alex Example"].email == "alex@example.org"


def test_roles_outside_the_network_cannot_open_the_directory(world, people):
    for role in ("ward_staff", "trust_lead", "analyst", "outsider"):
        assert world.client_for(role).get(DIRECTORY).status_code == 403, role


def test_withdrawing_consent_hides_the_member_at_once_and_is_kept_in_the_history(world, people):
    client = world.client_for("network_member")
    assert "Alex Example" in client.get(DIRECTORY).content.decode()
    services.record_consent(
        people["contactable"],
        listed=False,
        contact=False,
        given_on=dt.date(2026, 3, 2),
        method=ConsentMethod.EMAIL,
        note="Asked to be removed",
    )
    page = client.get(DIRECTORY).content.decode()
    assert "Alex Example" not in page and "alex@example.org" not in page
    history = ConsentRecord.objects.filter(member=people["contactable"])
    assert [(c.listed, c.method) for c in history] == [(False, "email")]
    member = NetworkMember.objects.get(pk=people["contactable"].pk)
    assert member.consent_date == dt.date(2026, 3, 2) and member.consent_method == "email"


def test_a_signed_in_user_joins_the_network_and_their_online_consent_is_recorded(world):
    client = world.client_for("ward_staff")
    response = client.post(
        reverse("network:me"),
        {
            "name": "Wren Staff",
            "category": "clinical_staff",
            "organisation": "Alpha NHS Foundation Trust",
            "email": "wren@example.org",
            "consent_listed": "on",
        },
    )
    assert response.status_code == 302
    member = NetworkMember.objects.get(user=world.users["ward_staff"])
    assert member.consent_listed and not member.consent_contact
    consent = member.consents.get()
    assert consent.method == ConsentMethod.ONLINE and consent.listed
    assert client.get(DIRECTORY).status_code == 200  # now a participant
    row = AuditLog.objects.get(object_type="network.networkmember", action=Action.CREATE)
    assert row.actor == world.users["ward_staff"]
    assert row.changes["email"] == ["(redacted)", "(redacted)"]


def test_a_member_withdraws_consent_on_their_own_page(world, system):
    make_member("Nell Member", user=world.users["network_member"])
    client = world.client_for("network_member")
    client.post(
        reverse("network:me"),
        {"name": "Nell Member", "category": "lived_experience", "email": "nell@example.org"},
    )
    member = NetworkMember.objects.get(user=world.users["network_member"])
    assert not member.consent_listed and not member.consent_contact
    assert member.consents.get().method == ConsentMethod.ONLINE
    admin_page = world.client_for("collaborative_admin").get(DIRECTORY).content.decode()
    assert "Nell Member" in admin_page  # admins still see them
    other = make_member("Other Member", user=world.users["outsider"])
    assert other.listed
    assert "Nell Member" not in world.client_for("outsider").get(DIRECTORY).content.decode()


def test_the_join_form_names_each_problem_and_prefixes_the_title(world):
    response = world.client_for("analyst").post(reverse("network:me"), {"email": "not-an-email"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert 'href="#name"' in page and "Enter your full name" in page
    assert 'href="#category"' in page and "Select the category that best describes you" in page
    assert "Enter an email address in the correct format" in page
    assert not NetworkMember.objects.exists()


def test_an_admin_adds_a_member_with_the_consent_they_gave_on_paper(world):
    response = world.client_for("collaborative_admin").post(
        reverse("network:member-new"),
        {
            "name": "Priya Fictional",
            "category": "carer",
            "email": "priya@example.org",
            "joined_on-day": "6",
            "joined_on-month": "1",
            "joined_on-year": "2025",
            "consent_listed": "on",
            "consent_method": "paper",
            "consent_date-day": "6",
            "consent_date-month": "1",
            "consent_date-year": "2025",
            "consent_note": "Form in the network file",
        },
    )
    member = NetworkMember.objects.get(name="Priya Fictional")
    assert response.status_code == 302
    assert member.listed and not member.contactable
    assert member.consent_method == "paper" and member.consent_date == dt.date(2025, 1, 6)
    assert member.consents.get().note == "Form in the network file"


def test_an_admin_records_consent_withdrawn_by_phone(world, people):
    member = people["contactable"]
    response = world.client_for("collaborative_admin").post(
        reverse("network:member-consent", kwargs={"pk": member.pk}),
        {
            "consent_listed": "on",
            "consent_method": "phone",
            "consent_date-day": "1",
            "consent_date-month": "2",
            "consent_date-year": "2026",
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.listed and not member.consent_contact and member.consent_method == "phone"
    page = world.client_for("network_member").get(DIRECTORY).content.decode()
    assert "Alex Example" in page and "alex@example.org" not in page


def test_the_consent_form_refuses_a_future_date_and_a_missing_method(world, people):
    response = world.client_for("collaborative_admin").post(
        reverse("network:member-consent", kwargs={"pk": people["contactable"].pk}),
        {"consent_date-day": "1", "consent_date-month": "1", "consent_date-year": "2099"},
    )
    page = response.content.decode()
    assert "Select how consent was given or withdrawn" in page
    assert "must be today or in the past" in page
    assert not ConsentRecord.objects.exists()


def test_a_member_who_left_rejoins_on_their_own_page_without_a_second_record(world, system):
    make_member("Nell Member", user=world.users["network_member"], left_on=dt.date(2025, 6, 1))
    client = world.client_for("network_member")
    assert (
        "You left the network on 1 June 2025" in client.get(reverse("network:me")).content.decode()
    )
    response = client.post(
        reverse("network:me"),
        {"name": "Nell Member", "category": "carer", "consent_listed": "on"},
    )
    assert response.status_code == 302
    member = NetworkMember.objects.get()
    assert member.is_active and member.category == "carer" and member.listed
