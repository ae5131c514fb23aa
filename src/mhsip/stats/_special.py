"""Special functions and quantiles in pure numpy: incomplete gamma and beta, and their inverses.

Everything here is vectorised: each function broadcasts its arguments and returns a float64
array of the broadcast shape (0-d for scalar input). Missing (NaN) input gives NaN output;
arguments outside a function's domain give NaN, never an exception.

Methods
-------
* ``log Gamma`` by the Lanczos approximation (g = 7, 9 terms), used only for small arguments.
* Prefactors ``x**a * exp(-x) / Gamma(a + 1)`` and ``x**a * (1 - x)**b / B(a, b)`` are
  computed with Loader's saddle-point method (``stirlerr`` and ``bd0``, as in R's ``dpois_raw``
  and ``dbinom_raw``) so that they keep full relative precision for large shape parameters.
* The regularised incomplete gamma function uses the power series for ``x < a + 1`` and the
  Legendre continued fraction (modified Lentz) otherwise; the regularised incomplete beta
  function uses its continued fraction with the symmetry ``I_x(a, b) = 1 - I_{1-x}(b, a)``
  (Numerical Recipes, 3rd edn, sections 6.2 and 6.4). Both return the lower and upper tails
  separately so the upper tail keeps its relative precision.
* Quantiles invert these by Halley's method (the update of Numerical Recipes ``invgammp`` and
  ``invbetai``) safeguarded by a bracket that falls back to bisection, iterated to a relative
  step of 1e-15, so quantiles are accurate to about 1e-13 relative in ordinary use.
* Normal quantiles come from the gamma inverse: if ``Z ~ N(0, 1)`` then ``Z**2 / 2 ~
  Gamma(1/2)``, so ``Phi^{-1}(p) = -sqrt(2 * Q^{-1}(1/2, 2p))`` for ``p < 1/2``.

References
----------
.. [1] Press WH, Teukolsky SA, Vetterling WT, Flannery BP. Numerical Recipes: The Art of
   Scientific Computing, 3rd edn. Cambridge University Press, 2007; sections 6.1, 6.2, 6.4.
.. [2] Loader C. Fast and accurate computation of binomial probabilities. 2000 (the
   algorithm used by R's ``dbinom`` and ``dpois``).
.. [3] Lanczos C. A precision approximation of the gamma function. SIAM J Numer Anal
   1964;1:86-96 (coefficients g = 7, n = 9 as published by Godfrey).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from ._arrays import FloatArray, IntArray, as_float

__all__ = [
    "beta_isf",
    "beta_odds_isf",
    "beta_odds_ppf",
    "beta_ppf",
    "betainc",
    "betaincc",
    "binom_cdf",
    "binom_sf",
    "chi2_cdf",
    "chi2_isf",
    "chi2_ppf",
    "chi2_sf",
    "gamma_isf",
    "gamma_ppf",
    "gammainc",
    "gammaincc",
    "gammaln",
    "norm_cdf",
    "norm_isf",
    "norm_ppf",
    "norm_sf",
    "poisson_cdf",
    "poisson_sf",
]

_EPS = float(np.finfo(np.float64).eps)
_TINY = 1e-300
_MAXIT = 100_000
_CHUNK = 16
_ROOT_MAXIT = 200
_LN_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)
_LANCZOS_G = 7.0
_LANCZOS = (
    0.99999999999980993,
    676.5203681218851,
    -1259.1392167224028,
    771.32342877765313,
    -176.61502916214059,
    12.507343278686905,
    -0.13857109526572012,
    9.9843695780195716e-6,
    1.5056327351493116e-7,
)


# ---------------------------------------------------------------------------------------------
# log Gamma, Stirling error and the deviance term bd0
# ---------------------------------------------------------------------------------------------


def _lanczos_lgamma(x: FloatArray) -> FloatArray:
    """``log Gamma(x)`` for ``x >= 0.5`` by Lanczos (g = 7, n = 9)."""
    z = x - 1.0
    s = np.full_like(z, _LANCZOS[0])
    for i in range(1, len(_LANCZOS)):
        s = s + _LANCZOS[i] / (z + i)
    t = z + _LANCZOS_G + 0.5
    out: FloatArray = _LN_SQRT_2PI + (z + 0.5) * np.log(t) - t + np.log(s)
    return out


def gammaln(x: npt.ArrayLike) -> FloatArray:
    """Natural log of the gamma function for positive ``x``.

    Parameters
    ----------
    x : array_like
        Positive arguments; zero, negative and NaN values give NaN.

    Returns
    -------
    ndarray
        ``log Gamma(x)``, accurate to about 1e-14 absolute for moderate ``x``.

    Examples
    --------
    >>> float(gammaln(5.0))  # log(4!) = log(24)
    3.178053830347...
    """
    xa = as_float(x)
    out = np.full(xa.shape, np.nan)
    with np.errstate(invalid="ignore"):
        big = xa >= 0.5
        small = (xa > 0) & (xa < 0.5)
    out[big] = _lanczos_lgamma(xa[big])
    # log Gamma(x) = log Gamma(x + 1) - log(x) keeps precision near zero.
    out[small] = _lanczos_lgamma(xa[small] + 1.0) - np.log(xa[small])
    return out


_S0 = 1.0 / 12.0
_S1 = 1.0 / 360.0
_S2 = 1.0 / 1260.0
_S3 = 1.0 / 1680.0
_S4 = 1.0 / 1188.0


def _stirlerr(n: FloatArray) -> FloatArray:
    """``log(n!) - log(sqrt(2 pi n) (n/e)**n)`` for ``n > 0`` (Loader 2000)."""
    out = np.empty_like(n)
    small = n <= 15.0
    ns = n[small]
    out[small] = gammaln(ns + 1.0) - (ns + 0.5) * np.log(ns) + ns - _LN_SQRT_2PI
    nl = n[~small]
    nn = nl * nl
    out[~small] = (_S0 - (_S1 - (_S2 - (_S3 - _S4 / nn) / nn) / nn) / nn) / nl
    return out


def _bd0(x: FloatArray, m: FloatArray) -> FloatArray:
    """Deviance term ``x log(x/m) + m - x`` computed without cancellation (Loader 2000)."""
    out = np.empty(np.broadcast(x, m).shape)
    x, m = np.broadcast_arrays(x, m)
    with np.errstate(divide="ignore", invalid="ignore"):
        near = np.abs(x - m) < 0.1 * (x + m)
        far = ~near
        xf = x[far]
        mf = m[far]
        out[far] = np.where(xf == 0, mf, xf * np.log(xf / mf) + mf - xf)
    xn = x[near]
    mn = m[near]
    v = (xn - mn) / (xn + mn)
    s = (xn - mn) * v
    ej = 2.0 * xn * v
    v2 = v * v
    active = np.arange(xn.size)
    for j in range(1, 1000):
        if active.size == 0:
            break
        ej[active] *= v2[active]
        s1 = s[active] + ej[active] / (2 * j + 1)
        done = s1 == s[active]
        s[active] = s1
        active = active[~done]
    out[near] = s
    return out


def _dpois_raw(x: FloatArray, lam: FloatArray) -> FloatArray:
    """``lam**x exp(-lam) / Gamma(x + 1)`` for real ``x > 0`` and ``lam > 0``."""
    out: FloatArray = np.exp(-_stirlerr(x) - _bd0(x, lam)) / np.sqrt(2.0 * math.pi * x)
    return out


def _beta_front(a: FloatArray, b: FloatArray, x: FloatArray, y: FloatArray) -> FloatArray:
    """``x**a y**b / B(a, b)`` with ``y = 1 - x``, for ``a, b > 0`` and ``0 < x < 1``.

    Uses ``1/B(a, b) = ab/(a+b) * Gamma(a+b+1)/(Gamma(a+1) Gamma(b+1))`` and Loader's
    binomial density with real arguments.
    """
    n = a + b
    lc = _stirlerr(n) - _stirlerr(a) - _stirlerr(b) - _bd0(a, n * x) - _bd0(b, n * y)
    lf = math.log(2.0 * math.pi) + np.log(a) + np.log(b) - np.log(n)
    out: FloatArray = (a * b / n) * np.exp(lc - 0.5 * lf)
    return out


# ---------------------------------------------------------------------------------------------
# Regularised incomplete gamma
# ---------------------------------------------------------------------------------------------


def _gamma_series(a: FloatArray, x: FloatArray) -> FloatArray:
    """Lower regularised gamma P(a, x) by the series (use for x < a + 1).

    Terms are added in blocks of ``_CHUNK`` on the still-active elements; extra terms after
    convergence are below rounding and harmless.
    """
    total = np.ones_like(x)
    term = np.ones_like(x)
    ap = a.copy()
    active = np.arange(x.size)
    for _ in range(0, _MAXIT, _CHUNK):
        if active.size == 0:
            break
        xa, apa, ta, sa = x[active], ap[active], term[active], total[active]
        for _ in range(_CHUNK):
            apa = apa + 1.0
            ta = ta * (xa / apa)
            sa = sa + ta
        ap[active], term[active], total[active] = apa, ta, sa
        active = active[np.abs(ta) >= np.abs(sa) * _EPS]
    out: FloatArray = _dpois_raw(a, x) * total
    return out


def _gamma_cf(a: FloatArray, x: FloatArray) -> FloatArray:
    """Upper regularised gamma Q(a, x) by the continued fraction (use for x >= a + 1).

    Modified Lentz, in blocks of ``_CHUNK`` terms between convergence checks.
    """
    b = x + 1.0 - a
    c = np.full_like(x, 1.0 / _TINY)
    d = 1.0 / b
    h = d.copy()
    active = np.arange(x.size)
    for start in range(1, _MAXIT, _CHUNK):
        if active.size == 0:
            break
        aa, ba, ca, da, ha = a[active], b[active], c[active], d[active], h[active]
        delta = np.ones_like(ha)
        for i in range(start, start + _CHUNK):
            an = -i * (i - aa)
            ba = ba + 2.0
            da = an * da + ba
            da = np.where(np.abs(da) < _TINY, _TINY, da)
            ca = ba + an / ca
            ca = np.where(np.abs(ca) < _TINY, _TINY, ca)
            da = 1.0 / da
            delta = da * ca
            ha = ha * delta
        b[active], c[active], d[active], h[active] = ba, ca, da, ha
        active = active[np.abs(delta - 1.0) > _EPS]
    out: FloatArray = a * _dpois_raw(a, x) * h
    return out


def _gamma_pq(a: FloatArray, x: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Return (P(a, x), Q(a, x)) broadcast, each computed directly in its own tail."""
    a, x = np.broadcast_arrays(as_float(a), as_float(x))
    p = np.full(a.shape, np.nan)
    q = np.full(a.shape, np.nan)
    with np.errstate(invalid="ignore"):
        ok = (a >= 0) & (x >= 0)
        lower_edge = ok & ((x == 0) & (a > 0) | np.isposinf(a) & np.isfinite(x))
        upper_edge = ok & ~lower_edge & ((a == 0) | np.isposinf(x))
        regular = ok & ~lower_edge & ~upper_edge
        series = regular & (x < a + 1.0)
        cfrac = regular & ~series
    p[lower_edge], q[lower_edge] = 0.0, 1.0
    p[upper_edge], q[upper_edge] = 1.0, 0.0
    if series.any():
        ps = np.clip(_gamma_series(a[series], x[series]), 0.0, 1.0)
        p[series], q[series] = ps, 1.0 - ps
    if cfrac.any():
        qs = np.clip(_gamma_cf(a[cfrac], x[cfrac]), 0.0, 1.0)
        p[cfrac], q[cfrac] = 1.0 - qs, qs
    return p, q


