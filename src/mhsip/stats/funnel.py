"""Funnel plots for comparing units (wards, trusts): control limits, z-scores and outliers.

A funnel plot shows each unit's indicator (a rate, a standardised ratio or a proportion)
against its precision (person-time, expected count or number of cases), with control limits
around the target that narrow as precision grows (Spiegelhalter 2005).

* Poisson data (:func:`funnel_poisson`): ``observed ~ Poisson(target * exposure)``, where
  ``exposure`` is the expected count for an indirectly standardised ratio (target 1), or
  person-time for a rate (target = the overall rate).
* Binomial data (:func:`funnel_binomial`): ``events ~ Binomial(trials, target)``.

Limits without overdispersion are *exact*: the ``p`` quantile ``r_p`` of the discrete null
distribution (the smallest ``r`` with ``P(R <= r) >= p``) is interpolated as

    alpha = (P(R <= r_p) - p) / (P(R <= r_p) - P(R <= r_p - 1)),  limit = (r_p - alpha) / n

(Spiegelhalter 2005, appendix A.1.1) -- the ``p`` quantile of the count when each integer's
probability is spread evenly over the unit interval below it -- which gives smooth limits.
Limits are clipped to the indicator's range (``>= 0``; ``<= 1`` for proportions), since at very
small denominators the interpolated quantile can fall below zero.

Overdispersion: with many units, real between-unit variation makes too many fall outside the
limits. From z-scores ``z_i = (Y_i - T) / s_i`` on a chosen ``scale`` (``Y_i`` the transformed
indicator, ``T`` the transformed target, ``s_i`` its null standard error), Winsorised at the
``winsor`` and ``1 - winsor`` quantiles (10% each tail by default), the dispersion factor is
``phi = mean(z_w**2)``. Then either

* ``"multiplicative"``: limits ``T +/- z_p sqrt(phi) s`` (only ever widened: ``phi < 1`` is
  treated as 1), or
* ``"additive"`` random effects: ``tau2 = (I phi - (I - 1)) / (sum w - sum w**2 / sum w)``,
  ``w = 1 / s**2``, set to 0 when ``I phi <= I - 1`` (a DerSimonian-Laird style moment
  estimate), and limits ``T +/- z_p sqrt(s**2 + tau2)``,

back-transformed to the indicator scale. Scales: ``"identity"`` (Spiegelhalter's default),
``"log"`` (the SHMI method in NHS-R FunnelPlotR: ``s = 1/sqrt(expected)``), ``"sqrt"`` (the
CQC method: ``s = 1/(2 sqrt(exposure))``) for Poisson data; ``"arcsine"``
(``asin(sqrt(p))``, ``s = 1/(2 sqrt(n))``, FunnelPlotR's proportion method) and ``"logit"`` for
binomial data.

References
----------
.. [1] Spiegelhalter DJ. Funnel plots for comparing institutional performance. Stat Med
   2005;24:1185-1202.
.. [2] Spiegelhalter DJ. Handling over-dispersion of performance indicators. Qual Saf Health
   Care 2005;14:347-351.
.. [3] Mainey C et al. FunnelPlotR: funnel plots for comparing institutional performance,
   R package (NHS-R Community), functions ``transformed_zscore``, ``winsorisation``,
   ``phi_func``, ``tau_func``, ``calculate_limits``.
.. [4] Manktelow BN, Seaton SE. Specifying the probability characteristics of funnel plot
   control limits: an investigation of three approaches. PLoS One 2012;7:e45723.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from ._arrays import BoolArray, FloatArray, as_float, check_non_negative
from ._special import binom_cdf, chi2_sf, norm_ppf, poisson_cdf
from .poisson import ConfidenceInterval

__all__ = [
    "FunnelResult",
    "binomial_funnel_limits",
    "funnel_binomial",
    "funnel_poisson",
    "poisson_funnel_limits",
]

FunnelKind = Literal["poisson", "binomial"]
Overdispersion = Literal["none", "multiplicative", "additive"]
Scale = Literal["identity", "log", "sqrt", "arcsine", "logit"]

DEFAULT_LEVELS: tuple[float, ...] = (0.95, 0.998)
_SCALES: dict[str, tuple[str, ...]] = {
    "poisson": ("identity", "log", "sqrt"),
    "binomial": ("identity", "arcsine", "logit"),
}


# ---------------------------------------------------------------------------------------------
# Scales: transform, null standard error and back-transform
# ---------------------------------------------------------------------------------------------


def _transform(y: FloatArray, scale: str) -> FloatArray:
    with np.errstate(divide="ignore", invalid="ignore"):
        if scale == "identity":
            return y
        if scale == "log":
            return np.asarray(np.log(y), np.float64)
        if scale == "sqrt":
            return np.asarray(np.sqrt(y), np.float64)
        if scale == "arcsine":
            return np.asarray(np.arcsin(np.sqrt(y)), np.float64)
        return np.asarray(np.log(y) - np.log1p(-y), np.float64)  # logit


def _back(v: FloatArray, scale: str, kind: str) -> FloatArray:
    with np.errstate(over="ignore", invalid="ignore"):
        if scale == "identity":
            out = np.maximum(v, 0.0)
            return np.minimum(out, 1.0) if kind == "binomial" else out
        if scale == "log":
            return np.asarray(np.exp(v), np.float64)
        if scale == "sqrt":
            return np.asarray(np.maximum(v, 0.0) ** 2, np.float64)
        if scale == "arcsine":
            return np.asarray(np.sin(np.clip(v, 0.0, np.pi / 2.0)) ** 2, np.float64)
        return np.asarray(1.0 / (1.0 + np.exp(-v)), np.float64)  # logit


def _null_se(den: FloatArray, target: FloatArray, scale: str, kind: str) -> FloatArray:
    """Standard error of the transformed indicator under the null, by the delta method."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == "poisson":
            if scale == "identity":
                var = target / den
            elif scale == "log":
                var = 1.0 / (target * den)
            else:  # sqrt
                var = 1.0 / (4.0 * den)
        elif scale == "identity":
            var = target * (1.0 - target) / den
        elif scale == "arcsine":
            var = 1.0 / (4.0 * den)
        else:  # logit
            var = 1.0 / (den * target * (1.0 - target))
        return np.asarray(np.sqrt(var), np.float64)


