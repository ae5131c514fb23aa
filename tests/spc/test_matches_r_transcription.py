"""The vectorised engine agrees with a literal, loop-by-loop transcription of the R code.

The shared cases pin the engine to real R output on a few series; these property tests
extend that to thousands of random series, with missing values, ties, rebases, freezes and
exclusions, against ``spc_oracle`` (NHSRplotthedots ``ptd_spc_standard`` /
``ptd_special_cause_type`` and qicharts2 ``qic.*`` / ``runs.analysis`` transcribed line by
line, with R's NA logic).
"""

from __future__ import annotations

import math
import os

import hypothesis.strategies as st
import numpy as np
from hypothesis import HealthCheck, given, settings
from spc_oracle import RWouldError, is_na, ptd_series, qic_part

from mhsip.spc import analyse

FAST = settings(
    max_examples=int(os.environ.get("SPC_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _same(expected: float, actual: float) -> bool:
    if math.isnan(expected):
        return math.isnan(actual)
    return math.isclose(expected, actual, rel_tol=1e-9, abs_tol=1e-12)


values = st.one_of(
    st.integers(0, 12).map(float),
    st.sampled_from([2.5, 7.5, 0.25]),
    st.none(),
)


@st.composite
def ptd_inputs(draw: st.DrawFn) -> dict[str, object]:
    y = draw(st.lists(values, min_size=1, max_size=40))
    if draw(st.booleans()):  # mostly complete series, as real data are
        y = [v if v is not None else 5.0 for v in y]
    n = len(y)
    return {
        "y": y,
        "rebase_at": sorted(draw(st.sets(st.integers(1, max(n - 1, 1)), max_size=2))),
        "fix_after": draw(st.one_of(st.none(), st.integers(2, 20))),
        "screen": draw(st.booleans()),
        "improvement": draw(st.sampled_from(["increase", "decrease", "neutral"])),
    }


@FAST
@given(ptd_inputs())
def test_xmr_matches_the_literal_ptd_transcription(case: dict[str, object]) -> None:
    y = case["y"]
    assert isinstance(y, list)
    expected = ptd_series(
        y,
        case["rebase_at"],
        case["fix_after"],
        case["screen"],
        case["improvement"],  # type: ignore[arg-type]
        on_error="zero",
    )
    r = analyse(
        y,
        chart="xmr",
        improvement=case["improvement"],  # type: ignore[arg-type]
        rebase_at=case["rebase_at"],  # type: ignore[arg-type]
        fix_after=case["fix_after"],  # type: ignore[arg-type]
        screen_outliers=case["screen"],  # type: ignore[arg-type]
    )
    for i, e in enumerate(expected):
        assert _same(e.mean, r.centre[i]), (i, e.mean, r.centre[i])
        assert _same(e.lpl, r.lower[i]) and _same(e.upl, r.upper[i])
        assert _same(e.nlpl, r.lower_2sigma[i]) and _same(e.nupl, r.upper_2sigma[i])
        assert e.special_cause_type == r.special_cause_type[i], (i, e, r.special_cause_type)
        assert e.point_type == r.point_type[i]


@FAST
@given(ptd_inputs())
def test_xmr_gap_rule_is_ptd_itself_whenever_ptd_answers(case: dict[str, object]) -> None:
    """Our missing-value rule only changes inputs on which ptd stops with an error."""
    y = case["y"]
    assert isinstance(y, list)
    args = (y, case["rebase_at"], case["fix_after"], case["screen"], case["improvement"])
    try:
        strict = ptd_series(*args, on_error="raise")  # type: ignore[arg-type]
    except RWouldError:
        assert any(is_na(v) for v in y)
        return
    lenient = ptd_series(*args, on_error="zero")  # type: ignore[arg-type]
    assert [p.special_cause_type for p in strict] == [p.special_cause_type for p in lenient]


QIC_CHARTS = ["run", "i", "mr", "t", "p", "pp", "c", "u", "up", "g"]


@st.composite
def qic_inputs(draw: st.DrawFn) -> dict[str, object]:
    chart = draw(st.sampled_from(QIC_CHARTS))
    size = draw(st.integers(1, 36))
    if chart in ("p", "pp", "u", "up"):
        n = [float(v) for v in draw(st.lists(st.integers(1, 60), min_size=size, max_size=size))]
        y: list[float | None] = [
            float(draw(st.integers(0, int(d) if chart in ("p", "pp") else 20))) for d in n
        ]
    else:
        n = None
        low = 1 if chart == "t" else 0
        y = [float(v) for v in draw(st.lists(st.integers(low, 30), min_size=size, max_size=size))]
    if draw(st.booleans()):
        for i in draw(st.sets(st.integers(0, size - 1), max_size=3)):
            y[i] = None
    parts = sorted(draw(st.sets(st.integers(1, max(size - 1, 1)), max_size=2)))
    return {
        "chart": chart,
        "y": y,
        "n": n,
        "part": parts if draw(st.booleans()) else [],
        "freeze": draw(st.one_of(st.none(), st.integers(2, size + 2))),
        "exclude": sorted(draw(st.sets(st.integers(0, size - 1), max_size=2))),
        "multiply": draw(st.sampled_from([1.0, 100.0, 1000.0])),
        "screened": draw(st.booleans()),
    }


@FAST
@given(qic_inputs())
def test_qic_charts_match_the_literal_qicharts2_transcription(case: dict[str, object]) -> None:
    chart = str(case["chart"])
    y = case["y"]
    n = case["n"]
    assert isinstance(y, list)
    size = len(y)
    parts: list[int] = case["part"]  # type: ignore[assignment]
    freeze: int | None = case["freeze"]  # type: ignore[assignment]
    exclude: list[int] = case["exclude"]  # type: ignore[assignment]
    r = analyse(
        y,
        n=n,
        chart=chart,
        rebase_at=parts,
        fix_after=freeze,
        exclude=exclude,
        multiplier=float(case["multiply"]),  # type: ignore[arg-type]
        screen_outliers=bool(case["screened"]),
    )
    yf = [math.nan if v is None else float(v) for v in y]
    if n is not None:
        nf = [math.nan if yv is None else float(d) for yv, d in zip(y, n, strict=True)]  # type: ignore[call-overload]
        y_plot = [a / b if not math.isnan(b) else math.nan for a, b in zip(yf, nf, strict=True)]
    else:
        nf = [math.nan] * size
        y_plot = yf
    frozen = math.inf if freeze is None or parts else freeze
    starts = sorted({0, *[p for p in parts if p < size]})
    for k, s in enumerate(starts):
        e = starts[k + 1] if k + 1 < len(starts) else size
        rows = range(s, e)
        part = qic_part(
            chart,
            [y_plot[i] for i in rows],
            [yf[i] for i in rows],
            [0.0 if math.isnan(yf[i]) else 1.0 for i in rows],
            [math.nan for _ in rows],
            [nf[i] for i in rows],
            [(i + 1 <= frozen) and i not in exclude for i in rows],
            [i not in exclude for i in rows],
            bool(case["screened"]),
            float(case["multiply"]),  # type: ignore[arg-type]
        )
        for j, i in enumerate(rows):
            for name, ours in (
                ("y", r.y),
                ("cl", r.centre),
                ("lcl", r.lower),
                ("ucl", r.upper),
                ("lcl95", r.lower_2sigma),
                ("ucl95", r.upper_2sigma),
            ):
                assert _same(getattr(part, name)[j], float(ours[i])), (
                    name,
                    i,
                    getattr(part, name)[j],
                    ours[i],
                )
            assert r.period[i] == k
        for name in ("longest_run", "longest_run_max", "n_crossings", "n_crossings_min"):
            assert _same(getattr(part, name), float(getattr(r, name)[k])), name
        assert part.runs_signal == bool(r.runs_signal[k])
    with np.errstate(invalid="ignore"):
        signal = (r.y > r.upper) | (r.y < r.lower)
    assert np.array_equal(signal, r.special_cause)
