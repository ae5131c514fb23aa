"""Must show (issue 7): on simulated wards with a true Black/White rate ratio of 3.0 the
equity analysis estimates it within 10% and its 95% confidence interval covers 3.0, with
independent events and with restraint concentrated on a few patients (gamma frailty, shape
0.3). The data go through the database and the same service the pages use."""

from __future__ import annotations

import pytest

from mhsip.equity import services
from tests.equity.data import END, START, simulate

pytestmark = pytest.mark.django_db


def report_for(world):
    scope = services.Scope("collaborative", "Simulated", (world.ward, world.sibling_ward), ("RV5",))
    return services.equity_report(scope, START, END, characteristic="ethnicity", rule=None)


def black_to_white(report):
    i = report.stats.index("black")
    return (
        float(report.stats.ratio[i]),
        float(report.stats.ratio_lower[i]),
        float(report.stats.ratio_upper[i]),
        str(report.stats.ratio_method[i]),
    )


def test_without_frailty_the_ratio_is_within_10_percent_of_3_and_its_interval_covers_it(world):
    simulate(
        [world.ward, world.sibling_ward],
        seed=11,
        groups={"white": ("A", 2000, 1.0), "black": ("M", 1000, 3.0)},
    )
    ratio, lower, upper, method = black_to_white(report_for(world))
    assert abs(ratio - 3.0) / 3.0 < 0.10, ratio
    assert lower < 3.0 < upper
    assert method == "robust"


def test_with_patient_frailty_the_ratio_is_within_10_percent_of_3_and_its_interval_covers_it(
    world,
):
    sim = simulate(
        [world.ward, world.sibling_ward],
        seed=12,
        frailty_shape=0.3,
        groups={"white": ("A", 5000, 1.0), "black": ("M", 2500, 3.0)},
    )
    report = report_for(world)
    ratio, lower, upper, method = black_to_white(report)
    assert abs(ratio - 3.0) / 3.0 < 0.10, ratio
    assert lower < 3.0 < upper
    assert method == "robust"
    # The counts behind the estimate are the simulated ones, bed day for bed day.
    i, w = report.stats.index("black"), report.stats.index("white")
    assert report.stats.bed_days[i] == sim.bed_days["black"]
    assert report.stats.bed_days[w] == sim.bed_days["white"]
    assert report.stats.interventions[i] == sim.events["black"]
    # Restraint is concentrated: the most-restrained tenth has far more than a tenth.
    assert report.concentration.share_all > 0.5
