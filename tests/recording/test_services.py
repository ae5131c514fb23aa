"""The use-of-force services: the Act's rules, pseudonymisation at the boundary, corrections with
reasons, and retention. Plain function calls, no HTTP."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import CharField, JSONField, TextField

from mhsip.audit.models import Action, AuditLog
from mhsip.recording import services
from mhsip.recording.models import (
    Intervention,
    Patient,
    RetentionError,
    StaffInvolved,
    UseOfForceIncident,
)
from mhsip.recording.pseudonyms import patient_key
from tests.recording.factories import IDENTIFIER, at, complete_data, make_incident

pytestmark = pytest.mark.django_db


def errors_of(world, data, *, identifier=IDENTIFIER, incident=None, reason=""):
    return services.incident_errors(
        data, ward=world.ward, patient_identifier=identifier, incident=incident, reason=reason
    )


def refused(world, data, *, identifier=IDENTIFIER):
    with pytest.raises(ValidationError) as caught:
        services.incident_create(
            actor_user_or_none=None, ward=world.ward, patient_identifier=identifier, data=data
        )
    return caught.value.message_dict


# --- Creating -------------------------------------------------------------------------------


def test_a_complete_record_is_submitted_with_its_interventions_and_staff(world):
    incident = make_incident(world)
    assert incident.status == "submitted" and incident.submitted_at is not None
    assert [iv.type_code for iv in incident.interventions.order_by("started_at")] == ["01", "05"]
    assert [s.job_title for s in incident.staff.order_by("id")] == [
        "Staff nurse",
        "Healthcare assistant",
    ]
    assert incident.patient.ethnicity == "M" and incident.patient.birth_year == 1990
    assert incident.de_escalation == ["verbal", "space"]


def test_a_draft_needs_only_a_patient_and_a_start(world):
    incident = services.incident_create(
        actor_user_or_none=None,
        ward=world.ward,
        patient_identifier=IDENTIFIER,
        data={"started_at": at(14, 3, 5)},
    )
    assert incident.status == "draft" and incident.submitted_at is None
    assert incident.interventions.count() == 0
    # unanswered stays unanswered: missing is not "no"
    assert incident.death_or_serious_injury == "" and incident.reason == ""


def test_a_draft_without_a_start_or_a_patient_is_refused(world):
    errors = refused(world, {"status": "draft"}, identifier="")
    assert errors["started_at"] == ["Enter the date and time the incident started"]
    assert errors["patient_identifier"] == ["Enter the patient's hospital number"]


def test_a_draft_may_have_no_interventions_but_a_submitted_record_may_not(world):
    assert "interventions" not in errors_of(world, complete_data(status="draft", interventions=[]))
    errors = errors_of(world, complete_data(interventions=[]))
    assert errors["interventions"] == ["Add at least one type of force that was used"]


def test_every_item_of_section_6_5_is_required_on_submit(world):
    errors = errors_of(world, {"status": "submitted", "started_at": at(14, 14, 35)})
    assert set(errors) == {
        "patient.learning_disability",
        "patient.autism",
        "ended_at",
        "place",
        "reason",
        "interventions",
        "how_force_used",
        "de_escalation",
        "staff",
        "non_staff_involvement",
        "outcome",
        "death_or_serious_injury",
        "care_plan_notification",
        "review_with_patient_held",
        "review_with_staff_held",
    }


def test_negligible_force_without_a_justification_is_refused_even_in_a_draft(world):
    for status in ("draft", "submitted"):
        errors = errors_of(world, complete_data(status=status, negligible_force=True))
        assert errors == {"negligible_justification": ["Explain why the force was negligible"]}


def test_negligible_force_with_a_justification_is_accepted(world):
    incident = make_incident(
        world,
        negligible_force=True,
        negligible_justification="A light touch on the elbow to guide; no resistance.",
    )
    assert incident.negligible_force is True


def test_an_intervention_that_ends_before_it_starts_is_refused(world):
    data = complete_data()
    data["interventions"][0]["ended_at"] = at(14, 14, 30)
    errors = errors_of(world, data)
    assert errors["interventions.0.ended_at"] == [
        "Intervention 1 must end after it started. If it ended the next day, enter the end date"
    ]


def test_an_incident_that_ends_before_it_starts_is_refused(world):
    errors = errors_of(world, complete_data(ended_at=at(14, 14, 0)))
    assert errors["ended_at"][0].startswith("The incident must end after it started")


def test_the_incident_window_must_cover_every_intervention(world):
    data = complete_data(started_at=at(14, 14, 40))
    data["interventions"][1]["ended_at"] = at(14, 17, 0)
    errors = errors_of(world, data)
    assert errors["interventions.0.started_at"][0].startswith(
        "Intervention 1 starts before the incident started"
    )
    assert errors["interventions.1.ended_at"] == [
        "Intervention 2 ends after the incident ended: correct one of the two times"
    ]


def test_seclusion_still_going_on_may_be_submitted_while_the_incident_is_open(world):
    data = complete_data(ended_at=None)
    data["interventions"][1]["ended_at"] = None
    assert errors_of(world, data) == {}
    errors = errors_of(
        world, complete_data(ended_at=at(14, 16, 0), interventions=[{**data["interventions"][1]}])
    )
    assert errors["interventions.0.ended_at"][0].startswith("Intervention 1 has no end")


def test_a_physical_restraint_needs_an_end_on_submit(world):
    data = complete_data()
    data["interventions"][0]["ended_at"] = None
    assert errors_of(world, data)["interventions.0.ended_at"] == [
        "Enter the time intervention 1 ended"
    ]


@pytest.mark.parametrize(
    ("overrides", "key", "message"),
    [
        ({"reason": "98"}, "reason_detail", "Describe the reason force was used"),
        ({"place": "other"}, "place_detail", "Describe where the incident happened"),
        (
            {"non_staff_involvement": "police"},
            "non_staff_reason",
            "Say why the police or other people were involved",
        ),
        (
            {"death_or_serious_injury": "yes"},
            "death_or_serious_injury_detail",
            "Describe the death or serious injury",
        ),
        (
            {"review_with_patient_on": None},
            "review_with_patient_on",
            "Enter the date of the review with the patient",
        ),
        (
            {"review_with_patient_held": "no"},
            "review_with_patient_not_held_reason",
            "Select why a review with the patient was not held",
        ),
        (
            {"review_with_staff_not_held_reason": ""},
            "review_with_staff_not_held_reason",
            "Say why a review with the staff involved was not held",
        ),
        (
            {"de_escalation": ["other"]},
            "de_escalation_detail",
            "Describe the other efforts made to avoid force",
        ),
        (
            {"de_escalation": ["verbal", "none_possible"]},
            "de_escalation",
            "'None possible' cannot be selected together with efforts that were made",
        ),
        (
            {"review_with_patient_on": dt.date(2025, 3, 13)},
            "review_with_patient_on",
            "The review with the patient cannot be before the incident",
        ),
        (
            {"started_at": at(14, 14, 35, year=2099), "ended_at": at(14, 16, 0, year=2099)},
            "started_at",
            "The incident start cannot be in the future",
        ),
        (
            {"started_at": at(1, 9, 0, month=1, year=2023)},
            "started_at",
            "Aspen Ward opened on 1 January 2024: check the date",
        ),
    ],
)
def test_an_answer_that_needs_more_detail_asks_for_it(world, overrides, key, message):
    assert message in errors_of(world, complete_data(**overrides)).get(key, [])


def test_type_codes_come_from_the_mhsds_v5_list_with_or_without_a_leading_zero(world):
    data = complete_data()
    data["interventions"][1]["type_code"] = "5"
    assert errors_of(world, data) == {}
    data["interventions"][1]["type_code"] = "02"
    assert "old MHSDS v4 list" in errors_of(world, data)["interventions.1.type_code"][0]
    data["interventions"][1]["type_code"] = "42"
    assert errors_of(world, data)["interventions.1.type_code"] == [
        "Intervention 2: '42' is not an MHSDS restrictive intervention type"
    ]


def test_a_wrong_code_names_the_allowed_answers(world):
    errors = errors_of(world, complete_data(reason="20", care_plan_notification="maybe"))
    assert errors["reason"][0].startswith("'20' is not an allowed answer: use one of 10, 11")
    assert errors["care_plan_notification"] == [
        "'maybe' is not an allowed answer: use one of yes, no, not_applicable"
    ]


def test_iso_strings_are_accepted_as_dates_and_times(world):
    data = complete_data(
        started_at="2025-03-14T14:35",
        ended_at="2025-03-14T16:00",
        review_with_patient_on="2025-03-15",
    )
    incident = services.incident_create(
        actor_user_or_none=None, ward=world.ward, patient_identifier="H1", data=data
    )
    assert services.format_when(incident.started_at) == "14 March 2025, 14:35"


def test_a_duplicate_incident_reference_on_the_ward_is_refused(world):
    make_incident(world)
    errors = errors_of(world, complete_data())
    assert errors["local_reference"] == [
        "Another record on this ward already has incident reference DX-1001"
    ]


def test_nothing_is_written_when_a_record_is_refused(world):
    before = (Patient.objects.count(), UseOfForceIncident.objects.count(), AuditLog.objects.count())
    data = complete_data()
    data["interventions"][1]["type_code"] = "99"
    refused(world, data)
    after = (Patient.objects.count(), UseOfForceIncident.objects.count(), AuditLog.objects.count())
    assert after == before


def test_roles_that_only_view_cannot_record_through_the_services(world):
    for who in ("analyst", "collaborative_admin", "outsider", "network_member"):
        with pytest.raises(PermissionDenied):
            services.incident_create(
                actor_user_or_none=world.users[who],
                ward=world.ward,
                patient_identifier=IDENTIFIER,
                data=complete_data(),
            )
    assert not UseOfForceIncident.objects.exists()


# --- Pseudonymisation (ADR 0005) --------------------------------------------------------------


def text_values(model):
    names = [
        f.attname
        for f in model._meta.concrete_fields
        if isinstance(f, CharField | TextField | JSONField)
    ]
    for row in model.objects.values_list(*names):
        yield from (str(value) for value in row)


def test_the_raw_identifier_is_never_stored(world):
    incident = make_incident(world, identifier="rx 1234567")
    correction = complete_data(ended_at=at(14, 16, 30))
    correction["interventions"][1]["ended_at"] = at(14, 16, 30)
    services.incident_update(
        incident,
        actor_user_or_none=None,
        data=correction,
        patient_identifier=IDENTIFIER,
        reason="End time corrected",
    )
    stored = [
        value.upper().replace(" ", "")
        for model in (Patient, UseOfForceIncident, Intervention, StaffInvolved, AuditLog)
        for value in text_values(model)
    ]
    assert stored, "the search found no text at all"
    assert not [value for value in stored if "RX1234567" in value]
    assert Patient.objects.get().key == patient_key("RV5", "RX1234567")


def test_the_same_identifier_links_records_to_one_patient_within_a_trust_only(world):
    first = make_incident(world, local_reference="A")
    second = make_incident(
        world,
        local_reference="B",
        started_at=at(15, 9, 0),
        ended_at=at(15, 10, 0),
        interventions=[],
        status="draft",
    )
    assert first.patient_id == second.patient_id
    other = services.incident_create(
        actor_user_or_none=None,
        ward=world.other_ward,
        patient_identifier=IDENTIFIER,
        data={"started_at": at(14, 9, 0)},
    )
    assert other.patient_id != first.patient_id
    assert other.patient.key != first.patient.key


def test_characteristics_left_out_keep_what_is_already_held(world):
    make_incident(world, local_reference="A")
    services.incident_create(
        actor_user_or_none=None,
        ward=world.ward,
        patient_identifier=IDENTIFIER,
        data={"started_at": at(20, 9, 0), "patient": {"autism": "yes"}},
    )
    patient = Patient.objects.get()
    assert (patient.ethnicity, patient.autism, patient.birth_year) == ("M", "yes", 1990)


# --- Corrections and audit --------------------------------------------------------------------


def test_correcting_a_submitted_record_needs_a_reason(world):
    incident = make_incident(world)
    with pytest.raises(ValidationError) as caught:
        services.incident_update(incident, actor_user_or_none=None, data=complete_data())
    assert caught.value.message_dict == {"correction_reason": ["Give a reason for this correction"]}


def test_a_correction_records_its_reason_and_before_and_after_on_each_changed_row(world):
    incident = make_incident(world)
    data = services.incident_to_data(incident)
    data["ended_at"] = at(14, 16, 30)
    data["interventions"][1]["ended_at"] = at(14, 16, 30)
    services.incident_update(
        incident, actor_user_or_none=None, data=data, reason="Seclusion ended at 16:30"
    )
    updates = AuditLog.objects.filter(action=Action.UPDATE).order_by("id")
    assert [(e.object_type, e.reason) for e in updates] == [
        ("recording.useofforceincident", "Seclusion ended at 16:30"),
        ("recording.intervention", "Seclusion ended at 16:30"),
    ]
    assert updates[0].changes["ended_at"] == [at(14, 16).isoformat(), at(14, 16, 30).isoformat()]
    assert services.incident_history(incident)[-1].reason == "Seclusion ended at 16:30"


def test_an_intervention_left_out_of_a_correction_is_removed_with_an_audited_reason(world):
    incident = make_incident(world)
    data = services.incident_to_data(incident)
    removed = data["interventions"].pop()
    data["ended_at"] = at(14, 14, 45)
    services.incident_update(incident, actor_user_or_none=None, data=data, reason="Not secluded")
    assert list(incident.interventions.values_list("type_code", flat=True)) == ["01"]
    deleted = AuditLog.objects.get(action=Action.DELETE, object_type="recording.intervention")
    assert deleted.object_id == str(removed["id"]) and deleted.reason == "Not secluded"
    assert any(e.action == Action.DELETE for e in services.incident_history(incident))


def test_a_row_id_from_another_record_is_refused(world):
    first = make_incident(world, local_reference="A")
    second = make_incident(world, local_reference="B")
    data = services.incident_to_data(second)
    data["interventions"][0]["id"] = first.interventions.first().pk
    with pytest.raises(ValidationError) as caught:
        services.incident_update(second, actor_user_or_none=None, data=data, reason="x")
    assert caught.value.message_dict["interventions.0.id"] == [
        "Intervention 1 is not part of this record"
    ]


def test_a_draft_is_completed_and_submitted_without_a_reason(world):
    draft = services.incident_create(
        actor_user_or_none=None,
        ward=world.ward,
        patient_identifier=IDENTIFIER,
        data={"started_at": at(14, 14, 35)},
    )
    services.incident_update(draft, actor_user_or_none=None, data=complete_data())
    draft.refresh_from_db()
    assert draft.status == "submitted" and draft.interventions.count() == 2


def test_a_submitted_record_cannot_go_back_to_draft(world):
    incident = make_incident(world)
    errors = errors_of(world, complete_data(status="draft"), incident=incident, reason="x")
    assert errors["status"] == ["A submitted record cannot go back to draft; correct it instead"]


def test_creating_a_record_leaves_create_rows_for_every_part(world):
    incident = make_incident(world)
    created = AuditLog.objects.filter(
        action=Action.CREATE, object_type__startswith="recording."
    ).values_list("object_type", flat=True)
    assert sorted(created) == sorted(
        ["recording.patient", "recording.useofforceincident"]
        + ["recording.intervention"] * 2
        + ["recording.staffinvolved"] * 2
    )
    assert len(services.incident_history(incident)) == 5  # the patient row is not the record's


# --- Retention (Act s.6(6)) -------------------------------------------------------------------


def test_a_record_cannot_be_deleted_within_three_years(world):
    incident = make_incident(world)
    draft = services.incident_create(
        actor_user_or_none=None,
        ward=world.ward,
        patient_identifier="H2",
        data={"started_at": at(14, 9, 0)},
    )
    for record in (incident, draft):
        with pytest.raises(RetentionError, match="correct it instead of deleting it"):
            record.delete()
    assert UseOfForceIncident.objects.count() == 2
    assert not AuditLog.objects.filter(action=Action.DELETE).exists()
    assert incident.retention_ends() == incident.created_at.date().replace(
        year=incident.created_at.year + 3
    )


def test_durations_read_as_people_say_them():
    assert services.format_duration(0) == "0 minutes"
    assert services.format_duration(65) == "1 hour 5 minutes"
    assert services.format_duration(3 * 24 * 60 + 125) == "3 days 2 hours"
    assert services.format_duration(None) == ""


def test_times_across_the_spring_clock_change_are_compared_in_real_time():
    """On 30 March 2025 UK clocks went from 01:00 GMT to 02:00 BST: 00:55 (GMT) to 02:50 (BST)
    is 55 minutes, not 1 h 55 min, and the order of two times is their order in UTC."""
    from mhsip.recording.services import _parse_datetime

    start = _parse_datetime("2025-03-30T00:55:00")
    end = _parse_datetime("2025-03-30T02:50:00")
    assert start is not None and end is not None
    assert (end - start).total_seconds() == 55 * 60
    assert start.utcoffset() == dt.timedelta(0)
