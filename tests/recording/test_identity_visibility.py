"""Names, NHS numbers and staff names: recorded only in a trust's identifiable mode, shown only to
that trust's own recording roles, and never on any page or export for the collaborative admin,
the analyst or an outsider (ADR 0005; domain brief §10)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mhsip.recording import services
from mhsip.recording.models import PatientIdentity, StaffIdentity
from tests.recording.factories import complete_data, make_incident
from tests.recording.test_views import form_post

pytestmark = pytest.mark.django_db

NAME, NHS, NHS_SPACED, STAFF_NAME = "Alice Example", "9434765919", "943 476 5919", "Sam Nurse"
SECRETS = (NAME, NHS, NHS_SPACED, STAFF_NAME, "RX1234567")
TRUST_ROLES = ("ward_staff", "ward_qi_lead", "trust_lead")


@pytest.fixture
def identified(world, system):
    world.trust.identifiable_mode = True
    world.trust.save()
    data = complete_data()
    data["patient"].update(name=NAME, nhs_number=NHS)
    data["staff"][0]["name"] = STAFF_NAME
    data["staff"][1]["name"] = "Jo Helper"
    incident = services.incident_create(
        actor_user_or_none=None, ward=world.ward, patient_identifier="RX1234567", data=data
    )
    return incident


def pages(incident):
    kwargs = {"code": "ALPHA-1"}
    with_pk = {**kwargs, "pk": incident.pk}
    return [
        reverse("recording:use-of-force-list", kwargs=kwargs),
        reverse("recording:use-of-force-detail", kwargs=with_pk),
        reverse("recording:use-of-force-edit", kwargs=with_pk),
        reverse("recording:use-of-force-new", kwargs=kwargs),
        reverse("recording:use-of-force-mhsds", kwargs=kwargs) + "?month=2025-03&table=MHS505",
        reverse("recording:use-of-force-mhsds", kwargs=kwargs) + "?month=2025-03&table=MHS515",
        reverse("organisations:ward-detail", kwargs=kwargs),
        reverse("core:audit-log"),
    ]


def test_identity_is_stored_encrypted_and_apart(identified):
    identity = PatientIdentity.objects.get()
    assert NAME.encode() not in bytes(identity.name_encrypted)
    assert NHS.encode() not in bytes(identity.nhs_number_encrypted)
    assert StaffIdentity.objects.count() == 2


@pytest.mark.parametrize("role", TRUST_ROLES)
def test_the_trusts_recording_roles_see_names_when_identifiable_mode_is_on(world, identified, role):
    client = world.client_for(role)
    detail = client.get(pages(identified)[1]).content.decode()
    assert NAME in detail and NHS_SPACED in detail and STAFF_NAME in detail
    form = client.get(pages(identified)[2]).content.decode()
    assert (
        f'value="{NAME}"' in form and f'value="{NHS}"' in form and f'value="{STAFF_NAME}"' in form
    )


@pytest.mark.parametrize("role", ["collaborative_admin", "analyst", "outsider", "network_member"])
def test_other_roles_never_see_a_name_or_nhs_number_on_any_page_or_export(world, identified, role):
    client = world.client_for(role)
    for url in pages(identified):
        response = client.get(url)
        body = response.content.decode()
        for secret in SECRETS:
            assert secret not in body, (role, url, secret)


def test_exports_hold_no_identifiers_even_for_the_trusts_own_roles(world, identified):
    client = world.client_for("ward_staff")
    for url in pages(identified)[4:6]:
        body = client.get(url).content.decode()
        assert body.count("\n") >= 2  # a header and data rows
        for secret in SECRETS:
            assert secret not in body


def test_with_identifiable_mode_off_no_one_is_asked_for_or_shown_names(world, system):
    incident = make_incident(world)
    client = world.client_for("ward_staff")
    form = client.get(pages(incident)[3]).content.decode()
    assert 'name="patient-name"' not in form and 'name="staff-0-name"' not in form
    detail = client.get(pages(incident)[1]).content.decode()
    assert "NHS number" not in detail
    # a crafted post cannot store them either
    client.post(
        pages(incident)[3],
        form_post(**{"patient-name": NAME, "patient-nhs_number": NHS, "staff-0-name": STAFF_NAME}),
    )
    assert not PatientIdentity.objects.exists() and not StaffIdentity.objects.exists()


def test_a_wrong_nhs_number_is_refused_without_echoing_it_in_the_message(world, system):
    world.trust.identifiable_mode = True
    world.trust.save()
    response = world.client_for("ward_staff").post(
        reverse("recording:use-of-force-new", kwargs={"code": "ALPHA-1"}),
        form_post(
            **{"patient-name": NAME, "patient-nhs_number": "9434765918", "staff-0-name": STAFF_NAME}
        ),
    )
    body = response.content.decode()
    assert "The NHS number&#39;s check digit is wrong: check it was copied correctly" in body
    assert not PatientIdentity.objects.exists()


def test_identifiable_mode_asks_for_names_on_submit(world, system):
    world.trust.identifiable_mode = True
    world.trust.save()
    errors = services.incident_errors(
        complete_data(), ward=world.ward, patient_identifier="RX1", actor_user_or_none=None
    )
    assert errors["patient.name"] == ["Enter the patient's name"]
    assert errors["patient.nhs_number"] == ["Enter the patient's NHS number"]
    assert errors["staff.0.name"] == ["Enter the name of staff member 1"]


def test_a_read_only_role_cannot_write_names_through_the_services(world, system):
    world.trust.identifiable_mode = True
    world.trust.save()
    data = complete_data()
    data["patient"].update(name=NAME, nhs_number=NHS)
    errors = services.incident_errors(
        data,
        ward=world.ward,
        patient_identifier="RX1",
        actor_user_or_none=world.users["analyst"],
    )
    assert errors["patient.name"] == ["Your role may not record patients' names or NHS numbers"]
