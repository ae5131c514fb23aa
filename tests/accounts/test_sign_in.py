"""Signing in and out: audited, throttled after repeated failures."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from mhsip.audit.models import Action, AuditLog
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_user_signs_in_and_lands_on_their_home_page(world):
    client = Client()
    response = client.post("/sign-in/", {"username": "staff", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/home/"
    assert AuditLog.objects.filter(action=Action.SIGN_IN, actor=world.users["ward_staff"]).exists()


def test_a_wrong_password_shows_an_error_summary_and_is_audited(world):
    response = Client().post("/sign-in/", {"username": "staff", "password": "wrong"})
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert b"<title>Error: " in response.content
    assert AuditLog.objects.filter(action=Action.SIGN_IN_FAILED, object_repr="staff").exists()


def test_next_may_not_send_the_user_to_another_site(world):
    response = Client().post(
        "/sign-in/", {"username": "staff", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == "/home/"


@override_settings(AXES_FAILURE_LIMIT=3)
def test_repeated_failures_lock_the_account_even_with_the_right_password(world):
    client = Client()
    for _ in range(3):
        client.post("/sign-in/", {"username": "staff", "password": "wrong"})
    response = client.post("/sign-in/", {"username": "staff", "password": PASSWORD})
    assert response.status_code == 429
    assert b"Too many failed sign-in attempts" in response.content
