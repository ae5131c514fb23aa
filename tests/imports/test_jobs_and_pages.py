"""Import jobs through the web: the upload form, background running through Django's Tasks
API, the job page with progress and problems, the job list; and the stored file's short life."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from mhsip.audit.models import Action, AuditLog
from mhsip.imports import jobs
from mhsip.imports.models import ImportJob, ImportKind, JobStatus
from mhsip.imports.tasks import run_import_job
from mhsip.recording.models import UseOfForceIncident
from tests.imports.factories import csv_bytes, incident_row

pytestmark = pytest.mark.django_db


def upload(client, content, name="export.csv", **fields):
    data = {"kind": "incidents", "scope": "ward:ALPHA-1", "mapping": "canonical", **fields}
    data["file"] = SimpleUploadedFile(name, content, content_type="text/csv")
    return client.post("/imports/new/", data)


def test_a_recorder_uploads_a_file_and_the_job_runs_to_success(world):
    client = world.client_for("ward_qi_lead")
    response = upload(client, csv_bytes([incident_row("DX-1"), incident_row("DX-2")]))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/{job.pk}/"
    assert job.status == JobStatus.SUCCEEDED and job.created_count == 2
    assert job.created_by == world.users["ward_qi_lead"]
    assert UseOfForceIncident.objects.count() == 2
    page = client.get(response["Location"]).content.decode()
    assert "Succeeded" in page and "Incidents created" in page


def test_a_file_with_a_bad_row_shows_every_problem_and_writes_nothing(world):
    rows = [incident_row(f"DX-{n}") for n in range(20)]
    rows[12]["intervention_type"] = "02x"
    rows[15]["place"] = "roof"
    client = world.client_for("ward_staff")
    response = upload(client, csv_bytes(rows))
    job = ImportJob.objects.get()
    assert job.status == JobStatus.FAILED and job.error_count == 2
    assert job.errors[0] == {
        "row": 14,
        "column": "intervention_type",
        "message": "'02x' is not an MHSDS restrictive intervention type",
    }
    page = client.get(response["Location"]).content.decode()
    assert "Nothing was written" in page
    assert "&#39;02x&#39; is not an MHSDS restrictive intervention type" in page
    assert '<td class="nhsuk-table__cell nhsuk-table__cell--numeric">17</td>' in page
    assert not UseOfForceIncident.objects.exists()


def test_the_uploaded_file_is_deleted_once_the_import_has_run(world):
    content = csv_bytes([incident_row("DX-1", local_patient_id="H5550001")])
    upload(world.client_for("ward_staff"), content)
    job = ImportJob.objects.get()
    assert not job.file
    assert not default_storage.exists(f"imports/{job.created_at:%Y/%m}/export.csv")
    assert job.file_size == len(content) and len(job.file_sha256) == 64


def test_a_dry_run_from_the_page_writes_nothing(world):
    upload(world.client_for("ward_staff"), csv_bytes([incident_row("DX-1")]), dry_run="on")
    job = ImportJob.objects.get()
    assert job.dry_run and job.status == JobStatus.SUCCEEDED and job.created_count == 1
    assert not UseOfForceIncident.objects.exists()


def test_the_form_offers_only_wards_the_user_records_for(world):
    staff_page = world.client_for("ward_staff").get("/imports/new/").content.decode()
    assert 'value="ward:ALPHA-1"' in staff_page and "ALPHA-2" not in staff_page
    assert "trust:RV5" not in staff_page
    lead_page = world.client_for("trust_lead").get("/imports/new/").content.decode()
    assert 'value="ward:ALPHA-2"' in lead_page and 'value="trust:RV5"' in lead_page
    assert "BETA-1" not in lead_page


def test_a_ward_outside_the_users_scope_cannot_be_chosen(world):
    response = upload(world.client_for("ward_staff"), b"x", scope="ward:BETA-1")
    assert response.status_code == 200 and not ImportJob.objects.exists()
    assert "Select a ward you can record for" in response.content.decode()


def test_the_form_names_each_problem_in_an_error_summary(world):
    response = world.client_for("ward_staff").post("/imports/new/", {})
    page = response.content.decode()
    assert "<title>Error: Import a file" in page
    assert 'href="#kind"' in page and 'href="#scope"' in page and 'href="#file"' in page
    assert "Select a file to import" in page


def test_only_csv_and_xlsx_files_are_accepted(world):
    response = upload(world.client_for("ward_staff"), b"%PDF-1.7", name="export.pdf")
    assert "The selected file must be a CSV or XLSX file" in response.content.decode()


def test_a_returns_file_cannot_be_read_with_the_datix_mapping(world):
    response = upload(world.client_for("ward_staff"), b"a\r\n", kind="returns", mapping="datix")
    assert "There is no datix mapping for weekly ward returns" in response.content.decode()


def test_a_trust_lead_imports_a_file_for_every_ward_of_the_trust(world):
    rows = [incident_row("DX-1"), incident_row("DX-2", ward_code="ALPHA-2")]
    upload(world.client_for("trust_lead"), csv_bytes(rows), scope="trust:RV5")
    job = ImportJob.objects.get()
    assert job.trust == world.trust and job.ward is None and job.created_count == 2
    assert job.scope_label == "All wards of Alpha NHS Foundation Trust"
    assert world.client_for("ward_staff").get(f"/imports/{job.pk}/").status_code == 404
    assert world.client_for("trust_lead").get(f"/imports/{job.pk}/").status_code == 200


def test_the_job_list_shows_jobs_of_the_users_wards_only(world, system):
    mine = ImportJob.objects.create(kind=ImportKind.INCIDENTS, ward=world.ward, file_name="a.csv")
    theirs = ImportJob.objects.create(
        kind=ImportKind.INCIDENTS, ward=world.other_ward, file_name="secret-beta.csv"
    )
    page = world.client_for("ward_staff").get("/imports/").content.decode()
    assert f"/imports/{mine.pk}/" in page and "secret-beta.csv" not in page
    assert "secret-beta.csv" in world.client_for("outsider").get("/imports/").content.decode()
    assert world.client_for("ward_staff").get(f"/imports/{theirs.pk}/").status_code == 404


def test_a_waiting_job_shows_its_progress_and_updates_itself(world, system):
    job = ImportJob.objects.create(
        kind=ImportKind.INCIDENTS,
        ward=world.ward,
        file_name="big.csv",
        status=JobStatus.RUNNING,
        rows_total=100_000,
        rows_processed=25_000,
    )
    page = world.client_for("ward_staff").get(f"/imports/{job.pk}/").content.decode()
    assert "Read 25,000 rows of about 100,000 (25%)" in page
    assert 'data-import-status="running"' in page and "imports/progress.mjs" in page


def test_jobs_run_through_the_tasks_api_with_only_the_job_id(world, system):
    job = jobs.job_create(
        user=None,
        kind="incidents",
        file_name="export.csv",
        content=csv_bytes([incident_row("DX-1")]),
        ward=world.ward,
    )
    result = run_import_job.enqueue(job.pk)
    assert result.return_value == "succeeded"
    assert result.args == [job.pk]
    assert jobs.job_run(job.pk).created_count == 1  # a finished job is not run twice
    assert UseOfForceIncident.objects.count() == 1


def test_an_unreadable_file_fails_the_job_with_a_reason(world, system):
    job = jobs.job_create(
        user=None, kind="incidents", file_name="export.csv", content=b"", ward=world.ward
    )
    job = jobs.job_run(job.pk)
    assert job.status == JobStatus.FAILED
    assert job.errors == [{"row": 1, "column": "(file)", "message": "The file is empty"}]


def test_starting_and_finishing_a_job_is_audited(world):
    upload(world.client_for("ward_staff"), csv_bytes([incident_row("DX-1")]))
    job = ImportJob.objects.get()
    rows = AuditLog.objects.filter(object_type="imports.importjob", object_id=str(job.pk))
    created = rows.get(action=Action.CREATE)
    assert created.actor == world.users["ward_staff"]
    assert created.changes["file_name"] == [None, "export.csv"]
    updates = rows.filter(action=Action.UPDATE).order_by("id")
    assert [u.changes["status"][1] for u in updates if "status" in u.changes] == [
        "running",
        "succeeded",
    ]
    assert {u.actor_label for u in updates} == {"system:import:export.csv"}


def test_the_template_holds_the_columns_of_the_format(world):
    response = world.client_for("ward_staff").get("/imports/templates/incidents.csv")
    header = response.content.decode().strip().split(",")
    assert header[:3] == ["ward_code", "incident_reference", "local_patient_id"]
    assert "intervention_type" in header
    assert world.client_for("ward_staff").get("/imports/templates/other.csv").status_code == 404


def test_the_navigation_offers_imports_to_recording_roles_only(world):
    assert ">Imports<" in world.client_for("ward_staff").get("/home/").content.decode()
    assert ">Imports<" not in world.client_for("analyst").get("/home/").content.decode()
