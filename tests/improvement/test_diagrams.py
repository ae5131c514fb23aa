"""Driver diagrams: editing through the service (audited), the template's deep copy, and the
accessible SVG with its nested-list equivalent."""

from __future__ import annotations

import itertools
import re

import pytest
from django.core.exceptions import ValidationError

from mhsip.audit.models import Action, AuditLog
from mhsip.improvement import diagrams
from mhsip.improvement.diagrams import LayoutNode, layout, render_svg
from mhsip.improvement.models import DriverDiagram, DriverNode, NodeLevel
from tests.improvement import factories

pytestmark = pytest.mark.django_db


# --- layout (no database) --------------------------------------------------------------------
def test_the_layout_puts_each_level_in_its_column_and_links_parent_to_child():
    tree = (
        LayoutNode(
            "Culture", (LayoutNode("Skills", (LayoutNode("Soft Words"), LayoutNode("Talk Down"))),)
        ),
        LayoutNode("Environment", (LayoutNode("Calm spaces"),)),
    )
    plan = layout("Reduce restraint by a third", tree)
    columns = [b.column for b in plan.boxes]
    assert sorted(columns) == [0, 1, 1, 2, 2, 3, 3]
    assert len(plan.links) == 6  # one per box except the aim
    xs = {b.column: b.x for b in plan.boxes}
    assert xs[0] < xs[1] < xs[2] < xs[3]
    assert all(link.x1 < link.x2 for link in plan.links)


def test_a_parent_is_centred_on_its_children_and_boxes_never_overlap():
    tree = (LayoutNode("Culture", tuple(LayoutNode(f"Driver {i}") for i in range(4))),)
    plan = layout("Aim", tree)
    parent = next(b for b in plan.boxes if b.column == 1)
    kids = sorted((b for b in plan.boxes if b.column == 2), key=lambda b: b.y)
    mid = (kids[0].y + kids[-1].y + kids[-1].height) / 2
    assert abs((parent.y + parent.height / 2) - mid) < 1
    for upper, lower in itertools.pairwise(kids):
        assert upper.y + upper.height <= lower.y
    assert plan.height >= kids[-1].y + kids[-1].height


def test_long_text_wraps_into_taller_boxes():
    plan = layout("Aim", (LayoutNode("A primary driver with a rather long description " * 3),))
    box = next(b for b in plan.boxes if b.column == 1)
    assert len(box.lines) > 3 and box.height > 60


def test_the_svg_is_an_image_with_a_title_and_a_description_and_escapes_text(world, system):
    d = factories.diagram(factories.project(world.ward))
    diagrams.update_node(d.nodes.get(level=NodeLevel.PRIMARY), text="Culture <& care>")
    svg = str(render_svg("Reduce by 33% <now>", diagrams.diagram_tree(d)))
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert re.search(r'aria-labelledby="driver-diagram-title driver-diagram-desc"', svg)
    assert '<title id="driver-diagram-title">Driver diagram</title>' in svg
    assert "1 primary driver, 1 secondary driver and 1 change idea" in svg
    assert "Culture &lt;&amp; care&gt;" in svg and "<now>" not in svg
    assert "style=" not in svg  # the strict CSP forbids inline styles


# --- editing -----------------------------------------------------------------------------------
def test_boxes_go_under_the_right_level_of_parent(world, system):
    d = diagrams.create_diagram(factories.project(world.ward))
    primary = diagrams.add_node(d, level=NodeLevel.PRIMARY, text="Culture")
    with pytest.raises(ValidationError) as err:
        diagrams.add_node(d, level=NodeLevel.CHANGE, text="Soft Words", parent=primary)
    assert err.value.message_dict == {"parent": ["Choose the secondary driver this goes under"]}
    with pytest.raises(ValidationError) as err:
        diagrams.add_node(d, level=NodeLevel.SECONDARY, text="  ", parent=primary)
    assert err.value.message_dict == {"text": ["Enter the text of the box"]}
    assert d.nodes.count() == 1


def test_a_change_idea_from_the_catalogue_takes_its_name_when_no_text_is_given(world, system):
    d = factories.diagram(factories.project(world.ward))
    change = d.nodes.get(level=NodeLevel.CHANGE)
    assert change.text == "Soft Words" and change.change_idea.slug == "soft-words"


def test_moving_a_box_swaps_it_with_its_neighbour_and_stops_at_the_ends(world, system):
    d = diagrams.create_diagram(factories.project(world.ward))
    a, _b, c = (diagrams.add_node(d, level=NodeLevel.PRIMARY, text=t) for t in "ABC")
    assert diagrams.move_node(c, "up")
    assert [n.text for n in d.nodes.order_by("order")] == ["A", "C", "B"]
    assert not diagrams.move_node(a, "up")
    assert diagrams.move_node(a, "down")
    assert [t.text for t in diagrams.diagram_tree(d)] == ["C", "A", "B"]


def test_removing_a_driver_removes_everything_below_it_each_deletion_audited(world, system):
    d = factories.diagram(factories.project(world.ward))
    cycle = factories.cycle(world.ward, driver=d.nodes.get(level=NodeLevel.SECONDARY))
    primary = d.nodes.get(level=NodeLevel.PRIMARY)
    ids = list(d.nodes.values_list("pk", flat=True))
    assert diagrams.remove_node(primary) == 3
    assert not d.nodes.exists()
    deleted = AuditLog.objects.filter(object_type="improvement.drivernode", action=Action.DELETE)
    assert sorted(int(r.object_id) for r in deleted) == sorted(ids)
    cycle.refresh_from_db()
    assert cycle.driver is None  # the cycle keeps its record


def test_a_ward_copies_the_template_deeply_and_adapts_its_copy(world, system):
    template = factories.diagram(factories.project(None, collaborative=world.collaborative))
    copy = diagrams.create_diagram(factories.project(world.ward), template=template)
    assert copy.copied_from == template
    original = [(n.level, n.text, n.change_idea_id) for n in template.nodes.order_by("id")]
    copied = [(n.level, n.text, n.change_idea_id) for n in copy.nodes.order_by("id")]
    assert copied == original
    assert not set(copy.nodes.values_list("pk", flat=True)) & set(
        template.nodes.values_list("pk", flat=True)
    )
    diagrams.update_node(copy.nodes.get(level=NodeLevel.PRIMARY), text="Our ward culture")
    assert template.nodes.get(level=NodeLevel.PRIMARY).text == "Culture"
    tree = diagrams.diagram_tree(copy)
    assert tree[0].children[0].node.parent_id == tree[0].node.pk


def test_a_project_has_one_diagram(world, system):
    proj = factories.project(world.ward)
    diagrams.create_diagram(proj)
    with pytest.raises(ValidationError):
        diagrams.create_diagram(proj)
    assert DriverDiagram.objects.filter(project=proj).count() == 1


def test_every_node_write_is_audited(world, system):
    d = factories.diagram(factories.project(world.ward))
    assert (
        AuditLog.objects.filter(object_type="improvement.drivernode", action=Action.CREATE).count()
        == DriverNode.objects.filter(diagram=d).count()
        == 3
    )
