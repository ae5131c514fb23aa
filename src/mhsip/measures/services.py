"""Governed changes to measures and their limits: rebasing, fixed baselines, the library.

Rules (issue 5 items 1 and 4; landscape brief §3.5 and §4.3; Making Data Count guidance that a
baseline is recalculated only once the cause of a sustained shift is understood):

* **Rebase**: a ward QI lead of the ward proposes recalculating the limits from a date, with
  the reason and optionally the change idea behind it; a collaborative admin approves or
  rejects it with a note. Only approved rebases change limits
  (:func:`mhsip.measures.analysis.approved_rebases`). An approval adds a "Limits recalculated"
  annotation to the ward's chart. Each step is an audited save, and each decision is also
  logged as an approval decision (``Action.APPROVE``, ADR 0004).
* **Fixed baseline**: freezes the centre and limits on the first *N* points (Making Data
  Count: fix after about 20 points so later data is judged against the baseline). Unlike a
  rebase it asserts nothing about a change in the process and uses no data from outside the
  ward's own series, so the ward's QI lead may set or remove it directly, with a reason; a
  collaborative admin may too. Every change is audited with its reason and listed on the
  admins' queue page for oversight.
* **Measures**: collaborative admins add and edit measure definitions; every save runs
  ``Measure.full_clean`` and is audited (an edit needs a reason).

Errors are :class:`django.core.exceptions.ValidationError` with a message per field, so the
forms can show each beside its field; nothing is half-written (``transaction.atomic``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from mhsip.accounts.roles import Role
from mhsip.audit import log
from mhsip.audit.models import Action
from mhsip.measures.analysis import analyse_table, approved_rebases
from mhsip.measures.models import (
    Annotation,
    AnnotationKind,
    FixedBaseline,
    Measure,
    Rebase,
    RebaseStatus,
)
from mhsip.measures.series import bucket, measure_series
from mhsip.organisations.access import visible_wards
from mhsip.organisations.models import Ward

MIN_FIXED_POINTS = 13  # the Making Data Count minimum for limits (analysis.MIN_POINTS_FOR_LIMITS)
MAX_FIXED_POINTS = 260
MEASURE_FIELDS = (
    "name",
    "description",
    "source",
    "type_codes",
    "denominator",
    "multiplier",
    "period",
    "default_chart",
    "improvement",
    "target",
    "kind",
    "unit",
    "order",
    "restricted",
    "is_active",
)


# --- Who may do what ---------------------------------------------------------------------------


def is_admin(user: Any) -> bool:
    """Collaborative admins (and superusers) approve rebases and edit the measure library."""
    return bool(user.is_authenticated and (user.is_superuser or Role(user.role).is_admin))


def may_propose(user: Any, ward: Ward) -> bool:
    """A ward QI lead of this ward (issue 5 item 4). Ward staff, trust leads, analysts and
    network members may not; admins decide rather than propose."""
    return (
        user.is_authenticated
        and Role(user.role) is Role.WARD_QI_LEAD
        and visible_wards(user).filter(pk=ward.pk).exists()
    )


def may_fix_baseline(user: Any, ward: Ward) -> bool:
    """The ward's QI lead, or a collaborative admin (see the module notes)."""
    return may_propose(user, ward) or (
        is_admin(user) and visible_wards(user).filter(pk=ward.pk).exists()
    )


def visible_measures(user: Any) -> list[Measure]:
    """Active measures the user may see, in library order: restricted ones (sexual safety,
    AWOL) only for the roles the ward dashboard shows them to
    (:func:`mhsip.measures.dashboard.sees_restricted_measures`), so every page agrees."""
    from mhsip.measures.dashboard import measures_for

    return measures_for(user)


# --- Rebasing ----------------------------------------------------------------------------------


def period_start(measure: Measure, day: dt.date) -> dt.date:
    """The first day of the measure's period (week or month) containing ``day``."""
    start: dt.date = bucket(np.array([day], dtype="datetime64[D]"), measure.period)[0].item()
    return start


