"""The safety API: restricted roles, outsiders and pseudonymous keys only."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.safety import factories

pytestmark = pytest.mark.django_db

ROUTES = ["sexual-safety", "awol", "deaths"]


@pytest.fixture
def records(world, system):
    factories.sexual_safety(world.ward)
    factories.awol(world.ward)
    factories.death(world.ward)
    return world


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("ward_staff", 200),
        ("ward_qi_lead", 200),
        ("trust_lead", 200),
        ("collaborative_admin", 200),
        ("analyst", 403),
        ("network_member", 403),
        ("outsider", 404),
    ],
)
def test_each_role_gets_the_status_it_should(records, route, role, status):
    response = records.client_for(role).get(f"/api/v1/wards/ALPHA-1/{route}")
    assert response.status_code == status, response.content


@pytest.mark.parametrize("route", ROUTES)
def test_anonymous_callers_get_401(records, route):
    assert Client().get(f"/api/v1/wards/ALPHA-1/{route}").status_code == 401


def test_sexual_safety_records_carry_roles_and_pseudonymous_keys(records):
    (item,) = records.client_for("ward_staff").get("/api/v1/wards/ALPHA-1/sexual-safety").json()
    assert item["perpetrator_role"] == "patient" and item["affected_role"] == "staff"
    assert item["perpetrator_patient_key"] == "b" * 64 and item["affected_patient_key"] is None
    assert item["category"] == "verbal" and item["harm"] == "low"


def test_awol_and_deaths_lists_give_what_happened(records):
    client = records.client_for("trust_lead")
    (awol,) = client.get("/api/v1/wards/ALPHA-1/awol").json()
    assert awol["kind"] == "failed_return" and awol["outcome"] == "returned_safe"
    (death,) = client.get("/api/v1/wards/ALPHA-1/deaths").json()
    assert death["status"] == "agreed_leave" and death["days_since_admission"] == 4


def test_another_wards_records_are_not_listed(records, system):
    factories.awol(records.sibling_ward, local_reference="SIB-1")
    data = records.client_for("trust_lead").get("/api/v1/wards/ALPHA-1/awol").json()
    assert "SIB-1" not in json.dumps(data)


@pytest.mark.parametrize(
    "query", ["limit=0", "limit=1001", "offset=-1", "offset=99999999999999999"]
)
def test_an_out_of_range_limit_or_offset_is_refused(records, query):
    response = records.client_for("ward_staff").get(f"/api/v1/wards/ALPHA-1/awol?{query}")
    assert response.status_code == 422
