"""From user columns to the engine's long, sorted layout.

Steps (all vectorised over every row of every series):

1. order rows by series key, then by ``x`` (NHSRplotthedots sorts by facet and date,
   qicharts2 by facet and x); data that is already sorted is not re-sorted;
2. combine rows sharing a series and an ``x`` into one subgroup, as qicharts2 ``qic.agg``
   does (sum of counts and denominators, mean and SD of measurements); XmR refuses such
   duplicates, as NHSRplotthedots does;
3. split each series into periods at the rebase points, mark the baseline (``fix_after``) and
   the excluded points.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._arrays import NAN, AnyArray, BoolArray, FloatArray, IntArray, segment_starts
from ._engine import Layout
from ._qic import Subgroups


@dataclass(frozen=True)
class Prepared:
    """Engine input plus the rows' key values, in engine order."""

    data: Subgroups
    layout: Layout
    key_values: list[AnyArray]
    """Per by-column: the key value of every point (engine order)."""
    series_keys: list[AnyArray]
    """Per by-column: the key value of every series."""


def as_float(values: Any, name: str) -> FloatArray:
    """Convert values to float64, with ``None`` as NaN; reject anything non-numeric.

    Examples
    --------
    >>> as_float([1, None, 2.5], "y")
    array([1. , nan, 2.5])
    """
    arr = np.asarray(values)
    if arr.dtype.kind in "biuf":
        return arr.astype(np.float64).reshape(-1)
    if arr.dtype.kind == "O":
        try:
            out = np.array([np.nan if v is None else v for v in arr.reshape(-1)], dtype=float)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{name} must be numeric (None or NaN for missing)") from exc
        return out
    raise ValueError(f"{name} must be numeric, not {arr.dtype}")


def as_sort_key(values: Any, name: str) -> AnyArray:
    """Convert an ``x`` column to a sortable array: numbers, dates (``datetime64``) or text.

    ISO date strings and ``datetime.date`` objects become ``datetime64``. Missing values are
    refused: a point without a date cannot be placed in the series.

    Examples
    --------
    >>> as_sort_key(["2024-01-08", "2024-01-01"], "x")
    array(['2024-01-08', '2024-01-01'], dtype='datetime64[D]')
    >>> as_sort_key([3, 1, 2], "x")
    array([3, 1, 2])
    """
    arr = np.asarray(values).reshape(-1)
    if arr.dtype.kind in "OUS":
        arr = _convert_text(arr)
    if (arr.dtype.kind in "mM" and np.isnat(arr).any()) or (
        arr.dtype.kind == "f" and np.isnan(arr).any()
    ):
        raise ValueError(f"{name} has missing values")
    return arr


def _convert_text(arr: AnyArray) -> AnyArray:
    """Numbers stay numbers, dates become ``datetime64``, anything else is text."""
    for kind in ("float", "datetime64"):
        try:
            out: AnyArray = arr.astype(kind)
        except (TypeError, ValueError):
            continue
        if kind == "float" and arr.dtype.kind == "O" and _all_int(arr):
            out = arr.astype(np.int64)
        return out
    return arr.astype(str)


def _all_int(arr: AnyArray) -> bool:
    return all(isinstance(v, int) for v in arr.tolist())


def _rank(values: AnyArray) -> IntArray:
    """Dense rank of each value (sorting order), usable in ``np.lexsort``."""
    _, inverse = np.unique(values, return_inverse=True)
    out: IntArray = inverse.reshape(-1).astype(np.int64)
    return out


def _order(keys: Sequence[AnyArray], x: AnyArray | None, n_rows: int) -> IntArray | None:
    """Row order sorting by keys then x (stable); ``None`` when rows are already in order."""
    if n_rows < 2:
        return None
    tied = np.ones(n_rows - 1, dtype=np.bool_)
    ordered = True
    for col in [*keys, *([] if x is None else [x])]:
        if np.any(tied & (col[1:] < col[:-1])):
            ordered = False
            break
        tied &= col[1:] == col[:-1]
    if ordered:
        return None
    columns = [_rank(col) for col in keys]
    sort_keys = ([] if x is None else [_rank(x)]) + columns[::-1]
    if not sort_keys:
        return None
    order: IntArray = np.lexsort(sort_keys).astype(np.int64)
    return order


def _boundaries(keys: Sequence[AnyArray], n_rows: int) -> BoolArray:
    """``True`` at the first row of every series (rows sorted by keys)."""
    start = np.zeros(n_rows, dtype=np.bool_)
    if n_rows:
        start[0] = True
    for col in keys:
        start[1:] |= col[1:] != col[:-1]
    return start


