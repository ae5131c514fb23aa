"""Command-line SPC on a CSV file: the logic behind ``mhsip spc``.

``run_cli(argv)`` parses the arguments, reads the CSV with the standard library, checks every
cell it needs (reporting the row and column of the first bad one), runs
:func:`mhsip.spc.analyse_frame` and writes one row per point (CSV) or one object per series
(JSON). It returns the exit status instead of exiting, so the ``mhsip`` command can wrap it.

Examples
--------
>>> import pathlib, tempfile
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "in.csv").write_text(
...     "ward,week,incidents,bed_days\\n"
...     "A,2024-01-01,3,700\\nA,2024-01-08,1,650\\nA,2024-01-15,4,720\\n"
... )
>>> run_cli([str(folder / "in.csv"), "--chart", "u", "--value", "incidents",
...          "--denominator", "bed_days", "--by", "ward", "--date", "week",
...          "--improvement", "decrease", "--multiplier", "1000",
...          "-o", str(folder / "out.csv")])
0
>>> (folder / "out.csv").read_text().splitlines()[1][:40]
'A,2024-01-01,4.285714285714286,700.0,3.8'
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from ._engine import CHART_NAMES
from ._labels import IMPROVEMENTS
from ._qic import NEEDS_DENOMINATOR
from .frame import analyse_frame
from .result import PERIOD_FIELDS, POINT_FIELDS, SPCFrame

MISSING = {"", "na", "nan", "null", "none", "n/a"}
"""Cell texts read as a missing value (case-insensitive)."""
COUNT_CHARTS = frozenset({"c", "p", "pp", "u", "up"})


class InputError(ValueError):
    """A problem with the input file, naming the row and column."""


def build_parser() -> argparse.ArgumentParser:
    """The ``mhsip spc`` argument parser."""
    p = argparse.ArgumentParser(
        prog="mhsip spc",
        description="Statistical process control charts (Making Data Count XmR, qicharts2 "
        "run/i/mr/t/p/pp/c/u/up/g) for every series in a CSV file.",
    )
    p.add_argument("input", help="CSV file with a header row")
    p.add_argument("--chart", required=True, choices=CHART_NAMES)
    p.add_argument("--value", required=True, help="column of values (counts for u/p/c)")
    p.add_argument("--denominator", help="column of denominators (p, pp, u, up)")
    p.add_argument("--by", nargs="+", default=[], metavar="COL", help="series key column(s)")
    p.add_argument("--date", help="column of ISO dates (YYYY-MM-DD) or numbers ordering points")
    p.add_argument("--improvement", default="neutral", choices=IMPROVEMENTS)
    p.add_argument("--multiplier", type=float, default=1.0, help="e.g. 1000 per 1,000 bed days")
    p.add_argument("--target", type=float, help="target, in output units")
    p.add_argument(
        "--rebase-at",
        nargs="+",
        default=[],
        metavar="WHEN",
        help="dates starting a new period (with --date), else 0-based positions",
    )
    p.add_argument("--fix-after", type=int, help="limits from the first N points per period")
    p.add_argument(
        "--exclude",
        nargs="+",
        type=int,
        default=[],
        metavar="POS",
        help="0-based positions left out of the limits in every series",
    )
    p.add_argument(
        "--no-screen-outliers",
        action="store_true",
        help="do not screen large moving ranges (XmR, I, T, P', U')",
    )
    p.add_argument("-o", "--output", required=True, help="OUT.csv or OUT.json")
    return p


def run_cli(argv: list[str], stderr: TextIO | None = None) -> int:
    """Run ``mhsip spc`` with ``argv`` (without the program name); return the exit status.

    0: success; 1: bad input data (the message names the row and column); 2: bad arguments.
    """
    err = stderr if stderr is not None else sys.stderr
    parser = build_parser()
    try:
        with contextlib.redirect_stderr(err):
            args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse has printed its usage message
        return int(exc.code or 0)
    output = Path(args.output)
    if output.suffix.lower() not in (".csv", ".json"):
        print(f"mhsip spc: error: output must end in .csv or .json: {output}", file=err)
        return 2
    try:
        frame = read_frame(Path(args.input), args)
        result = analyse_frame(
            frame,
            by=args.by,
            value=args.value,
            denominator=args.denominator,
            date=args.date,
            chart=args.chart,
            improvement=args.improvement,
            target=args.target,
            rebase_at=_rebase(args),
            fix_after=args.fix_after,
            exclude=args.exclude,
            multiplier=args.multiplier,
            screen_outliers=not args.no_screen_outliers,
        )
    except (InputError, ValueError, OSError) as exc:
        print(f"mhsip spc: error: {exc}", file=err)
        return 1
    if output.suffix.lower() == ".csv":
        write_csv(result, output, args)
    else:
        write_json(result, output, args)
    return 0


def _rebase(args: argparse.Namespace) -> list[Any]:
    if args.date is None:
        try:
            return [int(v) for v in args.rebase_at]
        except ValueError as exc:
            raise InputError("--rebase-at needs 0-based positions when there is no --date") from exc
    return [_date_or_number(v, "--rebase-at", None) for v in args.rebase_at]


def _date_or_number(text: str, column: str, row: int | None) -> Any:
    where = "" if row is None else f"row {row} (line {row + 1}), "
    try:
        return float(text) if _looks_numeric(text) else np.datetime64(dt.date.fromisoformat(text))
    except ValueError as exc:
        raise InputError(
            f"{where}column {column!r}: {text!r} is not an ISO date (YYYY-MM-DD) or a number"
        ) from exc


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def read_frame(path: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Read and check the columns the analysis needs; raise :class:`InputError` on bad data.

    Row numbers count data rows from 1 (the header is line 1, so row r is on line r + 1).
    """
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        needed = [*args.by, args.value]
        needed += [c for c in (args.denominator, args.date) if c is not None]
        for column in needed:
            if column not in header:
                raise InputError(f"unknown column {column!r} (the file has: {', '.join(header)})")
        rows = list(reader)
    if args.chart in NEEDS_DENOMINATOR and args.denominator is None:
        raise InputError(f"chart {args.chart!r} needs --denominator")
    frame: dict[str, Any] = {c: np.array([r[c] or "" for r in rows], dtype=str) for c in args.by}
    frame[args.value] = _numbers(rows, args.value, negative_ok=args.chart not in COUNT_CHARTS)
    if args.denominator is not None:
        frame[args.denominator] = _numbers(rows, args.denominator, negative_ok=False)
        _check_zero_denominators(frame[args.value], frame[args.denominator], args)
    if args.chart == "t":
        bad = np.flatnonzero(frame[args.value] <= 0)
        if bad.size:
            row = int(bad[0]) + 1
            raise InputError(
                f"row {row} (line {row + 1}), column {args.value!r}: time between "
                "events must be greater than zero"
            )
    if args.date is not None:
        dates = [_date_or_number(r[args.date] or "", args.date, i + 1) for i, r in enumerate(rows)]
        kinds = {type(d) for d in dates}
        if len(kinds) > 1:
            raise InputError(f"column {args.date!r} mixes dates and numbers")
        frame[args.date] = np.array(dates)
        if args.chart == "xmr":
            _check_duplicate_dates(frame, args)
    return frame


