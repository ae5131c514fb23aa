"""Loading the demo's events: use-of-force records, safety events and weekly returns land in
the database as generated, audited in bulk, valid against the models, and go on reset.

The demo for seed 1 is loaded once for the module (committed, then removed with its audit rows
at the end); tests that change data run inside their own rolled-back transaction.
"""

from __future__ import annotations

import collections
import datetime as dt
from collections.abc import Iterator

import pytest
from django.db.models import Count, Max, Sum
from django.utils import timezone

from mhsip.audit.models import Action, AuditLog
from mhsip.demo.generate import DemoData, generate_demo
from mhsip.demo.load import DemoSummary, delete_demo, load_demo
from mhsip.organisations.models import Ward
from mhsip.recording.models import (
    Intervention,
    StaffInvolved,
    Stay,
    UseOfForceIncident,
    WardCensus,
)
from mhsip.returns.models import COUNT_FIELDS, WeeklyReturn
from mhsip.returns.schedule import WeekStatus, week_status
from mhsip.safety.models import AwolIncident, InpatientDeath, SexualSafetyIncident

pytestmark = pytest.mark.django_db

EVENT_MODELS = (
    UseOfForceIncident, Intervention, StaffInvolved, SexualSafetyIncident, AwolIncident,
    InpatientDeath, WeeklyReturn,
)  # fmt: skip


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker) -> Iterator[tuple[DemoSummary, DemoData]]:
    with django_db_blocker.unblock():
        first_audit = (AuditLog.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        summary = load_demo(1)
        yield summary, generate_demo(1)
        delete_demo()
        AuditLog.objects.filter(id__gte=first_audit).delete()


def test_every_generated_event_is_loaded(loaded):
    summary, data = loaded
    events = data.events
    assert UseOfForceIncident.objects.count() == len(events.incidents)
    assert Intervention.objects.count() == sum(len(i.interventions) for i in events.incidents)
    assert StaffInvolved.objects.count() == sum(len(i.staff) for i in events.incidents)
    assert SexualSafetyIncident.objects.count() == len(events.sexual_safety)
    assert AwolIncident.objects.count() == len(events.awol)
    assert InpatientDeath.objects.count() == len(events.deaths)
    assert WeeklyReturn.objects.count() == len(events.weekly_returns)
    assert summary.counts["use_of_force_incidents"] == len(events.incidents)
    text = "\n".join(summary.lines())
    assert "use of force incidents:" in text and "weekly returns:" in text
    assert summary.seconds < 20


def test_every_incident_belongs_to_a_patient_on_the_ward_that_day(loaded):
    stays = collections.defaultdict(list)
    for s in Stay.objects.values("patient_id", "ward_id", "admitted_on", "discharged_on"):
        stays[(s["patient_id"], s["ward_id"])].append(s)
    incidents = UseOfForceIncident.objects.values("patient_id", "ward_id", "started_at")
    assert incidents.count() > 2000
    for i in incidents:
        day = timezone.localdate(i["started_at"])
        assert any(
            s["admitted_on"] <= day and (s["discharged_on"] is None or day <= s["discharged_on"])
            for s in stays[(i["patient_id"], i["ward_id"])]
        ), i


def test_incidents_are_submitted_with_unique_references_per_ward(loaded):
    assert not UseOfForceIncident.objects.exclude(status="submitted").exists()
    assert not UseOfForceIncident.objects.filter(submitted_at__isnull=True).exists()
    assert not UseOfForceIncident.objects.filter(local_reference="").exists()
    dupes = (
        UseOfForceIncident.objects.values("ward", "local_reference")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert not dupes.exists()
    assert Ward.objects.annotate(n=Count("use_of_force")).filter(n=0).count() == 0


def test_loaded_rows_pass_model_validation(loaded):
    # full_clean checks every choice, length and constraint the forms will rely on
    checked = 0
    for model in EVENT_MODELS:
        pks = list(model.objects.order_by("pk").values_list("pk", flat=True))
        sample = pks[:: max(1, len(pks) // 40)]  # spread over the whole timeline
        for row in model.objects.filter(pk__in=sample):
            row.full_clean(validate_unique=False)  # raises ValidationError on a bad row
            checked += 1
    assert checked >= len(EVENT_MODELS)  # every model had rows to check


def test_each_bulk_write_left_one_audit_summary_row(loaded):
    rows = AuditLog.objects.filter(actor_label="system:cli:demo", action=Action.BULK_CREATE)
    for model in EVENT_MODELS:
        summary = rows.filter(object_type=model._meta.label_lower)
        assert summary.count() == 1, model
        assert summary.get().changes == {"count": model.objects.count()}
    assert not AuditLog.objects.filter(
        action=Action.CREATE, object_type="recording.useofforceincident"
    ).exists()


def test_missing_weekly_returns_are_stored_as_missing_never_as_zero(loaded):
    _, data = loaded
    assert not WeeklyReturn.objects.filter(occupied_bed_days=0).exists()
    assert not WeeklyReturn.objects.filter(admissions=0, occupied_bed_days__isnull=True).exists()
    missing = data.truth["weekly_returns_missing"]
    drafts = [m for m in missing if m["mode"] == "draft"]
    absent = [m for m in missing if m["mode"] == "absent"]
    blank = WeeklyReturn.objects.filter(occupied_bed_days__isnull=True)
    assert blank.count() == len(drafts) > 0
    assert not blank.exclude(status="draft").exists()
    assert not blank.filter(admissions__isnull=False).exists()
    for m in absent:
        assert not WeeklyReturn.objects.filter(
            ward__code=m["ward"], week_start=m["week_start"]
        ).exists()
    weeks = data.timeline.weeks - 2  # the last two are not yet due or late
    assert (len(drafts) + len(absent)) / (10 * weeks) == pytest.approx(0.02, abs=0.01)


def test_returns_carry_census_bed_days_and_leave_the_counts_to_the_incident_records(loaded):
    ward = Ward.objects.order_by("code").first()
    for r in WeeklyReturn.objects.filter(ward=ward, occupied_bed_days__isnull=False)[:20]:
        census = WardCensus.objects.filter(
            ward=ward, date__gte=r.week_start, date__lte=r.week_start + dt.timedelta(days=6)
        ).aggregate(t=Sum("occupied"))["t"]
        assert r.occupied_bed_days == census
    assert not WeeklyReturn.objects.exclude(bed_day_source="census").exists()
    assert not WeeklyReturn.objects.filter(incident_level=False).exists()
    for field in COUNT_FIELDS:
        assert not WeeklyReturn.objects.filter(**{f"{field}__isnull": False}).exists()


def test_the_late_returns_view_has_something_to_show_on_the_demos_last_day(loaded):
    _, data = loaded
    today = data.timeline.end
    weeks = data.timeline.week_starts()
    saved = {(r.ward_id, r.week_start): r for r in WeeklyReturn.objects.all()}
    wards = list(Ward.objects.all())

    def statuses(week: dt.date) -> collections.Counter[WeekStatus]:
        return collections.Counter(week_status(week, saved.get((w.id, week)), today) for w in wards)

    this_week, last_week = statuses(weeks[-1]), statuses(weeks[-2])
    assert this_week[WeekStatus.SUBMITTED] < len(wards)
    assert this_week[WeekStatus.DUE] + this_week[WeekStatus.DRAFT] > 0
    assert last_week[WeekStatus.LATE] > 0 and last_week[WeekStatus.SUBMITTED] > 0
    older = collections.Counter(
        week_status(week, saved.get((w.id, week)), today) for w in wards for week in weeks[:-6]
    )
    assert set(older) == {WeekStatus.SUBMITTED, WeekStatus.MISSING}


def test_reset_removes_the_events_and_audits_their_deletion(loaded):
    before = {model: model.objects.count() for model in EVENT_MODELS}
    deleted = delete_demo()
    for model in EVENT_MODELS:
        assert not model.objects.exists(), model
        assert deleted.get(model._meta.label, 0) == before[model] > 0
    logged = set(
        AuditLog.objects.filter(action=Action.BULK_DELETE).values_list("object_type", flat=True)
    )
    assert {"recording.useofforceincident", "recording.staffinvolved", "returns.weeklyreturn",
            "safety.awolincident"} <= logged  # fmt: skip


def test_deleting_an_incident_takes_its_interventions_and_staff_with_it(loaded):
    # Django's delete collector loads the staff with deferred fields; the audit snapshot must
    # cope (it used to recurse through refresh_from_db).
    incident = UseOfForceIncident.objects.annotate(n=Count("staff")).filter(n__gt=0).first()
    staff, interventions = incident.staff.count(), incident.interventions.count()
    _, per_model = UseOfForceIncident.objects.filter(pk=incident.pk).delete()
    assert per_model["recording.StaffInvolved"] == staff > 0
    assert per_model["recording.Intervention"] == interventions > 0


def test_demo_incidents_pass_the_recording_apps_full_act_check(loaded):
    # The same check a ward's correction of a submitted record goes through
    # (mhsip.recording.services.incident_errors), so demo records can be opened and corrected.
    from mhsip.recording.services import incident_errors, incident_to_data

    pks = list(UseOfForceIncident.objects.order_by("pk").values_list("pk", flat=True))
    problems = {}
    for incident in UseOfForceIncident.objects.filter(pk__in=pks[:: len(pks) // 60]):
        errors = incident_errors(
            incident_to_data(incident),
            ward=incident.ward,
            patient_identifier=None,
            incident=incident,
            reason="demo check",
        )
        if errors:
            problems[incident.local_reference] = errors
    assert not problems
