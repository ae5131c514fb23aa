"""The monitoring pages: exact figures and charts for roles that see safety records,
disclosure-controlled tables only for analysts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from mhsip.recording.models import WardCensus
from mhsip.reports.figures import HES_RULE, forbidden_cells
from tests.safety import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(world, system):
    start = dt.date(2024, 12, 30)
    WardCensus.objects.bulk_create(
        WardCensus(ward=w, date=start + dt.timedelta(days=i), occupied=15)
        for w in (world.ward, world.sibling_ward)
        for i in range(120)
    )
    for i in range(15):
        when = timezone.make_aware(dt.datetime(2025, 1, 2, 12) + dt.timedelta(days=6 * i))
        factories.sexual_safety(world.ward, occurred_at=when, status="submitted")
        factories.awol(world.sibling_ward, left_at=when, returned_at=when + dt.timedelta(hours=3),
                       status="submitted")  # fmt: skip
    return world


def get(world, role, name, **kwargs):
    query = "?from-day=30&from-month=12&from-year=2024&to-day=27&to-month=4&to-year=2025"
    return world.client_for(role).get(reverse(name, kwargs=kwargs) + query)


def test_a_ward_team_sees_exact_counts_the_rate_chart_and_the_rare_event_charts(records):
    page = get(
        records, "ward_qi_lead", "monitoring:sexual-safety-ward", code="ALPHA-1"
    ).content.decode()
    assert "<h1>Sexual-safety monitoring</h1>" in page
    assert 'data-kind="count">15</td>' in page
    assert "Days between sexual-safety incidents (t chart)" in page
    assert "Occupied bed days between sexual-safety incidents (t chart)" not in page
    assert "Occupied bed days between sexual-safety incidents (g chart)" in page
    assert page.count('role="img"') >= 3  # rate chart, t chart, g chart (plus icons)
    assert "CQC (2018)" in page


def test_an_analyst_sees_only_disclosure_controlled_tables_and_no_charts(records):
    page = get(records, "analyst", "monitoring:sexual-safety").content.decode()
    assert "Your role sees these figures as aggregates only" in page
    assert "Days between" not in page and "mhsip-report-chart" not in page
    assert forbidden_cells(page, HES_RULE) == []
    assert 'data-kind="count">15</td>' in page  # 15 is a multiple of 5: shown


def test_the_awol_page_shows_the_rate_deaths_and_the_national_split(records):
    factories.death(records.sibling_ward, died_on=dt.date(2025, 2, 1))
    page = get(records, "trust_lead", "monitoring:awol").content.decode()
    assert "AWOL per 1,000 occupied bed days" in page
    assert "Fewer than 8 deaths: percentages are not meaningful" in page
    assert "52%" in page and "NCISH" in page
    assert "Days between AWOL incidents (t chart)" in page


def test_a_bad_date_gives_an_error_beside_the_field_and_the_default_range(records):
    url = reverse("monitoring:awol") + "?from-day=31&from-month=2&from-year=2025"
    response = records.client_for("collaborative_admin").get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and "The start date must be a real date" in page
