"""Every page, every role: who may open it, and that an outsider gets 404 for another ward.

Each app's tests keep a ``tests/<app>/access.py`` with an ``ACCESS`` table in the format below;
this module merges them. ``test_every_route_has_an_access_rule`` fails when a route is added
without saying who may see it, so no view goes without an outsider test.

Format: route name -> (kwargs, roles answered 200, status for every other role or None, public).
``kwargs`` may be a function of the ``world`` fixture (run as a system actor) returning kwargs,
for routes that need an object (an incident, a return) to exist first.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django.test import Client
from django.urls import get_resolver, reverse

import tests
from mhsip.audit.actor import System, acting_as

pytestmark = pytest.mark.django_db

ALL = [
    "ward_staff",
    "ward_qi_lead",
    "trust_lead",
    "collaborative_admin",
    "analyst",
    "network_member",
    "outsider",
]
WARD_ROLES = ["ward_staff", "ward_qi_lead", "trust_lead", "collaborative_admin", "analyst"]

# route name -> (kwargs, roles answered 200, status for everyone else, public?)
CORE_ACCESS = {
    "core:home": ({}, ALL, None, True),
    "core:accessibility": ({}, ALL, None, True),
    "core:privacy": ({}, ALL, None, True),
    "accounts:sign-in": ({}, ALL, None, True),
    "accounts:sign-out": ({}, ALL, None, False),
    "core:dashboard": ({}, ALL, None, False),
    "core:admin": ({}, ["collaborative_admin"], 403, False),
    "core:audit-log": ({}, ["collaborative_admin"], 403, False),
    "organisations:ward-list": ({}, [*WARD_ROLES, "outsider"], 403, False),
    "organisations:ward-detail": ({"code": "ALPHA-1"}, WARD_ROLES, 404, False),
    "organisations:collaborative-current": ({}, [], 302, False),
    "organisations:collaborative-detail": ({"slug": "rrp"}, ALL, None, False),
}


def merged_access():
    access = dict(CORE_ACCESS)
    for module in pkgutil.iter_modules(tests.__path__):
        try:
            extra = importlib.import_module(f"tests.{module.name}.access")
        except ModuleNotFoundError:
            continue
        overlap = set(access) & set(extra.ACCESS)
        assert not overlap, f"routes listed twice: {overlap}"
        access.update(extra.ACCESS)
    return access


ACCESS = merged_access()


def resolve_kwargs(world, kwargs):
    if callable(kwargs):
        with acting_as(System("test:access")):
            return kwargs(world)
    return kwargs


def named_routes():
    names = set()

    def walk(resolver, prefix=""):
        for p in resolver.url_patterns:
            if hasattr(p, "url_patterns"):
                ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
                walk(p, ns)
            elif p.name:
                names.add(prefix + p.name)

    walk(get_resolver())
    return {n for n in names if not n.startswith("api:")}


def test_every_route_has_an_access_rule():
    assert named_routes() == set(ACCESS)


@pytest.mark.parametrize("name", sorted(ACCESS))
def test_each_role_gets_what_it_may_and_no_more(world, name):
    kwargs, allowed, others, _public = ACCESS[name]
    url = reverse(name, kwargs=resolve_kwargs(world, kwargs))
    for role in ALL:
        response = world.client_for(role).get(url)
        if role in allowed:
            assert response.status_code == 200, (role, url)
        elif others is not None:
            assert response.status_code == others, (role, url, response.status_code)


@pytest.mark.parametrize("name", sorted(ACCESS))
def test_anonymous_visitors_see_only_public_pages(world, name):
    kwargs, _allowed, _others, public = ACCESS[name]
    response = Client().get(reverse(name, kwargs=resolve_kwargs(world, kwargs)))
    if public:
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:sign-in"))


def test_the_outsider_gets_404_for_a_ward_of_another_trust(world):
    response = world.client_for("outsider").get(
        reverse("organisations:ward-detail", kwargs={"code": "ALPHA-1"})
    )
    assert response.status_code == 404
    assert b"Aspen Ward" not in response.content


def test_a_ward_page_shows_its_ward_to_its_staff(world):
    response = world.client_for("ward_staff").get(
        reverse("organisations:ward-detail", kwargs={"code": "ALPHA-1"})
    )
    assert b"Aspen Ward" in response.content


def test_navigation_offers_only_what_the_role_may_open(world):
    member_page = world.client_for("network_member").get(reverse("core:dashboard")).content
    admin_page = world.client_for("collaborative_admin").get(reverse("core:dashboard")).content
    assert b">Wards<" not in member_page and b"Administration" not in member_page
    assert b">Wards<" in admin_page and b"Administration" in admin_page
