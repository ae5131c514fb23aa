"""Who may open each safety page (format: tests/core/test_views_access.py).

Restricted visibility: only ward staff, ward QI leads, trust leads and collaborative admins see
these records; analysts and network members get 403; the outsider (another trust's QI lead)
gets 404. Only recording roles open the forms: the collaborative admin gets 403 there.
"""

from __future__ import annotations

from tests.safety import factories

SEE = ["ward_staff", "ward_qi_lead", "trust_lead", "collaborative_admin"]
RECORD = ["ward_staff", "ward_qi_lead", "trust_lead"]
WARD = {"code": "ALPHA-1"}

CREATORS = {
    "sexual-safety": factories.sexual_safety,
    "awol": factories.awol,
    "deaths": factories.death,
}


def on_ward(create):
    def kwargs(world):
        return {"code": world.ward.code, "pk": create(world.ward).pk}

    return kwargs


# Everyone not allowed gets 403, except the outsider's 404 (checked in test_access.py).
ACCESS = {}
for slug, create in CREATORS.items():
    ACCESS.update(
        {
            f"safety:{slug}-list": (WARD, SEE, None, False),
            f"safety:{slug}-detail": (on_ward(create), SEE, None, False),
            f"safety:{slug}-create": (WARD, RECORD, None, False),
            f"safety:{slug}-edit": (on_ward(create), RECORD, None, False),
        }
    )
