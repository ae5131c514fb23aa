"""Who may do what in the safety network (ADR 0003: roles in one place; admin pages are 403).

- Every signed-in user may read the network's meetings and join the network (the network
  includes clinical and managerial staff, so staff roles are potential members).
- *Participants* (collaborative admins, users with the network-member role, and any user linked
  to an active member record) may open the member directory and download shared materials.
- Only collaborative admins (and superusers) manage members, meetings, attendance, materials,
  involvement records and "get in touch" requests, and see members' personal data in full.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from mhsip.accounts.roles import Role
from mhsip.network.models import NetworkMember


def is_network_admin(user: Any) -> bool:
    return bool(
        user.is_authenticated and (user.is_superuser or Role(user.role) is Role.COLLABORATIVE_ADMIN)
    )


def member_for(user: Any) -> NetworkMember | None:
    """The user's own active member record, or ``None``."""
    if not user.is_authenticated:
        return None
    return NetworkMember.objects.filter(user=user, left_on__isnull=True).first()


def is_participant(user: Any) -> bool:
    if not user.is_authenticated:
        return False
    if is_network_admin(user) or Role(user.role) is Role.NETWORK_MEMBER:
        return True
    return member_for(user) is not None


def require_network_admin(user: Any) -> None:
    if not is_network_admin(user):
        raise PermissionDenied("Managing the safety network is for collaborative admins.")


def require_participant(user: Any) -> None:
    if not is_participant(user):
        raise PermissionDenied("This page is for members of the safety network.")
