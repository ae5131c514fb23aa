"""Recording, reading and correcting sexual-safety, AWOL and inpatient-death records."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from mhsip.audit.models import AuditLog
from mhsip.recording.codes import RecordStatus
from mhsip.recording.models import Patient
from mhsip.recording.pseudonyms import patient_key
from mhsip.safety.models import AwolIncident, InpatientDeath, SexualSafetyIncident
from tests.safety import factories

pytestmark = pytest.mark.django_db

SEXUAL_SAFETY = {
    "occurred_at-day": "12",
    "occurred_at-month": "3",
    "occurred_at-year": "2025",
    "occurred_at-time": "14:30",
    "category": "sexual_assault",
    "affected_role": "patient",
    "affected_identifier": "H123456",
    "perpetrator_role": "patient",
    "perpetrator_identifier": "H654321",
    "harm": "moderate",
    "police_informed": "on",
    "description": "Reported at handover.",
    "local_reference": "DX-1001",
    "action": "submit",
}
AWOL = {
    "patient_identifier": "H123456",
    "kind": "absconded",
    "left_at-day": "12",
    "left_at-month": "3",
    "left_at-year": "2025",
    "left_at-time": "21:15",
    "returned_at-day": "13",
    "returned_at-month": "3",
    "returned_at-year": "2025",
    "returned_at-time": "02:00",
    "legal_status": "detained",
    "outcome": "returned_police",
    "police_informed": "on",
    "action": "draft",
}
DEATH = {
    "patient_identifier": "H123456",
    "died_on-day": "12",
    "died_on-month": "3",
    "died_on-year": "2025",
    "status": "awol",
    "suspected_suicide": "yes",
    "legal_status": "detained",
    "observation_level": "intermittent",
    "admitted_on-day": "9",
    "admitted_on-month": "3",
    "admitted_on-year": "2025",
    "action": "submit",
}


def url(name, **kwargs):
    return reverse(f"safety:{name}", kwargs={"code": "ALPHA-1", **kwargs})


def test_a_sexual_safety_incident_links_patients_by_pseudonymous_key_only(world):
    response = world.client_for("ward_staff").post(url("sexual-safety-create"), SEXUAL_SAFETY)
    assert response.status_code == 302
    record = SexualSafetyIncident.objects.get()
    assert record.status == RecordStatus.SUBMITTED and record.police_informed
    assert record.affected_patient.key == patient_key("RV5", "H123456")
    assert record.perpetrator_patient.key == patient_key("RV5", "H654321")
    assert record.affected_patient.trust == world.trust
    audit = json.dumps(list(AuditLog.objects.values("changes", "object_repr")))
    assert "H123456" not in audit and "H654321" not in audit
    assert not Patient.objects.filter(key__icontains="H123456").exists()


def test_the_same_hospital_number_links_to_the_same_patient(world):
    client = world.client_for("ward_qi_lead")
    client.post(url("sexual-safety-create"), {**SEXUAL_SAFETY, "local_reference": ""})
    client.post(url("awol-create"), {**AWOL, "patient_identifier": " h123456 "})
    assert SexualSafetyIncident.objects.get().affected_patient == AwolIncident.objects.get().patient


def test_a_hospital_number_is_refused_for_someone_who_is_not_a_patient(world):
    data = {**SEXUAL_SAFETY, "affected_role": "staff"}
    page = world.client_for("ward_staff").post(url("sexual-safety-create"), data)
    assert "Only give a hospital number when this person is a patient" in page.content.decode()
    assert not SexualSafetyIncident.objects.exists()


def test_a_patient_link_is_removed_when_the_person_is_corrected_to_staff(world, system):
    record = factories.sexual_safety(world.ward)  # alleged perpetrator: a linked patient
    data = {
        "occurred_at-day": "12",
        "occurred_at-month": "3",
        "occurred_at-year": "2025",
        "occurred_at-time": "14:30",
        "category": "verbal",
        "affected_role": "staff",
        "perpetrator_role": "staff",
        "harm": "low",
        "reason": "It was a member of staff",
    }
    world.client_for("ward_staff").post(url("sexual-safety-edit", pk=record.pk), data)
    record.refresh_from_db()
    assert record.perpetrator_role == "staff" and record.perpetrator_patient is None


def test_the_detail_page_uses_alleged_and_shows_only_a_pseudonymous_reference(world):
    world.client_for("ward_staff").post(url("sexual-safety-create"), SEXUAL_SAFETY)
    record = SexualSafetyIncident.objects.get()
    page = (
        world.client_for("collaborative_admin")
        .get(url("sexual-safety-detail", pk=record.pk))
        .content.decode()
    )
    assert "Alleged to have been responsible" in page
    assert f"Patient {record.perpetrator_patient.key[:8]}" in page
    assert "H654321" not in page
    assert "Correct this record" not in page  # the admin reads but does not record


def test_a_missing_time_and_a_future_date_are_refused_with_clear_messages(world):
    client = world.client_for("ward_staff")
    no_time = client.post(url("sexual-safety-create"), {**SEXUAL_SAFETY, "occurred_at-time": ""})
    assert "When it happened must include a time" in no_time.content.decode()
    assert 'href="#occurred_at-day"' in no_time.content.decode()
    future = {**SEXUAL_SAFETY, "occurred_at-year": str(dt.date.today().year + 1)}
    page = client.post(url("sexual-safety-create"), future).content.decode()
    assert "When it happened must be today or in the past" in page
    assert "<title>Error: " in page
    assert not SexualSafetyIncident.objects.exists()


def test_an_empty_form_names_every_required_question(world):
    page = world.client_for("ward_staff").post(url("sexual-safety-create"), {}).content.decode()
    for message in [
        "Enter when it happened",
        "Select what kind of incident it was",
        "Select who was affected",
        "Select who is alleged to have been responsible",
        "Select the harm caused",
    ]:
        assert message in page


def test_a_reference_already_used_on_the_ward_is_refused(world, system):
    factories.sexual_safety(world.ward, local_reference="DX-1001")
    page = world.client_for("ward_staff").post(url("sexual-safety-create"), SEXUAL_SAFETY)
    assert "already has the reference DX-1001" in page.content.decode()


def test_a_correction_needs_a_reason_and_the_reason_is_audited(world, system):
    record = factories.sexual_safety(world.ward)
    client = world.client_for("trust_lead")
    edit = url("sexual-safety-edit", pk=record.pk)
    form_page = client.get(edit).content.decode()
    assert 'value="12"' in form_page and 'value="14:30"' in form_page
    data = {
        "occurred_at-day": "12",
        "occurred_at-month": "3",
        "occurred_at-year": "2025",
        "occurred_at-time": "14:30",
        "category": "verbal",
        "affected_role": "staff",
        "perpetrator_role": "patient",
        "harm": "moderate",
        "action": "submit",
    }
    refused = client.post(edit, data)
    assert "Give a reason for changing this record" in refused.content.decode()
    client.post(edit, {**data, "reason": "Harm regraded after the debrief"})
    record.refresh_from_db()
    assert record.harm == "moderate"
    assert record.perpetrator_patient is not None  # kept: no new hospital number given
    entry = AuditLog.objects.get(object_type="safety.sexualsafetyincident", action="update")
    assert entry.reason == "Harm regraded after the debrief"
    assert entry.actor == world.users["trust_lead"]


def test_an_awol_incident_can_be_saved_as_a_draft_and_submitted_later(world):
    client = world.client_for("ward_qi_lead")
    client.post(url("awol-create"), AWOL)
    record = AwolIncident.objects.get()
    assert record.status == RecordStatus.DRAFT
    assert record.returned_at - record.left_at == dt.timedelta(hours=4, minutes=45)
    detail = client.get(url("awol-detail", pk=record.pk)).content.decode()
    assert "4 hours 45 minutes" in detail
    client.post(
        url("awol-edit", pk=record.pk),
        {**AWOL, "patient_identifier": "", "reason": "Checked", "action": "submit"},
    )
    record.refresh_from_db()
    assert record.status == RecordStatus.SUBMITTED


def test_an_awol_return_before_leaving_or_while_still_missing_is_refused(world):
    client = world.client_for("ward_staff")
    early = {**AWOL, "returned_at-day": "11"}
    assert "must be after they left" in client.post(url("awol-create"), early).content.decode()
    missing = {**AWOL, "outcome": "missing"}
    page = client.post(url("awol-create"), missing).content.decode()
    assert "Leave this empty while the patient is still missing" in page
    assert not AwolIncident.objects.exists()


def test_an_awol_incident_needs_the_patients_hospital_number(world):
    page = world.client_for("ward_staff").post(
        url("awol-create"), {**AWOL, "patient_identifier": ""}
    )
    assert "Enter the patient&#39;s hospital number" in page.content.decode()


def test_an_inpatient_death_shows_the_days_since_admission(world):
    client = world.client_for("ward_qi_lead")
    assert client.post(url("deaths-create"), DEATH).status_code == 302
    death = InpatientDeath.objects.get()
    assert death.days_since_admission == 3 and death.suspected_suicide
    page = client.get(url("deaths-detail", pk=death.pk)).content.decode()
    assert "3 days (within the first week)" in page
    assert "Absent without leave (AWOL)" in page
    listing = client.get(url("deaths-list")).content.decode()
    assert "3 days (within the first week)" in listing


def test_admission_after_death_is_refused(world):
    data = {**DEATH, "admitted_on-day": "20"}
    page = world.client_for("ward_staff").post(url("deaths-create"), data).content.decode()
    assert "The date of admission must be on or before the date of death" in page


def test_the_list_shows_the_wards_records_and_not_another_wards(world, system):
    factories.sexual_safety(world.ward, description="ours")
    factories.sexual_safety(world.sibling_ward, description="theirs")
    page = world.client_for("ward_staff").get(url("sexual-safety-list")).content.decode()
    assert "1 sexual-safety incident," in page
    assert "Verbal abuse using sexual words" in page


@pytest.mark.parametrize(
    ("role", "sees_safety_links"),
    [("ward_staff", True), ("collaborative_admin", True), ("analyst", False)],
)
def test_the_ward_page_links_to_safety_records_only_for_roles_that_may_open_them(
    world, role, sees_safety_links
):
    page = world.client_for(role).get("/wards/ALPHA-1/").content.decode()
    assert 'href="/wards/ALPHA-1/returns/"' in page
    for path in ("sexual-safety", "awol", "deaths"):
        assert (f'href="/wards/ALPHA-1/{path}/"' in page) is sees_safety_links


def test_a_long_list_is_split_into_pages_of_50(world, system):
    for _ in range(51):
        factories.awol(world.ward)
    client = world.client_for("ward_staff")
    first = client.get(url("awol-list")).content.decode()
    assert "51 awol and leave incidents" in first and "Older records" in first
    second = client.get(url("awol-list") + "?page=2").content.decode()
    assert "Newer records" in second and second.count("/awol/") < first.count("/awol/")
