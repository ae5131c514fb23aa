"""Rare-event charts: the gaps between events, in event order, with missing kept missing."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from django.utils import timezone

from mhsip.monitoring import rare_events
from mhsip.recording.models import WardCensus


def at(day: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2025, 3, 1, hour, minute) + dt.timedelta(days=day))


def test_days_between_events_come_from_their_times_and_are_never_zero():
    gaps = rare_events.days_between([at(0), at(2, 0), at(2, 0), at(3, 12)])
    assert gaps[0] == pytest.approx(1.5)
    assert gaps[1] == pytest.approx(1 / 1440)  # the same minute: one minute apart
    assert gaps[2] == pytest.approx(1.5)


@pytest.mark.django_db
def test_bed_days_between_count_the_days_after_the_previous_event(world, system):
    WardCensus.objects.bulk_create(
        WardCensus(
            ward=world.ward, date=dt.date(2025, 3, 1) + dt.timedelta(days=i), occupied=10 + i
        )
        for i in range(10)
    )
    gaps = rare_events.bed_days_between([world.ward], [at(0), at(0, 18), at(3), at(4)])
    # same day: 0; 2-4 March: 11 + 12 + 13; 5 March: 14
    assert gaps.tolist() == [0.0, 36.0, 14.0]


@pytest.mark.django_db
def test_a_gap_over_a_day_without_a_census_is_missing_not_a_guess(world, system):
    WardCensus.objects.bulk_create(
        WardCensus(ward=world.ward, date=dt.date(2025, 3, 1) + dt.timedelta(days=i), occupied=10)
        for i in range(10)
        if i != 2
    )
    gaps = rare_events.bed_days_between([world.ward], [at(0), at(1), at(4)])
    assert gaps[0] == 10.0 and np.isnan(gaps[1])


@pytest.mark.django_db
def test_fewer_than_13_gaps_give_a_run_chart_and_13_give_a_t_chart(world):
    few = rare_events.rare_event_chart(
        "t", [at(3 * i) for i in range(10)], wards=[world.ward], noun="AWOL incident",
        subject="Aspen Ward", improvement="increase",
    )  # fmt: skip
    assert few.chart == "run" and few.gaps == 9
    days = np.cumsum([0, 1, 4, 2, 5, 3, 1, 6, 2, 3, 4, 2, 5, 1])
    many = rare_events.rare_event_chart(
        "t", [at(int(d)) for d in days], wards=[world.ward], noun="AWOL incident",
        subject="Aspen Ward", improvement="increase",
    )  # fmt: skip
    assert many.chart == "t" and many.gaps == 13
    assert many.result is not None and many.result.upper[0] > many.result.centre[0]


@pytest.mark.django_db
def test_the_chart_plots_each_event_in_order_with_its_date(world):
    c = rare_events.rare_event_chart(
        "t", [at(0), at(2), at(2, 13), at(7)], wards=[world.ward], noun="sexual-safety incident",
        subject="Aspen Ward", improvement="neutral",
    )  # fmt: skip
    rows = rare_events.point_rows(c)
    assert [r["event"] for r in rows] == [2, 3, 4]
    assert [r["label"] for r in rows] == ["3 Mar 2025", "3 Mar 2025", "8 Mar 2025"]
    spec = rare_events.spec(c)
    assert spec["layer"][-1]["encoding"]["x"]["field"] == "event"
    assert "Sexual-safety incident number" in spec["layer"][-1]["encoding"]["x"]["title"]
    assert spec["title"]["text"] == "Days between sexual-safety incidents"


def test_one_event_has_no_gap_to_chart():
    c = rare_events.rare_event_chart(
        "t", [at(0)], wards=[], noun="AWOL incident", subject="", improvement="increase"
    )
    assert c.result is None and rare_events.point_rows(c) == []
