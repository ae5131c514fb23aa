"""Weekly ward returns: reading weeks and their status, saving a return, and the lead's
overview of late and missing returns with the completeness check.

Zero and missing are different everywhere: ``None`` is "not known", ``0`` is "none this week"
(landscape brief §3.7, §4.4). Views and the API validate with
:class:`mhsip.returns.forms.WeeklyReturnForm` and write through :func:`save_weekly_return`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, DateField, QuerySet, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from mhsip.accounts.roles import Role
from mhsip.organisations.models import Ward, WardType
from mhsip.recording.codes import RecordStatus
from mhsip.recording.models import Intervention, WardCensus
from mhsip.returns.completeness import Completeness, WardPeriod, assess
from mhsip.returns.models import COUNT_FIELDS, BedDaySource, WeeklyReturn
from mhsip.returns.schedule import (
    WeekRow,
    WeekStatus,
    completed_weeks,
    recent_weeks,
    week_end,
    week_status,
)

OVERVIEW_WEEKS = 8
COMPLETENESS_WEEKS = 4
# Aggregate counts that are restrictive interventions (prone is within restraint_count), so a
# ward sending weekly counts is compared like for like with wards recording incidents.
RESTRICTIVE_COUNT_FIELDS = (
    "restraint_count",
    "rapid_tranquillisation_count",
    "seclusion_count",
    "segregation_count",
    "mechanical_restraint_count",
)


def may_record(user: Any) -> bool:
    """Recording roles may create and correct returns (``Role.can_record``, ADR 0003)."""
    return bool(user.is_superuser or Role(user.role).can_record)


def ward_open_in_week(ward: Ward, week_start: dt.date) -> bool:
    """The ward was open on at least one day of the week."""
    return ward.active_from <= week_end(week_start) and (
        ward.active_to is None or ward.active_to >= week_start
    )


@dataclass(frozen=True)
class CensusWeek:
    total: int
    days: int

    @property
    def complete(self) -> bool:
        return self.days == 7


def census_week(ward: Ward, week_start: dt.date) -> CensusWeek:
    """Occupied bed days in the ward's daily midnight census for the week (domain brief §9)."""
    agg = WardCensus.objects.filter(
        ward=ward, date__gte=week_start, date__lte=week_end(week_start)
    ).aggregate(total=Sum("occupied"), days=Count("id"))
    return CensusWeek(total=agg["total"] or 0, days=agg["days"])


def ward_weeks(ward: Ward, *, today: dt.date, count: int = 12) -> list[WeekRow]:
    """The ward's most recent weeks (the current one first) with their status."""
    weeks = [w for w in recent_weeks(today, count) if ward_open_in_week(ward, w)]
    returns = {
        r.week_start: r for r in WeeklyReturn.objects.filter(ward=ward, week_start__in=weeks)
    }
    return [WeekRow(w, week_status(w, returns.get(w), today), returns.get(w)) for w in weeks]


def previous_return(ward: Ward, week_start: dt.date) -> WeeklyReturn | None:
    return (
        WeeklyReturn.objects.filter(ward=ward, week_start__lt=week_start)
        .order_by("-week_start")
        .first()
    )


def initial_values(
    ward: Ward, week_start: dt.date, existing: WeeklyReturn | None
) -> dict[str, Any]:
    """What the form shows before anything is typed: the saved return, or (for a new one) the
    ward's usual answers from its previous return and bed days from a complete census."""
    if existing is not None:
        values = {
            f: getattr(existing, f) for f in ("occupied_bed_days", "admissions", *COUNT_FIELDS)
        }
        values.update(
            leave_days_included=existing.leave_days_included,
            incident_level=existing.incident_level,
            figures_unavailable=existing.figures_unavailable,
            unavailable_note=existing.unavailable_note,
            notes=existing.notes,
        )
        return values
    values: dict[str, Any] = {}
    previous = previous_return(ward, week_start)
    if previous is not None:
        values.update(
            leave_days_included=previous.leave_days_included,
            incident_level=previous.incident_level,
        )
    census = census_week(ward, week_start)
    if census.complete:
        values["occupied_bed_days"] = census.total
    return values


