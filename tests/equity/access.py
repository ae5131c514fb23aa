"""Who may open each equity page (format: tests/core/test_views_access.py).

Every role gets 200: network members see the published collaborative figures, the outsider
(a QI lead of another trust's ward) their own ward, everyone else their scope. A ward or trust
filter outside the reader's scope is a 404: test_views.py checks that for each route. The CSV
exports need data to export (404 "no data" otherwise), so their rows build some first.
"""

from __future__ import annotations

ALL = [
    "ward_staff",
    "ward_qi_lead",
    "trust_lead",
    "collaborative_admin",
    "analyst",
    "network_member",
    "outsider",
]


def some_data(world):
    from tests.equity.data import simulate

    simulate(
        [world.ward, world.sibling_ward, world.other_ward],
        seed=3,
        groups={"white": ("A", 60, 1.0), "black": ("M", 40, 3.0)},
    )
    return {}


ACCESS = {
    "equity:overview": ({}, ALL, None, False),
    "equity:overview-csv": (some_data, ALL, None, False),
    "equity:use-of-force": ({}, ALL, None, False),
    "equity:use-of-force-csv": (some_data, ALL, None, False),
}
