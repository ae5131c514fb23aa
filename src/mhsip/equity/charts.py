"""Vega-Lite specs for the equity pages, in the style of :mod:`mhsip.measures.charts` (same
palette, shapes, fonts and point labels; drawn by ``measures/charts.mjs`` in the browser and by
``measures.charts.render_svg`` on the server for reports).

Charts are built from the tables *as shown*: where a figure is suppressed the chart leaves it
out (and says so in its description), so a chart never reveals what its table hides.

* :func:`ratio_chart_spec` -- rate ratio of each group to the reference with its 95% interval
  (a forest plot on a log scale, parity at 1).
* :func:`ratio_spc_spec` -- the XmR chart of the monthly log rate ratio, drawn on a log scale.
* :func:`unit_rate_spec` -- restrictive interventions per 1,000 occupied bed days by unit.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.utils.html import json_script
from markupsafe import Markup

from mhsip.equity import tables
from mhsip.measures.charts import COLOURS, FONT, LINE, POINT_LABELS, SCHEMA, SHAPES, TEXT

NHS_BLUE = "#005eb8"


def _config(y_title: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
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
    }
    if y_title:
        out["axisY"] = {"title": y_title}
    return out


def _frame(title: str, subtitle: str, description: str, width: Any, height: int) -> dict[str, Any]:
    return {
        "$schema": SCHEMA,
        "title": {"text": title, "subtitle": subtitle, "anchor": "start"},
        "description": description,
        "width": width,
        "height": height,
        "autosize": (
            {"type": "fit-x", "contains": "padding"} if width == "container" else {"type": "pad"}
        ),
    }


def _num(cell: tables.Cell) -> float | None:
    if cell.suppressed or cell.value is None or not math.isfinite(cell.value):
        return None
    return round(float(cell.value), 6) + 0.0


def _bounds(cell: tables.Cell) -> tuple[float | None, float | None]:
    if cell.suppressed or " to " not in cell.text:
        return None, None
    lo, hi = cell.text.split(" to ")
    try:
        upper = None if hi == "infinity" else float(hi.replace(",", ""))
        return float(lo.replace(",", "")), upper
    except ValueError:
        return None, None


def ratio_chart_spec(
    table: tables.Table, *, title: str, subject: str, width: Any = "container"
) -> dict[str, Any] | None:
    """Forest plot of the ``ratio`` and ``ratio_ci`` columns of a rates table; ``None`` when no
    ratio can be shown (every one suppressed, zero or not estimable)."""
    keys = [c.key for c in table.columns]
    ri, ci = keys.index("ratio"), keys.index("ratio_ci")
    rows, left_out = [], []
    for row in table.rows:
        name = row[0].text
        if name == "Total":
            continue
        value = _num(row[ri])
        lo, hi = _bounds(row[ci])
        if value is None or value <= 0:
            left_out.append(name)
            continue
        why = f"{name}: rate ratio {row[ri].text}" + (f" (95% CI {row[ci].text})" if lo else "")
        rows.append(
            {
                "group": name,
                "ratio": value,
                "lower": lo,
                "upper": hi,
                "why": why,
                "label": name,
                "special": False,
            }
        )
    if not rows:
        return None
    description = "Rate ratio of each group to the reference group, with 95% confidence " + (
        "intervals, on a log scale; 1 means the same rate."
    )
    if left_out:
        description += " Not shown (suppressed, zero or not estimable): " + ", ".join(left_out)
    x = {
        "field": "ratio",
        "type": "quantitative",
        "scale": {"type": "log"},
        "title": "Rate ratio (log scale)",
    }
    y = {"field": "group", "type": "nominal", "sort": None, "title": None}
    spec = _frame(title, subject, description, width, max(60, 28 * len(rows)))
    spec.update(
        {
            "data": {"values": rows},
            "layer": [
                {
                    "data": {"values": [{"one": 1}]},
                    "mark": {"type": "rule", "color": LINE, "strokeDash": [4, 3], "aria": False},
                    "encoding": {"x": {"field": "one", "type": "quantitative"}},
                },
                {
                    "transform": [{"filter": "datum.lower !== null && datum.upper !== null"}],
                    "mark": {"type": "rule", "color": TEXT, "strokeWidth": 1.5, "aria": False},
                    "encoding": {"x": {**x, "field": "lower"}, "x2": {"field": "upper"}, "y": y},
                },
                {
                    "mark": {
                        "type": "point",
                        "filled": True,
                        "color": NHS_BLUE,
                        "size": 70,
                        "stroke": TEXT,
                        "strokeWidth": 0.8,
                        "shape": "diamond",
                    },
                    "encoding": {
                        "x": x,
                        "y": y,
                        "tooltip": [{"field": "why", "type": "nominal", "title": "Group"}],
                        "description": {"field": "why", "type": "nominal"},
                    },
                },
            ],
            "config": _config(),
        }
    )
    return spec


def ratio_spc_spec(
    table: tables.Table, *, title: str, subject: str, width: Any = "container"
) -> dict[str, Any] | None:
    """XmR chart of the monthly ratio from a series table (log scale, parity line at 1);
    ``None`` when no month has a ratio to show."""
    keys = [c.key for c in table.columns]
    idx = {k: keys.index(k) for k in ("month", "ratio", "centre", "lower", "upper", "point", "why")}
    rows = []
    for row in table.rows:
        point = row[idx["point"]].text
        value = _num(row[idx["ratio"]])
        kind = next((k for k, v in POINT_LABELS.items() if v == point), "common_cause")
        special = kind != "common_cause" and value is not None
        rows.append(
            {
                "label": row[idx["month"]].text,
                "date": _iso_month(row[idx["month"]].text),
                "value": value,
                "centre": _num(row[idx["centre"]]),
                "lower": _num(row[idx["lower"]]),
                "upper": _num(row[idx["upper"]]),
                "type": POINT_LABELS.get(kind, point) if value is not None else "Missing",
                "special": special,
                "why": row[idx["why"]].text,
            }
        )
    shown = [r for r in rows if r["value"] is not None]
    if not shown:
        return None
    description = (
        f"XmR chart of the monthly rate ratio ({subject}), {len(rows)} months, "
        f"{len(rows) - len(shown)} not shown (missing or suppressed), on a log scale; "
        "1 means the same rate."
    )
    specials = sum(r["special"] for r in rows)
    if specials:
        description += f" {specials} special-cause point{'s' if specials > 1 else ''}."
    xs = {
        "field": "date",
        "type": "temporal",
        "scale": {"type": "utc"},
        "title": "Month",
        "axis": {"format": "%b %Y", "labelOverlap": True, "tickCount": 8},
    }
    ylog = {"type": "log"}
    keys_pt = ["common_cause", "special_cause_improvement", "special_cause_concern"]
    labels = [POINT_LABELS[k] for k in keys_pt]
    legend = {"title": None, "orient": "bottom", "direction": "horizontal"}

    def step(field: str, dash: list[int] | None) -> dict[str, Any]:
        mark: dict[str, Any] = {
            "type": "line",
            "interpolate": "step",
            "invalid": "filter",
            "color": TEXT if dash is None else LINE,
            "aria": False,
        }
        if dash:
            mark["strokeDash"] = dash
        return {
            "mark": mark,
            "encoding": {"x": xs, "y": {"field": field, "type": "quantitative", "scale": ylog}},
        }

    spec = _frame(title, f"XmR chart of the log ratio · {subject}", description, width, 260)
    spec.update(
        {
            "data": {"values": rows},
            "layer": [
                {
                    "data": {"values": [{"one": 1}]},
                    "mark": {
                        "type": "rule",
                        "color": "#de1b1b",
                        "strokeDash": [8, 4],
                        "aria": False,
                    },
                    "encoding": {"y": {"field": "one", "type": "quantitative"}},
                },
                step("upper", [5, 3]),
                step("lower", [5, 3]),
                step("centre", None),
                {
                    "mark": {
                        "type": "line",
                        "color": LINE,
                        "strokeWidth": 1.5,
                        "invalid": "break-paths-show-domains",
                        "aria": False,
                    },
                    "encoding": {
                        "x": xs,
                        "y": {
                            "field": "value",
                            "type": "quantitative",
                            "scale": ylog,
                            "title": "Rate ratio (log scale)",
                        },
                    },
                },
                {
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
                        "x": xs,
                        "y": {"field": "value", "type": "quantitative", "scale": ylog},
                        "color": {
                            "field": "type",
                            "type": "nominal",
                            "legend": legend,
                            "scale": {"domain": labels, "range": [COLOURS[k] for k in keys_pt]},
                        },
                        "shape": {
                            "field": "type",
                            "type": "nominal",
                            "legend": legend,
                            "scale": {"domain": labels, "range": [SHAPES[k] for k in keys_pt]},
                        },
                        "size": {"condition": {"test": "datum.special", "value": 90}, "value": 36},
                        "tooltip": [
                            {"field": "label", "type": "nominal", "title": "Month"},
                            {
                                "field": "value",
                                "type": "quantitative",
                                "title": "Rate ratio",
                                "format": ",.2f",
                            },
                            {
                                "field": "centre",
                                "type": "quantitative",
                                "title": "Centre line",
                                "format": ",.2f",
                            },
                            {"field": "type", "type": "nominal", "title": "Point"},
                            {"field": "why", "type": "nominal", "title": "Why"},
                        ],
                        "description": {"field": "aria", "type": "nominal"},
                    },
                },
            ],
            "config": _config("Rate ratio (log scale)"),
        }
    )
    return spec


def unit_rate_spec(
    table: tables.Table, *, title: str, subject: str, width: Any = "container"
) -> dict[str, Any] | None:
    """Bar chart of the summary table's rate column (interventions per 1,000 bed days)."""
    keys = [c.key for c in table.columns]
    ri = keys.index("rate")
    rows, left_out = [], []
    for row in table.rows:
        if row[0].text == "Total" and len(table.rows) > 1:
            continue  # the table has the total; bars compare units
        value = _num(row[ri])
        if value is None:
            left_out.append(row[0].text)
            continue
        rows.append(
            {
                "unit": row[0].text,
                "rate": value,
                "why": f"{row[0].text}: {row[ri].text} per 1,000 occupied bed days",
            }
        )
    if not rows:
        return None
    description = "Restrictive interventions per 1,000 occupied bed days by unit."
    if left_out:
        description += " Not shown (suppressed or no bed days): " + ", ".join(left_out) + "."
    spec = _frame(title, subject, description, width, max(60, 26 * len(rows)))
    spec.update(
        {
            "data": {"values": rows},
            "mark": {"type": "bar", "color": NHS_BLUE},
            "encoding": {
                "y": {"field": "unit", "type": "nominal", "sort": None, "title": None},
                "x": {
                    "field": "rate",
                    "type": "quantitative",
                    "title": "Per 1,000 occupied bed days",
                },
                "tooltip": [{"field": "why", "type": "nominal", "title": "Unit"}],
                "description": {"field": "why", "type": "nominal"},
            },
            "config": _config(),
        }
    )
    return spec


def _iso_month(label: str) -> str:
    return dt.datetime.strptime(label, "%b %Y").date().isoformat()


def spec_script(spec: dict[str, Any] | None, dom_id: str) -> Markup:
    """``<script type="application/json">`` holding the spec (data, never executed)."""
    return Markup(json_script(spec, f"{dom_id}-spec")) if spec is not None else Markup("")
