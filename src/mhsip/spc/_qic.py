"""Centre lines and limits of the qicharts2 charts (``qic.*`` in R/helper.functions.R).

qicharts2 0.8.1 (commit 1b9487e) computes every chart per facet x part on the points
``base = baseline & include`` (``baseline``: within ``freeze``; ``include``: not excluded);
the limits are then multiplied by ``multiply`` and non-finite limits become NA. Every function
here does the same for all periods of all series at once and returns values *before*
multiplying (the runs analysis uses them unmultiplied, as qicharts2 does).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from math import lgamma

import numpy as np

from ._arrays import (
    NAN,
    BoolArray,
    FloatArray,
    IntArray,
    r_mean,
    r_median,
    r_sum,
    same_segment_as_previous,
)
from ._xmr import MR_SCREEN, screened_mean

D2 = 1.128
"""d2 for moving ranges of 2: sigma = mean MR / 1.128 (qicharts2 ``qic.i``)."""


@dataclass(frozen=True)
class Subgroups:
    """Per-point (subgroup) inputs of a qicharts2 chart, as built by ``qic.agg``."""

    y: FloatArray
    """``y``: sum(y)/sum(n) with a denominator, else the mean of the subgroup's values."""
    y_sum: FloatArray
    """Sum of the subgroup's values (NaN for a single missing value)."""
    y_length: FloatArray
    """Number of non-missing values in the subgroup."""
    y_sd: FloatArray
    """Standard deviation of the subgroup's values (NaN with fewer than 2)."""
    n: FloatArray
    """Sum of the denominators (NaN when there is none or the point is missing)."""


@dataclass(frozen=True)
class ChartLines:
    """Plotted value, centre line and limits per point, before ``multiply``."""

    y: FloatArray
    centre: FloatArray
    lower: FloatArray
    upper: FloatArray
    lower_2sigma: FloatArray
    upper_2sigma: FloatArray


def _limits(y: FloatArray, centre: FloatArray, sigma: FloatArray | float) -> ChartLines:
    with np.errstate(invalid="ignore", over="ignore"):
        return ChartLines(
            y=y,
            centre=centre,
            lower=centre - 3 * sigma,
            upper=centre + 3 * sigma,
            lower_2sigma=centre - 2 * sigma,
            upper_2sigma=centre + 2 * sigma,
        )


def _clip_lower_at_zero(
    lines: ChartLines, *, upper_at_one: bool = False, finite_only: bool = True
) -> ChartLines:
    """``x$lcl[x$lcl < 0 & is.finite(x$lcl)] <- 0`` (and ``ucl > 1 -> 1`` for p charts).

    ``finite_only=False`` is the g chart's ``x$lcl[x$lcl < 0] <- 0``.
    """

    def clip_low(v: FloatArray) -> FloatArray:
        with np.errstate(invalid="ignore"):
            hit = (v < 0) & np.isfinite(v) if finite_only else v < 0
        out: FloatArray = np.where(hit, 0.0, v)
        return out

    def clip_high(v: FloatArray) -> FloatArray:
        with np.errstate(invalid="ignore"):
            out: FloatArray = np.where(np.isfinite(v) & (v > 1), 1.0, v)
        return out

    upper, upper_2 = lines.upper, lines.upper_2sigma
    if upper_at_one:
        upper, upper_2 = clip_high(upper), clip_high(upper_2)
    return ChartLines(
        lines.y, lines.centre, clip_low(lines.lower), upper, clip_low(lines.lower_2sigma), upper_2
    )


def _base_moving_ranges(
    values: FloatArray, period: IntArray, base: BoolArray
) -> tuple[FloatArray, IntArray]:
    """``abs(diff(values[base]))`` per period (first baseline point of a period: none)."""
    idx = np.flatnonzero(base)
    vb = values[idx]
    pb = period[idx]
    with np.errstate(invalid="ignore"):
        mr = np.abs(np.diff(vb))
    mr[~same_segment_as_previous(pb)[1:]] = NAN
    return mr, pb[1:]


