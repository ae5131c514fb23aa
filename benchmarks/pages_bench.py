"""Time the demo load and the heaviest pages on a throwaway SQLite database.

Prints seconds for: loading the demo collaborative (seed 1), a ward's SPC dashboard (cold cache,
then warm), the collaborative measure matrix (cold, then warm) and the annual report (HTML+PDF).
Run: ``.venv/bin/python benchmarks/pages_bench.py`` (about a minute). Results: docs/performance.md.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time

os.environ["MHSIP_VAR_DIR"] = tempfile.mkdtemp(prefix="mhsip-bench-")
os.environ.setdefault("MHSIP_ENV", "development")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mhsip.settings")

import django

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

QUIET = open(os.devnull, "w")  # noqa: SIM115 - for the whole run


def timed(label: str, fn) -> float:
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    status = getattr(result, "status_code", "")
    print(f"{label:<42} {seconds:7.2f} s {status}")
    return seconds


def main() -> int:
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    timed("demo load (seed 1)", lambda: call_command("demo", seed=1, stdout=QUIET))
    call_command("demousers", quiet=True)
    from mhsip.organisations.models import Collaborative, Ward

    ward = Ward.objects.order_by("code").first()
    slug = Collaborative.objects.first().slug
    from mhsip.accounts.models import User

    client = Client()
    from mhsip.audit.actor import System, acting_as

    with acting_as(System("benchmark")):
        client.force_login(User.objects.get(username="collab.admin"))
    cache.clear()
    timed(f"ward dashboard {ward.code}, cold", lambda: client.get(f"/wards/{ward.code}/measures/"))
    timed(f"ward dashboard {ward.code}, warm", lambda: client.get(f"/wards/{ward.code}/measures/"))
    cache.clear()
    matrix = f"/collaborative/{slug}/measures/"
    timed("collaborative matrix, cold", lambda: client.get(matrix))
    timed("collaborative matrix, warm", lambda: client.get(matrix))
    out = tempfile.mkdtemp()
    timed(
        "annual report 2026 (HTML)",
        lambda: call_command(
            "report",
            "annual",
            "--year",
            "2026",
            "-o",
            f"{out}/annual.html",
            stdout=QUIET,
        ),
    )
    timed(
        "annual report 2026 (PDF)",
        lambda: call_command(
            "report",
            "annual",
            "--year",
            "2026",
            "-o",
            f"{out}/annual.pdf",
            stdout=QUIET,
        ),
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'peak memory (whole process)':<42} {peak:7.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
