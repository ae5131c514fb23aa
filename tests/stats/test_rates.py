"""Rates, rate ratios and percent change.

Reference values: R ``poisson.test`` output typed in (noted per test); otherwise formulas
recomputed here independently (Wald, Mantel-Haenszel) or identities (one ward: MH = crude).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mhsip.stats import (
    percent_change,
    poisson_ci,
    pooled_percent_change,
    rate,
    rate_ratio,
    rate_ratio_robust,
)

Z975 = 1.959963984540054


class TestRate:
    def test_rate_per_thousand_bed_days_uses_exact_limits(self) -> None:
        r = rate(12, 570)
        lo, hi = poisson_ci(12)
        assert float(r.rate) == pytest.approx(12 / 570 * 1000)
        assert float(r.lower) == pytest.approx(float(lo) / 570 * 1000)
        assert float(r.upper) == pytest.approx(float(hi) / 570 * 1000)
        assert r.multiplier == 1000.0

    def test_any_multiplier(self) -> None:
        r = rate(106, 100_000, multiplier=100_000)
        assert float(r.rate) == pytest.approx(106.0)

    def test_zero_person_time_gives_nan_and_zero_events_a_finite_upper_limit(self) -> None:
        r = rate([0, 5, np.nan], [300, 0, 100])
        assert r.rate[0] == 0.0 and r.lower[0] == 0.0
        assert r.upper[0] == pytest.approx(-math.log(0.025) / 300 * 1000)
        assert np.isnan(r.rate[1]) and np.isnan(r.rate[2])

    def test_broadcasts(self) -> None:
        r = rate([[1, 2, 3]], [[100], [200]])
        assert r.rate.shape == (2, 3)

    def test_rejects_negative_input(self) -> None:
        with pytest.raises(ValueError):
            rate(-1, 10)
        with pytest.raises(ValueError):
            rate(1, -10)


class TestRateRatio:
    def test_exact_interval_matches_r_poisson_test(self) -> None:
        # R documentation example (eba1977): poisson.test(c(11, 6+8+7), c(800, 1083+1050+878))
        # rate ratio 1.971488, 95% CI 0.8584264 4.2772659.
        rr = rate_ratio(11, 800, 21, 3011)
        assert float(rr.estimate) == pytest.approx(1.971488, rel=5e-7)
        assert float(rr.lower) == pytest.approx(0.8584264, rel=5e-7)
        assert float(rr.upper) == pytest.approx(4.2772659, rel=5e-7)
        assert rr.method == "exact"

    def test_wald_interval_is_log_normal(self) -> None:
        rr = rate_ratio(30, 1200, 20, 1500, method="wald")
        est = (30 / 1200) / (20 / 1500)
        se = math.sqrt(1 / 30 + 1 / 20)
        assert float(rr.estimate) == pytest.approx(est)
        assert float(rr.lower) == pytest.approx(est * math.exp(-Z975 * se), rel=1e-12)
        assert float(rr.upper) == pytest.approx(est * math.exp(Z975 * se), rel=1e-12)

    def test_conf_level_changes_the_width(self) -> None:
        narrow = rate_ratio(30, 1200, 20, 1500, conf_level=0.8)
        wide = rate_ratio(30, 1200, 20, 1500, conf_level=0.99)
        assert wide.lower < narrow.lower < narrow.upper < wide.upper

    def test_zero_counts_never_raise_and_say_why(self) -> None:
        rr = rate_ratio([0, 5, 0, 3, np.nan], [10, 10, 10, 0, 1], [4, 0, 0, 3, 1], [10] * 5)
        assert rr.estimate[0] == 0.0 and rr.lower[0] == 0.0 and np.isfinite(rr.upper[0])
        assert rr.estimate[1] == np.inf and rr.upper[1] == np.inf and rr.lower[1] > 0
        assert np.isnan(rr.estimate[2:]).all()
        assert rr.reason.tolist() == [
            "no events in the comparison group: ratio is zero",
            "no events in the reference group: ratio is infinite",
            "no events in either group",
            "no person-time",
            "missing input",
        ]

    def test_exact_limits_with_a_zero_count_are_clopper_pearson(self) -> None:
        # k1 = 0, k2 = 4: pi_upper = 1 - 0.025^(1/4); RR_upper = pi/(1 - pi) * t2/t1.
        rr = rate_ratio(0, 10, 4, 20)
        pi = 1 - 0.025 ** (1 / 4)
        assert float(rr.upper) == pytest.approx(pi / (1 - pi) * 20 / 10, rel=1e-10)

    def test_wald_with_a_zero_count_gives_nan_limits(self) -> None:
        rr = rate_ratio([0, 5], [10, 10], [4, 0], [10, 10], method="wald")
        assert rr.estimate.tolist() == [0.0, math.inf]
        assert np.isnan(rr.lower).all() and np.isnan(rr.upper).all()

    def test_reference_group_by_label(self) -> None:
        rr = rate_ratio(
            [30, 90, 0], [2000, 2000, 500], reference="White", groups=["White", "Black", "Asian"]
        )
        direct = rate_ratio(90, 2000, 30, 2000)
        assert rr.estimate[0] == 1.0 and np.isnan(rr.lower[0])
        assert rr.reason[0] == "reference group"
        assert rr.estimate[1] == pytest.approx(3.0)
        assert rr.lower[1] == pytest.approx(float(direct.lower))
        assert rr.groups == ("White", "Black", "Asian") and rr.reference == "White"

    def test_reference_group_by_index_along_an_axis(self) -> None:
        events = np.array([[10, 20, 30], [5, 15, 10]])  # wards x groups
        time = np.full((2, 3), 1000.0)
        rr = rate_ratio(events, time, reference=0, axis=1)
        assert rr.estimate.shape == (2, 3)
        np.testing.assert_allclose(rr.estimate, [[1, 2, 3], [1, 3, 2]])

    def test_reference_argument_errors(self) -> None:
        with pytest.raises(ValueError, match="not one of"):
            rate_ratio([1, 2], [1, 1], reference="X", groups=["A", "B"])
        with pytest.raises(ValueError, match="not both"):
            rate_ratio([1, 2], [1, 1], 1, 1, reference=0)
        with pytest.raises(ValueError, match="give ref_events"):
            rate_ratio([1, 2], [1, 1])
        with pytest.raises(ValueError, match="out of range"):
            rate_ratio([1, 2], [1, 1], reference=5)
        with pytest.raises(ValueError, match="method"):
            rate_ratio(1, 1, 1, 1, method="bayes")  # type: ignore[arg-type]

    @settings(max_examples=100, deadline=None)
    @given(
        k1=st.integers(1, 400),
        k2=st.integers(1, 400),
        t1=st.floats(10, 1e5),
        t2=st.floats(10, 1e5),
    )
    def test_exact_interval_contains_the_estimate_and_inverts_when_groups_swap(
        self, k1: int, k2: int, t1: float, t2: float
    ) -> None:
        ex = rate_ratio(k1, t1, k2, t2)
        assert ex.lower < ex.estimate < ex.upper
        # Swapping the groups inverts the ratio and its interval.
        sw = rate_ratio(k2, t2, k1, t1)
        assert float(sw.lower) == pytest.approx(1 / float(ex.upper), rel=1e-9)
        assert float(sw.upper) == pytest.approx(1 / float(ex.lower), rel=1e-9)


class TestRobustRateRatio:
    def test_matches_a_hand_computed_sandwich_variance(self) -> None:
        y1, t1 = np.array([0, 2, 7, 1.0]), np.full(4, 30.0)
        y0, t0 = np.array([0, 1, 1, 0.0]), np.full(4, 30.0)

        def log_rate_var(y: np.ndarray, t: np.ndarray) -> float:
            r = y.sum() / t.sum()
            n = len(y)
            return float(n / (n - 1) * ((y - r * t) ** 2).sum() / y.sum() ** 2)

        se = math.sqrt(log_rate_var(y1, t1) + log_rate_var(y0, t0))
        rr = rate_ratio_robust(y1, t1, y0, t0)
        assert float(rr.estimate) == pytest.approx(5.0)
        assert float(rr.lower) == pytest.approx(5.0 * math.exp(-Z975 * se), rel=1e-12)
        assert float(rr.upper) == pytest.approx(5.0 * math.exp(Z975 * se), rel=1e-12)

    def test_nan_padding_and_stacks(self) -> None:
        a = rate_ratio_robust(
            [[1, 3, np.nan], [2, 2, 2]],
            [[10, 10, np.nan], [10, 10, 10]],
            [[1, 1, 1], [1, 1, 1]],
            [[10, 10, 10], [10, 10, 10]],
        )
        assert a.estimate.shape == (2,)
        assert a.estimate[0] == pytest.approx((4 / 20) / (3 / 30))
        assert a.events.tolist() == [4.0, 6.0]

    def test_zero_events_give_a_reason(self) -> None:
        rr = rate_ratio_robust([0, 0], [10, 10], [1, 2], [10, 10])
        assert rr.estimate == 0.0 and np.isnan(rr.lower)
        assert rr.reason == "no events in the comparison group: ratio is zero"


class TestPercentChange:
    def test_is_a_transformed_rate_ratio(self) -> None:
        pc = percent_change(60, 2400, 40, 2300)
        rr = rate_ratio(40, 2300, 60, 2400)
        assert float(pc.estimate) == pytest.approx(100 * (float(rr.estimate) - 1))
        assert float(pc.lower) == pytest.approx(100 * (float(rr.lower) - 1))
        assert float(pc.upper) == pytest.approx(100 * (float(rr.upper) - 1))

    def test_zero_baseline_events(self) -> None:
        pc = percent_change(0, 1000, 3, 1000)
        assert pc.estimate == np.inf
        assert pc.reason == "no events in the reference group: ratio is infinite"


def mantel_haenszel(a: list[float], t1: list[float], b: list[float], t0: list[float]) -> tuple:
    """Greenland-Robins (1985) MH rate ratio and log-variance, by explicit loops."""
    num = den = var_num = 0.0
    for ai, t1i, bi, t0i in zip(a, t1, b, t0, strict=True):
        ti = t1i + t0i
        num += ai * t0i / ti
        den += bi * t1i / ti
        var_num += t1i * t0i * (ai + bi) / ti**2
    return num / den, var_num / (num * den)


class TestPooledPercentChange:
    def test_single_ward_mantel_haenszel_equals_the_wald_crude_ratio(self) -> None:
        res = pooled_percent_change([50], [1000], [25], [800])
        crude = rate_ratio(25, 800, 50, 1000, method="wald")
        assert float(res.rate_ratio) == pytest.approx(float(crude.estimate))
        assert float(res.rate_ratio_lower) == pytest.approx(float(crude.lower), rel=1e-12)
        assert float(res.rate_ratio_upper) == pytest.approx(float(crude.upper), rel=1e-12)

    def test_matches_the_greenland_robins_formula(self) -> None:
        b, t0 = [40, 10, 25, 7], [900, 600, 700, 300]
        a, t1 = [28, 6, 20, 9], [950, 580, 690, 200]
        rr, var = mantel_haenszel(a, t1, b, t0)
        res = pooled_percent_change(b, t0, a, t1)
        assert float(res.rate_ratio) == pytest.approx(rr, rel=1e-12)
        assert float(res.estimate) == pytest.approx(100 * (rr - 1), rel=1e-12)
        assert float(res.rate_ratio_upper) == pytest.approx(
            rr * math.exp(Z975 * math.sqrt(var)), rel=1e-12
        )
        assert int(res.n_units) == 4

    def test_equals_the_crude_ratio_when_period_lengths_are_proportional(self) -> None:
        # If T0_i / T_i is the same for all wards the MH and crude estimates coincide.
        b, t0 = [40, 10, 25], [900, 600, 700]
        a, t1 = [28, 6, 20], [450, 300, 350]
        mh = pooled_percent_change(b, t0, a, t1)
        crude = pooled_percent_change(b, t0, a, t1, method="wald")
        assert float(mh.rate_ratio) == pytest.approx(float(crude.rate_ratio), rel=1e-12)

    def test_wards_without_person_time_in_a_period_are_left_out(self) -> None:
        res = pooled_percent_change([40, 10, np.nan], [900, 0, 500], [28, 6, 3], [950, 580, 400])
        assert int(res.n_units) == 1
        assert float(res.rate_ratio) == pytest.approx((28 / 950) / (40 / 900))

    def test_vectorised_over_several_collaboratives(self) -> None:
        before = np.array([[40, 10], [5, 5]])
        after = np.array([[20, 5], [5, 5]])
        time = np.full((2, 2), 500.0)
        res = pooled_percent_change(before, time, after, time)
        assert res.estimate.shape == (2,)
        assert res.estimate[1] == pytest.approx(0.0)

    def test_zero_events_and_methods(self) -> None:
        res = pooled_percent_change([0, 0], [100, 100], [3, 1], [100, 100])
        assert res.rate_ratio == np.inf
        assert res.reason == "no events in the reference group: ratio is infinite"
        res = pooled_percent_change([0], [100], [0], [100])
        assert np.isnan(res.rate_ratio) and res.reason == "no events in either group"
        exact = pooled_percent_change([40, 10], [900, 600], [28, 6], [950, 580], method="exact")
        assert exact.method == "exact"
        with pytest.raises(ValueError, match="method"):
            pooled_percent_change([1], [1], [1], [1], method="bogus")  # type: ignore[arg-type]
