"""What the equity pages and their exports show, built from the request's user and choices
(the views stay thin). Contexts are plain dicts for the Jinja2 templates."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.http import QueryDict
from django.urls import reverse

from mhsip.accounts.roles import Role
from mhsip.equity import charts, services, tables
from mhsip.equity.characteristics import CHARACTERISTICS
from mhsip.equity.query import EquityQuery
from mhsip.equity.services import RULE, Period
from mhsip.equity.use_of_force import UseOfForceStatistics, use_of_force_statistics

CACHE_SECONDS = 7 * 24 * 3600
UNSUPPRESSED_TEXT = (
    "These figures are not disclosure-controlled: you see them because you record for these "
    "wards (direct care and local audit within your trust). Do not publish or share them "
    "outside your trust; the CSV download is disclosure-controlled. Ethnicity by ward is "
    "always disclosure-controlled."
)
PUBLISHED_TEXT = (
    "Published figures: counts of 1 to 7 are shown as *, other counts are rounded to the "
    "nearest 5, and further figures are hidden where a hidden count could be worked out from "
    "totals, here or in a linked table."
)


def _role(user: Any) -> Role | None:
    return Role(user.role) if getattr(user, "is_authenticated", False) else None


def _filters(user: Any, query: EquityQuery, *, wards: bool = True) -> dict[str, Any]:
    choices = services.filter_choices(user)
    out: dict[str, Any] = {"trusts": [], "wards": []}
    if len(choices["trusts"]) > 1 or (choices["trusts"] and _role(user) is not Role.TRUST_LEAD):
        out["trusts"] = [
            {"value": "", "text": "All trusts in view"},
            *query.items(choices["trusts"], query.trust),
        ]
    if wards and len(choices["wards"]) > 1:
        out["wards"] = [
            {"value": "", "text": "All wards in view"},
            *query.items(choices["wards"], query.ward),
        ]
    return out


def overview_context(user: Any, data: QueryDict, *, export: bool = False) -> dict[str, Any]:
    """The equity page: raises ``Http404`` for a ward or trust outside the user's scope."""
    query = EquityQuery.from_get(data)
    scope = services.resolve_scope(user, ward=query.ward, trust=query.trust)
    periods = services.period_choices(scope.ward_ids)
    query.validate(periods)
    report = None
    if query.period is not None and scope.wards:
        report = services.report_for_request(
            user,
            scope,
            query.period,
            characteristic=query.characteristic_key,
            reference=query.reference,
            compare=query.compare,
            export=export,
            series_start=periods[-1].start,
        )
    char = query.characteristic
    groups = list(char.groups)
    title = f"Equity: {scope.label}"
    context: dict[str, Any] = {
        "title": title,
        "form": query,
        "query": query,
        "scope": scope,
        "report": report,
        "periods": [
            {
                "value": p.key,
                "text": p.label,
                "selected": query.period is not None and p.key == query.period.key,
            }
            for p in periods
        ],
        "characteristics": [
            {"value": c.key, "text": c.label, "selected": c.key == char.key}
            for c in CHARACTERISTICS.values()
        ],
        "references": query.items(groups, query.reference),
        "compares": query.items(groups, query.compare),
        "filters": _filters(user, query),
        "published_text": PUBLISHED_TEXT,
        "unsuppressed_text": UNSUPPRESSED_TEXT,
        "suppressed_explanation": tables.SUPPRESSED_EXPLANATION,
        "within_service": services.WITHIN_SERVICE,
        "population_label": services.POPULATION,
        "csv_url": f"{reverse('equity:overview-csv')}?{query.query()}",
        "uof_url": reverse("equity:use-of-force"),
    }
    if report is not None:
        subject = f"{scope.label}, {query.period.label if query.period else ''}"
        ratio_spec = charts.ratio_chart_spec(
            report.rates_table,
            title=f"Rate ratio to {char.group_label(report.reference)}",
            subject=subject,
        )
        spc_spec = charts.ratio_spc_spec(
            report.series_table,
            title=f"{char.group_label(report.compare)} to {char.group_label(report.reference)}: "
            "monthly rate ratio",
            subject=scope.label,
        )
        context.update(
            ratio_spec=ratio_spec,
            ratio_script=charts.spec_script(ratio_spec, "equity-ratio"),
            spc_spec=spc_spec,
            spc_script=charts.spec_script(spc_spec, "equity-spc"),
        )
    return context


def overview_csv(context: dict[str, Any]) -> str:
    report: services.EquityReport = context["report"]
    q: EquityQuery = context["query"]
    preamble = [
        f"Equity in restrictive practice: {report.scope.label}",
        f"Period: {q.period.label if q.period else ''} ({report.start:%d %B %Y} to "
        f"{report.end:%d %B %Y})",
        f"Characteristic: {report.characteristic.label}; reference group: "
        f"{report.characteristic.group_label(report.reference)}",
        f"Disclosure control: {RULE.name}, secondary suppression across linked tables",
        f"Confidence intervals: {report.method}",
        f"Generated {dt.date.today():%d %B %Y} by MHSIP",
    ]
    return tables.csv_text(report.all_tables, preamble=preamble)


