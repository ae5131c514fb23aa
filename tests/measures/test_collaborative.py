"""The collaborative overview: the ward x measure icon matrix, % change from baseline with
intervals, the funnel plot of the latest quarter and its outlier table."""

from __future__ import annotations

import datetime as dt
import json
import re
from types import SimpleNamespace
from unittest import mock

import numpy as np
import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from mhsip.measures import collaborative as overview
from mhsip.measures import freshness
from mhsip.measures.analysis import analyse_collaborative
from mhsip.measures.charts import spec_json
from mhsip.measures.funnel_chart import funnel_spec
from mhsip.measures.models import Measure
from mhsip.stats import pooled_percent_change
from tests.measures import collab_data

pytestmark = pytest.mark.django_db
MATRIX = "measures:collaborative-matrix"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def data(world, system):
    collab_data.build(world)
    return world


def page(world, role, **params):
    url = reverse(MATRIX, kwargs={"slug": world.collaborative.slug})
    return world.client_for(role).get(url, params)


def admin_overview(world, measures=None):
    measures = measures or list(Measure.objects.filter(is_active=True))
    return overview.build_overview(
        world.collaborative,
        world.users["collaborative_admin"],
        measures,
        today=timezone.localdate(),
        show_wards=True,
    )


def headline():
    return Measure.objects.get(slug="restrictive-interventions")


# --- the matrix --------------------------------------------------------------------------------


def test_the_matrix_is_a_table_of_wards_by_measures_with_icons_text_and_a_total_row(data):
    html = page(data, "collaborative_admin").content.decode()
    table = html[html.index('<table class="nhsuk-table mhsip-matrix">') :]
    table = table[: table.index("</table>")]
    assert "<caption" in table and 'scope="col"' in table and 'scope="row"' in table
    for name in ("Aspen Ward", "Beech Ward", "Cedar Ward", "Collaborative total"):
        assert name in table
    for measure in Measure.objects.filter(is_active=True):
        assert f">{measure.name}<" in table or f">{measure.name}<br>" in table
    assert '<svg class="mhsip-icon' in table and "<title>Common cause variation" in table
    assert ">Common cause<" in table  # the text equivalent beside the icon


def test_each_ward_cell_drills_through_to_that_wards_chart(data):
    html = page(data, "collaborative_admin").content.decode()
    chart = reverse("measures:ward-measure", kwargs={"code": "ALPHA-1", "slug": "incidents"})
    assert f'href="{chart}"' in html
    assert data.client_for("collaborative_admin").get(chart).status_code == 200


def test_only_wards_the_user_may_see_in_detail_are_links(data):
    html = page(data, "ward_qi_lead").content.decode()
    own = reverse("measures:ward-measure", kwargs={"code": "ALPHA-1", "slug": "incidents"})
    other = reverse("measures:ward-measure", kwargs={"code": "BETA-1", "slug": "incidents"})
    assert f'href="{own}"' in html
    assert f'href="{other}"' not in html
    assert "Cedar Ward" in html  # the row is shown, without a link


def test_network_members_see_only_the_collaborative_total_row(data):
    html = page(data, "network_member").content.decode()
    assert "Collaborative total" in html
    for name in ("Aspen Ward", "Beech Ward", "Cedar Ward"):
        assert name not in html
    assert 'id="funnel-plot"' not in html and 'id="change-table"' not in html
    assert 'id="overall-change"' in html


def test_restricted_measures_are_left_out_for_roles_that_may_not_see_them(data):
    assert "Sexual-safety incidents" in page(data, "collaborative_admin").content.decode()
    assert "Sexual-safety incidents" not in page(data, "network_member").content.decode()


def test_every_cell_comes_from_one_analysis_per_measure_not_one_per_cell(data):
    measures = list(Measure.objects.filter(is_active=True))
    with mock.patch.object(
        freshness, "analyse_measure", wraps=freshness.analyse_measure
    ) as analyse:
        built = admin_overview(data, measures)
    assert analyse.call_count == len(measures)
    for call in analyse.call_args_list:
        assert sorted(call.args[1]) == sorted(w.pk for w in built.wards)


def test_a_second_view_of_the_matrix_comes_from_the_cache_until_data_changes(data):
    admin_overview(data)
    with mock.patch.object(freshness, "analyse_measure") as analyse:
        admin_overview(data)
    assert analyse.call_count == 0


