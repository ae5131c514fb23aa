"""``mhsip spc`` (``mhsip.spc.cli.run_cli``): CSV in, CSV or JSON out, clear errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from mhsip.spc import analyse
from mhsip.spc.cli import run_cli

HEADER = "ward,week,incidents,bed_days\n"
ROWS = [
    ("A", "2024-01-01", "3", "700"),
    ("A", "2024-01-08", "1", "650"),
    ("A", "2024-01-15", "", "720"),
    ("A", "2024-01-22", "2", "690"),
    ("B", "2024-01-08", "2", "420"),
    ("B", "2024-01-01", "0", "400"),
]


def write(tmp_path: Path, rows: list[tuple[str, ...]] = ROWS, header: str = HEADER) -> Path:
    path = tmp_path / "in.csv"
    path.write_text(header + "".join(",".join(r) + "\n" for r in rows), encoding="utf-8")
    return path


def run(args: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    return run_cli(args, stderr=err), err.getvalue()


U_ARGS = [
    "--chart",
    "u",
    "--value",
    "incidents",
    "--denominator",
    "bed_days",
    "--by",
    "ward",
    "--date",
    "week",
    "--improvement",
    "decrease",
    "--multiplier",
    "1000",
]


def test_a_u_chart_per_ward_is_written_as_csv(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    status, err = run([str(write(tmp_path)), *U_ARGS, "-o", str(out)])
    assert (status, err) == (0, "")
    rows = list(csv.DictReader(out.open()))
    assert [(r["ward"], r["week"]) for r in rows] == [
        ("A", "2024-01-01"),
        ("A", "2024-01-08"),
        ("A", "2024-01-15"),
        ("A", "2024-01-22"),
        ("B", "2024-01-01"),
        ("B", "2024-01-08"),
    ]
    ward_a = analyse(
        [3, 1, None, 2], n=[700, 650, 720, 690], chart="u", multiplier=1000, improvement="decrease"
    )
    assert float(rows[0]["incidents"]) == ward_a.y[0]
    assert float(rows[0]["centre"]) == ward_a.centre[0]
    assert rows[2]["incidents"] == ""  # missing stays missing, not 0
    assert rows[2]["explanation"] == "Missing value"
    assert {r["variation_icon"] for r in rows} == {"common_cause"}


def test_json_output_groups_points_by_series(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    status, _ = run([str(write(tmp_path)), *U_ARGS, "--target", "2.5", "-o", str(out)])
    assert status == 0
    doc = json.loads(out.read_text())
    assert doc["chart"] == "u" and [s["ward"] for s in doc["series"]] == ["A", "B"]
    a = doc["series"][0]
    assert a["target"] == 2.5 and a["assurance_icon"] == "inconsistent"
    assert len(a["points"]) == 4 and a["points"][2]["incidents"] is None
    assert a["periods"][0]["period_length"] == 4


def test_an_xmr_chart_can_be_rebased_at_a_date(tmp_path: Path) -> None:
    rows = [
        ("A", f"2024-01-{d:02d}", str(v), "1")
        for d, v in zip(range(1, 29), [5, 6] * 7 + [20, 21] * 7, strict=False)
    ]
    out = tmp_path / "out.csv"
    status, _ = run(
        [
            str(write(tmp_path, rows)),
            "--chart",
            "xmr",
            "--value",
            "incidents",
            "--by",
            "ward",
            "--date",
            "week",
            "--rebase-at",
            "2024-01-15",
            "-o",
            str(out),
        ]
    )
    assert status == 0
    periods = [r["period"] for r in csv.DictReader(out.open())]
    assert periods == ["0"] * 14 + ["1"] * 14


def test_an_unknown_column_is_named(tmp_path: Path) -> None:
    status, err = run(
        [
            str(write(tmp_path)),
            "--chart",
            "u",
            "--value",
            "incidnts",
            "--denominator",
            "bed_days",
            "-o",
            str(tmp_path / "o.csv"),
        ]
    )
    assert status == 1
    assert "unknown column 'incidnts'" in err and "ward, week, incidents, bed_days" in err


def test_a_non_numeric_value_names_its_row_and_column(tmp_path: Path) -> None:
    rows = [*ROWS[:3], ("A", "2024-01-22", "two", "690")]
    status, err = run([str(write(tmp_path, rows)), *U_ARGS, "-o", str(tmp_path / "o.csv")])
    assert status == 1
    assert "row 4 (line 5), column 'incidents': 'two' is not a number" in err


def test_a_negative_denominator_names_its_row_and_column(tmp_path: Path) -> None:
    rows = [*ROWS[:1], ("A", "2024-01-08", "1", "-650")]
    status, err = run([str(write(tmp_path, rows)), *U_ARGS, "-o", str(tmp_path / "o.csv")])
    assert status == 1
    assert "row 2 (line 3), column 'bed_days': negative value '-650'" in err


def test_a_negative_count_is_refused_for_a_u_chart(tmp_path: Path) -> None:
    rows = [("A", "2024-01-01", "-1", "700")]
    status, err = run([str(write(tmp_path, rows)), *U_ARGS, "-o", str(tmp_path / "o.csv")])
    assert status == 1 and "row 1 (line 2), column 'incidents'" in err


def test_a_bad_date_names_its_row_and_column(tmp_path: Path) -> None:
    rows = [*ROWS[:2], ("A", "15/01/2024", "1", "700")]
    status, err = run([str(write(tmp_path, rows)), *U_ARGS, "-o", str(tmp_path / "o.csv")])
    assert status == 1
    assert "row 3 (line 4), column 'week': '15/01/2024' is not an ISO date" in err


def test_a_repeated_date_in_an_xmr_series_names_both_rows(tmp_path: Path) -> None:
    rows = [*ROWS[:2], ("A", "2024-01-01", "4", "700")]
    status, err = run(
        [
            str(write(tmp_path, rows)),
            "--chart",
            "xmr",
            "--value",
            "incidents",
            "--by",
            "ward",
            "--date",
            "week",
            "-o",
            str(tmp_path / "o.csv"),
        ]
    )
    assert status == 1
    assert "row 3 (line 4), column 'week': the same date appears in row 1" in err


def test_a_zero_denominator_with_events_is_refused(tmp_path: Path) -> None:
    rows = [("A", "2024-01-01", "2", "0")]
    status, err = run([str(write(tmp_path, rows)), *U_ARGS, "-o", str(tmp_path / "o.csv")])
    assert status == 1 and "row 1 (line 2), column 'bed_days': zero denominator" in err


def test_a_u_chart_without_a_denominator_is_refused(tmp_path: Path) -> None:
    status, err = run(
        [
            str(write(tmp_path)),
            "--chart",
            "u",
            "--value",
            "incidents",
            "-o",
            str(tmp_path / "o.csv"),
        ]
    )
    assert status == 1 and "needs --denominator" in err


@pytest.mark.parametrize("argv", [["--chart", "nope"], ["--value", "x", "-o", "o.csv"]])
def test_bad_arguments_exit_with_status_2(tmp_path: Path, argv: list[str]) -> None:
    status, err = run([str(write(tmp_path)), *argv])
    assert status == 2 and "usage: mhsip spc" in err


def test_an_output_that_is_neither_csv_nor_json_is_refused(tmp_path: Path) -> None:
    status, err = run([str(write(tmp_path)), *U_ARGS, "-o", str(tmp_path / "o.xlsx")])
    assert status == 2 and ".csv or .json" in err


def test_a_missing_input_file_is_reported(tmp_path: Path) -> None:
    status, err = run([str(tmp_path / "absent.csv"), *U_ARGS, "-o", str(tmp_path / "o.csv")])
    assert status == 1 and "absent.csv" in err
