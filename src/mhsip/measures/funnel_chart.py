"""The funnel plot of the latest quarter as a Vega-Lite spec (issue 5 item 3; landscape §3.6).

Each ward's rate (per 1,000 occupied bed days) against its bed days, with the collaborative
rate as the centre line and 95% and 99.8% limits from :func:`mhsip.stats.funnel_poisson`
(overdispersion-adjusted; see :mod:`mhsip.measures.collaborative`). Built in the style of the
SPC charts (:mod:`mhsip.measures.charts`: same fonts, colours, Making Data Count palette *and*
shapes so colour never carries meaning alone, tooltips that explain each point, an accessible
description), so the browser (vega-embed) and the server (vl-convert, :func:`render_svg`) draw
the same picture. The page always shows the data table and the outlier table beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.html import json_script
from markupsafe import Markup

from mhsip.measures.charts import (
    COLOURS,
    FONT,
    LINE,
    SCHEMA,
    SHAPES,
    TEXT,
    _num,
    render_svg,
    spec_json,
)
from mhsip.measures.collaborative import Funnel
from mhsip.measures.models import Improvement, Measure

WITHIN = "Within the limits"


def status_key(side: str, improvement: str) -> str:
    """The Making Data Count point type of a ward beyond the limits on ``side``."""
    if not side:
        return "common_cause"
    if improvement == Improvement.NEUTRAL:
        return "special_cause_neutral_high" if side == "above" else "special_cause_neutral_low"
    better = (side == "below") == (improvement == Improvement.DECREASE)
    return "special_cause_improvement" if better else "special_cause_concern"


def status_text(side: str, level: float) -> str:
    if not side:
        return WITHIN
    return f"{side.capitalize()} the {level_text(level)} limit"


def level_text(level: float) -> str:
    return f"{level * 100:g}%"


@dataclass(frozen=True)
class FunnelRow:
    """One ward in the funnel plot's data table, formatted for display."""

    ward: Any
    href: str | None
    events: str
    bed_days: str
    rate: str
    limits: list[str]  # "lower to upper" at each level, narrowest first
    z: str
    status: str
    key: str  # point type, for the legend colour and shape
    outside: bool


def _side(funnel: Funnel, i: int) -> tuple[str, float]:
    r = funnel.result
    for j in sorted(range(len(r.levels)), key=lambda k: -r.levels[k]):
        if r.high[j, i]:
            return "above", r.levels[j]
        if r.low[j, i]:
            return "below", r.levels[j]
    return "", 0.0


def funnel_rows(funnel: Funnel, links: dict[int, str | None]) -> list[FunnelRow]:
    r = funnel.result
    order = sorted(range(len(r.levels)), key=lambda k: r.levels[k])
    out = []
    for i, ward in enumerate(funnel.wards):
        side, level = _side(funnel, i)
        out.append(
            FunnelRow(
                ward=ward,
                href=links.get(ward.pk),
                events=f"{r.numerator[i]:,.0f}",
                bed_days=f"{r.denominator[i]:,.0f}",
                rate=f"{r.indicator[i]:,.1f}",
                limits=[f"{r.lower[j, i]:,.1f} to {r.upper[j, i]:,.1f}" for j in order],
                z=f"{r.z_adjusted[i]:+.2f}",
                status=status_text(side, level),
                key=status_key(side, funnel.measure.improvement),
                outside=bool(side),
            )
        )
    return out


def describe(funnel: Funnel) -> str:
    r = funnel.result
    n_out = len(funnel.outliers)
    outside = (
        "No ward is outside the limits."
        if n_out == 0
        else f"{n_out} {'ward is' if n_out == 1 else 'wards are'} outside the limits: "
        + "; ".join(
            f"{o.ward.name} {o.side} the {level_text(o.level)} limit" for o in funnel.outliers
        )
        + "."
    )
    return (
        f"Funnel plot of {funnel.measure.name.lower()} per 1,000 occupied bed days against "
        f"occupied bed days for {len(funnel.wards)} wards, {funnel.window.label}. "
        f"Collaborative rate {r.target:,.1f}; limits at 95% and 99.8%. {outside}"
    )