def download_name(context: dict[str, Any], kind: str) -> str:
    scope: services.Scope = context["scope"]
    q: EquityQuery = context["query"]
    where = scope.ward_code or scope.trust_code or "collaborative"
    period = q.period.key if q.period else "none"
    char = f"-{q.characteristic_key}" if kind == "equity" else ""
    return f"{kind}-{where}{char}-{period}.csv".lower()


# --- Use of Force Act statistics ------------------------------------------------------------------


def year_choices(periods: list[Period]) -> list[Period]:
    """Financial years (the NHS statistical year) with data, latest complete first."""
    years = [p for p in periods if p.key.startswith("fy")]
    complete = [p for p in years if "only" not in p.label]
    return list(reversed(complete)) + [p for p in reversed(years) if p not in complete]


def statistics_for(
    scope: services.Scope, period: Period, rule: Any, show_units: bool
) -> UseOfForceStatistics:
    """The statistics, cached under a key that changes with the data (never stale)."""
    version = services.data_version(scope.ward_ids)
    key = (
        f"mhsip:equity:uof:{version}:{period.start}:{period.end}:"
        f"{rule.name if rule else 'none'}:{show_units}:{scope.kind}:{scope.label}"
    )
    key = "mhsip:equity:uof:" + hashlib.sha256(key.encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        found = use_of_force_statistics(
            scope, period.start, period.end, rule=rule, show_units=show_units
        )
        cache.set(key, found, timeout=CACHE_SECONDS)
    return found


def use_of_force_context(user: Any, data: QueryDict, *, export: bool = False) -> dict[str, Any]:
    query = EquityQuery.from_get(data)
    query.ward = ""
    scope = services.resolve_scope(user, trust=query.trust)
    periods = year_choices(services.period_choices(scope.ward_ids))
    period = services.resolve_period(periods, data.get("year", "").strip())
    if period is None and periods:
        query.errors["year"] = "Choose a year from the list"
        period = periods[0]
    query.period = period
    role = _role(user)
    show_units = role is not Role.NETWORK_MEMBER
    rule = RULE if export else services.disclosure_for(user, scope)
    stats = statistics_for(scope, period, rule, show_units) if period and scope.wards else None
    context: dict[str, Any] = {
        "title": f"Use of Force Act statistics: {scope.label}",
        "form": query,
        "query": query,
        "scope": scope,
        "stats": stats,
        "years": [{"value": p.key, "text": p.label, "selected": p == period} for p in periods],
        "filters": _filters(user, query, wards=False),
        "show_units": show_units,
        "published_text": PUBLISHED_TEXT,
        "unsuppressed_text": UNSUPPRESSED_TEXT,
        "suppressed_explanation": tables.SUPPRESSED_EXPLANATION,
        "csv_url": f"{reverse('equity:use-of-force-csv')}?" + _uof_query(query, period),
        "equity_url": reverse("equity:overview"),
    }
    if stats is not None:
        spec = charts.unit_rate_spec(
            stats.table("summary"),
            title="Restrictive interventions per 1,000 occupied bed days",
            subject=f"{scope.label}, {period.label if period else ''}",
        )
        context.update(
            rate_spec=spec,
            rate_script=charts.spec_script(spec, "uof-rate"),
            sections=_sections(stats),
        )
    return context


def _uof_query(query: EquityQuery, period: Period | None) -> str:
    return urlencode(
        {k: v for k, v in {"year": period.key if period else "", "trust": query.trust}.items() if v}
    )


SECTION_TITLES = (
    ("type", "By type of force", ("category", "category:rate", "type", "type:rate")),
    (
        "duration",
        "By duration",
        ("duration_restraint", "duration_seclusion", "duration_segregation"),
    ),
    ("reason", "By reason", ("reason", "reason:rate")),
)


def _sections(stats: UseOfForceStatistics) -> list[dict[str, Any]]:
    """Tables grouped into page sections (the characteristics one section each)."""
    out = []
    for key, title, keys in SECTION_TITLES:
        out.append({"id": f"uof-{key}", "title": title, "tables": [stats.table(k) for k in keys]})
    chars = [t for t in stats.tables if t.key.startswith("characteristic:")]
    out.append(
        {
            "id": "uof-characteristics",
            "title": "By relevant characteristic",
            "tables": chars,
            "extra": [stats.table("ethnicity_detailed")],
        }
    )
    return out


def use_of_force_csv(context: dict[str, Any]) -> str:
    stats: UseOfForceStatistics = context["stats"]
    q: EquityQuery = context["query"]
    preamble = [
        f"Use of Force Act statistics: {stats.scope.label}",
        f"Year: {q.period.label if q.period else ''} ({stats.start:%d %B %Y} to "
        f"{stats.end:%d %B %Y})",
        f"Disclosure control: {RULE.name}, secondary suppression across linked tables",
        f"Generated {dt.date.today():%d %B %Y} by MHSIP",
    ]
    return tables.csv_text(stats.tables, preamble=preamble)
