"""Exact confidence intervals for Poisson counts and binomial proportions.

These are the building blocks for rates and rate ratios (:mod:`mhsip.stats.rates`):

* :func:`poisson_ci` -- the exact (Garwood 1936) interval for a Poisson mean, the interval R's
  ``poisson.test`` reports;
* :func:`clopper_pearson_ci` -- the exact (Clopper & Pearson 1934) interval for a binomial
  proportion, the interval R's ``binom.test`` reports.

References
----------
.. [1] Garwood F. Fiducial limits for the Poisson distribution. Biometrika 1936;28:437-442.
.. [2] Clopper CJ, Pearson ES. The use of confidence or fiducial limits illustrated in the case
   of the binomial. Biometrika 1934;26:404-413.
.. [3] Ulm K. A simple method to calculate the confidence interval of a standardized mortality
   ratio. Am J Epidemiol 1990;131:373-375 (the chi-square form of the Garwood limits).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from ._arrays import FloatArray, as_float, check_conf_level, check_non_negative
from ._special import beta_isf, beta_odds_isf, beta_odds_ppf, beta_ppf, gamma_isf, gamma_ppf

__all__ = ["ConfidenceInterval", "clopper_pearson_ci", "poisson_ci"]


class ConfidenceInterval(NamedTuple):
    """Lower and upper confidence limits (arrays of the broadcast input shape)."""

    lower: FloatArray
    upper: FloatArray


def poisson_ci(count: npt.ArrayLike, conf_level: float = 0.95) -> ConfidenceInterval:
    """Exact (Garwood) two-sided confidence interval for a Poisson mean.

    For an observed count ``k`` and ``alpha = 1 - conf_level``::

        lower = chi2.ppf(alpha/2, 2k) / 2     = gamma.ppf(alpha/2, k)       (0 when k = 0)
        upper = chi2.ppf(1 - alpha/2, 2k + 2) / 2 = gamma.isf(alpha/2, k + 1)

    Each limit has tail probability at most ``alpha/2``, so the interval is conservative.

    Parameters
    ----------
    count : array_like
        Observed counts, ``>= 0``. NaN (or ``None``) marks a missing count and gives NaN limits.
        Non-integer values use the continuous extension of the formula.
    conf_level : float, default 0.95
        Two-sided confidence level in (0, 1).

    Returns
    -------
    ConfidenceInterval
        ``(lower, upper)`` for the Poisson mean (on the count scale), broadcast to ``count``.

    Raises
    ------
    ValueError
        If a count is negative or ``conf_level`` is not in (0, 1).

    See Also
    --------
    mhsip.stats.rate : divide by person-time to get a rate with this interval.

    References
    ----------
    .. [1] Garwood F. Fiducial limits for the Poisson distribution. Biometrika 1936;28:437-442.

    Examples
    --------
    The values R's ``poisson.test(10)`` reports (4.795389, 18.390356):

    >>> lo, hi = poisson_ci(10)
    >>> round(float(lo), 6), round(float(hi), 6)
    (4.795389, 18.390356)

    For ``k = 0`` the upper limit is ``-log(alpha/2)`` = log(40):

    >>> [round(float(v), 6) for v in poisson_ci(0)]
    [0.0, 3.688879]
    """
    k = as_float(count)
    check_non_negative(k, "count")
    half = (1.0 - check_conf_level(conf_level)) / 2.0
    lower = gamma_ppf(half, k)
    upper = gamma_isf(half, k + 1.0)
    return ConfidenceInterval(lower, upper)


def clopper_pearson_ci(
    successes: npt.ArrayLike, trials: npt.ArrayLike, conf_level: float = 0.95
) -> ConfidenceInterval:
    """Exact (Clopper-Pearson) two-sided confidence interval for a binomial proportion.

    For ``x`` successes in ``n`` trials and ``alpha = 1 - conf_level``::

        lower = beta.ppf(alpha/2, x, n - x + 1)      (0 when x = 0)
        upper = beta.isf(alpha/2, x + 1, n - x)      (1 when x = n)

    Parameters
    ----------
    successes : array_like
        Number of successes ``x``, ``0 <= x <= n``.
    trials : array_like
        Number of trials ``n``. Zero trials give NaN limits.
    conf_level : float, default 0.95
        Two-sided confidence level in (0, 1).

    Returns
    -------
    ConfidenceInterval
        ``(lower, upper)`` for the proportion, broadcast over the inputs.

    Raises
    ------
    ValueError
        If ``successes`` or ``trials`` is negative, or ``successes > trials``.

    References
    ----------
    .. [1] Clopper CJ, Pearson ES. Biometrika 1934;26:404-413.

    Examples
    --------
    R's ``binom.test(5, 10)`` reports 0.1870860 to 0.8129140:

    >>> lo, hi = clopper_pearson_ci(5, 10)
    >>> round(float(lo), 7), round(float(hi), 7)
    (0.187086, 0.812914)

    With no successes the upper limit is ``1 - (alpha/2)**(1/n)``:

    >>> [round(float(v), 7) for v in clopper_pearson_ci(0, 10)]
    [0.0, 0.3084971]
    """
    x = as_float(successes)
    n = as_float(trials)
    check_non_negative(x, "successes")
    check_non_negative(n, "trials")
    if np.any(x > n):
        raise ValueError("successes must not exceed trials")
    half = (1.0 - check_conf_level(conf_level)) / 2.0
    with np.errstate(invalid="ignore"):
        empty = n == 0
    lower = np.where(empty, np.nan, beta_ppf(half, x, n - x + 1.0))
    upper = np.where(empty, np.nan, beta_isf(half, x + 1.0, n - x))
    return ConfidenceInterval(np.asarray(lower, np.float64), np.asarray(upper, np.float64))


def clopper_pearson_odds_ci(
    successes: npt.ArrayLike, failures: npt.ArrayLike, conf_level: float = 0.95
) -> ConfidenceInterval:
    """Clopper-Pearson limits for the odds ``pi / (1 - pi)``, each part computed in its own tail.

    Used for the conditional (exact) rate-ratio interval. The beta quantiles are solved on the
    logit scale, so odds near 0 or infinity keep their relative precision.
    Zero successes give a lower limit of 0; zero failures give an upper limit of infinity;
    zero of both gives NaN.
    """
    x = as_float(successes)
    y = as_float(failures)
    half = (1.0 - check_conf_level(conf_level)) / 2.0
    # Solved directly on the logit scale: exp(logit) is the odds with full precision.
    lower = beta_odds_ppf(half, x, y + 1.0)
    upper = beta_odds_isf(half, x + 1.0, y)
    with np.errstate(invalid="ignore"):
        none = (x == 0) & (y == 0)
    lower = np.where(none, np.nan, lower)
    upper = np.where(none, np.nan, upper)
    return ConfidenceInterval(np.asarray(lower, np.float64), np.asarray(upper, np.float64))
