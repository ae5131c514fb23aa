"""Boundary tests for every XmR (Making Data Count) rule, icon and edge case.

Most series start with a 12-point baseline alternating 11, 9 and are analysed with
``fix_after=12``, so the centre line and limits are fixed and easy to check by hand:
mean 10, every moving range 2 (none screened: 2 < 3.267 x 2), so
upper/lower process limits 10 +/- 2.66 x 2 = 15.32 / 4.68 and the "close to the limits" lines
10 +/- (2/3 x 2.66) x 2 = 13.5467 / 6.4533 (NHSRplotthedots ``ptd_spc_standard``). The baseline
itself triggers no rule (it alternates, never leaves the inner third, and changes side every
point).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from mhsip.spc import SPCResult, analyse

BASELINE = [11.0, 9.0] * 6  # ends below the mean, so a run above starts in the tail
UPPER = 10 + 2.66 * 2
LOWER = 10 - 2.66 * 2


def xmr(tail: list[float | None], improvement: str = "increase", **options: object) -> SPCResult:
    return analyse(BASELINE + tail, chart="xmr", improvement=improvement, fix_after=12, **options)  # type: ignore[arg-type]


def tail_types(r: SPCResult) -> list[str]:
    return list(r.special_cause_type[12:])


def test_the_fixed_baseline_gives_the_hand_computed_limits() -> None:
    r = xmr([10.0])
    assert r.centre[0] == 10.0
    assert r.upper[0] == pytest.approx(15.32, rel=1e-12)
    assert r.lower[0] == pytest.approx(4.68, rel=1e-12)
    assert r.upper_2sigma[0] == pytest.approx(10 + 2 * 2.66 / 3 * 2, rel=1e-12)
    assert not r.special_cause.any()


# --- shift: 7 points on one side of the mean ----------------------------------------------


@pytest.mark.parametrize("value, side", [(11.0, "Above"), (9.5, "Below")])
def test_six_points_on_one_side_of_the_mean_are_not_a_shift(value: float, side: str) -> None:
    baseline_end_opposite = [9.0] if side == "Above" else [11.0]
    r = analyse(BASELINE[:-1] + baseline_end_opposite + [value] * 6, chart="xmr", fix_after=12)
    assert not r.special_cause[12:].any(), side


@pytest.mark.parametrize("value, side", [(11.0, "Above"), (9.5, "Below")])
def test_seven_points_on_one_side_of_the_mean_are_a_shift(value: float, side: str) -> None:
    baseline_end_opposite = [9.0] if side == "Above" else [11.0]
    r = analyse(
        BASELINE[:-1] + baseline_end_opposite + [value] * 7,
        chart="xmr",
        fix_after=12,
        improvement="decrease",
    )
    assert list(r.special_cause_type[12:]) == [f"7 Points {side} CL"] * 7
    assert r.explanation[18] == f"7th point in a row {side.lower()} the mean"
    assert r.explanation[12] == f"Part of 7 points in a row {side.lower()} the mean"
    expected = "special_cause_concern" if side == "Above" else "special_cause_improvement"
    assert r.point_type[-1] == expected


def test_a_point_exactly_on_the_mean_breaks_a_shift() -> None:
    r = xmr([11.0] * 3 + [10.0] + [11.0] * 3)
    assert not r.special_cause[12:].any()


def test_a_missing_value_breaks_a_shift_and_stays_missing() -> None:
    """docs/spc.md, "Missing values": a gap ends every run (ptd itself would stop here)."""
    r = xmr([11.0] * 3 + [None] + [11.0] * 4)
    assert not r.special_cause[12:].any()
    assert math.isnan(r.y[15]) and r.explanation[15] == "Missing value"
    assert r.point_type[15] == "common_cause"


def test_an_eighth_point_is_still_part_of_the_shift() -> None:
    r = xmr([11.0] * 8)
    assert tail_types(r) == ["7 Points Above CL"] * 8
    assert r.explanation[19] == "8th point in a row above the mean"


def test_the_shift_length_can_be_changed() -> None:
    r = xmr([11.0] * 6, shift_length=6)
    assert tail_types(r) == ["6 Points Above CL"] * 6


# --- trend: 7 points each higher (lower) than the one before -------------------------------


def test_six_rising_points_are_not_a_trend() -> None:
    r = xmr([8.0, 8.5, 9.0, 9.5, 10.5, 11.0])  # 9.0 -> 8.0 drops before the run
    assert not r.special_cause[12:].any()


def test_seven_rising_points_are_a_trend() -> None:
    r = xmr([8.0, 8.5, 9.0, 9.5, 10.5, 11.0, 11.5])
    assert tail_types(r) == ["7 Point Trend (Increasing)"] * 7
    assert set(r.explanation[12:]) == {"Part of 7 rising points in a row"}
    assert set(r.point_type[12:]) == {"special_cause_improvement"}


def test_seven_falling_points_are_a_trend() -> None:
    r = analyse(
        [9.0, 11.0] * 6 + [12.0, 11.5, 11.0, 10.5, 9.5, 9.0, 8.5],
        chart="xmr",
        fix_after=12,
        improvement="increase",
    )
    assert list(r.special_cause_type[12:]) == ["7 Point Trend (Decreasing)"] * 7
    assert set(r.point_type[12:]) == {"special_cause_concern"}
    assert r.explanation[12] == "Part of 7 falling points in a row"


def test_a_tie_breaks_a_trend() -> None:
    r = xmr([8.0, 8.5, 9.0, 9.0, 9.5, 10.5, 11.0, 11.5])
    assert not r.special_cause[12:].any()


def test_a_missing_value_breaks_a_trend() -> None:
    """ptd errors on this series; we treat the gap as ending the trend (docs/spc.md)."""
    r = xmr([8.0, 8.5, 9.0, None, 9.5, 10.5, 11.0, 11.5])
    assert not r.special_cause[12:].any()


def test_a_trend_label_follows_the_step_to_the_right_at_a_peak() -> None:
    """ptd ``ptd_special_cause_type``: a peak shared by a rising and a falling trend takes
    the direction of the step after it."""
    rise = [4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0]
    fall = [9.0, 8.0, 7.0, 6.0, 5.0, 4.0]
    wide = [0.0, 20.0] * 6  # fixed limits 10 -/+ 53.2: only the trend rule can fire
    r = analyse(wide + rise + fall, chart="xmr", fix_after=12)
    assert r.special_cause_type[18] == "7 Point Trend (Decreasing)"
    assert r.special_cause_type[17] == "7 Point Trend (Increasing)"
    assert r.special_cause[12:].all()


# --- two of three points close to a limit -------------------------------------------------


def test_two_of_three_points_close_to_the_upper_limit_are_flagged() -> None:
    r = xmr([14.0, 12.0, 14.0])
    assert tail_types(r) == ["2 in 3 Above CL", "Common Cause", "2 in 3 Above CL"]
    assert r.explanation[12] == "2 of 3 points close to the upper limit"


def test_two_of_three_points_close_to_the_lower_limit_are_flagged() -> None:
    r = xmr([6.0, 6.0, 9.5], improvement="increase")
    assert tail_types(r) == ["2 in 3 Below CL", "2 in 3 Below CL", "Common Cause"]
    assert set(r.point_type[12:14]) == {"special_cause_concern"}


def test_two_of_three_needs_the_third_point_on_the_same_side() -> None:
    """ptd case ``ptd_two_in_three_middle_opposite``: |sum(relative_to_mean)| must be 3."""
    r = xmr([14.0, 9.0, 14.0])
    assert not r.special_cause[12:].any()


def test_one_close_point_is_not_two_of_three() -> None:
    r = xmr([14.0, 12.0, 12.0])
    assert not r.special_cause[12:].any()


def test_a_point_outside_the_limits_is_not_close_to_them() -> None:
    r = xmr([16.0, 14.0, 12.0])
    assert tail_types(r) == ["Above UCL", "Common Cause", "Common Cause"]


# --- outside the limits -------------------------------------------------------------------


def test_a_point_exactly_on_the_upper_limit_is_not_outside_it() -> None:
    r = xmr([UPPER])
    assert r.y[12] == r.upper[12]
    assert r.special_cause_type[12] == "Common Cause"


def test_a_point_just_above_the_upper_limit_is_outside_it() -> None:
    r = xmr([math.nextafter(UPPER, math.inf)], improvement="decrease")
    assert r.special_cause_type[12] == "Above UCL"
    assert r.explanation[12] == "Above the upper process limit"
    assert r.point_type[12] == "special_cause_concern"
    assert r.variation_icon == "concern_high"


def test_a_point_below_the_lower_limit_is_outside_it() -> None:
    r = xmr([math.nextafter(LOWER, -math.inf)], improvement="increase")
    assert r.special_cause_type[12] == "Below LCL"
    assert r.variation_icon == "concern_low"


def test_outside_the_limits_takes_precedence_over_a_shift() -> None:
    r = xmr([11.0] * 6 + [16.0])
    assert tail_types(r) == ["7 Points Above CL"] * 6 + ["Above UCL"]


def test_a_trend_takes_precedence_over_two_of_three_and_a_shift() -> None:
    r = xmr([10.5, 11.0, 11.5, 12.0, 12.5, 13.6, 14.0])
    assert tail_types(r) == ["7 Point Trend (Increasing)"] * 7


def test_moving_ranges_of_3267_times_the_mean_are_screened_out_once() -> None:
    """ptd ``ptd_spc_standard``: mr < 3.267 * amr is kept (strict), one pass."""
    y = [10.0, 11.0] * 5 + [30.0]
    # moving ranges: nine 1s and 19 -> amr 2.8; 19 >= 9.1476 is dropped -> amr 1
    screened = analyse(y, chart="xmr")
    unscreened = analyse(y, chart="xmr", screen_outliers=False)
    mean = sum(y) / len(y)
    assert screened.upper[0] == pytest.approx(mean + 2.66 * 1.0, rel=1e-12)
    assert unscreened.upper[0] == pytest.approx(mean + 2.66 * 2.8, rel=1e-12)


# --- short and degenerate series ----------------------------------------------------------


def test_a_single_point_has_no_limits_and_is_common_cause() -> None:
    """ptd case ``ptd_short_1``: mean = y, amr = NaN, short-group warning."""
    r = analyse([5.0], chart="xmr", improvement="increase")
    assert r.centre[0] == 5.0 and math.isnan(r.upper[0]) and math.isnan(r.lower[0])
    assert r.point_type[0] == "common_cause" and r.variation_icon == "common_cause"
    assert r.short_period.all() and r.short_period_warning.tolist() == [True]


def test_two_points_give_limits_from_their_one_moving_range() -> None:
    r = analyse([4.0, 6.0], chart="xmr")
    assert r.centre[0] == 5.0
    assert r.upper[0] == pytest.approx(5 + 2.66 * 2, rel=1e-12)


def test_all_equal_values_have_no_limits_because_every_moving_range_is_screened() -> None:
    """ptd case ``ptd_all_equal``: every MR is 0 and 0 < 0 is false."""
    r = analyse([3.0] * 14, chart="xmr", improvement="increase", target=3.0)
    assert np.isnan(r.upper).all() and np.isnan(r.lower).all()
    assert not r.special_cause.any()
    assert r.assurance_icon == "inconsistent"


def test_all_equal_values_without_screening_have_limits_on_the_mean() -> None:
    r = analyse([3.0] * 14, chart="xmr", screen_outliers=False)
    assert (r.upper == 3.0).all() and (r.lower == 3.0).all()
    assert not r.special_cause.any()


def test_twelve_points_carry_a_short_period_warning_and_thirteen_do_not() -> None:
    assert analyse([1.0, 2.0] * 6, chart="xmr").short_period.all()
    assert not analyse([1.0, 2.0] * 6 + [1.0], chart="xmr").short_period.any()


def test_missing_values_stay_missing_and_are_left_out_of_the_limits() -> None:
    r = analyse([1.0, None, 3.0, float("nan"), 5.0], chart="xmr")
    assert len(r) == 5
    assert np.isnan(r.y[[1, 3]]).all() and not np.isnan(r.y[[0, 2, 4]]).any()
    assert r.centre[0] == 3.0  # mean of 1, 3, 5
    assert np.isnan(r.upper[0])  # no two consecutive values: no moving range
    assert list(r.explanation[[1, 3]]) == ["Missing value", "Missing value"]


# --- rebasing and fixing -------------------------------------------------------------------


def test_each_rebased_period_gets_its_own_mean_and_limits() -> None:
    r = analyse([1.0, 2.0, 3.0, 10.0, 11.0, 12.0], chart="xmr", rebase_at=[3])
    assert r.period.tolist() == [0, 0, 0, 1, 1, 1]
    assert r.centre.tolist() == [2.0, 2.0, 2.0, 11.0, 11.0, 11.0]
    assert r.period_start.tolist() == [0, 3]


def test_rules_do_not_look_across_a_rebase() -> None:
    r = analyse([9.0] * 4 + [11.0] * 4, chart="xmr", rebase_at=[4], screen_outliers=False)
    assert not r.special_cause.any()


def test_fix_after_counts_inside_each_period() -> None:
    r = analyse([1.0, 3.0, 100.0, 10.0, 12.0, 500.0], chart="xmr", rebase_at=[3], fix_after=2)
    assert r.centre.tolist() == [2.0] * 3 + [11.0] * 3


# --- icons ---------------------------------------------------------------------------------


def test_the_variation_icon_comes_from_the_last_point_only() -> None:
    r = xmr([16.0, 10.0])
    assert r.special_cause[12] and r.variation_icon == "common_cause"


@pytest.mark.parametrize(
    "improvement, icon",
    [("increase", "improvement_high"), ("decrease", "concern_high"), ("neutral", "neutral_high")],
)
def test_a_high_last_point_gets_the_icon_of_its_direction(improvement: str, icon: str) -> None:
    assert xmr([16.0], improvement=improvement).variation_icon == icon


@pytest.mark.parametrize(
    "improvement, icon",
    [("increase", "concern_low"), ("decrease", "improvement_low"), ("neutral", "neutral_low")],
)
def test_a_low_last_point_gets_the_icon_of_its_direction(improvement: str, icon: str) -> None:
    assert xmr([4.0], improvement=improvement).variation_icon == icon


@pytest.mark.parametrize(
    "target, improvement, icon",
    [
        (16.0, "increase", "fail"),  # above the upper limit: never reached
        (16.0, "decrease", "pass"),
        (4.0, "increase", "pass"),  # below the lower limit: always met
        (4.0, "decrease", "fail"),
        (10.0, "increase", "inconsistent"),
        (UPPER, "increase", "inconsistent"),  # exactly on a limit (ptd: strict comparison)
        (LOWER, "decrease", "inconsistent"),
        (16.0, "neutral", None),
        (None, "increase", None),
    ],
)
def test_assurance_compares_the_target_with_the_last_limits(
    target: float | None, improvement: str, icon: str | None
) -> None:
    r = xmr([10.0], improvement=improvement, target=target)
    assert r.assurance_icon == icon


def test_assurance_uses_the_limits_of_the_last_period() -> None:
    r = analyse(
        [1.0, 2.0, 1.0, 2.0, 50.0, 51.0, 50.0, 51.0],
        chart="xmr",
        rebase_at=[4],
        improvement="increase",
        target=10.0,
    )
    assert r.assurance_icon == "pass"  # 10 < the last period's lower limit
    assert r.assurance_type == "consistent_pass"