def run_chart(
    s: Subgroups, period: IntArray, n_periods: int, base: BoolArray, screen: bool
) -> ChartLines:
    """Run chart: centre line = median of the baseline points, no limits (``qic.run``)."""
    centre = r_median(np.where(base, s.y, NAN), period, n_periods)[period]
    none = np.full(s.y.size, NAN)
    return ChartLines(s.y, centre, none, none, none, none)


def i_chart(
    s: Subgroups, period: IntArray, n_periods: int, base: BoolArray, screen: bool
) -> ChartLines:
    """I chart: mean -/+ 3 x (mean moving range / 1.128) (``qic.i``).

    The moving ranges are taken between consecutive baseline points of ``y - cl`` and, with
    ``qic.screenedmr``, those >= 3.267 x their mean are dropped once.
    """
    cl = r_mean(np.where(base, s.y, NAN), period, n_periods)
    centre = cl[period]
    with np.errstate(invalid="ignore"):
        mr, mr_period = _base_moving_ranges(s.y - centre, period, base)
    amr = screened_mean(mr, mr_period, n_periods, screen)
    return _limits(s.y, centre, (amr / D2)[period])


def mr_chart(
    s: Subgroups, period: IntArray, n_periods: int, base: BoolArray, screen: bool
) -> ChartLines:
    """Moving-range chart: CL = mean MR, UCL = 3.267 CL, LCL = 0 (``qic.mr``)."""
    y = np.full(s.y.size, NAN)
    with np.errstate(invalid="ignore"):
        y[1:] = np.abs(np.diff(s.y))
    y[~same_segment_as_previous(period)] = NAN
    centre = r_mean(np.where(base, y, NAN), period, n_periods)[period]
    zero = np.zeros(y.size)
    return ChartLines(y, centre, zero, MR_SCREEN * centre, zero, (MR_SCREEN / 3) * 2 * centre)


def t_chart(
    s: Subgroups, period: IntArray, n_periods: int, base: BoolArray, screen: bool
) -> ChartLines:
    """T chart: an I chart of ``y ** (1 / 3.6)``, back-transformed (``qic.t``).

    The LCL is set to 0 when it is negative or NaN; the 2-sigma lower line is not.
    """
    with np.errstate(invalid="ignore"):
        transformed = Subgroups(s.y ** (1 / 3.6), s.y_sum, s.y_length, s.y_sd, s.n)
        lines = i_chart(transformed, period, n_periods, base, screen)
        lower = lines.lower**3.6
    lower = np.where(np.isnan(lower) | (lower < 0), 0.0, lower)
    with np.errstate(invalid="ignore"):
        return ChartLines(
            y=lines.y**3.6,
            centre=lines.centre**3.6,
            lower=lower,
            upper=lines.upper**3.6,
            lower_2sigma=lines.lower_2sigma**3.6,
            upper_2sigma=lines.upper_2sigma**3.6,
        )


def _proportion_centre(
    s: Subgroups, period: IntArray, n_periods: int, base: BoolArray
) -> FloatArray:
    """``sum(y.sum[base]) / sum(n[base])`` per period."""
    num = r_sum(np.where(base, s.y_sum, NAN), period, n_periods)
    den = r_sum(np.where(base, s.n, NAN), period, n_periods)
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = num / den
    return out


def _laney_factor(
    s: Subgroups,
    centre: FloatArray,
    sigma: FloatArray,
    period: IntArray,
    n_periods: int,
    base: BoolArray,
    screen: bool,
) -> FloatArray:
    """Laney's sigma_z: mean moving range of the z-scores of the baseline points / 1.128."""
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (s.y - centre) / sigma
    mr, mr_period = _base_moving_ranges(z, period, base)
    out: FloatArray = screened_mean(mr, mr_period, n_periods, screen) / D2
    return out