def _numbers(rows: Sequence[dict[str, str]], column: str, *, negative_ok: bool) -> Any:
    out = np.empty(len(rows), dtype=np.float64)
    for i, row in enumerate(rows):
        text = (row[column] or "").strip()
        number = i + 1
        if text.lower() in MISSING:
            out[i] = math.nan
            continue
        try:
            value = float(text)
        except ValueError:
            raise InputError(
                f"row {number} (line {number + 1}), column {column!r}: {text!r} is not a number"
            ) from None
        if not math.isfinite(value):
            raise InputError(
                f"row {number} (line {number + 1}), column {column!r}: {text!r} is not finite"
            )
        if value < 0 and not negative_ok:
            raise InputError(
                f"row {number} (line {number + 1}), column {column!r}: "
                f"negative value {text!r} (counts and denominators cannot be negative)"
            )
        out[i] = value
    return out


def _check_zero_denominators(y: Any, n: Any, args: argparse.Namespace) -> None:
    bad = np.flatnonzero((n == 0) & (y > 0))
    if bad.size:
        row = int(bad[0]) + 1
        raise InputError(
            f"row {row} (line {row + 1}), column {args.denominator!r}: zero denominator with a "
            f"positive {args.value!r}"
        )


def _check_duplicate_dates(frame: dict[str, Any], args: argparse.Namespace) -> None:
    seen: dict[tuple[Any, ...], int] = {}
    columns = [frame[c].tolist() for c in args.by] + [frame[args.date].tolist()]
    for i, key in enumerate(zip(*columns, strict=True)):
        if key in seen:
            raise InputError(
                f"row {i + 1} (line {i + 2}), column {args.date!r}: the same date appears in "
                f"row {seen[key]} for this series (an XmR chart needs one value per date)"
            )
        seen[key] = i + 1


def _output_columns(result: SPCFrame, args: argparse.Namespace) -> list[tuple[str, str]]:
    """(output name, points-table name) pairs."""
    date_name = args.date or "position"
    names = [(c, c) for c in result.by] + [(date_name, "x")]
    renamed = {"y": args.value, "n": args.denominator or "n"}
    names += [(renamed.get(f, f), f) for f in POINT_FIELDS if f != "x"]
    return names


def _cell(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return ""
    return "" if value is None else value


def write_csv(result: SPCFrame, path: Path, args: argparse.Namespace) -> None:
    """One row per point, with the series' icons repeated on each of its rows."""
    columns = _output_columns(result, args)
    records = result.records()
    icons = result.series["variation_icon"].tolist()
    assurance = result.series["assurance_icon"].tolist()
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([name for name, _ in columns] + ["variation_icon", "assurance_icon"])
        for record in records:
            s = record["series"]
            writer.writerow(
                [_cell(record[source]) for _, source in columns] + [icons[s], _cell(assurance[s])]
            )


def write_json(result: SPCFrame, path: Path, args: argparse.Namespace) -> None:
    """``{"chart": ..., "series": [{key..., icons, "periods": [...], "points": [...]}]}``."""
    columns = _output_columns(result, args)
    series_out = []
    for i in range(len(result)):
        r = result.result(i)
        keys = {c: result.series[c][i].item() for c in result.by}
        periods = [
            {name: _json_value(getattr(r, name)[p]) for name in PERIOD_FIELDS}
            for p in range(r.n_periods)
        ]
        points = [
            {out: _json_value(point[source]) for out, source in columns if source in point}
            for point in r.points()
        ]
        series_out.append(
            {
                **keys,
                "variation_icon": r.variation_icon,
                "assurance_icon": r.assurance_icon,
                "target": r.target,
                "periods": periods,
                "points": points,
            }
        )
    document = {
        "chart": result.chart,
        "improvement": result.improvement,
        "multiplier": args.multiplier,
        "series": series_out,
    }
    path.write_text(json.dumps(document, indent=1, allow_nan=False) + "\n", encoding="utf-8")


def _json_value(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value
