"""Public key statistics: collaborative-level figures with disclosure control (issue 5 item 5).

Shown without signing in on ``/statistics/`` and in the home page's "Key statistics" section.
Only collaborative totals are published, never a ward's figures, and every count goes through
:mod:`mhsip.stats.disclosure` under :data:`mhsip.stats.HES_RULE`, the stricter of the two NHS
rules (counts of 1 to 7 suppressed and shown as ``*``, zero shown, every other count rounded to
the nearest 5; published rates are computed from the rounded counts, the HES convention). A
rate is suppressed when its numerator or the number of people behind it would be, or when it
rests on fewer than 100 occupied bed days (the MHSDS rule for MHS96). A percentage change is
published only when both rates it compares are, worked out from the unrounded figures and
shown to the whole percent.

Definitions (domain brief §2.4): restrictive interventions are distinct (incident, type) pairs
(MHSDS MHS77), their rate is per 1,000 occupied bed days (MHS96), and people are distinct
patients subject to any restrictive intervention (MHS76), counted once over the whole period
and the whole collaborative. Periods with missing bed days or a missing weekly return are left
out of numerator and denominator alike (landscape §3.7).

Periods: the baseline is the weeks starting within the collaborative's baseline; the latest
year is the 52 weeks ending with the last complete week any ward reported, leaving out any
week of the baseline, so the two never overlap.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from mhsip.measures.collaborative import baseline_mask, change_words
from mhsip.measures.freshness import cache_key, cached, data_version, measure_key
from mhsip.measures.models import Denominator, Measure, Period
from mhsip.measures.series import SeriesTable, bucket, measure_series, pooled, week_start
from mhsip.measures.sources import SOURCES
from mhsip.organisations.models import Collaborative
from mhsip.stats import HES_RULE, DisclosureRule, disclose_counts, disclose_rates, percent_change

RULE: DisclosureRule = HES_RULE
LATEST_WEEKS = 52
HEADLINE_SLUG = "restrictive-interventions"


def headline_measure() -> Measure:
    """The library's restrictive-interventions measure, or its MHSDS MHS96 definition."""
    found = Measure.objects.filter(slug=HEADLINE_SLUG).first()
    if found is not None and found.denominator == Denominator.BED_DAYS:
        return found
    return Measure(
        slug=HEADLINE_SLUG,
        name="Restrictive interventions",
        source="interventions",
        denominator=Denominator.BED_DAYS,
        multiplier=1000.0,
        period=Period.WEEK,
    )


@dataclass(frozen=True)
class PeriodFigures:
    """Raw (unpublished) collaborative figures for one period."""

    start: dt.date
    end: dt.date
    interventions: float
    bed_days: float
    people: float

    @property
    def label(self) -> str:
        return f"{self.start:%-d %B %Y} to {self.end:%-d %B %Y}"


@dataclass(frozen=True)
class Published:
    """One published row: the text shown in each column and whether it was suppressed."""

    label: str
    baseline: str
    latest: str
    baseline_suppressed: bool
    latest_suppressed: bool
    kind: str  # "count", "rate" or "wards"


@dataclass(frozen=True)
class KeyStatistics:
    collaborative: Collaborative
    baseline: PeriodFigures
    latest: PeriodFigures
    rows: list[Published]
    change: str  # e.g. "15% lower (95% confidence interval 7% to 23% lower)", or the marker
    change_suppressed: bool
    wards: int
    rule: DisclosureRule

    @property
    def marker(self) -> str:
        return self.rule.marker


def _period_label_end(start: np.datetime64, period: str) -> dt.date:
    if period == Period.MONTH:
        nxt = (start.astype("datetime64[M]") + np.timedelta64(1, "M")).astype("datetime64[D]")
        return (nxt - np.timedelta64(1, "D")).item()
    return (start + np.timedelta64(6, "D")).item()


def _figures(table: SeriesTable, mask: np.ndarray, people_rows: list, period: str) -> PeriodFigures:
    """Totals over the reported periods picked by ``mask`` of the pooled ``table``."""
    ok = mask & ~(np.isnan(table.numerator) | np.isnan(table.denominator))
    starts = table.period_start[ok]
    first, last = table.period_start[np.flatnonzero(mask)[[0, -1]]]
    return PeriodFigures(
        start=first.item(),
        end=_period_label_end(last, period),
        interventions=float(table.numerator[ok].sum()),
        bed_days=float(table.denominator[ok].sum()),
        people=_people(people_rows, starts, period),
    )


def _people(rows: list, reported: np.ndarray, period: str) -> float:
    """Distinct patients subject to any restrictive intervention in the reported periods
    (MHS76), each counted once however many wards or weeks they were restrained in."""
    if not rows or reported.size == 0:
        return 0.0
    days = np.array([d for _, d, _ in rows], dtype="datetime64[D]")
    keep = np.isin(bucket(days, period), reported)
    return float(len({int(p) for (_, _, p), k in zip(rows, keep, strict=True) if k}))