def gammainc(a: npt.ArrayLike, x: npt.ArrayLike) -> FloatArray:
    """Regularised lower incomplete gamma function ``P(a, x)``.

    ``P(a, x) = gamma(a, x) / Gamma(a)`` is the CDF at ``x`` of a gamma variable with shape
    ``a`` and unit scale. Series for ``x < a + 1``, continued fraction otherwise ([1]_ 6.2).

    Parameters
    ----------
    a : array_like
        Shape, ``a >= 0`` (``a = 0`` is the point mass at zero).
    x : array_like
        Argument, ``x >= 0``.

    Returns
    -------
    ndarray
        ``P(a, x)`` broadcast over the inputs.

    References
    ----------
    .. [1] Press WH et al. Numerical Recipes, 3rd edn, 2007, section 6.2.

    Examples
    --------
    >>> float(gammainc(1.0, 2.0))  # 1 - exp(-2)
    0.8646647167633...
    """
    return _gamma_pq(as_float(a), as_float(x))[0]


def gammaincc(a: npt.ArrayLike, x: npt.ArrayLike) -> FloatArray:
    """Regularised upper incomplete gamma function ``Q(a, x) = 1 - P(a, x)``.

    Computed directly in the upper tail, so small values keep their relative precision.

    Examples
    --------
    >>> float(gammaincc(1.0, 50.0))  # exp(-50)
    1.9287498479639...e-22
    """
    return _gamma_pq(as_float(a), as_float(x))[1]


