"""The ward dashboard's rules, as plain functions the views call (issue 5, item 2).

* Who: roles that see patient-level data (``Role.sees_patient_level``; network members get
  403) on wards in their scope (``get_ward_or_404``: an outsider gets 404, ADR 0003). Restricted
  measures (sexual safety, AWOL) only for roles that see safety records or analysts (who see
  aggregates, ``Role.sees_safety_records``).
* What range: from the collaborative's baseline start to the latest data (census or a
  submitted weekly return), in whole weeks or months only: a part-period would look like a fall.
* Which chart: the measure's default (u chart for rates), XmR (Making Data Count) or a run
  chart; fewer than 13 points always give a run chart (:func:`analysis.chart_for`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.http import Http404
from django.urls import reverse

from mhsip.accounts.roles import Role
from mhsip.measures import freshness
from mhsip.measures.charts import (
    POINT_LABELS,
    ChartBlock,
    annotations_by_measure,
    chart_block,
    point_rows,
)
from mhsip.measures.models import Chart, Measure, Period
from mhsip.measures.series import week_start
from mhsip.organisations.access import get_ward_or_404
from mhsip.organisations.models import Ward
from mhsip.recording.models import WardCensus
from mhsip.returns.models import WeeklyReturn

EARLIEST = dt.date(2000, 1, 1)
MAX_YEARS = 10
DEFAULT_YEARS = 2  # when the ward is in no collaborative
DASHBOARD_CHARTS: list[tuple[str, str]] = [
    ("", "Each measure's default (u chart for rates)"),
    ("xmr", "XmR chart (Making Data Count)"),
    ("run", "Run chart"),
]


# --- access ------------------------------------------------------------------------------------


def _role(user: Any) -> Role | None:
    try:
        return Role(user.role)
    except ValueError:
        return None


def may_view_charts(user: Any) -> bool:
    role = _role(user)
    return bool(user.is_authenticated and (user.is_superuser or (role and role.sees_patient_level)))


def sees_restricted_measures(user: Any) -> bool:
    """Sexual-safety and AWOL measures: roles that see those records, and analysts (who see
    aggregates only; a chart is an aggregate)."""
    role = _role(user)
    return bool(
        user.is_authenticated
        and (user.is_superuser or (role and (role.sees_safety_records or role is Role.ANALYST)))
    )


def ward_for_charts(user: Any, code: str) -> Ward:
    """The ward, if the user may see its charts: 403 for roles without ward-level data
    (whatever the ward, so nothing leaks), 404 for a ward outside the user's scope."""
    if not may_view_charts(user):
        raise PermissionDenied("Your role does not include ward-level charts.")
    return get_ward_or_404(user, code)


def measures_for(user: Any) -> list[Measure]:
    """Active measures in library order, without restricted ones the user may not see."""
    measures = Measure.objects.filter(is_active=True)
    if not sees_restricted_measures(user):
        measures = measures.filter(restricted=False)
    return list(measures.order_by("order", "name"))


def measure_for(user: Any, slug: str) -> Measure:
    """An active measure by slug (404 if none); 403 if restricted and the user may not see it."""
    measure = Measure.objects.filter(slug=slug, is_active=True).first()
    if measure is None:
        raise Http404("No such measure")
    if measure.restricted and not sees_restricted_measures(user):
        raise PermissionDenied("Your role does not include sexual-safety or AWOL measures.")
    return measure


# --- date range --------------------------------------------------------------------------------


def latest_data(ward: Ward) -> dt.date | None:
    """The last day with a denominator: the latest midnight census, or the last day of the
    latest submitted weekly return."""
    census = WardCensus.objects.filter(ward=ward).aggregate(last=Max("date"))["last"]
    week = WeeklyReturn.objects.filter(ward=ward, status="submitted").aggregate(
        last=Max("week_start")
    )["last"]
    days = [d for d in (census, week + dt.timedelta(days=6) if week else None) if d]
    return max(days) if days else None


def last_complete(end: dt.date, period: str) -> dt.date:
    """``end`` itself if it closes a week (Sunday) or month, else the day before its period."""
    if period == Period.MONTH:
        if (end + dt.timedelta(days=1)).day == 1:
            return end
        return end.replace(day=1) - dt.timedelta(days=1)
    if end.weekday() == 6:
        return end
    return week_start(end) - dt.timedelta(days=1)


