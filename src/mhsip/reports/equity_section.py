"""The annual report's equity section: restrictive interventions by ethnic group, sex and other
recorded characteristics, from the equity module (:mod:`mhsip.equity`, built alongside).

This module only *calls* the equity module's functions (``mhsip.equity.frames.load_frame``,
``mhsip.equity.compute.group_statistics``, ``mhsip.equity.characteristics.characteristic``) and
publishes their results through the report's :class:`~mhsip.reports.figures.Publisher`. If the
equity module is not installed yet, or its functions fail, the section says plainly that the
equity analysis is not available, and why, rather than leaving it out silently.

What is published per group (domain brief §5.2): occupied bed days of patients in the group
(the within-service denominator, labelled as such), restrictive interventions (MHSDS MHS77),
the rate per 1,000 occupied bed days (suppressed when the interventions or the people behind
them would be, or under 100 bed days), and the rate ratio against the reference group with its
95% interval (a statistic, shown only when both rates compared are published).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from mhsip.reports.figures import Figure, Publisher

logger = logging.getLogger(__name__)

CHARACTERISTICS = ("ethnicity", "sex", "age_band", "learning_disability", "autism")
NOT_AVAILABLE = (
    "The equity analysis is not available yet: the equity module that computes rates and rate "
    "ratios by characteristic has not been installed in this service."
)


@dataclass(frozen=True)
class EquityRow:
    label: str
    bed_days: Figure
    interventions: Figure
    rate: Figure
    ratio: Figure
    interval: Figure
    is_reference: bool


@dataclass(frozen=True)
class EquityTable:
    key: str
    label: str
    reference: str
    rows: list[EquityRow]
    total_bed_days: Figure
    total_interventions: Figure
    note: str = ""


@dataclass
class EquitySection:
    available: bool
    message: str = ""
    tables: list[EquityTable] = field(default_factory=list)
    denominator: str = (
        "Within-service denominator: occupied bed days of patients in each group, from their "
        "stays (midnight count)."
    )


def _interval(lo: float, hi: float, publisher: Publisher) -> Figure:
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return publisher.text("Not available")
    return Figure(f"{lo:.2f} to {hi:.2f}", "statistic")


def _table(stats: object, publisher: Publisher) -> EquityTable:
    s = stats  # mhsip.equity.compute.GroupStatistics
    groups: Sequence[str] = s.groups  # type: ignore[attr-defined]
    c = s.characteristic  # type: ignore[attr-defined]
    beds = publisher.counts([float(v) for v in s.bed_days])  # type: ignore[attr-defined]
    events = publisher.counts([float(v) for v in s.interventions])  # type: ignore[attr-defined]
    rates = [
        publisher.rate(
            float(s.interventions[i]),  # type: ignore[attr-defined]
            float(s.bed_days[i]),  # type: ignore[attr-defined]
            people=float(s.people_restrained[i]),  # type: ignore[attr-defined]
            hidden=events[i].suppressed or beds[i].suppressed,
        )
        for i in range(len(groups))
    ]
    ref = groups.index(s.reference)  # type: ignore[attr-defined]
    rows = []
    for i, key in enumerate(groups):
        published = rates[i].shown and rates[ref].shown
        if i == ref:
            ratio, interval = publisher.text("1 (reference)"), publisher.text("")
        elif float(s.bed_days[i]) <= 0:  # type: ignore[attr-defined]
            ratio = interval = publisher.text("Not available")
        elif published:
            ratio = publisher.statistic(float(s.ratio[i]), decimals=2)  # type: ignore[attr-defined]
            interval = _interval(
                float(s.ratio_lower[i]),  # type: ignore[attr-defined]
                float(s.ratio_upper[i]),  # type: ignore[attr-defined]
                publisher,
            )
        else:
            ratio = Figure(publisher.marker, "statistic", True)
            interval = Figure(publisher.marker, "statistic", True)
        rows.append(
            EquityRow(c.group_label(key), beds[i], events[i], rates[i], ratio, interval, i == ref)
        )
    return EquityTable(
        key=c.key,
        label=c.label,
        reference=c.group_label(s.reference),  # type: ignore[attr-defined]
        rows=rows,
        total_bed_days=beds[-1],
        total_interventions=events[-1],
        note=c.note,
    )


def equity_section(
    ward_ids: Sequence[int], start: dt.date, end: dt.date, publisher: Publisher
) -> EquitySection:
    """The equity tables for ``ward_ids`` over ``start..end``, or the reason there are none."""
    try:
        from mhsip.equity.characteristics import characteristic
        from mhsip.equity.compute import group_statistics
        from mhsip.equity.frames import load_frame
    except ImportError:
        return EquitySection(available=False, message=NOT_AVAILABLE)
    tables = []
    try:
        for key in CHARACTERISTICS:
            c = characteristic(key)
            stats = group_statistics(load_frame(list(ward_ids), start, end, c), c)
            tables.append(_table(stats, publisher))
    except Exception:  # the module is being built: say so rather than fail the whole report
        logger.exception("The equity module failed while building a report")
        return EquitySection(
            available=False,
            message="The equity analysis is not available yet: the equity module could not "
            "compute it for this period. The problem has been logged for the service team.",
        )
    return EquitySection(available=True, tables=tables)


__all__ = ["EquitySection", "EquityTable", "equity_section"]
