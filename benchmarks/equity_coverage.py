"""Coverage of the equity pages' 95% rate-ratio intervals when the true Black/White ratio is 3.0.

Each seed simulates a year of inpatients (``mhsip.equity.simulation``): White and Black
patients with one stay each (gamma lengths of stay, mean 30 days), a White rate of 25
restrictive interventions per 1,000 occupied bed days and a Black rate of 75, with or without a
patient-level gamma frailty (shape 0.3: restraint concentrated on a few patients). The interval
the pages use -- cluster-robust from per-patient counts, never narrower than the exact Poisson
interval (``mhsip.equity.compute.ratio_intervals``) -- is computed for every seed, beside the
robust and exact intervals alone; the first seeds also go through the pages' whole path (frame
of stays and events, then ``group_statistics``) and must agree exactly.

Run::

    .venv/bin/python benchmarks/equity_coverage.py [--seeds 2000] [--white 300] [--black 100]

Exits 1 if the method used covers 3.0 less than 90% of the time in either model.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mhsip.settings")
os.environ.setdefault("MHSIP_ENV", "test")

import django

django.setup()

from mhsip.equity.simulation import coverage  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=2000)
    parser.add_argument("--white", type=int, default=300, help="White patients per seed")
    parser.add_argument("--black", type=int, default=100, help="Black patients per seed")
    parser.add_argument("--frailty-shape", type=float, default=0.3)
    args = parser.parse_args(argv)
    print(
        f"True rate ratio 3.0; White rate 25 per 1,000 bed days; {args.seeds} seeds; "
        f"{args.white} White and {args.black} Black patients per seed (mean stay 30 days)."
    )
    failed = False
    for label, shape in (
        ("no frailty (independent events)", None),
        (f"gamma frailty, shape {args.frailty_shape}", args.frailty_shape),
    ):
        start = time.perf_counter()
        c = coverage(args.seeds, n_white=args.white, n_black=args.black, frailty_shape=shape)
        elapsed = time.perf_counter() - start
        print(f"\n{label}  ({elapsed:.2f} s; {c.frames_checked} seeds checked on the page path)")
        print(
            f"  geometric mean ratio {c.geometric_mean:.3f}; within 10% of 3.0 in "
            f"{c.within_10_percent:.1%} of seeds"
        )
        print(f"  {'interval':<40} {'95% CI coverage':>16}")
        for name, cover in (
            ("used by the pages (robust, exact floor)", c.used),
            ("robust (sandwich) alone", c.robust),
            ("exact Poisson alone", c.exact),
        ):
            flag = "" if cover >= 0.90 else "   <-- below 90%"
            print(f"  {name:<40} {cover:>15.1%}{flag}")
        failed |= c.used < 0.90
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
