"""The Study step of a PDSA cycle: the linked measures' charts for the ward and the special-cause
signals that followed the cycle's start (issue 6 item 4; domain brief §8.1 "compare the data
with the predictions", §8.5 special-cause rules).

The charts are the ward measure pages' own (:func:`mhsip.measures.dashboard.ward_blocks` over
:func:`~mhsip.measures.dashboard.default_range`: the collaborative's baseline to the latest
data, whole periods only), drawn by the shared partial ``measures/_chart.html``, so the
cycle's page and the ward's measure page give one answer. Their annotations come from the
structured log, where :func:`mhsip.improvement.services.sync_annotations` has put the cycle's
start and end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from mhsip.improvement.models import PdsaCycle
from mhsip.measures import dashboard
from mhsip.measures.analysis import WardAnalysis
from mhsip.measures.charts import ChartBlock, period_label
from mhsip.measures.models import Measure
from mhsip.measures.series import bucket


@dataclass(frozen=True)
class Signal:
    """A special-cause point in a period from the cycle's start on."""

    period: str
    start: dt.date
    kind: str  # "improvement", "concern" or "neutral"
    explanation: str

    @property
    def kind_label(self) -> str:
        return {"improvement": "Improvement", "concern": "Concern"}.get(
            self.kind, "Special cause (no direction)"
        )


@dataclass(frozen=True)
class MeasureStudy:
    measure: Measure
    block: ChartBlock | None  # None: no data for this ward in the range yet
    signals: tuple[Signal, ...]
    runs_signal: bool = False  # the latest limits period shows non-random runs (Anhøj)


def _kind(point_type: str) -> str:
    if point_type.endswith("improvement"):
        return "improvement"
    if point_type.endswith("concern"):
        return "concern"
    return "neutral"


def signals_after(analysis: WardAnalysis, start: dt.date, period: str) -> tuple[Signal, ...]:
    """Special-cause points in periods from the one containing ``start``, in time order."""
    starts = np.asarray(analysis.period_start, dtype="datetime64[D]")
    first = bucket(np.array([start], dtype="datetime64[D]"), period)[0]
    r = analysis.result
    flagged = (starts >= first) & np.asarray(r.special_cause, bool) & ~np.isnan(r.y)
    out = []
    for i in np.flatnonzero(flagged).tolist():
        day = starts[i].item()
        kind = _kind(str(r.point_type[i]))
        out.append(Signal(period_label(day, period), day, kind, str(r.explanation[i])))
    return tuple(out)


def study(cycle: PdsaCycle, measures: Sequence[Measure], today: dt.date) -> list[MeasureStudy]:
    """A chart block and the signals after the start for each of ``measures`` on the ward."""
    ward = cycle.ward
    if dashboard.latest_data(ward) is None:  # no census or return yet: nothing to chart
        return [MeasureStudy(measure, None, ()) for measure in measures]
    blocks = {
        b.measure.pk: b
        for b in dashboard.ward_blocks(
            ward, measures, dashboard.default_range(ward, today), chart=None, query=""
        )
    }
    out = []
    for measure in measures:
        block = blocks.get(measure.pk)
        if block is None or block.analysis.points == 0:
            out.append(MeasureStudy(measure, None, ()))
            continue
        signals = signals_after(block.analysis, cycle.start_date, measure.period)
        runs = np.asarray(block.analysis.result.runs_signal, bool)
        out.append(MeasureStudy(measure, block, signals, bool(runs.size and runs[-1])))
    return out
