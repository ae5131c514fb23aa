"""Measure series: SQL aggregation per ward and week, with missing kept apart from zero."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from mhsip.measures.models import Measure
from mhsip.measures.series import bucket, measure_series, period_grid, pooled
from mhsip.recording.models import Intervention, Patient, UseOfForceIncident, WardCensus
from mhsip.returns.models import WeeklyReturn

pytestmark = pytest.mark.django_db
MONDAY = dt.date(2025, 3, 3)
UTC = dt.UTC


def census(ward, start, days, occupied=15):
    WardCensus.objects.bulk_create(
        WardCensus(ward=ward, date=start + dt.timedelta(days=i), occupied=occupied)
        for i in range(days)
    )


def incident(ward, patient, day, *codes, hour=10, status="submitted", review_on=None):
    when = dt.datetime.combine(day, dt.time(hour), tzinfo=UTC)
    inc = UseOfForceIncident.objects.create(
        ward=ward,
        patient=patient,
        started_at=when,
        place="communal",
        reason="10",
        status=status,
        review_with_patient_held="yes" if review_on else "no",
        review_with_patient_on=review_on,
    )
    for code in codes:
        Intervention.objects.create(
            incident=inc, type_code=code, started_at=when, ended_at=when + dt.timedelta(hours=2)
        )
    return inc


@pytest.fixture
def patient(world, system):
    return Patient.objects.create(trust=world.trust, key="b" * 64)


def test_weeks_start_on_monday_and_days_fall_in_their_week():
    grid = period_grid(dt.date(2025, 3, 5), dt.date(2025, 3, 18), "week")
    assert grid.tolist() == [dt.date(2025, 3, 3), dt.date(2025, 3, 10), dt.date(2025, 3, 17)]
    days = np.array(["2025-03-09", "2025-03-10", "2025-03-03"], dtype="datetime64[D]")
    assert bucket(days, "week").tolist() == [
        dt.date(2025, 3, 3),
        dt.date(2025, 3, 10),
        dt.date(2025, 3, 3),
    ]
    assert bucket(days, "month").tolist() == [dt.date(2025, 3, 1)] * 3


def test_interventions_count_distinct_incident_type_pairs_per_1000_bed_days(world, patient, system):
    census(world.ward, MONDAY, 14)
    incident(world.ward, patient, MONDAY, "01", "14")
    incident(world.ward, patient, MONDAY + dt.timedelta(days=1), "07", "07")  # same type twice
    incident(world.ward, patient, MONDAY + dt.timedelta(days=8), "05")
    incident(world.ward, patient, MONDAY + dt.timedelta(days=9), "05", status="draft")
    measure = Measure.objects.get(slug="restrictive-interventions")
    table = measure_series(measure, [world.ward.pk], MONDAY, MONDAY + dt.timedelta(days=13))
    assert table.numerator.tolist() == [3.0, 1.0]  # drafts are not counted
    assert table.denominator.tolist() == [105.0, 105.0]


def test_a_type_filter_and_people_and_hours(world, patient, system):
    census(world.ward, MONDAY, 7)
    other = Patient.objects.create(trust=world.trust, key="c" * 64)
    incident(world.ward, patient, MONDAY, "01", "05")
    incident(world.ward, patient, MONDAY + dt.timedelta(days=2), "01")
    incident(world.ward, other, MONDAY + dt.timedelta(days=3), "14")
    end = MONDAY + dt.timedelta(days=6)
    prone = measure_series(
        Measure.objects.get(slug="prone-restraint"), [world.ward.pk], MONDAY, end
    )
    people = measure_series(
        Measure.objects.get(slug="people-restrained"), [world.ward.pk], MONDAY, end
    )
    hours = measure_series(
        Measure.objects.get(slug="seclusion-hours"), [world.ward.pk], MONDAY, end
    )
    assert prone.numerator.tolist() == [2.0]
    assert people.numerator.tolist() == [2.0]
    assert hours.numerator.tolist() == [2.0]


def test_a_week_without_bed_days_is_missing_not_zero(world, patient, system):
    census(world.ward, MONDAY, 10)  # the second week has only 3 census days
    table = measure_series(
        Measure.objects.get(slug="incidents"),
        [world.ward.pk],
        MONDAY,
        MONDAY + dt.timedelta(days=13),
    )
    assert table.numerator[0] == 0.0
    assert np.isnan(table.numerator[1]) and np.isnan(table.denominator[1])


def test_a_submitted_return_supplies_bed_days_and_an_unsubmitted_one_makes_the_week_missing(
    world, patient, system
):
    WeeklyReturn.objects.create(
        ward=world.ward, week_start=MONDAY, status="submitted", occupied_bed_days=120
    )
    WeeklyReturn.objects.create(
        ward=world.ward,
        week_start=MONDAY + dt.timedelta(days=7),
        status="draft",
        occupied_bed_days=118,
    )
    incident(world.ward, patient, MONDAY, "07")
    table = measure_series(
        Measure.objects.get(slug="restrictive-interventions"),
        [world.ward.pk],
        MONDAY,
        MONDAY + dt.timedelta(days=13),
    )
    assert table.numerator[0] == 1.0 and table.denominator[0] == 120.0
    assert np.isnan(table.numerator[1])


def test_wards_sending_aggregate_counts_use_their_return(world, system):
    WeeklyReturn.objects.create(
        ward=world.ward,
        week_start=MONDAY,
        status="submitted",
        occupied_bed_days=100,
        incident_level=False,
        restraint_count=4,
        prone_restraint_count=1,
    )
    end = MONDAY + dt.timedelta(days=6)
    ri = measure_series(
        Measure.objects.get(slug="physical-restraint"), [world.ward.pk], MONDAY, end
    )
    prone = measure_series(
        Measure.objects.get(slug="prone-restraint"), [world.ward.pk], MONDAY, end
    )
    rt = measure_series(
        Measure.objects.get(slug="rapid-tranquillisation"), [world.ward.pk], MONDAY, end
    )
    assert ri.numerator.tolist() == [4.0] and prone.numerator.tolist() == [1.0]
    assert np.isnan(rt.numerator[0])  # not sent: missing, not zero


def test_the_review_measure_is_a_proportion_of_incidents(world, patient, system):
    census(world.ward, MONDAY, 7)
    incident(world.ward, patient, MONDAY, "07", review_on=MONDAY + dt.timedelta(days=2))
    incident(world.ward, patient, MONDAY, "07", review_on=MONDAY + dt.timedelta(days=5))
    incident(world.ward, patient, MONDAY, "07")
    table = measure_series(
        Measure.objects.get(slug="review-within-72h"),
        [world.ward.pk],
        MONDAY,
        MONDAY + dt.timedelta(days=6),
    )
    assert table.numerator.tolist() == [1.0] and table.denominator.tolist() == [3.0]


def test_the_collaborative_total_pools_reporting_wards(world, patient, system):
    census(world.ward, MONDAY, 14)
    census(world.sibling_ward, MONDAY, 7, occupied=10)
    incident(world.ward, patient, MONDAY, "07")
    incident(world.sibling_ward, patient, MONDAY, "07", "01")
    table = measure_series(
        Measure.objects.get(slug="restrictive-interventions"),
        [world.ward.pk, world.sibling_ward.pk],
        MONDAY,
        MONDAY + dt.timedelta(days=13),
    )
    total = pooled(table)
    assert total.numerator.tolist() == [3.0, 0.0]
    assert total.denominator.tolist() == [175.0, 105.0]  # week 2: only the reporting ward
