"""Exact Poisson (Garwood) and binomial (Clopper-Pearson) intervals.

Reference values: R 4.x ``poisson.test`` / ``binom.test`` output typed in (noted per test),
and identities: at the Garwood limits the Poisson tail probabilities equal alpha/2, which is
checked by summing the probability mass function directly.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from mhsip.stats import clopper_pearson_ci, poisson_ci

from ._reference import binom_cdf_sum, poisson_cdf_sum


@pytest.mark.parametrize(
    ("k", "lower", "upper"),
    [
        # R: poisson.test(k)$conf.int
        (1, 0.02531781, 5.57164339),
        (2, 0.2422093, 7.2246877),
        (5, 1.623486, 11.668332),
        (10, 4.795389, 18.390356),
    ],
)
def test_garwood_limits_match_r_poisson_test(k: int, lower: float, upper: float) -> None:
    lo, hi = poisson_ci(k)
    assert float(lo) == pytest.approx(lower, rel=5e-7)
    assert float(hi) == pytest.approx(upper, rel=5e-7)


def test_r_poisson_test_smr_example() -> None:
    # R documentation example (Welsh nickel workers): poisson.test(137, 24.19893)
    # rate 5.661407, 95% CI 4.753125 to 6.692709.
    lo, hi = poisson_ci(137)
    assert float(lo) / 24.19893 == pytest.approx(4.753125, rel=5e-7)
    assert float(hi) / 24.19893 == pytest.approx(6.692709, rel=5e-7)


def test_zero_count_limits_are_analytic() -> None:
    # k = 0: lower 0, upper -log(alpha/2); k = 1: lower -log(1 - alpha/2).
    for level in (0.9, 0.95, 0.99):
        alpha = 1 - level
        lo, hi = poisson_ci([0, 1], level)
        assert lo[0] == 0.0
        assert hi[0] == pytest.approx(-math.log(alpha / 2), rel=1e-13)
        assert lo[1] == pytest.approx(-math.log1p(-alpha / 2), rel=1e-12)


@pytest.mark.parametrize("level", [0.9, 0.95, 0.998])
def test_poisson_tail_probabilities_at_the_limits_are_alpha_over_two(level: float) -> None:
    alpha = 1 - level
    k = np.arange(0, 61)
    lo, hi = poisson_ci(k, level)
    for kk, mu_lo, mu_hi in zip(k.tolist(), lo.tolist(), hi.tolist(), strict=True):
        # P(X <= k; upper) = alpha/2 and P(X >= k; lower) = alpha/2
        assert poisson_cdf_sum(kk, mu_hi) == pytest.approx(alpha / 2, rel=1e-9)
        if kk > 0:
            assert 1 - poisson_cdf_sum(kk - 1, mu_lo) == pytest.approx(alpha / 2, rel=1e-9)


def test_poisson_ci_is_vectorised_and_keeps_missing_values() -> None:
    lo, hi = poisson_ci([[0, 3], [np.nan, 10]])
    assert lo.shape == (2, 2)
    assert np.isnan(lo[1, 0]) and np.isnan(hi[1, 0])
    assert lo[0, 1] < 3 < hi[0, 1]


def test_poisson_ci_rejects_negative_counts_and_bad_levels() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        poisson_ci([-1, 2])
    with pytest.raises(ValueError, match="conf_level"):
        poisson_ci(3, 1.5)


def test_clopper_pearson_matches_r_binom_test() -> None:
    # R: binom.test(5, 10)$conf.int -> 0.1870860 0.8129140
    lo, hi = clopper_pearson_ci(5, 10)
    assert float(lo) == pytest.approx(0.1870860, rel=5e-7)
    assert float(hi) == pytest.approx(0.8129140, rel=5e-7)


def test_clopper_pearson_edges_are_analytic() -> None:
    # x = 0: upper 1 - (alpha/2)^(1/n); x = n: lower (alpha/2)^(1/n); x = 1: lower
    # 1 - (1 - alpha/2)^(1/n).
    n = 10
    lo, hi = clopper_pearson_ci([0, 1, n], n)
    assert lo[0] == 0.0 and hi[2] == 1.0
    assert hi[0] == pytest.approx(1 - 0.025 ** (1 / n), rel=1e-12)
    assert lo[2] == pytest.approx(0.025 ** (1 / n), rel=1e-12)
    assert lo[1] == pytest.approx(1 - 0.975 ** (1 / n), rel=1e-12)


@pytest.mark.parametrize(("x", "n"), [(1, 7), (3, 20), (17, 40), (59, 60)])
def test_binomial_tail_probabilities_at_the_limits_are_alpha_over_two(x: int, n: int) -> None:
    lo, hi = clopper_pearson_ci(x, n)
    assert binom_cdf_sum(x, n, float(hi)) == pytest.approx(0.025, rel=1e-9)
    assert 1 - binom_cdf_sum(x - 1, n, float(lo)) == pytest.approx(0.025, rel=1e-9)


def test_clopper_pearson_validation() -> None:
    with pytest.raises(ValueError, match="exceed"):
        clopper_pearson_ci(5, 4)
    lo, hi = clopper_pearson_ci(0, 0)
    assert np.isnan(lo) and np.isnan(hi)
