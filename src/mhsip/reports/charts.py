"""An SPC chart as a report shows it: the icons and their words, one summary sentence, the chart
as inline SVG, and its data table with every number from a
:class:`~mhsip.reports.figures.Publisher`.

The chart itself is the measures app's (:func:`mhsip.measures.charts.spc_spec`, the same spec the
ward dashboard draws in the browser), so a report never gives a different answer from the
dashboard. Under a publication rule a chart is *withheld* when any of its periods has a count
the rule would hide (or too few bed days for a rate): the points of a rate chart would give
the small count away. The icons are still shown: they carry no numbers.

Rates in the data table follow the rule (under HES, from the rounded counts), so they can
differ in the last digit from the points drawn, which use the exact counts; centre lines and
limits are statistics and need no disclosure control.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from markupsafe import Markup

from mhsip.measures.analysis import WardAnalysis
from mhsip.measures.charts import (
    ChartAnnotation,
    chart_annotations,
    chart_name,
    describe,
    number_format,
    point_rows,
    spc_spec,
)
from mhsip.measures.icons import Icons, icons_for, summary_line
from mhsip.measures.models import Denominator, Measure, Period
from mhsip.reports.figures import Figure, Publisher
from mhsip.reports.svg import inline_svg
from mhsip.stats import disclose_rates

REPORT_CHART_HEIGHT = 220


@dataclass(frozen=True)
class ChartRow:
    label: str
    count: Figure
    denominator: Figure | None
    value: Figure
    centre: Figure
    lower: Figure
    upper: Figure
    point: str


@dataclass(frozen=True)
class ReportChart:
    dom_id: str
    measure: Measure
    subject: str
    chart_label: str
    icons: Icons
    summary: str
    description: str
    svg: Markup | None  # None: withheld (see ``withheld``)
    withheld: str
    rows: list[ChartRow]
    annotations: list[ChartAnnotation]

    @property
    def has_denominator(self) -> bool:
        return self.measure.denominator != Denominator.NONE

    @property
    def period_word(self) -> str:
        return "Month" if self.measure.period == Period.MONTH else "Week beginning"

    @property
    def title(self) -> str:
        return f"{self.measure.name}: {self.subject}" if self.subject else self.measure.name


def with_period(measure: Measure, period: str) -> Measure:
    """An unsaved copy of ``measure`` counted by ``period`` (week or month); it keeps the
    measure's id, so its chart shows the measure's annotations."""
    copy = Measure(
        **{
            f.attname: getattr(measure, f.attname)
            for f in Measure._meta.concrete_fields
            if f.attname != "id"
        }
    )
    copy.pk = measure.pk
    copy.period = period
    return copy


def withheld_reason(analysis: WardAnalysis, measure: Measure, publisher: Publisher) -> str:
    """Why the chart cannot be published under the rule, or "" when it can."""
    if not publisher.suppresses:
        return ""
    num = np.asarray(analysis.numerator, float)
    present = ~np.isnan(num)
    rule = publisher.rule
    if bool(rule.suppresses(num[present]).any()):
        periods = "months" if measure.period == Period.MONTH else "weeks"
        return (
            f"The chart is not shown: in some {periods} the count is too small to publish "
            f"under the {publisher.label.split(':')[0]}. The icons above come from the full data."
        )
    if measure.denominator == Denominator.BED_DAYS:
        den = np.asarray(analysis.denominator, float)
        ok = present & ~np.isnan(den)
        rates = disclose_rates(num[ok], den[ok], rule=rule, multiplier=measure.multiplier)
        if bool(rates.suppressed.any()):
            return (
                "The chart is not shown: some periods rest on too few occupied bed days to "
                "publish a rate. The icons above come from the full data."
            )
    return ""


def chart_rows(analysis: WardAnalysis, measure: Measure, publisher: Publisher) -> list[ChartRow]:
    """The data table of a chart, every number through ``publisher``."""
    fmt = number_format(analysis)
    has_den = measure.denominator != Denominator.NONE
    rows = []
    for row in point_rows(analysis, measure):
        num, den = row["numerator"], row["denominator"]
        if measure.denominator == Denominator.BED_DAYS:
            value = publisher.rate(num, den, multiplier=measure.multiplier, decimals=1)
        elif has_den:
            value = publisher.percent(num, den, decimals=1)
        else:
            value = publisher.count(num)
        rows.append(
            ChartRow(
                label=row["label"],
                count=publisher.count(num),
                denominator=publisher.count(den) if has_den else None,
                value=value,
                centre=publisher.statistic(row["centre"], decimals=fmt.stat_decimals),
                lower=publisher.statistic(row["lower"], decimals=fmt.stat_decimals),
                upper=publisher.statistic(row["upper"], decimals=fmt.stat_decimals),
                point=row["type"],
            )
        )
    return rows


def report_chart(
    analysis: WardAnalysis,
    measure: Measure,
    publisher: Publisher,
    *,
    dom_id: str,
    subject: str,
    annotations: Iterable[ChartAnnotation] = (),
) -> ReportChart:
    """One chart for a report or a monitoring page."""
    notes = chart_annotations(annotations, analysis)
    reason = withheld_reason(analysis, measure, publisher)
    spec = spc_spec(
        analysis, measure, subject=subject, annotations=notes, height=REPORT_CHART_HEIGHT
    )
    description = describe(analysis, measure, subject, point_rows(analysis, measure))
    title = f"{chart_name(analysis.chart)} of {measure.name.lower()}" + (
        f", {subject}" if subject else ""
    )
    svg = None if reason else inline_svg(spec, dom_id=dom_id, title=title, description=description)
    return ReportChart(
        dom_id=dom_id,
        measure=measure,
        subject=subject,
        chart_label=chart_name(analysis.chart),
        icons=icons_for(analysis, measure),
        summary=summary_line(analysis, measure),
        description=description if not reason else "",
        svg=svg,
        withheld=reason,
        rows=chart_rows(analysis, measure, publisher) if not reason else [],
        annotations=notes,
    )


__all__ = [
    "ChartRow",
    "ReportChart",
    "chart_rows",
    "report_chart",
    "with_period",
    "withheld_reason",
]
