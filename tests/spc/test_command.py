"""``mhsip spc`` runs the CSV CLI through the mhsip console command."""

from __future__ import annotations

import subprocess
import sys


def run(*args: str, cwd) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from mhsip.cli import main; main()", "spc", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
        env={"MHSIP_ENV": "test", "PATH": "/usr/bin:/bin"},
    )


def test_mhsip_spc_writes_one_row_per_point(tmp_path):
    (tmp_path / "in.csv").write_text("week,count\n2024-01-01,3\n2024-01-08,5\n2024-01-15,4\n")
    result = run(
        str(tmp_path / "in.csv"),
        "--chart",
        "c",
        "--value",
        "count",
        "--date",
        "week",
        "-o",
        str(tmp_path / "out.csv"),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert len((tmp_path / "out.csv").read_text().splitlines()) == 4


def test_mhsip_spc_names_the_row_and_column_of_bad_input(tmp_path):
    (tmp_path / "in.csv").write_text("week,count\n2024-01-01,3\n2024-01-08,five\n")
    result = run(
        str(tmp_path / "in.csv"),
        "--chart",
        "c",
        "--value",
        "count",
        "--date",
        "week",
        "-o",
        str(tmp_path / "out.csv"),
        cwd=tmp_path,
    )
    assert result.returncode != 0
    assert "line 3" in result.stderr and "'count'" in result.stderr
