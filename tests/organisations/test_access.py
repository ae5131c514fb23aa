"""Who sees which wards: the scoped accessor, per role, with an outsider every time."""

from __future__ import annotations

import pytest
from django.http import Http404

from mhsip.organisations.access import get_ward_or_404, visible_wards

pytestmark = pytest.mark.django_db


def codes(world, key):
    return set(visible_wards(world.users[key]).values_list("code", flat=True))


def test_ward_staff_and_qi_leads_see_only_their_own_wards(world):
    assert codes(world, "ward_staff") == {"ALPHA-1"}
    assert codes(world, "ward_qi_lead") == {"ALPHA-1"}


def test_a_trust_lead_sees_every_ward_of_their_trust_and_no_other(world):
    assert codes(world, "trust_lead") == {"ALPHA-1", "ALPHA-2"}


def test_collaborative_admins_and_analysts_see_every_collaborative_ward(world):
    assert codes(world, "collaborative_admin") == {"ALPHA-1", "ALPHA-2", "BETA-1"}
    assert codes(world, "analyst") == {"ALPHA-1", "ALPHA-2", "BETA-1"}


def test_an_analyst_with_a_trust_sees_only_that_trust(world, system):
    analyst = world.users["analyst"]
    analyst.trust = world.other_trust
    analyst.save()
    assert set(visible_wards(analyst).values_list("code", flat=True)) == {"BETA-1"}


def test_network_members_see_no_ward(world):
    assert codes(world, "network_member") == set()


def test_the_outsider_cannot_get_a_ward_of_another_trust(world):
    with pytest.raises(Http404):
        get_ward_or_404(world.users["outsider"], "ALPHA-1")


def test_an_inactive_user_sees_nothing(world, system):
    staff = world.users["ward_staff"]
    staff.is_active = False
    staff.save()
    assert not visible_wards(staff).exists()
