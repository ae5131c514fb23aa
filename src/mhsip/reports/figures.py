"""The one helper every published number goes through, and the check that proves it.

Reports (and the analyst's view of the monitoring pages) never format a number themselves:
they ask a :class:`Publisher` for a :class:`Figure`, which carries the text to print and its
*kind*, and templates print figures in cells marked with that kind
(``reports/_figures.html``). :func:`forbidden_cells` then reads the finished HTML and lists any
table cell that shows a count the rule forbids, or a bare number that did not come through
here; the generator refuses to store a report with one (and the tests scan the demo reports).

Rules (domain brief §2.5, §10 and "Software implications" E; :mod:`mhsip.stats.disclosure`):

``hes`` (the default)
    NHS Digital's HES/ECDS rule: counts of 1 to 7 are shown as ``*``, zero as 0, every other
    count rounded to the nearest 5; rates and percentages are worked out from the rounded
    counts; a rate is suppressed when its numerator (or the people behind it) would be, or when
    it rests on fewer than 100 occupied bed days (the MHSDS rule for MHS96).
``mhsds``
    The MHSDS restrictive-interventions rule: 0 to 4 suppressed, the rest to the nearest 5.
``none``
    No suppression: for a ward pack kept inside the ward's own team, who may open every record
    anyway (Caldicott principle 4). The pack says "Not for publication" on every page.

Kinds of figure:

``count``
    People or events (incidents, interventions, deaths, bed days, attendances). Always under
    the rule, with secondary suppression when a breakdown is published with its total.
``rate`` / ``percent``
    Suppressed when their numerator or denominator would be; computed from rounded counts
    under HES.
``statistic``
    Complex statistics: SPC centre lines and limits, confidence intervals, % change. The HES
    methodology needs no disclosure control for these; a % change is still published only when
    both rates it compares are.
``plain``
    Numbers that are not about people: wards, trusts, meetings, PDSA cycles, weeks. Shown as
    they are.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser
from typing import Any

import numpy as np
from markupsafe import Markup

from mhsip.stats import (
    HES_RULE,
    MHSDS_RULE,
    DisclosureRule,
    disclose_counts,
    disclose_rates,
    disclose_table,
    disclose_vector,
    round_to_base,
)

INTERNAL_RULE = DisclosureRule(
    name="None (internal use only: not for publication)",
    threshold=0,
    suppress_zero=False,
    rounding_base=1,
    min_denominator=0.0,
    rates_from_rounded=False,
)
RULES: dict[str, DisclosureRule] = {"hes": HES_RULE, "mhsds": MHSDS_RULE, "none": INTERNAL_RULE}
RULE_LABELS = {
    "hes": "HES rule: counts of 1 to 7 hidden (*), others rounded to the nearest 5",
    "mhsds": "MHSDS rule: counts of 0 to 4 hidden (*), others rounded to the nearest 5",
    "none": "No suppression: for the ward team only, not for publication",
}
DEFAULT_RULE = "hes"

COUNT, RATE, PERCENT, STATISTIC, PLAIN = "count", "rate", "percent", "statistic", "plain"
KINDS = frozenset({COUNT, RATE, PERCENT, STATISTIC, PLAIN})
MISSING = "Missing"
NOT_AVAILABLE = "Not available"


@dataclass(frozen=True)
class Figure:
    """A number as published: its text, its kind and whether the rule hid it."""

    text: str
    kind: str
    suppressed: bool = False

    def __str__(self) -> str:
        return self.text

    def __html__(self) -> str:
        return escape(self.text)

    @property
    def shown(self) -> bool:
        """A number is printed (not hidden, not missing)."""
        return not self.suppressed and self.text not in {MISSING, NOT_AVAILABLE}


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


class Publisher:
    """Turns raw figures into published :class:`Figure` objects under one rule."""

    def __init__(self, rule: DisclosureRule | str = DEFAULT_RULE) -> None:
        self.rule = RULES[rule] if isinstance(rule, str) else rule
        self.key = next((k for k, r in RULES.items() if r == self.rule), "custom")

    @property
    def marker(self) -> str:
        return self.rule.marker

    @property
    def suppresses(self) -> bool:
        """Whether this rule hides or rounds anything (false for ``none``)."""
        return self.rule.threshold > 0 or self.rule.rounding_base > 1

    @property
    def label(self) -> str:
        return RULE_LABELS.get(self.key, self.rule.name)

    # --- counts ----------------------------------------------------------------------------

    def count(self, value: float | None) -> Figure:
        """A count published on its own (no total beside it)."""
        if _missing(value):
            return Figure(MISSING, COUNT)
        d = disclose_counts([float(value)], rule=self.rule)  # type: ignore[arg-type]
        return Figure(str(d.render()[0]), COUNT, bool(d.suppressed[0]))

    def counts(self, values: Sequence[float]) -> list[Figure]:
        """A breakdown and its total (the last figure), with secondary suppression so a
        hidden count cannot be recovered by subtraction."""
        d = disclose_vector([float(v) for v in values], rule=self.rule)
        return [
            Figure(str(t), COUNT, bool(s))
            for t, s in zip(d.render().tolist(), d.suppressed.tolist(), strict=True)
        ]

    def table(self, cells: Sequence[Sequence[float]]) -> list[list[Figure]]:
        """A two-way table with row totals (last column) and column totals (last row)."""
        d = disclose_table(np.asarray(cells, dtype=float), rule=self.rule)
        text, hidden = d.render().tolist(), d.suppressed.tolist()
        return [
            [Figure(str(t), COUNT, bool(s)) for t, s in zip(row, flags, strict=True)]
            for row, flags in zip(text, hidden, strict=True)
        ]

    # --- rates and percentages -------------------------------------------------------------

    def rate(
        self,
        events: float | None,
        denominator: float | None,
        *,
        multiplier: float = 1000.0,
        decimals: int = 1,
        people: float | None = None,
        hidden: bool = False,
    ) -> Figure:
        """A rate per ``multiplier`` (per 1,000 occupied bed days by default). ``hidden``:
        its count was hidden by secondary suppression elsewhere, so hide the rate too."""
        if _missing(events) or _missing(denominator):
            return Figure(MISSING, RATE)
        if float(denominator) <= 0:  # type: ignore[arg-type]
            return Figure(NOT_AVAILABLE, RATE)
        d = disclose_rates(
            [float(events)],  # type: ignore[arg-type]
            [float(denominator)],  # type: ignore[arg-type]
            rule=self.rule,
            multiplier=multiplier,
            decimals=decimals,
            people=None if _missing(people) else [float(people)],  # type: ignore[arg-type]
            numerator_suppressed=[hidden],
        )
        return Figure(str(d.render()[0]), RATE, bool(d.suppressed[0]))

    def percent(
        self, part: float | None, whole: float | None, *, decimals: int = 0, hidden: bool = False
    ) -> Figure:
        """``part`` as a percentage of ``whole``: hidden when either count would be (the
        MHSDS convention for proportions); from the rounded counts under HES."""
        if _missing(part) or _missing(whole):
            return Figure(MISSING, PERCENT)
        p, w = float(part), float(whole)  # type: ignore[arg-type]
        if w <= 0:
            return Figure(NOT_AVAILABLE, PERCENT)
        if hidden or bool(self.rule.suppresses([p, w]).any()):
            return Figure(self.marker, PERCENT, True)
        if self.rule.rates_from_rounded:
            p, w = (float(v) for v in round_to_base([p, w], self.rule.rounding_base))
            if w <= 0:
                return Figure(NOT_AVAILABLE, PERCENT)
        return Figure(f"{100 * p / w:.{decimals}f}%", PERCENT)

    # --- numbers outside the rule ----------------------------------------------------------

    def statistic(
        self, value: float | None, *, decimals: int = 1, suffix: str = "", signed: bool = False
    ) -> Figure:
        """A complex statistic (SPC centre line or limit, interval, ratio): no control."""
        if _missing(value) or not math.isfinite(float(value)):  # type: ignore[arg-type]
            return Figure(NOT_AVAILABLE, STATISTIC)
        sign = "+" if signed else ""
        return Figure(f"{float(value):{sign},.{decimals}f}{suffix}", STATISTIC)  # type: ignore[arg-type]

    def plain(self, value: float | None) -> Figure:
        """A number that is not about people (wards, meetings, PDSA cycles, weeks)."""
        if _missing(value):
            return Figure(MISSING, PLAIN)
        return Figure(f"{float(value):,.0f}", PLAIN)  # type: ignore[arg-type]

    def text(self, value: str) -> Figure:
        """Words in a figure's place (e.g. "No data"), marked plain."""
        return Figure(value, PLAIN)

    def change(
        self, b_events: float, b_days: float, l_events: float, l_days: float
    ) -> tuple[Figure, Figure, Figure]:
        """The baseline rate, the later rate and the % change in words with its 95% interval
        (exact, :func:`mhsip.measures.public.describe_change`), published only when both
        rates are."""
        from mhsip.measures.public import describe_change

        before = self.rate(b_events, b_days)
        after = self.rate(l_events, l_days)
        if not (before.shown and after.shown):
            return before, after, Figure(self.marker, STATISTIC, True)
        return before, after, Figure(describe_change(b_events, b_days, l_events, l_days), STATISTIC)


