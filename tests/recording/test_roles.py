"""Each role on each use-of-force page: ward roles and the trust lead record and correct; the
collaborative admin and analyst only view (403 on the form); network members never see
individual records (403); an outsider gets 404 for another trust's ward and records."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mhsip.recording.models import UseOfForceIncident
from tests.recording.factories import make_incident
from tests.recording.test_views import form_post

pytestmark = pytest.mark.django_db

VIEW = {
    "ward_staff": 200,
    "ward_qi_lead": 200,
    "trust_lead": 200,
    "collaborative_admin": 200,
    "analyst": 200,
    "network_member": 403,
    "outsider": 404,
}
RECORD = {**VIEW, "collaborative_admin": 403, "analyst": 403}


@pytest.fixture
def incident(world, system):
    return make_incident(world)


@pytest.mark.parametrize(
    ("name", "expected", "needs_pk"),
    [
        ("recording:use-of-force-list", VIEW, False),
        ("recording:use-of-force-mhsds", VIEW, False),
        ("recording:use-of-force-detail", VIEW, True),
        ("recording:use-of-force-new", RECORD, False),
        ("recording:use-of-force-edit", RECORD, True),
    ],
)
def test_each_role_gets_the_status_its_role_allows(world, incident, name, expected, needs_pk):
    kwargs = {"code": "ALPHA-1", **({"pk": incident.pk} if needs_pk else {})}
    url = reverse(name, kwargs=kwargs)
    got = {role: world.client_for(role).get(url).status_code for role in expected}
    assert got == expected


@pytest.mark.parametrize("role", ["collaborative_admin", "analyst", "network_member", "outsider"])
def test_roles_that_may_not_record_cannot_post_a_record_either(world, incident, role):
    client = world.client_for(role)
    new = reverse("recording:use-of-force-new", kwargs={"code": "ALPHA-1"})
    edit = reverse("recording:use-of-force-edit", kwargs={"code": "ALPHA-1", "pk": incident.pk})
    assert client.post(new, form_post()).status_code in {403, 404}
    assert client.post(edit, form_post(correction_reason="x")).status_code in {403, 404}
    assert UseOfForceIncident.objects.count() == 1
    incident.refresh_from_db()
    assert incident.how_force_used.startswith("Two staff")


def test_the_outsider_cannot_reach_a_record_through_their_own_ward(world, incident):
    client = world.client_for("outsider")
    assert (
        client.get(reverse("recording:use-of-force-list", kwargs={"code": "BETA-1"})).status_code
        == 200
    )
    for name in ("recording:use-of-force-detail", "recording:use-of-force-edit"):
        url = reverse(name, kwargs={"code": "BETA-1", "pk": incident.pk})
        response = client.get(url)
        assert response.status_code == 404 and b"Two staff held" not in response.content


def test_ward_staff_see_only_their_own_ward(world, incident):
    client = world.client_for("ward_staff")
    sibling = reverse("recording:use-of-force-list", kwargs={"code": "ALPHA-2"})
    assert client.get(sibling).status_code == 404
    wrong_ward = reverse(
        "recording:use-of-force-detail", kwargs={"code": "ALPHA-2", "pk": incident.pk}
    )
    assert world.client_for("trust_lead").get(wrong_ward).status_code == 404


def test_a_trust_lead_records_on_any_ward_of_their_trust(world):
    client = world.client_for("trust_lead")
    url = reverse("recording:use-of-force-new", kwargs={"code": "ALPHA-2"})
    assert client.post(url, form_post()).status_code == 302
    assert UseOfForceIncident.objects.get().ward == world.sibling_ward


def test_anonymous_visitors_are_sent_to_sign_in(world, incident):
    from django.test import Client

    url = reverse("recording:use-of-force-detail", kwargs={"code": "ALPHA-1", "pk": incident.pk})
    response = Client().get(url)
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")
