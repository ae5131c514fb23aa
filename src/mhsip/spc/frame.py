"""``analyse_frame``: thousands of series in one vectorised pass."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np

from . import _options
from ._arrays import AnyArray, BoolArray
from ._engine import compute
from ._prepare import as_float, as_sort_key, prepare
from .result import SPCFrame

Frame = Mapping[str, Any]
"""Column name -> 1-D array (a plain ``dict`` of numpy arrays; no pandas needed)."""


def analyse_frame(
    frame: Frame,
    *,
    by: str | Sequence[str],
    value: str,
    denominator: str | None = None,
    date: str | None = None,
    chart: str,
    improvement: str = "neutral",
    target: float | Mapping[Hashable, float] | None = None,
    rebase_at: Sequence[Any] | Mapping[Hashable, Sequence[Any]] = (),
    fix_after: int | None = None,
    exclude: str | Sequence[int] = (),
    multiplier: float = 1.0,
    screen_outliers: bool = True,
    shift_length: int = 7,
    trend_length: int = 7,
    rules: str = "chart",
) -> SPCFrame:
    """Analyse every series of a long table at once.

    The same computation as :func:`mhsip.spc.analyse`, run on all series together with
    segment operations (no Python loop per series): ``analyse_frame(...).result(i)`` equals
    ``analyse`` on series ``i`` alone.

    Parameters
    ----------
    frame
        Mapping of column name to a 1-D array, one row per observation.
    by
        Column(s) identifying a series (e.g. ``"ward"``, or ``["trust", "ward"]``).
    value
        Column of values (counts for attribute charts).
    denominator
        Column of denominators (p, pp, u, up charts).
    date
        Column ordering the points of a series (dates or numbers). Without it, rows keep
        their order within each series.
    chart, improvement, fix_after, multiplier, screen_outliers, shift_length, trend_length, rules
        As :func:`mhsip.spc.analyse`.
    target
        One target for every series, or a mapping from series key (the ``by`` value, a tuple
        for several ``by`` columns) to its target; series not in the mapping have none.
    rebase_at
        With ``date``: the dates that start a new period, for every series, or a mapping from
        series key to its dates (NHSRplotthedots ``rebase``). Without ``date``: 0-based
        positions within every series.
    exclude
        0-based positions left out of every series' calculations, or the name of a boolean
        column marking excluded rows.

    Returns
    -------
    SPCFrame
        ``points``, ``periods`` and ``series`` tables; ``result(i)`` gives one series.

    Examples
    --------
    >>> frame = {
    ...     "ward": np.array(["A"] * 4 + ["B"] * 4),
    ...     "week": np.tile(np.arange(4), 2),
    ...     "incidents": np.array([3, 1, 4, 2, 0, 2, 1, 1]),
    ...     "bed_days": np.array([700, 650, 720, 690, 400, 420, 410, 380]),
    ... }
    >>> out = analyse_frame(frame, by="ward", value="incidents", denominator="bed_days",
    ...                     date="week", chart="u", multiplier=1000, improvement="decrease")
    >>> out.series["ward"].tolist(), out.series["variation_icon"].tolist()
    (['A', 'B'], ['common_cause', 'common_cause'])
    >>> [round(v, 3) for v in out.points["centre"][::4].tolist()]
    [3.623, 2.484]
    """
    by_columns = (by,) if isinstance(by, str) else tuple(by)
    options = _options.settings(
        chart=chart,
        improvement=improvement,
        multiplier=multiplier,
        screen_outliers=screen_outliers,
        shift_length=shift_length,
        trend_length=trend_length,
        rules=rules,
        fix_after=fix_after,
        has_denominator=denominator is not None,
    )
    names = [*by_columns, value]
    names += [c for c in (denominator, date) if c is not None]
    names += [exclude] if isinstance(exclude, str) else []
    for name in names:
        if name not in frame:
            raise ValueError(f"unknown column {name!r}")
    y = as_float(frame[value], value)
    keys = [_column(frame, name, y.size) for name in by_columns]
    n = None if denominator is None else as_float(frame[denominator], denominator)
    x = None if date is None else as_sort_key(frame[date], date)
    for column_name, col in ((denominator, n), (date, x)):
        if col is not None and col.size != y.size:
            raise ValueError(f"column {column_name!r} has {col.size} rows, {value!r} has {y.size}")
    exclude_rows: BoolArray | None = None
    exclude_positions: Sequence[int] = ()
    if isinstance(exclude, str):
        exclude_rows = np.asarray(frame[exclude], dtype=np.bool_).reshape(-1)
    else:
        exclude_positions = [int(i) for i in exclude]

    rebase_positions: Sequence[int] = ()
    rebase_values: AnyArray | None = None
    rebase_mapping = rebase_at if isinstance(rebase_at, Mapping) else None
    if not isinstance(rebase_at, Mapping) and len(rebase_at):
        if x is None:
            rebase_positions = [int(i) for i in rebase_at]
        else:
            rebase_values = as_sort_key(list(rebase_at), "rebase_at").astype(x.dtype)

    if rebase_mapping:
        # Series numbers are only known after sorting: prepare once without the mapping to
        # learn them (cheap), then again with it.
        probe = prepare(keys=keys, x=x, y=y, n=n, chart=chart)
        lookup = _series_lookup(probe.series_keys)
        per_series: dict[int, AnyArray] = {}
        for key, values in rebase_mapping.items():
            number = lookup.get(key if isinstance(key, tuple) else (key,))
            if number is None:
                continue
            if x is None:
                raise ValueError("rebase_at as a mapping needs a date column")
            per_series[number] = as_sort_key(list(values), "rebase_at").astype(x.dtype)
    else:
        per_series = {}

    prepared = prepare(
        keys=keys,
        x=x,
        y=y,
        n=n,
        chart=chart,
        rebase_positions=rebase_positions,
        rebase_values=rebase_values,
        rebase_by_series=per_series or None,
        fix_after=fix_after,
        exclude_positions=exclude_positions,
        exclude_rows=exclude_rows,
    )
    targets = np.full(prepared.layout.n_series, np.nan)
    if isinstance(target, Mapping):
        lookup = _series_lookup(prepared.series_keys)
        for key, value_ in target.items():
            number = lookup.get(key if isinstance(key, tuple) else (key,))
            if number is not None:
                targets[number] = _options.target_value(value_)
    else:
        targets[:] = _options.target_value(target)

    tables = compute(prepared.data, prepared.layout, targets, options)
    return SPCFrame.from_tables(
        tables,
        by=by_columns,
        key_values=prepared.key_values,
        series_keys=prepared.series_keys,
        chart=chart,
        improvement=improvement,
    )


def _column(frame: Frame, name: str, size: int) -> AnyArray:
    col = np.asarray(frame[name]).reshape(-1)
    if col.size != size:
        raise ValueError(f"column {name!r} has {col.size} rows, expected {size}")
    if col.dtype.kind == "O":
        col = col.astype(str)
    return col


def _series_lookup(series_keys: list[AnyArray]) -> dict[tuple[Any, ...], int]:
    """Series number by key tuple (one entry per series: a lookup, not a computation)."""
    columns = [col.tolist() for col in series_keys]
    return {key: i for i, key in enumerate(zip(*columns, strict=True))}
