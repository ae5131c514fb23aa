"""Package-level guarantees: no Django, a small public API, and clear option errors."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import mhsip.spc
from mhsip.spc import analyse, analyse_frame


def test_importing_mhsip_spc_does_not_import_django() -> None:
    code = "import mhsip.spc, sys; assert not any(m.startswith('django') for m in sys.modules)"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_importing_mhsip_spc_does_not_import_pandas_or_scipy() -> None:
    code = (
        "import mhsip.spc, mhsip.spc.cli, sys; "
        "assert not any(m.split('.')[0] in ('pandas', 'scipy') for m in sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_public_api_is_analyse_analyse_frame_and_the_result_types() -> None:
    assert sorted(mhsip.spc.__all__) == ["SPCFrame", "SPCResult", "analyse", "analyse_frame"]


@pytest.mark.parametrize(
    "options, message",
    [
        ({"chart": "xbarr"}, "chart must be one of"),
        ({"chart": "xmr", "improvement": "up"}, "improvement must be one of"),
        ({"chart": "u"}, "needs denominators"),
        ({"chart": "xmr", "multiplier": 0}, "multiplier must be a positive number"),
        ({"chart": "xmr", "shift_length": 1}, "shift_length must be an integer >= 2"),
        ({"chart": "xmr", "fix_after": 0}, "fix_after must be a positive integer"),
        ({"chart": "xmr", "target": float("nan")}, "target must be a finite number"),
        ({"chart": "u", "n": [1, -1, 1]}, "denominators must not be negative"),
        ({"chart": "xmr", "x": [1, 1, 2]}, "each date"),
        ({"chart": "xmr", "x": [1, None, 2]}, "x has missing values"),
    ],
)
def test_bad_options_raise_a_value_error_naming_the_option(
    options: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        analyse([1.0, 2.0, 3.0], **options)  # type: ignore[arg-type]


def test_non_numeric_values_are_refused() -> None:
    with pytest.raises(ValueError, match="y must be numeric"):
        analyse(["a", "b"], chart="xmr")


def test_results_are_read_only() -> None:
    r = analyse([1.0, 2.0, 3.0], chart="xmr")
    with pytest.raises(ValueError):
        r.y[0] = 5.0
    with pytest.raises(AttributeError):
        r.variation_icon = "x"  # type: ignore[misc]


def test_points_are_sorted_by_x_and_keep_their_values() -> None:
    r = analyse([3.0, 1.0, 2.0], x=["2024-01-15", "2024-01-01", "2024-01-08"], chart="xmr")
    assert r.y.tolist() == [1.0, 2.0, 3.0]
    assert [str(v) for v in r.x] == ["2024-01-01", "2024-01-08", "2024-01-15"]


def test_a_frame_reports_an_unknown_column() -> None:
    with pytest.raises(ValueError, match="unknown column 'value'"):
        analyse_frame({"ward": np.array([1])}, by="ward", value="value", chart="xmr")


def test_a_frame_accepts_several_key_columns_and_per_series_targets() -> None:
    frame = {
        "trust": np.array(["T1", "T1", "T1", "T2", "T2", "T2"]),
        "ward": np.array(["A", "A", "A", "A", "A", "A"]),
        "y": np.array([1.0, 2.0, 3.0, 10.0, 11.0, 12.0]),
    }
    out = analyse_frame(
        frame,
        by=["trust", "ward"],
        value="y",
        chart="xmr",
        improvement="increase",
        target={("T2", "A"): 100.0},
    )
    assert [out.key(i) for i in range(len(out))] == [("T1", "A"), ("T2", "A")]
    assert out.series["assurance_icon"].tolist() == [None, "fail"]
    assert out.index(("T2", "A")) == 1


def test_a_frame_rebases_each_series_at_its_own_dates() -> None:
    frame = {
        "ward": np.repeat(["A", "B"], 6),
        "week": np.tile(np.arange(6), 2),
        "y": np.arange(12, dtype=float),
    }
    out = analyse_frame(
        frame, by="ward", value="y", date="week", chart="xmr", rebase_at={"A": [3], "B": [2, 4]}
    )
    assert out.points["period"].tolist() == [0, 0, 0, 1, 1, 1, 0, 0, 1, 1, 2, 2]
    assert out.periods["ward"].tolist() == ["A", "A", "B", "B", "B"]


ALL_CHARTS = ["xmr", "run", "i", "mr", "t", "p", "pp", "c", "u", "up", "g", "xbar", "s"]
EDGE_SERIES = {
    "one point": [4.0],
    "two points": [4.0, 6.0],
    "all missing": [None, None, None],
    "all equal": [3.0] * 14,
    "missing in a long series": [3.0, 4.0, 5.0, None, 7.0, 8.0, 9.0, 10.0, 4.0],
}


@pytest.mark.parametrize("chart", ALL_CHARTS)
@pytest.mark.parametrize("name", list(EDGE_SERIES))
def test_every_chart_answers_edge_case_series_without_crashing(chart: str, name: str) -> None:
    y = EDGE_SERIES[name]
    n = [10.0] * len(y) if chart in ("p", "pp", "u", "up") else None
    r = analyse(y, n=n, chart=chart, improvement="increase", target=5.0)
    assert len(r) == len(y)
    missing = np.array([v is None for v in y])
    assert np.isnan(r.y[missing]).all()
    assert r.variation_icon in {"common_cause", "improvement_high", "concern_low"}
    assert r.assurance_icon in {"pass", "fail", "inconsistent"}


def test_an_empty_series_is_refused_and_an_empty_frame_gives_no_series() -> None:
    with pytest.raises(ValueError, match="empty"):
        analyse([], chart="xmr")
    empty = {"ward": np.array([], dtype=int), "y": np.array([], dtype=float)}
    assert len(analyse_frame(empty, by="ward", value="y", chart="xmr")) == 0


def test_a_frame_can_mark_excluded_rows_with_a_boolean_column() -> None:
    frame = {
        "ward": np.array(["A"] * 5),
        "y": np.array([10.0, 12.0, 100.0, 11.0, 13.0]),
        "skip": np.array([False, False, True, False, False]),
    }
    out = analyse_frame(frame, by="ward", value="y", chart="i", exclude="skip")
    assert out.result(0) == analyse(frame["y"], chart="i", exclude=[2])
