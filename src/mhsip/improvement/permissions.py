"""Who may see and change QI work (ADR 0003; issue 6 items 1-5 and the role tests).

* A ward's QI project, driver diagram and PDSA cycles are ward-level: they are reached only
  through :func:`mhsip.organisations.access.get_ward_or_404`, so an outsider (another trust's
  ward) gets 404 and a network member, who sees no wards, gets 404 too. PDSA pages show the
  ward's incident charts, which network members must never see below collaborative
  aggregates.
* The ward's recording roles (``Role.can_record``: ward staff, ward QI leads, trust leads) edit
  their wards' QI work; collaborative admins and analysts read it.
* The collaborative-wide project, its template driver diagram and the calendar's attendance are
  edited by collaborative admins; everyone signed in reads them.
* The change-idea catalogue is read by everyone signed in. Network members (people with lived
  experience, carers and partners) propose ideas and comment on them: co-design contributions.
  Analysts are read-only and do not contribute.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from mhsip.accounts.roles import Role
from mhsip.improvement.models import DriverDiagram, Project
from mhsip.organisations.access import visible_wards
from mhsip.organisations.models import Ward


def _role(user: Any) -> Role | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Role(user.role)


def may_edit_ward(user: Any) -> bool:
    """The ward's recording roles (checked against a ward already in the user's scope)."""
    role = _role(user)
    return bool(role is not None and (user.is_superuser or role.can_record))


def may_edit_collaborative(user: Any) -> bool:
    role = _role(user)
    return bool(role is not None and (user.is_superuser or role.is_admin))


def may_contribute(user: Any) -> bool:
    """May comment on change ideas: everyone signed in except read-only analysts."""
    role = _role(user)
    return bool(role is not None and (user.is_superuser or role is not Role.ANALYST))


def may_propose(user: Any) -> bool:
    """May propose a new idea: network members, the programme's people with lived experience
    and partners (co-design, issue 6 item 3). Ward roles add their ward's own ideas instead
    (:func:`may_edit_ward`)."""
    role = _role(user)
    return bool(role is not None and (user.is_superuser or role is Role.NETWORK_MEMBER))


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def ward_is_visible(user: Any, ward: Ward) -> bool:
    return visible_wards(user).filter(pk=ward.pk).exists()


def project_or_404(user: Any, project: Project) -> Project:
    """The project if the user may see it: collaborative-wide projects to everyone signed in,
    a ward's project only within the user's scope (404 otherwise, ADR 0003)."""
    if project.ward_id is not None and not ward_is_visible(user, project.ward):
        raise Http404("No such project")
    return project


def may_edit_project(user: Any, project: Project) -> bool:
    if project.ward_id is None:
        return may_edit_collaborative(user)
    return may_edit_ward(user) and ward_is_visible(user, project.ward)


def diagram_or_404(user: Any, pk: int) -> DriverDiagram:
    try:
        diagram = DriverDiagram.objects.select_related(
            "project__ward__site__trust", "project__collaborative"
        ).get(pk=pk)
    except DriverDiagram.DoesNotExist:
        raise Http404("No such driver diagram") from None
    project_or_404(user, diagram.project)
    return diagram
