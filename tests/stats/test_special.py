"""The incomplete gamma/beta functions and their inverses.

Reference values come from (a) Python's standard library (``math.lgamma``, ``math.erfc``),
(b) closed-form identities, (c) finite sums of Poisson and binomial probabilities, and
(d) published tables (normal and chi-square quantiles), as noted on each test.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mhsip.stats import (
    beta_isf,
    beta_ppf,
    betainc,
    betaincc,
    binom_cdf,
    binom_sf,
    chi2_cdf,
    chi2_isf,
    chi2_ppf,
    chi2_sf,
    gamma_isf,
    gamma_ppf,
    gammainc,
    gammaincc,
    gammaln,
    norm_cdf,
    norm_isf,
    norm_ppf,
    norm_sf,
    poisson_cdf,
    poisson_sf,
)

from ._reference import binom_cdf_sum, poisson_cdf_sum

REL = 1e-10


class TestLogGamma:
    def test_matches_the_standard_library(self) -> None:
        x = np.array([1e-8, 0.1, 0.5, 1.0, 1.5, 2.0, 3.7, 10.0, 15.5, 100.25, 1e5])
        expected = np.array([math.lgamma(v) for v in x])
        np.testing.assert_allclose(gammaln(x), expected, rtol=1e-13, atol=1e-14)

    def test_non_positive_arguments_give_nan(self) -> None:
        assert np.isnan(gammaln([0.0, -1.0, np.nan])).all()


class TestIncompleteGamma:
    def test_shape_one_is_the_exponential_cdf(self) -> None:
        x = np.array([1e-6, 0.1, 1.0, 2.0, 10.0, 50.0])
        np.testing.assert_allclose(gammainc(1.0, x), -np.expm1(-x), rtol=1e-13)
        np.testing.assert_allclose(gammaincc(1.0, x), np.exp(-x), rtol=1e-13)

    @pytest.mark.parametrize("k", [0, 1, 3, 10, 40])
    @pytest.mark.parametrize("mu", [0.3, 4.0, 25.0, 60.0])
    def test_integer_shape_is_a_poisson_tail(self, k: int, mu: float) -> None:
        # Q(k + 1, mu) = P(Poisson(mu) <= k)
        expected = poisson_cdf_sum(k, mu)
        assert float(gammaincc(k + 1.0, mu)) == pytest.approx(expected, rel=1e-12)
        assert float(poisson_cdf(k, mu)) == pytest.approx(expected, rel=1e-12)
        assert float(poisson_sf(k, mu)) == pytest.approx(1.0 - expected, rel=1e-9, abs=1e-15)

    def test_half_shape_is_the_normal_tail(self) -> None:
        # Q(1/2, z^2/2) = erfc(z / sqrt(2))
        z = np.array([0.01, 0.5, 1.0, 1.96, 3.0, 6.0, 10.0])
        expected = np.array([math.erfc(v / math.sqrt(2.0)) for v in z])
        np.testing.assert_allclose(gammaincc(0.5, z * z / 2.0), expected, rtol=1e-13)

    def test_edges_and_invalid_input(self) -> None:
        assert gammainc(2.0, 0.0) == 0.0
        assert gammainc(0.0, 3.0) == 1.0
        assert gammainc(2.0, np.inf) == 1.0
        assert np.isnan(gammainc([-1.0, 1.0, np.nan], [1.0, -1.0, 1.0])).all()

    def test_upper_tail_keeps_relative_precision(self) -> None:
        assert float(gammaincc(1.0, 700.0)) == pytest.approx(math.exp(-700.0), rel=1e-12)


class TestIncompleteBeta:
    def test_closed_forms_for_a_or_b_equal_to_one(self) -> None:
        x = np.array([1e-9, 0.01, 0.3, 0.5, 0.9, 0.999])
        # I_x(1, b) = 1 - (1 - x)^b and I_x(a, 1) = x^a
        np.testing.assert_allclose(betainc(1.0, 4.5, x), -np.expm1(4.5 * np.log1p(-x)), rtol=1e-12)
        np.testing.assert_allclose(betainc(3.25, 1.0, x), x**3.25, rtol=1e-12)

    def test_symmetry(self) -> None:
        a, b = 3.7, 12.2
        x = np.linspace(0.01, 0.99, 25)
        np.testing.assert_allclose(betainc(a, b, x), betaincc(b, a, 1.0 - x), rtol=1e-12)

    @pytest.mark.parametrize(
        ("k", "n", "p"), [(0, 5, 0.3), (3, 10, 0.5), (7, 20, 0.12), (40, 60, 0.7)]
    )
    def test_binomial_cdf_equals_the_pmf_sum(self, k: int, n: int, p: float) -> None:
        expected = binom_cdf_sum(k, n, p)
        assert float(binom_cdf(k, n, p)) == pytest.approx(expected, rel=1e-11)
        assert float(binom_sf(k, n, p)) == pytest.approx(1.0 - expected, rel=1e-9, abs=1e-15)

    def test_binomial_cdf_edges(self) -> None:
        assert binom_cdf(-1, 10, 0.3) == 0.0
        assert binom_cdf(10, 10, 0.3) == 1.0
        assert np.isnan(binom_cdf(1, 10, 1.5))


class TestNormalAndChiSquare:
    def test_published_normal_quantiles(self) -> None:
        # Standard normal table values (also R's qnorm): 0.975, 0.995, 0.999.
        np.testing.assert_allclose(
            norm_ppf([0.975, 0.995, 0.999]),
            [1.959963984540054, 2.575829303548901, 3.090232306167813],
            rtol=1e-13,
        )
        assert float(norm_isf(0.025)) == pytest.approx(1.959963984540054, rel=1e-13)

    def test_normal_cdf_matches_erfc(self) -> None:
        z = np.array([-8.0, -3.0, -1.0, 0.0, 0.7, 2.5, 5.0])
        expected = np.array([0.5 * math.erfc(-v / math.sqrt(2.0)) for v in z])
        np.testing.assert_allclose(norm_cdf(z), expected, rtol=1e-13)
        np.testing.assert_allclose(norm_sf(-z), expected, rtol=1e-13)

    def test_published_chi_square_table_values(self) -> None:
        # Chi-square table (3 decimals): 0.95/1 df 3.841, 0.95/10 df 18.307,
        # 0.99/5 df 15.086, 0.975/2 df 7.378, 0.05/10 df 3.940.
        got = chi2_ppf([0.95, 0.95, 0.99, 0.975, 0.05], [1, 10, 5, 2, 10])
        np.testing.assert_allclose(got, [3.841, 18.307, 15.086, 7.378, 3.940], atol=5e-4)

    def test_chi_square_identities(self) -> None:
        p = np.array([1e-8, 0.025, 0.5, 0.975, 0.999999])
        # 2 df: exponential with mean 2
        np.testing.assert_allclose(chi2_ppf(p, 2.0), -2.0 * np.log1p(-p), rtol=1e-12)
        # 1 df: square of a normal quantile
        # 1 df: square of a normal quantile (p well away from 0, where (1 - p)/2 rounds).
        q = p[1:]
        np.testing.assert_allclose(chi2_ppf(q, 1.0), norm_isf((1.0 - q) / 2.0) ** 2, rtol=1e-10)
        # ... and near 0, P(chi2_1 <= x) = erf(sqrt(x/2)) ~ sqrt(2x/pi), so x ~ pi p^2 / 2.
        assert float(chi2_ppf(1e-8, 1.0)) == pytest.approx(math.pi / 2 * 1e-16, rel=1e-7)
        np.testing.assert_allclose(chi2_isf(p, 2.0), -2.0 * np.log(p), rtol=1e-12)
        np.testing.assert_allclose(chi2_cdf(chi2_ppf(p, 7.0), 7.0), p, rtol=1e-10)
        np.testing.assert_allclose(chi2_sf(chi2_isf(p, 7.0), 7.0), p, rtol=1e-10)


class TestQuantiles:
    def test_analytic_gamma_quantiles(self) -> None:
        # Shape 1: -log(1 - p); the k = 0 Garwood upper limit is -log(alpha/2) = log 40.
        p = np.array([1e-12, 0.025, 0.5, 0.975])
        np.testing.assert_allclose(gamma_ppf(p, 1.0), -np.log1p(-p), rtol=1e-12)
        assert float(gamma_isf(0.025, 1.0)) == pytest.approx(math.log(40.0), rel=1e-14)

    def test_analytic_beta_quantiles(self) -> None:
        p = np.array([1e-10, 0.025, 0.5, 0.975, 1 - 1e-10])
        np.testing.assert_allclose(beta_ppf(p, 2.5, 1.0), p ** (1 / 2.5), rtol=1e-12)
        np.testing.assert_allclose(beta_ppf(p, 1.0, 4.0), -np.expm1(np.log1p(-p) / 4.0), rtol=1e-11)
        np.testing.assert_allclose(beta_isf(p, 1.0, 4.0), -np.expm1(np.log(p) / 4.0), rtol=1e-11)

    def test_degenerate_and_invalid_arguments(self) -> None:
        assert gamma_ppf(0.3, 0.0) == 0.0  # point mass at zero
        assert gamma_ppf(0.0, 2.0) == 0.0
        assert gamma_ppf(1.0, 2.0) == np.inf
        assert beta_ppf(0.3, 0.0, 2.0) == 0.0
        assert beta_ppf(0.3, 2.0, 0.0) == 1.0
        assert np.isnan(gamma_ppf([np.nan, 1.5, -0.1, 0.5], [1.0, 1.0, 1.0, -1.0])).all()
        assert np.isnan(beta_ppf([0.5, 0.5], [0.0, np.nan], [0.0, 1.0])).all()

    def test_broadcasting(self) -> None:
        p = np.array([[0.025], [0.5], [0.975]])
        a = np.array([0.5, 1.0, 10.0, 100.0])
        assert gamma_ppf(p, a).shape == (3, 4)
        assert beta_ppf(p, a, a[::-1]).shape == (3, 4)
        assert gamma_ppf(0.5, 3.0).shape == ()

    def test_large_shapes(self) -> None:
        # Wilson-Hilferty is accurate to ~1e-6 relative at a = 1e6; the exact inverse must
        # agree with it to that precision and invert the CDF to 1e-10.
        a = 1e6
        z = float(norm_ppf(0.975))
        wilson_hilferty = a * (1 - 1 / (9 * a) + z / (3 * math.sqrt(a))) ** 3
        x = float(gamma_ppf(0.975, a))
        assert x == pytest.approx(wilson_hilferty, rel=1e-6)
        assert float(gammaincc(a, x)) == pytest.approx(0.025, rel=1e-10)


probabilities = st.floats(min_value=1e-10, max_value=1 - 1e-10)
shapes = st.floats(min_value=0.1, max_value=1e4)


@settings(max_examples=300, deadline=None)
@given(p=probabilities, a=shapes)
def test_gamma_cdf_at_its_quantile_is_the_probability(p: float, a: float) -> None:
    x = gamma_ppf(p, a)
    assert float(gammainc(a, x)) == pytest.approx(p, rel=REL)
    y = gamma_isf(p, a)
    assert float(gammaincc(a, y)) == pytest.approx(p, rel=REL)


def assert_inverts(cdf: Callable[[float], float], x: float, p: float, *, increasing: bool) -> None:
    """``cdf(x) == p`` to 1e-10, or ``x`` is the closest double (p lies between the CDF at the
    neighbouring doubles: the quantile is too close to 0 or 1 to be resolved further)."""
    if float(cdf(x)) == pytest.approx(p, rel=REL):
        return
    below = float(cdf(float(np.nextafter(x, -np.inf)))) if x > 0 else (0.0 if increasing else 1.0)
    above = float(cdf(float(np.nextafter(x, np.inf)))) if x < 1 else (1.0 if increasing else 0.0)
    lo, hi = (below, above) if increasing else (above, below)
    assert lo <= p <= hi


@settings(max_examples=300, deadline=None)
@given(p=probabilities, a=shapes, b=shapes)
def test_beta_cdf_at_its_quantile_is_the_probability(p: float, a: float, b: float) -> None:
    x = float(beta_ppf(p, a, b))
    assert_inverts(lambda v: float(betainc(a, b, v)), x, p, increasing=True)
    y = float(beta_isf(p, a, b))
    assert_inverts(lambda v: float(betaincc(a, b, v)), y, p, increasing=False)


@settings(max_examples=200, deadline=None)
@given(p=probabilities)
def test_normal_cdf_at_its_quantile_is_the_probability(p: float) -> None:
    assert float(norm_cdf(norm_ppf(p))) == pytest.approx(p, rel=REL)
