"""Weekly or monthly series of a measure per ward: SQL aggregation, then numpy arrays.

Missing is never zero (landscape §3.7). A ward-period is *missing* when
- its denominator is unknown: no complete midnight census and no submitted weekly return giving
  occupied bed days; or
- the ward sends weekly returns and the return for a week in the period is not submitted: the
  return is the ward's statement that its incident data for that week is complete.
Wards that send aggregate counts instead of incidents (``WeeklyReturn.incident_level`` False)
take the numerator from the return when the measure maps onto one of its fields.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from mhsip.measures.models import Denominator, Measure, Period
from mhsip.measures.sources import RETURN_FIELD_FOR_CODES, SOURCES
from mhsip.recording.models import WardCensus
from mhsip.returns.models import WeeklyReturn

DAY = np.timedelta64(1, "D")


@dataclass(frozen=True)
class SeriesTable:
    """One row per ward x period, ordered by ward then period. NaN marks missing."""

    ward_id: np.ndarray  # int64
    period_start: np.ndarray  # datetime64[D]
    numerator: np.ndarray  # float64
    denominator: np.ndarray  # float64 (1.0 for counts)

    def __len__(self) -> int:
        return int(self.ward_id.size)


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def period_grid(start: dt.date, end: dt.date, period: str) -> np.ndarray:
    """Period starts (Mondays, or first days of months) covering ``start..end``."""
    if period == Period.WEEK:
        first = np.datetime64(week_start(start), "D")
        last = np.datetime64(week_start(end), "D")
        return np.arange(first, last + DAY, 7 * DAY)
    months = np.arange(np.datetime64(start, "M"), np.datetime64(end, "M") + np.timedelta64(1, "M"))
    return months.astype("datetime64[D]")


def bucket(days: np.ndarray, period: str) -> np.ndarray:
    """The period start of each day (``datetime64[D]``)."""
    if period == Period.WEEK:
        weekday = (days.astype("datetime64[D]").view("int64") - 4) % 7  # 1970-01-01 was a Thu
        return days - weekday * DAY
    return days.astype("datetime64[M]").astype("datetime64[D]")


def _index(
    ward_ids: Sequence[int], grid: np.ndarray, wards: np.ndarray, starts: np.ndarray
) -> np.ndarray:
    """Flat row index of (ward, period start) pairs in the ward-major table; -1 if outside."""
    ward_pos = {w: i for i, w in enumerate(ward_ids)}
    w = np.array([ward_pos.get(int(x), -1) for x in wards], dtype=np.int64)
    p = np.searchsorted(grid, starts)
    ok = (w >= 0) & (p < grid.size)
    ok[ok] &= grid[p[ok]] == starts[ok]
    return np.where(ok, w * grid.size + p, -1)


def _bed_days(ward_ids, grid, period, start, end) -> np.ndarray:
    n = len(ward_ids) * grid.size
    days = np.zeros(n)
    covered = np.zeros(n)
    rows = list(
        WardCensus.objects.filter(ward_id__in=ward_ids, date__gte=start, date__lte=end).values_list(
            "ward_id", "date", "occupied"
        )
    )
    if rows:
        w, d, occ = zip(*rows, strict=True)
        dates = np.array(d, dtype="datetime64[D]")
        idx = _index(ward_ids, grid, np.array(w), bucket(dates, period))
        ok = idx >= 0
        np.add.at(days, idx[ok], np.array(occ, dtype=float)[ok])
        np.add.at(covered, idx[ok], 1.0)
    length = _period_lengths(grid, period, start, end)
    complete = covered == np.tile(length, len(ward_ids))
    result = np.where(complete, days, np.nan)
    if period == Period.WEEK:  # a submitted return can supply weekly bed days
        returns = WeeklyReturn.objects.filter(
            ward_id__in=ward_ids,
            week_start__gte=grid[0].item(),
            week_start__lte=end,
            status="submitted",
            occupied_bed_days__isnull=False,
        ).values_list("ward_id", "week_start", "occupied_bed_days")
        for ward_id, week, value in returns:
            i = _index(
                ward_ids, grid, np.array([ward_id]), np.array([week], dtype="datetime64[D]")
            )[0]
            if i >= 0 and np.isnan(result[i]):
                result[i] = float(value)
    return result


def _period_lengths(grid: np.ndarray, period: str, start: dt.date, end: dt.date) -> np.ndarray:
    """Days of each period that fall inside ``start..end`` (partial first/last periods)."""
    if period == Period.WEEK:
        ends = grid + 7 * DAY
    else:
        ends = (grid.astype("datetime64[M]") + np.timedelta64(1, "M")).astype("datetime64[D]")
    lo = np.maximum(grid, np.datetime64(start, "D"))
    hi = np.minimum(ends, np.datetime64(end, "D") + DAY)
    return (hi - lo).astype(np.int64).astype(float)


def _unreported(ward_ids, grid, period, start, end) -> tuple[np.ndarray, dict]:
    """Rows whose weekly return is missing (for wards that send returns), and the submitted
    aggregate returns of wards without incident-level data, keyed by flat row index."""
    n = len(ward_ids) * grid.size
    unreported = np.zeros(n, dtype=bool)
    aggregate: dict[int, list[WeeklyReturn]] = {}
    users = set(WeeklyReturn.objects.filter(ward_id__in=ward_ids).values_list("ward_id", flat=True))
    if not users:
        return unreported, aggregate
    weeks = period_grid(start, end, Period.WEEK)
    submitted = {
        (r.ward_id, np.datetime64(r.week_start, "D")): r
        for r in WeeklyReturn.objects.filter(
            ward_id__in=users,
            week_start__gte=weeks[0].item(),
            week_start__lte=end,
            status="submitted",
        )
    }
    for ward_id in users:
        for week in weeks:
            ret = submitted.get((ward_id, week))
            row = _index(ward_ids, grid, np.array([ward_id]), bucket(np.array([week]), period))[0]
            if row < 0:
                continue
            if ret is None:
                unreported[row] = True
            elif not ret.incident_level:
                aggregate.setdefault(int(row), []).append(ret)
    return unreported, aggregate


def measure_series(
    measure: Measure, ward_ids: Sequence[int], start: dt.date, end: dt.date
) -> SeriesTable:
    """The measure's numerator and denominator for each ward and period in ``start..end``."""
    ward_ids = list(ward_ids)
    grid = period_grid(start, end, measure.period)
    n = len(ward_ids) * grid.size
    source = SOURCES[measure.source]
    codes = list(measure.type_codes or [])
    numerator = np.zeros(n)
    rows = source.fn(ward_ids, start, end, codes)
    if rows:
        w, d, v = zip(*rows, strict=True)
        idx = _index(
            ward_ids, grid, np.array(w), bucket(np.array(d, dtype="datetime64[D]"), measure.period)
        )
        ok = idx >= 0
        if source.distinct_people:  # v holds patient ids: count distinct per row
            pairs = np.unique(np.stack([idx[ok], np.array(v)[ok].astype(np.int64)]), axis=1)
            np.add.at(numerator, pairs[0], 1.0)
        else:
            np.add.at(numerator, idx[ok], np.array(v, dtype=float)[ok])
    unreported, aggregate = _unreported(ward_ids, grid, measure.period, start, end)
    field = RETURN_FIELD_FOR_CODES.get(frozenset(codes)) if codes else source.return_field
    for row, returns in aggregate.items():
        values = [getattr(r, field) for r in returns] if field else [None]
        numerator[row] = np.nan if any(v is None for v in values) else float(sum(values))
    numerator[unreported] = np.nan
    if measure.denominator == Denominator.BED_DAYS:
        denominator = _bed_days(ward_ids, grid, measure.period, start, end)
    elif measure.denominator == Denominator.INCIDENTS:
        incidents = measure_series(
            Measure(source="incidents", denominator=Denominator.NONE, period=measure.period),
            ward_ids,
            start,
            end,
        )
        denominator = incidents.numerator
    else:
        denominator = np.ones(n)
    missing = np.isnan(denominator)
    numerator[missing] = np.nan
    return SeriesTable(
        ward_id=np.repeat(np.array(ward_ids, dtype=np.int64), grid.size),
        period_start=np.tile(grid, len(ward_ids)),
        numerator=numerator,
        denominator=denominator,
    )


def pooled(table: SeriesTable) -> SeriesTable:
    """The collaborative total: numerators and denominators summed over the wards reporting in
    each period (a rate over reporting wards is unbiased; a period with no ward is missing)."""
    periods = np.unique(table.period_start)
    pos = np.searchsorted(periods, table.period_start)
    ok = ~(np.isnan(table.numerator) | np.isnan(table.denominator))
    num = np.zeros(periods.size)
    den = np.zeros(periods.size)
    np.add.at(num, pos[ok], table.numerator[ok])
    np.add.at(den, pos[ok], table.denominator[ok])
    reporting = np.zeros(periods.size)
    np.add.at(reporting, pos[ok], 1.0)
    num[reporting == 0] = np.nan
    den[reporting == 0] = np.nan
    return SeriesTable(
        ward_id=np.zeros(periods.size, dtype=np.int64),
        period_start=periods,
        numerator=num,
        denominator=den,
    )


__all__ = ["SeriesTable", "bucket", "measure_series", "period_grid", "pooled", "week_start"]
