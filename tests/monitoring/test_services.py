"""Sexual-safety and AWOL / death monitoring: counts by category, roles and harm beside the CQC
review; deaths by NCISH status with small numbers flagged; who sees exact figures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from mhsip.measures.dashboard import DateRange
from mhsip.monitoring import services
from mhsip.reports.figures import Publisher
from mhsip.safety.codes import Harm, LeaveStatus, PersonRole, SexualSafetyCategory
from tests.safety import factories

pytestmark = pytest.mark.django_db
YEAR = DateRange(dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def when(day: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2025, 2, 1, 12) + dt.timedelta(days=day))


def test_roles_that_see_safety_records_get_exact_figures_and_analysts_the_hes_rule(world):
    for role in ["ward_staff", "ward_qi_lead", "trust_lead", "collaborative_admin"]:
        assert services.view_level(world.users[role]) == services.FULL
    assert services.view_level(world.users["analyst"]) == services.AGGREGATE
    assert not services.publisher_for(services.FULL).suppresses
    assert services.publisher_for(services.AGGREGATE).key == "hes"
    with pytest.raises(PermissionDenied):
        services.view_level(world.users["network_member"])


def test_sexual_safety_is_counted_by_category_roles_and_harm_beside_the_cqc_review(world, system):
    for i in range(9):
        factories.sexual_safety(
            world.ward,
            occurred_at=when(i),
            status="submitted",
            category=SexualSafetyCategory.NUDITY_EXPOSURE if i < 6 else SexualSafetyCategory.VERBAL,
            affected_role=PersonRole.PATIENT if i < 7 else PersonRole.STAFF,
            harm=Harm.NONE if i < 8 else Harm.MODERATE,
        )
    factories.sexual_safety(world.ward, occurred_at=when(1))  # a draft: not counted
    s = services.sexual_safety_summary(
        [world.ward], YEAR, Publisher("none"), subject="Aspen Ward", charts=False, rare=False
    )
    category, affected, _perpetrator, harm = s.breakdowns
    rows = {r.label: r for r in category.rows}
    assert s.total.text == "9"
    assert rows["Nudity or exposure"].count.text == "6"
    assert rows["Nudity or exposure"].share.text == "67%"
    assert rows["Nudity or exposure"].national == "27% (298 of 1,120)"
    assert {r.label: r.count.text for r in affected.rows}["Patient"] == "7"
    assert {r.label: r.count.text for r in harm.rows}["Moderate harm"] == "1"
    assert "CQC (2018)" in s.source


def test_an_analyst_sees_the_same_counts_disclosure_controlled(world, system):
    for i in range(9):
        factories.sexual_safety(world.ward, occurred_at=when(i), status="submitted")
    s = services.sexual_safety_summary(
        [world.ward], YEAR, Publisher("hes"), subject="Aspen Ward", charts=False, rare=False
    )
    verbal = {r.label: r for r in s.breakdowns[0].rows}["Verbal abuse using sexual words"]
    assert verbal.count.text == "10" and s.total.text == "10"
    assert s.rates[0].rate.text == "Missing"  # no bed days recorded: missing, never zero


def test_deaths_are_split_by_ncish_status_beside_the_national_split(world, system):
    statuses = [LeaveStatus.ON_WARD] * 3 + [LeaveStatus.AGREED_LEAVE] * 4 + [LeaveStatus.AWOL] * 2
    for i, status in enumerate(statuses):
        patient = factories.patient(world.ward, key=f"{i}".ljust(64, "d"))
        factories.death(world.ward, died_on=dt.date(2025, 3, 1 + i), status=status, patient=patient)
    d = services.deaths_summary([world.ward], YEAR, Publisher("none"))
    assert not d.small
    rows = {r.label: r for r in d.rows}
    assert rows["On agreed leave"].suicides.text == "4"
    assert rows["On agreed leave"].share.text == "44%"
    assert [r.national for r in d.rows] == ["32%", "52%", "16%"]
    assert d.suicides.text == "9" and d.first_week.text == "9"


def test_fewer_than_8_deaths_are_flagged_and_their_percentages_not_shown(world, system):
    factories.death(world.ward, died_on=dt.date(2025, 3, 1), status=LeaveStatus.AWOL)
    d = services.deaths_summary([world.ward], YEAR, Publisher("none"))
    assert d.small and d.small_text == "Fewer than 8 deaths: percentages are not meaningful"
    assert {r.share.text for r in d.rows} == {"Not shown"}
    assert {r.label: r.suicides.text for r in d.rows}["Absent without leave (AWOL)"] == "1"


def test_awol_is_counted_by_kind_outcome_and_legal_status(world, system):
    for i in range(3):
        left = when(7 * i)
        factories.awol(
            world.ward, left_at=left, returned_at=left + dt.timedelta(hours=2), status="submitted"
        )
    s = services.awol_summary(
        [world.ward], YEAR, Publisher("none"), subject="Aspen Ward", charts=False, rare=True
    )
    assert s.total.text == "3"
    kinds = {r.label: r.count.text for r in s.breakdowns[0].rows}
    assert kinds["Failed to return from agreed leave"] == "3"
    assert s.rare[0].chart.kind == "t" and s.rare[0].chart.gaps == 2
    assert [r.event for r in s.rare[0].rows] == ["AWOL incident 2", "AWOL incident 3"]