def _check_scale(kind: str, scale: str) -> None:
    if scale not in _SCALES[kind]:
        raise ValueError(f"scale for {kind} data must be one of {_SCALES[kind]}, got {scale!r}")


# ---------------------------------------------------------------------------------------------
# Exact (interpolated) limits
# ---------------------------------------------------------------------------------------------


def _exact_limit(kind: str, den: FloatArray, target: FloatArray, p: FloatArray) -> FloatArray:
    """Spiegelhalter's interpolated exact ``p`` limit on the indicator scale (unclipped)."""
    den, target, p = np.broadcast_arrays(den, target, p)
    out = np.full(den.shape, np.nan)
    with np.errstate(invalid="ignore"):
        ok = (den > 0) & np.isfinite(den) & ~np.isnan(target) & (p > 0) & (p < 1)
        degenerate = ok & ((target == 0) | (kind == "binomial") & (target == 1))
        reg = ok & ~degenerate
    out[degenerate] = target[degenerate]
    if not reg.any():
        return out
    n, theta, pr = den[reg], target[reg], p[reg]
    mean = n * theta
    z = norm_ppf(pr)
    cdf: Callable[[FloatArray, npt.NDArray[np.intp]], FloatArray]
    if kind == "poisson":
        sd = np.sqrt(mean)
        skew = (z * z - 1.0) / 6.0
        top = np.full_like(n, np.inf)

        def cdf(r: FloatArray, idx: npt.NDArray[np.intp]) -> FloatArray:
            return poisson_cdf(r, mean[idx])

    else:
        sd = np.sqrt(mean * (1.0 - theta))
        skew = (z * z - 1.0) * (1.0 - 2.0 * theta) / 6.0
        top = np.floor(n)

        def cdf(r: FloatArray, idx: npt.NDArray[np.intp]) -> FloatArray:
            return binom_cdf(r, n[idx], theta[idx])

    # Cornish-Fisher start, then step to the smallest r with F(r) >= p.
    r = np.clip(np.floor(mean + z * sd + skew), 0.0, top)
    f_r = np.empty_like(r)
    f_below = np.empty_like(r)
    active = np.arange(r.size)
    for _ in range(100_000):
        if active.size == 0:
            break
        ra = r[active]
        fa = cdf(ra, active)
        fb = np.where(ra > 0, cdf(ra - 1.0, active), 0.0)
        f_r[active], f_below[active] = fa, fb
        pa = pr[active]
        up = (fa < pa) & (ra < top[active])
        down = ~up & (fb >= pa) & (ra > 0)
        r[active] = ra + up - down
        active = active[up | down]
    with np.errstate(divide="ignore", invalid="ignore"):
        mass = f_r - f_below
        alpha = np.where(mass > 0, (f_r - pr) / mass, 0.0)
    out[reg] = (r - alpha) / n
    return out


