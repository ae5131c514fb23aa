"""Loading the R reference cases (NHSRplotthedots and qicharts2 output captured as JSON).

The cases live in ``/work/shared/spc-reference/cases`` (schema: that folder's README.md);
set ``MHSIP_SPC_CASES`` to test against another folder of cases with the same schema.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mhsip.spc import SPCResult, analyse

DEFAULT_CASES = Path(__file__).resolve().parents[3] / "shared" / "spc-reference" / "cases"
RELATIVE_TOLERANCE = 1e-9
"""The README's tolerance: cases are written with 15 significant digits."""


def cases_dir() -> Path:
    return Path(os.environ.get("MHSIP_SPC_CASES") or DEFAULT_CASES)


def load_cases() -> list[dict[str, Any]]:
    folder = cases_dir()
    if not folder.is_dir():
        return []
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]


@dataclass(frozen=True)
class Facet:
    """One facet of a case: its input rows (in input order) and options."""

    label: str | None
    x: list[Any]
    y: list[float | None]
    n: list[float | None] | None


def facets(case: dict[str, Any]) -> Iterator[Facet]:
    """The case's facets, in the order the package outputs them (sorted labels)."""
    inp = case["input"]
    labels = inp["facet"] or [None] * len(inp["y"])
    for label in sorted(set(labels), key=lambda v: "" if v is None else str(v)):
        rows = [i for i, f in enumerate(labels) if f == label]
        yield Facet(
            label=label,
            x=[inp["x"][i] for i in rows],
            y=[inp["y"][i] for i in rows],
            n=None if inp["n"] is None else [inp["n"][i] for i in rows],
        )


def per_facet(option: Any, label: str | None) -> Any:
    """A ptd option given once for all facets, or as ``{facet: value}``."""
    if isinstance(option, dict):
        return option.get(label if label is not None else "no facet")
    return option


def expected_rows(case: dict[str, Any], label: str | None) -> dict[str, list[Any]]:
    """The expected per-point columns restricted to one facet."""
    points = case["expected"]["points"]
    if case["engine"] == "ptd":
        wanted = label if label is not None else "no facet"
        keep = [i for i, f in enumerate(points["facet"]) if f == wanted]
    else:
        keep = [i for i, f in enumerate(points["facet"]) if f == label]
    return {name: [col[i] for i in keep] for name, col in points.items()}


def run_ptd_facet(case: dict[str, Any], facet: Facet) -> SPCResult:
    """``analyse(chart="xmr")`` with the case's ptd options for one facet."""
    params = case["input"]["params"]
    sorted_dates = sorted(facet.x)
    rebase = per_facet(params["rebase"], facet.label) or []
    rebase_at = [sorted_dates.index(d) for d in rebase if d in sorted_dates]
    return analyse(
        facet.y,
        x=facet.x,
        chart="xmr",
        improvement=params["improvement_direction"],
        target=per_facet(params["target"], facet.label),
        rebase_at=rebase_at,
        fix_after=params["fix_after_n_points"],
        screen_outliers=params["screen_outliers"],
    )


def run_qic_facet(case: dict[str, Any], facet: Facet) -> SPCResult:
    """``analyse(chart=...)`` with the case's qicharts2 options for one facet."""
    params = case["input"]["params"]
    return analyse(
        facet.y,
        n=facet.n,
        x=facet.x,
        chart=params["chart"],
        target=params["target"],
        rebase_at=params["part"] or (),
        fix_after=params["freeze"],
        exclude=[i - 1 for i in params["exclude"] or ()],
        multiplier=params["multiply"],
        screen_outliers=bool(params["qic_screenedmr"]),
    )


def same_number(expected: float | None, actual: float) -> bool:
    """``expected`` (null = R NA/NaN/Inf) matches ``actual`` to 1e-9 relative."""
    if expected is None:
        return math.isnan(actual) or math.isinf(actual)
    return math.isclose(expected, actual, rel_tol=RELATIVE_TOLERANCE, abs_tol=1e-12)


def mismatches(name: str, expected: Sequence[Any], actual: Sequence[Any]) -> list[str]:
    """Human-readable differences between two columns (numbers compared to 1e-9)."""
    if len(expected) != len(actual):
        return [f"{name}: {len(expected)} expected rows, {len(actual)} actual"]
    out = []
    for i, (e, a) in enumerate(zip(expected, actual, strict=True)):
        if isinstance(a, (float, np.floating)) or (
            isinstance(e, float) and isinstance(a, (int, np.integer))
        ):
            ok = same_number(e, float(a))
        else:
            ok = e == a
        if not ok:
            out.append(f"{name}[{i}]: expected {e!r}, got {a!r}")
    return out


def nan_to_none(values: Sequence[float]) -> list[float | None]:
    return [None if math.isnan(v) else float(v) for v in values]
