"""The Vega-Lite spec builder, the icons and the one-line summary, on analyses built without
a database (``analyse_table`` on a hand-made series), and the server rendering (vl-convert)."""

from __future__ import annotations

import datetime as dt
import json
import re

import numpy as np
import pytest
import vl_convert

from mhsip.measures import charts, icons
from mhsip.measures.analysis import WardAnalysis, analyse_table
from mhsip.measures.charts import ChartAnnotation
from mhsip.measures.models import Measure
from mhsip.measures.series import SeriesTable, period_grid

START = dt.date(2024, 1, 1)
MISSING = 10
SPIKE = 30


def rate_measure(**extra) -> Measure:
    fields = {
        "slug": "ri",
        "name": "Restrictive interventions",
        "source": "interventions",
        "denominator": "bed_days",
        "multiplier": 1000.0,
        "period": "week",
        "default_chart": "u",
        "improvement": "decrease",
        "unit": "per 1,000 occupied bed days",
    }
    return Measure(**(fields | extra))


def series(numerator, denominator=None, start=START, period="week") -> SeriesTable:
    numerator = np.asarray(numerator, dtype=float)
    grid = period_grid(start, start + dt.timedelta(days=400), period)[: numerator.size]
    denominator = (
        np.full(numerator.size, 105.0) if denominator is None else np.asarray(denominator, float)
    )
    return SeriesTable(
        ward_id=np.ones(numerator.size, dtype=np.int64),
        period_start=grid,
        numerator=numerator,
        denominator=denominator,
    )


def analysed(measure: Measure, table: SeriesTable, **kwargs) -> WardAnalysis:
    return analyse_table(measure, table, **kwargs)[1]


def u_chart_with_gap_and_spike() -> tuple[Measure, WardAnalysis]:
    counts = np.tile([3.0, 2.0, 4.0, 3.0], 10)
    counts[MISSING] = np.nan
    counts[SPIKE] = 15
    den = np.full(counts.size, 105.0)
    den[MISSING] = np.nan
    measure = rate_measure()
    return measure, analysed(measure, series(counts, den))


def layer_marks(spec: dict) -> list[str]:
    """Every layer's mark type (nested layers flattened), in drawing order."""
    out = []

    def walk(layers):
        for layer in layers:
            if "layer" in layer:
                walk(layer["layer"])
            else:
                mark = layer["mark"]
                out.append(mark if isinstance(mark, str) else mark["type"])

    walk(spec["layer"])
    return out


def find_layers(spec: dict, predicate) -> list[dict]:
    found = []

    def walk(layers):
        for layer in layers:
            if "layer" in layer:
                walk(layer["layer"])
            elif predicate(layer):
                found.append(layer)

    walk(spec["layer"])
    return found


# --- data and gaps -----------------------------------------------------------------------------


def test_a_missing_week_is_null_and_breaks_the_line_never_a_zero():
    measure, analysis = u_chart_with_gap_and_spike()
    spec = charts.spc_spec(analysis, measure)
    rows = spec["data"]["values"]
    assert rows[MISSING]["value"] is None and rows[MISSING]["numerator"] is None
    assert rows[MISSING]["type"] == "Missing"
    assert rows[MISSING]["why"] == "Missing: no data for this period (not a zero)"
    (line,) = find_layers(
        spec,
        lambda layer: (
            layer["mark"]["type"] == "line" and layer["encoding"]["y"]["field"] == "value"
        ),
    )
    assert line["mark"]["invalid"] == "break-paths-show-domains"
    (points,) = find_layers(spec, lambda layer: layer.get("name") == "points")
    assert {"filter": "datum.value !== null"} in points["transform"]
    (band,) = find_layers(spec, lambda layer: layer["mark"]["type"] == "rect")
    assert band["transform"] == [{"filter": "datum.value === null"}]
    assert band["encoding"]["x2"] == {"field": "end"}


def test_the_svg_line_really_has_a_gap_at_the_missing_week():
    measure, analysis = u_chart_with_gap_and_spike()
    svg = vl_convert.vegalite_to_svg(charts.for_server(charts.spc_spec(analysis, measure)))
    value_line = [d for d in re.findall(r'<path[^>]* d="([^"]+)"', svg) if d.count("L") > 30]
    # the value line is drawn as two pieces, before and after the missing week
    assert any(d.count("M") == 2 for d in value_line)