# ---------------------------------------------------------------------------------------------
# Regularised incomplete beta
# ---------------------------------------------------------------------------------------------


def _beta_cf(a: FloatArray, b: FloatArray, x: FloatArray) -> FloatArray:
    """Continued fraction for I_x(a, b) (Numerical Recipes ``betacf``), modified Lentz.

    Evaluated in blocks of ``_CHUNK`` terms between convergence checks.
    """
    qab = a + b
    qap = a + 1.0
    qam = a - 1.0
    c = np.ones_like(x)
    d = 1.0 - qab * x / qap
    d = np.where(np.abs(d) < _TINY, _TINY, d)
    d = 1.0 / d
    h = d.copy()
    active = np.arange(x.size)
    for start in range(1, _MAXIT, _CHUNK):
        if active.size == 0:
            break
        aa_, bb_, xx = a[active], b[active], x[active]
        qaba, qapa, qama = qab[active], qap[active], qam[active]
        ca, da, ha = c[active], d[active], h[active]
        delta = np.ones_like(ha)
        for m in range(start, start + _CHUNK):
            m2 = 2.0 * m
            aa = m * (bb_ - m) * xx / ((qama + m2) * (aa_ + m2))
            da = 1.0 + aa * da
            da = np.where(np.abs(da) < _TINY, _TINY, da)
            ca = 1.0 + aa / ca
            ca = np.where(np.abs(ca) < _TINY, _TINY, ca)
            da = 1.0 / da
            ha = ha * (da * ca)
            aa = -(aa_ + m) * (qaba + m) * xx / ((aa_ + m2) * (qapa + m2))
            da = 1.0 + aa * da
            da = np.where(np.abs(da) < _TINY, _TINY, da)
            ca = 1.0 + aa / ca
            ca = np.where(np.abs(ca) < _TINY, _TINY, ca)
            da = 1.0 / da
            delta = da * ca
            ha = ha * delta
        c[active], d[active], h[active] = ca, da, ha
        active = active[np.abs(delta - 1.0) > _EPS]
    return h


