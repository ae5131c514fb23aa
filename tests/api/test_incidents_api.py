"""The incidents API: scoped like the pages (outsider 404), recording roles only for writes
(403 otherwise), the forms' rules (422, field by field), session or token auth, rate limits."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from mhsip.audit.actor import System, acting_as
from mhsip.audit.models import AuditLog
from mhsip.imports.auth import token_create, token_revoke
from mhsip.recording.models import UseOfForceIncident
from mhsip.recording.pseudonyms import patient_key
from tests.api.conftest import incident_payload, store_incident

pytestmark = pytest.mark.django_db

LIST = "/api/v1/wards/ALPHA-1/incidents"
ROLES_THAT_SEE_THE_WARD = [
    "ward_staff",
    "ward_qi_lead",
    "trust_lead",
    "collaborative_admin",
    "analyst",
]


def post(client, url, payload, **headers):
    return client.post(url, json.dumps(payload), content_type="application/json", **headers)


def test_roles_that_see_the_ward_list_its_incidents_and_others_do_not(world):
    incident = store_incident(world.ward)
    for role in ROLES_THAT_SEE_THE_WARD:
        response = world.client_for(role).get(LIST)
        assert response.status_code == 200, role
        assert [i["id"] for i in response.json()["items"]] == [incident.pk], role
    assert world.client_for("network_member").get(LIST).status_code == 403
    assert world.client_for("outsider").get(LIST).status_code == 404
    assert Client().get(LIST).status_code == 401


def test_one_incident_is_scoped_the_same_way(world):
    incident = store_incident(world.ward)
    url = f"{LIST}/{incident.pk}"
    for role in ROLES_THAT_SEE_THE_WARD:
        assert world.client_for(role).get(url).status_code == 200, role
    assert world.client_for("network_member").get(url).status_code == 403
    assert world.client_for("outsider").get(url).status_code == 404
    assert (
        world.client_for("outsider")
        .get(f"/api/v1/wards/BETA-1/incidents/{incident.pk}")
        .status_code
        == 404
    )


def test_an_incident_of_another_ward_is_not_found_through_this_ward(world):
    theirs = store_incident(world.other_ward, reference="B-1")
    assert world.client_for("collaborative_admin").get(f"{LIST}/{theirs.pk}").status_code == 404


def test_incidents_carry_the_pseudonymous_key_and_never_the_identifier(world):
    incident = store_incident(world.ward, identifier="H5550123")
    listed = world.client_for("analyst").get(LIST).content.decode()
    one = world.client_for("analyst").get(f"{LIST}/{incident.pk}").json()
    assert one["patient"]["key"] == patient_key("RV5", "H5550123")
    assert "H5550123" not in listed and "H5550123" not in json.dumps(one)
    assert one["interventions"][0]["type_label"] == "Physical restraint – standing"
    assert one["interventions"][0]["minutes"] == 8


def test_the_list_is_paginated_and_filtered_by_status(world):
    for n in range(3):
        store_incident(world.ward, reference=f"DX-{n}")
    page = world.client_for("ward_staff").get(LIST, {"page": 2, "page_size": 2}).json()
    assert (page["count"], page["pages"], page["page"], len(page["items"])) == (3, 2, 2, 1)
    assert world.client_for("ward_staff").get(LIST, {"status": "draft"}).json()["count"] == 0
    assert world.client_for("ward_staff").get(LIST, {"page": 0}).status_code == 422


def test_recording_roles_create_incidents_and_others_may_not(world):
    for n, role in enumerate(["ward_staff", "ward_qi_lead", "trust_lead"]):
        payload = incident_payload(local_reference=f"API-{n}")
        response = post(world.client_for(role), LIST, payload)
        assert response.status_code == 201, (role, response.content)
        assert response.json()["local_reference"] == f"API-{n}"
    for role in ["collaborative_admin", "analyst", "network_member"]:
        assert post(world.client_for(role), LIST, incident_payload()).status_code == 403, role
    assert post(world.client_for("outsider"), LIST, incident_payload()).status_code == 404
    assert UseOfForceIncident.objects.count() == 3


def test_a_created_incident_is_audited_as_the_caller(world):
    response = post(world.client_for("ward_staff"), LIST, incident_payload())
    row = AuditLog.objects.get(
        object_type="recording.useofforceincident", object_id=str(response.json()["id"])
    )
    assert row.actor == world.users["ward_staff"]


def test_an_invalid_incident_is_422_with_a_message_per_field_and_writes_nothing(world):
    payload = incident_payload(how_force_used="", reason="42")
    payload["interventions"][0]["ended_at"] = "2025-03-14T14:00:00Z"
    response = post(world.client_for("ward_staff"), LIST, payload)
    assert response.status_code == 422
    problems = {tuple(p["loc"]): p["msg"] for p in response.json()["detail"]}
    assert ("body", "payload", "how_force_used") in problems
    assert "'42' is not an allowed answer" in problems[("body", "payload", "reason")]
    assert ("body", "payload", "interventions", 0, "ended_at") in problems
    assert not UseOfForceIncident.objects.exists()


def test_input_that_would_break_the_database_is_422_not_a_server_error(world):
    client = world.client_for("ward_staff")
    nul = post(client, LIST, incident_payload(outcome="Settled\x00"))
    old = post(client, LIST, incident_payload(started_at="0001-01-01T00:00:00+14:00"))
    assert nul.status_code == old.status_code == 422
    assert nul.json()["detail"][0]["loc"] == ["body", "payload", "outcome"]
    assert old.json()["detail"][0]["loc"] == ["body", "payload", "started_at"]


def test_names_and_nhs_numbers_are_refused_where_the_trust_keeps_none(world):
    payload = incident_payload()
    payload["patient"]["name"] = "Ophelia Marchbanks"
    response = post(world.client_for("ward_staff"), LIST, payload)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "patient", "name"]


def token_client(user):
    with acting_as(System("test")):
        _, token = token_create(user=user, name="Datix feed")
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}"), token


def test_an_incident_system_posts_with_a_token_and_acts_as_its_owner(world):
    client, _ = token_client(world.users["ward_qi_lead"])
    response = post(client, LIST, incident_payload())
    assert response.status_code == 201, response.content
    row = AuditLog.objects.get(
        object_type="recording.useofforceincident", object_id=str(response.json()["id"])
    )
    assert row.actor == world.users["ward_qi_lead"]
    assert client.get(LIST).json()["count"] == 1


def test_a_token_has_its_owners_scope_and_role(world):
    outsider, _ = token_client(world.users["outsider"])
    analyst, _ = token_client(world.users["analyst"])
    assert outsider.get(LIST).status_code == 404
    assert analyst.get(LIST).status_code == 200
    assert post(analyst, LIST, incident_payload()).status_code == 403


def test_a_wrong_or_revoked_token_is_401(world):
    client, _ = token_client(world.users["ward_staff"])
    with acting_as(System("test")):
        token_revoke(world.users["ward_staff"].api_tokens.get())
    assert client.get(LIST).status_code == 401
    assert Client(HTTP_AUTHORIZATION="Bearer mhsip_not-a-token").get(LIST).status_code == 401
    inactive, _ = token_client(world.users["ward_qi_lead"])
    with acting_as(System("test")):
        world.users["ward_qi_lead"].is_active = False
        world.users["ward_qi_lead"].save()
    assert inactive.get(LIST).status_code == 401


def test_a_browser_session_must_send_the_csrf_token_to_post(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["ward_staff"])
    assert post(client, LIST, incident_payload()).status_code == 403
    assert not UseOfForceIncident.objects.exists()


def test_requests_are_rate_limited_per_user(world, settings):
    settings.MHSIP_API_RATE = "3/m"
    client = world.client_for("ward_staff")
    statuses = [client.get(LIST).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert world.client_for("ward_qi_lead").get(LIST).status_code == 200


def test_the_openapi_schema_lists_the_codes_and_both_ways_to_sign_in(world):
    schema = world.client_for("analyst").get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/wards/{code}/incidents"]["post"]
    assert {next(iter(s)) for s in operation["security"]} == {"ApiTokenAuth", "SessionAuth"}
    body = schema["components"]["schemas"]["InterventionIn"]["properties"]["type_code"]
    assert "05" in body["enum"] and "02" not in body["enum"]


def test_times_across_the_spring_clock_change_are_compared_as_instants(world):
    """01:30 does not exist on 30 March 2025 (clocks go 01:00 -> 02:00); read as 01:30 GMT it is
    after 02:10 BST (01:10 GMT), so the record ends before it starts: a 422, not a database
    error."""
    payload = incident_payload(
        started_at="2025-03-30T01:30:00",
        ended_at="2025-03-30T02:10:00",
        review_with_patient_on="2025-03-30",
        review_with_staff_on="2025-03-30",
    )
    payload["interventions"][0].update(
        started_at="2025-03-30T01:30:00", ended_at="2025-03-30T02:05:00"
    )
    response = post(world.client_for("ward_staff"), LIST, payload)
    assert response.status_code == 422
    locs = [tuple(p["loc"]) for p in response.json()["detail"]]
    assert ("body", "payload", "ended_at") in locs
