"""The service shell: public pages, each user's home page and the administration page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from mhsip.accounts.models import User
from mhsip.accounts.roles import Role
from mhsip.measures.public import key_statistics
from mhsip.organisations.access import visible_wards
from mhsip.organisations.models import Collaborative


@login_not_required
def home(request: HttpRequest) -> HttpResponse:
    collaborative = Collaborative.objects.prefetch_related("wards").first()
    stats = key_statistics(collaborative, today=timezone.localdate()) if collaborative else None
    return render(request, "core/home.html", {"collaborative": collaborative, "stats": stats})


@login_not_required
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


@login_not_required
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html")


def dashboard(request: HttpRequest) -> HttpResponse:
    wards = visible_wards(request.user)
    return render(
        request,
        "core/dashboard.html",
        {
            "wards": wards,
            "role": Role(request.user.role),
            "collaborative": Collaborative.objects.first(),
        },
    )


def require_admin(request: HttpRequest) -> None:
    """Administration is for collaborative admins (and superusers) only; others get 403."""
    if not (request.user.is_superuser or Role(request.user.role).is_admin):
        raise PermissionDenied("Administration is for collaborative admins.")


def admin(request: HttpRequest) -> HttpResponse:
    require_admin(request)
    users = User.objects.select_related("trust").prefetch_related("wards").order_by("role")
    return render(request, "core/admin.html", {"users": users})
