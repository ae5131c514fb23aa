"""The public "Get in touch" form: it reaches the team (stored, e-mailed), a filled honeypot
is dropped silently, a rate limit per IP address stops floods, and only collaborative admins
triage the messages (issue 6 item 7)."""

from __future__ import annotations

import re
import time

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from mhsip.audit.models import Action, AuditLog
from mhsip.network import contact, emails
from mhsip.network.codes import ContactStatus
from mhsip.network.models import ContactRequest
from tests.network.factories import make_contact

pytestmark = pytest.mark.django_db
URL = reverse("network:contact")
SENT = reverse("network:contact-sent")
MESSAGE = {
    "name": "Sam Sample",
    "email": "sam@example.org",
    "organisation": "Example Mental Health Charity",
    "topic": "lived_experience",
    "message": "I was an inpatient last year and would like to help.",
    "website": "",
}


def test_a_member_of_the_public_sends_a_message_that_reaches_the_team(db, monkeypatch):
    monkeypatch.setenv(emails.TEAM_EMAIL_VARIABLE, "rrp-team@example.nhs.uk")
    response = Client().post(URL, MESSAGE)
    assert response.status_code == 302 and response["Location"] == SENT
    saved = ContactRequest.objects.get()
    assert (saved.name, saved.topic, saved.status) == ("Sam Sample", "lived_experience", "new")
    (sent,) = mail.outbox
    assert sent.to == ["rrp-team@example.nhs.uk"]
    assert sent.from_email == "mhsip@example.nhs.uk"
    assert f"/network/contact/{saved.pk}/" in sent.body
    assert "Message sent" in Client().get(SENT).content.decode()
    row = AuditLog.objects.get(object_type="network.contactrequest", action=Action.CREATE)
    assert row.actor_label == "system:web:anonymous"
    assert row.changes["message"] == ["(redacted)", "(redacted)"]


def test_the_team_address_has_a_default(monkeypatch):
    monkeypatch.delenv(emails.TEAM_EMAIL_VARIABLE, raising=False)
    assert emails.team_address() == emails.DEFAULT_TEAM_EMAIL


def test_a_filled_honeypot_is_dropped_silently_with_the_normal_confirmation(db):
    response = Client().post(URL, {**MESSAGE, "website": "https://spam.example"})
    assert response.status_code == 302 and response["Location"] == SENT
    assert not ContactRequest.objects.exists()
    assert mail.outbox == []
    assert not AuditLog.objects.filter(object_type="network.contactrequest").exists()


def test_a_filled_honeypot_is_dropped_even_when_the_rest_is_nonsense(db):
    response = Client().post(URL, {"website": "x", "email": "not-an-email"})
    assert response.status_code == 302 and response["Location"] == SENT
    assert not ContactRequest.objects.exists()


def test_the_honeypot_is_hidden_by_a_class_out_of_the_tab_order_and_from_screen_readers(db):
    page = Client().get(URL).content.decode()
    wrapper = re.search(r'<div class="mhsip-hp" aria-hidden="true">(.*?)</div>', page, re.S)
    assert wrapper is not None
    assert 'tabindex="-1"' in wrapper.group(1) and "Leave this empty" in wrapper.group(1)
    assert "style=" not in page


def test_the_sixth_message_in_an_hour_from_one_address_is_refused_with_a_clear_message(db):
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(5):
        assert client.post(URL, MESSAGE).status_code == 302
    response = client.post(URL, MESSAGE)
    page = response.content.decode()
    assert response.status_code == 429
    assert "You have sent 5 messages in the last hour" in page and "<title>Error: Get" in page
    assert ContactRequest.objects.count() == 5
    assert Client(REMOTE_ADDR="198.51.100.7").post(URL, MESSAGE).status_code == 302


def test_the_limit_is_per_hour_and_configurable(db, monkeypatch):
    monkeypatch.setenv(contact.RATE_LIMIT_VARIABLE, "2")
    now = time.time()
    for _ in range(2):
        contact.count_message("203.0.113.1", now=now)
    assert contact.is_rate_limited("203.0.113.1", now=now)
    assert not contact.is_rate_limited("203.0.113.1", now=now + contact.WINDOW_SECONDS)


