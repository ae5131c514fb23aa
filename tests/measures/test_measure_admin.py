"""The measure library for collaborative admins: add and change measures, validated and
audited; other roles get 403."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from mhsip.audit.models import Action, AuditLog
from mhsip.measures import services
from mhsip.measures.models import Measure

pytestmark = pytest.mark.django_db

NEW = {
    "name": "Seclusion of women",
    "description": "Episodes of seclusion per 1,000 occupied bed days on women's wards.",
    "kind": "outcome",
    "source": "interventions",
    "type_codes": ["05"],
    "denominator": "bed_days",
    "multiplier": "1000",
    "unit": "per 1,000 occupied bed days",
    "period": "week",
    "default_chart": "u",
    "improvement": "decrease",
    "target": "",
    "order": "75",
    "is_active": "on",
}


def create_url():
    return reverse("measures:measure-create")


def test_an_admin_adds_a_measure_and_it_is_audited(world):
    response = world.client_for("collaborative_admin").post(create_url(), NEW)
    assert response.status_code == 302
    measure = Measure.objects.get(name="Seclusion of women")
    assert measure.slug == "seclusion-of-women"
    assert measure.type_codes == ["05"] and measure.multiplier == 1000.0
    assert measure.target is None and not measure.restricted and measure.is_active
    created = AuditLog.objects.get(
        object_type="measures.measure", object_id=str(measure.pk), action=Action.CREATE
    )
    assert created.actor == world.users["collaborative_admin"]


def test_a_new_measure_appears_in_the_collaborative_matrix(world):
    cache.clear()
    world.client_for("collaborative_admin").post(create_url(), NEW)
    url = reverse("measures:collaborative-matrix", kwargs={"slug": "rrp"})
    assert "Seclusion of women" in world.client_for("ward_staff").get(url).content.decode()


@pytest.mark.parametrize(
    ("change", "anchor", "message"),
    [
        ({"name": ""}, "name", "Enter the name of the measure"),
        (
            {"denominator": "none", "default_chart": "u"},
            "default_chart",
            "A u or p chart needs a denominator",
        ),
        (
            {"source": "awol", "type_codes": ["05"]},
            "type_codes",
            "Intervention types apply only to counts of interventions",
        ),
        ({"multiplier": "lots"}, "multiplier", "Enter the multiplier as a number"),
        ({"source": "tea"}, "source", "Select a valid choice"),
    ],
)
def test_bad_input_is_refused_with_a_message_beside_the_field(world, change, anchor, message):
    response = world.client_for("collaborative_admin").post(create_url(), {**NEW, **change})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Add a measure" in html
    assert f'href="#{anchor}"' in html and message in html
    assert not Measure.objects.filter(name__in=["Seclusion of women", ""]).exists()


def test_changing_a_measure_needs_a_reason_which_is_audited(world):
    measure = Measure.objects.get(slug="incidents")
    url = reverse("measures:measure-edit", kwargs={"slug": measure.slug})
    client = world.client_for("collaborative_admin")
    page = client.get(url).content.decode()
    assert 'value="Use-of-force incidents"' in page  # the current definition is filled in
    values = {**NEW, "name": "Use-of-force incidents", "type_codes": [], "target": "20"}
    response = client.post(url, values)
    assert "Enter the reason for changing this measure" in response.content.decode()
    response = client.post(url, {**values, "reason": "Target agreed at learning session 2"})
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.target == 20.0 and measure.slug == "incidents"  # the slug never changes
    update = AuditLog.objects.filter(
        object_type="measures.measure", object_id=str(measure.pk), action=Action.UPDATE
    ).get()
    assert update.reason == "Target agreed at learning session 2"
    assert update.changes["target"] == [None, 20.0]


def test_the_service_refuses_anyone_but_an_admin(world, system):
    with pytest.raises(PermissionDenied):
        services.save_measure(user=world.users["trust_lead"], values={"name": "x"})


def test_the_service_validates_with_measure_clean(world, system):
    with pytest.raises(ValidationError) as caught:
        services.save_measure(
            user=world.users["collaborative_admin"],
            values={**NEW, "source": "nowhere", "multiplier": 1000.0, "order": 1},
        )
    assert "source" in caught.value.message_dict
    assert not Measure.objects.filter(name="Seclusion of women").exists()


@pytest.mark.parametrize(
    "role", ["ward_staff", "ward_qi_lead", "trust_lead", "analyst", "network_member", "outsider"]
)
def test_other_roles_get_403_and_cannot_post(world, role):
    client = world.client_for(role)
    assert client.get(reverse("measures:measure-list")).status_code == 403
    assert client.post(create_url(), NEW).status_code == 403
    assert not Measure.objects.filter(name="Seclusion of women").exists()


def test_the_list_links_to_each_measure(world):
    html = world.client_for("collaborative_admin").get(reverse("measures:measure-list"))
    edit = reverse("measures:measure-edit", kwargs={"slug": "prone-restraint"})
    assert f'href="{edit}"' in html.content.decode()
