"""Must show (issue 7): on the demo collaborative (seed 1) no published table cell -- on the
equity pages, the Use of Force Act statistics or their CSV exports -- shows a figure the
disclosure rule forbids, and no hidden count can be worked out from the published ones, within
a table or across the linked tables of a page.

Every cell of every published table is checked: a count is never 1 to 7 and is the raw count
rounded to 5; a rate, ratio or interval is hidden whenever a count it rests on is hidden or its
bed days are fewer than 100; a group's bed days under 100 are hidden.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import numpy as np
import pytest
from django.db.models import Max

from mhsip.audit.actor import System, acting_as
from mhsip.audit.models import AuditLog
from mhsip.equity import services
from mhsip.equity.characteristics import CHARACTERISTICS
from mhsip.equity.tables import Table
from mhsip.equity.use_of_force import use_of_force_statistics
from mhsip.organisations.models import Collaborative, Trust
from mhsip.stats import HES_RULE, round_to_base

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker) -> Iterator[Collaborative]:
    from mhsip.demo.load import delete_demo, load_demo

    with django_db_blocker.unblock():
        first_audit = (AuditLog.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        with acting_as(System("test:equity-demo")):
            load_demo(1)
        yield Collaborative.objects.get(is_demo=True)
        with acting_as(System("test:equity-demo")):
            delete_demo()
        AuditLog.objects.filter(id__gte=first_audit).delete()


def scopes(collaborative: Collaborative) -> list[services.Scope]:
    out = [services.collaborative_scope(collaborative)]
    for trust in Trust.objects.filter(is_demo=True).order_by("ods_code"):
        wards = tuple(w for w in out[0].wards if w.site.trust_id == trust.pk)
        out.append(services.Scope("trust", trust.name, wards, (trust.ods_code,)))
    first = out[0].wards[0]
    out.append(services.Scope("ward", first.name, (first,), (first.site.trust.ods_code,)))
    return out


def periods(scope: services.Scope) -> list[services.Period]:
    choices = services.period_choices(scope.ward_ids)
    return [p for p in choices if p.key in {"12m", "fy2025"}]


def check_counts(table: Table) -> int:
    """Every published count: never in the suppressed range, always the raw count to 5."""
    checked = 0
    for column, cell in table.cells():
        if column.kind != "count" or cell.raw is None:
            continue
        checked += 1
        if cell.suppressed:
            assert cell.text == "*" and cell.value is None
            continue
        assert not HES_RULE.suppresses(cell.raw), (table.key, column.key, cell)
        assert cell.value == float(round_to_base(cell.raw, 5)), (table.key, column.key, cell)
        assert cell.text == f"{cell.value:,.0f}"
    return checked


def check_rates_table(table: Table) -> None:
    keys = [c.key for c in table.columns]
    col = {k: keys.index(k) for k in keys}
    rows = [r for r in table.rows if r[0].text != "Total"]
    reference = next(r for r in rows if r[0].text.endswith("(reference)"))
    for row in rows:
        bed = row[col["bed_days"]]
        if bed.raw is not None and 0 < bed.raw < 100:
            assert bed.suppressed, row[0].text
        rate_hidden = row[col["rate"]].suppressed
        if (
            row[col["interventions"]].suppressed
            or row[col["people_restrained"]].suppressed
            or bed.suppressed
            or (bed.raw or 0) < 100
        ):
            assert rate_hidden or row[col["rate"]].value is None, row[0].text
        if rate_hidden:
            assert row[col["rate_ci"]].suppressed
            if row is not reference:  # the reference's own ratio is 1 by definition
                assert row[col["ratio"]].suppressed
        if reference[col["rate"]].suppressed and row is not reference:
            assert row[col["ratio"]].suppressed and row[col["ratio_ci"]].suppressed
        if row[col["people_restrained"]].suppressed or row[col["interventions"]].suppressed:
            assert row[col["concentration"]].suppressed


def check_lines(table: Table) -> None:
    """No row or column of a table with totals has exactly one hidden count."""
    counts = [i for i, c in enumerate(table.columns) if c.kind == "count"]
    if not table.total_row or len(counts) < 2 or counts[-1] != len(table.columns) - 1:
        return
    hidden = np.array([[row[i].suppressed for i in counts] for row in table.rows])
    assert not (hidden.sum(axis=1) == 1).any(), table.key
    assert not (hidden.sum(axis=0) == 1).any(), table.key


def test_no_published_equity_cell_shows_a_forbidden_count(demo):
    checked = 0
    for scope in scopes(demo):
        for period in periods(scope):
            for key in CHARACTERISTICS:
                report = services.equity_report(scope, period.start, period.end, characteristic=key)
                assert report.published
                for table in report.all_tables:
                    assert table.published
                    checked += check_counts(table)
                check_rates_table(report.rates_table)
                for i, row in enumerate(report.series_table.rows):
                    ratio = row[1]
                    small = HES_RULE.suppresses(report.series.events[i]) or HES_RULE.suppresses(
                        report.series.ref_events[i]
                    )
                    if small:
                        assert ratio.suppressed
    assert checked > 2000


def test_no_published_use_of_force_cell_shows_a_forbidden_count_or_can_be_recovered(demo):
    checked = 0
    for scope in scopes(demo)[:2]:
        for period in periods(scope):
            for show_units in (True, False):
                stats = use_of_force_statistics(
                    scope, period.start, period.end, show_units=show_units
                )
                assert stats.linked.check(stats.published_counts).size == 0
                by_key = {t.key: t for t in stats.tables}
                for table in stats.tables:
                    assert table.published
                    checked += check_counts(table)
                    check_lines(table)
                    if table.key.endswith(":rate"):
                        counts = by_key[table.key.removesuffix(":rate")]
                        for rate_row, count_row in zip(table.rows, counts.rows, strict=True):
                            for rate, count in zip(rate_row[1:], count_row[1:], strict=True):
                                if count.suppressed:
                                    assert rate.suppressed
    assert checked > 2000


def csv_cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("route", ["equity:overview-csv", "equity:use-of-force-csv"])
def test_csv_exports_show_only_published_counts(demo, client, system, route):
    from django.urls import reverse

    from mhsip.accounts.models import User
    from mhsip.accounts.roles import Role

    admin = User.objects.create(username="equity-admin", role=Role.COLLABORATIVE_ADMIN)
    client.force_login(admin)
    response = client.get(reverse(route))
    assert response.status_code == 200
    rows = csv_cells(response.content.decode())
    numbers = 0
    for row in rows:
        for text in row[1:]:
            value = text.replace(",", "")
            if value.isdigit():  # a count (rates and ratios have a decimal point)
                numbers += 1
                assert int(value) == 0 or int(value) >= 8, row
    assert numbers > 30
    assert any("*" in row for row in rows)
    assert AuditLog.objects.filter(action="export", actor=admin).exists()