def _beta_pq(
    a: npt.ArrayLike, b: npt.ArrayLike, x: npt.ArrayLike, y: npt.ArrayLike | None = None
) -> tuple[FloatArray, FloatArray]:
    """Return (I_x(a, b), 1 - I_x(a, b)) broadcast; ``y`` may give ``1 - x`` exactly."""
    af, bf, xf = np.broadcast_arrays(as_float(a), as_float(b), as_float(x))
    yf = 1.0 - xf if y is None else np.broadcast_to(as_float(y), xf.shape)
    lo = np.full(xf.shape, np.nan)
    up = np.full(xf.shape, np.nan)
    with np.errstate(invalid="ignore"):
        ok = (af >= 0) & (bf >= 0) & ~((af == 0) & (bf == 0)) & (xf >= 0) & (xf <= 1)
        # Edges use y = 1 - x when given: near 1, x rounds to 1.0 while y is still exact.
        at_one = ok & ((yf == 0) | (af == 0))
        at_zero = ok & ~at_one & ((xf == 0) | (bf == 0))
        regular = ok & ~at_zero & ~at_one
    lo[at_zero], up[at_zero] = 0.0, 1.0
    lo[at_one], up[at_one] = 1.0, 0.0
    if regular.any():
        ar, br, xr, yr = af[regular], bf[regular], xf[regular], yf[regular]
        front = _beta_front(ar, br, xr, yr)
        direct = xr < (ar + 1.0) / (ar + br + 2.0)
        low = np.empty_like(xr)
        upp = np.empty_like(xr)
        i = direct
        if i.any():
            v = np.clip(front[i] * _beta_cf(ar[i], br[i], xr[i]) / ar[i], 0.0, 1.0)
            low[i], upp[i] = v, 1.0 - v
        j = ~direct
        if j.any():
            v = np.clip(front[j] * _beta_cf(br[j], ar[j], yr[j]) / br[j], 0.0, 1.0)
            low[j], upp[j] = 1.0 - v, v
        lo[regular], up[regular] = low, upp
    return lo, up


def betainc(a: npt.ArrayLike, b: npt.ArrayLike, x: npt.ArrayLike) -> FloatArray:
    """Regularised incomplete beta function ``I_x(a, b)`` (the Beta(a, b) CDF at ``x``).

    Continued fraction with the symmetry ``I_x(a, b) = 1 - I_{1-x}(b, a)`` ([1]_ 6.4).

    Parameters
    ----------
    a, b : array_like
        Shape parameters, ``>= 0`` and not both zero.
    x : array_like
        Argument in ``[0, 1]``.

    Returns
    -------
    ndarray
        ``I_x(a, b)`` broadcast over the inputs.

    References
    ----------
    .. [1] Press WH et al. Numerical Recipes, 3rd edn, 2007, section 6.4.

    Examples
    --------
    >>> round(float(betainc(2.0, 1.0, 0.5)), 12)  # x**a when b = 1
    0.25
    """
    return _beta_pq(a, b, x)[0]


def betaincc(a: npt.ArrayLike, b: npt.ArrayLike, x: npt.ArrayLike) -> FloatArray:
    """Complement ``1 - I_x(a, b)``, computed directly in the upper tail.

    Examples
    --------
    >>> round(float(betaincc(1.0, 3.0, 0.5)), 12)  # (1 - x)**b when a = 1
    0.125
    """
    return _beta_pq(a, b, x)[1]


# ---------------------------------------------------------------------------------------------
# Quantiles
# ---------------------------------------------------------------------------------------------


def _approx_norm_upper(pp: FloatArray) -> FloatArray:
    """Rough upper-tail normal quantile for ``0 < pp <= 0.5`` (A&S 26.2.22, |err| < 3e-3)."""
    t = np.sqrt(-2.0 * np.log(pp))
    out: FloatArray = t - (2.30753 + t * 0.27061) / (1.0 + t * (0.99229 + t * 0.04481))
    return out


_Evaluate = Callable[[IntArray, FloatArray], tuple[FloatArray, FloatArray]]


