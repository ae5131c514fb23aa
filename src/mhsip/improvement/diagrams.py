"""Driver diagrams: the tree, its edits, the template's deep copy and the accessible SVG.

A driver diagram (domain brief §8.2) reads left to right: the aim, the primary drivers (the
system's components), the secondary drivers, and the change ideas, each linked to PDSA cycles.
The aim is the project's aim statement; nodes are primary drivers (no parent), secondary
drivers (under a primary) and change ideas (under a secondary).

The picture is an SVG built here (no JavaScript): four columns with connecting lines, with
``role="img"``, a ``<title>`` and a ``<desc>``; the page gives the same content as a nested list,
which is what assistive technology reads (WCAG 2.2 1.1.1).
"""

from __future__ import annotations

import textwrap
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from markupsafe import Markup

from mhsip.improvement.models import (
    PARENT_LEVEL,
    ChangeIdea,
    DriverDiagram,
    DriverNode,
    NodeLevel,
    Project,
)

MAX_TEXT = 200


# --- the tree --------------------------------------------------------------------------------
@dataclass
class TreeNode:
    """A node with its children, in order."""

    node: DriverNode
    children: list[TreeNode] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.node.text

    @property
    def level(self) -> str:
        return self.node.level


def diagram_tree(diagram: DriverDiagram) -> list[TreeNode]:
    """The primary drivers, each with its secondary drivers and their change ideas (one
    query)."""
    nodes = list(diagram.nodes.select_related("change_idea").order_by("order", "id"))
    by_parent: dict[int | None, list[DriverNode]] = defaultdict(list)
    for node in nodes:
        by_parent[node.parent_id].append(node)

    def build(parent_id: int | None) -> list[TreeNode]:
        return [TreeNode(n, build(n.pk)) for n in by_parent.get(parent_id, [])]

    return build(None)


def flatten(tree: Sequence[TreeNode]) -> list[tuple[int, TreeNode]]:
    """Depth-first (depth, node) pairs: the order of the editing page."""
    out: list[tuple[int, TreeNode]] = []

    def walk(items: Sequence[TreeNode], depth: int) -> None:
        for item in items:
            out.append((depth, item))
            walk(item.children, depth + 1)

    walk(tree, 0)
    return out


def counts(tree: Sequence[TreeNode]) -> dict[str, int]:
    """How many nodes of each level."""
    out = {level.value: 0 for level in NodeLevel}
    for _, item in flatten(tree):
        out[item.level] += 1
    return out


# --- editing ---------------------------------------------------------------------------------
def _clean_text(text: str, change_idea: ChangeIdea | None) -> str:
    text = (text or "").strip()
    if not text and change_idea is not None:
        text = change_idea.name
    if not text:
        raise ValidationError({"text": "Enter the text of the box"})
    if len(text) > MAX_TEXT:
        raise ValidationError({"text": f"The text must be {MAX_TEXT} characters or fewer"})
    return text


def _siblings(diagram: DriverDiagram, parent_id: int | None) -> list[DriverNode]:
    return list(diagram.nodes.filter(parent_id=parent_id).order_by("order", "id"))


def _renumber(nodes: Sequence[DriverNode], reason: str = "") -> None:
    for i, node in enumerate(nodes):
        if node.order != i:
            node.order = i
            node.save(audit_reason=reason)


@transaction.atomic
def add_node(
    diagram: DriverDiagram,
    *,
    level: str,
    text: str,
    parent: DriverNode | None = None,
    change_idea: ChangeIdea | None = None,
) -> DriverNode:
    """Add a node at the end of its parent's children. A primary driver has no parent, a
    secondary driver sits under a primary driver and a change idea under a secondary driver
    (domain §8.2)."""
    if level not in NodeLevel.values:
        raise ValidationError({"level": "Choose what kind of box to add"})
    wanted = PARENT_LEVEL[NodeLevel(level)]
    if wanted is None:
        parent = None
    elif parent is None or parent.diagram_id != diagram.pk or parent.level != wanted:
        noun = "primary driver" if wanted == NodeLevel.PRIMARY else "secondary driver"
        raise ValidationError({"parent": f"Choose the {noun} this goes under"})
    if level != NodeLevel.CHANGE:
        change_idea = None
    clean = _clean_text(text, change_idea)
    last = diagram.nodes.filter(parent=parent).aggregate(m=Max("order"))["m"]
    node = DriverNode(
        diagram=diagram,
        parent=parent,
        level=level,
        text=clean,
        change_idea=change_idea,
        order=0 if last is None else last + 1,
    )
    node.save()
    return node


