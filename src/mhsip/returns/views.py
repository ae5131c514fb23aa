"""Weekly ward return pages: a ward's weeks, one week's form, and the leads' overview.

Every ward comes through the scoped accessor (outsiders get 404). Anyone who may see the ward
may read its returns; only recording roles (``Role.can_record``) may save them. The overview is
for trust leads, collaborative admins and analysts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from mhsip.accounts.roles import Role
from mhsip.organisations.access import get_ward_or_404, visible_wards
from mhsip.organisations.models import Ward
from mhsip.recording.codes import RecordStatus
from mhsip.returns import services
from mhsip.returns.forms import COUNT_TEXT, WeeklyReturnForm
from mhsip.returns.models import COUNT_FIELDS, WeeklyReturn
from mhsip.returns.schedule import WeekRow, due_date, monday_of, week_end, week_status

OVERVIEW_ROLES = {Role.TRUST_LEAD, Role.COLLABORATIVE_ADMIN, Role.ANALYST}


def parse_week(ward: Ward, week: str, today: dt.date) -> dt.date:
    """The Monday named in the URL; 404 for a malformed date, a week that has not begun, or a
    week before the ward opened."""
    try:
        day = dt.date.fromisoformat(week)
    except ValueError:
        raise Http404("Not a date") from None
    if monday_of(day) > monday_of(today) or not services.ward_open_in_week(ward, monday_of(day)):
        raise Http404("No return for this week")
    return day


def return_list(request: HttpRequest, code: str) -> HttpResponse:
    ward = get_ward_or_404(request.user, code)
    count = 52 if request.GET.get("weeks") == "52" else 12
    rows = services.ward_weeks(ward, today=timezone.localdate(), count=count)
    return render(
        request,
        "returns/list.html",
        {
            "ward": ward,
            "rows": rows,
            "count": count,
            "missing_items": services.missing_items,
            "show_overview": may_see_overview(request.user),
        },
    )


def return_week(request: HttpRequest, code: str, week: str) -> HttpResponse:
    ward = get_ward_or_404(request.user, code)
    today = timezone.localdate()
    week_start = parse_week(ward, week, today)
    if week_start.weekday() != 0:
        monday = monday_of(week_start).isoformat()
        return redirect("returns:return-week", code=ward.code, week=monday)
    existing = WeeklyReturn.objects.filter(ward=ward, week_start=week_start).first()
    correcting = existing is not None and existing.status == RecordStatus.SUBMITTED
    if request.method == "POST":
        form = post_week(request, ward, week_start, correcting)
        if form is None:
            return redirect("returns:return-list", code=ward.code)
    else:
        initial = yes_no_initial(services.initial_values(ward, week_start, existing))
        form = WeeklyReturnForm(
            initial=initial, ward=ward, week_start=week_start, correcting=correcting
        )
    context = week_context(request, ward, week_start, existing, form, today)
    return render(request, "returns/week.html", context)


def post_week(
    request: HttpRequest, ward: Ward, week_start: dt.date, correcting: bool
) -> WeeklyReturnForm | None:
    """Validate and save a posted return; ``None`` when saved, else the form with its errors.
    "Submit" holds the return to the submission rules; "Save as draft" does not."""
    if not services.may_record(request.user):
        raise PermissionDenied("Your role cannot change returns.")
    submit = request.POST.get("action") == "submit"
    form = WeeklyReturnForm(
        request.POST, ward=ward, week_start=week_start, submitting=submit, correcting=correcting
    )
    if not form.is_valid():
        return form
    saved = services.save_weekly_return(
        ward=ward,
        week_start=week_start,
        values=form.cleaned_data,
        submit=submit,
        user=request.user,
        reason=form.cleaned_data["reason"],
    )
    messages.success(request, saved_message(saved, form.missing_fields(), correcting))
    return None


def yes_no_initial(values: dict[str, object]) -> dict[str, object]:
    for name in ("leave_days_included", "incident_level"):
        if isinstance(values.get(name), bool):
            values[name] = "yes" if values[name] else "no"
    return values


def saved_message(saved: WeeklyReturn, missing: list[str], correcting: bool) -> str:
    week = f"the week beginning {saved.week_start:%-d %B %Y}"
    if correcting:
        return f"Your correction to the return for {week} has been saved."
    if saved.status == RecordStatus.SUBMITTED:
        return f"The return for {week} has been submitted. Thank you."
    if missing:
        return (
            f"Draft saved for {week}. {len(missing)} required "
            f"{'figure is' if len(missing) == 1 else 'figures are'} still empty and will "
            "show as missing until you fill them in and submit."
        )
    return f"Draft saved for {week}. Submit it when the figures are checked."


def week_context(
    request: HttpRequest,
    ward: Ward,
    week_start: dt.date,
    existing: WeeklyReturn | None,
    form: WeeklyReturnForm,
    today: dt.date,
) -> dict[str, object]:
    return {
        "ward": ward,
        "week_start": week_start,
        "week_end": week_end(week_start),
        "due": due_date(week_start),
        "row": WeekRow(week_start, week_status(week_start, existing, today), existing),
        "existing": existing,
        "form": form,
        "census": services.census_week(ward, week_start),
        "can_record": services.may_record(request.user),
        "count_fields": COUNT_FIELDS,
        "count_text": COUNT_TEXT,
        "format_count": services.format_count,
    }


def may_see_overview(user: Any) -> bool:
    return bool(user.is_superuser or Role(user.role) in OVERVIEW_ROLES)


def overview(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not may_see_overview(user):
        raise PermissionDenied("The returns overview is for trust and collaborative leads.")
    today = timezone.localdate()
    rows = services.returns_overview(visible_wards(user), today=today)
    return render(
        request,
        "returns/overview.html",
        {
            "rows": rows,
            "weeks": services.overview_weeks(today),
            "flagged": [r for r in rows if r.completeness.flagged],
            "late_total": sum(r.late for r in rows),
            "missing_total": sum(r.missing for r in rows),
            "completeness_weeks": services.COMPLETENESS_WEEKS,
        },
    )
