"""The ward dashboard and one measure's page: who sees what, the range form, the data table,
the CSV, SVG and PNG downloads, and charts that are never stale."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from mhsip.audit.models import AuditLog
from mhsip.measures import dashboard, freshness
from mhsip.measures.models import Annotation, Measure, Rebase
from mhsip.recording.models import Patient
from tests.measures.chart_data import (
    MISSING_WEEK,
    SPIKE_WEEK,
    START,
    WEEKS,
    add_incident,
    build_ward_data,
    week,
)

pytestmark = pytest.mark.django_db
SLUG = "restrictive-interventions"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def data(world, system):
    build_ward_data(world.ward)
    return world


def spec_in(page: str, slug: str = SLUG) -> dict:
    """The Vega-Lite spec of a chart, read back from the page's JSON script tag."""
    match = re.search(
        rf'<script id="chart-{slug}-spec" type="application/json">(.*?)</script>', page, re.S
    )
    assert match, f"no spec for {slug}"
    return json.loads(match.group(1))


def dashboard_url(code: str = "ALPHA-1") -> str:
    return reverse("measures:ward-dashboard", kwargs={"code": code})


def measure_url(name: str = "ward-measure", slug: str = SLUG, code: str = "ALPHA-1") -> str:
    return reverse(f"measures:{name}", kwargs={"code": code, "slug": slug})


def blocks(world, date_range=None, measures=None, chart=None):
    """The chart blocks the dashboard would show (the view's own service call)."""
    measures = measures or [Measure.objects.get(slug=SLUG)]
    date_range = date_range or dashboard.default_range(world.ward)
    return dashboard.ward_blocks(world.ward, measures, date_range, chart=chart, query="")


# --- who may see it ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("ward_staff", 200),
        ("ward_qi_lead", 200),
        ("trust_lead", 200),
        ("collaborative_admin", 200),
        ("analyst", 200),
        ("network_member", 403),
        ("outsider", 404),
    ],
)
@pytest.mark.parametrize("name", ["ward-measure", "ward-measure-csv"])
def test_each_role_gets_the_ward_chart_pages_it_may_and_no_more(data, role, status, name):
    client = data.client_for(role)
    assert client.get(dashboard_url()).status_code == status
    assert client.get(measure_url(name)).status_code == status


def test_the_outsider_learns_nothing_about_another_trusts_ward(data):
    response = data.client_for("outsider").get(dashboard_url())
    assert response.status_code == 404
    assert b"Aspen Ward" not in response.content


def test_an_unknown_or_inactive_measure_is_not_found(data):
    client = data.client_for("ward_qi_lead")
    assert client.get(measure_url(slug="no-such-measure")).status_code == 404
    Measure.objects.filter(slug=SLUG).update(is_active=False)
    assert client.get(measure_url()).status_code == 404


def test_restricted_measures_are_shown_to_safety_roles_and_analysts_only(data):
    assert dashboard.sees_restricted_measures(data.users["ward_staff"])
    assert dashboard.sees_restricted_measures(data.users["analyst"])
    assert not dashboard.sees_restricted_measures(data.users["network_member"])
    page = data.client_for("analyst").get(dashboard_url()).content.decode()
    assert "Sexual-safety incidents" in page and "AWOL" in page


def test_a_role_without_safety_records_gets_403_for_a_restricted_measure(data, monkeypatch):
    monkeypatch.setattr(dashboard, "sees_restricted_measures", lambda user: False)
    client = data.client_for("ward_staff")
    assert client.get(measure_url(slug="awol")).status_code == 403
    assert "Sexual-safety incidents" not in client.get(dashboard_url()).content.decode()


# --- the dashboard -----------------------------------------------------------------------------


def test_the_dashboard_has_one_chart_per_active_measure_in_library_order(data):
    page = data.client_for("ward_qi_lead").get(dashboard_url()).content.decode()
    shown = re.findall(r'<script id="chart-([a-z0-9-]+)-spec" type="application/json">', page)
    assert shown == list(
        Measure.objects.filter(is_active=True)
        .order_by("order", "name")
        .values_list("slug", flat=True)
    )
    assert 'data-spc-chart data-spec-id="chart-restrictive-interventions-spec"' in page
    assert "<noscript><img" in page and measure_url("ward-measure-svg") in page
    csp = data.client_for("ward_qi_lead").get(dashboard_url())["Content-Security-Policy"]
    assert "unsafe-eval" not in csp and "unsafe-inline" not in csp  # charts run under strict CSP
    assert 'role="img"' in page  # the variation icon
    assert "Special cause variation" in page or "Common cause variation" in page


