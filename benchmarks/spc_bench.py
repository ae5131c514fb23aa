"""Benchmark: 10,000 wards x 104 weekly points through ``mhsip.spc.analyse_frame``.

Runs the XmR chart (every Making Data Count rule, point types and icons) and the u chart
(incidents per 1,000 occupied bed days) on synthetic data, and prints wall-clock seconds,
points per second and peak memory. Targets (issue 3): each under 0.5 s and under 1 GB.

Usage::

    .venv/bin/python benchmarks/spc_bench.py [--series 10000] [--weeks 104] [--repeat 5]

Each chart runs in a fresh child process. The time reported is the best of ``--repeat`` runs
of ``analyse_frame`` after one warm-up run (generating the input is not timed). Peak memory
is measured twice: ``tracemalloc`` (peak of the allocations made during one run; numpy
reports its buffers to tracemalloc) and the child process's peak resident set size
(``resource.getrusage``: interpreter, numpy, input data and result included).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import subprocess
import sys
import time
import tracemalloc
from typing import Any

import numpy as np

from mhsip.spc import SPCFrame, analyse_frame


def make_frame(n_series: int, weeks: int, seed: int = 3) -> dict[str, Any]:
    """Weekly restrictive-practice data: ward id, week start, incidents, occupied bed days."""
    rng = np.random.default_rng(seed)
    ward = np.repeat(np.arange(n_series, dtype=np.int64), weeks)
    week = np.tile(
        np.datetime64("2023-01-02") + 7 * np.arange(weeks).astype("timedelta64[D]"), n_series
    )
    bed_days = rng.integers(120, 170, ward.size).astype(np.float64)
    rate = np.repeat(rng.gamma(4.0, 0.01, n_series), weeks)  # ward-level incident rate
    step = (week >= np.datetime64("2024-01-01")) * np.repeat(rng.random(n_series) < 0.2, weeks)
    incidents = rng.poisson(bed_days * rate * (1 - 0.4 * step)).astype(np.float64)
    incidents[rng.random(ward.size) < 0.002] = np.nan  # a few missing weeks
    per_1000 = incidents / bed_days * 1000
    return {
        "ward": ward,
        "week": week,
        "incidents": incidents,
        "bed_days": bed_days,
        "per_1000": per_1000,
    }


RUNS: dict[str, tuple[str, dict[str, Any]]] = {
    "xmr": (
        "XmR of incidents per 1,000 bed days (all rules, point types, icons)",
        {"value": "per_1000", "chart": "xmr"},
    ),
    "u": (
        "u chart of incidents / bed days x 1,000 (limits, signals, runs analysis, icons)",
        {"value": "incidents", "denominator": "bed_days", "chart": "u", "multiplier": 1000},
    ),
}


def run_one(chart: str, n_series: int, weeks: int, repeat: int) -> dict[str, Any]:
    """Time and measure one chart in this process (called in a fresh child process)."""
    frame = make_frame(n_series, weeks)
    options = RUNS[chart][1]

    def run() -> SPCFrame:
        return analyse_frame(
            frame, by="ward", date="week", improvement="decrease", target=20.0, **options
        )

    out: SPCFrame | None = run()  # warm-up (imports, caches)
    best = float("inf")
    for _ in range(repeat):
        out = None
        gc.collect()
        start = time.perf_counter()
        out = run()
        best = min(best, time.perf_counter() - start)
    assert out is not None
    icons = dict(zip(*np.unique(out.series["variation_icon"], return_counts=True), strict=True))
    special = int(np.count_nonzero(out.points["special_cause"]))
    out = None
    gc.collect()
    tracemalloc.start()
    out = run()
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "seconds": best,
        "traced": traced,
        "max_rss": rss if sys.platform == "darwin" else rss * 1024,  # Linux reports KiB
        "special": special,
        "icons": {str(k): int(v) for k, v in icons.items()},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--series", type=int, default=10_000)
    parser.add_argument("--weeks", type=int, default=104)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--child", choices=sorted(RUNS), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(run_one(args.child, args.series, args.weeks, args.repeat)))
        return 0

    points = args.series * args.weeks
    print(
        f"mhsip.spc benchmark: {args.series:,} series x {args.weeks} points = {points:,} "
        f"points; numpy {np.__version__}, Python {platform.python_version()}, "
        f"{platform.machine()}, {os.cpu_count()} CPUs"
    )
    failed = False
    for chart, (title, _) in RUNS.items():
        child = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                chart,
                "--series",
                str(args.series),
                "--weeks",
                str(args.weeks),
                "--repeat",
                str(args.repeat),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        m = json.loads(child.stdout.strip().splitlines()[-1])
        ok = m["seconds"] < 0.5 and m["max_rss"] < 2**30
        failed |= not ok
        print(f"\n{title}")
        print(
            f"  time (best of {args.repeat}): {m['seconds']:.3f} s "
            f"({points / m['seconds'] / 1e6:.2f} million points/s)"
        )
        print(
            f"  peak memory: tracemalloc {m['traced'] / 2**20:.0f} MiB during one run; "
            f"process peak RSS {m['max_rss'] / 2**20:.0f} MiB (interpreter, numpy, input "
            "data and result included)"
        )
        print(
            f"  special-cause points: {m['special']:,}; variation icons: "
            + ", ".join(f"{k} {v:,}" for k, v in m["icons"].items())
        )
        print(f"  target (< 0.5 s and < 1 GB): {'met' if ok else 'NOT met'}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
