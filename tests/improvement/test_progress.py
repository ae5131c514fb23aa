"""The progress score: a transparent, cumulative scale computed from plain inputs, and the
two data helpers behind its upper steps, on synthetic series (no database)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from mhsip.improvement.progress import (
    STEPS,
    ProgressInputs,
    distribution,
    improvement_after,
    outcome_change,
    score,
)
from mhsip.measures.analysis import analyse_table
from mhsip.measures.models import Measure
from mhsip.measures.series import SeriesTable

PLANNED = dict(has_aim=True, has_lead=True)
TESTING = dict(PLANNED, diagram_change_ideas=3, cycles_started=2)
DECIDED = dict(TESTING, cycles_decided=1)
IMPROVING = dict(DECIDED, changes_adopted=1, improvement_points=2, change_half=0.05)


def test_a_ward_with_nothing_yet_scores_one_forming_team():
    result = score(ProgressInputs())
    assert result.score == 1.0 and result.label == "Forming team"
    assert result.next_step is STEPS[1]


@pytest.mark.parametrize(
    ("inputs", "expected"),
    [
        (dict(has_aim=True), 1.0),  # an aim but no project lead
        (PLANNED, 1.5),
        (dict(PLANNED, diagram_change_ideas=3), 1.5),  # a diagram but no cycle started
        (TESTING, 2.0),
        (DECIDED, 2.5),
        (dict(DECIDED, changes_adopted=1), 2.5),  # adopted, but no special cause yet
        (dict(IMPROVING, change_half=-0.02), 2.5),  # special cause, but no fall on the whole
        (IMPROVING, 3.0),
        (dict(IMPROVING, longest_improvement_run=7), 3.5),
        (dict(IMPROVING, longest_improvement_run=7, aim_percent=33, change_half=0.17), 4.0),
        (dict(IMPROVING, longest_improvement_run=7, aim_percent=33, change_half=0.34), 4.5),
        (
            dict(
                IMPROVING,
                longest_improvement_run=7,
                aim_percent=33,
                change_half=0.36,
                change_latest=0.30,  # one quarter short of the aim
                change_previous=0.42,
            ),
            4.5,
        ),
        (
            dict(
                IMPROVING,
                longest_improvement_run=7,
                aim_percent=33,
                change_half=0.37,
                change_latest=0.40,
                change_previous=0.35,
            ),
            5.0,
        ),
    ],
)
def test_each_step_needs_its_own_rule_and_every_rule_before_it(inputs, expected):
    assert score(ProgressInputs(**inputs)).score == expected


def test_a_later_rule_met_without_the_earlier_ones_does_not_count():
    """Special cause improvement on the chart without any PDSA work stays at 1.0: the score
    follows the QI work, not the data alone."""
    result = score(ProgressInputs(improvement_points=10, longest_improvement_run=10))
    assert result.score == 1.0
    shift = next(r for r in result.steps if r.step.score == 3.5)
    assert shift.met and not shift.counted


def test_the_aim_steps_need_an_aim_and_enough_data():
    base = dict(IMPROVING, longest_improvement_run=7)
    assert score(ProgressInputs(**{**base, "change_half": 0.9})).score == 3.5  # no aim percent
    assert score(ProgressInputs(**base, aim_percent=33)).score == 3.5  # a 5% fall only
    assert score(ProgressInputs(**{**base, "change_half": None}, aim_percent=33)).score == 2.5


def test_every_step_writes_its_rule_in_words():
    assert [s.score for s in STEPS] == [1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0]
    assert all(len(s.rule) > 30 and s.rule.endswith(".") for s in STEPS)


def test_the_distribution_counts_wards_at_each_step():
    scores = {1: score(ProgressInputs()), 2: score(ProgressInputs(**PLANNED)),
              3: score(ProgressInputs(**PLANNED))}  # fmt: skip
    counts = {step.score: n for step, n in distribution(scores)}
    assert counts[1.0] == 1 and counts[1.5] == 2 and sum(counts.values()) == 3


# --- the data helpers, on a synthetic ward ---------------------------------------------------
MEASURE = Measure(
    slug="restraint",
    name="Restraint",
    description="",
    source="interventions",
    denominator="bed_days",
    default_chart="u",
    improvement="decrease",
    multiplier=1000.0,
    period="week",
)
FIRST_MONDAY = dt.date(2024, 1, 1)


def synthetic(counts: list[float], chart: str = "xmr") -> object:
    n = len(counts)
    table = SeriesTable(
        ward_id=np.ones(n, dtype=np.int64),
        period_start=np.array(
            [FIRST_MONDAY + dt.timedelta(weeks=i) for i in range(n)], dtype="datetime64[D]"
        ),
        numerator=np.array(counts, dtype=float),
        denominator=np.full(n, 140.0),
    )
    return analyse_table(MEASURE, table, chart=chart)[1]


BASELINE = [4.0, 5.0, 3.0, 4.0, 5.0, 4.0, 3.0, 4.0, 5.0, 4.0, 4.0, 3.0, 5.0] * 2  # 26 weeks
AFTER = [2.0, 1.0, 2.0, 1.0, 2.0, 1.0, 2.0, 1.0, 2.0, 1.0, 2.0, 1.0, 2.0] * 2  # 26 weeks
BASELINE_END = FIRST_MONDAY + dt.timedelta(weeks=26, days=-1)


def test_the_change_against_baseline_is_pooled_over_the_latest_half_year_and_its_quarters():
    half, latest, previous = outcome_change(synthetic(BASELINE + AFTER), MEASURE, BASELINE_END)
    baseline_rate = sum(BASELINE) / len(BASELINE)
    assert half == pytest.approx(1 - (sum(AFTER) / 26) / baseline_rate)
    assert latest == pytest.approx(1 - (sum(AFTER[13:]) / 13) / baseline_rate)
    assert previous == pytest.approx(1 - (sum(AFTER[:13]) / 13) / baseline_rate)
    assert 0.6 < latest < 0.7


def test_missing_periods_are_left_out_of_the_change_never_counted_as_zero():
    with_gap = BASELINE + AFTER[:13] + [np.nan] * 3 + AFTER[13:]
    half, latest, _ = outcome_change(synthetic(with_gap), MEASURE, BASELINE_END)
    expected = outcome_change(synthetic(BASELINE + AFTER), MEASURE, BASELINE_END)
    assert latest == pytest.approx(expected[1])  # the 13 latest periods, none missing
    rate = (sum(AFTER[3:13]) + sum(AFTER[13:])) / 23  # 23 periods with data in the last 26
    assert half == pytest.approx(1 - rate / (sum(BASELINE) / 26))


def test_too_little_data_after_the_baseline_gives_no_change():
    assert outcome_change(synthetic(BASELINE + AFTER[:5]), MEASURE, BASELINE_END) == (
        None,
        None,
        None,
    )
    assert outcome_change(synthetic(BASELINE + AFTER[:20]), MEASURE, BASELINE_END)[0] is None


def test_special_cause_improvement_is_counted_only_from_the_first_cycle_start():
    analysis = synthetic(BASELINE + AFTER)
    start = FIRST_MONDAY + dt.timedelta(weeks=26, days=2)  # a Wednesday: its week counts
    points, run = improvement_after(analysis, start)
    assert run >= 7 and points >= run
    late = FIRST_MONDAY + dt.timedelta(weeks=50)
    assert improvement_after(analysis, late)[0] < points
    assert improvement_after(analysis, None) == (0, 0)
