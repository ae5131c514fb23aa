"""The completeness check with plain numbers: the Poisson tail and when a ward is flagged.

Expected values: Poisson CDF terms e^-mu mu^i / i! worked by hand (and checked against R's
``ppois``: ppois(0, 14) = 8.315287e-07, ppois(3, 10) = 0.01033605, ppois(2, 10) = 0.002769396).
"""

from __future__ import annotations

import math

import pytest

from mhsip.returns.completeness import (
    MIN_PEER_BED_DAYS,
    WardPeriod,
    assess,
    median,
    poisson_cdf,
)


def peers(*rates_and_days, ward_type="acute_male"):
    """Peer wards from (recorded, bed days) pairs, ids from 100 up."""
    return [
        WardPeriod(100 + i, ward_type, 4, recorded, days)
        for i, (recorded, days) in enumerate(rates_and_days)
    ]


@pytest.mark.parametrize(
    ("k", "mu", "expected"),
    [
        (0, 14.0, 8.315287e-07),
        (3, 10.0, 0.01033605),
        (2, 10.0, 0.002769396),
        (5, 5.0, 0.6159607),
        (0, 0.5, math.exp(-0.5)),
    ],
)
def test_the_poisson_cdf_matches_r_ppois(k, mu, expected):
    assert poisson_cdf(k, mu) == pytest.approx(expected, rel=1e-6)


def test_the_poisson_cdf_is_one_for_a_mean_of_zero_and_zero_below_zero():
    assert poisson_cdf(0, 0.0) == 1.0
    assert poisson_cdf(-1, 5.0) == 0.0


def test_the_poisson_cdf_stays_accurate_for_large_counts():
    assert poisson_cdf(1000, 1000.0) == pytest.approx(0.5084093, rel=1e-5)  # R: ppois(1000, 1000)


def test_median_of_odd_and_even_lists():
    assert median([5, 1, 3]) == 3
    assert median([4, 1, 3, 2]) == 2.5
    with pytest.raises(ValueError):
        median([])


def test_a_ward_recording_nothing_while_peers_record_at_25_per_1000_is_flagged():
    ward = WardPeriod(1, "acute_male", 4, 0, 560)
    result = assess(ward, peers((25, 1000), (20, 800), (30, 1200)), type_label="Acute", weeks=4)
    assert result.flagged and result.assessed
    assert result.expected == pytest.approx(14.0)
    assert result.probability == pytest.approx(8.315287e-07, rel=1e-6)
    assert result.reason.startswith(
        "0 recorded in 4 weeks with 560 occupied bed days; peers' median rate would predict 14."
    )


def test_a_ward_in_line_with_its_peers_is_not_flagged():
    ward = WardPeriod(1, "acute_male", 4, 12, 560)
    result = assess(ward, peers((25, 1000), (20, 800), (30, 1200)), type_label="Acute", weeks=4)
    assert result.assessed and not result.flagged
    assert "No sign of under-reporting" in result.reason


def test_the_flag_falls_exactly_at_a_probability_of_one_in_a_hundred():
    # 3 recorded where 10 are expected: P = 0.0103 (not flagged); 2 recorded: P = 0.0028 (flagged)
    group = peers((10, 1000), (10, 1000), (10, 1000))
    assert not assess(
        WardPeriod(1, "acute_male", 4, 3, 1000), group, type_label="A", weeks=4
    ).flagged
    assert assess(WardPeriod(1, "acute_male", 4, 2, 1000), group, type_label="A", weeks=4).flagged


def test_a_small_ward_with_few_expected_is_not_flagged_for_recording_nothing():
    # 50 bed days at 25 per 1,000 predict 1.25: recording 0 happens 29% of the time
    result = assess(
        WardPeriod(1, "acute_male", 1, 0, 50),
        peers((25, 1000), (25, 1000), (25, 1000)),
        type_label="A",
        weeks=4,
    )
    assert result.assessed and not result.flagged
    assert "would predict 1.2" in result.reason


def test_peers_of_the_same_type_are_used_when_there_are_three_of_them():
    same = peers((10, 1000), (10, 1000), (10, 1000))
    others = peers((100, 1000), (100, 1000), (100, 1000), ward_type="picu")
    others = [
        WardPeriod(p.ward_id + 10, p.ward_type, p.weeks, p.recorded, p.bed_days) for p in others
    ]
    result = assess(
        WardPeriod(1, "acute_male", 4, 5, 1000),
        same + others,
        type_label="Acute adult (male)",
        weeks=4,
    )
    assert result.peer_median_rate == pytest.approx(10.0)
    assert "acute adult (male) wards" in result.reason


def test_all_wards_are_peers_when_fewer_than_three_share_the_type():
    group = [*peers((10, 1000), (40, 1000)), WardPeriod(200, "picu", 4, 60, 1000)]
    result = assess(WardPeriod(1, "acute_male", 4, 5, 1000), group, type_label="A", weeks=4)
    assert result.peer_median_rate == pytest.approx(40.0)
    assert "wards of all types" in result.reason


def test_the_ward_itself_and_peers_with_under_100_bed_days_are_not_peers():
    ward = WardPeriod(1, "acute_male", 4, 0, 560)
    small = WardPeriod(300, "acute_male", 4, 0, MIN_PEER_BED_DAYS - 1)
    result = assess(ward, [ward, small, *peers((25, 1000), (25, 1000))], type_label="A", weeks=4)
    assert not result.assessed
    assert result.reason.startswith("Not assessed: fewer than 3 other wards")


def test_a_ward_with_no_known_bed_days_is_not_assessed():
    result = assess(None, peers((25, 1000), (25, 1000), (25, 1000)), type_label="A", weeks=4)
    assert not result.assessed and not result.flagged
    assert result.reason == "Not assessed: no occupied bed days known for the last 4 weeks."
