"""One Vega-Lite spec per SPC chart, built in Python from a :class:`WardAnalysis`.

The same spec is drawn in the browser by vega-embed (``static/measures/charts.mjs``) and on the
server by vl-convert-python (:func:`render_svg`, :func:`render_png`: downloads, PDF reports and
pages without JavaScript), so the two can never disagree (issue 5; landscape §3.1 "one SPC
answer everywhere").

What the chart shows (landscape §3):

* the values as a line with points; a missing period is a *gap* in the line and a grey band,
  never a zero (§3.7);
* centre line and 3-sigma limits as step lines per period, broken at each rebase, with the label
  "Limits recalculated" (§3.2, §3.5);
* points in the Making Data Count palette *and* with a shape per point type, so colour never
  carries meaning alone (WCAG 2.2 1.4.1), with a legend;
* a tooltip on every point with the period, value, numerator, denominator, limits and the
  plain-English reason it is (or is not) flagged (§3.8); the same text is each point's
  ``aria-label`` (Vega's ``description`` channel);
* annotations from the structured log (:class:`~mhsip.measures.models.Annotation`, the
  collaborative's learning sessions) as vertical rules with short labels (§3.2);
* the target as a dashed line when the measure has one.

Point colours are NHSRplotthedots 0.2.2 ``ptd_spc_colours()`` (``R/ptd_spc_colours.R``; its NEWS
says the 0.2.2 colours were "standardised with the MDC team PowerBI team", issue #196):
common cause ``#a6a6a6``, improvement ``#00b0f0``, concern ``#e46c0a``, neutral ``#490092``,
target ``#de1b1b``. Points get a dark outline so that even the light grey and blue keep a 3:1
contrast against the white background (WCAG 2.2 1.4.11).

The spec is deterministic (same input, same JSON text) and JSON-serialisable (no NaN: missing
numbers are ``null``). The data is inline (``data.values``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

import numpy as np
from markupsafe import Markup

from mhsip.measures.analysis import WardAnalysis
from mhsip.measures.icons import Icons, icons_for, summary_line
from mhsip.measures.models import Annotation, AnnotationKind, Chart, Denominator, Measure, Period
from mhsip.measures.sources import SOURCES

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
FONT = "Arial, 'Liberation Sans', Helvetica, sans-serif"
SERVER_WIDTH = 760
"""Width in pixels for server rendering (the browser fills its container)."""

COLOURS = {
    "common_cause": "#a6a6a6",
    "special_cause_improvement": "#00b0f0",
    "special_cause_concern": "#e46c0a",
    "special_cause_neutral_high": "#490092",
    "special_cause_neutral_low": "#490092",
}
"""Making Data Count point colours (NHSRplotthedots 0.2.2 ``ptd_spc_colours``)."""
TARGET_COLOUR = "#de1b1b"  # ptd_spc_colours(target=)
TEXT = "#212b32"  # NHS.UK text colour
LINE = "#4c6272"  # NHS.UK grey 1: value line, limits, annotations (6.4:1 on white)
MISSING_FILL = "#d8dde0"  # NHS.UK grey 4

SHAPES = {
    "common_cause": "circle",
    "special_cause_improvement": "diamond",
    "special_cause_concern": "square",
    "special_cause_neutral_high": "triangle-up",
    "special_cause_neutral_low": "triangle-down",
}
"""A distinct shape per point type, so the meaning never rests on colour alone."""

POINT_LABELS = {
    "common_cause": "Common cause",
    "special_cause_improvement": "Special cause: improvement",
    "special_cause_concern": "Special cause: concern",
    "special_cause_neutral_high": "Special cause: high",
    "special_cause_neutral_low": "Special cause: low",
}
MISSING_LABEL = "Missing"
MISSING_WHY = "Missing: no data for this period (not a zero)"
LIMITS_RECALCULATED = "Limits recalculated"

ANNOTATION_LABEL_CHARS = 22
ANNOTATION_LANES = 4
NOMINAL_PLOT_WIDTH = 700  # pixels: about the plot's width in the page and on the server
LABEL_CHAR_PIXELS = 5.4  # average width of a 10px Arial character


@dataclass(frozen=True)
class ChartAnnotation:
    """A dated note drawn on a chart as a vertical rule with a short label."""

    date: dt.date
    label: str
    kind: str
    link: str = ""

    @property
    def safe_link(self) -> str:
        """The link if it is a site path or an http(s) address (never ``javascript:``)."""
        link = self.link.strip()
        if link.startswith(("https://", "http://")) or (
            link.startswith("/") and not link.startswith("//")
        ):
            return link
        return ""

    @property
    def kind_label(self) -> str:
        try:
            return str(AnnotationKind(self.kind).label)
        except ValueError:
            return self.kind.replace("_", " ").capitalize()

    @property
    def kind_in_sentence(self) -> str:
        return in_sentence(self.kind_label)


def annotations_by_measure(
    measures: Sequence[Measure],
    *,
    ward_ids: Sequence[int] = (),
    collaborative_ids: Sequence[int] = (),
    start: dt.date,
    end: dt.date,
) -> dict[int, list[ChartAnnotation]]:
    """Annotations for charts of each of ``measures`` (by measure id), in two queries: the
    notes of the wards in ``ward_ids`` and the collaborative-wide ones (no ward), for that
    measure or every measure, plus the learning sessions of the collaboratives in
    ``collaborative_ids``, dated ``start..end``.

    For a collaborative chart pass no ``ward_ids``: only collaborative-wide notes are shown.
    """
    from django.db.models import Q

    from mhsip.organisations.models import LearningSession

    ids = [m.pk for m in measures]
    notes = list(
        Annotation.objects.filter(
            Q(ward_id__in=list(ward_ids)) | Q(ward__isnull=True),
            Q(measure_id__in=ids) | Q(measure__isnull=True),
            date__gte=start,
            date__lte=end,
        ).order_by("date", "id")
    )
    sessions = [
        ChartAnnotation(
            s.date, f"Learning session {s.number}: {s.title}", AnnotationKind.LEARNING_SESSION
        )
        for s in LearningSession.objects.filter(
            collaborative_id__in=list(collaborative_ids), date__gte=start, date__lte=end
        ).order_by("date", "number")
    ]
    out: dict[int, list[ChartAnnotation]] = {}
    for measure_id in ids:
        mine = [
            ChartAnnotation(a.date, a.label, a.kind, a.link)
            for a in notes
            if a.measure_id is None or a.measure_id == measure_id
        ]
        out[measure_id] = sorted(mine + sessions, key=lambda a: (a.date, a.kind, a.label))
    return out


def annotations_for(
    measure: Measure,
    *,
    ward_ids: Sequence[int] = (),
    collaborative_ids: Sequence[int] = (),
    start: dt.date,
    end: dt.date,
) -> list[ChartAnnotation]:
    """Annotations for a chart of one measure (see :func:`annotations_by_measure`)."""
    return annotations_by_measure(
        [measure],
        ward_ids=ward_ids,
        collaborative_ids=collaborative_ids,
        start=start,
        end=end,
    )[measure.pk]


# --- numbers -------------------------------------------------------------------------------


def num(value: Any) -> float | None:
    """A finite float rounded to 6 decimals (stable JSON), or ``None`` for missing."""
    if value is None:
        return None
    v = float(value)
    if not np.isfinite(v):
        return None
    return round(v, 6) + 0.0  # + 0.0 turns -0.0 into 0.0


_num = num  # the name other modules import


def _is_integral(values: np.ndarray) -> bool:
    finite = values[np.isfinite(values)]
    return bool(finite.size == 0 or np.all(np.abs(finite - np.round(finite)) < 1e-9))


@dataclass(frozen=True)
class NumberFormat:
    """The number of decimals for the plotted values and the centre line and limits, used for
    tooltips (as a d3 format) and tables (Python) alike, so both print the same digits."""

    value_decimals: int
    stat_decimals: int

    @property
    def value_d3(self) -> str:
        return f",.{self.value_decimals}f"

    @property
    def stat_d3(self) -> str:
        return f",.{self.stat_decimals}f"

    def value(self, v: float | None) -> str:
        return "" if v is None else f"{v:,.{self.value_decimals}f}"

    def stat(self, v: float | None) -> str:
        return "" if v is None else f"{v:,.{self.stat_decimals}f}"


def number_format(analysis: WardAnalysis) -> NumberFormat:
    r = analysis.result
    stats = np.concatenate([np.asarray(r.y, float), np.asarray(r.centre, float)])
    finite = np.abs(stats[np.isfinite(stats)])
    big = finite.size > 0 and float(np.max(finite)) >= 10
    if _is_integral(np.asarray(r.y, float)):
        return NumberFormat(0, 1 if big else 2)
    return NumberFormat(1 if big else 2, 1 if big else 2)


def count_decimals(values: np.ndarray) -> int:
    return 0 if _is_integral(values) else 1


# --- data rows -----------------------------------------------------------------------------


def _dates(analysis: WardAnalysis) -> list[dt.date]:
    return [d.item() for d in np.asarray(analysis.period_start, dtype="datetime64[D]")]


def period_end(start: dt.date, period: str) -> dt.date:
    """The first day after the period starting ``start``."""
    if period == Period.MONTH:
        return dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return start + dt.timedelta(days=7)


def period_label(start: dt.date, period: str) -> str:
    """'6 Jan 2025' for a week (beginning), 'Jan 2025' for a month."""
    if period == Period.MONTH:
        return f"{start:%b %Y}"
    return f"{start.day} {start:%b %Y}"


def period_title(period: str) -> str:
    return "Month" if period == Period.MONTH else "Week beginning"


def _plain(values: Any) -> list[float | None]:
    """Floats rounded to 6 decimals (stable JSON), NaN and infinities as ``None``."""
    arr = np.asarray(values, dtype=float)
    out: list[float | None] = (np.round(arr, 6) + 0.0).tolist()  # + 0.0: no -0.0
    bad = ~np.isfinite(arr)
    if bad.any():
        for i in np.flatnonzero(bad).tolist():
            out[i] = None
    return out


def point_rows(analysis: WardAnalysis, measure: Measure) -> list[dict[str, Any]]:
    """One JSON-ready row per period, in time order: the chart's ``data.values``.

    Missing periods keep their row with ``value`` null (never 0), ``type`` "Missing" and
    ``end`` (the next period's start, for the grey band over the gap).
    """
    r = analysis.result
    dates = _dates(analysis)
    n = len(dates)
    values = _plain(r.y)
    numerators = _plain(analysis.numerator)
    denominators = (
        _plain(analysis.denominator) if measure.denominator != Denominator.NONE else [None] * n
    )
    centres, lowers, uppers = _plain(r.centre), _plain(r.lower), _plain(r.upper)
    segments = np.asarray(r.period).tolist()
    specials = np.asarray(r.special_cause, dtype=bool).tolist()
    types = r.point_type.tolist()
    explanations = r.explanation.tolist()
    rows = []
    for i, start in enumerate(dates):
        value = values[i]
        special = specials[i] and value is not None
        if value is None:
            label, why = MISSING_LABEL, MISSING_WHY
        else:
            label = POINT_LABELS.get(types[i], str(types[i]))
            why = f"{label}. {explanations[i]}" if special else str(explanations[i])
        row = {
            "date": start.isoformat(),
            "label": period_label(start, measure.period),
            "value": value,
            "numerator": numerators[i],
            "denominator": denominators[i],
            "centre": centres[i],
            "lower": lowers[i],
            "upper": uppers[i],
            "segment": segments[i],
            "type": label,
            "special": special,
            "why": why,
        }
        if value is None:
            row["end"] = period_end(start, measure.period).isoformat()
        rows.append(row)
    return rows


def rebase_starts(analysis: WardAnalysis) -> list[dt.date]:
    """First period of each new set of limits (where the engine's ``period`` steps up)."""
    period = np.asarray(analysis.result.period)
    dates = _dates(analysis)
    return [dates[i] for i in range(1, period.size) if period[i] != period[i - 1]]


def chart_annotations(
    annotations: Iterable[ChartAnnotation], analysis: WardAnalysis
) -> list[ChartAnnotation]:
    """The notes a chart shows: ``annotations`` within its periods, plus "Limits recalculated"
    at each rebase that has no rebase note of its own, in date order."""
    dates = _dates(analysis)
    if not dates:
        return []
    notes = [a for a in annotations if dates[0] <= a.date <= dates[-1]]
    noted = {a.date for a in notes if a.kind == AnnotationKind.REBASE}
    notes += [
        ChartAnnotation(day, LIMITS_RECALCULATED, AnnotationKind.REBASE)
        for day in rebase_starts(analysis)
        if day not in noted
    ]
    return sorted(notes, key=lambda a: (a.date, a.kind, a.label))


def _annotation_rows(
    notes: Sequence[ChartAnnotation], first: dt.date, last: dt.date
) -> list[dict[str, Any]]:
    """Rows for the annotation layer. Labels are placed greedily in up to
    :data:`ANNOTATION_LANES` lanes at the top of the plot, using an estimate of each label's
    width on a plot :data:`NOMINAL_PLOT_WIDTH` pixels wide; a label with no free lane is left
    out (``short`` empty) and its rule keeps its tooltip and description. Labels in the right
    quarter of the plot sit to the left of their rule (``side`` "left")."""
    span = max((last - first).days, 1)
    lane_ends: list[float] = [-1e9] * ANNOTATION_LANES  # notes come in date order
    rows = []
    for a in notes:
        short = a.label
        if len(short) > ANNOTATION_LABEL_CHARS:
            short = short[: ANNOTATION_LABEL_CHARS - 1].rstrip() + "…"
        x = (a.date - first).days / span * NOMINAL_PLOT_WIDTH
        width = LABEL_CHAR_PIXELS * len(short) + 8
        left = x > NOMINAL_PLOT_WIDTH * 0.75
        lo, hi = (x - width, x) if left else (x, x + width)
        lane = next((i for i in range(ANNOTATION_LANES) if lo > lane_ends[i]), None)
        if lane is not None:
            lane_ends[lane] = hi
        rows.append(
            {
                "date": a.date.isoformat(),
                "label": f"{a.date.day} {a.date:%b %Y}",
                "note": a.label,
                "short": short if lane is not None else "",
                "kind": a.kind_label,
                "lane": 2 + 12 * (lane or 0),
                "side": "left" if left else "right",
            }
        )
    return rows


# --- the spec ------------------------------------------------------------------------------


def chart_name(chart: str) -> str:
    try:
        return str(Chart(chart).label)
    except ValueError:
        return chart


def in_sentence(name: str) -> str:
    """A name inside a sentence: 'Restrictive interventions' -> 'restrictive interventions',
    but 'AWOL' stays 'AWOL' (only a capital followed by a small letter is lowered)."""
    if len(name) > 1 and name[0].isupper() and name[1].islower():
        return name[0].lower() + name[1:]
    return name


def value_title(measure: Measure) -> str:
    title = measure.unit or ("Count" if measure.denominator == Denominator.NONE else "Rate")
    return title[:1].upper() + title[1:]


def describe(
    analysis: WardAnalysis, measure: Measure, subject: str, rows: Sequence[dict[str, Any]]
) -> str:
    """The chart's accessible description (also the ``alt`` of its server-rendered image)."""
    fmt = number_format(analysis)
    present = [row for row in rows if row["value"] is not None]
    missing = len(rows) - len(present)
    unit = "months" if measure.period == Period.MONTH else "weeks"
    parts = [f"{chart_name(analysis.chart)} of {in_sentence(measure.name)}"]
    if measure.unit:
        parts[0] += f" ({measure.unit})"
    if subject:
        parts[0] += f" for {subject}"
    if rows:
        parts[0] += f", {len(rows)} {unit} from {rows[0]['label']} to {rows[-1]['label']}"
        parts[0] += f", {missing} missing" if missing else ", none missing"
    parts[0] += "."
    if present:
        last = present[-1]
        parts.append(f"Latest value {fmt.value(last['value'])} ({last['label']}).")
    parts.append(icons_for(analysis, measure).text)
    parts.append(summary_line(analysis, measure))
    return " ".join(parts)


def _point_domain(measure: Measure) -> list[str]:
    if measure.improvement == "neutral":
        keys = ["common_cause", "special_cause_neutral_high", "special_cause_neutral_low"]
    else:
        keys = ["common_cause", "special_cause_improvement", "special_cause_concern"]
    return keys


def _tooltip(
    analysis: WardAnalysis, measure: Measure, fmt: NumberFormat, limits: bool
) -> list[dict[str, Any]]:
    source = SOURCES.get(measure.source)
    tips: list[dict[str, Any]] = [
        {"field": "label", "type": "nominal", "title": period_title(measure.period)},
        {
            "field": "value",
            "type": "quantitative",
            "title": value_title(measure),
            "format": fmt.value_d3,
        },
    ]
    if measure.denominator != Denominator.NONE:
        tips.append(
            {
                "field": "numerator",
                "type": "quantitative",
                "title": source.label if source else "Numerator",
                "format": f",.{count_decimals(np.asarray(analysis.numerator, float))}f",
            }
        )
        tips.append(
            {
                "field": "denominator",
                "type": "quantitative",
                "title": Denominator(measure.denominator).label,
                "format": ",.0f",
            }
        )
    centre = "Median" if analysis.chart == "run" else "Centre line"
    tips.append({"field": "centre", "type": "quantitative", "title": centre, "format": fmt.stat_d3})
    if limits:
        tips += [
            {
                "field": "lower",
                "type": "quantitative",
                "title": "Lower limit",
                "format": fmt.stat_d3,
            },
            {
                "field": "upper",
                "type": "quantitative",
                "title": "Upper limit",
                "format": fmt.stat_d3,
            },
        ]
    tips += [
        {"field": "type", "type": "nominal", "title": "Point"},
        {"field": "why", "type": "nominal", "title": "Why"},
    ]
    return tips


def _y(field_name: str, title: str) -> dict[str, Any]:
    """A y encoding; every layer carries the same title, so the shared axis shows it once."""
    return {"field": field_name, "type": "quantitative", "title": title}


def _step_line(
    x: dict[str, Any], y_title: str, field_name: str, *, dash: list[int] | None, width: float
) -> dict[str, Any]:
    mark: dict[str, Any] = {
        "type": "line",
        "interpolate": "step",
        "color": TEXT if dash is None else LINE,
        "strokeWidth": width,
        "invalid": "filter",  # join across a missing week: the limits hold between points
        "aria": False,
    }
    if dash:
        mark["strokeDash"] = dash
    return {
        "mark": mark,
        "encoding": {
            "x": x,
            "y": _y(field_name, y_title),
            "detail": {"field": "segment", "type": "nominal"},  # broken at each rebase
        },
    }


def _line_labels(
    rows: Sequence[dict[str, Any]], fmt: NumberFormat, limits: bool, run: bool
) -> list[dict[str, Any]]:
    """Labels at the right-hand end of the centre line and limits ('Centre 10.4'); ``below``
    puts the lower limit's label under its line, clear of the centre's."""
    last = next((row for row in reversed(rows) if row["centre"] is not None), None)
    if last is None:
        return []
    name = "Median" if run else "Centre"
    out = [
        {
            "date": last["date"],
            "y": last["centre"],
            "text": f"{name} {fmt.stat(last['centre'])}",
            "below": False,
        }
    ]
    if limits and last["upper"] is not None:
        out.append(
            {"date": last["date"], "y": last["upper"], "text": "Upper limit", "below": False}
        )
    if limits and last["lower"] is not None:  # under its line, unless that is the axis
        below = last["lower"] > 0
        out.append(
            {"date": last["date"], "y": last["lower"], "text": "Lower limit", "below": below}
        )
    return out


def _line_label_layer(
    x: dict[str, Any], y_title: str, labels: list[dict[str, Any]]
) -> dict[str, Any]:
    def text(below: bool) -> dict[str, Any]:
        return {
            "transform": [{"filter": "datum.below" if below else "!datum.below"}],
            "mark": {
                "type": "text",
                "align": "right",
                "baseline": "top" if below else "bottom",
                "dy": 2 if below else -2,
                "fontSize": 11,
                "color": TEXT,
                "aria": False,
            },
            "encoding": {"x": x, "y": _y("y", y_title), "text": {"field": "text"}},
        }

    return {"data": {"values": labels}, "layer": [text(False), text(True)]}


def spc_spec(
    analysis: WardAnalysis,
    measure: Measure,
    *,
    subject: str = "",
    annotations: Iterable[ChartAnnotation] = (),
    title: str | None = None,
    width: int | str = "container",
    height: int = 260,
    rows: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The Vega-Lite spec of one SPC chart.

    ``subject`` names what is charted ("Aspen Ward", "All wards"); ``annotations`` come from
    :func:`annotations_for`; ``width`` is ``"container"`` in the browser (:func:`for_server`
    fixes it for server rendering); ``rows`` may pass :func:`point_rows` computed already.
    """
    rows = rows if rows is not None else point_rows(analysis, measure)
    fmt = number_format(analysis)
    run = analysis.chart == "run"
    limits = not run and any(row["upper"] is not None or row["lower"] is not None for row in rows)
    x = {
        "field": "date",
        "type": "temporal",
        "scale": {"type": "utc"},
        "title": period_title(measure.period),
        "axis": {"format": "%b %Y", "labelOverlap": True, "tickCount": 8},
    }
    y_title = value_title(measure)
    layers: list[dict[str, Any]] = []
    if any(row["value"] is None for row in rows):
        layers.append(_missing_layer(x, measure))
    if limits:
        layers.append(_step_line(x, y_title, "upper", dash=[5, 3], width=1.2))
        layers.append(_step_line(x, y_title, "lower", dash=[5, 3], width=1.2))
    layers.append(_step_line(x, y_title, "centre", dash=None, width=1.5))
    if measure.target is not None:
        layers.append(_target_layer(measure.target, fmt, y_title))
    labels = _line_labels(rows, fmt, limits, run)
    if labels:
        layers.append(_line_label_layer(x, y_title, labels))
    layers.append(
        {
            "mark": {
                "type": "line",
                "color": LINE,
                "strokeWidth": 1.5,
                "invalid": "break-paths-show-domains",  # a missing period is a gap, never 0
                "aria": False,
            },
            "encoding": {"x": x, "y": _y("value", y_title)},
        }
    )
    layers.append(_points_layer(x, y_title, analysis, measure, fmt, limits))
    shown = chart_annotations(annotations, analysis)
    notes = _annotation_rows(shown, *_span(rows)) if shown else []
    if notes:
        layers.append(_annotation_layer(x, notes))
    subtitle = " · ".join(p for p in [chart_name(analysis.chart), subject] if p)
    return {
        "$schema": SCHEMA,
        "title": {
            "text": title if title is not None else measure.name,
            "subtitle": subtitle,
            "anchor": "start",
        },
        "description": describe(analysis, measure, subject, rows),
        "width": width,
        "height": height,
        "autosize": (
            {"type": "fit-x", "contains": "padding"} if width == "container" else {"type": "pad"}
        ),
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
            "legend": {"labelColor": TEXT, "labelFontSize": 11},
        },
    }


def _missing_layer(x: dict[str, Any], measure: Measure) -> dict[str, Any]:
    """A grey band over each missing period: visibly missing, not a zero."""
    return {
        "transform": [{"filter": "datum.value === null"}],
        "mark": {"type": "rect", "color": MISSING_FILL, "opacity": 0.7},
        "encoding": {
            "x": x,
            "x2": {"field": "end"},
            "tooltip": [
                {"field": "label", "type": "nominal", "title": period_title(measure.period)},
                {"field": "why", "type": "nominal", "title": "Data"},
            ],
            "description": {"field": "why", "type": "nominal"},
        },
    }


def _target_layer(target: float, fmt: NumberFormat, y_title: str) -> dict[str, Any]:
    return {
        "data": {"values": [{"y": target, "text": f"Target {fmt.stat(target)}"}]},
        "layer": [
            {
                "mark": {
                    "type": "rule",
                    "color": TARGET_COLOUR,
                    "strokeDash": [8, 4],
                    "strokeWidth": 1.5,
                    "aria": False,
                },
                "encoding": {"y": _y("y", y_title)},
            },
            {
                "mark": {
                    "type": "text",
                    "align": "left",
                    "baseline": "bottom",
                    "dx": 2,
                    "dy": -2,
                    "color": TARGET_COLOUR,
                    "fontSize": 11,
                    "aria": False,
                },
                "encoding": {"x": {"value": 0}, "y": _y("y", y_title), "text": {"field": "text"}},
            },
        ],
    }


def _points_layer(
    x: dict[str, Any],
    y_title: str,
    analysis: WardAnalysis,
    measure: Measure,
    fmt: NumberFormat,
    limits: bool,
) -> dict[str, Any]:
    """The points: colour and shape by point type (one merged legend), bigger when special;
    the tooltip and ``aria-label`` give the reason."""
    keys = _point_domain(measure)
    labels = [POINT_LABELS[k] for k in keys]
    legend = {"title": None, "orient": "bottom", "direction": "horizontal"}
    return {
        "name": "points",
        "transform": [
            {"filter": "datum.value !== null"},
            {"calculate": "datum.label + ': ' + datum.why", "as": "aria"},
        ],
        "mark": {
            "type": "point",
            "filled": True,
            "opacity": 1,
            "stroke": TEXT,
            "strokeWidth": 0.8,
        },
        "encoding": {
            "x": x,
            "y": _y("value", y_title),
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
            "tooltip": _tooltip(analysis, measure, fmt, limits),
            "description": {"field": "aria", "type": "nominal"},
        },
    }


def _span(rows: Sequence[dict[str, Any]]) -> tuple[dt.date, dt.date]:
    return dt.date.fromisoformat(rows[0]["date"]), dt.date.fromisoformat(rows[-1]["date"])


def _annotation_layer(x: dict[str, Any], notes: list[dict[str, Any]]) -> dict[str, Any]:
    """Vertical dotted rules with short labels in lanes at the top (see _annotation_rows)."""

    def labels(side: str) -> dict[str, Any]:
        return {
            "transform": [{"filter": f"datum.side === '{side}' && datum.short !== ''"}],
            "mark": {
                "type": "text",
                "align": "right" if side == "left" else "left",
                "baseline": "top",
                "dx": -3 if side == "left" else 3,
                "fontSize": 10,
                "color": TEXT,
                "aria": False,
            },
            "encoding": {
                "x": x,
                "y": {"field": "lane", "type": "quantitative", "scale": None},
                "text": {"field": "short"},
                "tooltip": tooltip,
            },
        }

    tooltip = [
        {"field": "label", "type": "nominal", "title": "Date"},
        {"field": "kind", "type": "nominal", "title": "Annotation"},
        {"field": "note", "type": "nominal", "title": "Note"},
    ]
    return {
        "data": {"values": notes},
        "layer": [
            {
                "mark": {"type": "rule", "color": LINE, "strokeDash": [2, 2], "strokeWidth": 1},
                "encoding": {
                    "x": x,
                    "tooltip": tooltip,
                    "description": {"field": "note", "type": "nominal"},
                },
            },
            labels("right"),
            labels("left"),
        ],
    }


_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def spec_json(spec: dict[str, Any]) -> str:
    """Canonical JSON text of a spec (stable key order as built, no NaN allowed)."""
    return json.dumps(spec, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


# --- server rendering ----------------------------------------------------------------------


def for_server(spec: dict[str, Any], width: int = SERVER_WIDTH) -> dict[str, Any]:
    """The same spec with a fixed width (there is no container to fill on the server)."""
    out = dict(spec)
    if out.get("width") == "container":
        out["width"] = width
        out["autosize"] = {"type": "pad"}
    return out


def _render_cached(kind: str, spec: dict[str, Any], render: Any) -> Any:
    from django.core.cache import cache

    text = spec_json(for_server(spec))
    key = f"mhsip:chart:{kind}:{hashlib.sha256(text.encode()).hexdigest()}"
    out = cache.get(key)
    if out is None:
        out = render(json.loads(text))
        cache.set(key, out, timeout=7 * 24 * 3600)
    return out


def render_svg(spec: dict[str, Any]) -> str:
    """Server-side SVG of the spec (vl-convert); cached by the spec's content."""
    import vl_convert

    return _render_cached("svg", spec, vl_convert.vegalite_to_svg)


def render_png(spec: dict[str, Any], scale: float = 2.0) -> bytes:
    """Server-side PNG of the spec (vl-convert), ``scale`` times the CSS pixel size."""
    import vl_convert

    return _render_cached(f"png{scale}", spec, lambda s: vl_convert.vegalite_to_png(s, scale=scale))


# --- the block a page shows for one chart --------------------------------------------------


@dataclass(frozen=True)
class TableRow:
    """One row of the data table beside a chart, already formatted for display."""

    label: str
    numerator: str
    denominator: str
    value: str
    centre: str
    lower: str
    upper: str
    point: str
    why: str
    special: bool
    missing: bool


def table_rows(
    analysis: WardAnalysis, measure: Measure, rows: list[dict[str, Any]] | None = None
) -> list[TableRow]:
    """The chart's data as table rows, with the same digits as the tooltips. Missing periods
    say "Missing" (and never 0); flagged points carry their explanation."""
    fmt = number_format(analysis)
    count_fmt = count_decimals(np.asarray(analysis.numerator, float))
    out = []
    for row in rows if rows is not None else point_rows(analysis, measure):
        missing = row["value"] is None
        num, den = row["numerator"], row["denominator"]
        out.append(
            TableRow(
                label=row["label"],
                numerator="Missing" if num is None else f"{num:,.{count_fmt}f}",
                denominator=""
                if measure.denominator == Denominator.NONE
                else ("Missing" if den is None else f"{den:,.0f}"),
                value="Missing" if missing else fmt.value(row["value"]),
                centre=fmt.stat(row["centre"]),
                lower=fmt.stat(row["lower"]),
                upper=fmt.stat(row["upper"]),
                point=row["type"],
                why=row["why"],
                special=row["special"],
                missing=missing,
            )
        )
    return out


@dataclass(frozen=True)
class ChartBlock:
    """Everything ``measures/_chart.html`` shows for one chart.

    ``dom_id`` must be unique on the page; ``links`` maps "csv", "svg", "png" (and optionally
    "detail") to URLs; ``svg_url`` is the server-rendered image shown without JavaScript.
    """

    dom_id: str
    measure: Measure
    analysis: WardAnalysis
    subject: str
    spec: dict[str, Any]
    icons: Icons
    summary: str
    rows: list[TableRow]
    annotations: list[ChartAnnotation] = field(default_factory=list)
    links: dict[str, str] = field(default_factory=dict)

    @property
    def spec_script(self) -> Markup:
        """``<script id="{dom_id}-spec" type="application/json">``: data, never executed, so
        the strict CSP allows it. Compact JSON with ``<``, ``>`` and ``&`` escaped as
        Django's ``json_script`` does, so no text in it can close the tag."""
        text = spec_json(self.spec).translate(_JSON_SCRIPT_ESCAPES)
        return Markup(
            f'<script id="{escape(self.dom_id)}-spec" type="application/json">{text}</script>'
        )

    @property
    def description(self) -> str:
        return str(self.spec.get("description", ""))

    @property
    def name_in_sentence(self) -> str:
        return in_sentence(self.measure.name)

    @property
    def chart_label(self) -> str:
        return chart_name(self.analysis.chart)

    @property
    def has_limits(self) -> bool:
        return self.analysis.chart != "run"

    @property
    def has_denominator(self) -> bool:
        return self.measure.denominator != Denominator.NONE

    @property
    def numerator_title(self) -> str:
        return "Count" if self.measure.source != "duration_hours" else "Hours"

    @property
    def denominator_title(self) -> str:
        return str(Denominator(self.measure.denominator).label) if self.has_denominator else ""

    @property
    def table_body(self) -> Markup:
        """The data table's rows as HTML, built here rather than in the template: a page of
        14 charts over three years has over 2,000 rows, and cell-by-cell template escaping
        was most of the page's time. Compact cells are styled by ``.mhsip-data``."""
        if not self.rows:
            return Markup('<tr><td colspan="9">No periods in this range.</td></tr>')
        den, limits = self.has_denominator, self.has_limits
        out = []
        for row in self.rows:
            css = (
                ' class="mhsip-row--special"'
                if row.special
                else (' class="mhsip-row--missing"' if row.missing else "")
            )
            cells = [f"<td>{escape(row.label)}</td>", f'<td class="n">{escape(row.numerator)}</td>']
            if den:
                cells.append(f'<td class="n">{escape(row.denominator)}</td>')
            cells.append(f'<td class="n">{escape(row.value)}</td>')
            cells.append(f'<td class="n">{escape(row.centre)}</td>')
            if limits:
                cells.append(f'<td class="n">{escape(row.lower)}</td>')
                cells.append(f'<td class="n">{escape(row.upper)}</td>')
            cells.append(f"<td>{escape(row.point)}</td><td>{escape(row.why)}</td>")
            out.append(f"<tr{css}>{''.join(cells)}</tr>")
        return Markup("\n".join(out))

    @property
    def special_rows(self) -> list[TableRow]:
        return [row for row in self.rows if row.special]

    @property
    def missing_count(self) -> int:
        return sum(1 for row in self.rows if row.missing)


def chart_block(
    analysis: WardAnalysis,
    measure: Measure,
    *,
    dom_id: str,
    subject: str = "",
    annotations: Iterable[ChartAnnotation] = (),
    links: dict[str, str] | None = None,
    height: int = 260,
) -> ChartBlock:
    """Build the spec, icons, summary and table of one chart for ``measures/_chart.html``."""
    notes = chart_annotations(annotations, analysis)
    rows = point_rows(analysis, measure)
    return ChartBlock(
        dom_id=dom_id,
        measure=measure,
        analysis=analysis,
        subject=subject,
        spec=spc_spec(
            analysis, measure, subject=subject, annotations=notes, height=height, rows=rows
        ),
        icons=icons_for(analysis, measure),
        summary=summary_line(analysis, measure),
        rows=table_rows(analysis, measure, rows),
        annotations=notes,
        links=dict(links or {}),
    )


__all__ = [
    "COLOURS",
    "POINT_LABELS",
    "SHAPES",
    "ChartAnnotation",
    "ChartBlock",
    "TableRow",
    "annotations_by_measure",
    "annotations_for",
    "chart_annotations",
    "chart_block",
    "for_server",
    "num",
    "point_rows",
    "render_png",
    "render_svg",
    "spc_spec",
    "spec_json",
    "table_rows",
]
