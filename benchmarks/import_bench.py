"""Import benchmark: 100,000 incident rows (MHSIP incident import v1) on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/import_bench.py                # SQLite only
    .venv/bin/python benchmarks/import_bench.py --postgres     # and PostgreSQL
    DATABASE_URL=postgres://... .venv/bin/python benchmarks/import_bench.py

The file is generated deterministically (``--seed``): ten wards of one trust, about 4,000
patients of whom a few are restrained often (repeat restraint is the norm on acute wards), one to
three interventions per incident (so about 67,000 incidents), every Use of Force Act s.6(5) item
filled in so that each incident passes the submission rules. Identifiable mode is off, as it is
by default.

Each engine runs in fresh child processes against a scratch database (a temporary SQLite file;
for PostgreSQL a database named ``mhsip_bench`` on the server of ``DATABASE_URL`` or of
``postgres://postgres@127.0.0.1:5432/test``, created and dropped here):

1. **timed**: a fresh import through an import job (file into storage, read, validate, compare,
   write in one transaction), then the same file again (everything unchanged, nothing written).
   Reports seconds, rows/s and the process's peak resident memory (``ru_maxrss``).
2. **traced**: the fresh import again in a new database with ``tracemalloc`` on, for the peak of
   Python allocations (tracemalloc slows Python down, so its time is not reported).

Targets (issue 4): under 60 s and under 1 GB on each engine.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
LONDON = ZoneInfo("Europe/London")  # exports show local wall-clock times
TRUST = "RXB"
WARDS = [f"BENCH-{i:02d}" for i in range(1, 11)]
LOCAL_PG = "postgres://postgres@127.0.0.1:5432/test"
SCRATCH_DB = "mhsip_bench"
TARGET_SECONDS = 60
TARGET_BYTES = 1024**3

# MHSDS restrictive intervention type codes, roughly as common as on acute wards.
TYPES = ["07", "01", "09", "11", "10", "12", "08", "13", "14", "15", "16", "05", "06", "04"]
TYPE_WEIGHTS = [28, 9, 14, 8, 4, 3, 6, 2, 10, 2, 5, 7, 1, 1]
REASONS = ["10", "11", "12", "13", "14", "16", "17", "18", "19", "98"]
REASON_WEIGHTS = [40, 20, 5, 15, 3, 4, 8, 2, 2, 1]
PLACES = ["communal", "bedroom", "corridor", "clinic", "seclusion_room", "extra_care", "garden"]
DE_ESCALATION = ["verbal", "distraction", "space", "stimulation", "sensory", "oral_prn", "carer"]
ETHNICITY = ["A", "A", "A", "A", "C", "M", "N", "P", "H", "J", "D", "S", "Z", "99"]
TITLES = ["Staff nurse", "Healthcare assistant", "Charge nurse", "Support worker", "Doctor"]
ROLES = ["lead", "upper_limbs", "upper_limbs", "lower_limbs", "observer"]
COLUMNS = [
    "incident_reference",
    "ward_code",
    "local_patient_id",
    "status",
    "incident_start",
    "incident_end",
    "place",
    "reason",
    "reason_detail",
    "how_force_used",
    "de_escalation",
    "outcome",
    "death_or_serious_injury",
    "non_staff_involvement",
    "non_staff_reason",
    "care_plan_notification",
    "review_with_patient_held",
    "review_with_patient_on",
    "review_with_patient_not_held_reason",
    "review_with_staff_held",
    "review_with_staff_on",
    "staff_job_titles",
    "staff_roles",
    "ethnicity",
    "sex",
    "birth_year",
    "learning_disability",
    "autism",
    "mental_disorder",
    "intervention_type",
    "intervention_start",
    "intervention_end",
    "in_care_plan",
    "injury_patient",
    "injury_staff",
    "injury_other",
]


def generate(path: Path, rows: int, seed: int) -> int:
    """Write ``rows`` rows to ``path``; returns the number of incidents."""
    rng = random.Random(seed)
    patients = [
        {
            "id": f"RXB{100000 + i}",
            "ethnicity": rng.choice(ETHNICITY),
            "sex": rng.choice(["male", "female"]),
            "birth_year": str(rng.randint(1950, 2006)),
            "ld": rng.choices(["no", "yes", "not_known"], [85, 8, 7])[0],
            "autism": rng.choices(["no", "yes", "not_known"], [82, 10, 8])[0],
            "ward": rng.choice(WARDS),
        }
        for i in range(4000)
    ]
    weights = [1.0 / (1 + i) ** 0.8 for i in range(len(patients))]  # a few, restrained often
    start = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
    span = int((dt.datetime(2025, 10, 31, tzinfo=dt.UTC) - start).total_seconds())
    written = incidents = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        while written < rows:
            patient = rng.choices(patients, weights)[0]
            began = start + dt.timedelta(seconds=rng.randrange(span) // 60 * 60)  # UTC
            if _near_clock_change(began):
                continue  # exports give wall-clock times, ambiguous in the repeated autumn hour
            incidents += 1
            count = min(rows - written, rng.choices([1, 2, 3], [60, 30, 10])[0])
            moments = []
            at = began + dt.timedelta(minutes=rng.randint(0, 3))
            for _ in range(count):
                code = rng.choices(TYPES, TYPE_WEIGHTS)[0]
                minutes = rng.randint(120, 900) if code in {"05", "06"} else rng.randint(2, 25)
                moments.append((code, at, at + dt.timedelta(minutes=minutes)))
                at += dt.timedelta(minutes=minutes + rng.randint(0, 5))
            ended = moments[-1][2] + dt.timedelta(minutes=rng.randint(0, 5))
            held = rng.random() < 0.65
            staff = rng.randint(2, 4)
            reason = rng.choices(REASONS, REASON_WEIGHTS)[0]
            police = rng.random() < 0.03
            common = {
                "incident_reference": f"INC{incidents:07d}",
                "ward_code": patient["ward"],
                "local_patient_id": patient["id"],
                "status": "submitted",
                "incident_start": f"{began.astimezone(LONDON):%d/%m/%Y %H:%M}",
                "incident_end": f"{ended.astimezone(LONDON):%d/%m/%Y %H:%M}",
                "place": rng.choice(PLACES),
                "reason": reason,
                "reason_detail": "Patient distressed after a phone call"
                if reason == "98" or rng.random() < 0.3
                else "",
                "how_force_used": "Held by staff in line with training; observations taken.",
                "de_escalation": "; ".join(rng.sample(DE_ESCALATION, rng.randint(1, 3))),
                "outcome": "Patient settled; physical observations normal.",
                "death_or_serious_injury": "no",
                "non_staff_involvement": "police" if police else "none",
                "non_staff_reason": "A weapon was involved" if police else "",
                "care_plan_notification": rng.choice(["yes", "not_applicable"]),
                "review_with_patient_held": "yes" if held else "no",
                "review_with_patient_on": _day(ended + dt.timedelta(days=rng.randint(0, 2)))
                if held
                else "",
                "review_with_patient_not_held_reason": ""
                if held
                else rng.choice(["declined", "unwell", "not_offered"]),
                "review_with_staff_held": "yes",
                "review_with_staff_on": f"{ended.astimezone(LONDON):%d/%m/%Y}",
                "staff_job_titles": "; ".join(rng.choice(TITLES) for _ in range(staff)),
                "staff_roles": "; ".join(
                    ["lead", *(rng.choice(ROLES[1:]) for _ in range(staff - 1))]
                ),
                "ethnicity": patient["ethnicity"],
                "sex": patient["sex"],
                "birth_year": patient["birth_year"],
                "learning_disability": patient["ld"],
                "autism": patient["autism"],
                "mental_disorder": "F20 Paranoid schizophrenia" if rng.random() < 0.4 else "",
            }
            for code, began_at, ended_at in moments:
                row = {
                    **common,
                    "intervention_type": code,
                    "intervention_start": f"{began_at.astimezone(LONDON):%d/%m/%Y %H:%M}",
                    "intervention_end": f"{ended_at.astimezone(LONDON):%d/%m/%Y %H:%M}",
                    "in_care_plan": rng.choice(["yes", "no"]),
                    "injury_patient": rng.choices(["no", "yes", "not_known"], [90, 6, 4])[0],
                    "injury_staff": rng.choices(["no", "yes"], [94, 6])[0],
                    "injury_other": "no",
                }
                writer.writerow([row[c] for c in COLUMNS])
                written += 1
    return incidents


def _day(moment: dt.datetime) -> str:
    return f"{moment.astimezone(LONDON):%d/%m/%Y}"


def _near_clock_change(moment: dt.datetime) -> bool:
    """Within a day of a UK clock change (last Sunday of March or October)."""
    local = moment.astimezone(LONDON)
    later = (moment + dt.timedelta(days=1)).astimezone(LONDON)
    earlier = (moment - dt.timedelta(days=1)).astimezone(LONDON)
    return local.utcoffset() != later.utcoffset() or local.utcoffset() != earlier.utcoffset()


# --- Child: one engine, one database ------------------------------------------------------------


def child(csv_path: Path, traced: bool) -> dict[str, object]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mhsip.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from mhsip.audit.actor import System, acting_as
    from mhsip.imports import jobs
    from mhsip.organisations.models import Site, Trust, Ward, WardType
    from mhsip.recording.models import Intervention, UseOfForceIncident

    call_command("migrate", verbosity=0)
    with acting_as(System("bench:setup")):
        trust = Trust.objects.create(ods_code=TRUST, name="Benchmark NHS Foundation Trust")
        site = Site.objects.create(trust=trust, code="BENCH", name="Benchmark Hospital")
        for code in WARDS:
            Ward.objects.create(
                site=site,
                code=code,
                name=f"Ward {code}",
                ward_type=WardType.ACUTE_MIXED,
                beds=20,
                active_from=dt.date(2020, 1, 1),
            )
    content = csv_path.read_bytes()

    def run_once() -> tuple[float, float, object]:
        began, cpu = time.perf_counter(), time.process_time()
        with acting_as(System(f"import:{csv_path.name}")):
            job = jobs.job_create(
                user=None, kind="incidents", file_name=csv_path.name, content=content, trust=trust
            )
        job = jobs.job_run(job.pk)
        return time.perf_counter() - began, time.process_time() - cpu, job

    result: dict[str, object] = {"engine": connection.vendor}
    if traced:
        tracemalloc.start()
        _, _, job = run_once()
        result["tracemalloc_peak_bytes"] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        result["status"] = job.status
        return result
    seconds, cpu_seconds, job = run_once()
    result.update(
        status=job.status,
        errors=job.errors[:5],
        rows=job.rows_processed,
        created=job.created_count,
        seconds=round(seconds, 2),
        cpu_seconds=round(cpu_seconds, 2),
        rows_per_second=round(job.rows_processed / seconds),
        incidents_stored=UseOfForceIncident.objects.count(),
        interventions_stored=Intervention.objects.count(),
    )
    seconds_again, _, again = run_once()
    result.update(
        reimport_seconds=round(seconds_again, 2),
        reimport_unchanged=again.unchanged_count,
        reimport_created=again.created_count,
        reimport_updated=again.updated_count,
        incidents_after_reimport=UseOfForceIncident.objects.count(),
        peak_rss_bytes=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        load_average=round(os.getloadavg()[0], 1),
    )
    return result


# --- Parent: generate, then each engine in child processes -------------------------------------


def _run_child(csv_path: Path, env: dict[str, str], traced: bool) -> dict[str, object]:
    command = [sys.executable, __file__, "--child", str(csv_path)]
    if traced:
        command.append("--traced")
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _sqlite(csv_path: Path, traced: bool) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="mhsip-bench-") as var_dir:
        env = {**os.environ, "MHSIP_ENV": "test", "MHSIP_VAR_DIR": var_dir}
        env.pop("DATABASE_URL", None)
        return _run_child(csv_path, env, traced)


def _postgres(csv_path: Path, server_url: str, traced: bool) -> dict[str, object]:
    import psycopg

    parts = urlsplit(server_url)
    admin_url = server_url
    scratch_url = urlunsplit(parts._replace(path=f"/{SCRATCH_DB}"))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {SCRATCH_DB}")
        admin.execute(f"CREATE DATABASE {SCRATCH_DB}")
    try:
        with tempfile.TemporaryDirectory(prefix="mhsip-bench-") as var_dir:
            env = {
                **os.environ,
                "MHSIP_ENV": "test",
                "MHSIP_VAR_DIR": var_dir,
                "DATABASE_URL": scratch_url,
            }
            return _run_child(csv_path, env, traced)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {SCRATCH_DB} WITH (FORCE)")


def _report(name: str, timed: dict[str, Any], traced: dict[str, Any]) -> bool:
    rss, heap = int(timed["peak_rss_bytes"]), int(traced["tracemalloc_peak_bytes"])
    seconds = float(timed["seconds"])
    ok = (
        timed["status"] == "succeeded"
        and seconds < TARGET_SECONDS
        and rss < TARGET_BYTES
        and timed["reimport_unchanged"] == timed["created"]
        and timed["incidents_after_reimport"] == timed["incidents_stored"]
    )
    print(
        f"{name:<10} {timed['rows']:>8,} rows  {seconds:6.1f} s ({timed['cpu_seconds']:.1f} s CPU)"
        f"  {timed['rows_per_second']:>6,} rows/s  peak RSS {rss / 2**20:4.0f} MiB"
        f"  tracemalloc peak {heap / 2**20:4.0f} MiB"
        f"  | re-import {timed['reimport_seconds']:.1f} s:"
        f" {timed['reimport_unchanged']:,} unchanged, {timed['reimport_created']} created"
        f"  | load average {timed['load_average']}  {'OK' if ok else 'MISSED TARGET'}"
    )
    if timed["status"] != "succeeded":
        print(f"  errors: {timed['errors']}")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--postgres", action="store_true", help="also run on PostgreSQL")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, str(ROOT / "src"))
        print(json.dumps(child(Path(args.child), args.traced), default=str))
        return
    server = os.environ.get("DATABASE_URL") or (LOCAL_PG if args.postgres else "")
    with tempfile.TemporaryDirectory(prefix="mhsip-bench-csv-") as tmp:
        path = Path(tmp) / "bench-incidents.csv"
        began = time.perf_counter()
        incidents = generate(path, args.rows, args.seed)
        print(
            f"Generated {args.rows:,} rows ({incidents:,} incidents, "
            f"{path.stat().st_size / 2**20:.1f} MiB) in {time.perf_counter() - began:.1f} s"
        )
        results = [("SQLite", _sqlite(path, False), _sqlite(path, True))]
        if server:
            results.append(
                ("PostgreSQL", _postgres(path, server, False), _postgres(path, server, True))
            )
        ok = all([_report(name, timed, traced) for name, timed, traced in results])
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
