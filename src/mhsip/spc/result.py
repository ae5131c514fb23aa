"""Result types: :class:`SPCResult` (one series) and :class:`SPCFrame` (many series)."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any

import numpy as np

from ._arrays import AnyArray, BoolArray, FloatArray, IntArray, ObjectArray
from ._engine import Tables
from ._labels import ASSURANCE_TYPES

POINT_FIELDS = (
    "x",
    "y",
    "n",
    "centre",
    "lower",
    "upper",
    "lower_2sigma",
    "upper_2sigma",
    "period",
    "baseline",
    "included",
    "special_cause",
    "special_cause_type",
    "rule",
    "point_type",
    "explanation",
    "short_period",
)
"""Per-point columns, in output order."""

PERIOD_FIELDS = (
    "period_start",
    "period_length",
    "n_obs",
    "n_useful",
    "longest_run",
    "longest_run_max",
    "n_crossings",
    "n_crossings_min",
    "runs_signal",
    "short_period_warning",
)
"""Per-period columns of :class:`SPCResult` (``period_`` prefix where the name is ambiguous)."""


def _frozen(values: AnyArray) -> AnyArray:
    """A read-only view (no copy): the result cannot be changed through it."""
    out = np.asarray(values).view()
    out.flags.writeable = False
    return out


@dataclass(frozen=True, eq=False)
class SPCResult:
    """The SPC analysis of one series.

    Per point (arrays of equal length, in time order): ``x`` (date, number or position),
    ``y`` (the plotted value, NaN when missing; for qicharts2 charts multiplied by
    ``multiplier``), ``n`` (denominator of the subgroup, NaN if none), ``centre``, ``lower`` and
    ``upper`` (3-sigma limits; XmR: mean -/+ 2.66 mean moving range), ``lower_2sigma`` and
    ``upper_2sigma`` (XmR: the "close to the limits" lines), ``period`` (0-based, +1 at each
    rebase), ``baseline`` (the point set the centre line and limits), ``included`` (not
    excluded), ``special_cause``, ``special_cause_type`` (NHSRplotthedots label, e.g.
    ``"7 Points Below CL"``), ``rule`` (``"outside_limits"``, ``"trend"``, ``"two_in_three"``,
    ``"shift"`` or ``None``), ``point_type``, ``explanation`` (plain English) and
    ``short_period`` (the point's period has fewer than 13 points).

    Per period: ``period_start``, ``period_length``, and the Anhøj runs analysis ``n_obs``,
    ``n_useful``, ``longest_run``, ``longest_run_max``, ``n_crossings``, ``n_crossings_min``
    (NaN when a period has no useful point), ``runs_signal``, plus ``short_period_warning``.

    Summary: ``variation_icon`` and ``assurance_icon``.

    Arrays are read-only.
    """

    chart: str
    improvement: str
    target: float | None
    x: AnyArray
    y: FloatArray
    n: FloatArray
    centre: FloatArray
    lower: FloatArray
    upper: FloatArray
    lower_2sigma: FloatArray
    upper_2sigma: FloatArray
    period: IntArray
    baseline: BoolArray
    included: BoolArray
    special_cause: BoolArray
    special_cause_type: ObjectArray
    rule: ObjectArray
    point_type: ObjectArray
    explanation: ObjectArray
    short_period: BoolArray
    variation_icon: str
    assurance_icon: str | None
    period_start: IntArray
    period_length: IntArray
    n_obs: IntArray
    n_useful: IntArray
    longest_run: FloatArray
    longest_run_max: FloatArray
    n_crossings: FloatArray
    n_crossings_min: FloatArray
    runs_signal: BoolArray
    short_period_warning: BoolArray

    def __len__(self) -> int:
        return int(self.y.size)

    @property
    def assurance_type(self) -> str | None:
        """NHSRplotthedots' name for the assurance icon (``consistent_pass``, ...)."""
        return None if self.assurance_icon is None else ASSURANCE_TYPES[self.assurance_icon]

    @property
    def n_periods(self) -> int:
        """Number of periods (1 + the number of rebases)."""
        return int(self.period_start.size)

    def points(self) -> list[dict[str, Any]]:
        """One plain ``dict`` per point (NaN as ``None``), e.g. for JSON output."""
        columns = {name: getattr(self, name) for name in POINT_FIELDS}
        return _records(columns)

    @classmethod
    def from_tables(cls, tables: Tables, series: int, *, chart: str, improvement: str) -> SPCResult:
        """Cut one series out of the engine's tables."""
        start = int(tables.series["start"][series])
        stop = start + int(tables.series["length"][series])
        p_mask = tables.periods["series"] == series
        target = float(tables.series["target"][series])
        values: dict[str, Any] = {
            "chart": chart,
            "improvement": improvement,
            "target": None if np.isnan(target) else target,
            "variation_icon": str(tables.series["variation_icon"][series]),
            "assurance_icon": tables.series["assurance_icon"][series],
        }
        for name in POINT_FIELDS:
            values[name] = _frozen(tables.points[name][start:stop])
        for name in PERIOD_FIELDS:
            source = {"period_start": "start", "period_length": "length"}.get(name, name)
            values[name] = _frozen(tables.periods[source][p_mask])
        return cls(**values)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SPCResult):
            return NotImplemented
        for f in fields(self):
            a, b = getattr(self, f.name), getattr(other, f.name)
            if isinstance(a, np.ndarray):
                if not _same_array(a, b):
                    return False
            elif a != b and not (a is None and b is None):
                return False
        return True

    __hash__ = None  # type: ignore[assignment]


