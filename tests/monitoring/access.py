"""Who may open each monitoring page (format: tests/core/test_views_access.py).

Roles that see safety records get exact figures; analysts get disclosure-controlled aggregates;
network members get 403; the outsider sees their own wards on the overview and gets 404 for a
ward of another trust (tests/monitoring/test_access.py).
"""

from __future__ import annotations

SEE = ["ward_staff", "ward_qi_lead", "trust_lead", "collaborative_admin", "analyst"]
WARD = {"code": "ALPHA-1"}

ACCESS = {
    "monitoring:sexual-safety": ({}, [*SEE, "outsider"], 403, False),
    "monitoring:sexual-safety-ward": (WARD, SEE, None, False),
    "monitoring:awol": ({}, [*SEE, "outsider"], 403, False),
    "monitoring:awol-ward": (WARD, SEE, None, False),
}
