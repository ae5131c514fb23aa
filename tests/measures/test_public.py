"""Public key statistics: collaborative-level figures only, with disclosure control (counts of 1
to 7 suppressed, others rounded to the nearest 5; rates suppressed when their count or people
would be, or on fewer than 100 bed days), on /statistics/ and the home page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from mhsip.measures import public
from mhsip.measures.public import PeriodFigures, publish
from mhsip.organisations.models import Trust
from tests.measures import collab_data

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 28)


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def figures(events, days, people):
    return PeriodFigures(dt.date(2024, 1, 1), dt.date(2024, 12, 29), events, days, people)


def published_cells(html: str) -> dict[str, list[str]]:
    """The text of every published cell on a page, by kind (count, rate, wards, change)."""
    cells: dict[str, list[str]] = {}
    for kind, text in re.findall(r'data-published="(\w+)">([^<]*)', html):
        cells.setdefault(kind, []).append(text.strip())
    return cells


def assert_no_forbidden_count(cells: dict[str, list[str]]) -> None:
    for text in cells.get("count", []):
        if text == "*":
            continue
        value = int(text.replace(",", ""))
        assert value == 0 or (value >= 8 and value % 5 == 0), text


# --- the rules ---------------------------------------------------------------------------------


def test_small_counts_are_suppressed_and_others_rounded_to_5(world):
    stats = publish(world.collaborative, figures(3, 700, 2), figures(1234, 52000, 311), wards=3)
    counts = {r.label: (r.baseline, r.latest) for r in stats.rows}
    assert counts["Restrictive interventions"] == ("*", "1,235")
    assert counts["People subject to restrictive intervention"] == ("*", "310")


def test_zero_is_shown_as_zero_under_the_stricter_rule(world):
    stats = publish(world.collaborative, figures(0, 700, 0), figures(40, 700, 9), wards=3)
    assert stats.rows[0].baseline == "0"


def test_a_rate_is_suppressed_when_its_count_or_people_would_be_or_bed_days_are_few(world):
    by_count = publish(world.collaborative, figures(5, 900, 9), figures(40, 900, 9), wards=3)
    by_people = publish(world.collaborative, figures(40, 900, 3), figures(40, 900, 9), wards=3)
    by_days = publish(world.collaborative, figures(40, 90, 9), figures(40, 900, 9), wards=3)
    for stats in (by_count, by_people, by_days):
        rate = stats.rows[2]
        assert rate.baseline == "*" and rate.baseline_suppressed
        assert rate.latest == "44.4"
        assert stats.change == "*" and stats.change_suppressed


def test_the_change_is_worked_out_from_unrounded_figures_with_its_interval(world):
    stats = publish(world.collaborative, figures(60, 2400, 30), figures(40, 2300, 20), wards=3)
    # exact conditional interval: Clopper-Pearson for 40 of 100 events gives odds 0.435 to
    # 1.011, times 2,400 / 2,300 bed days: a rate ratio of 0.454 to 1.055
    assert stats.change == "30% lower (95% confidence interval: 55% lower to 6% higher)"


# --- the figures from recorded data ------------------------------------------------------------


def test_the_figures_add_up_every_ward_for_the_baseline_and_the_latest_year(world, system):
    collab_data.build(world)
    stats = public.key_statistics(world.collaborative, today=TODAY)
    assert stats.baseline.interventions == 53 * (3 + 2 + 1)
    assert stats.baseline.bed_days == 53 * 7 * 15 * 3
    assert stats.baseline.people == 3 + 2 + 1  # each patient counted once, however often
    assert stats.latest.interventions == 40 * (1 + 0 + 1)  # the 40 weeks after the baseline
    assert (stats.latest.start, stats.latest.end) == (dt.date(2025, 1, 6), dt.date(2025, 10, 12))
    assert stats.wards == 3


def test_on_a_small_dataset_no_published_cell_shows_a_forbidden_count(world, system):
    # 1 a week on one ward for 2 weeks at baseline and after: every count is small.
    collab_data.build(world, weeks=55, codes={"ALPHA-1": (0, 3), "ALPHA-2": (0, 0),
                                              "BETA-1": (0, 1)})  # fmt: skip
    html = Client().get(reverse("measures:statistics")).content.decode()
    cells = published_cells(html)
    assert cells["count"] and cells["rate"]
    assert_no_forbidden_count(cells)
    assert "*" in cells["count"]  # 8 latest interventions from 2 people: people suppressed
    assert cells["rate"][1] == "*" and cells["change"] == ["*"]


@pytest.mark.parametrize("seed_counts", [(0, 1), (1, 2), (2, 5), (3, 4)])
def test_no_forbidden_count_for_many_small_datasets(world, system, seed_counts):
    before, after = seed_counts
    collab_data.build(
        world,
        weeks=56,
        codes={"ALPHA-1": (before, after), "ALPHA-2": (0, after), "BETA-1": (0, 0)},
    )
    html = Client().get(reverse("measures:statistics")).content.decode()
    assert_no_forbidden_count(published_cells(html))


def test_the_statistics_page_is_public_and_shows_no_ward(world, system):
    collab_data.build(world)
    response = Client().get(reverse("measures:statistics"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Restrictive interventions per 1,000 occupied bed days" in html
    for ward in ("Aspen Ward", "Beech Ward", "Cedar Ward"):
        assert ward not in html
    assert "15% overall reduction across its 38 wards" in html


def test_the_home_page_shows_the_key_statistics(world, system):
    collab_data.build(world)
    html = Client().get(reverse("core:home")).content.decode()
    section = html[html.index('id="key-statistics"') :]
    assert "Restrictive interventions" in section and "Latest year" in section


def test_demo_data_is_marked_plainly(world, system):
    collab_data.build(world)
    Trust.objects.filter(pk=world.trust.pk).update(is_demo=True)
    html = Client().get(reverse("measures:statistics")).content.decode()
    assert "Demo data" in html and "generated demonstration data" in html


def test_before_any_data_nothing_is_published(world):
    html = Client().get(reverse("measures:statistics")).content.decode()
    assert "No figures are published yet" in html