def test_rows_carry_numerator_denominator_limits_and_the_plain_english_reason():
    measure, analysis = u_chart_with_gap_and_spike()
    rows = charts.point_rows(analysis, measure)
    first = rows[0]
    assert first["date"] == "2024-01-01" and "end" not in first
    assert rows[MISSING]["end"] == "2024-03-18"  # the grey band spans the missing week
    assert first["label"] == "1 Jan 2024"
    assert first["numerator"] == 3.0 and first["denominator"] == 105.0
    assert first["value"] == pytest.approx(3 / 105 * 1000, abs=1e-6)
    assert first["lower"] == 0.0 and first["upper"] > first["centre"] > 0
    spike = rows[SPIKE]
    assert spike["special"] is True and spike["type"] == "Special cause: concern"
    assert spike["why"] == "Special cause: concern. Above the upper control limit"


def test_a_count_measure_has_no_denominator_in_its_rows_or_tooltip():
    measure = rate_measure(denominator="none", multiplier=1.0, default_chart="c", unit="people")
    analysis = analysed(measure, series(np.tile([1.0, 2.0, 0.0, 3.0], 5), np.ones(20)))
    spec = charts.spc_spec(analysis, measure)
    assert all(row["denominator"] is None for row in spec["data"]["values"])
    (points,) = find_layers(spec, lambda layer: layer.get("name") == "points")
    titles = [t["title"] for t in points["encoding"]["tooltip"]]
    assert "Occupied bed days" not in titles and "People" in titles


def test_monthly_periods_end_at_the_next_month():
    assert charts.period_end(dt.date(2024, 12, 1), "month") == dt.date(2025, 1, 1)
    assert charts.period_label(dt.date(2024, 12, 1), "month") == "Dec 2024"
    assert charts.period_end(dt.date(2024, 12, 30), "week") == dt.date(2025, 1, 6)


# --- points: colour and shape ------------------------------------------------------------------


def test_each_point_type_has_its_own_shape_and_the_making_data_count_colour():
    measure, analysis = u_chart_with_gap_and_spike()
    (points,) = find_layers(
        charts.spc_spec(analysis, measure), lambda layer: layer.get("name") == "points"
    )
    colour, shape = points["encoding"]["color"], points["encoding"]["shape"]
    assert colour["field"] == shape["field"] == "type"
    assert colour["scale"]["domain"] == [
        "Common cause",
        "Special cause: improvement",
        "Special cause: concern",
    ]
    assert colour["scale"]["range"] == ["#a6a6a6", "#00b0f0", "#e46c0a"]
    assert shape["scale"]["range"] == ["circle", "diamond", "square"]
    assert len(set(charts.SHAPES.values())) == len(charts.SHAPES)  # distinct for every type
    assert points["encoding"]["size"]["condition"] == {"test": "datum.special", "value": 90}


def test_a_neutral_measure_shows_high_and_low_special_causes_with_triangles():
    values = [10.0, 11, 9, 10, 12, 8, 10, 11, 9, 10, 10, 11, 9, 10, 40, 10, 9, 11, 10, -20, 10]
    measure = rate_measure(
        denominator="none", multiplier=1.0, default_chart="xmr", improvement="neutral"
    )
    analysis = analysed(measure, series(values, np.ones(len(values))))
    spec = charts.spc_spec(analysis, measure)
    types = {row["type"] for row in spec["data"]["values"]}
    assert {"Special cause: high", "Special cause: low"} <= types
    (points,) = find_layers(spec, lambda layer: layer.get("name") == "points")
    assert points["encoding"]["shape"]["scale"]["range"] == [
        "circle",
        "triangle-up",
        "triangle-down",
    ]