def test_the_matrix_ends_with_the_latest_data_and_says_when_a_wards_latest_week_is_missing(data):
    from mhsip.recording.models import WardCensus

    last_week = collab_data.week(collab_data.BASELINE_WEEKS + collab_data.AFTER_WEEKS - 1)
    WardCensus.objects.filter(ward=data.other_ward, date__gte=last_week).delete()
    built = admin_overview(data, [headline()])
    assert built.end == last_week + dt.timedelta(days=6)  # not today: no ward reported since
    cells = {row.label: row.cells[0] for row in built.rows}
    assert cells["Cedar Ward"].latest_missing
    assert not cells["Aspen Ward"].latest_missing
    html = page(data, "collaborative_admin").content.decode()
    assert "Latest week missing" in html


def test_the_total_row_equals_the_pooled_collaborative_analysis(data):
    built = admin_overview(data, [headline()])
    total = built.total.cells[0].analysis
    ids = [w.pk for w in built.wards]
    direct = analyse_collaborative(headline(), ids, built.start, built.end)
    np.testing.assert_allclose(total.numerator, direct.numerator)
    np.testing.assert_allclose(total.result.centre, direct.result.centre)
    assert total.result.variation_icon == direct.result.variation_icon


# --- % change from baseline --------------------------------------------------------------------


def test_percent_change_per_ward_uses_the_baseline_and_the_latest_26_weeks(data):
    built = admin_overview(data, [headline()])
    change = overview.change_from_baseline(built, headline(), None)
    assert change.baseline.periods == 53 and change.latest.periods == 26
    by_ward = {c.label: c for c in change.wards}
    aspen = by_ward["Aspen Ward"]
    assert (aspen.baseline_events, aspen.baseline_days) == (159, 53 * 105)
    assert (aspen.latest_events, aspen.latest_days) == (26, 26 * 105)
    assert aspen.estimate == pytest.approx(-66.667, abs=0.01)
    assert aspen.lower < aspen.estimate < aspen.upper < 0
    assert by_ward["Cedar Ward"].estimate == pytest.approx(0.0, abs=1e-9)
    assert by_ward["Beech Ward"].estimate == -100.0 and by_ward["Beech Ward"].reduction_100


def test_counts_of_wards_reaching_25_and_100_per_cent_reductions(data):
    built = admin_overview(data, [headline()])
    change = overview.change_from_baseline(built, headline(), None)
    assert (change.wards_25, change.wards_100) == (2, 1)
    assert change.mean_change == pytest.approx((-66.667 - 100 + 0) / 3, abs=0.01)


def test_the_overall_change_is_the_mantel_haenszel_ratio_across_wards(data):
    built = admin_overview(data, [headline()])
    change = overview.change_from_baseline(built, headline(), None)
    expected = pooled_percent_change([159, 106, 53], [5565] * 3, [26, 0, 26], [2730] * 3)
    assert change.overall.estimate == pytest.approx(float(expected.estimate))
    assert change.overall.lower == pytest.approx(float(expected.lower))
    assert change.overall.upper == pytest.approx(float(expected.upper))


def test_the_page_says_which_periods_it_compares_and_gives_the_national_context(data):
    html = page(data, "collaborative_admin").content.decode()
    assert "latest 26 weeks" in html
    assert "1 January 2024 to 5 January 2025" in html  # the baseline, in words
    assert "15% overall reduction across its 38 wards" in html
    assert "2 of 3 wards reduced the rate by 25% or more" in html


def test_a_ward_without_data_after_the_baseline_is_missing_not_zero(world, system):
    collab_data.build(world, weeks=collab_data.BASELINE_WEEKS)  # nothing after the baseline
    built = admin_overview(world, [headline()])
    change = overview.change_from_baseline(built, headline(), None)
    assert change.latest is None or all(np.isnan(c.estimate) for c in change.wards)


# --- funnel plot -------------------------------------------------------------------------------


@pytest.fixture
def funnel_data(world, system):
    collab_data.build_funnel(world)
    return world