@transaction.atomic
def propose_rebase(
    *,
    user: Any,
    ward: Ward,
    measure: Measure,
    starts_on: dt.date,
    reason: str,
    change_idea: str = "",
    today: dt.date | None = None,
) -> Rebase:
    """Record a proposal to recalculate ``ward``'s limits for ``measure`` from ``starts_on``."""
    if not may_propose(user, ward):
        raise PermissionDenied("Only the ward's QI lead can propose a rebase.")
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    reason = reason.strip()
    if not reason:
        errors["reason"] = "Enter the reason for recalculating the limits"
    if starts_on > today:
        errors["starts_on"] = "The date the new limits start must be today or in the past"
    elif starts_on < ward.active_from:
        errors["starts_on"] = (
            f"The date the new limits start must be on or after {ward.active_from:%-d %B %Y}, "
            "when the ward opened"
        )
    else:
        first = period_start(measure, starts_on)
        clash = Rebase.objects.filter(
            ward=ward,
            measure=measure,
            status__in=[RebaseStatus.PROPOSED, RebaseStatus.APPROVED],
        )
        for other in clash:
            if period_start(measure, other.starts_on) == first:
                state = (
                    "approved"
                    if other.status == RebaseStatus.APPROVED
                    else "waiting for a decision"
                )
                errors["starts_on"] = (
                    f"A rebase from the {measure.get_period_display().lower()} of "
                    f"{first:%-d %B %Y} is already {state}"
                )
                break
    if errors:
        raise ValidationError(errors)
    rebase = Rebase(
        ward=ward,
        measure=measure,
        starts_on=starts_on,
        reason=reason,
        change_idea=change_idea.strip(),
        proposed_by=user,
    )
    rebase.save(audit_reason=reason)
    return rebase


@transaction.atomic
def decide_rebase(*, user: Any, rebase: Rebase, approve: bool, note: str) -> Rebase:
    """Approve or reject a proposed rebase. A rejection needs a note for the proposer."""
    if not is_admin(user):
        raise PermissionDenied("Only collaborative admins decide on rebases.")
    locked = Rebase.objects.select_for_update().get(pk=rebase.pk)
    note = note.strip()
    if locked.status != RebaseStatus.PROPOSED:
        raise ValidationError(
            {"decision": f"This rebase was already {locked.get_status_display().lower()}"}
        )
    if not approve and not note:
        raise ValidationError({"note": "Enter a note saying why the rebase is rejected"})
    locked.status = RebaseStatus.APPROVED if approve else RebaseStatus.REJECTED
    locked.decided_by = user
    locked.decided_at = timezone.now()
    locked.decision_note = note
    decision = "approved" if approve else "rejected"
    locked.save(audit_reason=note or f"Rebase {decision}")
    log.record(
        Action.APPROVE,
        locked,
        changes={"decision": decision, "starts_on": locked.starts_on.isoformat()},
        reason=note,
    )
    if approve:
        label = "Limits recalculated" + (f": {locked.change_idea}" if locked.change_idea else "")
        Annotation(
            ward=locked.ward,
            measure=locked.measure,
            date=period_start(locked.measure, locked.starts_on),
            label=label[:120],
            kind=AnnotationKind.REBASE,
            source_key=f"rebase:{locked.pk}",
        ).save(audit_reason=f"Rebase {locked.pk} approved")
    return locked


@dataclass(frozen=True)
class RebasePreview:
    """The ward's chart as it is and as it would be with the proposed rebase approved, so the
    admin decides with sight of the new limits (landscape §3.5)."""

    now: Any  # charts.ChartBlock
    after: Any