def test_each_point_is_described_for_screen_readers_and_its_tooltip_says_why():
    measure, analysis = u_chart_with_gap_and_spike()
    (points,) = find_layers(
        charts.spc_spec(analysis, measure), lambda layer: layer.get("name") == "points"
    )
    assert points["encoding"]["description"] == {"field": "aria", "type": "nominal"}
    assert {"calculate": "datum.label + ': ' + datum.why", "as": "aria"} in points["transform"]
    tooltip = {t["title"]: t for t in points["encoding"]["tooltip"]}
    assert list(tooltip) == [
        "Week beginning",
        "Per 1,000 occupied bed days",
        "Restrictive interventions (incident x type)",
        "Occupied bed days",
        "Centre line",
        "Lower limit",
        "Upper limit",
        "Point",
        "Why",
    ]
    assert tooltip["Why"]["field"] == "why"


# --- limits, rebases, target, annotations --------------------------------------------------


def test_limits_are_step_lines_broken_at_each_rebase_with_a_label():
    counts = np.tile([3.0, 2.0, 4.0, 3.0], 10)
    measure = rate_measure()
    rebase = START + dt.timedelta(weeks=20)
    analysis = analysed(measure, series(counts), rebases={1: [rebase]})
    spec = charts.spc_spec(analysis, measure)
    steps = find_layers(spec, lambda layer: layer["mark"].get("interpolate") == "step")
    assert sorted(layer["encoding"]["y"]["field"] for layer in steps) == [
        "centre",
        "lower",
        "upper",
    ]
    assert all(layer["encoding"]["detail"]["field"] == "segment" for layer in steps)
    assert {row["segment"] for row in spec["data"]["values"]} == {0, 1}
    notes = find_layers(spec, lambda layer: layer["mark"]["type"] == "rule")
    assert notes, "a rule marks the rebase"
    values = next(
        layer["data"]["values"]
        for layer in spec["layer"]
        if "data" in layer
        and "layer" in layer
        and any(v.get("short") for v in layer["data"]["values"])
    )
    assert values == [
        {
            "date": "2024-05-20",
            "label": "20 May 2024",
            "note": "Limits recalculated",
            "short": "Limits recalculated",
            "kind": "Limits recalculated",
            "lane": 2,
            "side": "right",
        }
    ]


def test_a_run_chart_has_a_median_and_no_limits_or_icons():
    measure = rate_measure()
    analysis = analysed(measure, series([3.0, 2, 4, 3, 3, 2, 4, 3, 2, 3]))  # 10 points
    assert analysis.chart == "run"
    spec = charts.spc_spec(analysis, measure)
    steps = find_layers(spec, lambda layer: layer["mark"].get("interpolate") == "step")
    assert [layer["encoding"]["y"]["field"] for layer in steps] == ["centre"]
    got = icons.icons_for(analysis, measure)
    assert got.variation is None and got.assurance is None
    assert icons.summary_line(analysis, measure).startswith("Only 10 weeks with data")


def test_the_target_is_a_dashed_line_only_when_set():
    measure, analysis = u_chart_with_gap_and_spike()
    assert not find_layers(
        charts.spc_spec(analysis, measure),
        lambda layer: (
            "strokeDash" in layer["mark"] and layer["mark"].get("color") == charts.TARGET_COLOUR
        ),
    )
    measure.target = 20.0
    spec = charts.spc_spec(analysis, measure)
    (rule,) = find_layers(
        spec,
        lambda layer: (
            layer["mark"].get("color") == charts.TARGET_COLOUR and layer["mark"]["type"] == "rule"
        ),
    )
    assert rule["mark"]["strokeDash"] == [8, 4]
    assert "Target 20.0" in json.dumps(spec)


def test_annotations_are_rules_with_short_labels_and_full_tooltips():
    measure, analysis = u_chart_with_gap_and_spike()
    notes = [
        ChartAnnotation(
            START + dt.timedelta(weeks=5), "Safewards launched on the ward today", "change"
        ),
        ChartAnnotation(
            START + dt.timedelta(weeks=8), "Learning session 2: Sustaining", "learning_session"
        ),
        ChartAnnotation(dt.date(2030, 1, 1), "After the chart", "event"),
    ]
    spec = charts.spc_spec(analysis, measure, annotations=notes)
    (group,) = [
        layer for layer in spec["layer"] if "layer" in layer and "short" in json.dumps(layer)
    ]
    assert [m["mark"]["type"] for m in group["layer"]] == ["rule", "text", "text"]
    rows = group["data"]["values"]
    assert [r["note"] for r in rows] == [
        "Safewards launched on the ward today",
        "Learning session 2: Sustaining",
    ]
    assert rows[0]["short"] == "Safewards launched on…" and len(rows[0]["short"]) <= 22
    assert rows[1]["kind"] == "Learning session"
    assert [r["lane"] for r in rows] == [2, 14]  # the second would overlap the first


