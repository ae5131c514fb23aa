"""Anhøj runs analysis (qicharts2 ``runs.analysis`` and ``crsignal``, R/helper.functions.R).

For each period, the included points that are neither missing nor exactly on the centre line
are "useful". Runs are maximal stretches of useful points on the same side of the centre line
(missing points and points on the line are skipped: they neither continue nor break a run).
A period signals non-random variation when its longest run is longer than
``round(log2(n_useful)) + 3`` (Schilling 2012) or it crosses the centre line fewer than
``qbinom(0.05, n_useful - 1, 0.5)`` times (Chen 2010).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ._arrays import NAN, BoolArray, FloatArray, IntArray, segment_starts


@lru_cache(maxsize=4096)
def qbinom_05_half(size: int) -> int:
    """R's ``qbinom(0.05, size, 0.5)``: the smallest k with P(X <= k) >= 0.05.

    Computed exactly with integers: P(X <= k) = sum(C(size, i)) / 2**size, so the test
    ``20 * sum(C(size, i)) >= 2**size`` has no rounding at all.

    Examples
    --------
    >>> [qbinom_05_half(m) for m in (0, 1, 5, 19, 23)]
    [0, 0, 1, 6, 8]
    """
    if size <= 0:
        return 0
    target = 1 << size
    term = 1
    acc = 0
    for k in range(size + 1):
        acc += term
        if 20 * acc >= target:
            return k
        term = term * (size - k) // (k + 1)
    return size  # pragma: no cover - the loop always returns


def longest_run_limit(n_useful: IntArray) -> FloatArray:
    """``round(log2(n_useful)) + 3`` (R rounds half to even, as ``numpy.rint`` does)."""
    out = np.full(n_useful.size, NAN)
    ok = n_useful > 0
    out[ok] = np.rint(np.log2(n_useful[ok].astype(np.float64))) + 3
    return out


def crossings_limit(n_useful: IntArray) -> FloatArray:
    """``qbinom(0.05, n_useful - 1, 0.5)`` per period (NaN without useful points)."""
    out = np.full(n_useful.size, NAN)
    ok = n_useful > 0
    if ok.any():
        sizes = n_useful[ok] - 1
        table = np.array([qbinom_05_half(m) for m in range(int(sizes.max()) + 1)], dtype=float)
        out[ok] = table[sizes]
    return out


@dataclass(frozen=True)
class RunsAnalysis:
    """Per-period results of the Anhøj runs analysis."""

    n_obs: IntArray
    n_useful: IntArray
    longest_run: FloatArray
    longest_run_max: FloatArray
    n_crossings: FloatArray
    n_crossings_min: FloatArray
    runs_signal: BoolArray


def runs_analysis(
    y: FloatArray,
    centre: FloatArray,
    include: BoolArray,
    period: IntArray,
    n_periods: int,
) -> RunsAnalysis:
    """Anhøj runs analysis of every period at once.

    Parameters
    ----------
    y, centre
        Per-point values and centre line (before any ``multiplier``, as qicharts2 does).
    include
        Points that take part (qicharts2 ``include``: not excluded). Baseline/freeze does not
        matter: the whole period is analysed.
    period
        Sorted, dense period id per point.
    n_periods
        Number of periods.

    Examples
    --------
    >>> y = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0])
    >>> r = runs_analysis(y, np.full(10, 5.5), np.ones(10, bool), np.zeros(10, np.int64), 1)
    >>> int(r.longest_run[0]), int(r.longest_run_max[0]), int(r.n_crossings[0])
    (5, 6, 1)
    >>> int(r.n_crossings_min[0]), bool(r.runs_signal[0])
    (2, True)
    """
    with np.errstate(invalid="ignore"):
        side = np.sign(y - centre)
    useful = include & ~np.isnan(side) & (side != 0)
    n_obs = np.bincount(period[include], minlength=n_periods).astype(np.int64)
    s = side[useful]
    p = period[useful]
    n_useful = np.bincount(p, minlength=n_periods).astype(np.int64)

    longest = np.full(n_periods, NAN)
    crossings = np.full(n_periods, NAN)
    if s.size:
        new_run = np.ones(s.size, dtype=np.bool_)
        new_run[1:] = (s[1:] != s[:-1]) | (p[1:] != p[:-1])
        run_starts = np.flatnonzero(new_run)
        run_lengths = np.diff(np.append(run_starts, s.size))
        run_period = p[run_starts]
        first_run_of_period = segment_starts(run_period)
        periods_with_runs = run_period[first_run_of_period]
        longest[periods_with_runs] = np.maximum.reduceat(run_lengths, first_run_of_period)
        n_runs = np.bincount(run_period, minlength=n_periods)
        crossings[periods_with_runs] = n_runs[periods_with_runs] - 1

    longest_max = longest_run_limit(n_useful)
    crossings_min = crossings_limit(n_useful)
    with np.errstate(invalid="ignore"):
        signal = (n_useful > 0) & ((longest > longest_max) | (crossings < crossings_min))
    return RunsAnalysis(
        n_obs=n_obs,
        n_useful=n_useful,
        longest_run=longest,
        longest_run_max=longest_max,
        n_crossings=crossings,
        n_crossings_min=crossings_min,
        runs_signal=signal,
    )
