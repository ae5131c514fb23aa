"""Property-based tests of the whole API against its own OpenAPI schema (/api/v1/openapi.json):
schemathesis generates requests, valid and invalid, from the schema the service publishes and
sends them to the Django WSGI app in-process. No request may end in a server error (5xx); the
recording operations' answers must also match their documented schemas.

Signed in as the world's ward QI lead, both ways at once: an API token (the routers that take
tokens) and a browser session with its CSRF token (the routers that take sessions only), so
every operation is exercised as that user, writes included. A known-good request of each
recording operation runs first, so their success answers are checked against the schema too.
Cases are pointed at the QI lead's own ward, and about a third of the incident look-ups at a
stored incident, so the handlers run beyond the first 404. Each operation gets 20 examples,
positive and negative mixed, derandomised, so the suite stays fast and repeatable.

(schemathesis' own pytest plugin does not run under pytest 9 — it reads ``Function._nodeid`` —
so its Python API is used with Hypothesis directly.)
"""

from __future__ import annotations

import pytest
import schemathesis
from django.conf import settings as settings_module
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from mhsip.api import api
from mhsip.audit.actor import System, acting_as
from mhsip.imports.auth import token_create
from mhsip.wsgi import application
from tests.api.conftest import incident_payload, store_incident

pytestmark = pytest.mark.django_db

EXAMPLES = 20
OPERATIONS = sorted(
    (method.upper(), path)
    for path, item in api.get_openapi_schema()["paths"].items()
    for method in item
    if method in {"get", "post", "put", "patch", "delete"}
)


CSRF = "schemathesis0csrf0token000000000"  # any 32 letters and digits, sent as cookie and header


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """As Django's test Client does: requests through the raw WSGI app must not close the
    database connection that holds the test's transaction (PostgreSQL would lose it)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def qi_lead(world):
    """Headers and cookies that sign in as the ward QI lead by token and by session."""
    with acting_as(System("test")):
        _, token = token_create(user=world.users["ward_qi_lead"], name="schemathesis")
    session = world.client_for("ward_qi_lead").cookies[settings_module.SESSION_COOKIE_NAME].value
    return {
        "headers": {"Authorization": f"Bearer {token}", "X-CSRFToken": CSRF},
        "cookies": {settings_module.SESSION_COOKIE_NAME: session, "csrftoken": CSRF},
    }


KNOWN_GOOD = {
    ("GET", "/api/v1/wards/{code}/incidents"): lambda world, stored: {},
    ("GET", "/api/v1/wards/{code}/incidents/{incident_id}"): lambda world, stored: {
        "path_parameters": {"incident_id": stored.pk}
    },
    ("POST", "/api/v1/wards/{code}/incidents"): lambda world, stored: {
        "body": incident_payload(local_reference="SCHEMATHESIS-1")
    },
}


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_no_request_ends_in_a_server_error(world, qi_lead, method, path):
    stored = store_incident(world.ward)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    operation = schema[path][method]
    fixed = {"code": world.ward.code} if "{code}" in path else None
    if (method, path) in KNOWN_GOOD:
        known = KNOWN_GOOD[(method, path)](world, stored)
        known["path_parameters"] = {**(fixed or {}), **known.get("path_parameters", {})}
        case = operation.Case(**known)
        response = case.call_and_validate(
            checks=[not_a_server_error, response_schema_conformance], **qi_lead
        )
        assert response.status_code in {200, 201}, response.text
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE, path_parameters=fixed),
        operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=fixed),
    )
    checks = [not_a_server_error]
    if "recording" in (operation.tags or []):
        checks.append(response_schema_conformance)

    @given(case=cases)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        params = case.path_parameters or {}
        if "incident_id" in params and str(params["incident_id"]).endswith(("0", "2", "4")):
            params["incident_id"] = stored.pk
        case.call_and_validate(checks=checks, **qi_lead)

    run()
