"""Segment operations on long, sorted arrays: the vectorised building blocks of the engine.

Every chart is computed on one long array holding many series one after another. A *segment*
is a run of consecutive points sharing an integer id (a period of one series, or a whole
series). Segment ids are sorted and dense (``0 .. n_segments - 1``), so the helpers below can
use ``np.add.reduceat``, ``np.bincount`` and cumulative sums instead of a Python loop per
series.

The reductions that feed centre lines and limits reproduce R's arithmetic: ``mean()`` in R sums
in long double and then applies a second correction pass (``src/main/summary.c``,
``real_mean``); ``sum()`` accumulates in long double. On x86-64 Linux ``numpy.longdouble`` is
the same 80-bit type, so values that R finds *exactly* on a centre line are found there here
too.
"""

from __future__ import annotations

from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]
ObjectArray: TypeAlias = npt.NDArray[np.object_]
LongArray: TypeAlias = npt.NDArray[np.longdouble]
AnyArray: TypeAlias = npt.NDArray[Any]

NAN = float("nan")


def segment_starts(ids: IntArray) -> IntArray:
    """Return the index of the first element of every run of equal values in sorted ``ids``.

    Examples
    --------
    >>> segment_starts(np.array([0, 0, 1, 1, 1, 3]))
    array([0, 2, 5])
    """
    if ids.size == 0:
        return np.zeros(0, dtype=np.int64)
    change = np.empty(ids.size, dtype=np.bool_)
    change[0] = True
    np.not_equal(ids[1:], ids[:-1], out=change[1:])
    return np.flatnonzero(change).astype(np.int64)


def segment_sum_long(values: LongArray, ids: IntArray, n_segments: int) -> LongArray:
    """Sum ``values`` per segment in long double (segments without values sum to 0)."""
    out = np.zeros(n_segments, dtype=np.longdouble)
    if values.size:
        starts = segment_starts(ids)
        out[ids[starts]] = np.add.reduceat(values, starts)
    return out


def segment_count(mask: BoolArray, ids: IntArray, n_segments: int) -> IntArray:
    """Count the ``True`` elements of ``mask`` per segment."""
    return np.bincount(ids[mask], minlength=n_segments).astype(np.int64)


def r_sum(values: FloatArray, ids: IntArray, n_segments: int) -> FloatArray:
    """R's ``sum(x, na.rm = TRUE)`` per segment: long double accumulation, NaN dropped.

    Examples
    --------
    >>> r_sum(np.array([1.0, np.nan, 2.0, 5.0]), np.array([0, 0, 0, 1]), 3)
    array([3., 5., 0.])
    """
    ok = ~np.isnan(values)
    total = segment_sum_long(values[ok].astype(np.longdouble), ids[ok], n_segments)
    return total.astype(np.float64)


def r_mean(values: FloatArray, ids: IntArray, n_segments: int) -> FloatArray:
    """R's ``mean(x, na.rm = TRUE)`` per segment; NaN for a segment with no values.

    R sums in long double, divides, then adds the mean residual ``sum(x - m) / n`` (also in
    long double) before rounding to double.

    Examples
    --------
    >>> r_mean(np.array([1.0, 2.0, np.nan, 4.0]), np.array([0, 0, 1, 1]), 3)
    array([1.5, 4. , nan])
    """
    ok = ~np.isnan(values)
    v = values[ok].astype(np.longdouble)
    s = ids[ok]
    count = np.bincount(s, minlength=n_segments).astype(np.longdouble)
    with np.errstate(invalid="ignore", divide="ignore"):
        first = segment_sum_long(v, s, n_segments) / count
        finite = np.isfinite(first)
        residual = segment_sum_long(v - first[s], s, n_segments) / count
        mean = np.where(finite, first + residual, first)
    out: FloatArray = mean.astype(np.float64)
    return out


def r_median(values: FloatArray, ids: IntArray, n_segments: int) -> FloatArray:
    """R's ``median(x, na.rm = TRUE)`` per segment; NaN for a segment with no values.

    Examples
    --------
    >>> r_median(np.array([3.0, 1.0, 2.0, 10.0, 20.0]), np.array([0, 0, 0, 1, 1]), 2)
    array([ 2., 15.])
    """
    ok = ~np.isnan(values)
    v = values[ok]
    s = ids[ok]
    order = np.lexsort((v, s))
    v = v[order]
    count = np.bincount(s, minlength=n_segments).astype(np.int64)
    start = np.cumsum(count) - count
    has = count > 0
    lo = (start + (count - 1) // 2)[has]
    hi = (start + count // 2)[has]
    out = np.full(n_segments, NAN)
    a = v[lo].astype(np.longdouble)
    b = v[hi].astype(np.longdouble)
    mid = (a + b) / 2
    mid = mid + ((a - mid) + (b - mid)) / 2
    out[has] = mid.astype(np.float64)
    return out


def run_length(mask: BoolArray) -> IntArray:
    """Number of consecutive ``True`` values ending at each position (0 where ``False``).

    Examples
    --------
    >>> run_length(np.array([True, True, False, True, True, True]))
    array([1, 2, 0, 1, 2, 3])
    """
    idx = np.arange(mask.size, dtype=np.int64)
    last_false = np.maximum.accumulate(np.where(mask, np.int64(-1), idx))
    out: IntArray = idx - last_false
    return out


def run_length_reversed(mask: BoolArray) -> IntArray:
    """Number of consecutive ``True`` values starting at each position (0 where ``False``)."""
    out: IntArray = run_length(mask[::-1])[::-1]
    return out


def covered_by_window(window_end: BoolArray, length: int) -> BoolArray:
    """Mark every position inside a window of ``length`` points that ends at a ``True``.

    Position ``j`` is covered when some ``window_end[e]`` is true with ``j <= e < j + length``
    (NHSRplotthedots ``ptd_part_of_seven_trend``). A window only ends at ``e`` when all its
    points lie in ``e``'s segment, so a window never covers points of an earlier segment.

    Examples
    --------
    >>> covered_by_window(np.array([False, False, True, False]), 2)
    array([False,  True,  True, False])
    """
    n = window_end.size
    c = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(window_end, out=c[1:])
    idx = np.arange(n, dtype=np.int64)
    hi = np.minimum(idx + length, n)
    out: BoolArray = (c[hi] - c[idx]) > 0
    return out


def same_segment_as_previous(ids: IntArray) -> BoolArray:
    """``True`` where an element belongs to the same segment as the element before it."""
    out = np.zeros(ids.size, dtype=np.bool_)
    if ids.size > 1:
        np.equal(ids[1:], ids[:-1], out=out[1:])
    return out


def previous(values: FloatArray, ids: IntArray) -> FloatArray:
    """The previous element within the same segment (NaN at each segment start)."""
    out = np.full(values.size, NAN)
    if values.size > 1:
        out[1:] = values[:-1]
    out[~same_segment_as_previous(ids)] = NAN
    return out