def _limits(
    kind: str,
    den: npt.ArrayLike,
    level: npt.ArrayLike,
    target: npt.ArrayLike,
    exact: bool,
    scale: str,
    phi: npt.ArrayLike,
    tau2: npt.ArrayLike,
) -> ConfidenceInterval:
    _check_scale(kind, scale)
    d = as_float(den)
    lv = as_float(level)
    th = as_float(target)
    ph = as_float(phi)
    t2 = as_float(tau2)
    if np.any((lv <= 0) | (lv >= 1)):
        raise ValueError("level must be strictly between 0 and 1")
    check_non_negative(d, "denominator")
    if np.any(ph <= 0) or np.any(t2 < 0):
        raise ValueError("phi must be positive and tau2 non-negative")
    d, lv, th, ph, t2 = np.broadcast_arrays(d, lv, th, ph, t2)
    half = (1.0 - lv) / 2.0
    plain = (ph == 1.0) & (t2 == 0.0)
    if exact and np.all(plain):
        lower = _exact_limit(kind, d, th, half)
        upper = _exact_limit(kind, d, th, 1.0 - half)
    else:
        z = norm_ppf(1.0 - half)
        centre = _transform(th, scale)
        s = _null_se(d, th, scale, kind)
        width = z * np.sqrt(ph * s * s + t2)
        lower = _back(centre - width, scale, kind)
        upper = _back(centre + width, scale, kind)
        if exact:
            lower = np.where(plain, _exact_limit(kind, d, th, half), lower)
            upper = np.where(plain, _exact_limit(kind, d, th, 1.0 - half), upper)
    with np.errstate(invalid="ignore"):
        lower = np.where(d > 0, _back(np.asarray(lower, np.float64), "identity", kind), np.nan)
        upper = np.where(d > 0, _back(np.asarray(upper, np.float64), "identity", kind), np.nan)
    return ConfidenceInterval(np.asarray(lower, np.float64), np.asarray(upper, np.float64))


def poisson_funnel_limits(
    exposure: npt.ArrayLike,
    level: npt.ArrayLike = 0.95,
    *,
    target: npt.ArrayLike = 1.0,
    exact: bool = True,
    scale: Scale = "identity",
    phi: npt.ArrayLike = 1.0,
    tau2: npt.ArrayLike = 0.0,
) -> ConfidenceInterval:
    """Funnel-plot control limits for a Poisson indicator ``observed / exposure``.

    Under the null ``observed ~ Poisson(target * exposure)``. With ``phi = 1`` and
    ``tau2 = 0`` and ``exact=True`` the limits are Spiegelhalter's interpolated exact limits;
    otherwise they are normal limits on ``scale`` with variance ``phi * s**2 + tau2``.

    Parameters
    ----------
    exposure : array_like
        Expected counts (standardised ratio, ``target=1``) or person-time (rate).
    level : float or array_like, default 0.95
        Two-sided coverage, e.g. 0.95 or 0.998. Broadcasts with ``exposure``.
    target : float or array_like, default 1.0
        Target ratio or rate (per unit of exposure).
    exact : bool, default True
    scale : {"identity", "log", "sqrt"}, default "identity"
    phi, tau2 : float or array_like
        Overdispersion: multiplicative factor and additive between-unit variance.

    Returns
    -------
    ConfidenceInterval
        ``(lower, upper)`` on the indicator scale (not multiplied); NaN where
        ``exposure <= 0``.

    References
    ----------
    .. [1] Spiegelhalter DJ. Stat Med 2005;24:1185-1202, appendix A.

    Examples
    --------
    Exact 95% limits for a standardised ratio with 100 expected events:

    >>> lo, hi = poisson_funnel_limits(100.0)
    >>> round(float(lo), 4), round(float(hi), 4)
    (0.8037, 1.1958)
    """
    return _limits("poisson", exposure, level, target, exact, scale, phi, tau2)


