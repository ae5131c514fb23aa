"""A measure's SPC per ward: chart choice, approved rebases only, the pooled total."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from mhsip.measures.analysis import analyse_collaborative, analyse_measure, chart_for
from mhsip.measures.models import Measure, Rebase
from mhsip.recording.models import Intervention, Patient, UseOfForceIncident, WardCensus
from mhsip.spc import analyse

pytestmark = pytest.mark.django_db
START = dt.date(2025, 1, 6)  # a Monday
WEEKS = 30


@pytest.fixture
def data(world, system):
    patient = Patient.objects.create(trust=world.trust, key="d" * 64)
    rng = np.random.default_rng(4)
    for ward in (world.ward, world.sibling_ward):
        WardCensus.objects.bulk_create(
            WardCensus(ward=ward, date=START + dt.timedelta(days=i), occupied=15)
            for i in range(WEEKS * 7)
        )
        for week in range(WEEKS):
            for _ in range(rng.poisson(3 if week < 20 else 1)):
                when = dt.datetime.combine(
                    START + dt.timedelta(days=7 * week + 2), dt.time(12), tzinfo=dt.UTC
                )
                inc = UseOfForceIncident.objects.create(
                    ward=ward,
                    patient=patient,
                    started_at=when,
                    place="communal",
                    reason="10",
                    status="submitted",
                )
                Intervention.objects.create(incident=inc, type_code="07", started_at=when)
    return world


def test_the_default_chart_is_used_from_13_points_and_a_run_chart_below():
    measure = Measure(default_chart="u", denominator="bed_days")
    assert chart_for(measure, None, 13) == "u"
    assert chart_for(measure, None, 12) == "run"
    assert chart_for(measure, "xmr", 20) == "xmr"
    assert chart_for(Measure(default_chart="u", denominator="none"), None, 20) == "c"


def test_a_ward_u_chart_equals_the_engine_on_the_same_numbers(data):
    measure = Measure.objects.get(slug="restrictive-interventions")
    end = START + dt.timedelta(days=7 * WEEKS - 1)
    analysis = analyse_measure(measure, [data.ward.pk, data.sibling_ward.pk], START, end)
    ward = analysis[data.ward.pk]
    assert ward.chart == "u" and ward.points == WEEKS
    direct = analyse(
        ward.numerator,
        chart="u",
        n=ward.denominator,
        multiplier=1000,
        improvement="decrease",
        rules="mdc",
    )
    np.testing.assert_allclose(ward.result.centre, direct.centre)
    np.testing.assert_allclose(ward.result.upper, direct.upper)
    assert ward.result.variation_icon == direct.variation_icon == "improvement_low"


def test_only_approved_rebases_split_the_limits(data):
    measure = Measure.objects.get(slug="restrictive-interventions")
    end = START + dt.timedelta(days=7 * WEEKS - 1)
    rebase = Rebase.objects.create(
        ward=data.ward,
        measure=measure,
        reason="Safewards adopted",
        starts_on=START + dt.timedelta(days=7 * 20 + 3),
    )
    proposed = analyse_measure(measure, [data.ward.pk], START, end)[data.ward.pk]
    assert set(proposed.result.period.tolist()) == {0}
    rebase.status = "approved"
    rebase.save()
    approved = analyse_measure(measure, [data.ward.pk], START, end)[data.ward.pk]
    assert approved.result.period[19] == 0 and approved.result.period[20] == 1
    assert approved.rebase_dates == (START + dt.timedelta(days=140),)


def test_the_collaborative_series_pools_the_wards(data):
    measure = Measure.objects.get(slug="restrictive-interventions")
    end = START + dt.timedelta(days=7 * WEEKS - 1)
    wards = analyse_measure(measure, [data.ward.pk, data.sibling_ward.pk], START, end)
    total = analyse_collaborative(measure, [data.ward.pk, data.sibling_ward.pk], START, end)
    expected = wards[data.ward.pk].numerator + wards[data.sibling_ward.pk].numerator
    np.testing.assert_allclose(total.numerator, expected)
    assert total.denominator[0] == 210.0