def test_crowded_annotation_labels_take_free_lanes_or_none():
    measure, analysis = u_chart_with_gap_and_spike()
    notes = [
        ChartAnnotation(START + dt.timedelta(weeks=2, days=i), f"PDSA cycle {i} started", "change")
        for i in range(6)
    ] + [ChartAnnotation(START + dt.timedelta(weeks=38), "Learning session 6", "event")]
    spec = charts.spc_spec(analysis, measure, annotations=notes)
    rows = next(layer["data"]["values"] for layer in spec["layer"] if "short" in json.dumps(layer))
    labelled = [r for r in rows if r["short"]]
    assert [r["lane"] for r in labelled] == [2, 14, 26, 38, 2]  # four lanes, then free space
    assert rows[4]["short"] == rows[5]["short"] == ""  # no room: rule and tooltip only
    assert rows[4]["note"] == "PDSA cycle 4 started"
    assert rows[-1]["side"] == "left"  # near the right edge the label sits left of its rule


def test_names_read_well_inside_sentences():
    assert charts.in_sentence("Restrictive interventions") == "restrictive interventions"
    assert charts.in_sentence("AWOL") == "AWOL"
    assert ChartAnnotation(START, "x", "pdsa_start").kind_in_sentence == "PDSA cycle started"


def test_annotation_links_are_only_site_paths_or_web_addresses():
    note = ChartAnnotation(START, "x", "event", link="javascript:alert(1)")
    assert note.safe_link == ""
    assert ChartAnnotation(START, "x", "event", link="/improvement/pdsa/3/").safe_link
    assert ChartAnnotation(START, "x", "event", link="https://example.nhs.uk/a").safe_link
    assert ChartAnnotation(START, "x", "event", link="//evil.example").safe_link == ""


# --- the whole spec ----------------------------------------------------------------------------


def test_the_spec_is_valid_deterministic_json_with_a_title_and_description():
    measure, analysis = u_chart_with_gap_and_spike()
    first = charts.spec_json(charts.spc_spec(analysis, measure, subject="Aspen Ward"))
    second = charts.spec_json(charts.spc_spec(analysis, measure, subject="Aspen Ward"))
    assert first == second
    spec = json.loads(first)  # no NaN: spec_json refuses them (allow_nan=False)
    assert spec["$schema"].endswith("/vega-lite/v6.json")
    assert spec["title"] == {
        "text": "Restrictive interventions",
        "subtitle": "u chart (rate) · Aspen Ward",
        "anchor": "start",
    }
    assert spec["description"].startswith(
        "u chart (rate) of restrictive interventions (per 1,000 occupied bed days) for Aspen Ward,"
        " 40 weeks from 1 Jan 2024 to 30 Sep 2024, 1 missing. Latest value 28.6 (30 Sep 2024)."
    )
    assert spec["width"] == "container"


def test_vl_convert_compiles_and_renders_the_spec_to_svg_and_png():
    measure, analysis = u_chart_with_gap_and_spike()
    measure.target = 20.0
    notes = [ChartAnnotation(START + dt.timedelta(weeks=5), "Safewards", "change")]
    spec = charts.for_server(charts.spc_spec(analysis, measure, annotations=notes))
    assert spec["width"] == charts.SERVER_WIDTH
    vega = vl_convert.vegalite_to_vega(spec)
    assert vega["description"].startswith("u chart (rate)")
    svg = vl_convert.vegalite_to_svg(spec)
    assert svg.startswith("<svg") and "Restrictive interventions" in svg
    assert "Safewards" in svg and "Target 20.0" in svg and "Upper limit" in svg
    png = vl_convert.vegalite_to_png(spec)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_table_rows_use_the_tooltip_digits_and_say_missing():
    measure, analysis = u_chart_with_gap_and_spike()
    rows = charts.table_rows(analysis, measure)
    assert rows[0].value == "28.6" and rows[0].numerator == "3" and rows[0].denominator == "105"
    assert rows[MISSING].value == "Missing" and rows[MISSING].numerator == "Missing"
    assert rows[SPIKE].special and "Above the upper control limit" in rows[SPIKE].why
    fmt = charts.number_format(analysis)
    assert fmt.value_d3 == ",.1f" and fmt.value(28.5714) == "28.6"


