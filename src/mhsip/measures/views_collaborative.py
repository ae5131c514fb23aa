"""The collaborative overview (ward x measure matrix, % change, funnel) and the public key
statistics page (issue 5 items 3 and 5; logic in :mod:`mhsip.measures.collaborative`,
:mod:`mhsip.measures.funnel_chart` and :mod:`mhsip.measures.public`).

Every signed-in role may open the overview; network members see only the collaborative total
row and overall figures (ADR 0003: no ward-level data), and only wards in the user's scope link
to their charts. Restricted measures (sexual safety, AWOL) appear only for roles that see
safety records. The statistics page is public.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from mhsip.measures import collaborative as overview
from mhsip.measures import public, services
from mhsip.measures.funnel_chart import funnel_block, funnel_svg
from mhsip.organisations.access import can_see_ward_data
from mhsip.organisations.models import Collaborative


def collaborative_matrix(request: HttpRequest, slug: str) -> HttpResponse:
    collaborative = get_object_or_404(Collaborative, slug=slug)
    context = overview.overview_context(
        collaborative,
        request.user,
        services.visible_measures(request.user),
        slug=request.GET.get("measure"),
        today=timezone.localdate(),
        show_wards=can_see_ward_data(request.user),
    )
    funnel = context["funnel"]
    if funnel is not None:
        svg = reverse("measures:collaborative-funnel-svg", kwargs={"slug": slug})
        context["funnel_block"] = funnel_block(
            funnel,
            context["overview"].chart_links(funnel.measure),
            svg_url=f"{svg}?measure={funnel.measure.slug}",
        )
    return render(request, "measures/collaborative_matrix.html", context)


def collaborative_funnel_svg(request: HttpRequest, slug: str) -> HttpResponse:
    """The funnel plot drawn on the server (pages without JavaScript, reports)."""
    collaborative = get_object_or_404(Collaborative, slug=slug)
    if not can_see_ward_data(request.user):
        raise PermissionDenied("Your role does not include ward-level data.")
    measures = services.visible_measures(request.user)
    focus = overview.focus_measure(measures, request.GET.get("measure"))
    if focus is None:
        raise Http404("No rate measure")
    built = overview.build_overview(
        collaborative, request.user, [focus], today=timezone.localdate(), show_wards=True
    )
    funnel = overview.funnel_of_latest_quarter(built, focus)
    if funnel is None:
        raise Http404("Not enough data for a funnel plot")
    return HttpResponse(funnel_svg(funnel), content_type="image/svg+xml")


@login_not_required
def statistics(request: HttpRequest) -> HttpResponse:
    collaborative = Collaborative.objects.first()
    stats = (
        public.key_statistics(collaborative, today=timezone.localdate()) if collaborative else None
    )
    return render(
        request,
        "measures/collaborative_statistics.html",
        {
            "collaborative": collaborative,
            "stats": stats,
            "national_context": overview.NATIONAL_CONTEXT,
        },
    )
