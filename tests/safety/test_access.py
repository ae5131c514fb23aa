"""Every safety page, every role: the exact status each gets (the shared table in access.py can
hold only one status for 'everyone else'; here 403 and the outsider's 404 are told apart)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.core.test_views_access import ALL, resolve_kwargs
from tests.safety.access import ACCESS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", sorted(ACCESS))
def test_roles_without_safety_access_get_403_and_the_outsider_404(world, name):
    kwargs, allowed, _others, _public = ACCESS[name]
    url = reverse(name, kwargs=resolve_kwargs(world, kwargs))
    for role in ALL:
        status = world.client_for(role).get(url).status_code
        if role in allowed:
            expected = 200
        elif role == "outsider":
            expected = 404
        else:
            expected = 403
        assert status == expected, (role, url, status)


@pytest.mark.parametrize("name", sorted(n for n in ACCESS if n.endswith(("-create", "-edit"))))
def test_only_recording_roles_may_post_a_record(world, name):
    kwargs, _allowed, _others, _public = ACCESS[name]
    url = reverse(name, kwargs=resolve_kwargs(world, kwargs))
    for role, expected in [
        ("collaborative_admin", 403),
        ("analyst", 403),
        ("network_member", 403),
        ("outsider", 404),
    ]:
        assert world.client_for(role).post(url, {}).status_code == expected, (role, url)


def test_a_record_is_not_found_through_another_wards_address(world, system):
    from tests.safety.factories import sexual_safety

    record = sexual_safety(world.sibling_ward)
    url = reverse("safety:sexual-safety-detail", kwargs={"code": "ALPHA-1", "pk": record.pk})
    assert world.client_for("trust_lead").get(url).status_code == 404