def test_the_default_range_runs_from_the_baseline_start_to_the_latest_whole_week(data):
    page = data.client_for("ward_qi_lead").get(dashboard_url()).content.decode()
    assert 'name="from-year" type="text" value="2024"' in page
    rows = spec_in(page)["data"]["values"]
    assert data.collaborative.baseline_start == START
    assert rows[0]["date"] == START.isoformat()
    assert rows[-1]["date"] == week(WEEKS - 1).isoformat()
    assert len(rows) == WEEKS


def test_the_data_table_says_missing_and_explains_the_flagged_week(data):
    block = blocks(data)[0]
    missing = block.rows[MISSING_WEEK]
    assert missing.missing and missing.value == "Missing" and missing.numerator == "Missing"
    spike = block.rows[SPIKE_WEEK]
    assert spike.special
    assert spike.why == "Special cause: concern. Above the upper control limit"
    page = data.client_for("ward_qi_lead").get(measure_url()).content.decode()
    flagged = re.search(r'<tr class="mhsip-row--special">(.*?)</tr>', page, re.S)
    assert "3 Jun 2024" in flagged.group(1)
    assert "Special cause: concern. Above the upper control limit" in flagged.group(1)
    gap = re.search(r'<tr class="mhsip-row--missing">(.*?)</tr>', page, re.S)
    assert "25 Mar 2024" in gap.group(1) and "Missing" in gap.group(1)


def test_a_date_range_and_chart_type_can_be_chosen(data):
    page = (
        data.client_for("ward_qi_lead")
        .get(
            measure_url(),
            {
                "from-day": "5",
                "from-month": "2",
                "from-year": "2024",
                "to-day": "30",
                "to-month": "6",
                "to-year": "2024",
                "chart": "xmr",
            },
        )
        .content.decode()
    )
    spec = spec_in(page)
    rows = spec["data"]["values"]
    assert rows[0]["date"] == "2024-02-05" and rows[-1]["date"] == "2024-06-24"
    assert spec["title"]["subtitle"] == "XmR chart (Making Data Count) · Aspen Ward"
    assert "from-day=5&amp;from-month=2&amp;from-year=2024" in page  # downloads keep the range
    assert "chart=xmr" in page


def test_fewer_than_13_points_give_a_run_chart_without_icons(data):
    short = dashboard.DateRange(START, dt.date(2024, 3, 31))
    block = blocks(data, short)[0]
    assert block.analysis.chart == "run"
    assert block.icons.variation is None
    assert "limits need 13" in block.summary


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"from-day": "31", "from-month": "2", "from-year": "2024"}, "from-day", "real date"),
        ({"from-day": "1", "from-year": "2024"}, "from-month", "must include a month"),
        ({"to-day": "1", "to-month": "1", "to-year": "1990"}, "to-year", "between 2000"),
        (
            {"from-day": "1", "from-month": "6", "from-year": "2024"}
            | {"to-day": "1", "to-month": "1", "to-year": "2024"},
            "from-day",
            "on or before the end date",
        ),
        ({"chart": "pie"}, "chart", "Choose a chart type"),
    ],
)
def test_bad_range_input_gets_a_specific_error_and_the_default_charts(data, params, field, message):
    response = data.client_for("ward_qi_lead").get(dashboard_url(), params)
    assert response.status_code == 200
    page = response.content.decode()
    assert re.search(r"<title>\s*Error: ", page)
    assert message in page
    assert f'href="#{field}"' in page  # the error summary links to the field
    assert spec_in(page)["data"]["values"][0]["date"] == START.isoformat()  # the default range


# --- downloads ---------------------------------------------------------------------------------


