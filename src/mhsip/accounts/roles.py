"""The six roles of the programme and what each may do (ADR 0003).

Scope: ward staff and ward QI leads see the wards they are assigned to; a trust lead sees every
ward of their trust; a collaborative admin sees every ward of the collaborative; an analyst sees
the wards of their trust, or every collaborative ward when no trust is set, read-only and
pseudonymised; a network member sees no ward-level data at all, only published aggregates.
"""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    WARD_STAFF = "ward_staff", "Ward staff"
    WARD_QI_LEAD = "ward_qi_lead", "Ward QI lead"
    TRUST_LEAD = "trust_lead", "Trust lead"
    COLLABORATIVE_ADMIN = "collaborative_admin", "Collaborative admin"
    ANALYST = "analyst", "Analyst"
    NETWORK_MEMBER = "network_member", "Network member"

    @property
    def scoped_to_wards(self) -> bool:
        return self in {Role.WARD_STAFF, Role.WARD_QI_LEAD}

    @property
    def scoped_to_trust(self) -> bool:
        return self is Role.TRUST_LEAD

    @property
    def sees_ward_data(self) -> bool:
        return self is not Role.NETWORK_MEMBER

    @property
    def can_record(self) -> bool:
        """May create and correct records (incidents, returns) on wards in scope."""
        return self in {Role.WARD_STAFF, Role.WARD_QI_LEAD, Role.TRUST_LEAD}

    @property
    def is_admin(self) -> bool:
        return self is Role.COLLABORATIVE_ADMIN

    @property
    def sees_patient_level(self) -> bool:
        """May open individual (pseudonymised) records of wards in scope; network members and
        anonymous visitors see only collaborative aggregates."""
        return self is not Role.NETWORK_MEMBER

    @property
    def sees_safety_records(self) -> bool:
        """May open individual sexual-safety, AWOL and inpatient-death records: the ward's own
        recording roles, the trust lead and the collaborative admin; analysts see aggregates."""
        return self in {
            Role.WARD_STAFF,
            Role.WARD_QI_LEAD,
            Role.TRUST_LEAD,
            Role.COLLABORATIVE_ADMIN,
        }

    @property
    def sees_identifiers(self) -> bool:
        """May read identifiable patient fields, where the patient's trust switched them on.

        Caldicott principle 4 (need to know): only the trust's own recording roles; never the
        collaborative, analyst or network tiers (domain brief §10).
        """
        return self in {Role.WARD_STAFF, Role.WARD_QI_LEAD, Role.TRUST_LEAD}
