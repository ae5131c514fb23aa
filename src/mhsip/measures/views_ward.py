"""Ward SPC pages: the dashboard (one chart per measure), one measure's page, and the chart's
CSV, SVG and PNG downloads. The rules live in :mod:`mhsip.measures.dashboard`, the charts in
:mod:`mhsip.measures.charts` (one Vega-Lite spec for the browser and the server)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from mhsip.audit import log
from mhsip.audit.models import Action
from mhsip.measures import charts, dashboard
from mhsip.measures.charts import ChartBlock
from mhsip.measures.models import Measure
from mhsip.organisations.models import Ward


def ward_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    ward = dashboard.ward_for_charts(request.user, code)
    form = dashboard.RangeForm(
        request.GET, default=dashboard.default_range(ward), charts=dashboard.DASHBOARD_CHARTS
    )
    blocks = dashboard.ward_blocks(
        ward,
        dashboard.measures_for(request.user),
        form.range,
        chart=form.chart,
        query=form.query(),
    )
    context = {"ward": ward, "form": form, "blocks": blocks}
    return render(request, "measures/ward_dashboard.html", context)


def _one_chart(
    request: HttpRequest, code: str, slug: str
) -> tuple[Ward, dashboard.RangeForm, ChartBlock | None, Measure]:
    """The ward, the range form, the block of one measure's chart (None: no whole period in
    the range) and the measure."""
    ward = dashboard.ward_for_charts(request.user, code)
    measure = dashboard.measure_for(request.user, slug)
    form = dashboard.RangeForm(
        request.GET,
        default=dashboard.default_range(ward),
        charts=dashboard.measure_charts(measure),
    )
    blocks = dashboard.ward_blocks(
        ward, [measure], form.range, chart=form.chart, query=form.query(), height=340
    )
    return ward, form, (blocks[0] if blocks else None), measure


def ward_measure(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    ward, form, block, measure = _one_chart(request, code, slug)
    context = {"ward": ward, "form": form, "block": block, "measure": measure}
    return render(request, "measures/ward_measure.html", context)


def _download(body: str | bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def ward_measure_csv(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    ward, _form, block, measure = _one_chart(request, code, slug)
    if block is None:
        return HttpResponse("No whole period in this date range.", status=404)
    log.record(Action.EXPORT, measure, reason=f"chart data CSV for {ward.code}")
    name = dashboard.download_name(ward, block, "csv")
    return _download(dashboard.csv_text(block, ward), "text/csv; charset=utf-8", name)


def ward_measure_svg(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    ward, _form, block, _measure = _one_chart(request, code, slug)
    if block is None:
        return HttpResponse("No whole period in this date range.", status=404)
    name = dashboard.download_name(ward, block, "svg")
    return _download(charts.render_svg(block.spec), "image/svg+xml", name)


def ward_measure_png(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    ward, _form, block, _measure = _one_chart(request, code, slug)
    if block is None:
        return HttpResponse("No whole period in this date range.", status=404)
    name = dashboard.download_name(ward, block, "png")
    return _download(charts.render_png(block.spec), "image/png", name)
