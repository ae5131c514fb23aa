"""Shared fixtures: organisations, one user per role, and the outsider every access test needs
(pattern from healthchecks' BaseTestCase: an 'outsider' from another ward/trust always exists)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from mhsip.accounts.models import User
from mhsip.accounts.roles import Role
from mhsip.audit.actor import System, acting_as
from mhsip.organisations.models import Collaborative, Site, Trust, Ward, WardType

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def system() -> Iterator[System]:
    """Run the test body as a named system process, so audited writes are allowed."""
    actor = System("test")
    with acting_as(actor):
        yield actor


@dataclass
class World:
    trust: Trust
    other_trust: Trust
    ward: Ward
    sibling_ward: Ward  # same trust, different ward
    other_ward: Ward  # another trust
    collaborative: Collaborative
    users: dict[str, User]

    def client_for(self, key: str) -> Client:
        client = Client()
        client.force_login(self.users[key])
        return client


def make_user(username: str, role: Role, **extra: Any) -> User:
    wards = extra.pop("wards", [])
    user = User(username=username, role=role, **extra)
    user.set_password(PASSWORD)
    user.save()
    if wards:
        user.wards.set(wards)
    return user


@pytest.fixture
def world(db: Any, system: System) -> World:
    trust = Trust.objects.create(ods_code="RV5", name="Alpha NHS Foundation Trust")
    other_trust = Trust.objects.create(ods_code="RPG", name="Beta NHS Foundation Trust")
    site = Site.objects.create(trust=trust, code="S1", name="Alpha Hospital")
    other_site = Site.objects.create(trust=other_trust, code="S2", name="Beta Hospital")
    start = dt.date(2024, 1, 1)
    ward = Ward.objects.create(
        site=site,
        code="ALPHA-1",
        name="Aspen Ward",
        ward_type=WardType.ACUTE_MALE,
        beds=20,
        active_from=start,
    )
    sibling = Ward.objects.create(
        site=site,
        code="ALPHA-2",
        name="Beech Ward",
        ward_type=WardType.PICU,
        beds=10,
        active_from=start,
    )
    other = Ward.objects.create(
        site=other_site,
        code="BETA-1",
        name="Cedar Ward",
        ward_type=WardType.OLDER_ADULT,
        beds=18,
        active_from=start,
    )
    collaborative = Collaborative.objects.create(
        name="Reducing restrictive practice",
        slug="rrp",
        aim_statement="Reduce by a third.",
        start_date=dt.date(2025, 1, 6),
        baseline_start=start,
        baseline_end=dt.date(2025, 1, 5),
    )
    collaborative.wards.set([ward, sibling, other])
    users = {
        "ward_staff": make_user("staff", Role.WARD_STAFF, wards=[ward]),
        "ward_qi_lead": make_user("qilead", Role.WARD_QI_LEAD, wards=[ward]),
        "trust_lead": make_user("trustlead", Role.TRUST_LEAD, trust=trust),
        "collaborative_admin": make_user("admin", Role.COLLABORATIVE_ADMIN),
        "analyst": make_user("analyst", Role.ANALYST),
        "network_member": make_user("member", Role.NETWORK_MEMBER),
        "outsider": make_user("outsider", Role.WARD_QI_LEAD, wards=[other]),
    }
    return World(trust, other_trust, ward, sibling, other, collaborative, users)
