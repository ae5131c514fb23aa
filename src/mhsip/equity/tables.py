"""Tables as shown: every cell already formatted, and whether it was suppressed.

Pages, CSV exports and the API all render these objects, so what a test checks here is exactly
what a reader sees. A cell keeps the unrounded figure it stands for (``raw``) for the tests;
templates and exports use ``text`` (and the API ``value``, ``None`` when suppressed) only.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from mhsip.stats import DisclosureRule

SUPPRESSED_EXPLANATION = (
    "* = not shown to protect confidentiality: a count of 1 to 7 (counts of 8 or more are "
    "rounded to the nearest 5), a figure that would let a hidden count be worked out from the "
    "totals, a rate resting on a hidden count or on fewer than 100 occupied bed days, or a "
    "ratio or interval resting on a hidden count."
)
NOT_ESTIMABLE = "–"


@dataclass(frozen=True)
class Cell:
    """One cell: ``text`` as shown; ``value`` the published number (``None`` when suppressed
    or missing); ``raw`` the unrounded figure behind it (never shown where published);
    ``kind``: "label", "count", "bed_days", "rate", "ratio", "interval", "share",
    "population" or "text"."""

    text: str
    kind: str = "text"
    value: float | None = None
    raw: float | None = None
    suppressed: bool = False
    note: str = ""

    @property
    def numeric(self) -> bool:
        return self.kind not in {"label", "text"}


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"

    @property
    def numeric(self) -> bool:
        return self.kind not in {"label", "text"}


@dataclass(frozen=True)
class Table:
    """A table as published (``rule`` set: disclosure-controlled) or for local audit
    (``rule`` None: unsuppressed). ``denominator`` labels what rates are per."""

    key: str
    caption: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    rule: DisclosureRule | None
    denominator: str = ""
    notes: tuple[str, ...] = ()
    total_row: bool = False

    @property
    def published(self) -> bool:
        return self.rule is not None

    @property
    def has_suppressed(self) -> bool:
        return any(c.suppressed for row in self.rows for c in row)

    def cells(self) -> Iterable[tuple[Column, Cell]]:
        for row in self.rows:
            yield from zip(self.columns, row, strict=True)

    def as_records(self) -> list[dict[str, Any]]:
        """Rows as dicts of published values (``None`` where suppressed), for the API."""
        out = []
        for row in self.rows:
            record: dict[str, Any] = {}
            for col, cell in zip(self.columns, row, strict=True):
                record[col.key] = cell.value if col.numeric else cell.text
                if col.numeric and cell.suppressed:
                    record[f"{col.key}_suppressed"] = True
            out.append(record)
        return out


@dataclass(frozen=True)
class Formats:
    """How many decimals each kind of figure shows."""

    rate: int = 1
    ratio: int = 2
    share: int = 0
    population: int = 0
    extra: dict[str, int] = field(default_factory=dict)


def number(value: float | None, decimals: int = 0) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    return f"{value:,.{decimals}f}"


def missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def label(text: str) -> Cell:
    return Cell(text, "label")


def text_cell(text: str) -> Cell:
    return Cell(text, "text")


def count_cell(raw: float, published: float | None, suppressed: bool, marker: str = "*") -> Cell:
    """A count: ``published`` is its rounded value (or the raw count, unsuppressed)."""
    if suppressed:
        return Cell(marker, "count", None, raw, True)
    return Cell(number(published), "count", published, raw)


def figure_cell(
    kind: str,
    value: float | None,
    decimals: int,
    *,
    suppressed: bool = False,
    marker: str = "*",
    empty: str = NOT_ESTIMABLE,
    note: str = "",
    raw: float | None = None,
) -> Cell:
    if suppressed:
        return Cell(marker, kind, None, raw if raw is not None else value, True, note)
    if missing(value):
        return Cell(empty, kind, None, raw, False, note)
    return Cell(
        number(value, decimals),
        kind,
        float(value),
        raw if raw is not None else value,  # type: ignore[arg-type]
        False,
        note,
    )


def interval_cell(
    lower: float | None,
    upper: float | None,
    decimals: int,
    *,
    suppressed: bool = False,
    marker: str = "*",
) -> Cell:
    if suppressed:
        return Cell(marker, "interval", None, None, True)
    if missing(lower) or missing(upper):
        return Cell(NOT_ESTIMABLE, "interval")
    hi = "infinity" if math.isinf(upper) else number(upper, decimals)  # type: ignore[arg-type]
    return Cell(f"{number(lower, decimals)} to {hi}", "interval")


def csv_text(tables: Sequence[Table], *, preamble: Sequence[str] = ()) -> str:
    """Tables one after another in one CSV: a title line, a header, the rows, the notes.

    Suppressed cells are ``*`` exactly as on the page; an explanation is in the notes.
    """
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for line in preamble:
        writer.writerow([line])
    for t in tables:
        writer.writerow([])
        writer.writerow([t.caption + (f" ({t.denominator})" if t.denominator else "")])
        writer.writerow([c.label for c in t.columns])
        for row in t.rows:
            writer.writerow([cell.text for cell in row])
        for note in t.notes:
            writer.writerow([note])
    if any(t.published for t in tables):
        writer.writerow([])
        writer.writerow([SUPPRESSED_EXPLANATION])
    return buf.getvalue()
