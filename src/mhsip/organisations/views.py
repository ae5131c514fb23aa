"""Wards and the collaborative. Every ward comes through the scoped accessor."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from mhsip.organisations.access import can_see_ward_data, get_ward_or_404, visible_wards
from mhsip.organisations.models import Collaborative
from mhsip.recording.census import bed_days_by_period
from mhsip.recording.models import WardCensus


def ward_list(request: HttpRequest) -> HttpResponse:
    if not can_see_ward_data(request.user):
        raise PermissionDenied("Your role does not include ward-level data.")
    wards = visible_wards(request.user).order_by("site__trust__name", "name")
    return render(request, "organisations/ward_list.html", {"wards": wards})


def ward_detail(request: HttpRequest, code: str) -> HttpResponse:
    ward = get_ward_or_404(request.user, code)
    latest = WardCensus.objects.filter(ward=ward).order_by("-date").first()
    weeks = []
    if latest is not None:
        end = latest.date
        start = end - dt.timedelta(days=7 * 12 - 1)
        weeks = bed_days_by_period(visible_wards(request.user).filter(pk=ward.pk), start, end)
    return render(
        request,
        "organisations/ward_detail.html",
        {
            "ward": ward,
            "weeks": weeks,
            "latest": latest,
            "collaboratives": ward.collaboratives.all(),
        },
    )


def collaborative_current(request: HttpRequest) -> HttpResponse:
    collaborative = Collaborative.objects.first()
    if collaborative is None:
        return render(request, "organisations/no_collaborative.html")
    return redirect("organisations:collaborative-detail", slug=collaborative.slug)


def collaborative_detail(request: HttpRequest, slug: str) -> HttpResponse:
    collaborative = get_object_or_404(Collaborative, slug=slug)
    visible = set(visible_wards(request.user).values_list("pk", flat=True))
    wards = collaborative.wards.select_related("site__trust").order_by("site__trust__name", "name")
    return render(
        request,
        "organisations/collaborative_detail.html",
        {
            "collaborative": collaborative,
            "wards": [(w, w.pk in visible) for w in wards],
            "sessions": collaborative.learning_sessions.all(),
        },
    )
