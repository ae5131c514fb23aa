"""Making Data Count variation and assurance icons, their text equivalents, and a one-line
plain-English summary of a chart.

The icons are our own small drawings in the Making Data Count style (a ringed circle with a
letter and a run of dots; NHS England, *Making Data Count: strengthening your decisions*, and
the icon set NHSRplotthedots 0.2.2 ships in ``inst/icons``). Each is an inline SVG with
``role="img"`` and a ``<title>``, and is always shown beside its text, so neither colour nor
shape carries meaning alone (WCAG 2.2 1.1.1, 1.4.1; landscape §3.3 "a variation-type text
column for executives").

Which icon applies is decided by the SPC engine (``SPCResult.variation_icon`` and
``assurance_icon``, docs/spc.md "Point types and icons"); this module only draws and words it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

from markupsafe import Markup

from mhsip.measures.models import Period

if TYPE_CHECKING:  # pragma: no cover
    from mhsip.measures.analysis import WardAnalysis
    from mhsip.measures.models import Measure

MIN_POINTS_FOR_LIMITS = 13  # Making Data Count: limits and icons from 13 points

# Icon colours: the Making Data Count hues, darkened where needed for 3:1 against white
# (WCAG 2.2 1.4.11): blue #0072c6 and grey #7f7f7f are the NHSRplotthedots icon colours.
BLUE = "#0072c6"
ORANGE = "#c35a00"
PURPLE = "#490092"
GREY = "#6b6b6b"

VARIATION_TEXT = {
    "common_cause": "Common cause variation: no significant change",
    "improvement_high": "Special cause variation: improvement (higher)",
    "improvement_low": "Special cause variation: improvement (lower)",
    "concern_high": "Special cause variation: concern (higher)",
    "concern_low": "Special cause variation: concern (lower)",
    "neutral_high": "Special cause variation: higher, neither improvement nor concern",
    "neutral_low": "Special cause variation: lower, neither improvement nor concern",
}
"""Text equivalent of each variation icon (Making Data Count wording)."""

ASSURANCE_TEXT = {
    "pass": "Assurance: the process will consistently meet the target",
    "fail": "Assurance: the process will consistently miss the target",
    "inconsistent": "Assurance: the process will sometimes meet and sometimes miss the target",
}
"""Text equivalent of each assurance icon (Making Data Count wording)."""

NO_TARGET_TEXT = "No target set, so no assurance icon"
NO_ASSURANCE_TEXT = "No assurance icon: the measure has no better direction"
RUN_CHART_TEXT = "No variation icon: a run chart has no limits"


def _colour(key: str) -> str:
    if key.startswith("improvement") or key == "pass":
        return BLUE
    if key.startswith("concern") or key == "fail":
        return ORANGE
    if key.startswith("neutral"):
        return PURPLE
    return GREY


def _svg(title: str, colour: str, body: str, size: int, css: str) -> Markup:
    return Markup(
        f'<svg class="mhsip-icon {css}" role="img" focusable="false" width="{size}" '
        f'height="{size}" viewBox="0 0 40 40" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>"
        f'<circle cx="20" cy="20" r="17.5" fill="#ffffff" stroke="{colour}" stroke-width="3"/>'
        f"{body}</svg>"
    )


def _dots(ys: list[float], colours: list[str]) -> str:
    xs = [9.5, 14.75, 20, 25.25, 30.5]
    path = " ".join(
        f"{'M' if i == 0 else 'L'}{x} {y}" for i, (x, y) in enumerate(zip(xs, ys, strict=True))
    )
    out = f'<path d="{path}" fill="none" stroke="{GREY}" stroke-width="1.2"/>'
    for x, y, c in zip(xs, ys, colours, strict=True):
        out += f'<circle cx="{x}" cy="{y}" r="2.3" fill="{c}"/>'
    return out


def _letter(text: str, y: float, colour: str, size: float = 10) -> str:
    return (
        f'<text x="20" y="{y}" text-anchor="middle" font-family="Arial, sans-serif" '
        f'font-weight="700" font-size="{size}" fill="{colour}">{escape(text)}</text>'
    )


def variation_svg(key: str | None, size: int = 40) -> Markup:
    """The variation icon for an engine ``variation_icon`` key ('' for none)."""
    if not key or key not in VARIATION_TEXT:
        return Markup("")
    colour = _colour(key)
    if key == "common_cause":
        body = _dots([21, 18, 22, 19, 21], [GREY] * 5)
    else:
        high = key.endswith("_high")
        ys = [22, 21.5, 22.5, 19, 16] if high else [18, 18.5, 17.5, 21, 24]
        body = _dots(ys, [GREY, GREY, GREY, colour, colour])
        body += _letter("H", 13.5, colour) if high else _letter("L", 33.5, colour)
    return _svg(VARIATION_TEXT[key], colour, body, size, f"mhsip-icon--{key}")


def assurance_svg(key: str | None, size: int = 40) -> Markup:
    """The assurance icon for an engine ``assurance_icon`` key ('' for none)."""
    if not key or key not in ASSURANCE_TEXT:
        return Markup("")
    colour = _colour(key)
    letter = {"pass": "P", "fail": "F", "inconsistent": "?"}[key]
    target_y = {"pass": 28, "fail": 16, "inconsistent": 23}[key]
    body = (
        f'<path d="M5 {target_y} H35" stroke="{colour}" stroke-width="1.6" stroke-dasharray="3 2"/>'
    )
    wave = " ".join(
        f"{'M' if i == 0 else 'L'}{8 + i * 2} {23 + 2.2 * math.sin(i / 1.6):.2f}" for i in range(13)
    )
    body += f'<path d="{wave}" fill="none" stroke="{GREY}" stroke-width="1.6"/>'
    body += _letter(letter, 14 if key != "fail" else 33, colour, 11)
    return _svg(ASSURANCE_TEXT[key], colour, body, size, f"mhsip-icon--{key}")


def variation_text(key: str | None) -> str:
    return VARIATION_TEXT.get(key or "", RUN_CHART_TEXT)


def assurance_text(key: str | None, *, has_target: bool) -> str:
    if key in ASSURANCE_TEXT:
        return ASSURANCE_TEXT[key]
    return NO_ASSURANCE_TEXT if has_target else NO_TARGET_TEXT


@dataclass(frozen=True)
class Icons:
    """The icons of one chart with their text equivalents (``None`` key: no icon)."""

    variation: str | None
    assurance: str | None
    variation_text: str
    assurance_text: str

    @property
    def variation_svg(self) -> Markup:
        return variation_svg(self.variation)

    @property
    def assurance_svg(self) -> Markup:
        return assurance_svg(self.assurance)

    def variation_icon(self, size: int = 40) -> Markup:
        return variation_svg(self.variation, size)

    def assurance_icon(self, size: int = 40) -> Markup:
        return assurance_svg(self.assurance, size)

    @property
    def text(self) -> str:
        return f"{self.variation_text}. {self.assurance_text}."


def icons_for(analysis: WardAnalysis, measure: Measure) -> Icons:
    """The icons of an analysis. A run chart has no limits, so neither icon applies (the
    Making Data Count tools show icons only from 13 points, landscape §3.1)."""
    r = analysis.result
    if analysis.chart == "run" or analysis.points == 0:
        variation, assurance = None, None
    else:
        variation, assurance = r.variation_icon, r.assurance_icon
    return Icons(
        variation=variation,
        assurance=assurance,
        variation_text=variation_text(variation) if analysis.points else "No data in this range",
        assurance_text=assurance_text(assurance, has_target=measure.target is not None),
    )


def _period_word(measure: Measure) -> str:
    return "month" if measure.period == Period.MONTH else "week"


def summary_line(analysis: WardAnalysis, measure: Measure) -> str:
    """One plain-English sentence about the chart, shown under its icons and in its
    description: why the latest point is (or is not) flagged, or the run chart's verdict.
    The icons' own text (:func:`icons_for`) says what the variation and assurance are."""
    r = analysis.result
    present = [i for i in range(len(r)) if not math.isnan(float(r.y[i]))]
    word = _period_word(measure)
    if not present:
        return f"No data for any {word} in this range."
    last = present[-1]
    if analysis.chart == "run":
        few = analysis.points < MIN_POINTS_FOR_LIMITS
        start = (
            f"Only {analysis.points} {word}s with data, so a run chart: limits need "
            f"{MIN_POINTS_FOR_LIMITS}."
            if few and measure.default_chart != "run"
            else "Run chart around the median."
        )
        period = int(r.period[last])
        signal = bool(r.runs_signal[period]) if period < len(r.runs_signal) else False
        runs = (
            "The runs rules signal a shift: a run on one side of the median is too long or "
            "the line crosses the median too rarely."
            if signal
            else "No unusual runs around the median."
        )
        return f"{start} {runs}"
    latest = str(r.explanation[last])
    if bool(r.special_cause[last]):
        why = f"The latest {word} is flagged: {latest[0].lower()}{latest[1:]}."
    else:
        flagged = int(sum(1 for i in present if bool(r.special_cause[i])))
        why = f"The latest {word} is within the limits"
        why += (
            f"; {flagged} earlier {'point is' if flagged == 1 else 'points are'} flagged."
            if flagged
            else " and no point is flagged."
        )
    return why


__all__ = [
    "ASSURANCE_TEXT",
    "VARIATION_TEXT",
    "Icons",
    "assurance_svg",
    "assurance_text",
    "icons_for",
    "summary_line",
    "variation_svg",
    "variation_text",
]
