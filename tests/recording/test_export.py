"""The MHSDS-shaped download: MHS505 incident rows and MHS515 type rows for one ward and month
(domain brief §2.1), pseudonymous keys only, recorded in the audit log."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from mhsip.audit.models import Action, AuditLog
from mhsip.recording import services
from mhsip.recording.models import Stay
from tests.recording.factories import at, make_incident

pytestmark = pytest.mark.django_db

MARCH = dt.date(2025, 3, 1)


def rows(world, table, month=MARCH):
    text, count = services.export_mhsds_csv(ward=world.ward, month=month, table=table)
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert len(parsed) == count
    return parsed


def test_mhs505_has_one_row_per_submitted_incident_with_mhsds_item_names(world, system):
    incident = make_incident(world)
    stay = Stay.objects.create(
        patient=incident.patient, ward=world.ward, admitted_on=dt.date(2025, 3, 1)
    )
    [row] = rows(world, "MHS505")
    assert row == {
        "RestrictiveIntIncID": "DX-1001",
        "HospProvSpellID": str(stay.pk),
        "PatientKey": incident.patient.key,
        "WardCode": "ALPHA-1",
        "StartDateRestrictiveIntInc": "2025-03-14",
        "StartTimeRestrictiveIntInc": "14:35:00",
        "EndDateRestrictiveIntInc": "2025-03-14",
        "EndTimeRestrictiveIntInc": "16:00:00",
        "RestrictiveIntReason": "10",
        "RestrictiveIntPIReviewHeldPat": "Y",
        "RestrictiveIntPIReviewNotHeldReasPat": "",
        "RestrictiveIntPIReviewHeldCarePers": "N",
    }


def test_mhs515_has_one_row_per_type_with_injuries_as_y_n_and_unknown_blank(world, system):
    incident = make_incident(world)
    parsed = rows(world, "MHS515")
    assert [
        (
            r["RestrictiveIntType"],
            r["RestraintInjuryPatient"],
            r["RestraintInjuryCarePers"],
            r["RestraintInjuryOtherPers"],
        )
        for r in parsed
    ] == [
        ("01", "N", "Y", ""),
        ("05", "N", "N", "N"),
    ]
    assert {r["RestrictiveIntIncID"] for r in parsed} == {"DX-1001"}
    assert parsed[1]["StartTimeRestrictiveIntType"] == "14:45:00"
    assert parsed[1]["RestrictiveIntTypeID"] == str(incident.interventions.get(type_code="05").pk)


def test_times_are_uk_local_time_in_summer(world, system):
    make_incident(world, shift=at(14, 14, 35, month=7) - at(14, 14, 35))
    [row] = rows(world, "MHS505", month=dt.date(2025, 7, 1))
    assert row["StartTimeRestrictiveIntInc"] == "14:35:00"  # BST, not UTC 13:35


def test_drafts_negligible_force_and_other_months_and_wards_are_left_out(world, system):
    make_incident(world, local_reference="IN")
    services.incident_create(
        actor_user_or_none=None,
        ward=world.ward,
        patient_identifier="H2",
        data={"started_at": at(20, 9, 0)},
    )
    make_incident(
        world,
        local_reference="NEG",
        negligible_force=True,
        negligible_justification="Guiding touch",
    )
    make_incident(world, local_reference="APRIL", shift=dt.timedelta(days=18))
    services.incident_create(
        actor_user_or_none=None,
        ward=world.sibling_ward,
        patient_identifier="H3",
        data={"started_at": at(14, 9, 0), "status": "draft"},
    )
    assert [r["RestrictiveIntIncID"] for r in rows(world, "MHS505")] == ["IN"]


def test_an_incident_without_a_reference_gets_mhsips_id_and_formulas_are_neutralised(world, system):
    plain = make_incident(world, local_reference="")
    risky = make_incident(world, local_reference="=HYPERLINK(1)", shift=dt.timedelta(days=1))
    ids = [r["RestrictiveIntIncID"] for r in rows(world, "MHS505")]
    assert ids == [f"MHSIP-{plain.pk}", "'=HYPERLINK(1)"]
    assert risky.local_reference == "=HYPERLINK(1)"


def test_every_download_is_recorded_in_the_audit_log(world, system):
    make_incident(world)
    response = world.client_for("analyst").get(
        reverse("recording:use-of-force-mhsds", kwargs={"code": "ALPHA-1"}),
        {"month": "2025-03", "table": "MHS515"},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="ALPHA-1-MHS515-2025-03.csv"'
    entry = AuditLog.objects.get(action=Action.EXPORT)
    assert entry.actor == world.users["analyst"]
    assert entry.changes == {"ward": "ALPHA-1", "month": "2025-03", "table": "MHS515", "rows": 2}


def test_an_unknown_table_is_not_found_and_a_missing_month_means_last_month(world):
    url = reverse("recording:use-of-force-mhsds", kwargs={"code": "ALPHA-1"})
    client = world.client_for("ward_staff")
    assert client.get(url, {"table": "MHS999"}).status_code == 404
    assert services.parse_month(None, today=dt.date(2025, 1, 10)) == dt.date(2024, 12, 1)
    assert services.parse_month("2025-13", today=dt.date(2025, 5, 2)) == dt.date(2025, 4, 1)
    assert client.get(url).content.decode().startswith("RestrictiveIntIncID,HospProvSpellID")
