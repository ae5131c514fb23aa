"""The improvement API: the catalogue for everyone signed in; a ward's PDSA cycles through the
scoped accessor (outsiders and network members 404), created by recording roles only, with the
same rules, audit and chart annotations as the form."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from mhsip.audit.models import AuditLog
from mhsip.improvement.models import PdsaCycle
from mhsip.measures.models import Annotation
from tests.improvement import factories

pytestmark = pytest.mark.django_db
URL = "/api/v1/wards/ALPHA-1/pdsa-cycles"
BODY = {
    "change_idea": "soft-words",
    "measures": ["physical-restraint"],
    "owner": "Ada Lead",
    "start_date": "2025-03-03",
    "end_date": "2025-04-13",
    "objective": "Use Soft Words when saying no",
    "questions": "Can every shift use the scripts?",
    "prediction": "Fewer restraints within six weeks",
    "who_where_when": "All staff, the ward, from 3 March",
    "data_to_collect": "Weekly restraints",
    "decision": "adopt",
}


@pytest.fixture
def seeded(world, system):
    factories.catalogue()
    factories.measures()
    return world


def post(client, body, url=URL):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_a_ward_qi_lead_records_a_cycle_and_its_dates_go_on_the_chart(seeded):
    world = seeded
    response = post(world.client_for("ward_qi_lead"), BODY)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["number"] == 1 and data["measures"] == ["physical-restraint"]
    assert data["decision"] == "adopt" and data["url"] == f"/wards/ALPHA-1/pdsa/{data['id']}/"
    labels = set(Annotation.objects.values_list("label", flat=True))
    assert labels == {"PDSA 1 start: Soft Words", "PDSA 1 end: Soft Words (adopted)"}
    row = AuditLog.objects.get(object_type="improvement.pdsacycle", object_id=str(data["id"]))
    assert row.actor == world.users["ward_qi_lead"]


def test_the_list_shows_the_wards_cycles_newest_first(seeded):
    world = seeded
    factories.cycle(world.ward)
    factories.cycle(world.ward, change_idea=factories.idea("talk-down"))
    factories.cycle(world.sibling_ward)
    data = world.client_for("analyst").get(URL).json()
    assert [(c["number"], c["change_idea"]) for c in data] == [(2, "talk-down"), (1, "soft-words")]


def test_a_rejected_cycle_is_422_with_a_message_per_field_and_nothing_is_written(seeded):
    body = {**BODY, "end_date": "2025-03-01", "measures": ["physical-restraint", "nope"]}
    response = post(seeded.client_for("ward_staff"), body)
    assert response.status_code == 422
    assert {e["loc"][-1] for e in response.json()["detail"]} == {"measures"}
    response = post(seeded.client_for("ward_staff"), {**BODY, "end_date": "2025-03-01"})
    assert response.status_code == 422
    errors = {e["loc"][-1]: e["msg"] for e in response.json()["detail"]}
    assert errors["end_date"].startswith("The end date must be the same as or after")
    assert not PdsaCycle.objects.exists() and not Annotation.objects.exists()


def test_an_unknown_idea_or_earlier_cycle_is_422(seeded):
    response = post(
        seeded.client_for("trust_lead"), {**BODY, "change_idea": "x", "previous_cycle": 9}
    )
    assert response.status_code == 422
    assert {e["loc"][-1] for e in response.json()["detail"]} == {"change_idea", "previous_cycle"}


@pytest.mark.parametrize("role", ["collaborative_admin", "analyst"])
def test_read_only_roles_cannot_create_cycles(seeded, role):
    assert post(seeded.client_for(role), BODY).status_code == 403
    assert not PdsaCycle.objects.exists()


@pytest.mark.parametrize("role", ["outsider", "network_member"])
def test_another_trusts_lead_and_network_members_get_404_for_the_ward(seeded, role):
    factories.cycle(seeded.ward)
    client = seeded.client_for(role)
    assert client.get(URL).status_code == 404
    assert post(client, BODY).status_code == 404
    assert PdsaCycle.objects.count() == 1


def test_the_outsider_reaches_their_own_wards_cycles(seeded):
    assert seeded.client_for("outsider").get("/api/v1/wards/BETA-1/pdsa-cycles").json() == []


def test_anonymous_callers_get_401(seeded):
    assert Client().get(URL).status_code == 401
    assert Client().get("/api/v1/change-ideas").status_code == 401


def test_the_catalogue_lists_every_idea_with_its_source(seeded):
    data = seeded.client_for("network_member").get("/api/v1/change-ideas").json()
    by_slug = {i["slug"]: i for i in data}
    assert by_slug["soft-words"]["source_label"] == "Safewards"
    assert by_slug["no-force-first"]["source"] == "no_force_first"
    assert len([i for i in data if i["source"] == "safewards"]) == 10
