"""Importing use-of-force incidents: all or nothing, every problem named by row and column,
idempotent, pseudonymised at the boundary, held to the same rules as the form (issue 4)."""

from __future__ import annotations

import pytest

from mhsip.audit.models import Action, AuditLog
from mhsip.recording.identity import read_patient_identity
from mhsip.recording.models import (
    Intervention,
    Patient,
    PatientIdentity,
    StaffIdentity,
    StaffInvolved,
    UseOfForceIncident,
)
from mhsip.recording.pseudonyms import patient_key
from tests.imports.factories import csv_bytes, incident_row, stored_text

pytestmark = pytest.mark.django_db


def two_incidents() -> list[dict[str, str]]:
    return [
        incident_row("DX-1"),
        incident_row(
            "DX-1",
            intervention_type="01",
            intervention_start="14/03/2025 14:41",
            intervention_end="14/03/2025 14:45",
        ),
        incident_row(
            "DX-2",
            local_patient_id="H7654321",
            incident_start="15/03/2025 09:00",
            incident_end="15/03/2025 09:20",
            intervention_start="15/03/2025 09:05",
            intervention_end="15/03/2025 09:10",
            review_with_patient_on="16/03/2025",
            review_with_staff_on="15/03/2025",
        ),
    ]


def test_rows_are_grouped_into_incidents_by_their_reference(world, import_incidents):
    outcome = import_incidents(csv_bytes(two_incidents()))
    assert outcome.ok and (outcome.rows, outcome.created) == (3, 2)
    first = UseOfForceIncident.objects.get(local_reference="DX-1")
    assert [iv.type_code for iv in first.interventions.order_by("started_at")] == ["07", "01"]
    assert first.status == "submitted" and first.ward == world.ward
    assert first.de_escalation == ["verbal", "space"]
    assert [(s.job_title, s.role) for s in first.staff.order_by("id")] == [
        ("Staff nurse", "lead"),
        ("Healthcare assistant", "upper_limbs"),
    ]


def test_a_file_with_one_bad_row_writes_nothing_and_names_the_row(world, import_incidents):
    rows = [incident_row(f"DX-{n}") for n in range(1, 21)]
    rows[12]["intervention_type"] = "02x"  # the 13th record is spreadsheet row 14
    before = AuditLog.objects.count()
    outcome = import_incidents(csv_bytes(rows))
    assert [str(e) for e in outcome.errors] == [
        "Row 14, column intervention_type: '02x' is not an MHSDS restrictive intervention type"
    ]
    assert not outcome.summary["written"]
    assert not UseOfForceIncident.objects.exists()
    assert not Patient.objects.exists() and not Intervention.objects.exists()
    assert AuditLog.objects.count() == before


def test_every_problem_is_listed_not_just_the_first(world, import_incidents):
    rows = [incident_row(f"DX-{n}") for n in range(1, 6)]
    rows[0]["reason"] = "42"
    rows[2]["incident_start"] = "31/02/2025 10:00"
    rows[4]["place"] = "roof"
    outcome = import_incidents(csv_bytes(rows))
    assert [(e.row, e.column) for e in outcome.errors] == [
        (2, "reason"),
        (4, "incident_start"),
        (6, "place"),
    ]
    assert "'31/02/2025 10:00' is not a date and time" in outcome.errors[1].message
    assert "'roof' is not an allowed answer" in outcome.errors[2].message


def test_the_list_of_problems_is_capped_but_every_problem_is_counted(world, import_incidents):
    rows = [incident_row(f"DX-{n}", reason="7") for n in range(250)]
    outcome = import_incidents(csv_bytes(rows))
    assert outcome.error_count == 250
    assert len(outcome.errors) == 200
    assert outcome.errors[0].row == 2 and outcome.errors[-1].row == 201


def test_a_missing_required_column_is_named(world, import_incidents):
    rows = [incident_row("DX-1")]
    columns = [c for c in rows[0] if c != "intervention_type"]
    outcome = import_incidents(csv_bytes(rows, columns))
    assert [str(e) for e in outcome.errors] == [
        "Row 1, column intervention_type: the column is missing from row 1 (the column names)"
    ]


def test_the_same_file_twice_creates_no_duplicates(world, import_incidents):
    content = csv_bytes(two_incidents())
    import_incidents(content)
    audit_rows = AuditLog.objects.count()
    again = import_incidents(content)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert UseOfForceIncident.objects.count() == 2
    assert Intervention.objects.count() == 3 and StaffInvolved.objects.count() == 4
    assert Patient.objects.count() == 2
    assert AuditLog.objects.count() == audit_rows  # unchanged rows are left alone


