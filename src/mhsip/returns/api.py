"""The returns app's API routes (django-ninja Router), mounted by mhsip.api.

The same scoping, validation and audit as the pages: a ward outside the caller's scope is 404;
anyone who may see the ward may read its returns; only recording roles may write them; a
rejected return is 422 with one message per field, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError, ValidationError

from mhsip.organisations.access import get_ward_or_404
from mhsip.organisations.models import Ward
from mhsip.recording.codes import RecordStatus
from mhsip.returns import services
from mhsip.returns.forms import WeeklyReturnForm, form_data_from_values
from mhsip.returns.models import COUNT_FIELDS, WeeklyReturn
from mhsip.returns.schedule import WeekRow, due_date, monday_of, week_status

router = Router(tags=["returns"])


class WeeklyReturnOut(Schema):
    ward_code: str
    week_start: dt.date
    due_date: dt.date
    status: str  # submitted, draft, due, late or missing
    saved: bool  # False: nothing saved for this week yet
    occupied_bed_days: int | None = None
    bed_day_source: str | None = None
    leave_days_included: bool | None = None
    admissions: int | None = None
    incident_level: bool | None = None
    restraint_count: int | None = None
    prone_restraint_count: int | None = None
    rapid_tranquillisation_count: int | None = None
    seclusion_count: int | None = None
    segregation_count: int | None = None
    mechanical_restraint_count: int | None = None
    sexual_safety_count: int | None = None
    awol_count: int | None = None
    self_harm_count: int | None = None
    figures_unavailable: bool = False
    unavailable_note: str = ""
    notes: str = ""
    missing: list[str]  # required figures still empty (null means not known, never zero)
    submitted_at: dt.datetime | None = None


class WeeklyReturnIn(Schema):
    """A week's return. ``null`` (or leaving a count out) means *not known*; 0 means none.
    ``submit`` submits it (every required figure given, or ``figures_unavailable`` with a
    note); a submitted return can be corrected, with a ``reason``."""

    occupied_bed_days: int | None = None
    admissions: int | None = None
    leave_days_included: bool
    incident_level: bool
    restraint_count: int | None = None
    prone_restraint_count: int | None = None
    rapid_tranquillisation_count: int | None = None
    seclusion_count: int | None = None
    segregation_count: int | None = None
    mechanical_restraint_count: int | None = None
    sexual_safety_count: int | None = None
    awol_count: int | None = None
    self_harm_count: int | None = None
    figures_unavailable: bool = False
    unavailable_note: str = ""
    notes: str = ""
    submit: bool = False
    reason: str = ""


SAVED_FIELDS = (
    "occupied_bed_days",
    "bed_day_source",
    "leave_days_included",
    "admissions",
    "incident_level",
    *COUNT_FIELDS,
    "figures_unavailable",
    "unavailable_note",
    "notes",
    "submitted_at",
)


def _out(ward: Ward, row: WeekRow) -> WeeklyReturnOut:
    r = row.weekly_return
    values: dict[str, Any] = {
        "ward_code": ward.code,
        "week_start": row.week_start,
        "due_date": due_date(row.week_start),
        "status": row.status.code,
        "saved": r is not None,
        "missing": services.missing_items(r),
    }
    if r is not None:
        values.update(
            {name: getattr(r, name) for name in SAVED_FIELDS},
        )
    return WeeklyReturnOut(**values)


def _week(ward: Ward, week: dt.date) -> dt.date:
    today = timezone.localdate()
    if week.weekday() != 0:
        raise HttpError(
            422, f"{week.isoformat()} is not a Monday: a return's week begins on a Monday"
        )
    if week > monday_of(today) or not services.ward_open_in_week(ward, week):
        raise Http404("No return for this week")
    return week


@router.get(
    "/wards/{code}/returns",
    response=list[WeeklyReturnOut],
    summary="A ward's weekly returns for recent weeks, newest first",
)
def list_returns(request: HttpRequest, code: str, weeks: int = 12) -> list[WeeklyReturnOut]:
    ward = get_ward_or_404(request.auth, code)
    rows = services.ward_weeks(ward, today=timezone.localdate(), count=max(1, min(weeks, 104)))
    return [_out(ward, row) for row in rows]


@router.get("/wards/{code}/returns/{week}", response=WeeklyReturnOut, summary="One week's return")
def get_return(request: HttpRequest, code: str, week: dt.date) -> WeeklyReturnOut:
    ward = get_ward_or_404(request.auth, code)
    week = _week(ward, week)
    existing = WeeklyReturn.objects.filter(ward=ward, week_start=week).first()
    status = week_status(week, existing, timezone.localdate())
    return _out(ward, WeekRow(week, status, existing))


@router.put(
    "/wards/{code}/returns/{week}",
    response={200: WeeklyReturnOut},
    summary="Save (and optionally submit) one week's return",
)
def put_return(
    request: HttpRequest, code: str, week: dt.date, payload: WeeklyReturnIn
) -> WeeklyReturnOut:
    ward = get_ward_or_404(request.auth, code)
    if not services.may_record(request.auth):
        raise HttpError(403, "Your role cannot change returns.")
    week = _week(ward, week)
    existing = WeeklyReturn.objects.filter(ward=ward, week_start=week).first()
    values = payload.dict()
    submit, reason = values.pop("submit"), values.pop("reason")
    form = WeeklyReturnForm(
        {**form_data_from_values(values), "reason": reason},
        ward=ward,
        week_start=week,
        submitting=submit,
        correcting=existing is not None and existing.status == RecordStatus.SUBMITTED,
    )
    if not form.is_valid():
        raise ValidationError(
            [
                {"loc": ["body", "payload", field], "msg": str(message), "type": "value_error"}
                for field, messages in form.errors.items()
                for message in messages
            ]
        )
    saved = services.save_weekly_return(
        ward=ward,
        week_start=week,
        values=form.cleaned_data,
        submit=submit,
        user=request.auth,
        reason=form.cleaned_data["reason"],
    )
    return _out(ward, WeekRow(week, week_status(week, saved, timezone.localdate()), saved))