def latest_end(collaborative: Collaborative, today: dt.date) -> dt.date:
    """The last day of the last complete week before ``today`` (or the collaborative's end)."""
    end = week_start(today) - dt.timedelta(days=1)
    if collaborative.end_date is not None:
        end = min(end, collaborative.end_date)
    return end


def key_statistics(collaborative: Collaborative, *, today: dt.date) -> KeyStatistics | None:
    """The published figures, or None until some ward has reported after the baseline.

    Cached under a key holding the data version (:mod:`mhsip.measures.freshness`), so the
    figures are recomputed as soon as new data arrives and never shown stale."""
    ward_ids = sorted(collaborative.wards.values_list("pk", flat=True))
    end = latest_end(collaborative, today)
    if not ward_ids or end <= collaborative.baseline_end:
        return None
    measure = headline_measure()
    key = cache_key(
        "public",
        collaborative.pk,
        collaborative.baseline_start,
        collaborative.baseline_end,
        end,
        measure_key(measure),
        RULE,
        data_version(ward_ids),
    )
    return cached(key, lambda: _compute(collaborative, measure, ward_ids, end))


def _compute(
    collaborative: Collaborative, measure: Measure, ward_ids: list[int], end: dt.date
) -> KeyStatistics | None:
    """One SQL aggregation of the measure over every ward from the baseline to ``end``,
    pooled; one query for the people behind the interventions."""
    table = pooled(measure_series(measure, ward_ids, collaborative.baseline_start, end))
    periods = table.period_start
    reported = ~(np.isnan(table.numerator) | np.isnan(table.denominator))
    base = baseline_mask(periods, collaborative)
    after = reported & ~base & (periods > np.datetime64(collaborative.baseline_end, "D"))
    if not after.any() or not base.any():
        return None
    last = int(np.flatnonzero(after)[-1])
    latest = np.zeros(periods.size, dtype=bool)
    latest[max(0, last - LATEST_WEEKS + 1) : last + 1] = True
    latest &= ~base & (periods > np.datetime64(collaborative.baseline_end, "D"))
    people_rows = SOURCES["people"].fn(ward_ids, collaborative.baseline_start, end, [])
    return publish(
        collaborative,
        _figures(table, base, people_rows, measure.period),
        _figures(table, latest, people_rows, measure.period),
        wards=len(ward_ids),
    )


def publish(
    collaborative: Collaborative,
    baseline: PeriodFigures,
    latest: PeriodFigures,
    *,
    wards: int,
    rule: DisclosureRule = RULE,
) -> KeyStatistics:
    """Apply disclosure control to the raw figures: the only place numbers become text."""
    counts = disclose_counts([baseline.interventions, latest.interventions], rule=rule)
    people = disclose_counts([baseline.people, latest.people], rule=rule)
    rates = disclose_rates(
        [baseline.interventions, latest.interventions],
        [baseline.bed_days, latest.bed_days],
        rule=rule,
        multiplier=1000.0,
        decimals=1,
        people=[baseline.people, latest.people],
    )
    bed_days = disclose_counts([baseline.bed_days, latest.bed_days], rule=rule)
    c_text, p_text, r_text, d_text = (
        [str(v) for v in d.render().tolist()] for d in (counts, people, rates, bed_days)
    )
    rows = [
        Published(
            "Restrictive interventions",
            c_text[0], c_text[1], bool(counts.suppressed[0]), bool(counts.suppressed[1]), "count",
        ),
        Published(
            "Occupied bed days",
            d_text[0], d_text[1], bool(bed_days.suppressed[0]), bool(bed_days.suppressed[1]),
            "count",
        ),
        Published(
            "Restrictive interventions per 1,000 occupied bed days",
            r_text[0], r_text[1], bool(rates.suppressed[0]), bool(rates.suppressed[1]), "rate",
        ),
        Published(
            "People subject to restrictive intervention",
            p_text[0], p_text[1], bool(people.suppressed[0]), bool(people.suppressed[1]), "count",
        ),
    ]  # fmt: skip
    change_suppressed = bool(rates.suppressed.any())
    change = rule.marker
    if not change_suppressed:
        change = describe_change(
            baseline.interventions, baseline.bed_days, latest.interventions, latest.bed_days
        )
    return KeyStatistics(
        collaborative=collaborative,
        baseline=baseline,
        latest=latest,
        rows=rows,
        change=change,
        change_suppressed=change_suppressed,
        wards=wards,
        rule=rule,
    )


def describe_change(b_events: float, b_days: float, l_events: float, l_days: float) -> str:
    """Plain English for a % change in rate with its exact 95% interval, in whole percent."""
    pc = percent_change(b_events, b_days, l_events, l_days)
    return change_words(float(pc.estimate), float(pc.lower), float(pc.upper))
