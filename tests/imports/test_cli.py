"""``mhsip import`` / ``mhsip import_incidents`` and ``mhsip apitoken`` from the command line."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from mhsip.audit.models import AuditLog
from mhsip.imports.auth import token_user
from mhsip.imports.models import ApiToken, ImportJob
from mhsip.recording.models import UseOfForceIncident
from mhsip.returns.models import WeeklyReturn
from tests.imports.factories import csv_bytes, incident_row

pytestmark = pytest.mark.django_db


def run(*args, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_import_incidents_prints_a_summary(world, tmp_path):
    path = tmp_path / "datix-march.csv"
    path.write_bytes(csv_bytes([incident_row("DX-1"), incident_row("DX-2")]))
    out, err = run("import_incidents", str(path), ward="ALPHA-1")
    assert "2 rows read. Incidents were: 2 created, 0 updated, 0 unchanged; 0 rejected." in out
    assert err == "" and UseOfForceIncident.objects.count() == 2
    assert ImportJob.objects.get().created_by is None
    assert AuditLog.objects.filter(actor_label="system:import:datix-march.csv").exists()
    out, _ = run("import_incidents", str(path), ward="ALPHA-1")
    assert "0 created, 0 updated, 2 unchanged" in out


def test_a_bad_file_prints_every_problem_and_exits_non_zero(world, tmp_path):
    rows = [incident_row("DX-1", reason="42"), incident_row("DX-2", place="roof")]
    path = tmp_path / "export.csv"
    path.write_bytes(csv_bytes(rows))
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 problems: nothing was written"):
        call_command("import_incidents", str(path), trust="RV5", stdout=io.StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert lines[0].startswith("Row 2, column reason: '42' is not an allowed answer")
    assert lines[1].startswith("Row 3, column place: 'roof' is not an allowed answer")
    assert not UseOfForceIncident.objects.exists()


def test_valid_only_writes_what_it_can_and_still_exits_non_zero(world, tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(csv_bytes([incident_row("DX-1"), incident_row("DX-2", place="roof")]))
    with pytest.raises(CommandError, match="the valid rows were written"):
        run("import", "incidents", str(path), ward="ALPHA-1", valid_only=True)
    assert list(UseOfForceIncident.objects.values_list("local_reference", flat=True)) == ["DX-1"]


def test_a_dry_run_writes_nothing(world, tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(csv_bytes([incident_row("DX-1")]))
    out, _ = run("import", "incidents", str(path), ward="ALPHA-1", dry_run=True)
    assert "Incidents would be: 1 created" in out and not UseOfForceIncident.objects.exists()


def test_weekly_returns_import_from_the_command_line(world, tmp_path):
    path = tmp_path / "returns.csv"
    path.write_text("week_start,occupied_bed_days,admissions\r\n03/03/2025,133,0\r\n")
    out, _ = run("import", "returns", str(path), ward="ALPHA-1")
    assert "Returns were: 1 created" in out
    saved = WeeklyReturn.objects.get()
    assert (saved.occupied_bed_days, saved.admissions) == (133, 0)


def test_unknown_wards_mappings_and_files_are_refused(world, tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(b"x\r\n")
    with pytest.raises(CommandError, match="No ward with code NOPE"):
        run("import_incidents", str(path), ward="NOPE")
    with pytest.raises(CommandError, match="No mapping 'ulysses'"):
        run("import_incidents", str(path), ward="ALPHA-1", mapping="ulysses")
    with pytest.raises(CommandError, match="No file"):
        run("import_incidents", str(tmp_path / "missing.csv"), ward="ALPHA-1")


def test_api_tokens_are_created_listed_and_revoked(world):
    out, _ = run("apitoken", "create", "qilead", name="Datix nightly feed")
    token = out.strip().splitlines()[-1]
    assert token.startswith("mhsip_") and token_user(token) == world.users["ward_qi_lead"]
    row = ApiToken.objects.get()
    assert row.token_hash != token and token not in str(AuditLog.objects.values_list("changes"))
    out, _ = run("apitoken", "list")
    assert row.prefix in out and "Datix nightly feed" in out and token not in out
    run("apitoken", "revoke", row.prefix)
    assert token_user(token) is None
