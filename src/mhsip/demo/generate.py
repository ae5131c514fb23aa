"""Pure generation of the demo collaborative: organisations, patients and stays.

Implements the generative model of ``/work/shared/brief/synthetic-data.md`` ("Organisations and
wards", "Patients and bed days") with the figures of :class:`~mhsip.demo.parameters.DemoParameters`.
Nothing here touches the database: :func:`generate_demo` returns frozen dataclasses and a
``truth`` mapping holding the true parameters and the realised values, so tests can compare
estimates with them. :mod:`mhsip.demo.load` writes the result.

Model
-----
Each ward is an Erlang loss system simulated day by day from ``Timeline.sim_start`` (a burn-in
before the timeline): admissions arrive as a Poisson process; an arrival finding every bed taken
at that day's midnight is diverted out of area (never queued past the ward's capacity), so the
midnight count never exceeds the beds. The arrival rate is the one that gives
``target_occupancy`` in the Erlang loss model (Erlang B is insensitive to the length-of-stay
distribution), exported per ward in the truth. Lengths of stay are log-normal with the brief's
medians. A share of admissions re-admit an earlier patient of the same ward.

Determinism: every random draw comes from a numpy ``Generator`` seeded by
:func:`rng_for` from the seed and a stream name (the ward code, say), so the same seed gives
identical output, a different seed different output, and adding a new stream (a later
generator for incidents) never changes the draws of an existing one.

>>> demo = generate_demo(1, master_key=b"doctest")
>>> len(demo.trusts), len(demo.wards), len(demo.learning_sessions)
(3, 10, 6)
>>> demo == generate_demo(1, master_key=b"doctest")
True
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import heapq
import math
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np

from mhsip.demo.parameters import DemoParameters, Timeline, WardSpec
from mhsip.recording.pseudonyms import patient_key

if TYPE_CHECKING:
    from mhsip.demo.events import DemoEvents


# --- records ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class TrustRecord:
    ods_code: str
    name: str


@dataclass(frozen=True, slots=True)
class SiteRecord:
    code: str
    name: str
    trust_ods: str


@dataclass(frozen=True, slots=True)
class WardRecord:
    code: str
    name: str
    site_code: str
    trust_ods: str
    ward_type: str
    beds: int
    active_from: dt.date


@dataclass(frozen=True, slots=True)
class LearningSessionRecord:
    number: int
    date: dt.date
    title: str


@dataclass(frozen=True, slots=True)
class CollaborativeRecord:
    name: str
    slug: str
    aim_statement: str
    start_date: dt.date
    end_date: dt.date
    baseline_start: dt.date
    baseline_end: dt.date
    ward_codes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PatientRecord:
    """A patient: the local identifier is used only to derive ``key`` and is never stored."""

    local_id: str
    trust_ods: str
    key: str
    ethnicity: str  # NHS Data Dictionary ETHNIC CATEGORY code
    sex: str  # ``Sex`` value
    birth_year: int
    learning_disability: str  # ``YesNoUnknown`` value
    autism: str
    mental_disorder: str


@dataclass(frozen=True, slots=True)
class StayRecord:
    """A ward stay. ``los_days`` is the true (sampled) length of stay, also for stays still
    open at the end of the timeline (``discharged_on`` is then ``None``)."""

    patient_local_id: str
    ward_code: str
    admitted_on: dt.date
    discharged_on: dt.date | None
    legal_status: str  # ``LegalStatus`` value
    los_days: int


@dataclass(frozen=True)
class DemoData:
    """Everything generated for one seed, plus the ``truth`` (true parameters and realised
    values: arrival rates, diversions, occupancy per ward; restrictive-intervention rates,
    reductions and ethnicity multipliers; missing weekly returns). ``events`` holds the PDSA
    cycles, incidents and weekly returns (:mod:`mhsip.demo.events`)."""

    seed: int
    params: DemoParameters
    timeline: Timeline
    trusts: tuple[TrustRecord, ...]
    sites: tuple[SiteRecord, ...]
    wards: tuple[WardRecord, ...]
    collaborative: CollaborativeRecord
    learning_sessions: tuple[LearningSessionRecord, ...]
    patients: tuple[PatientRecord, ...]
    stays: tuple[StayRecord, ...]
    truth: Mapping[str, Any]
    events: DemoEvents | None = None

    def midnight_counts(self, ward_code: str) -> np.ndarray:
        """Patients on ``ward_code`` at each midnight of the timeline (KH03, domain §9)."""
        stays = [s for s in self.stays if s.ward_code == ward_code]
        admitted = np.array([s.admitted_on for s in stays], dtype="datetime64[D]")
        discharged = np.array(
            [s.discharged_on if s.discharged_on else "NaT" for s in stays], dtype="datetime64[D]"
        )
        return midnight_counts(admitted, discharged, self.timeline.start, self.timeline.end)

    def occupancy(self) -> dict[str, float]:
        """Mean midnight occupancy (occupied bed days / available bed days) per ward."""
        return {w.code: float(self.midnight_counts(w.code).mean() / w.beds) for w in self.wards}


# --- helpers ---------------------------------------------------------------------------------
def rng_for(seed: int, *stream: str) -> np.random.Generator:
    """An independent generator for ``stream`` under ``seed`` (stable across runs and Pythons).

    >>> float(rng_for(1, "x").random()) == float(rng_for(1, "x").random())
    True
    >>> float(rng_for(1, "x").random()) == float(rng_for(1, "y").random())
    False
    """
    if seed < 0:
        raise ValueError("the demo seed must be a non-negative integer")
    key = tuple(zlib.crc32(s.encode()) for s in stream)
    return np.random.default_rng(np.random.SeedSequence(entropy=seed, spawn_key=key))


def midnight_counts(
    admitted: np.ndarray, discharged: np.ndarray, start: dt.date, end: dt.date
) -> np.ndarray:
    """Patients present at each midnight from ``start`` to ``end`` (``NaT``: still present).

    Same rule as :func:`mhsip.recording.census.midnight_counts`, without importing Django.

    >>> a = np.array(["2025-01-01", "2025-01-02"], dtype="datetime64[D]")
    >>> d = np.array(["2025-01-03", "NaT"], dtype="datetime64[D]")
    >>> midnight_counts(a, d, dt.date(2025, 1, 1), dt.date(2025, 1, 4)).tolist()
    [1, 2, 1, 1]
    """
    first = np.datetime64(start, "D")
    days = int((np.datetime64(end, "D") - first).astype(int)) + 1
    change = np.zeros(days + 1, dtype=np.int64)
    a = np.clip((admitted - first).astype(int), 0, days)
    still = np.isnat(discharged)
    d = np.where(still, days, np.clip((discharged - first).astype(int), 0, days))
    np.add.at(change, a, 1)
    np.add.at(change, d, -1)
    return np.cumsum(change)[:days]


def erlang_b(servers: int, load: float) -> float:
    """Blocking probability of an M/G/c/c loss system with offered ``load`` (Erlangs).

    >>> round(erlang_b(1, 1.0), 3), round(erlang_b(10, 5.0), 4)
    (0.5, 0.0184)
    """
    b = 1.0
    for k in range(1, servers + 1):
        b = load * b / (k + load * b)
    return b


def offered_load_for_occupancy(beds: int, occupancy: float) -> float:
    """Offered load whose carried load ``a (1 - B(c, a))`` is ``occupancy x beds``.

    >>> a = offered_load_for_occupancy(20, 0.95)
    >>> round(a * (1 - erlang_b(20, a)) / 20, 6)
    0.95
    """
    target = occupancy * beds
    lo, hi = target, 1000.0 * beds
    for _ in range(200):
        mid = (lo + hi) / 2
        if mid * (1 - erlang_b(beds, mid)) < target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def _categorical(rng: np.random.Generator, shares: Mapping[str, float], n: int) -> list[str]:
    labels = list(shares)
    p = np.array([shares[k] for k in labels], dtype=float)
    return [labels[i] for i in rng.choice(len(labels), size=n, p=p / p.sum())]


def _yes_no(rng: np.random.Generator, yes: float, not_known: float, n: int) -> list[str]:
    u = rng.random(n)
    return ["yes" if x < yes else "not_known" if x < yes + not_known else "no" for x in u]


# --- the ward simulation ---------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _WardRun:
    patients: list[PatientRecord]
    stays: list[StayRecord]
    arrival_rate: float
    arrivals: int
    admissions: int
    diverted: int


def _simulate_ward(
    seed: int,
    params: DemoParameters,
    timeline: Timeline,
    ward: WardSpec,
    master_key: bytes | None,
) -> _WardRun:
    rng = rng_for(seed, "stays", ward.code)
    family = ward.family
    sim_days = (timeline.end - timeline.sim_start).days + 1
    start_index = (timeline.start - timeline.sim_start).days
    end_index = sim_days - 1

    load = offered_load_for_occupancy(ward.beds, params.target_occupancy)
    rate = load / params.los_mean_days(family)
    per_day = rng.poisson(rate, size=sim_days)
    n = int(per_day.sum())
    los = np.maximum(
        1,
        np.rint(
            rng.lognormal(math.log(params.los_median_days[family]), params.los_sigma[family], n)
        ),
    ).astype(int)
    readmit_u = rng.random(n)
    pick_u = rng.random(n)
    detained = rng.random(n) < params.detained_share[family]

    on_ward: list[tuple[int, int, int]] = []  # (discharge day, admission seq, patient index)
    resting: list[tuple[int, int]] = []  # discharged patients, in discharge order
    rest_head = 0
    eligible: list[int] = []  # patients who may be re-admitted now
    patient_first_day: list[int] = []
    stays: list[tuple[int, int, int, bool, int]] = []  # (patient, admit, discharge, detained, los)
    diverted = 0
    arrival = 0
    for day in range(sim_days):
        while on_ward and on_ward[0][0] <= day:
            discharge, _, patient = heapq.heappop(on_ward)
            resting.append((discharge, patient))
        while rest_head < len(resting) and (
            resting[rest_head][0] <= day - params.readmission_min_gap_days
        ):
            eligible.append(resting[rest_head][1])
            rest_head += 1
        for _ in range(per_day[day]):
            i = arrival
            arrival += 1
            if len(on_ward) >= ward.beds:
                diverted += 1
                continue
            if eligible and readmit_u[i] < params.readmission_share:
                j = int(pick_u[i] * len(eligible))
                eligible[j], eligible[-1] = eligible[-1], eligible[j]
                patient = eligible.pop()
            else:
                patient = len(patient_first_day)
                patient_first_day.append(day)
            discharge = day + int(los[i])
            heapq.heappush(on_ward, (discharge, i, patient))
            stays.append((patient, day, discharge, bool(detained[i]), int(los[i])))

    # Keep stays that touch the timeline: admitted by its end, not discharged before its start.
    kept = [s for s in stays if s[2] >= start_index]
    used = sorted({s[0] for s in kept})
    first_day = np.array([patient_first_day[p] for p in used], dtype=int)
    m = len(used)
    crng = rng_for(seed, "patients", ward.code)
    ethnicity = _categorical(crng, params.ethnicity_code_probabilities(), m)
    if ward.sex == "mixed":
        female = crng.random(m) < params.female_share[family]
        sex = ["female" if f else "male" for f in female]
    else:
        sex = [ward.sex] * m
    lo, hi = params.age_range[family]
    age = np.clip(np.rint(crng.normal(params.age_mean[family], params.age_sd[family], m)), lo, hi)
    nk = params.characteristic_not_known_share
    ld = _yes_no(crng, params.learning_disability_share[family], nk, m)
    autism = _yes_no(crng, params.autism_share[family], nk, m)
    disorder = _categorical(crng, params.mental_disorder_share[family], m)

    def date_of(index: int) -> dt.date:
        return timeline.sim_start + dt.timedelta(days=index)

    patients: list[PatientRecord] = []
    local_ids: dict[int, str] = {}
    for k, p in enumerate(used):
        local_id = f"DEMO-{ward.code}-{p:05d}"
        local_ids[p] = local_id
        patients.append(
            PatientRecord(
                local_id=local_id,
                trust_ods=ward.trust_ods,
                key=patient_key(ward.trust_ods, local_id, master_key=master_key),
                ethnicity=ethnicity[k],
                sex=sex[k],
                birth_year=date_of(int(first_day[k])).year - int(age[k]),
                learning_disability=ld[k],
                autism=autism[k],
                mental_disorder=disorder[k],
            )
        )
    stay_records = [
        StayRecord(
            patient_local_id=local_ids[p],
            ward_code=ward.code,
            admitted_on=date_of(a),
            discharged_on=date_of(d) if d <= end_index else None,
            legal_status="detained" if det else "informal",
            los_days=length,
        )
        for p, a, d, det, length in kept
    ]
    return _WardRun(
        patients=patients,
        stays=stay_records,
        arrival_rate=rate,
        arrivals=n,
        admissions=len(stays),
        diverted=diverted,
    )


# --- the whole demo --------------------------------------------------------------------------
def generate_demo(
    seed: int, params: DemoParameters | None = None, *, master_key: bytes | None = None
) -> DemoData:
    """Generate the demo collaborative for ``seed`` (synthetic-data.md) without a database.

    ``master_key`` is the pseudonymisation master key for :func:`patient_key`; by default the
    deployment's ``settings.PSEUDONYM_KEY``, so loaded keys match keys computed by imports.
    """
    params = params if params is not None else DemoParameters()
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError("the demo seed must be a non-negative integer")
    timeline = params.timeline()

    trusts = tuple(TrustRecord(t.ods_code, t.name) for t in params.trusts)
    sites = tuple(SiteRecord(s.code, s.name, t.ods_code) for t in params.trusts for s in t.sites)
    runs = {w.code: _simulate_ward(seed, params, timeline, w, master_key) for w in params.wards}
    patients = tuple(p for run in runs.values() for p in run.patients)
    stays = tuple(s for run in runs.values() for s in run.stays)
    wards = tuple(
        WardRecord(
            code=w.code,
            name=w.name,
            site_code=w.site_code,
            trust_ods=w.trust_ods,
            ward_type=w.ward_type,
            beds=w.beds,
            # open from its earliest recorded admission (stays may predate the timeline)
            active_from=min([timeline.start, *(s.admitted_on for s in runs[w.code].stays)]),
        )
        for w in params.wards
    )
    sessions = tuple(
        LearningSessionRecord(i + 1, day, params.learning_session_titles[i])
        for i, day in enumerate(timeline.learning_sessions)
    )
    collaborative = CollaborativeRecord(
        name=params.collaborative_name,
        slug=params.collaborative_slug,
        aim_statement=params.collaborative_aim,
        start_date=timeline.collaborative_start,
        end_date=timeline.collaborative_end,
        baseline_start=timeline.baseline_start,
        baseline_end=timeline.baseline_end,
        ward_codes=tuple(w.code for w in wards),
    )

    data = DemoData(
        seed=seed,
        params=params,
        timeline=timeline,
        trusts=trusts,
        sites=sites,
        wards=wards,
        collaborative=collaborative,
        learning_sessions=sessions,
        patients=patients,
        stays=stays,
        truth=MappingProxyType({}),
    )
    occupancy = data.occupancy()
    truth: dict[str, Any] = {
        "seed": seed,
        "parameters": params.as_dict(),
        "timeline": {
            "start": timeline.start,
            "end": timeline.end,
            "baseline_end": timeline.baseline_end,
            "collaborative_start": timeline.collaborative_start,
            "learning_sessions": timeline.learning_sessions,
        },
        "los_median_days": {w.code: params.los_median_days[w.family] for w in params.wards},
        # per ward, over the whole simulation (burn-in included): Poisson rate, arrivals,
        # admissions and arrivals diverted because every bed was taken
        "arrival_rate_per_day": {code: run.arrival_rate for code, run in runs.items()},
        "arrivals": {code: run.arrivals for code, run in runs.items()},
        "admissions": {code: run.admissions for code, run in runs.items()},
        "diverted": {code: run.diverted for code, run in runs.items()},
        "occupancy": occupancy,
        "ethnicity_group_share": dict(params.ethnicity_group_share),
        "ri_reduction": {w.code: w.ri_reduction for w in params.wards},
        "zero_practice": {w.code: w.zero_practice for w in params.wards if w.zero_practice},
        "ri_reference_rate_per_1000_obd": {
            f: params.ri_reference_rate(f) for f in params.ri_rate_per_1000_obd
        },
    }
    events, event_truth = _generate_events(dataclasses.replace(data, truth=truth))
    truth.update(event_truth)
    return dataclasses.replace(data, truth=MappingProxyType(truth), events=events)


def _generate_events(data: DemoData) -> tuple[DemoEvents, dict[str, Any]]:
    """PDSA cycles, restrictive interventions, other safety events and weekly returns
    (:mod:`mhsip.demo.events`, :mod:`~mhsip.demo.safety_events`, :mod:`~mhsip.demo.returns`),
    each from its own random streams."""
    from mhsip.demo.events import (
        DemoEvents,
        generate_restrictive_interventions,
        plan_change_ideas,
        ward_stays,
    )
    from mhsip.demo.returns import generate_weekly_returns
    from mhsip.demo.safety_events import generate_safety_events

    cycles = plan_change_ideas(data.seed, data.params, data.timeline)
    incidents, truth = generate_restrictive_interventions(data, cycles)
    sexual, awol, deaths, safety_truth = generate_safety_events(data, ward_stays(data))
    returns, returns_truth = generate_weekly_returns(data)
    events = DemoEvents(
        pdsa_cycles=cycles,
        incidents=incidents,
        sexual_safety=sexual,
        awol=awol,
        deaths=deaths,
        weekly_returns=returns,
    )
    return events, {**truth, **safety_truth, **returns_truth}


def weekly_bed_days(data: DemoData, ward_code: str) -> list[int]:
    """Occupied bed days per Monday-to-Sunday week of the timeline (brief: "weekly totals")."""
    counts = data.midnight_counts(ward_code)
    return [int(x) for x in counts.reshape(-1, 7).sum(axis=1)]


__all__: Sequence[str] = (
    "CollaborativeRecord",
    "DemoData",
    "LearningSessionRecord",
    "PatientRecord",
    "SiteRecord",
    "StayRecord",
    "TrustRecord",
    "WardRecord",
    "erlang_b",
    "generate_demo",
    "midnight_counts",
    "offered_load_for_occupancy",
    "rng_for",
    "weekly_bed_days",
)
