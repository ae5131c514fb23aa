"""Monitoring pages: the outsider gets 404 for another trust's ward; network members get 403."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PAGES = ["monitoring:sexual-safety-ward", "monitoring:awol-ward"]


@pytest.mark.parametrize("name", PAGES)
def test_the_outsider_gets_404_for_a_ward_of_another_trust(world, name):
    response = world.client_for("outsider").get(reverse(name, kwargs={"code": "ALPHA-1"}))
    assert response.status_code == 404
    assert b"Aspen Ward" not in response.content


@pytest.mark.parametrize("name", PAGES)
def test_network_members_are_forbidden_whatever_the_ward(world, name):
    for code in ("ALPHA-1", "NO-SUCH-WARD"):
        response = world.client_for("network_member").get(reverse(name, kwargs={"code": code}))
        assert response.status_code == 403


@pytest.mark.parametrize("name", ["monitoring:sexual-safety", "monitoring:awol"])
def test_the_outsider_sees_only_their_own_ward_on_the_overview(world, name):
    page = world.client_for("outsider").get(reverse(name)).content.decode()
    assert "Cedar Ward" in page
    assert "Aspen Ward" not in page and "Beech Ward" not in page
