"""Rare-event charts: how much time, or how many occupied bed days, passed between events.

When most weeks have no event, a rate chart's centre line sits near zero and its limits say
little (docs/spc.md, "Rules of thumb"). Rare-event charts plot the gap *between* events instead
(landscape brief §3.4, §4.7):

* **t chart** (:func:`mhsip.spc.analyse` ``chart="t"``, qicharts2 ``qic.t``): days between
  consecutive events, from their recorded times. Times must be positive, so two events
  recorded at the same minute are one minute apart.
* **g chart** (``chart="g"``, qicharts2 ``qic.g``): occupied bed days between consecutive
  events (the opportunities for an event), from the midnight census: the bed days of the days
  after the previous event's day up to and including this event's day, so events on the same
  day are 0 apart. A gap that spans a day without a complete census is *missing*, never a
  guess.

Both charts use the **event order** for the x axis (event 2, 3, ...): each event is its own
point, so events on the same day are never merged into one subgroup (the qicharts2 G-chart
problem, anhoej/qicharts2#47). The first event has no gap before it within the range and is
not plotted. A longer gap is fewer events, so for AWOL higher is better; for sexual safety the
direction is left neutral, because more reporting can mean a safer culture (CQC 2018, brief §6).
With fewer than 13 gaps the chart is a run chart (Making Data Count minimum for limits).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Count, Sum
from django.utils import timezone

from mhsip.measures.charts import COLOURS, FONT, LINE, POINT_LABELS, SCHEMA, SHAPES, TEXT
from mhsip.organisations.models import Ward
from mhsip.recording.models import WardCensus
from mhsip.spc import SPCResult, analyse

MIN_POINTS_FOR_LIMITS = 13
MINUTE = 1 / (24 * 60)
CHART_NAMES = {"g": "g chart", "t": "t chart", "run": "Run chart"}


@dataclass(frozen=True)
class RareEventChart:
    """One rare-event chart: the gaps, their SPC and their meaning."""

    kind: str  # "g" or "t": what is measured (bed days or days between)
    chart: str  # "g", "t" or "run" (too few gaps for limits)
    noun: str  # "sexual-safety incident"
    subject: str
    events: tuple[dt.datetime, ...]
    values: np.ndarray  # one per gap: len(events) - 1
    result: SPCResult | None
    improvement: str

    @property
    def unit(self) -> str:
        return "occupied bed days" if self.kind == "g" else "days"

    @property
    def title(self) -> str:
        between = "Occupied bed days" if self.kind == "g" else "Days"
        return f"{between} between {self.noun}s"

    @property
    def chart_label(self) -> str:
        return CHART_NAMES[self.chart]

    @property
    def gaps(self) -> int:
        return int(self.values.size)


def days_between(times: Sequence[dt.datetime]) -> np.ndarray:
    """Days between consecutive times (at least one minute)."""
    if len(times) < 2:
        return np.zeros(0)
    seconds = np.diff(np.array([t.timestamp() for t in times], dtype=float))
    return np.maximum(seconds / 86400.0, MINUTE)


def daily_bed_days(wards: Sequence[Ward], start: dt.date, end: dt.date) -> dict[dt.date, float]:
    """Occupied beds at midnight summed over ``wards`` for each day with a complete census
    (every ward open that day counted); days without are left out (missing)."""
    sums = {
        row["date"]: (float(row["total"]), row["n"])
        for row in WardCensus.objects.filter(ward__in=list(wards), date__gte=start, date__lte=end)
        .values("date")
        .annotate(total=Sum("occupied"), n=Count("id"))
    }
    out: dict[dt.date, float] = {}
    day = start
    while day <= end:
        expected = sum(
            1 for w in wards if w.active_from <= day and (w.active_to is None or day <= w.active_to)
        )
        got = sums.get(day)
        if got is not None and got[1] >= expected:
            out[day] = got[0]
        day += dt.timedelta(days=1)
    return out


def bed_days_between(wards: Sequence[Ward], times: Sequence[dt.datetime]) -> np.ndarray:
    """Occupied bed days between consecutive events (see the module notes); NaN when a day in
    the gap has no complete census."""
    if len(times) < 2:
        return np.zeros(0)
    days = [timezone.localtime(t).date() for t in times]
    census = daily_bed_days(wards, days[0] + dt.timedelta(days=1), days[-1])
    out = np.zeros(len(days) - 1)
    for i in range(1, len(days)):
        total = 0.0
        day = days[i - 1] + dt.timedelta(days=1)
        while day <= days[i]:
            if day not in census:
                total = float("nan")
                break
            total += census[day]
            day += dt.timedelta(days=1)
        out[i - 1] = total
    return out


def rare_event_chart(
    kind: str,
    times: Sequence[dt.datetime],
    *,
    wards: Sequence[Ward],
    noun: str,
    subject: str,
    improvement: str,
) -> RareEventChart:
    """The g (bed days between) or t (days between) chart of events at ``times``."""
    times = sorted(times)
    values = bed_days_between(wards, times) if kind == "g" else days_between(times)
    present = int(np.count_nonzero(~np.isnan(values)))
    chart = kind if present >= MIN_POINTS_FOR_LIMITS else "run"
    result = None
    if present >= 1:
        result = analyse(values, chart=chart, improvement=improvement)
    return RareEventChart(
        kind=kind,
        chart=chart,
        noun=noun,
        subject=subject,
        events=tuple(times),
        values=values,
        result=result,
        improvement=improvement,
    )


# --- the table and the spec -----------------------------------------------------------------


def _num(v: Any) -> float | None:
    f = float(v)
    return None if np.isnan(f) or np.isinf(f) else round(f, 4) + 0.0


def _when(t: dt.datetime) -> str:
    local = timezone.localtime(t)
    return f"{local.day} {local:%b %Y}"


def point_rows(c: RareEventChart) -> list[dict[str, Any]]:
    """One row per gap (event 2 onwards), in event order."""
    rows: list[dict[str, Any]] = []
    if c.result is None:
        return rows
    r = c.result
    decimals = 0 if c.kind == "g" else 1
    for i in range(c.gaps):
        value = _num(r.y[i])
        point_type = str(r.point_type[i])
        special = bool(r.special_cause[i]) and value is not None
        label = "Missing" if value is None else POINT_LABELS.get(point_type, point_type)
        gap = "no complete census" if value is None else f"{value:,.{decimals}f} {c.unit}"
        why = str(r.explanation[i]) if value is not None else "Missing: no complete census"
        rows.append(
            {
                "event": i + 2,
                "date": timezone.localtime(c.events[i + 1]).date().isoformat(),
                "label": _when(c.events[i + 1]),
                "value": value,
                "centre": _num(r.centre[i]),
                "lower": _num(r.lower[i]),
                "upper": _num(r.upper[i]),
                "type": label,
                "special": special,
                "why": why,
                "aria": f"Event {i + 2}, {_when(c.events[i + 1])}: {gap} since the previous one. "
                f"{label}. {why}",
            }
        )
    return rows


def describe(c: RareEventChart) -> str:
    rows = point_rows(c)
    if not rows:
        return f"Fewer than two {c.noun}s in this range: nothing to chart."
    present = [r for r in rows if r["value"] is not None]
    text = (
        f"{c.chart_label} of the {c.unit} between {c.noun}s"
        + (f" for {c.subject}" if c.subject else "")
        + f": {len(rows)} gaps between events {rows[0]['event'] - 1} and {rows[-1]['event']}"
        + f" ({_when(c.events[0])} to {_when(c.events[-1])})."
    )
    if c.chart != "run" and present and present[0]["centre"] is not None:
        decimals = 0 if c.kind == "g" else 1
        text += f" Centre line (median) {present[0]['centre']:,.{decimals}f} {c.unit}."
    specials = sum(1 for r in rows if r["special"])
    if specials:
        text += f" {specials} special-cause {'gap' if specials == 1 else 'gaps'}."
    return text


def _domain(improvement: str) -> list[str]:
    if improvement == "neutral":
        return ["common_cause", "special_cause_neutral_high", "special_cause_neutral_low"]
    return ["common_cause", "special_cause_improvement", "special_cause_concern"]


def spec(c: RareEventChart, *, width: int = 760, height: int = 220) -> dict[str, Any]:
    """A Vega-Lite spec in the measures charts' style (colours and shapes per point type,
    step lines for the centre and limits), with the event number on the x axis."""
    rows = point_rows(c)
    x = {
        "field": "event",
        "type": "quantitative",
        "title": f"{c.noun[0].upper()}{c.noun[1:]} number (in time order)",
        "axis": {"format": "d", "tickMinStep": 1},
        "scale": {"zero": False, "nice": False},
    }
    y_title = "Occupied bed days between" if c.kind == "g" else "Days between"

    def step(field: str, dash: list[int] | None) -> dict[str, Any]:
        mark: dict[str, Any] = {
            "type": "line",
            "interpolate": "step-after",
            "color": LINE,
            "strokeWidth": 1.2,
            "aria": False,
        }
        if dash:
            mark["strokeDash"] = dash
        return {"mark": mark, "encoding": {"x": x, "y": {"field": field, "type": "quantitative"}}}

    keys = _domain(c.improvement)
    labels = [POINT_LABELS[k] for k in keys]
    legend = {"title": None, "orient": "bottom", "direction": "horizontal"}
    layers: list[dict[str, Any]] = []
    if c.chart != "run":
        layers += [step("upper", [5, 3]), step("lower", [5, 3])]
    layers.append(step("centre", None))
    layers.append(
        {
            "mark": {"type": "line", "color": LINE, "strokeWidth": 1, "aria": False},
            "encoding": {"x": x, "y": {"field": "value", "type": "quantitative"}},
        }
    )
    layers.append(
        {
            "transform": [{"filter": "datum.value !== null"}],
            "mark": {"type": "point", "filled": True, "opacity": 1, "stroke": TEXT,
                     "strokeWidth": 0.8},
            "encoding": {
                "x": x,
                "y": {"field": "value", "type": "quantitative", "title": y_title},
                "color": {
                    "field": "type",
                    "type": "nominal",
                    "scale": {"domain": labels, "range": [COLOURS[k] for k in keys]},
                    "legend": legend,
                },
                "shape": {
                    "field": "type",
                    "type": "nominal",
                    "scale": {"domain": labels, "range": [SHAPES[k] for k in keys]},
                    "legend": legend,
                },
                "size": {"condition": {"test": "datum.special", "value": 90}, "value": 36},
                "description": {"field": "aria", "type": "nominal"},
            },
        }
    )  # fmt: skip
    return {
        "$schema": SCHEMA,
        "title": {
            "text": c.title,
            "subtitle": " · ".join(p for p in [c.chart_label, c.subject] if p),
            "anchor": "start",
        },
        "description": describe(c),
        "width": width,
        "height": height,
        "autosize": {"type": "pad"},
        "data": {"values": rows},
        "layer": layers,
        "config": {
            "font": FONT,
            "view": {"stroke": None},
            "title": {"fontSize": 15, "subtitleFontSize": 12, "color": TEXT, "subtitleColor": LINE},
            "axis": {
                "labelColor": TEXT,
                "titleColor": TEXT,
                "labelFontSize": 11,
                "titleFontSize": 12,
                "gridColor": "#e8edee",
                "domainColor": LINE,
                "tickColor": LINE,
            },
            "axisY": {"title": y_title},
            "legend": {"labelColor": TEXT, "labelFontSize": 11},
        },
    }


__all__ = [
    "RareEventChart",
    "bed_days_between",
    "daily_bed_days",
    "days_between",
    "describe",
    "point_rows",
    "rare_event_chart",
    "spec",
]
