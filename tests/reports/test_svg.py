"""Charts drawn on the server become one accessible image each, with ids of their own."""

from __future__ import annotations

from mhsip.reports.svg import accessible_svg, inline_svg

SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" class="marks" width="100" height="50" '
    'role="graphics-document" aria-roledescription="visualization">'
    '<defs><clipPath id="clip1"><rect/></clipPath></defs>'
    '<g role="graphics-symbol" aria-label="Point 1" clip-path="url(#clip1)"><path/></g></svg>'
)


def test_the_chart_is_one_image_with_a_title_and_description():
    out = str(accessible_svg(SVG, dom_id="c1", title="Rate & chart", description="Falls."))
    assert out.startswith('<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50"')
    assert 'role="img"' in out and 'aria-labelledby="c1-title"' in out
    assert '<title id="c1-title">Rate &amp; chart</title><desc id="c1-desc">Falls.</desc>' in out
    assert "graphics-symbol" not in out and "aria-label=" not in out


def test_ids_and_their_references_get_the_chart_prefix():
    out = str(accessible_svg(SVG, dom_id="c1", title="t", description="d"))
    assert 'id="c1-clip1"' in out and "url(#c1-clip1)" in out and 'id="clip1"' not in out


def test_a_vega_lite_spec_is_drawn_on_the_server():
    axis = {"type": "quantitative"}
    spec = {
        "data": {"values": [{"x": 1, "y": 2}, {"x": 2, "y": 3}]},
        "mark": "line",
        "encoding": {"x": {"field": "x", **axis}, "y": {"field": "y", **axis}},
    }
    out = str(inline_svg(spec, dom_id="line", title="A line", description="Up."))
    assert out.startswith("<svg") and out.endswith("</svg>") and "<path" in out