def test_a_changed_row_updates_the_record_with_an_audited_reason(world, import_incidents):
    rows = two_incidents()
    import_incidents(csv_bytes(rows))
    rows[2]["outcome"] = "Patient settled after 10 minutes."
    rows[2]["injury_staff"] = "yes"
    outcome = import_incidents(csv_bytes(rows), file_name="export-v2.csv")
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 1, 1)
    incident = UseOfForceIncident.objects.get(local_reference="DX-2")
    assert incident.outcome == "Patient settled after 10 minutes."
    assert incident.interventions.get().injury_staff == "yes"
    update = AuditLog.objects.get(object_type="recording.useofforceincident", action=Action.UPDATE)
    assert update.reason == "re-imported from export-v2.csv"
    assert update.actor_label == "system:import:export-v2.csv"
    assert update.changes["outcome"][1] == "Patient settled after 10 minutes."
    assert AuditLog.objects.filter(
        object_type="recording.intervention",
        action=Action.UPDATE,
        reason="re-imported from export-v2.csv",
    ).exists()


def test_an_extra_intervention_in_a_reimport_is_added_and_a_dropped_one_removed(
    world, import_incidents
):
    rows = two_incidents()
    import_incidents(csv_bytes(rows))
    import_incidents(csv_bytes([rows[0], rows[2]]))  # DX-1 now has one intervention
    assert UseOfForceIncident.objects.get(local_reference="DX-1").interventions.count() == 1
    assert (
        AuditLog.objects.filter(object_type="recording.intervention", action=Action.DELETE).count()
        == 1
    )


def test_new_records_leave_one_audit_summary_row_per_model(world, import_incidents):
    import_incidents(csv_bytes(two_incidents()))
    rows = AuditLog.objects.filter(action=Action.BULK_CREATE, object_type__startswith="recording.")
    bulk = {row.object_type: row for row in rows}
    assert {k: v.changes["count"] for k, v in bulk.items()} == {
        "recording.patient": 2,
        "recording.useofforceincident": 2,
        "recording.intervention": 3,
        "recording.staffinvolved": 4,
    }
    assert {v.actor_label for v in bulk.values()} == {"system:import:export.csv"}
    assert not AuditLog.objects.filter(action=Action.CREATE, object_type__startswith="recording")


def test_the_local_identifier_becomes_the_patient_key_and_is_never_stored(world, import_incidents):
    import_incidents(csv_bytes([incident_row("DX-1", local_patient_id="RV5-998877")]))
    patient = Patient.objects.get()
    assert patient.key == patient_key("RV5", "RV5-998877")
    assert "998877" not in stored_text()


def test_names_and_nhs_numbers_are_dropped_unread_when_identifiable_mode_is_off(
    world, import_incidents
):
    row = incident_row(
        "DX-1", patient_name="Ophelia Marchbanks", nhs_number="123", staff_names="Ann Example; B"
    )
    outcome = import_incidents(csv_bytes([row]))
    assert outcome.ok  # the invalid NHS number is never even read
    assert sorted(outcome.summary["dropped_identifiable_columns"]) == [
        "nhs_number",
        "patient_name",
        "staff_names",
    ]
    assert not PatientIdentity.objects.exists() and not StaffIdentity.objects.exists()
    assert "Marchbanks" not in stored_text() and "Ann Example" not in stored_text()


def test_in_identifiable_mode_names_and_nhs_numbers_are_kept_only_encrypted(
    world, import_incidents
):
    world.trust.identifiable_mode = True
    world.trust.save()
    row = incident_row(
        "DX-1",
        patient_name="Ophelia Marchbanks",
        nhs_number="943 476 5919",
        staff_names="Ann Example; Bob Example",
    )
    outcome = import_incidents(csv_bytes([row]))
    assert outcome.ok, outcome.errors
    patient = Patient.objects.get()
    assert read_patient_identity(world.users["trust_lead"], patient) == {
        "name": "Ophelia Marchbanks",
        "nhs_number": "9434765919",
    }
    assert read_patient_identity(world.users["analyst"], patient) is None
    assert StaffIdentity.objects.count() == 2
    text = stored_text()
    assert "Marchbanks" not in text and "9434765919" not in text and "Ann Example" not in text
    again = import_incidents(csv_bytes([row]))
    assert again.unchanged == 1  # the same name and number are not re-encrypted


def test_a_wrong_nhs_number_is_reported_without_showing_it(world, import_incidents):
    world.trust.identifiable_mode = True
    world.trust.save()
    row = incident_row(
        "DX-1", patient_name="Ophelia Marchbanks", nhs_number="9434765918", staff_names="A; B"
    )
    outcome = import_incidents(csv_bytes([row]))
    [error] = outcome.errors
    assert (error.row, error.column) == (2, "nhs_number")
    assert "check digit" in error.message and "9434765918" not in error.message


def test_a_later_row_may_not_contradict_the_incidents_first_row(world, import_incidents):
    rows = two_incidents()
    rows[1]["reason"] = "11"
    rows[1]["local_patient_id"] = "H0000001"
    outcome = import_incidents(csv_bytes(rows))
    assert [(e.row, e.column) for e in outcome.errors] == [
        (3, "local_patient_id"),
        (3, "reason"),
    ]
    assert outcome.errors[1].message == "'11' differs from row 2, the incident's first row"
    assert "H0000001" not in outcome.errors[0].message
    assert "H1234567" not in outcome.errors[0].message


