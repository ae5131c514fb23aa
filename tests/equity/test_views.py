"""The equity pages, their exports and API as each role sees them: scope (an outsider's or a
network member's ward or trust filter is 404), which figures are disclosure-controlled, errors
on bad choices, and the export audit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mhsip.audit.models import AuditLog
from tests.equity.data import simulate

pytestmark = pytest.mark.django_db

ROUTES = [
    "equity:overview",
    "equity:overview-csv",
    "equity:use-of-force",
    "equity:use-of-force-csv",
]


@pytest.fixture
def data(world, system):
    simulate(
        [world.ward, world.sibling_ward, world.other_ward],
        seed=5,
        groups={
            "white": ("A", 120, 1.0),
            "black": ("M", 80, 3.0),
            "asian": ("H", 30, 1.2),
            "unknown": ("99", 6, 1.0),
        },
    )
    return world


def get(world, role, name, **params):
    return world.client_for(role).get(reverse(name), params)


@pytest.mark.parametrize("name", ROUTES)
def test_the_outsider_gets_404_for_a_ward_of_another_trust(data, name):
    response = get(data, "outsider", name, ward="ALPHA-1", trust="")
    if name.startswith("equity:use-of-force"):
        response = get(data, "outsider", name, trust="RV5")
    assert response.status_code == 404
    assert b"Aspen Ward" not in response.content


@pytest.mark.parametrize("name", ROUTES)
def test_a_network_member_cannot_narrow_to_a_trust(data, name):
    assert get(data, "network_member", name, trust="RV5").status_code == 404


def test_ward_staff_cannot_ask_for_their_whole_trust(data):
    assert get(data, "ward_staff", "equity:overview", trust="RV5").status_code == 404


def test_a_trust_lead_cannot_see_another_trust(data):
    assert get(data, "trust_lead", "equity:overview", trust="RPG").status_code == 404
    assert get(data, "trust_lead", "equity:overview", ward="BETA-1").status_code == 404


def test_the_collaborative_admin_sees_published_collaborative_figures(data):
    html = get(data, "collaborative_admin", "equity:overview").content.decode()
    assert "Reducing restrictive practice" in html  # the collaborative's name
    assert "Published figures" in html
    assert "Unsuppressed figures" not in html
    assert "per 1,000 occupied bed days of patients in this group (within-service)" in html
    assert "per 100,000 residents (population)" in html
    assert "Cluster-robust (sandwich)" in html


def test_a_network_member_sees_published_collaborative_figures_without_filters(data):
    html = get(data, "network_member", "equity:overview").content.decode()
    assert "Published figures" in html
    assert 'name="trust"' not in html and 'name="ward"' not in html


def test_a_trust_lead_sees_unsuppressed_figures_for_their_trust_except_ethnicity_by_ward(data):
    sex = get(data, "trust_lead", "equity:overview", characteristic="sex").content.decode()
    assert "Unsuppressed figures" in sex
    ward_ethnicity = get(data, "trust_lead", "equity:overview", ward="ALPHA-1").content.decode()
    assert "Published figures" in ward_ethnicity
    assert "Unsuppressed figures" not in ward_ethnicity


def test_ward_staff_see_their_ward_and_its_ethnicity_only_disclosure_controlled(data):
    html = get(data, "ward_staff", "equity:overview").content.decode()
    assert "Aspen Ward" in html and "Published figures" in html
    assert "a ward has no catchment population" in html
    sex = get(data, "ward_staff", "equity:overview", characteristic="autism").content.decode()
    assert "Unsuppressed figures" in sex


def test_an_unknown_choice_is_an_error_named_in_the_summary_and_the_page_title(data):
    response = get(
        data,
        "collaborative_admin",
        "equity:overview",
        characteristic="star-sign",
        reference="martians",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html
    assert 'href="#characteristic"' in html and "Choose a characteristic from the list" in html


def test_a_reference_group_of_another_characteristic_is_refused(data):
    html = get(
        data, "collaborative_admin", "equity:overview", characteristic="sex", reference="white"
    ).content.decode()
    assert 'href="#reference"' in html
    assert "Choose a reference group of sex from the list" in html


def test_choosing_a_reference_group_compares_every_group_with_it(data):
    html = get(data, "collaborative_admin", "equity:overview", reference="black").content.decode()
    assert "Rate ratio to Black or Black British" in html


@pytest.mark.parametrize("name", ["equity:overview-csv", "equity:use-of-force-csv"])
def test_a_csv_export_is_disclosure_controlled_and_audited_even_for_a_trust_lead(data, name):
    response = get(data, "trust_lead", name)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="')
    text = response.content.decode()
    assert "Disclosure control: HES (1-7 suppressed)" in text
    user = data.users["trust_lead"]
    assert AuditLog.objects.filter(action="export", actor=user).count() == 1


def test_the_use_of_force_statistics_show_units_and_every_breakdown(data):
    html = get(data, "collaborative_admin", "equity:use-of-force").content.decode()
    for text in (
        "Aspen Ward",
        "Cedar Ward",
        "By type of force",
        "Physical restraint",
        "Duration of physical, chemical and mechanical restraint",
        "By reason",
        "Restrictive interventions by ethnic group",
        "Restrictive interventions by sex",
        "0 to 10 minutes",
        "NHS financial years",
    ):
        assert text in html, text


def test_a_network_member_sees_use_of_force_statistics_for_the_collaborative_only(data):
    html = get(data, "network_member", "equity:use-of-force").content.decode()
    assert "Aspen Ward" not in html and "Cedar Ward" not in html
    assert "Figures for the whole collaborative only" in html


def test_an_unknown_year_is_an_error(data):
    html = get(data, "collaborative_admin", "equity:use-of-force", year="fy1900").content.decode()
    assert "<title>Error: " in html and "Choose a year from the list" in html


def test_the_api_answers_as_the_page_with_published_values(data):
    response = data.client_for("analyst").get("/api/v1/equity", {"characteristic": "ethnicity"})
    assert response.status_code == 200
    body = response.json()
    assert body["published"] is True and body["disclosure_rule"].startswith("HES")
    rates = next(t for t in body["tables"] if t["key"] == "rates")
    assert rates["denominator"].endswith("(within-service)")
    white = next(r for r in rates["rows"] if r["group"].startswith("White"))
    assert white["ratio"] == 1.0
    for row in rates["rows"]:
        for key in ("people", "people_restrained", "interventions"):
            value = row[key]
            assert value is None or value == 0 or (value >= 8 and value % 5 == 0), row


def test_the_api_gives_the_outsider_404_and_a_bad_choice_422(data):
    client = data.client_for("outsider")
    assert client.get("/api/v1/equity", {"ward": "ALPHA-1"}).status_code == 404
    assert client.get("/api/v1/equity", {"characteristic": "x"}).status_code == 422
    assert client.get("/api/v1/equity/use-of-force", {"trust": "RV5"}).status_code == 404
    assert client.get("/api/v1/equity/use-of-force").status_code == 200