def test_a_message_with_mistakes_is_shown_back_with_each_problem_and_not_counted(db):
    client = Client(REMOTE_ADDR="203.0.113.10")
    for _ in range(6):
        response = client.post(URL, {**MESSAGE, "email": "sam-at-example", "message": ""})
    page = response.content.decode()
    assert response.status_code == 200 and "<title>Error: " in page
    assert 'href="#email"' in page and "Enter an email address in the correct format" in page
    assert 'href="#message"' in page and "Enter your message" in page
    assert not ContactRequest.objects.exists()
    assert client.post(URL, MESSAGE).status_code == 302  # mistakes did not use up the limit


def test_behind_the_tls_proxy_the_address_is_the_one_the_proxy_saw(rf, settings):
    request = rf.post(URL, HTTP_X_FORWARDED_FOR="10.0.0.1, 203.0.113.5", REMOTE_ADDR="10.1.1.1")
    settings.SECURE_PROXY_SSL_HEADER = None
    assert contact.client_ip(request) == "10.1.1.1"
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert contact.client_ip(request) == "203.0.113.5"


@pytest.mark.parametrize(
    "role", ["ward_staff", "ward_qi_lead", "trust_lead", "analyst", "network_member", "outsider"]
)
def test_only_collaborative_admins_triage_messages(world, system, role):
    item = make_contact()
    client = world.client_for(role)
    assert client.get(reverse("network:contact-triage")).status_code == 403
    detail = reverse("network:contact-detail", kwargs={"pk": item.pk})
    assert client.get(detail).status_code == 403
    assert client.post(detail, {"status": "closed", "note": "x"}).status_code == 403
    item.refresh_from_db()
    assert item.status == ContactStatus.NEW and item.note == ""


def test_anonymous_visitors_are_sent_to_sign_in_from_the_triage(world, system):
    item = make_contact()
    response = Client().get(reverse("network:contact-detail", kwargs={"pk": item.pk}))
    assert response.status_code == 302 and "/sign-in/" in response["Location"]


def test_an_admin_assigns_notes_and_closes_a_message_and_the_change_is_audited(world, system):
    item = make_contact()
    admin = world.users["collaborative_admin"]
    client = world.client_for("collaborative_admin")
    detail = client.get(reverse("network:contact-detail", kwargs={"pk": item.pk})).content
    assert b'<a href="mailto:sam@example.org">' in detail
    assert b'<span class="mhsip-prewrap">I would like to join the network.</span>' in detail
    triage = client.get(reverse("network:contact-triage")).content.decode()
    assert "Sam Sample" in triage and "New (1)" in triage
    response = client.post(
        reverse("network:contact-detail", kwargs={"pk": item.pk}),
        {"status": "closed", "assigned_to": admin.pk, "note": "Replied with the joining pack"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "closed" and item.assigned_to == admin and item.closed_at is not None
    row = AuditLog.objects.get(object_type="network.contactrequest", action=Action.UPDATE)
    assert row.actor == admin
    assert row.changes["status"] == ["new", "closed"]
    assert row.changes["note"] == ["", "Replied with the joining pack"]
    assert "Sam Sample" not in client.get(reverse("network:contact-triage")).content.decode()
    closed = client.get(reverse("network:contact-triage"), {"status": "closed"}).content.decode()
    assert "Sam Sample" in closed


def test_only_collaborative_admins_can_be_assigned(world, system):
    item = make_contact()
    response = world.client_for("collaborative_admin").post(
        reverse("network:contact-detail", kwargs={"pk": item.pk}),
        {"status": "in_progress", "assigned_to": world.users["ward_staff"].pk},
    )
    assert "Select a collaborative admin from the list" in response.content.decode()
    item.refresh_from_db()
    assert item.assigned_to is None