def rebase_preview(rebase: Rebase, *, today: dt.date | None = None) -> RebasePreview | None:
    """Both charts over the ward dashboard's default range; None when there is no data."""
    from mhsip.measures.charts import chart_block
    from mhsip.measures.dashboard import default_range, links

    ward, measure = rebase.ward, rebase.measure
    start, end = default_range(ward, today).for_period(measure.period)
    if start > end:
        return None
    table = measure_series(measure, [ward.pk], start, end)
    if not len(table):
        return None
    points = (
        FixedBaseline.objects.filter(ward=ward, measure=measure)
        .values_list("points", flat=True)
        .first()
    )
    fixed = {ward.pk: points} if points else {}
    current = approved_rebases(measure, [ward.pk])
    proposed = {
        ward.pk: sorted({*current.get(ward.pk, []), period_start(measure, rebase.starts_on)})
    }
    now = analyse_table(measure, table, rebases=current, fixed=fixed)[ward.pk]
    after = analyse_table(measure, table, rebases=proposed, fixed=fixed)[ward.pk]
    return RebasePreview(
        now=chart_block(
            now,
            measure,
            dom_id="chart-now",
            subject=f"{ward.name}: limits now",
            links=links(ward, measure, ""),
        ),
        after=chart_block(
            after, measure, dom_id="chart-after", subject=f"{ward.name}: if approved"
        ),
    )


def pending_rebases() -> list[Rebase]:
    return list(
        Rebase.objects.filter(status=RebaseStatus.PROPOSED)
        .select_related("ward__site__trust", "measure", "proposed_by")
        .order_by("id")
    )


def recent_decisions(limit: int = 20) -> list[Rebase]:
    return list(
        Rebase.objects.exclude(status=RebaseStatus.PROPOSED)
        .select_related("ward", "measure", "proposed_by", "decided_by")
        .order_by("-decided_at", "-id")[:limit]
    )


# --- Fixed baseline ----------------------------------------------------------------------------


@transaction.atomic
def set_fixed_baseline(
    *, user: Any, ward: Ward, measure: Measure, points: int | None, reason: str
) -> FixedBaseline | None:
    """Fix ``ward``'s limits for ``measure`` on its first ``points`` periods, or remove the
    fixed baseline when ``points`` is None. Either way the reason is required and audited."""
    if not may_fix_baseline(user, ward):
        raise PermissionDenied("Only the ward's QI lead or an admin can fix a baseline.")
    reason = reason.strip()
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = "Enter the reason for fixing the baseline"
    if points is not None and not MIN_FIXED_POINTS <= points <= MAX_FIXED_POINTS:
        errors["points"] = (
            f"The number of points must be between {MIN_FIXED_POINTS} and {MAX_FIXED_POINTS}"
        )
    if errors:
        raise ValidationError(errors)
    existing = FixedBaseline.objects.select_for_update().filter(ward=ward, measure=measure).first()
    if points is None:
        if existing is not None:
            existing.delete(audit_reason=reason)
        return None
    fixed = existing or FixedBaseline(ward=ward, measure=measure)
    fixed.points = points
    fixed.reason = reason
    fixed.save(audit_reason=reason)
    return fixed


def recent_fixed_baselines(limit: int = 20) -> list[FixedBaseline]:
    return list(FixedBaseline.objects.select_related("ward", "measure").order_by("-id")[:limit])


# --- The measure library -----------------------------------------------------------------------


def unique_slug(name: str) -> str:
    base = slugify(name)[:45] or "measure"
    slug, n = base, 2
    while Measure.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def save_measure(
    *, user: Any, values: dict[str, Any], measure: Measure | None = None, reason: str = ""
) -> Measure:
    """Create a measure (``measure`` None) or change one; validated by ``Measure.full_clean``.

    The slug is set once from the name and never changes, so links to charts keep working.
    """
    if not is_admin(user):
        raise PermissionDenied("Only collaborative admins edit the measure library.")
    creating = measure is None
    target = measure if measure is not None else Measure(slug=unique_slug(values["name"]))
    for name in MEASURE_FIELDS:
        if name in values:
            setattr(target, name, values[name])
    reason = reason.strip()
    if not creating and not reason:
        raise ValidationError({"reason": "Enter the reason for changing this measure"})
    target.full_clean()
    target.save(audit_reason=reason or "Measure added")
    return target