def binomial_funnel_limits(
    trials: npt.ArrayLike,
    level: npt.ArrayLike = 0.95,
    *,
    target: npt.ArrayLike,
    exact: bool = True,
    scale: Scale = "identity",
    phi: npt.ArrayLike = 1.0,
    tau2: npt.ArrayLike = 0.0,
) -> ConfidenceInterval:
    """Funnel-plot control limits for a proportion ``events / trials``.

    Under the null ``events ~ Binomial(trials, target)``; see :func:`poisson_funnel_limits`.

    Parameters
    ----------
    trials : array_like
        Denominators (number of cases). Non-integer values use the continuous extension of
        the binomial CDF through the incomplete beta function.
    level : float or array_like, default 0.95
    target : float or array_like
        Target proportion.
    exact : bool, default True
    scale : {"identity", "arcsine", "logit"}, default "identity"
    phi, tau2 : float or array_like
        Overdispersion (see the module notes).

    Returns
    -------
    ConfidenceInterval
        ``(lower, upper)`` proportions; NaN where ``trials <= 0``.

    Examples
    --------
    >>> lo, hi = binomial_funnel_limits([20, 200], target=0.3)
    >>> [round(v, 4) for v in lo.tolist()], [round(v, 4) for v in hi.tolist()]
    ([0.0812, 0.235], [0.4873, 0.362])
    """
    return _limits("binomial", trials, level, target, exact, scale, phi, tau2)


# ---------------------------------------------------------------------------------------------
# Whole funnel: z-scores, overdispersion, limits per unit and on a grid
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FunnelResult:
    """A funnel plot: per-unit indicators, z-scores, limits and outlier flags.

    Indicator values, the target and all limits are on the display scale (times
    ``multiplier``). Arrays of limits have one row per level in ``levels``.

    Attributes
    ----------
    kind : {"poisson", "binomial"}
    target : float
        Centre line (times ``multiplier``).
    levels : tuple of float
        Two-sided coverage of each pair of limits, e.g. ``(0.95, 0.998)``.
    overdispersion : {"none", "multiplicative", "additive"}
        The model used for the limits and ``z_adjusted``.
    scale : str
        Scale of the z-scores and of any normal-approximation limits.
    exact : bool
        Whether unadjusted limits are the exact interpolated ones.
    multiplier : float
    phi : float
        Winsorised dispersion estimate ``mean(z_w**2)`` (always estimated and reported).
    phi_used : float
        The factor applied (``max(phi, 1)`` or the value given; 1 unless multiplicative).
    tau2 : float
        Additive between-unit variance on ``scale`` (estimated, or the value given).
    phi_p_value : float
        ``P(chi2_{I-1} >= I * phi)``: a rough test of no overdispersion (Spiegelhalter 2005b).
    winsor : float
        Fraction Winsorised in each tail.
    n_units : int
        Units with a positive, known denominator and known numerator (used for ``phi``).
    numerator, denominator : ndarray
        Inputs, shape ``(units,)``.
    indicator : ndarray
        ``numerator / denominator * multiplier``.
    expected : ndarray
        ``target * denominator`` (the null expected count).
    z : ndarray
        Unadjusted z-scores ``(Y - T) / s`` on ``scale``.
    z_winsorised : ndarray
        ``z`` clipped to its ``winsor`` and ``1 - winsor`` quantiles.
    z_adjusted : ndarray
        ``z / sqrt(phi_used)`` (multiplicative), ``(Y - T) / sqrt(s**2 + tau2)`` (additive),
        or ``z``.
    lower, upper : ndarray
        Limits at each unit's denominator, shape ``(levels, units)``.
    low, high : ndarray of bool
        Unit strictly below the lower / above the upper limit, shape ``(levels, units)``.
    grid : ndarray
        Denominators at which to draw the funnel.
    grid_lower, grid_upper : ndarray
        Limits on the grid, shape ``(levels, points)``.
    notes : tuple of str
        Anything the reader should know (e.g. infinite z-scores on a log scale).
    """

    kind: str
    target: float
    levels: tuple[float, ...]
    overdispersion: str
    scale: str
    exact: bool
    multiplier: float
    phi: float
    phi_used: float
    tau2: float
    phi_p_value: float
    winsor: float
    n_units: int
    numerator: FloatArray
    denominator: FloatArray
    indicator: FloatArray
    expected: FloatArray
    z: FloatArray
    z_winsorised: FloatArray
    z_adjusted: FloatArray
    lower: FloatArray
    upper: FloatArray
    low: BoolArray
    high: BoolArray
    grid: FloatArray
    grid_lower: FloatArray
    grid_upper: FloatArray
    notes: tuple[str, ...] = ()

    def outliers(self, level: float | None = None) -> BoolArray:
        """Units outside the limits at ``level`` (default: the widest level).

        Examples
        --------
        >>> res = funnel_poisson([10, 30, 12], [10, 10, 10], target=1.0)
        >>> res.outliers().tolist()
        [False, True, False]
        """
        i = int(np.argmax(self.levels)) if level is None else self.levels.index(level)
        out: BoolArray = self.low[i] | self.high[i]
        return out