def _same_array(a: AnyArray, b: AnyArray) -> bool:
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    if a.dtype.kind == "f":
        return bool(np.array_equal(a, b, equal_nan=True))
    return bool(np.array_equal(a, b))


def _records(columns: Mapping[str, AnyArray]) -> list[dict[str, Any]]:
    names = list(columns)
    lists = [_plain(columns[name]) for name in names]
    return [dict(zip(names, row, strict=True)) for row in zip(*lists, strict=True)]


def _plain(values: AnyArray) -> list[Any]:
    """Python values for output: NaN -> None, datetime64 -> ISO text."""
    if values.dtype.kind == "f":
        return [None if v != v else v for v in values.tolist()]
    if values.dtype.kind == "M":
        return [str(v) for v in values]
    out: list[Any] = values.tolist()
    return out


@dataclass(frozen=True)
class SPCFrame:
    """SPC analysis of many series, as long tables (mappings of column name to array).

    ``points`` has one row per point: the ``by`` key columns, ``series`` (series number),
    and the per-point fields of :class:`SPCResult`. ``periods`` has one row per series and
    period, ``series`` one row per series with ``variation_icon``, ``assurance_icon``,
    ``target``, ``start`` (first row in ``points``) and ``length``.
    """

    by: tuple[str, ...]
    chart: str
    improvement: str
    points: Mapping[str, AnyArray] = field(repr=False)
    periods: Mapping[str, AnyArray] = field(repr=False)
    series: Mapping[str, AnyArray] = field(repr=False)
    _tables: Tables = field(repr=False)

    def __len__(self) -> int:
        """Number of series."""
        return int(self.series["series"].size)

    def key(self, series: int) -> Hashable:
        """The ``by`` value(s) of a series: a scalar for one ``by`` column, else a tuple."""
        values = tuple(_plain(self.series[name][series : series + 1])[0] for name in self.by)
        return values[0] if len(values) == 1 else values

    def index(self, key: Hashable) -> int:
        """Series number of a key (as returned by :meth:`key`)."""
        wanted = key if isinstance(key, tuple) and len(self.by) > 1 else (key,)
        mask = np.ones(len(self), dtype=np.bool_)
        for name, value in zip(self.by, wanted, strict=True):
            mask &= self.series[name] == value
        hits = np.flatnonzero(mask)
        if hits.size != 1:
            raise KeyError(key)
        return int(hits[0])

    def result(self, series: int) -> SPCResult:
        """The :class:`SPCResult` of one series (by series number)."""
        return SPCResult.from_tables(
            self._tables, series, chart=self.chart, improvement=self.improvement
        )

    def records(self) -> list[dict[str, Any]]:
        """One plain ``dict`` per point row (NaN as ``None``), for CSV/JSON output."""
        return _records(self.points)

    @classmethod
    def from_tables(
        cls,
        tables: Tables,
        *,
        by: tuple[str, ...],
        key_values: list[AnyArray],
        series_keys: list[AnyArray],
        chart: str,
        improvement: str,
    ) -> SPCFrame:
        """Wrap the engine's tables, adding the key columns."""
        period_series = tables.periods["series"]
        points = {name: _frozen(v) for name, v in zip(by, key_values, strict=True)}
        points.update({name: _frozen(v) for name, v in tables.points.items()})
        periods = {name: _frozen(v[period_series]) for name, v in zip(by, series_keys, strict=True)}
        periods.update({name: _frozen(v) for name, v in tables.periods.items()})
        series = {name: _frozen(v) for name, v in zip(by, series_keys, strict=True)}
        series.update({name: _frozen(v) for name, v in tables.series.items()})
        return cls(
            by=by,
            chart=chart,
            improvement=improvement,
            points=MappingProxyType(points),
            periods=MappingProxyType(periods),
            series=MappingProxyType(series),
            _tables=tables,
        )