@transaction.atomic
def save_weekly_return(
    *,
    ward: Ward,
    week_start: dt.date,
    values: dict[str, Any],
    submit: bool,
    user: Any,
    reason: str = "",
) -> WeeklyReturn:
    """Create or update the ward's return for the week from validated ``values`` (the form's
    ``cleaned_data``). ``submit`` marks it submitted; a submitted return stays submitted and
    every later change carries ``reason`` into the audit log.

    Bed days that equal a complete midnight census are recorded as coming from the census;
    otherwise as entered by the ward. When the ward's counts come from incident records the
    aggregate counts are left empty, as the model requires.
    """
    weekly_return = WeeklyReturn.objects.select_for_update().filter(
        ward=ward, week_start=week_start
    ).first() or WeeklyReturn(ward=ward, week_start=week_start)
    was_submitted = weekly_return.status == RecordStatus.SUBMITTED
    for name in ("occupied_bed_days", "admissions", "leave_days_included", "incident_level"):
        setattr(weekly_return, name, values[name])
    for name in COUNT_FIELDS:
        setattr(weekly_return, name, None if values["incident_level"] else values.get(name))
    weekly_return.figures_unavailable = bool(values.get("figures_unavailable"))
    weekly_return.unavailable_note = (
        values.get("unavailable_note", "") if weekly_return.figures_unavailable else ""
    )
    weekly_return.notes = values.get("notes", "")
    census = census_week(ward, week_start)
    weekly_return.bed_day_source = (
        BedDaySource.CENSUS
        if census.complete and weekly_return.occupied_bed_days == census.total
        else BedDaySource.ENTERED
    )
    if submit and not was_submitted:
        weekly_return.status = RecordStatus.SUBMITTED
        weekly_return.submitted_at = timezone.now()
        weekly_return.submitted_by = user if getattr(user, "pk", None) else None
    weekly_return.save(audit_reason=reason if was_submitted else "")
    return weekly_return


# --- The overview for leads -------------------------------------------------------------------


@dataclass(frozen=True)
class OverviewCell:
    week_start: dt.date
    status: WeekStatus | None  # None: the ward was not open that week


@dataclass(frozen=True)
class OverviewRow:
    ward: Ward
    cells: list[OverviewCell]
    late: int
    missing: int
    completeness: Completeness


def overview_weeks(today: dt.date, count: int = OVERVIEW_WEEKS) -> list[dt.date]:
    """The last ``count`` weeks that have ended, newest first."""
    return recent_weeks(today, count + 1)[1:]


def returns_overview(
    wards: QuerySet[Ward], *, today: dt.date, weeks: int = OVERVIEW_WEEKS
) -> list[OverviewRow]:
    """Each ward's status for each of the last ``weeks`` ended weeks, its counts of late and
    missing returns, and the completeness check (:func:`completeness_for_wards`)."""
    week_list = overview_weeks(today, weeks)
    ward_list = list(wards.order_by("site__trust__name", "name"))
    returns = {
        (r.ward_id, r.week_start): r
        for r in WeeklyReturn.objects.filter(ward__in=ward_list, week_start__in=week_list)
    }
    checks = completeness_for_wards(ward_list, today=today)
    rows = []
    for ward in ward_list:
        cells = [
            OverviewCell(
                w,
                week_status(w, returns.get((ward.pk, w)), today)
                if ward_open_in_week(ward, w)
                else None,
            )
            for w in week_list
        ]
        statuses = [c.status for c in cells]
        rows.append(
            OverviewRow(
                ward=ward,
                cells=cells,
                late=statuses.count(WeekStatus.LATE),
                missing=statuses.count(WeekStatus.MISSING),
                completeness=checks[ward.pk],
            )
        )
    return rows


# --- The completeness check: gathering the numbers ----------------------------------------------


def _aggregate_restrictive(weekly_return: WeeklyReturn) -> int | None:
    values = [getattr(weekly_return, f) for f in RESTRICTIVE_COUNT_FIELDS]
    return None if any(v is None for v in values) else sum(values)