def _solve_increasing(t: FloatArray, evaluate: _Evaluate) -> FloatArray:
    """Find roots of increasing functions ``g_i(t)`` by Newton steps kept inside a bracket.

    ``evaluate(idx, t)`` returns ``g`` and ``dg/dt`` for the elements ``idx``. A Newton step
    that leaves the current bracket (or is not finite) is replaced by bisection, or by an
    expanding step while one side of the bracket is still open. Iteration stops when the step
    falls below 1e-15 (relative to ``max(1, |t|)``), after three steps below 1e-11 (rounding
    noise in ``g`` can stop the last digits settling), or when the bracket closes.
    """
    t = t.copy()
    lo = np.full_like(t, -np.inf)
    hi = np.full_like(t, np.inf)
    near = np.zeros(t.shape, dtype=np.int64)
    active = np.arange(t.size)
    for _ in range(_ROOT_MAXIT):
        if active.size == 0:
            break
        ta = t[active]
        g, dg = evaluate(active, ta)
        lo[active] = np.where(g < 0, ta, lo[active])
        hi[active] = np.where(g > 0, ta, hi[active])
        la, ha = lo[active], hi[active]
        scale = np.maximum(1.0, np.abs(ta))
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            # Cap the step: far from the root the slope of log P can be tiny.
            step = np.clip(g / dg, -10.0 * scale, 10.0 * scale)
            tn = ta - step
            size = np.abs(step)
        tiny = np.isfinite(step) & (size <= 1e-15 * scale)
        inside = np.isfinite(tn) & (tn > la) & (tn < ha)
        fallback = np.where(
            np.isfinite(la) & np.isfinite(ha),
            0.5 * (la + ha),
            np.where(np.isfinite(la), ta + scale, ta - scale),
        )
        tn = np.where(g == 0, ta, np.where(inside | tiny, tn, fallback))
        t[active] = tn
        near[active] += inside & (size <= 1e-11 * scale)
        closed = np.isfinite(la) & np.isfinite(ha) & (ha - la <= 1e-15 * scale)
        done = (g == 0) | tiny | (near[active] >= 3) | closed
        active = active[~done]
    return t


def _gamma_inv(a: FloatArray, p: FloatArray, q: FloatArray) -> FloatArray:
    """x with P(a, x) = p, where q = 1 - p is given separately for upper-tail precision.

    Newton's method in ``t = log x`` on ``log P`` (or ``log Q`` in the upper tail), which is
    nearly linear in the tails, so it converges from poor starting values.
    """
    a, p, q = np.broadcast_arrays(a, p, q)
    out = np.full(a.shape, np.nan)
    with np.errstate(invalid="ignore"):
        ok = (a >= 0) & (p >= 0) & (q >= 0) & (p <= 1) & (q <= 1)
        zero = ok & ((a == 0) | (p == 0))
        inf = ok & ~zero & ((q == 0) | np.isposinf(a))
        reg = ok & ~zero & ~inf
    out[zero] = 0.0
    out[inf] = np.inf
    if not reg.any():
        return out
    ar, pr, qr = a[reg], p[reg], q[reg]
    upper = pr > 0.5
    log_target = np.log(np.where(upper, qr, pr))
    # Starting values (Numerical Recipes invgammp), taken to the log scale.
    t0 = np.empty_like(ar)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        big = ar > 1.0
        z = _approx_norm_upper(np.where(upper, qr, pr))
        z = np.where(upper, z, -z)
        wh = ar * (1.0 - 1.0 / (9.0 * ar) + z / (3.0 * np.sqrt(ar))) ** 3
        t_big = np.log(np.maximum(1e-3, wh))
        tt = 1.0 - ar * (0.253 + ar * 0.12)
        t_small = np.where(
            pr < tt,
            (np.log(pr) - np.log(tt)) / ar,
            np.log(1.0 - np.log(np.maximum(qr / (1.0 - tt), _TINY))),
        )
        t0 = np.where(big, t_big, t_small)
    t0 = np.where(np.isfinite(t0), t0, 0.0)

    def evaluate(idx: IntArray, t: FloatArray) -> tuple[FloatArray, FloatArray]:
        aa = ar[idx]
        with np.errstate(over="ignore"):
            x = np.exp(t)
        pa, qa = _gamma_pq(aa, x)
        up = upper[idx]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            front = aa * _dpois_raw(aa, x)  # x times the density
            g = np.where(up, log_target[idx] - np.log(qa), np.log(pa) - log_target[idx])
            dg = front / np.where(up, qa, pa)
        return g, dg

    with np.errstate(over="ignore"):
        out[reg] = np.exp(_solve_increasing(t0, evaluate))
    return out


