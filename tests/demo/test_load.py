"""Loading the demo: one audited transaction, demo flags, a full census, safe reset.

The demo for seed 1 is loaded once for the module (committed, then removed with its audit rows
at the end so other tests see an empty database); tests that change data run inside their own
rolled-back transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Max, Min, Sum

from mhsip.accounts.models import User
from mhsip.accounts.roles import Role
from mhsip.audit.actor import System, acting_as
from mhsip.audit.models import Action, AuditLog
from mhsip.demo import load
from mhsip.demo.generate import DemoData, generate_demo
from mhsip.demo.load import DemoContext, DemoDataError, DemoSummary, delete_demo, load_demo
from mhsip.organisations.models import Collaborative, LearningSession, Site, Trust, Ward
from mhsip.recording.models import Patient, Stay, WardCensus

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker) -> Iterator[tuple[DemoSummary, DemoData]]:
    with django_db_blocker.unblock():
        first_audit = (AuditLog.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        summary = load_demo(1)
        yield summary, generate_demo(1)
        delete_demo()
        AuditLog.objects.filter(id__gte=first_audit).delete()


def test_load_creates_three_demo_trusts_with_their_sites_and_ten_wards(loaded):
    summary, _ = loaded
    assert summary.trusts == 3 and summary.wards == 10
    assert set(Trust.objects.values_list("ods_code", flat=True)) == {"RV5", "RPG", "RQY"}
    assert not Trust.objects.filter(is_demo=False).exists()
    assert Site.objects.count() == 3
    wards = Trust.objects.annotate(n=Count("sites__wards")).order_by("id")
    assert list(wards.values_list("n", flat=True)) == [4, 3, 3]


def test_all_ten_wards_belong_to_the_demo_collaborative_with_six_learning_sessions(loaded):
    _, data = loaded
    collaborative = Collaborative.objects.get()
    assert collaborative.is_demo
    assert collaborative.wards.count() == Ward.objects.count() == 10
    assert collaborative.baseline_start == data.timeline.start
    assert collaborative.start_date == data.timeline.collaborative_start
    assert collaborative.end_date == data.timeline.end
    sessions = LearningSession.objects.filter(collaborative=collaborative).order_by("number")
    assert [s.number for s in sessions] == [1, 2, 3, 4, 5, 6]
    assert tuple(s.date for s in sessions) == data.timeline.learning_sessions


def test_patients_and_stays_are_the_generated_ones(loaded):
    summary, data = loaded
    assert Patient.objects.count() == summary.patients == len(data.patients)
    assert Stay.objects.count() == summary.stays == len(data.stays)
    assert set(Patient.objects.values_list("key", flat=True)) == {p.key for p in data.patients}
    assert Stay.objects.filter(discharged_on__isnull=True).count() == sum(
        s.discharged_on is None for s in data.stays
    )


def test_the_census_has_a_row_for_every_ward_day_of_the_timeline(loaded):
    summary, data = loaded
    days = data.timeline.days
    assert summary.census_rows == WardCensus.objects.count() == 10 * days
    per_ward = WardCensus.objects.values("ward").annotate(
        n=Count("id"), lo=Min("date"), hi=Max("date")
    )
    assert all(
        r["n"] == days and r["lo"] == data.timeline.start and r["hi"] == data.timeline.end
        for r in per_ward
    )


def test_census_bed_days_match_the_generator_and_never_exceed_beds(loaded):
    summary, data = loaded
    for ward in Ward.objects.all():
        counts = list(
            WardCensus.objects.filter(ward=ward).order_by("date").values_list("occupied", flat=True)
        )
        assert counts == data.midnight_counts(ward.code).tolist()
        assert max(counts) <= ward.beds
    total = WardCensus.objects.aggregate(t=Sum("occupied"))["t"]
    assert summary.bed_days == total
    assert 0.90 <= summary.occupancy <= 1.0


def test_every_bulk_write_left_one_audit_summary_row_naming_the_demo_process(loaded):
    rows = AuditLog.objects.filter(actor_label="system:cli:demo", action=Action.BULK_CREATE)
    types = set(rows.values_list("object_type", flat=True))
    assert {
        "organisations.trust", "organisations.site", "organisations.ward",
        "organisations.collaborative", "organisations.learningsession",
        "recording.patient", "recording.stay", "recording.wardcensus",
    } <= types  # fmt: skip
    patients = rows.get(object_type="recording.patient")
    assert patients.changes == {"count": Patient.objects.count()}
    assert not AuditLog.objects.filter(
        action=Action.CREATE, object_type="recording.patient"
    ).exists()


def test_the_summary_reads_as_a_short_report(loaded):
    summary, _ = loaded
    text = "\n".join(summary.lines())
    assert "seed 1" in text and "Patients:" in text and "Occupied bed days:" in text
    assert summary.seconds < 20


def test_loading_twice_without_reset_raises_a_clear_error(loaded):
    with pytest.raises(DemoDataError, match=r"already loaded.*--reset"):
        load_demo(1)
    with pytest.raises(CommandError, match="already loaded"):
        call_command("demo", "--seed", "1")


def test_reset_replaces_the_demo_data_and_audits_the_deletion(loaded, capsys):
    _, data = loaded
    call_command("demo", "--seed", "2", "--reset")
    out = capsys.readouterr().out
    assert "Demo data loaded (seed 2)" in out and "Replaced earlier demo data" in out
    other = generate_demo(2)
    assert Trust.objects.filter(is_demo=True).count() == 3
    assert Collaborative.objects.filter(is_demo=True).count() == 1
    assert Patient.objects.count() == len(other.patients) != len(data.patients)
    assert WardCensus.objects.count() == 10 * data.timeline.days
    deleted = set(
        AuditLog.objects.filter(
            action=Action.BULK_DELETE, actor_label="system:cli:demo"
        ).values_list("object_type", flat=True)
    )
    assert {"recording.stay", "recording.patient", "organisations.trust"} <= deleted


def test_a_database_with_real_trusts_is_refused_even_with_reset(loaded):
    with acting_as(System("test")):
        Trust.objects.create(ods_code="RX1", name="A Real NHS Trust")
    with pytest.raises(DemoDataError, match="real \\(non-demo\\) trusts"):
        load_demo(1, reset=True)
    assert Trust.objects.filter(is_demo=True).count() == 3  # nothing deleted


def test_reset_unlinks_staff_from_demo_wards_but_will_not_delete_user_accounts(loaded):
    ward = Ward.objects.first()
    with acting_as(System("test")):
        staff = User.objects.create(username="nurse", role=Role.WARD_STAFF)
        staff.wards.add(ward)
    delete_demo()
    assert User.objects.filter(username="nurse").exists()
    assert not Ward.objects.exists() and not Patient.objects.exists()


def test_reset_stops_when_a_user_belongs_to_a_demo_trust(loaded):
    with acting_as(System("test")):
        User.objects.create(username="lead", role=Role.TRUST_LEAD, trust=Trust.objects.first())
    with pytest.raises(DemoDataError, match="lead"):
        load_demo(1, reset=True)


def test_later_work_adds_loader_steps_that_see_the_loaded_rows(loaded, monkeypatch):
    seen: dict[str, object] = {}

    def count_open_stays(ctx: DemoContext) -> None:
        seen["wards"] = len(ctx.wards)
        seen["open"] = sum(s.discharged_on is None for s in ctx.stays)
        seen["draw"] = float(ctx.rng("incidents").random())
        ctx.counts["open_stays"] = int(seen["open"])

    monkeypatch.setattr(load, "DEMO_STEPS", [*load.DEMO_STEPS, count_open_stays])
    summary = load_demo(1, reset=True)
    assert seen["wards"] == 10
    assert summary.counts["open_stays"] == Stay.objects.filter(discharged_on__isnull=True).count()
    assert "open stays:" in "\n".join(summary.lines())
    assert seen["draw"] == float(load.rng_for(1, "incidents").random())


def test_a_failing_step_leaves_nothing_behind(loaded, monkeypatch):
    def broken(ctx: DemoContext) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(load, "DEMO_STEPS", [*load.DEMO_STEPS, broken])
    before = (Patient.objects.count(), Stay.objects.count())
    with pytest.raises(RuntimeError, match="boom"):
        load_demo(2, reset=True)
    assert (Patient.objects.count(), Stay.objects.count()) == before  # seed 1 still there


def test_learning_sessions_are_dated_within_the_collaborative(loaded):
    c = Collaborative.objects.get()
    assert all(c.start_date <= s.date <= c.end_date for s in c.learning_sessions.all())
    assert c.start_date - c.baseline_start == dt.timedelta(weeks=52)
