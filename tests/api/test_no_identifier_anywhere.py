"""An analyst (and a collaborative admin, and a network member) cannot see any identifier
anywhere: no page, API route or export in the URL map shows a patient's name, NHS number, local
identifier or a member of staff's name, even where the trust keeps them (issue 4; ADR 0005;
domain brief §10, Caldicott principle 4).

The URL map is walked, not listed by hand, so a route added later is checked too: named pages
take their arguments from the access tables (``tests/*/access.py``), API routes by parameter
name. The incident is placed in the last complete month, so the default export period holds it.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from mhsip.audit.actor import System, acting_as
from mhsip.imports.common import Scope
from mhsip.imports.incidents import IncidentImport
from mhsip.imports.mappings import load_mapping
from mhsip.imports.tables import read_table
from mhsip.recording import services
from mhsip.recording.identity import read_patient_identity
from mhsip.recording.models import PatientIdentity, StaffIdentity
from tests.api.conftest import incident_payload
from tests.core.test_views_access import ACCESS, resolve_kwargs
from tests.imports.factories import csv_bytes, incident_row

pytestmark = pytest.mark.django_db

NAME, NHS, LOCAL_ID, STAFF = "Zebedee Quarrington", "9434765919", "HOSP-7734521", "Wilma Staffer"
IMPORTED_NAME, IMPORTED_ID = "Philippa Imported", "HOSP-5550001"
SECRETS = [NAME, NHS, "943 476 5919", "943-476-5919", LOCAL_ID, STAFF, IMPORTED_NAME, IMPORTED_ID]
NOT_ALLOWED = ["analyst", "collaborative_admin", "network_member"]


def last_month_at(day: int, hour: int, minute: int = 0) -> str:
    first = timezone.localdate().replace(day=1)
    month = (first - dt.timedelta(days=1)).replace(day=day)
    return f"{month:%Y-%m-%d}T{hour:02d}:{minute:02d}:00"


@pytest.fixture
def access_urls(world) -> list[str]:
    """Every named page with the arguments its access table gives (made before identifiable
    mode is switched on, since some make records that identifiable mode would then require
    names for)."""
    urls, made = [], {}
    for name, _route, _params in walk(get_resolver()):
        if name in ACCESS:
            kwargs = ACCESS[name][0]
            if callable(kwargs):  # one object per factory, shared by the routes that use it
                if kwargs not in made:
                    made[kwargs] = _made(world, kwargs)
                kwargs = made[kwargs]
            if kwargs is not None:
                urls.append(reverse(name, kwargs=kwargs))
    return urls


def _made(world, factory):
    """An access table's objects; ``None`` where two tables' factories clash in one database
    (each was written for a test of its own); those routes are still reached by parameter."""
    try:
        with transaction.atomic():
            return resolve_kwargs(world, factory)
    except (IntegrityError, ValidationError):
        return None


@pytest.fixture
def identified(world, access_urls):
    """One incident recorded through the services, one imported, both with identities."""
    world.trust.identifiable_mode = True
    with acting_as(System("test")):
        world.trust.save()
        data = incident_payload(
            local_reference="ID-1",
            started_at=last_month_at(10, 14, 30),
            ended_at=last_month_at(10, 14, 50),
            review_with_patient_on=last_month_at(11, 9)[:10],
            review_with_staff_on=last_month_at(10, 15)[:10],
        )
        data.pop("patient_identifier")
        data["interventions"][0].update(
            started_at=last_month_at(10, 14, 32), ended_at=last_month_at(10, 14, 40)
        )
        data["patient"].update(name=NAME, nhs_number=NHS)
        data["staff"] = [{"job_title": "Staff nurse", "role": "lead", "name": STAFF}]
        incident = services.incident_create(
            actor_user_or_none=world.users["trust_lead"],
            ward=world.ward,
            patient_identifier=LOCAL_ID,
            data=data,
        )
    start = dt.datetime.fromisoformat(last_month_at(12, 9))
    row = incident_row(
        "ID-2",
        local_patient_id=IMPORTED_ID,
        patient_name=IMPORTED_NAME,
        nhs_number="4010232137",
        staff_names="Ivor Imported; Una Imported",
        incident_start=f"{start:%d/%m/%Y} 09:00",
        incident_end=f"{start:%d/%m/%Y} 09:20",
        intervention_start=f"{start:%d/%m/%Y} 09:05",
        intervention_end=f"{start:%d/%m/%Y} 09:10",
        review_with_patient_on=f"{start:%d/%m/%Y}",
        review_with_staff_on=f"{start:%d/%m/%Y}",
    )
    with acting_as(System("import:id.csv")):
        outcome = IncidentImport(
            read_table(csv_bytes([row])),
            mapping=load_mapping("canonical", "incidents"),
            scope=Scope.for_ward(world.ward),
            file_name="id.csv",
        ).run()
    assert outcome.ok, outcome.errors
    return incident


def walk(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    """Every route: (its name with namespace, or None; its pattern; its parameter names)."""
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            space = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry, prefix + str(entry.pattern), space)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            names = re.findall(r"<(?:\w+:)?(\w+)>", route)
            yield (f"{namespace}{entry.name}" if entry.name else None), route, names


def urls_for(world, incident, access_urls: list[str]) -> list[str]:
    """A GET URL for every route: named pages as their access tables give them, and every
    route whose parameters this test knows aimed at the identified incident (API routes, and
    pages with an incident's id)."""
    by_parameter = {
        "code": world.ward.code,
        "incident_id": incident.pk,
        "pk": incident.pk,
        "slug": world.collaborative.slug,
        "week": "2025-03-03",
        "kind": "incidents",
    }
    urls = list(access_urls)
    for name, route, params in walk(get_resolver()):
        for param in params:  # another object's id: the first one (exists or not, no matter)
            if param.endswith("_id") and param not in by_parameter:
                by_parameter[param] = 1
        if name is None:
            assert not params, f"unnamed route with parameters: {route}"
        elif all(p in by_parameter for p in params):
            urls.append(reverse(name, kwargs={p: by_parameter[p] for p in params}))
        elif name.startswith("api:"):  # pages are in the access tables (another test sees to it)
            missing = [p for p in params if p not in by_parameter]
            pytest.fail(f"{name} ({route}): add a value for {missing} to this test")
    return sorted(set(urls))


def body(response) -> str:
    content = b"".join(response) if response.streaming else response.content
    return content.decode("utf-8", errors="replace")


def test_the_identities_are_held_and_readable_by_the_trust_itself(world, identified):
    assert PatientIdentity.objects.count() == 2 and StaffIdentity.objects.count() == 3
    assert read_patient_identity(world.users["trust_lead"], identified.patient)["name"] == NAME


@pytest.mark.parametrize("role", NOT_ALLOWED)
def test_no_page_api_route_or_export_shows_an_identifier(world, access_urls, identified, role):
    client = world.client_for(role)
    opened = []
    for url in urls_for(world, identified, access_urls):
        response = client.get(url)
        if response.status_code != 200:
            continue
        opened.append(url)
        text = body(response)
        for secret in SECRETS:
            assert secret not in text, (role, url, secret)
    if role != "network_member":
        # the test reaches the incident: its page, its API record and the MHSDS export
        assert f"/api/v1/wards/ALPHA-1/incidents/{identified.pk}" in opened
        assert any("/mhsds" in url for url in opened), opened
        assert any(url.endswith(f"/{identified.pk}/") for url in opened), opened
    assert len(opened) >= 5, opened


def test_the_same_walk_finds_the_name_for_the_trusts_own_lead(world, access_urls, identified):
    """The control: the identifiers are really there to be leaked, since the walk shows them to
    the one role entitled to them."""
    client = world.client_for("trust_lead")
    showing = [
        url for url in urls_for(world, identified, access_urls) if NAME in body(client.get(url))
    ]
    assert showing, "no page showed the name to the trust lead: the walk proves nothing"
    assert not any(url.startswith("/api/") for url in showing)  # the API never shows it