def p_chart(
    s: Subgroups, period: IntArray, n_periods: int, base: BoolArray, screen: bool
) -> ChartLines:
    """P chart: p -/+ 3 sqrt(p (1 - p) / n), clipped to [0, 1] (``qic.p``)."""
    centre = _proportion_centre(s, period, n_periods, base)[period]
    with np.errstate(invalid="ignore", divide="ignore"):
        sigma = np.sqrt(centre * (1 - centre) / s.n)
    return _clip_lower_at_zero(_limits(s.y, centre, sigma), upper_at_one=True)


def pp_chart(
    s: Subgroups, period: IntArray, n_periods: int, base: BoolArray, screen: bool
) -> ChartLines:
    """Laney P' chart: the P chart sigma times sigma_z (``qic.pp``)."""
    centre = _proportion_centre(s, period, n_periods, base)[period]
    with np.errstate(invalid="ignore", divide="ignore"):
        sigma = np.sqrt(centre * (1 - centre) / s.n)
    factor = _laney_factor(s, centre, sigma, period, n_periods, base, screen)[period]
    return _clip_lower_at_zero(_limits(s.y, centre, sigma * factor), upper_at_one=True)


def c_chart(
    s: Subgroups, period: IntArray, n_periods: int, base: BoolArray, screen: bool
) -> ChartLines:
    """C chart: mean count -/+ 3 sqrt(mean), LCL >= 0 (``qic.c``)."""
    centre = r_mean(np.where(base, s.y_sum, NAN), period, n_periods)[period]
    with np.errstate(invalid="ignore"):
        sigma = np.sqrt(centre)
    return _clip_lower_at_zero(_limits(s.y_sum, centre, sigma))


def u_chart(
    s: Subgroups, period: IntArray, n_periods: int, base: BoolArray, screen: bool
) -> ChartLines:
    """U chart: u -/+ 3 sqrt(u / n), LCL >= 0 (``qic.u``)."""
    centre = _proportion_centre(s, period, n_periods, base)[period]
    with np.errstate(invalid="ignore", divide="ignore"):
        sigma = np.sqrt(centre / s.n)
    return _clip_lower_at_zero(_limits(s.y, centre, sigma))


def up_chart(
    s: Subgroups, period: IntArray, n_periods: int, base: BoolArray, screen: bool
) -> ChartLines:
    """Laney U' chart: the U chart sigma times sigma_z, LCL >= 0 (``qic.up``)."""
    centre = _proportion_centre(s, period, n_periods, base)[period]
    with np.errstate(invalid="ignore", divide="ignore"):
        sigma = np.sqrt(centre / s.n)
    factor = _laney_factor(s, centre, sigma, period, n_periods, base, screen)[period]
    return _clip_lower_at_zero(_limits(s.y, centre, sigma * factor))


def g_chart(
    s: Subgroups, period: IntArray, n_periods: int, base: BoolArray, screen: bool
) -> ChartLines:
    """G chart: limits from the mean m, m -/+ 3 sqrt(m (m + 1)), LCL >= 0; CL = median.

    qicharts2 ``qic.g`` computes the limits from the mean and then replaces the displayed
    centre line (and so the runs analysis) with the median of the baseline points.
    """
    mean = r_mean(np.where(base, s.y, NAN), period, n_periods)[period]
    with np.errstate(invalid="ignore"):
        sigma = np.sqrt(mean * (mean + 1))
    lines = _clip_lower_at_zero(_limits(s.y, mean, sigma), finite_only=False)
    median = r_median(np.where(base, s.y, NAN), period, n_periods)[period]
    return ChartLines(s.y, median, lines.lower, lines.upper, lines.lower_2sigma, lines.upper_2sigma)


def c4(n: FloatArray) -> FloatArray:
    """c4(n) = sqrt(2 / (n - 1)) Gamma(n / 2) / Gamma((n - 1) / 2); NaN for n <= 1."""
    out = np.full(n.size, NAN)
    ok = n > 1
    lg = np.vectorize(lgamma, otypes=[float])
    if ok.any():
        m = n[ok]
        out[ok] = np.sqrt(2 / (m - 1)) * np.exp(lg(m / 2) - lg((m - 1) / 2))
    return out


