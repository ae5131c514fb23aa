"""The JSON API applies the same scoping as the pages: 401 anonymous, 404 outsider."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_anonymous_callers_get_401_not_a_redirect(world):
    assert Client().get("/api/v1/wards").status_code == 401


def test_the_ward_list_is_scoped_to_the_caller(world):
    data = world.client_for("trust_lead").get("/api/v1/wards").json()
    assert {w["code"] for w in data} == {"ALPHA-1", "ALPHA-2"}
    assert world.client_for("network_member").get("/api/v1/wards").json() == []


def test_the_outsider_gets_404_for_another_trusts_ward(world):
    assert world.client_for("outsider").get("/api/v1/wards/ALPHA-1").status_code == 404
    assert world.client_for("ward_staff").get("/api/v1/wards/ALPHA-1").json()["beds"] == 20


def test_the_openapi_schema_is_published(world):
    schema = world.client_for("analyst").get("/api/v1/openapi.json").json()
    assert "/api/v1/wards/{code}" in schema["paths"]
