"""The demo's QI work: the same PDSA cycles (wards, ideas, dates, decisions) as the incident
generator used, so the effect shows on the charts after each start; projects, the template
diagram and the wards' adapted copies, annotations, attendance and co-design; a clean reset.

Only the organisation step and this app's step run (no patients or incidents), which is all
this step reads."""

from __future__ import annotations

import datetime as dt

import pytest

from mhsip.audit.models import Action, AuditLog
from mhsip.demo.generate import generate_demo
from mhsip.demo.load import (
    DEMO_RESET_STEPS,
    DEMO_STEPS,
    DemoContext,
    delete_demo,
    load_organisations,
)
from mhsip.improvement.demo import delete_demo_rows, load_improvement
from mhsip.improvement.models import (
    ChangeIdea,
    Contribution,
    DriverDiagram,
    NodeLevel,
    PdsaCycle,
    PdsaMeasure,
    Project,
    SessionAttendance,
)
from mhsip.measures.models import Annotation
from tests.improvement import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(system):
    factories.catalogue()
    factories.measures()
    data = generate_demo(1)
    ctx = DemoContext(seed=1, params=data.params, data=data, reason="demo collaborative, seed 1")
    load_organisations(ctx)
    load_improvement(ctx)
    return ctx


def test_the_step_and_its_reset_hook_are_registered():
    assert load_improvement in DEMO_STEPS and delete_demo_rows in DEMO_RESET_STEPS


def test_the_cycles_are_the_ones_the_incident_generator_used(demo):
    records = demo.data.events.pdsa_cycles
    saved = {
        (c.ward.code, c.number): c for c in PdsaCycle.objects.select_related("ward", "change_idea")
    }
    assert len(saved) == len(records) and 3 * 10 <= len(records) <= 6 * 10
    for r in records:
        c = saved[(r.ward_code, r.number)]
        assert (c.change_idea.name, c.start_date, c.end_date) == (
            r.change_idea,
            r.started_on,
            r.ended_on,
        )
        assert c.decision == (r.outcome if r.ended_on < demo.data.timeline.end else "")
    decisions = set(PdsaCycle.objects.values_list("decision", flat=True))
    assert {"adopt", "adapt", "abandon"} <= decisions
    assert all(c.change_idea.source != "lived_experience" for c in saved.values())


def test_each_adopted_ideas_effect_follows_its_start_annotation(demo):
    """The true rate multiplier is 1 in the week before a ward's first adopted idea starts and
    lower afterwards: the fall on the chart comes after the PDSA start annotation."""
    truth = demo.data.truth["ri_rate_multiplier_weekly"]
    start = demo.data.timeline.start
    checked = 0
    for ward in demo.params.wards:
        adopted = [c for c in demo.data.events.pdsa_cycles
                   if c.ward_code == ward.code and c.outcome == "adopt"]  # fmt: skip
        if ward.ri_reduction <= 0 or not adopted:
            continue
        first = min(c.started_on for c in adopted)
        week = (first - start).days // 7
        assert truth[ward.code][week - 1] == pytest.approx(1.0)
        assert truth[ward.code][week + 8] < 1.0
        labels = Annotation.objects.filter(
            ward__code=ward.code,
            measure__slug="restrictive-interventions",
            kind="pdsa_start",
            date=first,
        ).values_list("label", flat=True)
        assert any(" start: " in label for label in labels)
        checked += 1
    assert checked >= 8


def test_every_cycle_is_annotated_on_its_measures_with_its_start_and_end(demo):
    cycles = PdsaCycle.objects.count()
    links = PdsaMeasure.objects.count()
    assert links >= 2 * cycles
    assert Annotation.objects.filter(kind="pdsa_start").count() == links
    assert Annotation.objects.filter(kind="pdsa_end").count() == links
    prone = PdsaMeasure.objects.filter(measure__slug="prone-restraint")
    assert prone.count() == 1  # the ward that stops prone restraint (zero_practice "01")
    assert prone.get().cycle.change_idea.source == "no_force_first"
    ended = Annotation.objects.filter(kind="pdsa_end", label__endswith="(adopted)")
    assert ended.exists()


def test_every_ward_has_a_project_and_an_adapted_copy_of_the_template(demo):
    template = DriverDiagram.objects.get(project__ward__isnull=True)
    assert Project.objects.filter(ward__isnull=False).count() == 10
    template_changes = set(
        template.nodes.filter(level=NodeLevel.CHANGE).values_list("text", flat=True)
    )
    for diagram in DriverDiagram.objects.exclude(pk=template.pk).select_related("project__ward"):
        assert diagram.copied_from == template
        changes = set(diagram.nodes.filter(level=NodeLevel.CHANGE).values_list("text", flat=True))
        ideas = set(
            PdsaCycle.objects.filter(ward=diagram.project.ward).values_list(
                "change_idea__name", flat=True
            )
        )
        assert template_changes <= changes and ideas <= changes
    cycle = PdsaCycle.objects.filter(driver__isnull=False).first()
    assert cycle is not None and cycle.driver.level == NodeLevel.SECONDARY


def test_attendance_and_co_design_are_loaded(demo):
    sessions = [s for s in demo.learning_sessions if s.date <= demo.data.timeline.end]
    attended = SessionAttendance.objects.count()
    assert 0.6 * 10 * len(sessions) < attended <= 10 * len(sessions)
    assert Contribution.objects.filter(kind="proposal", is_demo=True).count() == 2
    assert Contribution.objects.filter(kind="comment", author_role="network_member").count() >= 6
    assert demo.counts["pdsa_cycles"] == PdsaCycle.objects.count()


def test_bulk_writes_leave_one_audit_row_per_batch(demo):
    row = AuditLog.objects.filter(
        object_type="improvement.pdsacycle", action=Action.BULK_CREATE
    ).get()
    assert row.changes == {"count": PdsaCycle.objects.count()}


def test_a_reset_removes_the_demo_qi_work_and_keeps_the_catalogue(demo):
    catalogue = ChangeIdea.objects.filter(is_demo=False).count()
    delete_demo()
    assert not PdsaCycle.objects.exists() and not Project.objects.exists()
    assert not DriverDiagram.objects.exists() and not SessionAttendance.objects.exists()
    assert not Annotation.objects.exists() and not Contribution.objects.exists()
    assert ChangeIdea.objects.count() == catalogue
    assert AuditLog.objects.filter(
        object_type="improvement.pdsacycle", action=Action.BULK_DELETE
    ).exists()


def test_the_demo_projects_score_from_their_data_and_work(demo):
    from mhsip.improvement.progress import ward_progress

    wards = list(demo.wards.values())
    scores = ward_progress(wards, demo.collaborative, dt.date(2026, 11, 28))
    # no incidents or census are loaded here: the scores stop at the QI-work steps
    assert {p.score for p in scores.values()} <= {2.0, 2.5}
    assert any(p.score == 2.5 for p in scores.values())
