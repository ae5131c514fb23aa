"""The equity API (django-ninja Router), mounted at /api/v1/ by mhsip.api.

The same scope, choices and disclosure control as the pages (:mod:`mhsip.equity.pages`): a ward
or trust outside the caller's scope is 404; collaborative admins, analysts and network members
get published (disclosure-controlled) figures, where a suppressed value is ``null`` with
``<column>_suppressed: true``; recording roles get unsuppressed figures for their own wards or
trust, except ethnicity by ward.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, QueryDict
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from mhsip.equity import pages, tables

router = Router(tags=["equity"])


class TableOut(Schema):
    key: str
    caption: str
    denominator: str
    published: bool
    columns: list[dict[str, str]]
    rows: list[dict[str, Any]]
    notes: list[str]


class EquityOut(Schema):
    scope: str
    period: str
    start: dt.date
    end: dt.date
    characteristic: str
    reference: str
    compare: str
    published: bool
    disclosure_rule: str | None
    interval_method: str
    headline: str
    tables: list[TableOut]


class UseOfForceOut(Schema):
    scope: str
    year: str
    start: dt.date
    end: dt.date
    published: bool
    tables: list[TableOut]


class EquityQueryIn(Schema):
    period: str = ""
    characteristic: str = "ethnicity"
    reference: str = ""
    compare: str = ""
    trust: str = ""
    ward: str = ""


class YearQueryIn(Schema):
    year: str = ""
    trust: str = ""


def _table_out(t: tables.Table) -> TableOut:
    return TableOut(
        key=t.key,
        caption=t.caption,
        denominator=t.denominator,
        published=t.published,
        columns=[{"key": c.key, "label": c.label, "kind": c.kind} for c in t.columns],
        rows=t.as_records(),
        notes=list(t.notes),
    )


def _query_dict(values: dict[str, str]) -> QueryDict:
    q = QueryDict(mutable=True)
    for k, v in values.items():
        if v:
            q[k] = v
    return q


@router.get("/equity", response=EquityOut, summary="Restrictive-practice rates by group")
def equity(request: HttpRequest, filters: Query[EquityQueryIn]) -> EquityOut:
    context = pages.overview_context(request.auth, _query_dict(filters.dict()))
    query, report = context["query"], context["report"]
    if query.errors:
        raise HttpError(422, "; ".join(f"{k}: {v}" for k, v in query.errors.items()))
    if report is None:
        raise HttpError(404, "No data for this choice")
    return EquityOut(
        scope=report.scope.label,
        period=query.period.label,
        start=report.start,
        end=report.end,
        characteristic=report.characteristic.key,
        reference=report.reference,
        compare=report.compare,
        published=report.published,
        disclosure_rule=report.rule.name if report.rule else None,
        interval_method=report.method,
        headline=report.headline.sentence,
        tables=[_table_out(t) for t in report.all_tables],
    )


@router.get("/equity/use-of-force", response=UseOfForceOut, summary="Use of Force Act statistics")
def use_of_force(request: HttpRequest, filters: Query[YearQueryIn]) -> UseOfForceOut:
    context = pages.use_of_force_context(request.auth, _query_dict(filters.dict()))
    query, stats = context["query"], context["stats"]
    if query.errors:
        raise HttpError(422, "; ".join(f"{k}: {v}" for k, v in query.errors.items()))
    if stats is None:
        raise HttpError(404, "No data for this choice")
    return UseOfForceOut(
        scope=stats.scope.label,
        year=query.period.label,
        start=stats.start,
        end=stats.end,
        published=stats.published,
        tables=[_table_out(t) for t in stats.tables],
    )