def gamma_ppf(p: npt.ArrayLike, a: npt.ArrayLike) -> FloatArray:
    """Quantile of the gamma distribution with shape ``a`` and unit scale.

    Solves ``P(a, x) = p`` by safeguarded Halley iteration. ``a = 0`` (point mass at 0) gives 0.

    Parameters
    ----------
    p : array_like
        Lower-tail probability in ``[0, 1]``.
    a : array_like
        Shape ``>= 0``.

    Returns
    -------
    ndarray
        ``x`` such that ``gammainc(a, x) == p`` to about 1e-13 relative.

    Examples
    --------
    >>> float(gamma_ppf(0.5, 1.0))  # exponential median, log 2
    0.693147180559945...
    """
    pf = as_float(p)
    return _gamma_inv(as_float(a), pf, 1.0 - pf)


def gamma_isf(q: npt.ArrayLike, a: npt.ArrayLike) -> FloatArray:
    """Inverse survival function of the gamma distribution: ``x`` with ``Q(a, x) = q``.

    Examples
    --------
    >>> round(float(gamma_isf(0.025, 1.0)), 12)  # -log(0.025) = log(40)
    3.688879454114
    """
    qf = as_float(q)
    return _gamma_inv(as_float(a), 1.0 - qf, qf)


def _beta_inv_logit(a: FloatArray, b: FloatArray, p: FloatArray, q: FloatArray) -> FloatArray:
    """``logit(x)`` with I_x(a, b) = p (``-inf`` for x = 0, ``inf`` for x = 1).

    ``q = 1 - p`` is given separately for upper-tail precision. Newton's method in
    ``t = logit x`` on ``log I`` (or ``log(1 - I)`` in the upper tail); ``x`` and ``1 - x`` are
    both formed from ``t`` so neither loses precision near 0 or 1, and ``exp(t)`` is the odds
    ``x / (1 - x)`` to full precision.
    """
    a, b, p, q = np.broadcast_arrays(a, b, p, q)
    out = np.full(a.shape, np.nan)
    with np.errstate(invalid="ignore"):
        ok = (a >= 0) & (b >= 0) & ~((a == 0) & (b == 0))
        ok &= (p >= 0) & (q >= 0) & (p <= 1) & (q <= 1)
        zero = ok & ((p == 0) | (a == 0))
        one = ok & ~zero & ((q == 0) | (b == 0))
        reg = ok & ~zero & ~one
    out[zero] = -np.inf
    out[one] = np.inf
    if not reg.any():
        return out
    ar, br, pr, qr = a[reg], b[reg], p[reg], q[reg]
    upper = pr > 0.5
    log_target = np.log(np.where(upper, qr, pr))
    # Starting values (Numerical Recipes invbetai), as logits.
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        z = _approx_norm_upper(np.where(upper, qr, pr))
        z = np.where(upper, z, -z)
        al = (z * z - 3.0) / 6.0
        h = 2.0 / (1.0 / (2.0 * ar - 1.0) + 1.0 / (2.0 * br - 1.0))
        w = z * np.sqrt(al + h) / h - (1.0 / (2.0 * br - 1.0) - 1.0 / (2.0 * ar - 1.0)) * (
            al + 5.0 / 6.0 - 2.0 / (3.0 * h)
        )
        t_big = np.log(ar / br) - 2.0 * w
        lna = np.log(ar / (ar + br))
        lnb = np.log(br / (ar + br))
        ta_ = np.exp(ar * lna) / ar
        tb_ = np.exp(br * lnb) / br
        wt = ta_ + tb_
        log_x = np.log(ar * wt * pr) / ar
        log_1mx = np.log(br * wt * qr) / br
        t_small = np.where(
            pr < ta_ / wt, log_x - np.log1p(-np.exp(log_x)), np.log1p(-np.exp(log_1mx)) - log_1mx
        )
        t0 = np.where((ar >= 1.0) & (br >= 1.0), t_big, t_small)
    t0 = np.where(np.isfinite(t0), t0, 0.0)

    def evaluate(idx: IntArray, t: FloatArray) -> tuple[FloatArray, FloatArray]:
        aa, bb = ar[idx], br[idx]
        with np.errstate(over="ignore"):
            x = 1.0 / (1.0 + np.exp(-t))
            y = 1.0 / (1.0 + np.exp(t))
        ia, ja = _beta_pq(aa, bb, x, y)
        up = upper[idx]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            front = _beta_front(aa, bb, x, y)  # x (1 - x) times the density
            g = np.where(up, log_target[idx] - np.log(ja), np.log(ia) - log_target[idx])
            dg = front / np.where(up, ja, ia)
        return g, dg

    out[reg] = _solve_increasing(t0, evaluate)
    return out


def _beta_inv(a: FloatArray, b: FloatArray, p: FloatArray, q: FloatArray) -> FloatArray:
    """x with I_x(a, b) = p, where q = 1 - p is given separately for upper-tail precision."""
    t = _beta_inv_logit(a, b, p, q)
    with np.errstate(over="ignore"):
        # Above 1/2, form 1 - x first so x is the correctly rounded double.
        out: FloatArray = np.where(t > 0, 1.0 - 1.0 / (1.0 + np.exp(t)), 1.0 / (1.0 + np.exp(-t)))
    return out


