"""``analyse_frame`` on many series equals ``analyse`` on each series alone, for every chart."""

from __future__ import annotations

import os
from dataclasses import fields
from typing import Any

import hypothesis.strategies as st
import numpy as np
from hypothesis import HealthCheck, given, settings

from mhsip.spc import SPCResult, analyse, analyse_frame


def differences(a: SPCResult, b: SPCResult) -> list[str]:
    """Names and values of the fields that differ (for a readable failure)."""
    out = []
    for f in fields(a):
        va, vb = getattr(a, f.name), getattr(b, f.name)
        if isinstance(va, np.ndarray):
            same = va.dtype == vb.dtype and np.array_equal(va, vb, equal_nan=va.dtype.kind == "f")
        else:
            same = va == vb
        if not same:
            out.append(f"{f.name}: {va!r} != {vb!r}")
    return out


CHARTS = ["xmr", "run", "i", "mr", "t", "p", "pp", "c", "u", "up", "g"]
EXAMPLES = int(os.environ.get("SPC_EXAMPLES", "60"))


@st.composite
def frames(draw: st.DrawFn) -> dict[str, Any]:
    chart = draw(st.sampled_from(CHARTS))
    n_series = draw(st.integers(1, 6))
    rows: list[tuple[Any, ...]] = []
    keys = draw(
        st.lists(
            st.sampled_from(["ward a", "ward b", "ward c", "ward d", "ward e", "ward f", "ward g"]),
            min_size=n_series,
            max_size=n_series,
            unique=True,
        )
    )
    for key in keys:
        length = draw(st.integers(1, 30))
        for week in range(length):
            denominator = float(draw(st.integers(1, 50)))
            if chart in ("p", "pp"):
                value: float | None = float(draw(st.integers(0, int(denominator))))
            elif chart == "t":
                value = float(draw(st.integers(1, 40)))
            else:
                value = float(draw(st.integers(0, 25)))
            if draw(st.integers(0, 9)) == 0:
                value = None
            rows.append((key, week, value, denominator))
    if draw(st.booleans()):
        rows = draw(st.permutations(rows))
    improvement = draw(st.sampled_from(["increase", "decrease", "neutral"]))
    target_keys = draw(st.sets(st.sampled_from(keys)))
    targets = {k: float(draw(st.integers(0, 30))) for k in target_keys}
    rebase_weeks = sorted(draw(st.sets(st.integers(1, 25), max_size=2)))
    return {
        "chart": chart,
        "rows": rows,
        "improvement": improvement,
        "targets": targets,
        "rebase_weeks": rebase_weeks,
        "fix_after": draw(st.one_of(st.none(), st.integers(3, 15))),
        "multiplier": draw(st.sampled_from([1.0, 1000.0])),
        "exclude": sorted(draw(st.sets(st.integers(0, 20), max_size=2))),
    }


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frames())
def test_every_series_of_a_frame_equals_its_own_analysis(case: dict[str, Any]) -> None:
    rows = case["rows"]
    chart = case["chart"]
    uses_n = chart in ("p", "pp", "u", "up")
    frame = {
        "ward": np.array([r[0] for r in rows]),
        "week": np.array([r[1] for r in rows]),
        "value": np.array([np.nan if r[2] is None else r[2] for r in rows]),
        "bed_days": np.array([r[3] for r in rows]),
    }
    out = analyse_frame(
        frame,
        by="ward",
        value="value",
        denominator="bed_days" if uses_n else None,
        date="week",
        chart=chart,
        improvement=case["improvement"],
        target=case["targets"],
        rebase_at=case["rebase_weeks"],
        fix_after=case["fix_after"],
        exclude=case["exclude"],
        multiplier=case["multiplier"],
    )
    assert len(out) == len({r[0] for r in rows})
    for i in range(len(out)):
        key = out.key(i)
        mine = sorted((r for r in rows if r[0] == key), key=lambda r: r[1])
        weeks = [r[1] for r in mine]
        alone = analyse(
            [r[2] for r in mine],
            n=[r[3] for r in mine] if uses_n else None,
            x=weeks,
            chart=chart,
            improvement=case["improvement"],
            target=case["targets"].get(key),
            rebase_at=[weeks.index(w) for w in case["rebase_weeks"] if w in weeks],
            fix_after=case["fix_after"],
            exclude=case["exclude"],
            multiplier=case["multiplier"],
        )
        assert out.result(i) == alone, differences(out.result(i), alone)
        assert out.index(key) == i
        rows_of_series = out.points["series"] == i
        assert np.array_equal(out.points["y"][rows_of_series], alone.y, equal_nan=True)
        assert list(out.points["ward"][rows_of_series]) == [key] * len(alone)
        assert out.series["variation_icon"][i] == alone.variation_icon
        assert out.series["assurance_icon"][i] == alone.assurance_icon


def test_a_frame_with_thousands_of_series_matches_series_by_series_analysis() -> None:
    """2,000 XmR and u series at once (the vectorised path), spot-checked one by one."""
    rng = np.random.default_rng(20240601)
    n_series, weeks = 2000, 30
    ward = np.repeat(np.arange(n_series), weeks)
    week = np.tile(np.arange(weeks), n_series)
    bed_days = rng.integers(300, 800, ward.size).astype(float)
    incidents = rng.poisson(bed_days / 150).astype(float)
    incidents[rng.random(ward.size) < 0.01] = np.nan
    frame = {"ward": ward, "week": week, "incidents": incidents, "bed_days": bed_days}
    for chart, denominator in (("xmr", None), ("u", "bed_days")):
        out = analyse_frame(
            frame,
            by="ward",
            value="incidents",
            denominator=denominator,
            date="week",
            chart=chart,
            improvement="decrease",
            target=4.0,
        )
        for i in rng.choice(n_series, 25, replace=False).tolist():
            rows = slice(i * weeks, (i + 1) * weeks)
            alone = analyse(
                incidents[rows],
                n=None if denominator is None else bed_days[rows],
                chart=chart,
                improvement="decrease",
                target=4.0,
            )
            assert out.result(i) == alone, differences(out.result(i), alone)
