"""Simulated inpatients for checking the equity method's confidence intervals (no database).

Each seed simulates White and Black patients with one stay each (admission spread over the year,
gamma lengths of stay with mean 30 days), a White rate of 25 restrictive interventions per 1,000
occupied bed days and a Black rate ``ratio`` times that; optionally each patient gets a gamma
frailty (mean 1, ``frailty_shape`` 0.3: restraint concentrated on a few patients). Events fall
on days of the stay inside the year. The rows then go through exactly the code the pages use
(:func:`mhsip.equity.compute.build_frame` and :func:`~mhsip.equity.compute.group_statistics`).

Used by ``benchmarks/equity_coverage.py`` and ``tests/equity/test_coverage.py``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from mhsip.equity.characteristics import ETHNICITY
from mhsip.equity.compute import Frame, build_frame, group_statistics, ratio_intervals

START = dt.date(2025, 1, 1)
END = dt.date(2025, 12, 31)
WHITE_RATE = 25.0 / 1000.0
MEAN_STAY = 30.0


@dataclass(frozen=True)
class SimulatedYear:
    """One simulated year: each patient's stay, ethnic code and restrictive interventions."""

    admitted: np.ndarray
    discharged: np.ndarray
    code: np.ndarray
    bed_days: np.ndarray  # in the year, counted here independently of mhsip.equity
    events: np.ndarray  # per patient
    event_patient: np.ndarray
    event_day: np.ndarray

    def frame(self) -> Frame:
        """The rows as the pages see them (:func:`~mhsip.equity.compute.build_frame`)."""
        n = self.code.size
        return build_frame(
            ETHNICITY,
            START,
            END,
            stay_patient=np.arange(n),
            stay_ward=np.zeros(n, np.int64),
            admitted=self.admitted,
            discharged=self.discharged,
            stay_value=self.code,
            event_patient=self.event_patient,
            event_ward=np.zeros(self.event_patient.size, np.int64),
            event_month=self.event_day.astype("datetime64[M]"),
            event_value=self.code[self.event_patient],
            event_interventions=np.ones(self.event_patient.size),
            event_incidents=np.ones(self.event_patient.size),
        )


def simulate_year(
    rng: np.random.Generator,
    *,
    n_white: int,
    n_black: int,
    ratio: float = 3.0,
    frailty_shape: float | None = None,
) -> SimulatedYear:
    n = n_white + n_black
    span = (END - START).days + 1
    code = np.array(["A"] * n_white + ["M"] * n_black, dtype=object)
    mult = np.where(np.arange(n) < n_white, 1.0, ratio)
    if frailty_shape:
        mult = mult * rng.gamma(frailty_shape, 1.0 / frailty_shape, size=n)
    first = np.datetime64(START, "D")
    admitted = first + rng.integers(-30, span - 10, size=n).astype("timedelta64[D]")
    stay = np.maximum(1, np.rint(rng.gamma(2.0, MEAN_STAY / 2.0, size=n))).astype(int)
    discharged = admitted + stay.astype("timedelta64[D]")
    lo = np.maximum(admitted, first)
    hi = np.minimum(discharged, np.datetime64(END, "D") + 1)
    bed_days = np.clip((hi - lo).astype(int), 0, None).astype(float)
    k = rng.poisson(WHITE_RATE * mult * bed_days)
    who = np.repeat(np.arange(n), k)
    day = lo[who] + (rng.random(who.size) * bed_days[who]).astype(int).astype("timedelta64[D]")
    return SimulatedYear(admitted, discharged, code, bed_days, k.astype(float), who, day)


@dataclass(frozen=True)
class Coverage:
    """Share of seeds whose 95% interval covers the true ratio, by interval method, and the
    estimates. ``used`` is the method the pages use (robust, never narrower than exact);
    ``frames_checked`` seeds were also run through the pages' own code path
    (:func:`~mhsip.equity.compute.group_statistics` on a built frame) and agreed exactly."""

    seeds: int
    ratio: float
    frailty_shape: float | None
    estimates: np.ndarray
    used: float
    robust: float
    exact: float
    within_10_percent: float
    frames_checked: int

    @property
    def geometric_mean(self) -> float:
        ok = np.isfinite(self.estimates) & (self.estimates > 0)
        return float(np.exp(np.mean(np.log(self.estimates[ok]))))


def coverage(
    seeds: int,
    *,
    n_white: int = 300,
    n_black: int = 100,
    ratio: float = 3.0,
    frailty_shape: float | None = None,
    seed: int = 20_261_128,
    check_frames: int = 10,
) -> Coverage:
    """Simulate ``seeds`` years and count how often each interval covers ``ratio``.

    All seeds go through :func:`~mhsip.equity.compute.ratio_intervals` in one vectorised call
    (per-patient counts, seeds along the first axis); the first ``check_frames`` seeds also go
    through the whole page path (frame, then ``group_statistics``), which must give the same
    estimate and interval.
    """
    rng = np.random.default_rng(seed)
    years = [
        simulate_year(
            rng, n_white=n_white, n_black=n_black, ratio=ratio, frailty_shape=frailty_shape
        )
        for _ in range(seeds)
    ]

    def per_patient(black: bool) -> tuple[np.ndarray, np.ndarray]:
        size = n_black if black else n_white
        y = np.full((seeds, size), np.nan)
        t = np.full((seeds, size), np.nan)
        for s, year in enumerate(years):
            sl = slice(n_white, None) if black else slice(0, n_white)
            active = (year.bed_days[sl] > 0) | (year.events[sl] > 0)
            y[s, active] = year.events[sl][active]
            t[s, active] = year.bed_days[sl][active]
        return y, t

    yb, tb = per_patient(True)
    yw, tw = per_patient(False)
    r = ratio_intervals(yb, tb, yw, tw)
    for s in range(min(check_frames, seeds)):
        g = group_statistics(years[s].frame(), ETHNICITY, "white")
        b = g.index("black")
        same = np.allclose(
            [g.ratio[b], g.ratio_lower[b], g.ratio_upper[b]],
            [r.estimate[s], r.lower[s], r.upper[s]],
            rtol=1e-12,
        )
        if not same:
            raise AssertionError(f"seed {s}: the page path and the batched path disagree")

    def covers(lo: np.ndarray, hi: np.ndarray) -> float:
        return float(np.mean((lo <= ratio) & (hi >= ratio)))

    return Coverage(
        seeds=seeds,
        ratio=ratio,
        frailty_shape=frailty_shape,
        estimates=r.estimate,
        used=covers(r.lower, r.upper),
        robust=covers(r.robust.lower, r.robust.upper),
        exact=covers(r.exact.lower, r.exact.upper),
        within_10_percent=float(np.mean(np.abs(r.estimate - ratio) / ratio < 0.10)),
        frames_checked=min(check_frames, seeds),
    )
