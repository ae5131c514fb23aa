"""Pure generation of the weekly ward returns (no database).

``/work/shared/brief/synthetic-data.md`` "Other safety events": about 2% of weekly returns are
missing (not zero) and must show as missing. Every ward-week of the timeline gets a return
with the week's occupied bed days from the midnight census (``bed_day_source`` census, domain
§9) and the week's admissions from the stays; counts come from incident records
(``incident_level``), so the count fields stay empty. The return is submitted a day or two
after its week (a few late, after the Wednesday due date of :mod:`mhsip.returns.schedule`).

Missing weeks (``missing_weekly_return_share``) are either absent (no return at all) or a draft
with the bed days and admissions left empty (``missing_weekly_return_draft_share``): never a
zero. The last two weeks bring the late-returns view to life: in the week before "today" most
wards have submitted and the rest are late; in the week ending "today" a few have submitted,
a few have saved a draft and the rest have nothing yet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from mhsip.demo.events import Draws, local_datetime
from mhsip.demo.parameters import DemoParameters

if TYPE_CHECKING:
    from mhsip.demo.generate import DemoData


@dataclass(frozen=True, slots=True)
class WeeklyReturnRecord:
    """A saved weekly return. ``None`` figures are missing, never zero."""

    ward_code: str
    week_start: dt.date
    status: str  # RecordStatus value
    occupied_bed_days: int | None
    admissions: int | None
    submitted_at: dt.datetime | None


def weekly_admissions(data: DemoData, ward_code: str) -> list[int]:
    """Admissions to ``ward_code`` in each Monday-to-Sunday week of the timeline."""
    start = data.timeline.start
    weeks = np.zeros(data.timeline.weeks, dtype=np.int64)
    for s in data.stays:
        if s.ward_code == ward_code and s.admitted_on >= start:
            weeks[(s.admitted_on - start).days // 7] += 1
    return [int(x) for x in weeks]


def _submitted_at(draws: Draws, week_end: dt.date, *, late: bool = False) -> dt.datetime:
    """A day or two after the week (on time), or 4 to 10 days after it (late), in office
    hours."""
    lag = draws.integer(4, 10) if late else draws.integer(1, 2)
    day = week_end + dt.timedelta(days=lag)
    return local_datetime(day, draws.integer(8, 17), draws.integer(0, 59))


def _one_week(
    params: DemoParameters, draws: Draws, week_end: dt.date, weeks_before_today: int
) -> tuple[str | None, dt.datetime | None, str]:
    """``(status, submitted_at, kind)`` of one ward-week; status ``None``: no return saved.

    ``kind`` is "submitted", "late" (submitted after the due date), "missing_draft",
    "missing_absent", "not_yet_in" (the week before today) or "current" (the week ending
    today, draft or nothing yet).
    """
    if weeks_before_today == 0:
        x = draws.u()
        if x < params.weekly_return_last_week_submitted:
            at = local_datetime(week_end, draws.integer(18, 21), draws.integer(0, 59))
            return "submitted", at, "submitted"
        if x < params.weekly_return_last_week_submitted + params.weekly_return_last_week_draft:
            return "draft", None, "current"
        return None, None, "current"
    if weeks_before_today == 1:
        if draws.u() < params.weekly_return_previous_week_submitted:
            return "submitted", _submitted_at(draws, week_end), "submitted"
        return None, None, "not_yet_in"
    if draws.u() < params.missing_weekly_return_share:
        if draws.u() < params.missing_weekly_return_draft_share:
            return "draft", None, "missing_draft"
        return None, None, "missing_absent"
    if draws.u() < params.weekly_return_late_share:
        return "submitted", _submitted_at(draws, week_end, late=True), "late"
    return "submitted", _submitted_at(draws, week_end), "submitted"


def generate_weekly_returns(
    data: DemoData,
) -> tuple[tuple[WeeklyReturnRecord, ...], dict[str, Any]]:
    """Every ward's weekly returns, and the truth: which weeks are missing and how."""
    from mhsip.demo.generate import rng_for, weekly_bed_days

    params = data.params
    weeks = data.timeline.week_starts()
    n = len(weeks)
    no_normals = np.zeros(0)
    out: list[WeeklyReturnRecord] = []
    missing: list[dict[str, Any]] = []
    not_yet_in: list[dict[str, Any]] = []
    late: list[dict[str, Any]] = []
    for ward in params.wards:
        rng = rng_for(data.seed, "returns", ward.code)
        bed_days = weekly_bed_days(data, ward.code)
        admissions = weekly_admissions(data, ward.code)
        u = rng.random((n, 8))
        for w, week in enumerate(weeks):
            week_end = week + dt.timedelta(days=6)
            status, at, kind = _one_week(params, Draws(u[w], no_normals), week_end, n - 1 - w)
            if kind.startswith("missing_"):
                missing.append({"ward": ward.code, "week_start": week, "mode": kind[8:]})
            elif kind == "not_yet_in":
                not_yet_in.append({"ward": ward.code, "week_start": week})
            elif kind == "late":
                late.append({"ward": ward.code, "week_start": week})
            if status is None:
                continue
            blank = kind == "missing_draft"
            out.append(
                WeeklyReturnRecord(
                    ward_code=ward.code,
                    week_start=week,
                    status=status,
                    occupied_bed_days=None if blank else bed_days[w],
                    admissions=None if blank else admissions[w],
                    submitted_at=at,
                )
            )
    truth = {
        "weekly_return_missing_share": params.missing_weekly_return_share,
        "weekly_returns_missing": missing,
        "weekly_returns_not_yet_in": not_yet_in,
        "weekly_returns_submitted_late": late,
    }
    return tuple(out), truth


__all__: Sequence[str] = ("WeeklyReturnRecord", "generate_weekly_returns", "weekly_admissions")
