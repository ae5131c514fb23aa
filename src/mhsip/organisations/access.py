"""The one scoped accessor: every query for ward-scoped data starts here (ADR 0003).

``visible_wards(user)`` is the set of wards a user may see; ``get_ward_or_404`` returns one of
them or raises ``Http404`` (never 403, so an outsider cannot learn that a ward exists).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from mhsip.accounts.roles import Role
from mhsip.organisations.models import Trust, Ward


def visible_wards(user: Any) -> QuerySet[Ward]:
    wards = Ward.objects.select_related("site__trust")
    if user is None or not user.is_authenticated or not user.is_active:
        return wards.none()
    if user.is_superuser:
        return wards.all()
    role = Role(user.role)
    if role.scoped_to_wards:
        return wards.filter(staff=user)
    if role.scoped_to_trust:
        return wards.filter(site__trust_id=user.trust_id)
    if role is Role.COLLABORATIVE_ADMIN:
        return wards.all()
    if role is Role.ANALYST:
        if user.trust_id is not None:
            return wards.filter(site__trust_id=user.trust_id)
        return wards.filter(collaboratives__isnull=False).distinct()
    return wards.none()  # network members see no ward-level data


def visible_trusts(user: Any) -> QuerySet[Trust]:
    return Trust.objects.filter(sites__wards__in=visible_wards(user)).distinct()


def get_ward_or_404(user: Any, code: str) -> Ward:
    try:
        return visible_wards(user).get(code=code)
    except Ward.DoesNotExist:
        raise Http404("No such ward") from None


def can_see_ward_data(user: Any) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or Role(user.role).sees_ward_data))
