"""Rebasing with a reason: a ward QI lead proposes, a collaborative admin decides, only approved
rebases change limits, and everything is audited. Fixed baselines likewise, set by the ward's
QI lead or an admin."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from mhsip.audit.models import Action, AuditLog
from mhsip.measures import services
from mhsip.measures.analysis import analyse_measure
from mhsip.measures.models import Annotation, FixedBaseline, Measure, Rebase, RebaseStatus
from tests.measures.chart_data import START, WEEKS, build_ward_data

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 28)


def measure() -> Measure:
    return Measure.objects.get(slug="restrictive-interventions")


def propose(world, **overrides):
    values = {
        "user": world.users["ward_qi_lead"],
        "ward": world.ward,
        "measure": measure(),
        "starts_on": dt.date(2024, 4, 3),
        "reason": "Safewards calm-down methods adopted on 1 April; 9 points below the mean.",
        "change_idea": "Safewards: calm-down methods",
        "today": TODAY,
    }
    values.update(overrides)
    return services.propose_rebase(**values)


def audit_rows(obj, action=None):
    rows = AuditLog.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    return rows.filter(action=action) if action else rows


# --- proposing ---------------------------------------------------------------------------------


def test_a_ward_qi_lead_proposes_a_rebase_with_a_reason_and_it_is_audited(world, system):
    rebase = propose(world)
    assert rebase.status == RebaseStatus.PROPOSED
    assert rebase.proposed_by == world.users["ward_qi_lead"]
    created = audit_rows(rebase, Action.CREATE).get()
    assert created.reason.startswith("Safewards calm-down methods")


def test_a_proposal_does_not_change_the_limits(world, system):
    build_ward_data(world.ward)
    end = START + dt.timedelta(weeks=WEEKS) - dt.timedelta(days=1)
    propose(world, starts_on=START + dt.timedelta(weeks=15))
    analysis = analyse_measure(measure(), [world.ward.pk], START, end)[world.ward.pk]
    assert set(analysis.result.period.tolist()) == {0}


@pytest.mark.parametrize("role", ["ward_staff", "trust_lead", "analyst", "collaborative_admin"])
def test_other_roles_cannot_propose(world, system, role):
    with pytest.raises(PermissionDenied):
        propose(world, user=world.users[role])


def test_a_qi_lead_of_another_ward_cannot_propose_for_this_ward(world, system):
    with pytest.raises(PermissionDenied):
        propose(world, user=world.users["outsider"])


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"reason": "  "}, "reason", "Enter the reason for recalculating the limits"),
        ({"starts_on": dt.date(2026, 12, 1)}, "starts_on", "must be today or in the past"),
        ({"starts_on": dt.date(2023, 12, 1)}, "starts_on", "when the ward opened"),
    ],
)
def test_a_proposal_with_bad_input_is_refused_field_by_field(
    world, system, overrides, field, message
):
    with pytest.raises(ValidationError) as caught:
        propose(world, **overrides)
    assert message in caught.value.message_dict[field][0]
    assert not Rebase.objects.exists()


def test_a_second_proposal_for_the_same_week_is_refused(world, system):
    propose(world, starts_on=dt.date(2024, 4, 3))
    with pytest.raises(ValidationError) as caught:
        propose(world, starts_on=dt.date(2024, 4, 5))  # same week (Monday 1 April)
    assert "already waiting for a decision" in caught.value.message_dict["starts_on"][0]


# --- deciding ----------------------------------------------------------------------------------


def test_an_admin_approves_and_only_then_the_limits_split(world, system):
    build_ward_data(world.ward)
    end = START + dt.timedelta(weeks=WEEKS) - dt.timedelta(days=1)
    rebase = propose(world, starts_on=START + dt.timedelta(weeks=15, days=2))
    services.decide_rebase(
        user=world.users["collaborative_admin"], rebase=rebase, approve=True, note="Agreed."
    )
    rebase.refresh_from_db()
    assert rebase.status == RebaseStatus.APPROVED
    assert rebase.decided_by == world.users["collaborative_admin"] and rebase.decided_at
    analysis = analyse_measure(measure(), [world.ward.pk], START, end)[world.ward.pk]
    assert analysis.result.period[14] == 0 and analysis.result.period[15] == 1


def test_an_approval_is_audited_as_an_approval_decision_and_marked_on_the_chart(world, system):
    rebase = propose(world)
    services.decide_rebase(
        user=world.users["collaborative_admin"], rebase=rebase, approve=True, note="Agreed."
    )
    decision = audit_rows(rebase, Action.APPROVE).get()
    assert decision.changes["decision"] == "approved" and decision.reason == "Agreed."
    assert audit_rows(rebase, Action.UPDATE).get().reason == "Agreed."
    note = Annotation.objects.get(source_key=f"rebase:{rebase.pk}")
    assert note.kind == "rebase" and note.ward == world.ward and note.measure == measure()
    assert note.date == dt.date(2024, 4, 1)  # the first day of the week of the new limits
    assert note.label == "Limits recalculated: Safewards: calm-down methods"


def test_a_rejection_needs_a_note_and_leaves_the_limits_alone(world, system):
    rebase = propose(world)
    admin = world.users["collaborative_admin"]
    with pytest.raises(ValidationError) as caught:
        services.decide_rebase(user=admin, rebase=rebase, approve=False, note="")
    assert "why the rebase is rejected" in caught.value.message_dict["note"][0]
    services.decide_rebase(user=admin, rebase=rebase, approve=False, note="Shift too short.")
    rebase.refresh_from_db()
    assert rebase.status == RebaseStatus.REJECTED
    assert audit_rows(rebase, Action.APPROVE).get().changes["decision"] == "rejected"
    assert not Annotation.objects.exists()


def test_a_rebase_is_decided_only_once(world, system):
    rebase = propose(world)
    admin = world.users["collaborative_admin"]
    services.decide_rebase(user=admin, rebase=rebase, approve=True, note="")
    with pytest.raises(ValidationError) as caught:
        services.decide_rebase(user=admin, rebase=rebase, approve=False, note="Changed my mind")
    assert "already approved" in caught.value.message_dict["decision"][0]


@pytest.mark.parametrize("role", ["ward_staff", "ward_qi_lead", "trust_lead", "analyst"])
def test_only_admins_decide(world, system, role):
    rebase = propose(world)
    with pytest.raises(PermissionDenied):
        services.decide_rebase(user=world.users[role], rebase=rebase, approve=True, note="")
    rebase.refresh_from_db()
    assert rebase.status == RebaseStatus.PROPOSED


# --- pages -------------------------------------------------------------------------------------


def propose_url():
    return reverse("measures:rebase-propose", kwargs={"code": "ALPHA-1"})


def test_the_qi_lead_proposes_through_the_form(world):
    response = world.client_for("ward_qi_lead").post(
        propose_url(),
        {
            "measure": "restrictive-interventions",
            "starts_on-day": "3",
            "starts_on-month": "4",
            "starts_on-year": "2024",
            "reason": "Safewards adopted",
            "change_idea": "",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("measures:ward-rebases", kwargs={"code": "ALPHA-1"})
    rebase = Rebase.objects.get()
    assert (rebase.ward, rebase.starts_on) == (world.ward, dt.date(2024, 4, 3))


def test_the_form_shows_each_error_beside_its_field_and_in_the_summary(world):
    response = world.client_for("ward_qi_lead").post(
        propose_url(),
        {
            "measure": "",
            "starts_on-day": "31",
            "starts_on-month": "2",
            "starts_on-year": "2024",
            "reason": "",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Propose a rebase" in html
    assert 'href="#measure"' in html and "Choose the measure" in html
    assert 'href="#starts_on-day"' in html and "must be a real date" in html
    assert 'href="#reason"' in html and "Enter the reason for recalculating the limits" in html
    assert not Rebase.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("ward_qi_lead", 200),
        ("ward_staff", 403),
        ("trust_lead", 403),
        ("analyst", 403),
        ("collaborative_admin", 403),
        ("network_member", 404),
        ("outsider", 404),
    ],
)
def test_who_may_open_the_proposal_form(world, role, status):
    assert world.client_for(role).get(propose_url()).status_code == status


def test_ward_staff_cannot_propose_by_posting_either(world):
    response = world.client_for("ward_staff").post(
        propose_url(), {"measure": "incidents", "reason": "x"}
    )
    assert response.status_code == 403
    assert not Rebase.objects.exists()


def test_the_admin_decides_on_the_queue_page(world, system):
    rebase = propose(world)
    admin = world.client_for("collaborative_admin")
    queue = admin.get(reverse("measures:rebase-queue")).content.decode()
    decide = reverse("measures:rebase-decide", kwargs={"pk": rebase.pk})
    assert f'href="{decide}"' in queue and "Aspen Ward" in queue
    response = admin.post(decide, {"decision": "reject", "note": ""})
    assert "Enter a note saying why the rebase is rejected" in response.content.decode()
    response = admin.post(decide, {"decision": "approve", "note": "Sustained shift."})
    assert response.status_code == 302
    rebase.refresh_from_db()
    assert rebase.status == RebaseStatus.APPROVED and rebase.decision_note == "Sustained shift."


def test_the_decision_page_shows_the_chart_now_and_as_it_would_be_if_approved(world, system):
    build_ward_data(world.ward)
    rebase = propose(world, starts_on=START + dt.timedelta(weeks=15, days=2))
    preview = services.rebase_preview(rebase, today=TODAY)
    assert set(preview.now.analysis.result.period.tolist()) == {0}
    assert preview.after.analysis.result.period[14] == 0
    assert preview.after.analysis.result.period[15] == 1
    url = reverse("measures:rebase-decide", kwargs={"pk": rebase.pk})
    html = world.client_for("collaborative_admin").get(url).content.decode()
    assert 'id="chart-now"' in html and 'id="chart-after"' in html
    assert "limits now" in html and "if approved" in html
    Rebase.objects.filter(pk=rebase.pk).update(status=RebaseStatus.REJECTED)
    decided = world.client_for("collaborative_admin").get(url).content.decode()
    assert 'id="chart-after"' not in decided and "This rebase has been decided" in decided


@pytest.mark.parametrize("role", ["ward_qi_lead", "trust_lead", "outsider"])
def test_others_get_403_on_the_decision_page_and_cannot_post_a_decision(world, system, role):
    rebase = propose(world)
    url = reverse("measures:rebase-decide", kwargs={"pk": rebase.pk})
    client = world.client_for(role)
    assert client.get(url).status_code == 403
    assert client.post(url, {"decision": "approve"}).status_code == 403
    rebase.refresh_from_db()
    assert rebase.status == RebaseStatus.PROPOSED


def test_the_ward_page_lists_its_rebases_for_every_reader(world, system):
    propose(world)
    url = reverse("measures:ward-rebases", kwargs={"code": "ALPHA-1"})
    html = world.client_for("ward_staff").get(url).content.decode()
    assert "Safewards calm-down methods" in html and "Proposed" in html
    assert "Propose a rebase" not in html  # ward staff cannot propose
    assert "Propose a rebase" in world.client_for("ward_qi_lead").get(url).content.decode()


# --- fixed baselines ---------------------------------------------------------------------------


def test_the_qi_lead_fixes_a_baseline_with_a_reason_and_it_changes_the_limits(world, system):
    build_ward_data(world.ward)
    fixed = services.set_fixed_baseline(
        user=world.users["ward_qi_lead"],
        ward=world.ward,
        measure=measure(),
        points=20,
        reason="Baseline agreed at the first learning session",
    )
    assert audit_rows(fixed, Action.CREATE).get().reason.startswith("Baseline agreed")
    end = START + dt.timedelta(weeks=WEEKS) - dt.timedelta(days=1)
    analysis = analyse_measure(measure(), [world.ward.pk], START, end)[world.ward.pk]
    assert analysis.fix_after == 20


def test_unfixing_removes_the_baseline_and_audits_the_reason(world, system):
    admin = world.users["collaborative_admin"]
    fixed = services.set_fixed_baseline(
        user=admin, ward=world.ward, measure=measure(), points=20, reason="Agreed"
    )
    services.set_fixed_baseline(
        user=admin, ward=world.ward, measure=measure(), points=None, reason="New baseline"
    )
    assert not FixedBaseline.objects.exists()
    assert audit_rows(fixed, Action.DELETE).get().reason == "New baseline"


@pytest.mark.parametrize("role", ["ward_staff", "trust_lead", "analyst", "outsider"])
def test_other_roles_cannot_fix_a_baseline(world, system, role):
    with pytest.raises(PermissionDenied):
        services.set_fixed_baseline(
            user=world.users[role], ward=world.ward, measure=measure(), points=20, reason="x"
        )


def test_the_fixed_baseline_form_refuses_too_few_points(world):
    response = world.client_for("ward_qi_lead").post(
        reverse("measures:fixed-baseline", kwargs={"code": "ALPHA-1"}),
        {"measure": "restrictive-interventions", "action": "fix", "points": "5", "reason": "x"},
    )
    assert "The number of points must be between 13 and 260" in response.content.decode()
    assert not FixedBaseline.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("ward_qi_lead", 200),
        ("collaborative_admin", 200),
        ("ward_staff", 403),
        ("trust_lead", 403),
        ("analyst", 403),
        ("network_member", 404),
        ("outsider", 404),
    ],
)
def test_who_may_open_the_fixed_baseline_form(world, role, status):
    url = reverse("measures:fixed-baseline", kwargs={"code": "ALPHA-1"})
    assert world.client_for(role).get(url).status_code == status
