"""SPC of a measure for many wards at once: series from SQL, then :func:`mhsip.spc.analyse_frame`.

Chart choice (issue 5): the measure's default chart (u for rates), or one the user selects;
a run chart when a ward has fewer than 13 points (the Making Data Count minimum for limits).
Every chart with limits uses the Making Data Count rules (``rules="mdc"``, docs/spc.md).
Only *approved* rebases split a ward's series into periods; a fixed baseline fixes the centre
and limits on its first points (``fix_after``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from mhsip.measures.models import Denominator, FixedBaseline, Measure, Rebase, RebaseStatus
from mhsip.measures.series import SeriesTable, bucket, measure_series, pooled
from mhsip.spc import SPCResult, analyse_frame

MIN_POINTS_FOR_LIMITS = 13
DENOMINATOR_CHARTS = {"p", "pp", "u", "up"}


@dataclass(frozen=True)
class WardAnalysis:
    """One ward's (or the collaborative's, ``ward_id`` 0) analysis of one measure."""

    ward_id: int
    chart: str
    period_start: np.ndarray  # datetime64[D]
    numerator: np.ndarray
    denominator: np.ndarray
    result: SPCResult
    rebase_dates: tuple[dt.date, ...]
    fix_after: int | None

    @property
    def points(self) -> int:
        return int(np.count_nonzero(~np.isnan(self.result.y)))


def chart_for(measure: Measure, requested: str | None, points: int) -> str:
    chart = requested or measure.default_chart
    if measure.denominator == Denominator.NONE and chart in DENOMINATOR_CHARTS:
        chart = "c"
    if points < MIN_POINTS_FOR_LIMITS:
        return "run"
    return chart


def _values(table: SeriesTable, rows: np.ndarray, chart: str, multiplier: float):
    num, den = table.numerator[rows], table.denominator[rows]
    if chart in DENOMINATOR_CHARTS:
        return num, den
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(den > 0, num / den * multiplier, np.where(den == 0, np.nan, num))
    return (rate if not np.all(den == 1.0) else num), None


def approved_rebases(measure: Measure, ward_ids: Sequence[int]) -> dict[int, list[dt.date]]:
    dates: dict[int, list[dt.date]] = defaultdict(list)
    for ward_id, day in Rebase.objects.filter(
        measure=measure, ward_id__in=ward_ids, status=RebaseStatus.APPROVED
    ).values_list("ward_id", "starts_on"):
        start = bucket(np.array([day], dtype="datetime64[D]"), measure.period)[0].item()
        dates[ward_id].append(start)
    return dates


def analyse_table(
    measure: Measure,
    table: SeriesTable,
    *,
    chart: str | None = None,
    rebases: dict[int, list[dt.date]] | None = None,
    fixed: dict[int, int] | None = None,
) -> dict[int, WardAnalysis]:
    """Analyse every ward of ``table``; wards sharing a chart and baseline go in one pass."""
    rebases = rebases or {}
    fixed = fixed or {}
    groups: dict[tuple[str, int | None], list[int]] = defaultdict(list)
    rows_of: dict[int, np.ndarray] = {}
    for ward_id in np.unique(table.ward_id).tolist():
        rows = np.flatnonzero(table.ward_id == ward_id)
        rows_of[ward_id] = rows
        points = int(np.count_nonzero(~np.isnan(table.numerator[rows])))
        groups[(chart_for(measure, chart, points), fixed.get(ward_id))].append(ward_id)
    out: dict[int, WardAnalysis] = {}
    for (ward_chart, fix_after), wards in groups.items():
        rows = np.concatenate([rows_of[w] for w in wards])
        value, den = _values(table, rows, ward_chart, measure.multiplier)
        frame = {"ward": table.ward_id[rows], "period": table.period_start[rows], "value": value}
        if den is not None:
            frame["den"] = den
        result = analyse_frame(
            frame,
            by="ward",
            value="value",
            denominator="den" if den is not None else None,
            date="period",
            chart=ward_chart,
            improvement=measure.improvement,
            target=measure.target,
            rebase_at={w: [np.datetime64(d, "D") for d in rebases.get(w, [])] for w in wards},
            fix_after=fix_after,
            multiplier=measure.multiplier if ward_chart in DENOMINATOR_CHARTS else 1.0,
            rules="mdc",  # one answer everywhere: the Making Data Count rules on u charts too
        )
        for ward_id in wards:
            r = rows_of[ward_id]
            out[ward_id] = WardAnalysis(
                ward_id=ward_id,
                chart=ward_chart,
                period_start=table.period_start[r],
                numerator=table.numerator[r],
                denominator=table.denominator[r],
                result=result.result(result.index(ward_id)),
                rebase_dates=tuple(rebases.get(ward_id, [])),
                fix_after=fix_after,
            )
    return out


def analyse_measure(
    measure: Measure,
    ward_ids: Sequence[int],
    start: dt.date,
    end: dt.date,
    *,
    chart: str | None = None,
) -> dict[int, WardAnalysis]:
    """The measure's SPC for each ward in ``ward_ids`` over ``start..end``."""
    table = measure_series(measure, ward_ids, start, end)
    fixed = dict(
        FixedBaseline.objects.filter(measure=measure, ward_id__in=ward_ids).values_list(
            "ward_id", "points"
        )
    )
    return analyse_table(
        measure, table, chart=chart, rebases=approved_rebases(measure, ward_ids), fixed=fixed
    )


def analyse_collaborative(
    measure: Measure,
    ward_ids: Sequence[int],
    start: dt.date,
    end: dt.date,
    *,
    chart: str | None = None,
) -> WardAnalysis:
    """The pooled series of all ``ward_ids`` (ward id 0)."""
    table = pooled(measure_series(measure, ward_ids, start, end))
    return analyse_table(measure, table, chart=chart)[0]