def first_complete(start: dt.date, period: str) -> dt.date:
    """``start`` if it opens a week (Monday) or month, else the next period's first day."""
    if period == Period.MONTH:
        if start.day == 1:
            return start
        return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    if start.weekday() == 0:
        return start
    return week_start(start) + dt.timedelta(days=7)


@dataclass(frozen=True)
class DateRange:
    start: dt.date
    end: dt.date

    def for_period(self, period: str) -> tuple[dt.date, dt.date]:
        """Whole periods only (issue 5: a part-week would read as a fall)."""
        return first_complete(self.start, period), last_complete(self.end, period)


def default_range(ward: Ward, today: dt.date | None = None) -> DateRange:
    """From the ward's collaborative's baseline start to the latest data."""
    today = today or dt.date.today()
    end = latest_data(ward) or today
    collaborative = ward.collaboratives.order_by("-start_date").first()
    if collaborative is not None and collaborative.baseline_start < end:
        start = collaborative.baseline_start
    else:
        start = end.replace(year=end.year - DEFAULT_YEARS)
    return DateRange(start, end)


class RangeForm:
    """The GET form above the charts: a start and end date (NHS date inputs) and a chart type.

    Unknown or invalid input gives a specific error per field and the default range, never a
    500. ``errors`` maps the id of the first input of a field to its message, for the error
    summary's links (the base layout prefixes "Error: " to the title when there are errors).
    """

    PARTS = ("day", "month", "year")

    def __init__(
        self,
        data: Mapping[str, str],
        *,
        default: DateRange,
        charts: Sequence[tuple[str, str]],
    ) -> None:
        self.data = data
        self.default = default
        self.charts = list(charts)
        self.errors: dict[str, str] = {}
        start = self._date("from", "start", default.start)
        end = self._date("to", "end", default.end)
        if not self.errors and start > end:
            self.errors["from-day"] = "The start date must be on or before the end date"
        if not self.errors and (end - start).days > MAX_YEARS * 366:
            self.errors["from-day"] = f"Choose a range of at most {MAX_YEARS} years"
        self.range = default if self.errors else DateRange(start, end)
        chart = data.get("chart", "") or ""
        if chart not in {value for value, _ in self.charts}:
            self.errors["chart"] = "Choose a chart type from the list"
            chart = ""
        self.chart: str | None = chart or None

    def _date(self, prefix: str, word: str, default: dt.date) -> dt.date:
        raw = {part: (self.data.get(f"{prefix}-{part}") or "").strip() for part in self.PARTS}
        if not any(raw.values()):
            return default
        missing = [part for part in self.PARTS if not raw[part]]
        if missing:
            self.errors[f"{prefix}-{missing[0]}"] = (
                f"The {word} date must include a {' and a '.join(missing)}"
            )
            return default
        try:
            day = dt.date(int(raw["year"]), int(raw["month"]), int(raw["day"]))
        except ValueError:
            self.errors[f"{prefix}-day"] = (
                f"The {word} date must be a real date, for example 6 1 2025"
            )
            return default
        if day < EARLIEST or day > dt.date.today() + dt.timedelta(days=366):
            self.errors[f"{prefix}-year"] = (
                f"The {word} date must be between {EARLIEST.year} and next year"
            )
            return default
        return day

    def value(self, prefix: str, part: str) -> str:
        """What to show in an input: what was typed, else the range in use."""
        typed = self.data.get(f"{prefix}-{part}")
        if typed is not None and self.errors:
            return typed
        day = self.range.start if prefix == "from" else self.range.end
        return str(getattr(day, part))

    def error_for(self, prefix: str) -> str | None:
        return next((m for k, m in self.errors.items() if k.startswith(f"{prefix}-")), None)

    @property
    def error_list(self) -> list[dict[str, str]]:
        return [{"text": message, "href": f"#{key}"} for key, message in self.errors.items()]

    @property
    def chart_items(self) -> list[dict[str, Any]]:
        current = self.chart or ""
        return [
            {"value": value, "text": text, "selected": value == current}
            for value, text in self.charts
        ]

    def query(self, **extra: str) -> str:
        """The query string of the range and chart in use, for links and downloads."""
        params: dict[str, str] = {}
        for prefix, day in (("from", self.range.start), ("to", self.range.end)):
            params.update(
                {f"{prefix}-day": str(day.day), f"{prefix}-month": str(day.month)}
                | {f"{prefix}-year": str(day.year)}
            )
        chart = extra.pop("chart", self.chart or "")
        if chart:
            params["chart"] = chart
        params.update(extra)
        return urlencode(params)


