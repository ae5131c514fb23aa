"""Who may open each report page (format: tests/core/test_views_access.py).

Reports: collaborative admins make the annual report, admins and analysts read it; ward packs
are for admins and the ward's trust lead and QI lead (tests/reports/test_access.py checks the
404s: a report outside the user's reach is not found, never forbidden).
"""

from __future__ import annotations

from tests.reports import factories

READERS = ["collaborative_admin", "analyst"]

ACCESS = {
    "reports:list": (
        {},
        ["ward_qi_lead", "trust_lead", "collaborative_admin", "analyst", "outsider"],
        403,
        False,
    ),
    "reports:annual-new": ({}, ["collaborative_admin"], 403, False),
    "reports:ward-pack-new": (
        {},
        ["ward_qi_lead", "trust_lead", "collaborative_admin", "outsider"],
        403,
        False,
    ),
    "reports:detail": (factories.annual, READERS, None, False),
    "reports:status": (factories.annual, READERS, None, False),
    "reports:html": (factories.annual, READERS, None, False),
    "reports:download": (factories.annual_pdf, READERS, None, False),
}