def _type7_quantile(sorted_values: FloatArray, prob: float) -> float:
    """R's default (type 7) quantile of sorted finite-or-infinite values."""
    n = sorted_values.size
    h = (n - 1) * prob
    lo = int(np.floor(h))
    frac = h - lo
    a = float(sorted_values[lo])
    if frac == 0.0 or lo + 1 >= n:
        return a
    b = float(sorted_values[lo + 1])
    if a == b:
        return a
    if not (np.isfinite(a) and np.isfinite(b)):
        return a if np.isinf(a) else b
    return a + frac * (b - a)


def _funnel(
    kind: str,
    numerator: npt.ArrayLike,
    denominator: npt.ArrayLike,
    *,
    target: float | None,
    levels: Sequence[float],
    overdispersion: str,
    scale: str,
    exact: bool,
    winsor: float,
    phi: float | None,
    tau2: float | None,
    multiplier: float,
    grid: npt.ArrayLike | None,
    n_grid: int,
) -> FunnelResult:
    _check_scale(kind, scale)
    if overdispersion not in ("none", "multiplicative", "additive"):
        raise ValueError(
            f"overdispersion must be 'none', 'multiplicative' or 'additive', got {overdispersion!r}"
        )
    if not 0.0 <= winsor < 0.5:
        raise ValueError("winsor must be in [0, 0.5)")
    lv = tuple(float(v) for v in levels)
    if not lv or any(not 0.0 < v < 1.0 for v in lv):
        raise ValueError("levels must be non-empty and each strictly between 0 and 1")
    num = np.atleast_1d(as_float(numerator))
    den = np.atleast_1d(as_float(denominator))
    num, den = (np.array(v) for v in np.broadcast_arrays(num, den))
    if num.ndim != 1:
        raise ValueError("numerator and denominator must be one-dimensional (one value per unit)")
    check_non_negative(num, "numerator")
    check_non_negative(den, "denominator")
    with np.errstate(invalid="ignore"):
        valid = ~np.isnan(num) & (den > 0) & np.isfinite(den)
    if kind == "binomial" and np.any(num[valid] > den[valid]):
        raise ValueError("events must not exceed trials")
    if target is None:
        total = den[valid].sum()
        theta = float(num[valid].sum() / total) if total > 0 else float("nan")
    else:
        theta = float(target)
    notes: list[str] = []
    with np.errstate(divide="ignore", invalid="ignore"):
        y = np.where(valid, num / den, np.nan)
    big_t = float(_transform(np.asarray(theta), scale))
    s = np.where(valid, _null_se(den, np.asarray(theta), scale, kind), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(valid, (_transform(y, scale) - big_t) / s, np.nan)
    zv = z[valid]
    if np.any(np.isinf(zv)):
        notes.append(
            f"{int(np.isinf(zv).sum())} unit(s) have infinite z-scores on the {scale} scale "
            "(0 or all events); phi and tau2 are infinite unless Winsorisation clips them"
        )
    n_units = int(valid.sum())
    z_w = np.full_like(z, np.nan)
    phi_hat = float("nan")
    tau2_hat = float("nan")
    p_value = float("nan")
    if n_units > 0:
        ordered = np.sort(zv)
        lz = _type7_quantile(ordered, winsor)
        uz = _type7_quantile(ordered, 1.0 - winsor)
        z_w[valid] = np.clip(zv, lz, uz)
        with np.errstate(over="ignore", invalid="ignore"):
            phi_hat = float(np.mean(z_w[valid] ** 2))
        if n_units > 1:
            p_value = float(chi2_sf(n_units * phi_hat, n_units - 1))
            w = 1.0 / s[valid] ** 2
            if n_units * phi_hat <= n_units - 1:
                tau2_hat = 0.0
            else:
                with np.errstate(over="ignore", invalid="ignore"):
                    tau2_hat = max(
                        0.0,
                        (n_units * phi_hat - (n_units - 1)) / (w.sum() - (w**2).sum() / w.sum()),
                    )
        else:
            tau2_hat = 0.0
            notes.append("only one unit: overdispersion cannot be estimated")
    phi_used = 1.0
    tau2_used = 0.0
    if overdispersion == "multiplicative":
        phi_used = float(phi) if phi is not None else max(phi_hat, 1.0)
        if not np.isfinite(phi_used):
            notes.append("phi is not finite: limits are undefined")
    elif overdispersion == "additive":
        tau2_used = float(tau2) if tau2 is not None else tau2_hat
        if not np.isfinite(tau2_used):
            notes.append("tau2 is not finite: limits are undefined")
    with np.errstate(divide="ignore", invalid="ignore"):
        if overdispersion == "additive":
            z_adj = (_transform(y, scale) - big_t) / np.sqrt(s * s + tau2_used)
        else:
            z_adj = z / np.sqrt(phi_used)

    def limits_at(d: FloatArray) -> tuple[FloatArray, FloatArray]:
        lows, highs = [], []
        for level in lv:
            if np.isfinite(phi_used) and np.isfinite(tau2_used) and np.isfinite(theta):
                lo, hi = _limits(kind, d, level, theta, exact, scale, phi_used, tau2_used)
            else:
                lo = hi = np.full(d.shape, np.nan)
            lows.append(lo)
            highs.append(hi)
        return np.vstack(lows), np.vstack(highs)

    den_safe = np.where(valid, den, 0.0)
    unit_lower, unit_upper = limits_at(den_safe)
    with np.errstate(invalid="ignore"):
        low = valid & (y < unit_lower)
        high = valid & (y > unit_upper)
    if grid is None:
        dv = den[valid]
        if dv.size:
            grid_arr = np.geomspace(max(dv.min() / 2.0, 1e-9), dv.max() * 1.1, n_grid)
            if kind == "binomial":
                grid_arr = np.unique(np.maximum(np.round(grid_arr), 1.0))
        else:
            grid_arr = np.empty(0)
    else:
        grid_arr = np.atleast_1d(as_float(grid))
    grid_lower, grid_upper = limits_at(grid_arr)
    m = float(multiplier)
    return FunnelResult(
        kind=kind,
        target=theta * m,
        levels=lv,
        overdispersion=overdispersion,
        scale=scale,
        exact=exact,
        multiplier=m,
        phi=phi_hat,
        phi_used=phi_used,
        tau2=tau2_used if overdispersion == "additive" else tau2_hat,
        phi_p_value=p_value,
        winsor=winsor,
        n_units=n_units,
        numerator=num,
        denominator=den,
        indicator=y * m,
        expected=np.where(valid, theta * den, np.nan),
        z=z,
        z_winsorised=z_w,
        z_adjusted=np.asarray(z_adj, np.float64),
        lower=unit_lower * m,
        upper=unit_upper * m,
        low=low,
        high=high,
        grid=grid_arr,
        grid_lower=grid_lower * m,
        grid_upper=grid_upper * m,
        notes=tuple(notes),
    )


def funnel_poisson(
    observed: npt.ArrayLike,
    exposure: npt.ArrayLike,
    *,
    target: float | None = None,
    levels: Sequence[float] = DEFAULT_LEVELS,
    overdispersion: Overdispersion = "none",
    scale: Scale = "identity",
    exact: bool = True,
    winsor: float = 0.1,
    phi: float | None = None,
    tau2: float | None = None,
    multiplier: float = 1.0,
    grid: npt.ArrayLike | None = None,
    n_grid: int = 200,
) -> FunnelResult:
    """Funnel plot for Poisson counts: standardised ratios or rates per person-time.

    Parameters
    ----------
    observed : array_like
        Observed counts per unit (NaN = missing unit).
    exposure : array_like
        Expected counts (standardised ratio) or person-time (rate), per unit.
    target : float, optional
        Target ratio/rate per unit of exposure; default the pooled ``sum(O) / sum(exposure)``.
        Use ``target=1.0`` for standardised ratios against an external standard.
    levels : sequence of float, default (0.95, 0.998)
    overdispersion : {"none", "multiplicative", "additive"}, default "none"
    scale : {"identity", "log", "sqrt"}, default "identity"
        ``"log"`` reproduces FunnelPlotR's SHMI method, ``"sqrt"`` its CQC method.
    exact : bool, default True
        Exact interpolated limits when no overdispersion adjustment is applied.
    winsor : float, default 0.1
        Fraction Winsorised in each tail when estimating ``phi``.
    phi, tau2 : float, optional
        Fixed overdispersion values (e.g. from a baseline year) instead of estimates.
    multiplier : float, default 1.0
        Display multiplier (1,000 for rates per 1,000 bed days; 100 for ratios as %).
    grid : array_like, optional
        Exposures at which to draw the funnel; default 200 points spanning the data.
    n_grid : int, default 200

    Returns
    -------
    FunnelResult

    References
    ----------
    .. [1] Spiegelhalter DJ. Stat Med 2005;24:1185-1202.
    .. [2] Spiegelhalter DJ. Qual Saf Health Care 2005;14:347-351.

    Examples
    --------
    Restrictive interventions per 1,000 bed days on five wards:

    >>> res = funnel_poisson([12, 30, 8, 55, 20], [600, 650, 540, 700, 1200], multiplier=1000)
    >>> round(res.target, 2)
    33.88
    >>> res.high[1].tolist()  # above the 99.8% limit
    [False, False, False, True, False]
    """
    return _funnel(
        "poisson",
        observed,
        exposure,
        target=target,
        levels=levels,
        overdispersion=overdispersion,
        scale=scale,
        exact=exact,
        winsor=winsor,
        phi=phi,
        tau2=tau2,
        multiplier=multiplier,
        grid=grid,
        n_grid=n_grid,
    )


def funnel_binomial(
    events: npt.ArrayLike,
    trials: npt.ArrayLike,
    *,
    target: float | None = None,
    levels: Sequence[float] = DEFAULT_LEVELS,
    overdispersion: Overdispersion = "none",
    scale: Scale = "identity",
    exact: bool = True,
    winsor: float = 0.1,
    phi: float | None = None,
    tau2: float | None = None,
    multiplier: float = 1.0,
    grid: npt.ArrayLike | None = None,
    n_grid: int = 200,
) -> FunnelResult:
    """Funnel plot for proportions (e.g. % of incidents with a post-incident review).

    Parameters are as :func:`funnel_poisson`, with ``events`` out of ``trials``; ``target``
    defaults to the pooled proportion and ``scale`` is one of ``"identity"``, ``"arcsine"``
    (FunnelPlotR's method) or ``"logit"``.

    Returns
    -------
    FunnelResult

    Examples
    --------
    >>> res = funnel_binomial([18, 40, 9, 60], [20, 60, 30, 100], multiplier=100)
    >>> round(res.target, 1)
    60.5
    >>> res.outliers(0.95).tolist()
    [True, False, True, False]
    """
    return _funnel(
        "binomial",
        events,
        trials,
        target=target,
        levels=levels,
        overdispersion=overdispersion,
        scale=scale,
        exact=exact,
        winsor=winsor,
        phi=phi,
        tau2=tau2,
        multiplier=multiplier,
        grid=grid,
        n_grid=n_grid,
    )