def test_the_csv_has_a_row_per_week_with_missing_left_empty(data):
    response = data.client_for("ward_qi_lead").get(measure_url("ward-measure-csv"))
    assert response["Content-Type"].startswith("text/csv")
    assert (
        'filename="ALPHA-1-restrictive-interventions-2024-01-01-to-'
        in (response["Content-Disposition"])
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert list(rows[0]) == dashboard.CSV_HEADER
    assert len(rows) == WEEKS
    assert rows[0]["numerator"] == "3.0" and rows[0]["denominator"] == "105.0"
    assert float(rows[0]["value"]) == pytest.approx(3 / 105 * 1000, rel=1e-6)
    missing = rows[MISSING_WEEK]
    assert missing["value"] == "" and missing["numerator"] == ""
    assert missing["point_type"] == "missing"
    spike = rows[SPIKE_WEEK]
    assert spike["special_cause"] == "yes" and spike["point_type"] == "special_cause_concern"
    assert "Above the upper control limit" in spike["explanation"]
    assert AuditLog.objects.filter(action="export", object_type="measures.measure").exists()


def test_csv_text_cells_cannot_run_as_spreadsheet_formulas():
    assert dashboard._cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert dashboard._cell("-2") == "'-2" and dashboard._cell(-2.0) == -2.0
    assert dashboard._cell(None) == ""


def test_the_svg_and_png_downloads_are_rendered_on_the_server(data):
    client = data.client_for("ward_qi_lead")
    svg = client.get(measure_url("ward-measure-svg"))
    assert svg["Content-Type"] == "image/svg+xml"
    assert svg.content.startswith(b"<svg") and b"Restrictive interventions" in svg.content
    png = client.get(measure_url("ward-measure-png"))
    assert png["Content-Type"] == "image/png"
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"


# --- annotations and rebases -------------------------------------------------------------------


def test_ward_and_collaborative_notes_and_approved_rebases_appear_on_the_chart(data):
    measure = Measure.objects.get(slug=SLUG)
    Annotation.objects.create(
        ward=data.ward, date=week(8), label="Safewards launched", kind="change"
    )
    Annotation.objects.create(date=week(10), label="Collaborative call", kind="event")
    Annotation.objects.create(ward=data.other_ward, date=week(9), label="Not ours", kind="event")
    Rebase.objects.create(
        ward=data.ward, measure=measure, starts_on=week(20), reason="Safewards", status="approved"
    )
    data.collaborative.learning_sessions.create(number=1, date=week(4), title="Launch")
    block = blocks(data)[0]
    labels = [a.label for a in block.annotations]
    assert labels == [
        "Learning session 1: Launch",
        "Safewards launched",
        "Collaborative call",
        "Limits recalculated",
    ]
    assert block.analysis.result.period[20] == 1
    page = data.client_for("ward_qi_lead").get(measure_url()).content.decode()
    assert "Annotations on this chart (4)" in page
    assert "(change introduced): Safewards launched" in page and "Not ours" not in page


# --- freshness ---------------------------------------------------------------------------------


def test_a_chart_changes_right_after_a_new_incident_is_saved(data):
    client = data.client_for("ward_qi_lead")
    before = spec_in(client.get(measure_url()).content.decode())["data"]["values"][3]
    assert before["numerator"] == 3
    patient = Patient.objects.get(trust=data.trust)
    add_incident(data.ward, patient, dt.datetime.combine(week(3), dt.time(9), dt.UTC))
    after = spec_in(client.get(measure_url()).content.decode())["data"]["values"][3]
    assert after["numerator"] == 4


def test_the_cache_is_used_while_the_data_is_unchanged(data, django_assert_max_num_queries):
    measure = Measure.objects.get(slug=SLUG)
    end = week(WEEKS) - dt.timedelta(days=1)
    first = freshness.ward_analyses(measure, [data.ward.pk], START, end)
    version = freshness.data_version([data.ward.pk])
    with django_assert_max_num_queries(0):
        again = freshness.ward_analyses(measure, [data.ward.pk], START, end, version=version)
    assert again[data.ward.pk].result == first[data.ward.pk].result


def test_the_data_version_changes_with_each_kind_of_write(data):
    ids = [data.ward.pk]
    measure = Measure.objects.get(slug=SLUG)
    seen = {freshness.data_version(ids)}
    rebase = Rebase.objects.create(
        ward=data.ward, measure=measure, starts_on=week(20), reason="Safewards"
    )
    seen.add(freshness.data_version(ids))
    rebase.status = "approved"
    rebase.save()
    seen.add(freshness.data_version(ids))
    from mhsip.recording.census import rebuild_census

    rebuild_census([data.ward], week(0), week(1))
    seen.add(freshness.data_version(ids))
    assert len(seen) == 4
    assert freshness.data_version([data.other_ward.pk]) != freshness.data_version(ids)
