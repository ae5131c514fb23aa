"""Rates, ratios, funnel plots and disclosure control for MHSIP, in pure numpy.

This package never imports Django (a test checks it) and every function is vectorised over
numpy arrays. Modules, one per topic:

* :mod:`mhsip.stats.poisson` -- exact Poisson (Garwood) and binomial (Clopper-Pearson) limits.
* :mod:`mhsip.stats.rates` -- rates per 1,000, rate ratios (exact, Wald, cluster-robust),
  percent change from a baseline and pooled across wards.
* :mod:`mhsip.stats.funnel` -- funnel-plot limits (exact, overdispersed), z-scores, outliers.
* :mod:`mhsip.stats.disclosure` -- small-number suppression, rounding and secondary
  suppression for published tables.
* :mod:`mhsip.stats.concentration` -- share of events on the most-affected people.
* :mod:`mhsip.stats._special` -- incomplete gamma and beta functions and their inverses
  (re-exported here: ``gamma_ppf``, ``beta_ppf``, ``chi2_ppf``, ``norm_ppf`` ...).

See ``docs/stats.md`` for formulas, sources and worked examples.
"""

from ._special import (
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
from .concentration import concentration_share
from .disclosure import (
    HES_RULE,
    MHSDS_RULE,
    DisclosedCounts,
    DisclosedRates,
    DisclosureRule,
    disclose_counts,
    disclose_rates,
    disclose_table,
    disclose_vector,
    render,
    round_to_base,
)
from .funnel import (
    FunnelResult,
    binomial_funnel_limits,
    funnel_binomial,
    funnel_poisson,
    poisson_funnel_limits,
)
from .poisson import ConfidenceInterval, clopper_pearson_ci, poisson_ci
from .rates import (
    PercentChangeResult,
    PooledPercentChangeResult,
    RateRatioResult,
    RateResult,
    percent_change,
    pooled_percent_change,
    rate,
    rate_ratio,
    rate_ratio_robust,
)

__all__ = [
    "HES_RULE",
    "MHSDS_RULE",
    "ConfidenceInterval",
    "DisclosedCounts",
    "DisclosedRates",
    "DisclosureRule",
    "FunnelResult",
    "PercentChangeResult",
    "PooledPercentChangeResult",
    "RateRatioResult",
    "RateResult",
    "beta_isf",
    "beta_ppf",
    "betainc",
    "betaincc",
    "binom_cdf",
    "binom_sf",
    "binomial_funnel_limits",
    "chi2_cdf",
    "chi2_isf",
    "chi2_ppf",
    "chi2_sf",
    "clopper_pearson_ci",
    "concentration_share",
    "disclose_counts",
    "disclose_rates",
    "disclose_table",
    "disclose_vector",
    "funnel_binomial",
    "funnel_poisson",
    "gamma_isf",
    "gamma_ppf",
    "gammainc",
    "gammaincc",
    "gammaln",
    "norm_cdf",
    "norm_isf",
    "norm_ppf",
    "norm_sf",
    "percent_change",
    "poisson_cdf",
    "poisson_ci",
    "poisson_funnel_limits",
    "poisson_sf",
    "pooled_percent_change",
    "rate",
    "rate_ratio",
    "rate_ratio_robust",
    "render",
    "round_to_base",
]