def ward_periods(wards: Iterable[Ward], weeks: Sequence[dt.date]) -> dict[int, WardPeriod]:
    """Recorded restrictive interventions and occupied bed days per ward over ``weeks``.

    For each ward-week: bed days from the submitted return, else from a complete midnight
    census; the count from the return's aggregate counts when the ward sends counts, else the
    number of interventions (MHSDS MHS515 rows) of incidents that started on the ward that week.
    A week enters the sums only when both its bed days and its count are known, so a missing
    week is never read as a week with nothing to report.
    """
    ward_list = list(wards)
    first, last = min(weeks), week_end(max(weeks))
    returns = {
        (r.ward_id, r.week_start): r
        for r in WeeklyReturn.objects.filter(
            ward__in=ward_list, week_start__in=weeks, status=RecordStatus.SUBMITTED
        )
    }
    census = {
        (row["ward_id"], row["week"]): row["total"]
        for row in WardCensus.objects.filter(ward__in=ward_list, date__gte=first, date__lte=last)
        .annotate(week=TruncWeek("date", output_field=DateField()))
        .values("ward_id", "week")
        .annotate(total=Sum("occupied"), days=Count("id"))
        if row["days"] == 7
    }
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    interventions = {
        (row["incident__ward_id"], row["week"]): row["n"]
        for row in Intervention.objects.filter(
            incident__ward__in=ward_list,
            incident__started_at__gte=start,
            incident__started_at__lt=end,
        )
        .annotate(week=TruncWeek("incident__started_at", output_field=DateField()))
        .values("incident__ward_id", "week")
        .annotate(n=Count("id"))
    }
    periods = {}
    for ward in ward_list:
        used = recorded = bed_days = 0
        for week in weeks:
            weekly_return = returns.get((ward.pk, week))
            days = None
            if weekly_return is not None and weekly_return.occupied_bed_days is not None:
                days = weekly_return.occupied_bed_days
            else:
                days = census.get((ward.pk, week))
            if weekly_return is not None and not weekly_return.incident_level:
                count = _aggregate_restrictive(weekly_return)
            else:
                count = interventions.get((ward.pk, week), 0)
            if days is None or count is None:
                continue
            used += 1
            recorded += count
            bed_days += days
        if used:
            periods[ward.pk] = WardPeriod(ward.pk, ward.ward_type, used, recorded, bed_days)
    return periods


def completeness_for_wards(
    wards: Sequence[Ward], *, today: dt.date, weeks: int = COMPLETENESS_WEEKS
) -> dict[int, Completeness]:
    """The completeness check for each of ``wards`` over the last ``weeks`` weeks whose returns
    are due. Peers are every ward open in the period, whoever is looking: only their median
    rate is shown, never their figures."""
    week_list = completed_weeks(today, weeks)
    peers = [
        w
        for w in Ward.objects.all()
        if ward_open_in_week(w, week_list[-1]) and ward_open_in_week(w, week_list[0])
    ]
    periods = ward_periods({*peers, *wards}, week_list)
    peer_periods = [periods[w.pk] for w in peers if w.pk in periods]
    return {
        ward.pk: assess(
            periods.get(ward.pk),
            peer_periods,
            type_label=WardType(ward.ward_type).label,
            weeks=len(week_list),
        )
        for ward in wards
    }


def format_count(value: int | None) -> str:
    """How a count reads on a page: missing and zero are never confused.

    >>> format_count(None), format_count(0), format_count(1234)
    ('Not known (missing)', '0 (none)', '1,234')
    """
    if value is None:
        return "Not known (missing)"
    if value == 0:
        return "0 (none)"
    return f"{value:,}"


def missing_items(weekly_return: WeeklyReturn | None) -> list[str]:
    """Required figures still empty on a saved return (all of them when nothing is saved)."""
    names = ["occupied_bed_days", "admissions"]
    if weekly_return is None or not weekly_return.incident_level:
        names.extend(COUNT_FIELDS)
    if weekly_return is None:
        return names
    return [n for n in names if getattr(weekly_return, n) is None]
