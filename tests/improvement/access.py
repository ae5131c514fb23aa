"""Who may open each improvement page (format: tests/core/test_views_access.py).

Collaborative-level pages (catalogue, calendar, progress, the collaborative's project) are open
to everyone signed in, network members included; the progress page shows them only the
collaborative's aggregate. Ward pages go through the scoped accessor: the outsider (another
trust's QI lead) and network members (no wards) get 404. Forms that change a ward's QI work are
for its recording roles; admins and analysts get 403 there (checked in test_access.py, as the
other roles' codes differ).
"""

from __future__ import annotations

from tests.improvement import factories

ALL = [
    "ward_staff",
    "ward_qi_lead",
    "trust_lead",
    "collaborative_admin",
    "analyst",
    "network_member",
    "outsider",
]
SEE = ["ward_staff", "ward_qi_lead", "trust_lead", "collaborative_admin", "analyst"]
RECORD = ["ward_staff", "ward_qi_lead", "trust_lead"]
WARD = {"code": "ALPHA-1"}


def an_idea(world):
    return {"slug": factories.idea("soft-words").slug}


def a_session(world):
    session = world.collaborative.learning_sessions.create(
        number=1, date=world.collaborative.start_date, title="Launch"
    )
    return {"pk": session.pk}


def the_project(world):
    return {"project_pk": factories.project(world.ward).pk}


def the_diagram(world):
    return {"pk": factories.diagram(factories.project(world.ward)).pk}


def a_node(world):
    d = factories.diagram(factories.project(world.ward))
    return {"pk": d.pk, "node_pk": d.nodes.get(level="secondary").pk}


def a_cycle(world):
    return {"code": world.ward.code, "pk": factories.cycle(world.ward).pk}


ACCESS = {
    "improvement:overview": ({}, ALL, None, False),
    "improvement:catalogue": ({}, ALL, None, False),
    "improvement:idea-detail": (an_idea, ALL, None, False),
    "improvement:idea-propose": ({}, ["network_member"], 403, False),
    "improvement:calendar": ({}, ALL, None, False),
    "improvement:attendance": (a_session, ["collaborative_admin"], 403, False),
    "improvement:progress": ({}, ALL, None, False),
    "improvement:collaborative-project": ({"slug": "rrp"}, ALL, None, False),
    "improvement:collaborative-project-edit": (
        {"slug": "rrp"},
        ["collaborative_admin"],
        403,
        False,
    ),
    "improvement:diagram-create": (the_project, RECORD, None, False),
    "improvement:diagram": (the_diagram, SEE, 404, False),
    "improvement:diagram-edit": (the_diagram, RECORD, None, False),
    "improvement:node-edit": (a_node, RECORD, None, False),
    "improvement:node-remove": (a_node, RECORD, None, False),
    "improvement:ward-project": (WARD, SEE, 404, False),
    "improvement:ward-project-edit": (WARD, RECORD, None, False),
    "improvement:ward-idea-create": (WARD, RECORD, None, False),
    "improvement:pdsa-list": (WARD, SEE, 404, False),
    "improvement:pdsa-create": (WARD, RECORD, None, False),
    "improvement:pdsa-detail": (a_cycle, SEE, 404, False),
    "improvement:pdsa-edit": (a_cycle, RECORD, None, False),
    "improvement:pdsa-delete": (a_cycle, RECORD, None, False),
}
