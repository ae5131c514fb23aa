"""Importing weekly ward returns: blank is missing, 0 is none; the returns form's own rules;
all or nothing; idempotent."""

from __future__ import annotations

import csv
import io

import pytest

from mhsip.audit.actor import System, acting_as
from mhsip.audit.models import Action, AuditLog
from mhsip.imports.common import Scope
from mhsip.imports.mappings import load_mapping
from mhsip.imports.tables import read_table
from mhsip.imports.weekly import ReturnImport
from mhsip.returns.models import WeeklyReturn

pytestmark = pytest.mark.django_db

COLUMNS = [
    "ward_code",
    "week_start",
    "occupied_bed_days",
    "admissions",
    "restraint_count",
    "prone_restraint_count",
    "rapid_tranquillisation_count",
    "seclusion_count",
    "segregation_count",
    "mechanical_restraint_count",
    "sexual_safety_count",
    "awol_count",
    "self_harm_count",
]


def week(ward="ALPHA-1", start="03/03/2025", **values):
    row = dict.fromkeys(COLUMNS, "0")
    row.update(ward_code=ward, week_start=start, occupied_bed_days="133", admissions="2")
    row.update(values)
    return row


def run(world, rows, *, trust=False, file_name="returns.csv", **options):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    scope = Scope.for_trust(world.trust) if trust else Scope.for_ward(world.ward)
    with acting_as(System(f"import:{file_name}")):
        return ReturnImport(
            read_table(buffer.getvalue().encode()),
            mapping=load_mapping("canonical", "returns"),
            scope=scope,
            file_name=file_name,
            **options,
        ).run()


def test_blank_is_missing_and_zero_is_none(world):
    outcome = run(
        world,
        [
            week(
                seclusion_count="", figures_unavailable="yes", unavailable_note="Seclusion log lost"
            )
        ],
    )
    assert outcome.ok, outcome.errors
    saved = WeeklyReturn.objects.get()
    assert saved.seclusion_count is None and saved.restraint_count == 0
    assert saved.occupied_bed_days == 133 and saved.status == "submitted"
    assert saved.incident_level is False


def test_a_return_without_counts_takes_them_from_incident_records(world):
    row = {
        k: v
        for k, v in week().items()
        if k in {"ward_code", "week_start", "occupied_bed_days", "admissions"}
    }
    outcome = run(world, [row])
    assert outcome.ok, outcome.errors
    assert WeeklyReturn.objects.get().incident_level is True


def test_one_bad_row_writes_nothing_and_every_problem_is_named(world):
    rows = [
        week(start="03/03/2025"),
        week(start="04/03/2025"),  # a Tuesday
        week(start="17/03/2025", prone_restraint_count="3", restraint_count="1"),
        week(start="24/03/2025", admissions="lots"),
    ]
    outcome = run(world, rows)
    assert [(e.row, e.column) for e in outcome.errors] == [
        (3, "week_start"),
        (4, "prone_restraint_count"),
        (5, "admissions"),
    ]
    assert (
        outcome.errors[0].message == "'04/03/2025' is a Tuesday; a return's week begins on a Monday"
    )
    assert not WeeklyReturn.objects.exists()


def test_the_same_week_twice_in_a_file_is_refused(world):
    outcome = run(world, [week(), week(start="2025-03-03")])
    assert str(outcome.errors[0]) == (
        "Row 3, column week_start: ALPHA-1 week of 03/03/2025 is already in row 2"
    )


def test_reimporting_is_idempotent_and_a_change_is_an_audited_correction(world):
    rows = [week(), week(start="10/03/2025")]
    run(world, rows)
    again = run(world, rows)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    rows[1]["restraint_count"] = "4"
    changed = run(world, rows, file_name="returns-v2.csv")
    assert (changed.updated, changed.unchanged) == (1, 1)
    assert WeeklyReturn.objects.get(week_start="2025-03-10").restraint_count == 4
    row = AuditLog.objects.get(object_type="returns.weeklyreturn", action=Action.UPDATE)
    assert row.reason == "re-imported from returns-v2.csv"
    assert row.actor_label == "system:import:returns-v2.csv"


def test_a_trust_import_reads_each_rows_ward(world):
    outcome = run(
        world,
        [week(), week(ward="ALPHA-2", occupied_bed_days="60"), week(ward="BETA-1")],
        trust=True,
    )
    assert [(e.row, e.column) for e in outcome.errors] == [(4, "ward_code")]
    outcome = run(world, [week(), week(ward="ALPHA-2", occupied_bed_days="60")], trust=True)
    assert outcome.ok and WeeklyReturn.objects.count() == 2


def test_bed_days_beyond_the_wards_beds_are_refused_by_the_forms_rule(world):
    outcome = run(world, [week(occupied_bed_days="200")])  # 20 beds: at most 140
    assert outcome.errors[0].column == "occupied_bed_days"
    assert "140" in outcome.errors[0].message
