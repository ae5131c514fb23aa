"""A small collaborative with data for reports: the three world wards' census and use of force
from tests.measures.collab_data (2024-01-01 for 93 weeks), plus safety records, deaths, one
PDSA cycle per decision and a network meeting in 2025."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from mhsip.accounts.roles import Role
from mhsip.improvement.models import ChangeIdea, PdsaCycle, PdsaMeasure
from mhsip.measures.models import Measure
from mhsip.network.models import Meeting, NetworkMember, Registration
from mhsip.organisations.models import Collaborative, Site, Trust, Ward, WardType
from mhsip.safety.codes import LeaveStatus
from tests.conftest import World, make_user
from tests.measures import collab_data
from tests.safety import factories as safety


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def build_world() -> World:
    """The shared test world (tests/conftest.py ``world``), for module-scoped fixtures."""
    trust = Trust.objects.create(ods_code="RV5", name="Alpha NHS Foundation Trust")
    other_trust = Trust.objects.create(ods_code="RPG", name="Beta NHS Foundation Trust")
    site = Site.objects.create(trust=trust, code="S1", name="Alpha Hospital")
    other_site = Site.objects.create(trust=other_trust, code="S2", name="Beta Hospital")
    start = dt.date(2024, 1, 1)

    def ward(s, code, name, kind, beds):
        return Ward.objects.create(
            site=s, code=code, name=name, ward_type=kind, beds=beds, active_from=start
        )

    aspen = ward(site, "ALPHA-1", "Aspen Ward", WardType.ACUTE_MALE, 20)
    beech = ward(site, "ALPHA-2", "Beech Ward", WardType.PICU, 10)
    cedar = ward(other_site, "BETA-1", "Cedar Ward", WardType.OLDER_ADULT, 18)
    collaborative = Collaborative.objects.create(
        name="Reducing restrictive practice",
        slug="rrp",
        aim_statement="Reduce by a third.",
        start_date=dt.date(2025, 1, 6),
        baseline_start=start,
        baseline_end=dt.date(2025, 1, 5),
    )
    collaborative.wards.set([aspen, beech, cedar])
    users = {
        "ward_staff": make_user("staff", Role.WARD_STAFF, wards=[aspen]),
        "ward_qi_lead": make_user("qilead", Role.WARD_QI_LEAD, wards=[aspen]),
        "trust_lead": make_user("trustlead", Role.TRUST_LEAD, trust=trust),
        "collaborative_admin": make_user("admin", Role.COLLABORATIVE_ADMIN),
        "analyst": make_user("analyst", Role.ANALYST),
        "network_member": make_user("member", Role.NETWORK_MEMBER),
        "outsider": make_user("outsider", Role.WARD_QI_LEAD, wards=[cedar]),
    }
    return World(trust, other_trust, aspen, beech, cedar, collaborative, users)


def build(world) -> None:
    collab_data.build(world)
    ward = world.ward
    start = dt.date(2025, 2, 3)
    for i in range(20):  # a sexual-safety incident every 9 days on Aspen
        safety.sexual_safety(
            ward, occurred_at=at(start + dt.timedelta(days=9 * i)), status="submitted"
        )
    for i in range(12):
        safety.awol(
            world.sibling_ward,
            left_at=at(start + dt.timedelta(days=13 * i)),
            returned_at=at(start + dt.timedelta(days=13 * i), 18),
            status="submitted",
        )
    safety.death(ward, died_on=dt.date(2025, 4, 2), status=LeaveStatus.AGREED_LEAVE)
    safety.death(world.other_ward, died_on=dt.date(2025, 6, 9), status=LeaveStatus.ON_WARD,
                 suspected_suicide=False)  # fmt: skip
    idea, _ = ChangeIdea.objects.get_or_create(
        slug="safety-huddle",
        defaults={"name": "Safety huddle", "purpose": "Talk daily", "source": "ward"},
    )
    measure = Measure.objects.get(slug="restrictive-interventions")
    for number, decision in enumerate(["adopt", "adapt", "abandon"], start=1):
        cycle = PdsaCycle.objects.create(
            ward=ward,
            change_idea=idea,
            number=number,
            owner="Ward manager",
            start_date=dt.date(2025, 2, 3) + dt.timedelta(weeks=6 * number),
            end_date=dt.date(2025, 3, 3) + dt.timedelta(weeks=6 * number),
            objective="o", questions="q", prediction="p", who_where_when="w", data_to_collect="d",
            decision=decision,
        )  # fmt: skip
        PdsaMeasure.objects.create(cycle=cycle, measure=measure)
    meeting = Meeting.objects.create(
        title="Network meeting 1",
        starts_at=at(dt.date(2025, 3, 12), 10),
        ends_at=at(dt.date(2025, 3, 12), 15),
        capacity=40,
    )
    for i in range(12):
        member = NetworkMember.objects.create(
            name=f"Member {i}", category="lived_experience" if i < 9 else "police",
            joined_on=dt.date(2024, 6, 1),
        )  # fmt: skip
        Registration.objects.create(
            meeting=meeting, member=member, status="registered", attended=i < 10
        )
