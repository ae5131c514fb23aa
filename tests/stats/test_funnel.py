"""Funnel-plot limits, overdispersion and outlier flags.

Reference values are recomputed here independently: Spiegelhalter's (2005, appendix A.1.1)
interpolated exact limits from Poisson/binomial probability sums in plain Python, and
NHS-R FunnelPlotR's overdispersion steps (``transformed_zscore``, ``winsorisation``,
``phi_func``, ``tau_func``, ``OD_limits``) transliterated line by line, using R's type-7
quantile (``statistics.quantiles(..., method="inclusive")``). The six-unit data set is the one
in FunnelPlotR's own tests (``test-funnel_plot.R``).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable

import numpy as np
import pytest

from mhsip.stats import (
    binomial_funnel_limits,
    funnel_binomial,
    funnel_poisson,
    poisson_funnel_limits,
)

from ._reference import binom_cdf_sum, poisson_cdf_sum

Z975 = 1.959963984540054
Z999 = 3.090232306167813
FPR_NUM = [100, 150, 180, 80, 120, 225]  # FunnelPlotR tests: numerator
FPR_DEN = [108, 112, 165, 95, 100, 220]  # FunnelPlotR tests: denominator (expected)


def interpolated_limit(cdf: Callable[[int], float], p: float, n: float) -> float:
    """Spiegelhalter (2005) A.1.1: r_p = min{r: F(r) >= p}, alpha, limit = (r_p - alpha)/n."""
    r = 0
    while cdf(r) < p:
        r += 1
    alpha = (cdf(r) - p) / (cdf(r) - cdf(r - 1))
    return (r - alpha) / n


class TestExactLimits:
    def test_hand_worked_poisson_example(self) -> None:
        # Expected count 1: F(2) = 2.5/e, F(3) = (8/3)/e; r = 3 for p = 0.975;
        # alpha = (F(3) - 0.975) / (F(3) - F(2)); upper = 3 - alpha.
        f2, f3 = 2.5 / math.e, (8 / 3) / math.e
        expected = 3 - (f3 - 0.975) / (f3 - f2)
        _, hi = poisson_funnel_limits(1.0)
        assert float(hi) == pytest.approx(expected, rel=1e-12)

    @pytest.mark.parametrize("exposure", [0.3, 2.0, 7.5, 40.0, 333.3])
    @pytest.mark.parametrize("level", [0.95, 0.998])
    def test_poisson_limits_match_probability_sums(self, exposure: float, level: float) -> None:
        target = 1.3
        half = (1 - level) / 2
        lo, hi = poisson_funnel_limits(exposure, level, target=target)

        def cdf(r: int) -> float:
            return poisson_cdf_sum(r, target * exposure)

        assert float(hi) == pytest.approx(interpolated_limit(cdf, 1 - half, exposure), rel=1e-9)
        assert float(lo) == pytest.approx(
            max(0.0, interpolated_limit(cdf, half, exposure)), rel=1e-9, abs=1e-12
        )

    @pytest.mark.parametrize("n", [5, 20, 57, 300])
    @pytest.mark.parametrize("level", [0.95, 0.998])
    def test_binomial_limits_match_probability_sums(self, n: int, level: float) -> None:
        theta = 0.23
        half = (1 - level) / 2
        lo, hi = binomial_funnel_limits(n, level, target=theta)

        def cdf(r: int) -> float:
            return binom_cdf_sum(r, n, theta)

        assert float(hi) == pytest.approx(min(1.0, interpolated_limit(cdf, 1 - half, n)), rel=1e-9)
        assert float(lo) == pytest.approx(
            max(0.0, interpolated_limit(cdf, half, n)), rel=1e-9, abs=1e-12
        )

    def test_exact_limits_approach_normal_limits_for_large_denominators(self) -> None:
        e = 1e6
        lo, hi = poisson_funnel_limits(e, 0.998)
        assert float(hi) == pytest.approx(1 + Z999 / math.sqrt(e), rel=1e-5)
        assert float(lo) == pytest.approx(1 - Z999 / math.sqrt(e), rel=1e-5)

    def test_limits_are_clipped_to_the_indicator_range(self) -> None:
        lo, hi = poisson_funnel_limits([0.01, 0.5], 0.95)
        assert (lo >= 0).all() and (hi >= 0).all()
        lo, hi = binomial_funnel_limits([1, 2, 3], 0.998, target=0.9)
        assert (hi <= 1).all() and (lo >= 0).all()

    def test_degenerate_targets_and_denominators(self) -> None:
        lo, hi = binomial_funnel_limits([10, 0], target=1.0)
        assert lo[0] == hi[0] == 1.0
        assert np.isnan(lo[1])
        lo, hi = poisson_funnel_limits(10, target=0.0)
        assert lo == hi == 0.0

    def test_normal_limits_with_overdispersion(self) -> None:
        e = np.array([20.0, 80.0])
        lo, hi = poisson_funnel_limits(e, 0.95, phi=2.5)
        np.testing.assert_allclose(hi, 1 + Z975 * np.sqrt(2.5 / e), rtol=1e-12)
        lo, hi = poisson_funnel_limits(e, 0.95, tau2=0.01, scale="log")
        np.testing.assert_allclose(hi, np.exp(Z975 * np.sqrt(1 / e + 0.01)), rtol=1e-12)
        lo, hi = poisson_funnel_limits(e, 0.95, exact=False)
        np.testing.assert_allclose(lo, 1 - Z975 * np.sqrt(1 / e), rtol=1e-12)

    def test_vectorised_over_denominators_and_levels(self) -> None:
        lo, hi = poisson_funnel_limits(np.array([[10.0], [100.0]]), np.array([0.95, 0.998]))
        assert lo.shape == (2, 2)
        assert hi[0, 1] > hi[0, 0] > hi[1, 0]

    def test_invalid_arguments(self) -> None:
        with pytest.raises(ValueError, match="scale"):
            poisson_funnel_limits(10, scale="arcsine")
        with pytest.raises(ValueError, match="level"):
            poisson_funnel_limits(10, 1.0)
        with pytest.raises(ValueError, match="phi"):
            poisson_funnel_limits(10, phi=0.0)


def funnelplotr_overdispersion(
    y: list[float], target: float, s: list[float], trim: float = 0.1
) -> tuple[float, float]:
    """FunnelPlotR phi_func and tau_func after winsorisation, transliterated."""
    uz = [(yi - target) / si for yi, si in zip(y, s, strict=True)]
    q = statistics.quantiles(uz, n=round(1 / trim), method="inclusive")
    lz, hz = q[0], q[-1]
    wz = [lz if z < lz else hz if z > hz else z for z in uz]
    n = len(uz)
    phi = sum(z * z for z in wz) / n
    w = [1 / si**2 for si in s]
    if n * phi < n - 1:
        return phi, 0.0
    tau2 = max(0.0, (n * phi - (n - 1)) / (sum(w) - sum(wi * wi for wi in w) / sum(w)))
    return phi, tau2


class TestOverdispersion:
    def test_shmi_log_method_matches_funnelplotr(self) -> None:
        y = [math.log(o / e) for o, e in zip(FPR_NUM, FPR_DEN, strict=True)]
        s = [1 / math.sqrt(e) for e in FPR_DEN]
        phi, tau2 = funnelplotr_overdispersion(y, 0.0, s)
        res = funnel_poisson(FPR_NUM, FPR_DEN, target=1.0, overdispersion="additive", scale="log")
        assert res.phi == pytest.approx(phi, rel=1e-12)
        assert res.tau2 == pytest.approx(tau2, rel=1e-12)
        assert tau2 > 0
        e = np.array(FPR_DEN, float)
        # OD_limits, SHMI: exp(+/- z * sqrt(1/E + tau2))
        np.testing.assert_allclose(res.upper[0], np.exp(Z975 * np.sqrt(1 / e + tau2)), rtol=1e-12)
        np.testing.assert_allclose(res.lower[1], np.exp(-Z999 * np.sqrt(1 / e + tau2)), rtol=1e-12)

    def test_cqc_sqrt_method_matches_funnelplotr(self) -> None:
        y = [math.sqrt(o / e) for o, e in zip(FPR_NUM, FPR_DEN, strict=True)]
        s = [1 / (2 * math.sqrt(e)) for e in FPR_DEN]
        phi, tau2 = funnelplotr_overdispersion(y, 1.0, s)
        res = funnel_poisson(
            FPR_NUM, FPR_DEN, target=1.0, overdispersion="additive", scale="sqrt", multiplier=100
        )
        assert res.phi == pytest.approx(phi, rel=1e-12)
        assert res.tau2 == pytest.approx(tau2, rel=1e-12)
        s_arr = np.array(s)
        expected = 100 * (1 + Z975 * np.sqrt(s_arr**2 + tau2)) ** 2
        np.testing.assert_allclose(res.upper[0], expected, rtol=1e-12)

    def test_proportion_arcsine_method_matches_funnelplotr(self) -> None:
        events = [18, 40, 9, 60, 33, 12, 70, 25]
        trials = [20, 60, 30, 100, 50, 40, 90, 60]
        pooled = sum(events) / sum(trials)
        y = [math.asin(math.sqrt(r / n)) for r, n in zip(events, trials, strict=True)]
        s = [1 / (2 * math.sqrt(n)) for n in trials]
        t = math.asin(math.sqrt(pooled))
        phi, tau2 = funnelplotr_overdispersion(y, t, s)
        res = funnel_binomial(events, trials, overdispersion="additive", scale="arcsine")
        assert res.target == pytest.approx(pooled)
        assert res.phi == pytest.approx(phi, rel=1e-12)
        assert res.tau2 == pytest.approx(tau2, rel=1e-12)
        n = np.array(trials, float)
        expected = np.sin(t - Z975 * np.sqrt(1 / (4 * n) + tau2)) ** 2
        np.testing.assert_allclose(res.lower[0], expected, rtol=1e-12)

    def test_multiplicative_adjustment_on_the_identity_scale(self) -> None:
        target = sum(FPR_NUM) / sum(FPR_DEN)
        y = [o / e for o, e in zip(FPR_NUM, FPR_DEN, strict=True)]
        s = [math.sqrt(target / e) for e in FPR_DEN]
        phi, _ = funnelplotr_overdispersion(y, target, s)
        res = funnel_poisson(FPR_NUM, FPR_DEN, overdispersion="multiplicative")
        assert res.phi == pytest.approx(phi, rel=1e-12)
        assert res.phi_used == pytest.approx(max(phi, 1.0))
        e = np.array(FPR_DEN, float)
        np.testing.assert_allclose(
            res.upper[0], target + Z975 * np.sqrt(res.phi_used * target / e), rtol=1e-12
        )
        np.testing.assert_allclose(res.z_adjusted, res.z / math.sqrt(res.phi_used), rtol=1e-12)

    def test_no_overdispersion_gives_zero_tau2(self) -> None:
        # Units exactly on target: all z = 0, phi = 0 < (I-1)/I, so tau2 = 0.
        res = funnel_poisson([10, 20, 30], [10, 20, 30], target=1.0, overdispersion="additive")
        assert res.phi == 0.0 and res.tau2 == 0.0
        assert res.phi_p_value == pytest.approx(1.0)

    def test_fixed_phi_and_tau2_can_be_supplied(self) -> None:
        res = funnel_poisson(FPR_NUM, FPR_DEN, overdispersion="multiplicative", phi=4.0)
        assert res.phi_used == 4.0
        res = funnel_poisson(FPR_NUM, FPR_DEN, overdispersion="additive", tau2=0.02)
        assert res.tau2 == 0.02

    def test_winsorisation_clips_to_the_type7_quantiles(self) -> None:
        res = funnel_poisson(FPR_NUM, FPR_DEN, winsor=0.1)
        q = statistics.quantiles(res.z.tolist(), n=10, method="inclusive")
        np.testing.assert_allclose(res.z_winsorised, np.clip(res.z, q[0], q[-1]), rtol=1e-12)


class TestFunnelResult:
    def test_flags_agree_with_the_limits_at_each_units_denominator(self) -> None:
        res = funnel_poisson([12, 30, 8, 55, 20], [600, 650, 540, 700, 1200], multiplier=1000)
        assert res.target == pytest.approx(125 / 3690 * 1000)
        np.testing.assert_array_equal(res.high, res.indicator > res.upper)
        np.testing.assert_array_equal(res.low, res.indicator < res.lower)
        assert res.high[1].tolist() == [False, False, False, True, False]
        assert res.outliers(0.998).tolist() == (res.low[1] | res.high[1]).tolist()
        lo, _ = poisson_funnel_limits(np.array([600.0]), 0.95, target=125 / 3690)
        assert res.lower[0, 0] == pytest.approx(float(lo[0]) * 1000)

    def test_grid_spans_the_data_and_has_a_row_per_level(self) -> None:
        res = funnel_binomial([18, 40, 9, 60], [20, 60, 30, 100])
        assert res.grid_lower.shape == (2, res.grid.size)
        assert res.grid.min() <= 20 and res.grid.max() >= 100
        assert np.all(res.grid == np.round(res.grid))
        custom = funnel_poisson([5, 9], [4.0, 6.0], target=1.0, grid=[1, 10, 100])
        assert custom.grid.tolist() == [1.0, 10.0, 100.0]
        assert (custom.grid_upper[0] >= custom.grid_upper[0][-1]).all()

    def test_missing_and_zero_denominators_are_left_out(self) -> None:
        res = funnel_poisson([5, np.nan, 7, 3], [10, 10, 0, 12], target=1.0)
        assert res.n_units == 2
        assert np.isnan(res.z[[1, 2]]).all()
        assert not res.high[:, [1, 2]].any() and not res.low[:, [1, 2]].any()

    def test_log_scale_with_a_zero_count_is_reported(self) -> None:
        res = funnel_poisson([0, 10, 12, 9, 11], [10, 10, 10, 10, 10], target=1.0, scale="log")
        assert np.isneginf(res.z[0])
        assert res.notes

    def test_input_validation(self) -> None:
        with pytest.raises(ValueError, match="exceed"):
            funnel_binomial([5], [4])
        with pytest.raises(ValueError, match="overdispersion"):
            funnel_poisson([1], [1], overdispersion="both")  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="one-dimensional"):
            funnel_poisson([[1, 2]], [[1, 2]])
        with pytest.raises(ValueError, match="levels"):
            funnel_poisson([1], [1], levels=())