# --- the check -------------------------------------------------------------------------------

NUMBER = re.compile(r"^[+-]?\d[\d,]*(\.\d+)?%?$")


@dataclass(frozen=True)
class Cell:
    kind: str | None
    text: str
    caption: str


class _Cells(HTMLParser):
    """Collects the text of every ``td`` and ``th`` with its ``data-kind``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.cells: list[Cell] = []
        self._open: list[tuple[str | None, list[str]]] = []
        self._caption: list[str] | None = None
        self.caption = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"td", "th"}:
            self._open.append((dict(attrs).get("data-kind"), []))
        elif tag == "caption":
            self._caption = []
        elif tag == "table":
            self.caption = ""

    def handle_endtag(self, tag: str) -> None:
        if tag in {"td", "th"} and self._open:
            kind, parts = self._open.pop()
            text = " ".join("".join(parts).split())
            self.cells.append(Cell(kind, text, self.caption))
            if self._open:
                self._open[-1][1].append(text)
        elif tag == "caption" and self._caption is not None:
            self.caption = " ".join("".join(self._caption).split())
            self._caption = None

    def handle_data(self, data: str) -> None:
        if self._open:
            self._open[-1][1].append(data)
        if self._caption is not None:
            self._caption.append(data)


def table_cells(html: str) -> list[Cell]:
    parser = _Cells()
    parser.feed(html)
    parser.close()
    return parser.cells


def allowed_count(text: str, rule: DisclosureRule) -> bool:
    """Whether a published count cell is one the rule allows: its marker, words (Missing),
    or a number the rule would not suppress that is a multiple of its rounding base."""
    if text == rule.marker or not NUMBER.match(text):
        return True
    value = float(text.replace(",", "").rstrip("%"))
    if bool(rule.suppresses([value])[0]):
        return False
    return value % rule.rounding_base == 0


def forbidden_cells(html: str, rule: DisclosureRule) -> list[str]:
    """Every table cell that breaks the rule: a count the rule forbids, or a bare number that
    carries no ``data-kind`` (so did not come through :class:`Publisher`). Empty: all good."""
    problems = []
    for cell in table_cells(html):
        where = f"{cell.text!r} in table {cell.caption!r}"
        if cell.kind is None:
            if NUMBER.match(cell.text):
                problems.append(f"unmarked number {where}")
        elif cell.kind not in KINDS:
            problems.append(f"unknown kind {cell.kind!r}: {where}")
        elif cell.kind == COUNT and not allowed_count(cell.text, rule):
            problems.append(f"forbidden count {where}")
    return problems


def cell(figure: Figure, *, header: bool = False, classes: str = "") -> Markup:
    """A numeric table cell for ``figure`` (``data-kind`` says what it is)."""
    tag = "th" if header else "td"
    base = "nhsuk-table__header" if header else "nhsuk-table__cell"
    css = f"{base} {base}--numeric mhsip-numeric {classes}".strip()
    scope = ' scope="row"' if header else ""
    return Markup(
        f'<{tag}{scope} class="{css}" data-kind="{figure.kind}">{escape(figure.text)}</{tag}>'
    )


__all__ = [
    "COUNT",
    "DEFAULT_RULE",
    "INTERNAL_RULE",
    "PERCENT",
    "PLAIN",
    "RATE",
    "RULES",
    "STATISTIC",
    "Figure",
    "Publisher",
    "allowed_count",
    "cell",
    "forbidden_cells",
    "table_cells",
]
