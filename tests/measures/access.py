"""Who may open each measures page (format: tests/core/test_views_access.py).

Ward chart pages: every role with ward-level data in scope gets 200; network members 403 and
the outsider 404, so "others" is None and test_ward_dashboard.py checks each role's status.
Append the routes of other measures pages below.
"""

from __future__ import annotations

WARD_ROLES = ["ward_staff", "ward_qi_lead", "trust_lead", "collaborative_admin", "analyst"]
WARD_MEASURE = {"code": "ALPHA-1", "slug": "restrictive-interventions"}

ACCESS = {
    "measures:ward-dashboard": ({"code": "ALPHA-1"}, WARD_ROLES, None, False),
    "measures:ward-measure": (WARD_MEASURE, WARD_ROLES, None, False),
    "measures:ward-measure-csv": (WARD_MEASURE, WARD_ROLES, None, False),
    "measures:ward-measure-svg": (WARD_MEASURE, WARD_ROLES, None, False),
    "measures:ward-measure-png": (WARD_MEASURE, WARD_ROLES, None, False),
}


# --- The collaborative overview, rebasing, the measure library, public statistics ----------
# Ward rebase pages: the ward's readers see the history; only its QI lead proposes (others who
# see the ward get 403) and its QI lead or an admin fixes a baseline; the outsider and network
# members get 404 (the ward is outside their scope). test_rebase.py checks each role.

ALL = [*WARD_ROLES, "network_member", "outsider"]


def a_proposed_rebase(world):
    import datetime as dt

    from mhsip.measures.models import Measure, Rebase

    rebase = Rebase.objects.create(
        ward=world.ward,
        measure=Measure.objects.get(slug="restrictive-interventions"),
        starts_on=dt.date(2024, 6, 3),
        reason="Safewards adopted",
        proposed_by=world.users["ward_qi_lead"],
    )
    return {"pk": rebase.pk}


def a_quarter_of_data(world):
    """Two wards with 13 weeks of census and a few incidents, so the funnel can be drawn."""
    import datetime as dt

    from django.utils import timezone

    from mhsip.recording.models import Patient, WardCensus
    from tests.measures.chart_data import add_incident

    end = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday() + 1)
    start = end - dt.timedelta(days=13 * 7 - 1)
    for i, ward in enumerate((world.ward, world.sibling_ward)):
        WardCensus.objects.bulk_create(
            WardCensus(ward=ward, date=start + dt.timedelta(days=d), occupied=15)
            for d in range(13 * 7)
        )
        patient = Patient.objects.create(trust=ward.site.trust, key=f"acc{i}".ljust(64, "z"))
        for d in range(0, 13 * 7, 10 + i):
            when = dt.datetime.combine(start + dt.timedelta(days=d), dt.time(12), dt.UTC)
            add_incident(ward, patient, when)
    return {"slug": world.collaborative.slug}


ACCESS.update(
    {
        "measures:collaborative-matrix": ({"slug": "rrp"}, ALL, None, False),
        "measures:collaborative-funnel-svg": (
            a_quarter_of_data,
            [*WARD_ROLES, "outsider"],
            403,
            False,
        ),
        "measures:statistics": ({}, ALL, None, True),
        "measures:ward-rebases": ({"code": "ALPHA-1"}, WARD_ROLES, 404, False),
        "measures:rebase-propose": ({"code": "ALPHA-1"}, ["ward_qi_lead"], None, False),
        "measures:fixed-baseline": (
            {"code": "ALPHA-1"},
            ["ward_qi_lead", "collaborative_admin"],
            None,
            False,
        ),
        "measures:rebase-queue": ({}, ["collaborative_admin"], 403, False),
        "measures:rebase-decide": (a_proposed_rebase, ["collaborative_admin"], 403, False),
        "measures:measure-list": ({}, ["collaborative_admin"], 403, False),
        "measures:measure-create": ({}, ["collaborative_admin"], 403, False),
        "measures:measure-edit": ({"slug": "incidents"}, ["collaborative_admin"], 403, False),
    }
)