def funnel_spec(
    funnel: Funnel, *, width: int | str = "container", height: int = 320
) -> dict[str, Any]:
    """The Vega-Lite spec of the funnel plot."""
    r = funnel.result
    measure: Measure = funnel.measure
    unit = measure.unit or "Rate"
    points = []
    for i, ward in enumerate(funnel.wards):
        side, level = _side(funnel, i)
        key = status_key(side, measure.improvement)
        status = status_text(side, level)
        points.append(
            {
                "ward": ward.name,
                "bed_days": _num(r.denominator[i]),
                "events": _num(r.numerator[i]),
                "rate": _num(r.indicator[i]),
                "z": _num(r.z_adjusted[i]),
                "status": status,
                "key": key,
                "outside": bool(side),
                "special": bool(side),  # charts.mjs makes these points keyboard-focusable
                "aria": f"{ward.name}: {r.indicator[i]:,.1f} {unit} over "
                f"{r.denominator[i]:,.0f} bed days; {status.lower()}",
            }
        )
    limits = []
    for j, level in enumerate(r.levels):
        for k, days in enumerate(r.grid):
            for side, values in (("lower", r.grid_lower), ("upper", r.grid_upper)):
                v = _num(values[j, k])
                if v is not None:
                    limits.append(
                        {
                            "bed_days": _num(days),
                            "value": v,
                            "limit": f"{level_text(level)} limits",
                            "line": f"{level}-{side}",
                        }
                    )
    keys = ["common_cause"] + (
        ["special_cause_neutral_high", "special_cause_neutral_low"]
        if measure.improvement == Improvement.NEUTRAL
        else ["special_cause_improvement", "special_cause_concern"]
    )
    labels = {
        "common_cause": WITHIN,
        "special_cause_improvement": "Outside: better",
        "special_cause_concern": "Outside: worse",
        "special_cause_neutral_high": "Outside: high",
        "special_cause_neutral_low": "Outside: low",
    }
    for p in points:
        p["legend"] = labels[p["key"]]
    x = {
        "field": "bed_days",
        "type": "quantitative",
        "title": "Occupied bed days in the quarter",
        "axis": {"format": ",.0f", "tickCount": 6},
        "scale": {"zero": True},
    }
    y_title = f"{measure.name} {unit}" if measure.unit else measure.name
    legend = {"title": None, "orient": "bottom", "direction": "horizontal"}
    level_names = [f"{level_text(v)} limits" for v in sorted(r.levels)]
    tooltip = [
        {"field": "ward", "type": "nominal", "title": "Ward"},
        {"field": "rate", "type": "quantitative", "title": unit.capitalize(), "format": ",.1f"},
        {"field": "events", "type": "quantitative", "title": "Count", "format": ",.0f"},
        {"field": "bed_days", "type": "quantitative", "title": "Bed days", "format": ",.0f"},
        {"field": "z", "type": "quantitative", "title": "z-score", "format": "+.2f"},
        {"field": "status", "type": "nominal", "title": "Funnel"},
    ]
    layers: list[dict[str, Any]] = [
        {
            "data": {"values": limits},
            "mark": {"type": "line", "color": LINE, "strokeWidth": 1.2, "aria": False},
            "encoding": {
                "x": x,
                "y": {"field": "value", "type": "quantitative"},
                "detail": {"field": "line", "type": "nominal"},
                "strokeDash": {
                    "field": "limit",
                    "type": "nominal",
                    "scale": {"domain": level_names, "range": [[5, 3], [1, 0]]},
                    "legend": {**legend, "symbolType": "stroke"},
                },
            },
        },
        {
            "data": {"values": [{"y": _num(r.target), "text": f"Collaborative {r.target:,.1f}"}]},
            "layer": [
                {
                    "mark": {"type": "rule", "color": TEXT, "strokeWidth": 1.5, "aria": False},
                    "encoding": {"y": {"field": "y", "type": "quantitative"}},
                },
                {
                    "mark": {
                        "type": "text",
                        "align": "right",
                        "baseline": "bottom",
                        "dy": -2,
                        "fontSize": 11,
                        "color": TEXT,
                        "aria": False,
                    },
                    "encoding": {
                        "x": {"value": "width"},
                        "y": {"field": "y", "type": "quantitative"},
                        "text": {"field": "text"},
                    },
                },
            ],
        },
        {
            "data": {"values": points},
            "layer": [
                {
                    "name": "wards",
                    "mark": {
                        "type": "point",
                        "filled": True,
                        "opacity": 1,
                        "stroke": TEXT,
                        "strokeWidth": 0.8,
                    },
                    "encoding": {
                        "x": x,
                        "y": {"field": "rate", "type": "quantitative"},
                        "color": {
                            "field": "legend",
                            "type": "nominal",
                            "scale": {
                                "domain": [labels[k] for k in keys],
                                "range": [COLOURS[k] for k in keys],
                            },
                            "legend": legend,
                        },
                        "shape": {
                            "field": "legend",
                            "type": "nominal",
                            "scale": {
                                "domain": [labels[k] for k in keys],
                                "range": [SHAPES[k] for k in keys],
                            },
                            "legend": legend,
                        },
                        "size": {"condition": {"test": "datum.outside", "value": 90}, "value": 50},
                        "tooltip": tooltip,
                        "description": {"field": "aria", "type": "nominal"},
                    },
                },
                {
                    "transform": [{"filter": "datum.outside"}],
                    "mark": {
                        "type": "text",
                        "align": "left",
                        "dx": 7,
                        "fontSize": 11,
                        "color": TEXT,
                        "aria": False,
                    },
                    "encoding": {
                        "x": x,
                        "y": {"field": "rate", "type": "quantitative"},
                        "text": {"field": "ward"},
                    },
                },
            ],
        },
    ]
    return {
        "$schema": SCHEMA,
        "title": {
            "text": f"{measure.name}: wards in the latest quarter",
            "subtitle": f"{funnel.window.label} · limits 95% and 99.8%, adjusted for "
            "overdispersion",
            "anchor": "start",
        },
        "description": describe(funnel),
        "width": width,
        "height": height,
        "autosize": (
            {"type": "fit-x", "contains": "padding"} if width == "container" else {"type": "pad"}
        ),
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


def funnel_svg(funnel: Funnel) -> str:
    """Server-rendered SVG of the funnel (for pages without JavaScript and reports)."""
    return render_svg(funnel_spec(funnel))


@dataclass(frozen=True)
class FunnelBlock:
    """What the collaborative page shows for the funnel: the spec (as a JSON data script, which
    the strict CSP allows), the per-ward table and the server-rendered image's URL."""

    dom_id: str
    funnel: Funnel
    spec: dict[str, Any]
    rows: list[FunnelRow]
    svg_url: str = ""

    @property
    def spec_script(self) -> Markup:
        return Markup(json_script(self.spec, f"{self.dom_id}-spec"))

    @property
    def description(self) -> str:
        return str(self.spec.get("description", ""))

    @property
    def levels(self) -> list[str]:
        return [level_text(v) for v in sorted(self.funnel.result.levels)]


def funnel_block(
    funnel: Funnel, links: dict[int, str | None], *, dom_id: str = "funnel", svg_url: str = ""
) -> FunnelBlock:
    return FunnelBlock(dom_id, funnel, funnel_spec(funnel), funnel_rows(funnel, links), svg_url)


__all__ = [
    "FunnelBlock",
    "FunnelRow",
    "funnel_block",
    "funnel_rows",
    "funnel_spec",
    "funnel_svg",
    "spec_json",
    "status_key",
]
