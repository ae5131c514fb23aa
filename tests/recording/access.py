"""Who may open each use-of-force page (format: tests/core/test_views_access.py).

Statuses for the roles not allowed differ (network members 403, read-only roles 403 on the form,
the outsider 404), so "others" is None here and ``test_roles.py`` checks each role's status.
"""

from __future__ import annotations

from tests.recording.factories import make_incident

WARD_ROLES = ["ward_staff", "ward_qi_lead", "trust_lead", "collaborative_admin", "analyst"]
RECORDERS = ["ward_staff", "ward_qi_lead", "trust_lead"]


def incident_kwargs(world):
    return {"code": world.ward.code, "pk": make_incident(world).pk}


ACCESS = {
    "recording:use-of-force-list": ({"code": "ALPHA-1"}, WARD_ROLES, None, False),
    "recording:use-of-force-new": ({"code": "ALPHA-1"}, RECORDERS, None, False),
    "recording:use-of-force-mhsds": ({"code": "ALPHA-1"}, WARD_ROLES, None, False),
    "recording:use-of-force-detail": (incident_kwargs, WARD_ROLES, None, False),
    "recording:use-of-force-edit": (incident_kwargs, RECORDERS, None, False),
}