def test_no_annotation_text_can_close_the_json_script_tag():
    measure, analysis = u_chart_with_gap_and_spike()
    hostile = ChartAnnotation(START, "</script><script>alert(1)</script>", "event")
    block = charts.chart_block(analysis, measure, dom_id="chart-ri", annotations=[hostile])
    html = str(block.spec_script)
    assert html.startswith('<script id="chart-ri-spec" type="application/json">{')
    assert html.count("</script>") == 1 and html.endswith("}</script>")
    body = html.removeprefix('<script id="chart-ri-spec" type="application/json">')
    assert json.loads(body.removesuffix("</script>")) == block.spec


# --- icons -------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(icons.VARIATION_TEXT))
def test_every_variation_icon_is_an_image_with_its_text_as_title(key):
    svg = str(icons.variation_svg(key))
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert f"<title>{icons.VARIATION_TEXT[key]}</title>" in svg
    assert ("H</text>" in svg) == key.endswith("_high")
    assert ("L</text>" in svg) == key.endswith("_low")


@pytest.mark.parametrize("key", sorted(icons.ASSURANCE_TEXT))
def test_every_assurance_icon_is_an_image_with_its_text_as_title(key):
    svg = str(icons.assurance_svg(key))
    assert 'role="img"' in svg and f"<title>{icons.ASSURANCE_TEXT[key]}</title>" in svg


def test_icon_text_reads_like_making_data_count():
    assert icons.variation_text("improvement_low") == (
        "Special cause variation: improvement (lower)"
    )
    assert icons.variation_text("concern_high") == "Special cause variation: concern (higher)"
    assert icons.assurance_text(None, has_target=False) == "No target set, so no assurance icon"
    assert icons.variation_svg(None) == "" and icons.assurance_svg("unknown") == ""


def test_the_summary_says_why_the_latest_point_is_flagged_or_not():
    measure, analysis = u_chart_with_gap_and_spike()
    assert icons.summary_line(analysis, measure) == (
        "The latest week is within the limits; 1 earlier point is flagged."
    )
    counts = np.tile([3.0, 2.0, 4.0, 3.0], 5)
    counts[-1] = 16
    latest = analysed(measure, series(counts))
    got = icons.icons_for(latest, measure)
    assert got.variation == "concern_high"
    assert got.variation_text == "Special cause variation: concern (higher)"
    assert icons.summary_line(latest, measure) == (
        "The latest week is flagged: above the upper control limit."
    )


def test_a_u_chart_flags_a_sustained_shift_with_the_making_data_count_rules():
    measure = rate_measure()
    counts = np.array([4.0, 5, 4, 3, 5, 4, 4, 5, 3, 4] * 2 + [2.0, 3, 2, 2, 3, 2, 2, 3, 2, 2] * 2)
    analysis = analysed(measure, series(counts))
    assert analysis.chart == "u"
    rows = charts.point_rows(analysis, measure)
    assert rows[-1]["why"] == "Special cause: improvement. 20th point in a row below the mean"
    got = icons.icons_for(analysis, measure)
    assert got.variation == "improvement_low"
    assert icons.summary_line(analysis, measure) == (
        "The latest week is flagged: 20th point in a row below the mean."
    )


def test_assurance_uses_the_target_against_the_limits():
    measure = rate_measure(target=200.0)
    analysis = analysed(measure, series(np.tile([3.0, 2.0, 4.0, 3.0], 5)))
    got = icons.icons_for(analysis, measure)
    assert got.assurance == "pass"  # lower is better and the target is above the upper limit
    assert got.assurance_text == "Assurance: the process will consistently meet the target"