@transaction.atomic
def update_node(node: DriverNode, *, text: str, change_idea: ChangeIdea | None = None) -> None:
    """Rename a node (and, for a change idea, link it to a catalogue idea or unlink it)."""
    if node.level != NodeLevel.CHANGE:
        change_idea = None
    node.text = _clean_text(text, change_idea)
    node.change_idea = change_idea
    node.save()


@transaction.atomic
def move_node(node: DriverNode, direction: str) -> bool:
    """Move a node one place up or down among its siblings; False if it is already first or
    last."""
    siblings = _siblings(node.diagram, node.parent_id)
    i = next(k for k, s in enumerate(siblings) if s.pk == node.pk)
    j = i - 1 if direction == "up" else i + 1
    if direction not in {"up", "down"} or not 0 <= j < len(siblings):
        return False
    siblings[i], siblings[j] = siblings[j], siblings[i]
    _renumber(siblings)
    return True


def descendants(node: DriverNode) -> list[DriverNode]:
    """Every node below ``node``, deepest first."""
    out: list[DriverNode] = []
    for child in node.children.all():
        out.extend(descendants(child))
        out.append(child)
    return out


@transaction.atomic
def remove_node(node: DriverNode) -> int:
    """Remove a node and everything below it, each deletion audited; returns how many boxes
    went. PDSA cycles linked to a removed driver keep their record and lose only the link."""
    gone = [*descendants(node), node]
    for item in gone:
        for cycle in item.pdsa_cycles.all():
            cycle.driver = None
            cycle.save(audit_reason=f"driver '{item.text}' removed from the diagram")
        item.delete()
    _renumber(_siblings(node.diagram, node.parent_id))
    return len(gone)


@transaction.atomic
def create_diagram(project: Project, *, template: DriverDiagram | None = None) -> DriverDiagram:
    """A new diagram for ``project``: empty, or a deep copy of ``template`` (every node, its
    order and its catalogue idea), which the ward then adapts (issue 6 item 2)."""
    if DriverDiagram.objects.filter(project=project).exists():
        raise ValidationError("This project already has a driver diagram")
    diagram = DriverDiagram(project=project, copied_from=template)
    diagram.save(audit_reason="copied from the collaborative's template" if template else "")
    if template is not None:
        reason = f"copied from driver diagram {template.pk}"

        def copy(items: Sequence[TreeNode], parent: DriverNode | None) -> None:
            for item in items:
                new = DriverNode(
                    diagram=diagram,
                    parent=parent,
                    level=item.node.level,
                    text=item.node.text,
                    change_idea=item.node.change_idea,
                    order=item.node.order,
                )
                new.save(audit_reason=reason)
                copy(item.children, new)

        copy(diagram_tree(template), None)
    return diagram


# --- the SVG ---------------------------------------------------------------------------------
COLUMN_WIDTH = 200
COLUMN_GAP = 40
PADDING = 8
LINE_HEIGHT = 16
FONT_SIZE = 13
CHARS_PER_LINE = 27
ROW_GAP = 12
HEADER = 36
COLUMNS = ("Aim", "Primary drivers", "Secondary drivers", "Change ideas")
FONT = "Arial, 'Liberation Sans', Helvetica, sans-serif"

#: fill, stroke, text colour per column (NHS.UK palette; text contrast at least 4.5:1).
STYLES = {
    0: ("#005eb8", "#003087", "#ffffff"),  # aim: NHS blue, white text (5.6:1)
    1: ("#ffffff", "#005eb8", "#212b32"),
    2: ("#f0f4f5", "#4c6272", "#212b32"),
    3: ("#ffffff", "#007f3b", "#212b32"),
}


@dataclass(frozen=True)
class LayoutNode:
    """Plain input for the layout: text and children (so the layout is testable without a
    database)."""

    text: str
    children: tuple[LayoutNode, ...] = ()


@dataclass(frozen=True)
class Box:
    column: int
    x: float
    y: float
    width: float
    height: float
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Link:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Layout:
    boxes: tuple[Box, ...]
    links: tuple[Link, ...]
    width: float
    height: float


def wrap(text: str) -> tuple[str, ...]:
    """Lines of at most :data:`CHARS_PER_LINE` characters (long words are broken).

    >>> wrap("Reduce restrictive practice by a third in 18 months")
    ('Reduce restrictive practice', 'by a third in 18 months')
    """
    return tuple(textwrap.wrap(text, CHARS_PER_LINE, break_long_words=True)) or ("",)


def _box_height(text: str) -> float:
    return len(wrap(text)) * LINE_HEIGHT + 2 * PADDING


