"""PDSA cycles: their annotations on the linked charts are kept in step with the cycle by the
same service call that saves it (created, updated, deleted, idempotently); bad cycles are
refused with a message per field and nothing written; the cycle's page shows the charts and the
special-cause signals that followed its start."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from mhsip.audit.models import Action, AuditLog
from mhsip.improvement import diagrams, services
from mhsip.improvement.models import NodeLevel, PdsaCycle, PdsaMeasure
from mhsip.measures.models import Annotation
from tests.improvement import factories

pytestmark = pytest.mark.django_db


def notes(cycle):
    return Annotation.objects.filter(source_key__startswith=f"pdsa:{cycle.pk}:").order_by(
        "source_key", "measure__slug"
    )


def test_saving_a_cycle_annotates_its_start_on_each_linked_measure_for_its_ward(world, system):
    m = factories.measures()
    cycle = factories.cycle(world.ward, measures=[m["physical-restraint"], m["incidents"]])
    rows = list(notes(cycle))
    assert [(n.measure.slug, n.kind, n.date) for n in rows] == [
        ("incidents", "pdsa_start", dt.date(2025, 3, 3)),
        ("physical-restraint", "pdsa_start", dt.date(2025, 3, 3)),
    ]
    assert {n.label for n in rows} == {"PDSA 1 start: Soft Words"}
    assert {n.ward for n in rows} == {world.ward}
    assert {n.link for n in rows} == {f"/wards/ALPHA-1/pdsa/{cycle.pk}/"}
    assert {n.source_key for n in rows} == {f"pdsa:{cycle.pk}:start"}


def test_the_end_and_the_decision_are_annotated_and_follow_every_change(world, system):
    m = factories.measures()
    cycle = factories.cycle(world.ward, end_date=dt.date(2025, 4, 13))
    end = notes(cycle).get(kind="pdsa_end")
    assert (end.date, end.label) == (dt.date(2025, 4, 13), "PDSA 1 end: Soft Words")

    values = factories.values(
        end_date=dt.date(2025, 4, 20),
        decision="adopt",
        measures=[m["physical-restraint"], m["rapid-tranquillisation"]],
    )
    services.save_cycle(world.ward, values, cycle=cycle)
    end.refresh_from_db()  # updated in place, not replaced
    assert (end.date, end.label) == (dt.date(2025, 4, 20), "PDSA 1 end: Soft Words (adopted)")
    assert notes(cycle).count() == 4  # start and end on two measures

    services.save_cycle(world.ward, factories.values(), cycle=cycle)  # no end, one measure
    assert list(notes(cycle).values_list("kind", "measure__slug")) == [
        ("pdsa_start", "physical-restraint")
    ]


def test_syncing_twice_changes_nothing(world, system):
    cycle = factories.cycle(world.ward, end_date=dt.date(2025, 4, 13), decision="abandon")
    audit_rows = AuditLog.objects.count()
    assert services.sync_annotations(cycle) == {"created": 0, "updated": 0, "deleted": 0}
    assert AuditLog.objects.count() == audit_rows


def test_each_annotation_write_is_audited(world, system):
    cycle = factories.cycle(world.ward, end_date=dt.date(2025, 4, 13))
    ids = {str(pk) for pk in notes(cycle).values_list("pk", flat=True)}
    logged = set(
        AuditLog.objects.filter(
            object_type="measures.annotation", action=Action.CREATE
        ).values_list("object_id", flat=True)
    )
    assert ids and ids <= logged


def test_deleting_a_cycle_removes_its_annotations_and_unlinks_the_next_cycle(world, system):
    first = factories.cycle(world.ward, end_date=dt.date(2025, 4, 13), decision="adapt")
    second = factories.cycle(world.ward, start_date=dt.date(2025, 4, 21), previous_cycle=first)
    services.delete_cycle(first, reason="entered twice")
    assert not Annotation.objects.filter(source_key__startswith=f"pdsa:{first.pk}:").exists()
    assert not PdsaMeasure.objects.filter(cycle_id=first.pk).exists()
    second.refresh_from_db()
    assert second.previous_cycle is None and notes(second).count() == 1
    row = AuditLog.objects.get(object_type="improvement.pdsacycle", action=Action.DELETE)
    assert row.reason == "entered twice"


def test_cycles_are_numbered_per_ward(world, system):
    a = factories.cycle(world.ward)
    b = factories.cycle(world.ward)
    c = factories.cycle(world.sibling_ward)
    assert (a.number, b.number, c.number) == (1, 2, 1)
    assert notes(b).get().label == "PDSA 2 start: Soft Words"


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        (
            {"end_date": dt.date(2025, 3, 1)},
            "end_date",
            "The end date must be the same as or after",
        ),
        ({"decision": "adopt"}, "end_date", "Enter the date the cycle ended to record a decision"),
        ({"measures": []}, "measures", "Choose at least one measure"),
        ({"owner": " "}, "owner", "Enter who owns this cycle"),
        ({"prediction": ""}, "prediction", "Enter what you predict will happen"),
        ({"start_date": dt.date(2023, 12, 1)}, "start_date", "The start date must be on or after"),
    ],
)
def test_a_bad_cycle_is_refused_with_a_message_for_the_field_and_nothing_is_written(
    world, system, extra, field, message
):
    with pytest.raises(ValidationError) as err:
        factories.cycle(world.ward, **extra)
    assert err.value.message_dict[field][0].startswith(message)
    assert not PdsaCycle.objects.exists() and not Annotation.objects.exists()


def test_a_decision_waits_until_the_cycle_has_ended(world, system):
    future = dt.date.today() + dt.timedelta(days=30)
    with pytest.raises(ValidationError) as err:
        factories.cycle(world.ward, start_date=dt.date(2025, 3, 3), end_date=future,
                        decision="adopt")  # fmt: skip
    assert err.value.message_dict == {"decision": ["Record a decision once the cycle has ended"]}


def test_links_to_another_wards_driver_or_cycle_are_refused(world, system):
    theirs = factories.diagram(factories.project(world.other_ward))
    other_cycle = factories.cycle(world.other_ward)
    with pytest.raises(ValidationError) as err:
        factories.cycle(
            world.ward,
            driver=theirs.nodes.get(level=NodeLevel.SECONDARY),
            previous_cycle=other_cycle,
        )
    assert set(err.value.message_dict) == {"driver", "previous_cycle"}


def test_a_cycle_belongs_to_its_wards_project(world, system):
    project = factories.project(world.ward)
    assert factories.cycle(world.ward).project == project


# --- the cycle's page with data ---------------------------------------------------------------
BASELINE_WEEKS, AFTER_WEEKS = 26, 26
START = dt.date(2024, 1, 1) + dt.timedelta(weeks=BASELINE_WEEKS)  # a Monday


@pytest.fixture
def with_data(world, system):
    factories.measures()
    factories.weekly_data(
        world.ward, dt.date(2024, 1, 1), [30] * BASELINE_WEEKS + [2] * AFTER_WEEKS
    )
    return factories.cycle(world.ward, start_date=START, end_date=START + dt.timedelta(weeks=6))


def test_the_cycle_page_shows_the_chart_its_marks_and_the_signals_after_its_start(world, with_data):
    cycle = with_data
    page = world.client_for("ward_qi_lead").get(f"/wards/ALPHA-1/pdsa/{cycle.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "data-spc-chart" in html and 'id="chart-physical-restraint"' in html
    assert "Marked on this chart for this cycle:" in html
    assert "PDSA 1 start: Soft Words (1 July 2024)" in html
    assert "PDSA 1 end: Soft Words (12 August 2024)" in html
    assert "Special-cause signals since the cycle started" in html
    assert html.count('<td class="nhsuk-table__cell">Improvement</td>') >= 20


def test_the_signals_start_with_the_week_of_the_cycle_start(world, with_data):
    from mhsip.improvement.study import study

    (result,) = study(with_data, [factories.measures()["physical-restraint"]], dt.date(2025, 1, 1))
    assert result.block is not None
    assert result.signals and result.signals[0].start >= START
    assert {s.kind for s in result.signals} == {"improvement"}


def test_a_measure_without_data_says_so(world, system):
    cycle = factories.cycle(world.ward)
    html = world.client_for("ward_staff").get(f"/wards/ALPHA-1/pdsa/{cycle.pk}/").content.decode()
    assert "There is no data for physical restraint on Aspen Ward yet." in html
    assert '<a href="/improvement/change-ideas/soft-words/">Soft Words</a>: Scripts' in html


def test_the_ward_measure_page_lists_the_cycles_annotation(world, with_data):
    page = world.client_for("ward_qi_lead").get("/wards/ALPHA-1/measures/physical-restraint/")
    assert page.status_code == 200
    assert "PDSA 1 start: Soft Words" in page.content.decode()


def test_removing_the_driver_of_a_cycle_keeps_the_cycle(world, system):
    d = factories.diagram(factories.project(world.ward))
    secondary = d.nodes.get(level=NodeLevel.SECONDARY)
    cycle = factories.cycle(world.ward, driver=secondary)
    diagrams.remove_node(secondary)
    cycle.refresh_from_db()
    assert cycle.driver is None and notes(cycle).exists()