def test_historic_type_codes_02_and_03_are_recorded_as_13(world, import_incidents):
    rows = two_incidents()
    rows[0]["intervention_type"] = "2"
    rows[1]["intervention_type"] = "03"
    outcome = import_incidents(csv_bytes(rows))
    assert outcome.ok and outcome.summary["historic_codes_mapped"] == 2
    first = UseOfForceIncident.objects.get(local_reference="DX-1")
    assert list(first.interventions.values_list("type_code", flat=True)) == ["13", "13"]


def test_awkward_real_world_values_are_understood(world, import_incidents):
    row = incident_row(
        "  DX-9 ",
        incident_start="45730.6041666667",  # Excel serial: 14/03/2025 14:30
        incident_end="2025-03-14T14:50",
        intervention_type="7",
        intervention_start="14/3/25 14:32",
        in_care_plan=" Y ",
        injury_patient="N",
        injury_staff="No",
        injury_other="not known",
        review_with_patient_held="Yes",
        sex="M",
        ethnicity="Ax",  # a local sub-code rolls up to A
        birth_year="1990.0",
    )
    content = csv_bytes([row], bom=True) + b",,,\r\n\r\n,,\r\n"
    outcome = import_incidents(content)
    assert outcome.ok, [str(e) for e in outcome.errors]
    assert outcome.rows == 1
    incident = UseOfForceIncident.objects.get(local_reference="DX-9")
    assert incident.started_at.isoformat() == "2025-03-14T14:30:00+00:00"
    intervention = incident.interventions.get()
    assert (intervention.type_code, intervention.in_care_plan) == ("07", "yes")
    assert intervention.injury_other == "not_known"
    assert (incident.patient.sex, incident.patient.ethnicity) == ("male", "A")


def test_a_dry_run_reports_what_would_happen_and_writes_nothing(world, import_incidents):
    rows = two_incidents()
    import_incidents(csv_bytes(rows[:2]))
    outcome = import_incidents(csv_bytes(rows), dry_run=True)
    assert (outcome.created, outcome.updated, outcome.unchanged) == (1, 0, 1)
    assert UseOfForceIncident.objects.count() == 1


def test_valid_only_writes_the_valid_incidents_and_rejects_the_rest(world, import_incidents):
    rows = two_incidents()
    rows[2]["place"] = "roof"
    outcome = import_incidents(csv_bytes(rows), valid_only=True)
    assert (outcome.created, outcome.rejected, outcome.error_count) == (1, 1, 1)
    assert list(UseOfForceIncident.objects.values_list("local_reference", flat=True)) == ["DX-1"]


def test_submitted_records_are_held_to_the_act_and_drafts_need_less(world, import_incidents):
    bare = {"how_force_used": "", "outcome": "", "learning_disability": ""}
    rejected = import_incidents(csv_bytes([incident_row("DX-1", **bare)]))
    assert {e.column for e in rejected.errors} == {
        "how_force_used",
        "outcome",
        "learning_disability",
    }
    draft = import_incidents(csv_bytes([incident_row("DX-1", status="draft", **bare)]))
    assert draft.ok and UseOfForceIncident.objects.get().status == "draft"


def test_force_recorded_as_negligible_needs_a_justification(world, import_incidents):
    outcome = import_incidents(csv_bytes([incident_row("DX-1", negligible_force="yes")]))
    assert [(e.row, e.column) for e in outcome.errors] == [(2, "negligible_justification")]


def test_a_submitted_record_stays_submitted_when_a_file_says_draft(world, import_incidents):
    import_incidents(csv_bytes([incident_row("DX-1")]))
    again = import_incidents(csv_bytes([incident_row("DX-1", status="draft")]))
    assert again.unchanged == 1
    assert UseOfForceIncident.objects.get().status == "submitted"


def test_a_ward_import_refuses_rows_for_another_ward(world, import_incidents):
    outcome = import_incidents(csv_bytes([incident_row("DX-1", ward_code="ALPHA-2")]))
    assert str(outcome.errors[0]) == (
        "Row 2, column ward_code: 'ALPHA-2' is not this import's ward (ALPHA-1)"
    )


def test_a_trust_import_needs_ward_codes_of_that_trust(world, import_incidents):
    rows = [
        incident_row("DX-1"),
        incident_row("DX-2", ward_code="ALPHA-2"),
        incident_row("DX-3", ward_code="BETA-1"),
        incident_row("DX-4", ward_code=""),
    ]
    outcome = import_incidents(csv_bytes(rows), trust=world.trust)
    assert [(e.row, e.message) for e in outcome.errors] == [
        (4, "'BETA-1' is not a ward code of Alpha NHS Foundation Trust"),
        (5, "is blank; give the ward code (the import covers all of Alpha NHS Foundation Trust)"),
    ]
    outcome = import_incidents(csv_bytes(rows[:2]), trust=world.trust)
    assert outcome.ok and UseOfForceIncident.objects.filter(ward=world.sibling_ward).count() == 1


def test_the_same_reference_on_two_wards_is_two_incidents(world, import_incidents):
    rows = [incident_row("DX-1"), incident_row("DX-1", ward_code="ALPHA-2")]
    outcome = import_incidents(csv_bytes(rows), trust=world.trust)
    assert outcome.ok and outcome.created == 2