def layout(aim: str, primaries: Sequence[LayoutNode]) -> Layout:
    """Place the boxes in four columns: each node is centred on the block of its children,
    and a block is as tall as its children's blocks or its own box, whichever is taller."""
    heights: dict[int, float] = {}

    def block(node: LayoutNode) -> float:
        key = id(node)
        if key not in heights:
            own = _box_height(node.text) + ROW_GAP
            heights[key] = max(own, sum(block(c) for c in node.children))
        return heights[key]

    boxes: list[Box] = []
    links: list[Link] = []

    def place(node: LayoutNode, column: int, top: float) -> Box:
        total = block(node)
        x = column * (COLUMN_WIDTH + COLUMN_GAP)
        height = _box_height(node.text)
        box = Box(column, x, top + (total - height) / 2, COLUMN_WIDTH, height, wrap(node.text))
        boxes.append(box)
        kids = sum(block(c) for c in node.children)
        y = top + (total - kids) / 2
        for child in node.children:
            child_box = place(child, column + 1, y)
            links.append(
                Link(
                    x + COLUMN_WIDTH,
                    box.y + height / 2,
                    child_box.x,
                    child_box.y + child_box.height / 2,
                )
            )
            y += block(child)
        return box

    root = LayoutNode(aim, tuple(primaries))
    place(root, 0, HEADER)
    width = len(COLUMNS) * COLUMN_WIDTH + (len(COLUMNS) - 1) * COLUMN_GAP
    return Layout(tuple(boxes), tuple(links), width, HEADER + block(root))


def layout_nodes(tree: Sequence[TreeNode]) -> tuple[LayoutNode, ...]:
    return tuple(LayoutNode(t.text, layout_nodes(t.children)) for t in tree)


def describe(aim: str, tree: Sequence[TreeNode]) -> str:
    n = counts(tree)

    def plural(k: int, one: str, many: str) -> str:
        return f"{k} {one if k == 1 else many}"

    return (
        f"Driver diagram. Aim: {aim or 'not yet set'}. "
        f"{plural(n['primary'], 'primary driver', 'primary drivers')}, "
        f"{plural(n['secondary'], 'secondary driver', 'secondary drivers')} and "
        f"{plural(n['change'], 'change idea', 'change ideas')}. "
        "The same diagram is given as a nested list on this page."
    )


def render_svg(aim: str, tree: Sequence[TreeNode], *, dom_id: str = "driver-diagram") -> Markup:
    """The diagram as an accessible SVG (``role="img"``, ``<title>``, ``<desc>``)."""
    plan = layout(aim or "Aim not yet set", layout_nodes(tree))
    title_id, desc_id = f"{dom_id}-title", f"{dom_id}-desc"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{dom_id}" class="mhsip-driver-diagram" '
        f'role="img" aria-labelledby="{title_id} {desc_id}" width="{plan.width:.0f}" '
        f'height="{plan.height:.0f}" viewBox="0 0 {plan.width:.0f} {plan.height:.0f}" '
        f'font-family="{escape(FONT)}" font-size="{FONT_SIZE}">',
        f'<title id="{title_id}">Driver diagram</title>',
        f'<desc id="{desc_id}">{escape(describe(aim, tree))}</desc>',
    ]
    for i, heading in enumerate(COLUMNS):
        x = i * (COLUMN_WIDTH + COLUMN_GAP)
        out.append(
            f'<text x="{x}" y="20" font-weight="bold" fill="#212b32">{escape(heading)}</text>'
        )
    for link in plan.links:
        mid = link.x1 + COLUMN_GAP / 2
        out.append(
            f'<path d="M{link.x1:.1f} {link.y1:.1f} H{mid:.1f} V{link.y2:.1f} H{link.x2:.1f}" '
            'fill="none" stroke="#4c6272" stroke-width="1.5"/>'
        )
    for box in plan.boxes:
        fill, stroke, ink = STYLES[box.column]
        out.append(
            f'<rect x="{box.x:.1f}" y="{box.y:.1f}" width="{box.width:.0f}" '
            f'height="{box.height:.1f}" rx="4" fill="{fill}" stroke="{stroke}" '
            'stroke-width="2"/>'
        )
        spans = "".join(
            f'<tspan x="{box.x + PADDING:.1f}" dy="{0 if k == 0 else LINE_HEIGHT}">'
            f"{escape(line)}</tspan>"
            for k, line in enumerate(box.lines)
        )
        first = box.y + PADDING + FONT_SIZE
        out.append(f'<text y="{first:.1f}" fill="{ink}">{spans}</text>')
    out.append("</svg>")
    return Markup("".join(out))