def beta_odds_ppf(p: npt.ArrayLike, a: npt.ArrayLike, b: npt.ArrayLike) -> FloatArray:
    """Odds ``x / (1 - x)`` of the Beta(a, b) quantile, without forming ``1 - x``.

    Examples
    --------
    >>> round(float(beta_odds_ppf(0.5, 3.0, 3.0)), 12)  # the median of Beta(3, 3) is 1/2
    1.0
    """
    pf = as_float(p)
    with np.errstate(over="ignore"):
        out: FloatArray = np.exp(_beta_inv_logit(as_float(a), as_float(b), pf, 1.0 - pf))
    return out


def beta_odds_isf(q: npt.ArrayLike, a: npt.ArrayLike, b: npt.ArrayLike) -> FloatArray:
    """Odds ``x / (1 - x)`` where ``1 - I_x(a, b) = q``.

    Examples
    --------
    >>> round(float(beta_odds_isf(0.5, 2.0, 2.0)), 12)
    1.0
    """
    qf = as_float(q)
    with np.errstate(over="ignore"):
        out: FloatArray = np.exp(_beta_inv_logit(as_float(a), as_float(b), 1.0 - qf, qf))
    return out


def beta_ppf(p: npt.ArrayLike, a: npt.ArrayLike, b: npt.ArrayLike) -> FloatArray:
    """Quantile of the Beta(a, b) distribution: ``x`` with ``I_x(a, b) = p``.

    Parameters
    ----------
    p : array_like
        Lower-tail probability in ``[0, 1]``.
    a, b : array_like
        Shape parameters ``>= 0`` (``a = 0``: point mass at 0; ``b = 0``: point mass at 1).

    Returns
    -------
    ndarray
        The quantile, accurate to about 1e-13 relative.

    Examples
    --------
    >>> round(float(beta_ppf(0.25, 2.0, 1.0)), 12)  # sqrt(p) when b = 1
    0.5
    """
    pf = as_float(p)
    return _beta_inv(as_float(a), as_float(b), pf, 1.0 - pf)


def beta_isf(q: npt.ArrayLike, a: npt.ArrayLike, b: npt.ArrayLike) -> FloatArray:
    """Inverse survival function of Beta(a, b): ``x`` with ``1 - I_x(a, b) = q``.

    Examples
    --------
    >>> round(float(beta_isf(0.125, 1.0, 3.0)), 12)  # 1 - q**(1/b)
    0.5
    """
    qf = as_float(q)
    return _beta_inv(as_float(a), as_float(b), 1.0 - qf, qf)


# ---------------------------------------------------------------------------------------------
# Named distributions built on the above
# ---------------------------------------------------------------------------------------------


def chi2_cdf(x: npt.ArrayLike, df: npt.ArrayLike) -> FloatArray:
    """Chi-square CDF: ``P(df/2, x/2)``.

    Examples
    --------
    >>> float(chi2_cdf(2.0, 2.0))  # 1 - exp(-1)
    0.6321205588285...
    """
    return gammainc(as_float(df) / 2.0, as_float(x) / 2.0)


def chi2_sf(x: npt.ArrayLike, df: npt.ArrayLike) -> FloatArray:
    """Chi-square survival function ``Q(df/2, x/2)``.

    Examples
    --------
    >>> round(float(chi2_sf(3.841458820694124, 1.0)), 12)
    0.05
    """
    return gammaincc(as_float(df) / 2.0, as_float(x) / 2.0)


def chi2_ppf(p: npt.ArrayLike, df: npt.ArrayLike) -> FloatArray:
    """Chi-square quantile: ``2 * gamma_ppf(p, df/2)``.

    Examples
    --------
    >>> float(chi2_ppf(0.95, 1.0))  # 1.959964**2
    3.84145882069412...
    """
    return 2.0 * gamma_ppf(p, as_float(df) / 2.0)


def chi2_isf(q: npt.ArrayLike, df: npt.ArrayLike) -> FloatArray:
    """Chi-square inverse survival function: ``2 * gamma_isf(q, df/2)``.

    Examples
    --------
    >>> round(float(chi2_isf(0.5, 2.0)), 12)  # -2 log(0.5)
    1.38629436112
    """
    return 2.0 * gamma_isf(q, as_float(df) / 2.0)


def norm_cdf(z: npt.ArrayLike) -> FloatArray:
    """Standard normal CDF, via ``Phi(z) = Q(1/2, z**2/2) / 2`` for ``z < 0``.

    Examples
    --------
    >>> float(norm_cdf(0.0))
    0.5
    """
    zf = as_float(z)
    half_tail = 0.5 * gammaincc(0.5, 0.5 * zf * zf)
    out: FloatArray = np.where(zf < 0, half_tail, 1.0 - half_tail)
    return out


