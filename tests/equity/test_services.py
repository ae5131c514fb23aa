"""Scope, periods and the disclosure decision for each role; the report's tables as published
and unsuppressed; the Use of Force Act statistics adding up."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from django.http import Http404

from mhsip.equity import services
from mhsip.equity.characteristics import ETHNICITY, SEX
from mhsip.equity.use_of_force import (
    RESTRAINT_BANDS,
    SECLUSION_BANDS,
    SEGREGATION_BANDS,
    duration_band,
    use_of_force_statistics,
)
from mhsip.recording.models import Intervention
from mhsip.stats import HES_RULE
from tests.equity.data import END, START, simulate

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(world, system):
    simulate(
        [world.ward, world.sibling_ward, world.other_ward],
        seed=7,
        groups={
            "white": ("A", 120, 1.0),
            "black": ("M", 80, 3.0),
            "asian": ("H", 40, 1.2),
            "other": ("S", 30, 1.3),
            "mixed": ("D", 4, 2.0),
        },
    )
    return world


def test_each_role_gets_its_own_scope(data):
    users = data.users
    assert services.resolve_scope(users["collaborative_admin"]).kind == "collaborative"
    assert services.resolve_scope(users["network_member"]).kind == "collaborative"
    assert services.resolve_scope(users["analyst"]).kind == "collaborative"
    trust = services.resolve_scope(users["trust_lead"])
    assert trust.kind == "trust" and {w.code for w in trust.wards} == {"ALPHA-1", "ALPHA-2"}
    ward = services.resolve_scope(users["ward_staff"])
    assert ward.kind == "ward" and ward.ward_code == "ALPHA-1"
    with pytest.raises(Http404):
        services.resolve_scope(users["outsider"], ward="ALPHA-1")
    with pytest.raises(Http404):
        services.resolve_scope(users["network_member"], ward="ALPHA-1")


def test_figures_are_unsuppressed_only_for_recording_roles_in_their_own_trust(data):
    users = data.users
    trust = services.resolve_scope(users["trust_lead"])
    ward = services.resolve_scope(users["ward_staff"])
    collab = services.resolve_scope(users["collaborative_admin"])
    assert services.disclosure_for(users["trust_lead"], trust, SEX) is None
    assert services.disclosure_for(users["ward_staff"], ward, SEX) is None
    assert services.disclosure_for(users["collaborative_admin"], collab, SEX) is HES_RULE
    assert services.disclosure_for(users["analyst"], collab, SEX) is HES_RULE
    # ethnicity by ward is never unsuppressed, even for the ward's own staff
    assert services.disclosure_for(users["ward_staff"], ward, ETHNICITY) is HES_RULE
    assert services.disclosure_for(users["trust_lead"], trust, ETHNICITY) is None


def test_periods_are_whole_months_with_data_and_financial_years(data):
    choices = services.period_choices(
        data.collaborative.wards.values_list("pk", flat=True), today=dt.date(2026, 3, 10)
    )
    keys = [p.key for p in choices]
    assert keys[0] == "12m" and keys[-1] == "all" and "fy2025" in keys
    for p in choices:
        assert p.start.day == 1 and (p.end + dt.timedelta(days=1)).day == 1
    assert services.period_choices([], today=dt.date(2026, 3, 10)) == []


def test_unsuppressed_tables_show_raw_counts_and_published_ones_rounded(data):
    scope = services.collaborative_scope(data.collaborative)
    raw = services.equity_report(scope, START, END, rule=None)
    published = services.equity_report(scope, START, END)
    mixed = raw.stats.index("mixed")
    raw_row = raw.rates_table.rows[mixed]
    pub_row = published.rates_table.rows[mixed]
    assert raw_row[3].text == f"{raw.stats.interventions[mixed]:,.0f}"
    assert not raw.rates_table.published and published.rates_table.published
    assert pub_row[1].suppressed  # 4 mixed patients: 1-7 is never shown
    assert raw.headline.sentence.startswith("Black or Black British patients were subject")


def test_the_headline_names_the_denominator_and_the_interval(data):
    scope = services.collaborative_scope(data.collaborative)
    report = services.equity_report(scope, START, END)
    assert "(within-service)" in report.headline.sentence
    assert "95% confidence interval" in report.headline.sentence
    assert report.headline.ratio == pytest.approx(report.stats.ratio[report.stats.index("black")])


def test_a_report_for_another_characteristic_compares_with_its_default_reference(data):
    scope = services.collaborative_scope(data.collaborative)
    report = services.equity_report(scope, START, END, characteristic="sex")
    assert report.reference == "male" and report.compare == "female"
    with pytest.raises(ValueError, match="not a group of sex"):
        services.equity_report(scope, START, END, characteristic="sex", reference="white")


def test_collaborative_equity_is_published_for_the_annual_report(data):
    report = services.collaborative_equity(START, END, collaborative=data.collaborative)
    assert report is not None and report.published
    assert all(t.published for t in report.all_tables)


@pytest.mark.parametrize(
    ("minutes", "bands", "expected"),
    [
        (
            [0, 10, 10.5, 30, 60, 60.5, np.nan],
            RESTRAINT_BANDS,
            ["0_10", "0_10", "11_30", "11_30", "31_60", "60_plus", "no_end"],
        ),
        (
            [60, 24 * 60, 24 * 60 + 1, 72 * 60, 8 * 1440, 91 * 1440],
            SECLUSION_BANDS,
            ["0_24h", "0_24h", "24_72h", "24_72h", "1_2w", "3m_plus"],
        ),
        (
            [29 * 1440, 31 * 1440, 200 * 1440, 400 * 1440],
            SEGREGATION_BANDS,
            ["0_1m", "1_3m", "6_12m", "12m_plus"],
        ),
    ],
)
def test_durations_fall_in_the_national_bands(minutes, bands, expected):
    assert duration_band(np.array(minutes, float), bands).tolist() == expected


def test_use_of_force_tables_add_up_to_the_same_unit_totals(data):
    scope = services.collaborative_scope(data.collaborative)
    stats = use_of_force_statistics(scope, START, END, rule=None)
    summary = stats.table("summary")
    totals = [row[2].raw for row in summary.rows]
    n_pairs = Intervention.objects.values("incident_id", "type_code").distinct().count()
    assert totals[-1] == n_pairs
    for key in ("category", "type", "reason", "characteristic:sex", "characteristic:age_band"):
        table = stats.table(key)
        assert [row[-1].raw for row in table.rows] == totals, key
    restraint = stats.table("duration_restraint")
    assert restraint.rows[-1][-1].raw == stats.table("category").rows[-1][-1].raw  # all physical


def test_published_use_of_force_statistics_are_safe_across_all_linked_tables(data):
    scope = services.collaborative_scope(data.collaborative)
    stats = use_of_force_statistics(scope, START, END)
    assert stats.published
    assert stats.linked.check(stats.published_counts).size == 0
    for table in stats.tables:
        for column, cell in table.cells():
            if column.kind == "count" and not cell.suppressed:
                assert not HES_RULE.suppresses(cell.raw)


def test_unsuppressed_use_of_force_statistics_still_control_ethnicity(data):
    scope = services.collaborative_scope(data.collaborative)
    stats = use_of_force_statistics(scope, START, END, rule=None)
    assert not stats.table("summary").published
    assert stats.table("characteristic:ethnicity").published
    assert stats.table("ethnicity_detailed").published
    assert not stats.table("characteristic:sex").published
