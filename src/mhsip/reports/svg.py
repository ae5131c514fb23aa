"""Charts as inline SVG: the measures chart builder's Vega-Lite spec, drawn on the server by
vl-convert (:func:`mhsip.measures.charts.render_svg`, cached by the spec's content), made into
one accessible image.

The same SVG goes into the HTML page and, through WeasyPrint, into the PDF. Each chart is an
``<svg role="img">`` with a ``<title>`` and a ``<desc>`` (WCAG 2.2 1.1.1), its inner ARIA
attributes removed (the image is one thing to a screen reader; its numbers are in the data
table beside it), and its ids prefixed so that several charts on one page never share an id.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

from markupsafe import Markup

from mhsip.measures.charts import render_svg

_ARIA = re.compile(r'\s(?:role|aria-[a-z]+)="[^"]*"')
_ID = re.compile(r'\bid="([^"]+)"')
_URL_REF = re.compile(r"url\(#([^)]+)\)")
_HREF_REF = re.compile(r'((?:xlink:)?href)="#([^"]+)"')


def accessible_svg(svg: str, *, dom_id: str, title: str, description: str) -> Markup:
    """``svg`` (one ``<svg>`` element) as an accessible image with a title and description."""
    start = svg.index("<svg")
    end = svg.index(">", start)
    root, body = svg[start:end], svg[end + 1 :]
    body = _ARIA.sub("", body)
    body = _ID.sub(lambda m: f'id="{dom_id}-{m.group(1)}"', body)
    body = _URL_REF.sub(lambda m: f"url(#{dom_id}-{m.group(1)})", body)
    body = _HREF_REF.sub(lambda m: f'{m.group(1)}="#{dom_id}-{m.group(2)}"', body)
    root = _ARIA.sub("", root)
    root = re.sub(r'\sclass="[^"]*"', "", root)
    root += (
        f' id="{dom_id}" class="mhsip-report-chart" role="img" focusable="false"'
        f' aria-labelledby="{dom_id}-title" aria-describedby="{dom_id}-desc">'
    )
    head = (
        f'<title id="{dom_id}-title">{escape(title)}</title>'
        f'<desc id="{dom_id}-desc">{escape(description)}</desc>'
    )
    return Markup(root + head + body)


def inline_svg(spec: dict[str, Any], *, dom_id: str, title: str, description: str) -> Markup:
    """Render ``spec`` on the server and return it as an accessible inline SVG."""
    return accessible_svg(render_svg(spec), dom_id=dom_id, title=title, description=description)


__all__ = ["accessible_svg", "inline_svg"]