def norm_sf(z: npt.ArrayLike) -> FloatArray:
    """Standard normal survival function ``1 - Phi(z)``, precise in the upper tail.

    Examples
    --------
    >>> float(norm_sf(0.0))
    0.5
    """
    return norm_cdf(-as_float(z))


def norm_ppf(p: npt.ArrayLike) -> FloatArray:
    """Standard normal quantile, from the gamma inverse with shape 1/2.

    Examples
    --------
    >>> round(float(norm_ppf(0.975)), 12)
    1.95996398454
    """
    pf = as_float(p)
    with np.errstate(invalid="ignore"):
        tail = np.minimum(pf, 1.0 - pf)
        mag = np.sqrt(2.0 * gamma_isf(2.0 * tail, 0.5))
    out: FloatArray = np.where(pf < 0.5, -mag, mag)
    return out


def norm_isf(q: npt.ArrayLike) -> FloatArray:
    """Standard normal inverse survival function: ``-norm_ppf(q)``.

    Examples
    --------
    >>> round(float(norm_isf(0.001)), 12)
    3.090232306168
    """
    return -norm_ppf(q)


def poisson_cdf(k: npt.ArrayLike, mu: npt.ArrayLike) -> FloatArray:
    """Poisson CDF ``P(X <= k)`` for mean ``mu``: ``Q(floor(k) + 1, mu)``.

    Examples
    --------
    >>> float(poisson_cdf(0, 2.0))  # exp(-2)
    0.1353352832366...
    """
    kf = np.floor(as_float(k))
    mf = as_float(mu)
    with np.errstate(invalid="ignore"):
        out = gammaincc(np.maximum(kf, -1.0) + 1.0, mf)
        out = np.where(kf < 0, 0.0, out)
        out = np.where(np.isnan(kf) | np.isnan(mf) | (mf < 0), np.nan, out)
    return np.asarray(out, dtype=np.float64)


def poisson_sf(k: npt.ArrayLike, mu: npt.ArrayLike) -> FloatArray:
    """Poisson survival function ``P(X > k)``: ``P(floor(k) + 1, mu)``.

    Examples
    --------
    >>> float(poisson_sf(0, 2.0))  # 1 - exp(-2)
    0.8646647167633...
    """
    kf = np.floor(as_float(k))
    mf = as_float(mu)
    with np.errstate(invalid="ignore"):
        out = gammainc(np.maximum(kf, -1.0) + 1.0, mf)
        out = np.where(kf < 0, 1.0, out)
        out = np.where(np.isnan(kf) | np.isnan(mf) | (mf < 0), np.nan, out)
    return np.asarray(out, dtype=np.float64)


def binom_cdf(k: npt.ArrayLike, n: npt.ArrayLike, p: npt.ArrayLike) -> FloatArray:
    """Binomial CDF ``P(X <= k)``: ``1 - I_p(k + 1, n - k)`` for ``0 <= k < n``.

    ``n`` may be non-integer (the continuous extension through the incomplete beta function).

    Examples
    --------
    >>> round(float(binom_cdf(0, 3, 0.5)), 12)  # 0.5**3
    0.125
    """
    kf = np.floor(as_float(k))
    nf = as_float(n)
    pf = as_float(p)
    kf, nf, pf = np.broadcast_arrays(kf, nf, pf)
    with np.errstate(invalid="ignore"):
        inner = (kf >= 0) & (kf < nf)
        upper = _beta_pq(np.where(inner, kf + 1.0, 1.0), np.where(inner, nf - kf, 1.0), pf)[1]
        out = np.where(kf < 0, 0.0, np.where(kf >= nf, 1.0, upper))
        bad = np.isnan(kf) | np.isnan(nf) | np.isnan(pf) | (pf < 0) | (pf > 1) | (nf < 0)
        out = np.where(bad, np.nan, out)
    return np.asarray(out, dtype=np.float64)


def binom_sf(k: npt.ArrayLike, n: npt.ArrayLike, p: npt.ArrayLike) -> FloatArray:
    """Binomial survival function ``P(X > k)``: ``I_p(k + 1, n - k)`` for ``0 <= k < n``.

    Examples
    --------
    >>> round(float(binom_sf(2, 3, 0.5)), 12)  # 0.5**3
    0.125
    """
    kf = np.floor(as_float(k))
    nf = as_float(n)
    pf = as_float(p)
    kf, nf, pf = np.broadcast_arrays(kf, nf, pf)
    with np.errstate(invalid="ignore"):
        inner = (kf >= 0) & (kf < nf)
        lower = _beta_pq(np.where(inner, kf + 1.0, 1.0), np.where(inner, nf - kf, 1.0), pf)[0]
        out = np.where(kf < 0, 1.0, np.where(kf >= nf, 0.0, lower))
        bad = np.isnan(kf) | np.isnan(nf) | np.isnan(pf) | (pf < 0) | (pf > 1) | (nf < 0)
        out = np.where(bad, np.nan, out)
    return np.asarray(out, dtype=np.float64)