def _aggregate(
    y: FloatArray, n: FloatArray | None, subgroup_start: BoolArray
) -> tuple[Subgroups, IntArray]:
    """Combine rows into subgroups as qicharts2 ``qic.agg``; return the first row of each.

    With a denominator, a row missing either the count or the denominator loses both
    (``complete.cases``); a subgroup's value is sum(y) / sum(n), else the mean of its values.
    """
    if n is not None:
        incomplete = np.isnan(y) | np.isnan(n)
        y = np.where(incomplete, NAN, y)
        n = np.where(incomplete, NAN, n)
    starts = np.flatnonzero(subgroup_start)
    present = ~np.isnan(y)
    if starts.size == y.size:
        length = present.astype(np.float64)
        if n is None:
            return Subgroups(y, y, length, np.full(y.size, NAN), np.full(y.size, NAN)), starts
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = y / n
        return Subgroups(ratio, y, length, np.full(y.size, NAN), n), starts
    counts = np.diff(np.append(starts, y.size))
    y0 = np.where(present, y, 0.0)
    length = np.add.reduceat(present.astype(np.float64), starts)
    total = np.add.reduceat(y0, starts)
    y_sum = np.where((counts == 1) & (length == 0), NAN, total)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / length
        sq = np.add.reduceat(np.where(present, (y - np.repeat(mean, counts)) ** 2, 0.0), starts)
        sd = np.where(length >= 2, np.sqrt(sq / (length - 1)), NAN)
    if n is None:
        return Subgroups(mean, y_sum, length, sd, np.full(starts.size, NAN)), starts
    n_total = np.add.reduceat(np.where(np.isnan(n), 0.0, n), starts)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = total / n_total
    n_sum = np.where(length == 0, NAN, n_total)
    return Subgroups(ratio, y_sum, length, sd, n_sum), starts


def prepare(
    *,
    keys: Sequence[AnyArray],
    x: AnyArray | None,
    y: FloatArray,
    n: FloatArray | None,
    chart: str,
    rebase_positions: Sequence[int] = (),
    rebase_values: AnyArray | None = None,
    rebase_by_series: Mapping[int, AnyArray] | None = None,
    fix_after: int | None = None,
    exclude_positions: Sequence[int] = (),
    exclude_rows: BoolArray | None = None,
) -> Prepared:
    """Sort, aggregate and split rows into the engine layout (see the module docstring).

    ``rebase_positions``/``exclude_positions`` are 0-based positions within every series;
    ``rebase_values`` are ``x`` values starting a new period in every series, and
    ``rebase_by_series`` maps a series number to its own rebase ``x`` values.
    """
    n_rows = y.size
    if n is not None and n.size != n_rows:
        raise ValueError("n must have the same length as y")
    if n is not None and np.any(n < 0):
        raise ValueError("denominators must not be negative")
    order = _order(keys, x, n_rows)
    if order is not None:
        keys = [col[order] for col in keys]
        x = None if x is None else x[order]
        y = y[order]
        n = None if n is None else n[order]
        exclude_rows = None if exclude_rows is None else exclude_rows[order]
    if n is not None:
        with np.errstate(invalid="ignore"):
            bad = (n == 0) & (y > 0)
        if bad.any():
            raise ValueError("a positive count has a zero denominator")

    series_start = _boundaries(keys, n_rows)
    if x is None:
        subgroup_start = np.ones(n_rows, dtype=np.bool_)
    else:
        subgroup_start = series_start.copy()
        subgroup_start[1:] |= x[1:] != x[:-1]
    if chart == "xmr" and not subgroup_start.all():
        raise ValueError("xmr: each date (x) may appear only once per series")
    data, first_rows = _aggregate(y, n, subgroup_start)
    if exclude_rows is not None:
        exclude_rows = np.logical_or.reduceat(exclude_rows, first_rows)

    keys = [col[first_rows] for col in keys]
    x = None if x is None else x[first_rows]
    starts_flag = series_start[first_rows]
    series = (np.cumsum(starts_flag) - 1).astype(np.int64)
    n_points = series.size
    s_start = segment_starts(series)
    position = np.arange(n_points, dtype=np.int64) - s_start[series]
    if x is None:
        x = position.copy()

    new_period = starts_flag.copy()
    if len(rebase_positions):
        new_period |= np.isin(position, np.asarray(rebase_positions, dtype=np.int64))
    if rebase_values is not None and rebase_values.size:
        new_period |= np.isin(x, rebase_values)
    if rebase_by_series:
        s_end = np.append(s_start[1:], n_points)
        for number, values in rebase_by_series.items():
            lo, hi = s_start[number], s_end[number]
            new_period[lo:hi] |= np.isin(x[lo:hi], values)
    period = (np.cumsum(new_period) - 1).astype(np.int64)
    p_start = segment_starts(period)
    in_period = np.arange(n_points, dtype=np.int64) - p_start[period]

    if fix_after is None:
        baseline = np.ones(n_points, dtype=np.bool_)
    else:
        baseline = in_period < fix_after
        if chart != "xmr":
            # qicharts2 ignores freeze when there are parts: series split into periods
            # keep every point as baseline.
            periods_per_series = np.bincount(series[p_start], minlength=s_start.size)
            baseline |= periods_per_series[series] > 1
    include = np.ones(n_points, dtype=np.bool_)
    if len(exclude_positions):
        include &= ~np.isin(position, np.asarray(exclude_positions, dtype=np.int64))
    if exclude_rows is not None:
        include &= ~exclude_rows

    layout = Layout(
        x=x,
        series=series,
        period=period,
        baseline=baseline,
        include=include,
        n_series=int(s_start.size),
        n_periods=int(p_start.size),
    )
    return Prepared(
        data=data,
        layout=layout,
        key_values=keys,
        series_keys=[col[s_start] for col in keys],
    )
