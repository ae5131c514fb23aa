"""Independent reference computations for the stats tests (plain Python, no numpy)."""

from __future__ import annotations

import math


def poisson_cdf_sum(k: int, mu: float) -> float:
    """P(X <= k) for X ~ Poisson(mu), by summing the probability mass function."""
    if k < 0:
        return 0.0
    term = math.exp(-mu)
    total = term
    for j in range(1, k + 1):
        term *= mu / j
        total += term
    return total


def binom_cdf_sum(k: int, n: int, p: float) -> float:
    """P(X <= k) for X ~ Binomial(n, p), by summing the probability mass function."""
    if k < 0:
        return 0.0
    return sum(math.comb(n, j) * p**j * (1 - p) ** (n - j) for j in range(min(k, n) + 1))
