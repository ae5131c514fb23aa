"""mhsip.stats must stand alone: importing it must not import Django (or scipy/pandas)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"


def test_importing_mhsip_stats_does_not_import_django() -> None:
    code = (
        "import mhsip.stats, sys; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'django', 'scipy', 'pandas'}); "
        "assert not bad, bad"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