def _pooled_sd(s: Subgroups, period: IntArray, n_periods: int, base: BoolArray) -> FloatArray:
    """Per period: pooled SD when subgroup sizes vary, else the mean SD (Montgomery 6.29/6.31).

    ``var.n`` looks at every subgroup of the part, the sums only at baseline subgroups.
    """
    lengths = s.y_length
    lo = np.full(n_periods, np.inf)
    hi = np.full(n_periods, -np.inf)
    np.minimum.at(lo, period, lengths)
    np.maximum.at(hi, period, lengths)
    varying = lo != hi
    with np.errstate(invalid="ignore"):
        num = r_sum(np.where(base, (lengths - 1) * s.y_sd**2, NAN), period, n_periods)
        den = r_sum(np.where(base, lengths - 1, NAN), period, n_periods)
        pooled = np.sqrt(num / den)
    mean_sd = r_mean(np.where(base, s.y_sd, NAN), period, n_periods)
    out: FloatArray = np.where(varying, pooled, mean_sd)
    return out


def xbar_chart(
    s: Subgroups, period: IntArray, n_periods: int, base: BoolArray, screen: bool
) -> ChartLines:
    """Xbar chart: weighted grand mean -/+ A3(n) x SD, A3 = 3 / (c4 sqrt n) (``qic.xbar``)."""
    with np.errstate(invalid="ignore"):
        weighted = r_sum(np.where(base, s.y_length * s.y, NAN), period, n_periods)
    size = r_sum(np.where(base, s.y_length, NAN), period, n_periods)
    with np.errstate(invalid="ignore", divide="ignore"):
        centre = (weighted / size)[period]
    sd = _pooled_sd(s, period, n_periods, base)[period]
    with np.errstate(invalid="ignore", divide="ignore"):
        k = c4(s.y_length) * np.sqrt(s.y_length)
        return ChartLines(
            y=s.y,
            centre=centre,
            lower=centre - (3 / k) * sd,
            upper=centre + (3 / k) * sd,
            lower_2sigma=centre - (2 / k) * sd,
            upper_2sigma=centre + (2 / k) * sd,
        )


def s_chart(
    s: Subgroups, period: IntArray, n_periods: int, base: BoolArray, screen: bool
) -> ChartLines:
    """S chart: CL = pooled (or mean) SD, limits B3 CL and B4 CL (``qic.s``)."""
    centre = _pooled_sd(s, period, n_periods, base)[period]
    cc4 = c4(s.y_length)
    with np.errstate(invalid="ignore"):
        c5 = np.sqrt(1 - cc4**2)
        b3 = np.where(np.isnan(c5), NAN, np.maximum(0.0, 1 - 3 * c5 / cc4))
        b3_2 = np.where(np.isnan(c5), NAN, np.maximum(0.0, 1 - 2 * c5 / cc4))
        return ChartLines(
            y=s.y_sd,
            centre=centre,
            lower=b3 * centre,
            upper=(1 + 3 * c5 / cc4) * centre,
            lower_2sigma=b3_2 * centre,
            upper_2sigma=(1 + 2 * c5 / cc4) * centre,
        )


ChartFunction = Callable[[Subgroups, IntArray, int, BoolArray, bool], ChartLines]

CHARTS: dict[str, ChartFunction] = {
    "run": run_chart,
    "i": i_chart,
    "mr": mr_chart,
    "t": t_chart,
    "p": p_chart,
    "pp": pp_chart,
    "c": c_chart,
    "u": u_chart,
    "up": up_chart,
    "g": g_chart,
    "xbar": xbar_chart,
    "s": s_chart,
}
"""qicharts2 chart functions by ``chart`` name."""

NEEDS_DENOMINATOR = frozenset({"p", "pp", "u", "up"})