def test_the_funnel_flags_a_ward_far_above_the_others_and_explains_it(funnel_data):
    world = funnel_data
    built = admin_overview(world, [headline()])
    funnel = overview.funnel_of_latest_quarter(built, headline())
    assert funnel.window.periods == 13
    assert [o.ward.code for o in funnel.outliers] == ["ALPHA-1"]
    top = funnel.outliers[0]
    assert top.side == "above" and top.level == 0.998 and top.z > 3
    assert "concern" in top.meaning and "1 time in 500" in top.meaning


def test_the_funnel_uses_overdispersion_adjusted_limits_from_mhsip_stats(funnel_data):
    built = admin_overview(funnel_data, [headline()])
    funnel = overview.funnel_of_latest_quarter(built, headline())
    r = funnel.result
    assert r.overdispersion == "additive" and r.scale == "sqrt" and r.levels == (0.95, 0.998)
    aspen = [w.code for w in funnel.wards].index("ALPHA-1")
    assert r.numerator[aspen] == 130 and r.denominator[aspen] == 13 * 105
    assert r.target == pytest.approx(r.numerator.sum() / r.denominator.sum() * 1000)
    assert len(funnel.wards) == 11


def test_the_funnel_spec_is_valid_json_with_limits_points_and_a_description(funnel_data):
    built = admin_overview(funnel_data, [headline()])
    funnel = overview.funnel_of_latest_quarter(built, headline())
    spec = json.loads(spec_json(funnel_spec(funnel)))  # no NaN: allow_nan=False
    assert spec["$schema"].endswith("vega-lite/v6.json")
    points = spec["layer"][2]["data"]["values"]
    assert {"Aspen Ward", "Beech Ward", "Cedar Ward"} <= {p["ward"] for p in points}
    assert [p["ward"] for p in points if p["special"]] == ["Aspen Ward"]
    assert "Aspen Ward above the 99.8% limit" in spec["description"]


def test_the_page_shows_the_funnel_its_data_table_and_the_outlier_table(funnel_data):
    html = page(funnel_data, "collaborative_admin").content.decode()
    assert "data-spc-chart" in html and 'id="funnel-spec"' in html
    outliers = html[html.index('id="outliers"') :]
    outliers = outliers[: outliers.index("</table>")]
    assert "Aspen Ward" in outliers and "Above the 99.8% upper limit" in outliers
    assert "Beech Ward" not in outliers
    data_table = html[html.index('id="funnel-data"') :]
    assert "99.8% limits" in data_table and "Cedar Ward" in data_table


def test_the_funnel_is_drawn_on_the_server_as_svg(funnel_data):
    url = reverse("measures:collaborative-funnel-svg", kwargs={"slug": "rrp"})
    response = funnel_data.client_for("collaborative_admin").get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg") and b"Aspen Ward" in response.content


def test_network_members_cannot_fetch_the_ward_level_funnel(data):
    url = reverse("measures:collaborative-funnel-svg", kwargs={"slug": "rrp"})
    assert data.client_for("network_member").get(url).status_code == 403


def test_choosing_another_rate_measure_changes_the_change_and_funnel(data):
    html = page(data, "collaborative_admin", measure="incidents").content.decode()
    assert re.search(r"Change from baseline: use-of-force incidents", html)


# --- demo data: the analysis recovers the generator's truth ------------------------------------


def test_on_demo_data_the_overall_reduction_is_within_3_points_of_the_generated_15(db):
    from mhsip.audit.actor import System, acting_as
    from mhsip.demo.load import load_demo
    from mhsip.demo.parameters import DemoParameters
    from mhsip.organisations.models import Collaborative

    with acting_as(System("test:demo")):
        load_demo(1)
    collaborative = Collaborative.objects.get(is_demo=True)
    params = DemoParameters()
    today = params.timeline().end + dt.timedelta(days=6)
    admin = SimpleNamespace(
        is_authenticated=True, is_active=True, is_superuser=True, role="collaborative_admin"
    )
    built = overview.build_overview(
        collaborative, admin, [headline()], today=today, show_wards=True
    )
    change = overview.change_from_baseline(built, headline(), admin)
    generated = -100 * params.collaborative_target_reduction
    assert abs(change.overall.estimate - generated) <= 3, change.overall.estimate
    best = min(change.wards, key=lambda c: c.estimate)
    assert best.label == "Elmstrand Ward"  # generated with a 60% fall
    assert best.upper < 0  # and the fall is clear of chance