def measure_charts(measure: Measure) -> list[tuple[str, str]]:
    """Chart types offered for a measure: its default and Laney variant, XmR and run."""
    default = measure.default_chart
    options = {"u": ["u", "up"], "up": ["u", "up"], "p": ["p", "pp"], "pp": ["p", "pp"]}.get(
        default, [default]
    )
    options += [c for c in ("xmr", "run") if c not in options]
    labels = {c.value: str(c.label) for c in Chart}
    return [("", f"Default: {labels[default]}")] + [(c, labels[c]) for c in options]


# --- charts ------------------------------------------------------------------------------------


def links(ward: Ward, measure: Measure, query: str) -> dict[str, str]:
    kwargs = {"code": ward.code, "slug": measure.slug}
    suffix = f"?{query}" if query else ""
    return {
        "detail": reverse("measures:ward-measure", kwargs=kwargs) + suffix,
        "csv": reverse("measures:ward-measure-csv", kwargs=kwargs) + suffix,
        "svg": reverse("measures:ward-measure-svg", kwargs=kwargs) + suffix,
        "png": reverse("measures:ward-measure-png", kwargs=kwargs) + suffix,
    }


def ward_blocks(
    ward: Ward,
    measures: Sequence[Measure],
    date_range: DateRange,
    *,
    chart: str | None,
    query: str,
    height: int = 260,
) -> list[ChartBlock]:
    """One chart block per measure for ``ward``: cached analyses (never stale: the data
    version is computed once for the page), annotations from the structured log."""
    version = freshness.data_version([ward.pk])
    collaboratives = list(ward.collaboratives.values_list("pk", flat=True))
    spans = {m.pk: date_range.for_period(m.period) for m in measures}
    first = min((s for s, _ in spans.values()), default=date_range.start)
    last = max((e for _, e in spans.values()), default=date_range.end)
    notes = annotations_by_measure(
        measures, ward_ids=[ward.pk], collaborative_ids=collaboratives, start=first, end=last
    )
    blocks = []
    for measure in measures:
        start, end = spans[measure.pk]
        if start > end:
            continue
        analysis = freshness.ward_analyses(
            measure, [ward.pk], start, end, chart=chart, version=version
        )[ward.pk]
        blocks.append(
            chart_block(
                analysis,
                measure,
                dom_id=f"chart-{measure.slug}",
                subject=ward.name,
                annotations=[a for a in notes.get(measure.pk, []) if start <= a.date <= end],
                links=links(ward, measure, query),
                height=height,
            )
        )
    return blocks


# --- CSV ---------------------------------------------------------------------------------------

CSV_HEADER = [
    "ward_code",
    "measure",
    "chart",
    "period_start",
    "numerator",
    "denominator",
    "value",
    "centre",
    "lower_limit",
    "upper_limit",
    "limits_period",
    "point_type",
    "special_cause",
    "explanation",
]


def _cell(value: Any) -> Any:
    """Text cells that a spreadsheet would run as a formula are quoted (OWASP CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def csv_text(block: ChartBlock, ward: Ward) -> str:
    """The chart's data, one row per period; a missing period has empty numbers (never 0) and
    the point type "missing"."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    labels = {v: k for k, v in POINT_LABELS.items()}
    for row in point_rows(block.analysis, block.measure):
        missing = row["value"] is None
        writer.writerow(
            _cell(v)
            for v in [
                ward.code,
                block.measure.slug,
                block.analysis.chart,
                row["date"],
                row["numerator"],
                row["denominator"],
                row["value"],
                row["centre"],
                row["lower"],
                row["upper"],
                row["segment"] + 1,
                "missing" if missing else labels.get(row["type"], row["type"]),
                "yes" if row["special"] else "no",
                row["why"],
            ]
        )
    return out.getvalue()


def download_name(ward: Ward, block: ChartBlock, extension: str) -> str:
    rows = block.spec["data"]["values"]
    span = f"-{rows[0]['date']}-to-{rows[-1]['date']}" if rows else ""
    return f"{ward.code}-{block.measure.slug}{span}.{extension}"
