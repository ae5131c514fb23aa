"""qicharts2 charts and the Anhøj runs analysis, checked against hand calculations.

Formulas: qicharts2 0.8.1 ``R/helper.functions.R`` (``qic.u``, ``qic.p``, ``qic.c``, ``qic.g``,
``qic.t``, ``qic.mr``, ``qic.i``, ``qic.xbar``, ``qic.s``, ``runs.analysis``).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from mhsip.spc import analyse
from mhsip.spc._runs import qbinom_05_half


def test_a_u_chart_of_incidents_per_1000_bed_days_matches_the_formula() -> None:
    counts, bed_days = [3, 1, 4, 2], [700, 650, 720, 690]
    r = analyse(counts, n=bed_days, chart="u", multiplier=1000, improvement="decrease")
    u = 10 / 2760  # qic.u: sum(y) / sum(n)
    assert r.centre[0] == pytest.approx(u * 1000, rel=1e-12)
    for i, n in enumerate(bed_days):
        assert r.y[i] == pytest.approx(counts[i] / n * 1000, rel=1e-12)
        assert r.upper[i] == pytest.approx((u + 3 * math.sqrt(u / n)) * 1000, rel=1e-12)
        assert r.upper_2sigma[i] == pytest.approx((u + 2 * math.sqrt(u / n)) * 1000, rel=1e-12)
        assert r.lower[i] == 0.0  # u - 3 sqrt(u / n) < 0 is clipped to 0


def test_a_p_chart_clips_its_limits_to_zero_and_one() -> None:
    r = analyse([1, 1], n=[2, 2], chart="p")  # p = 0.5, sigma = sqrt(0.25 / 2) = 0.354
    assert r.upper.tolist() == [1.0, 1.0] and r.lower.tolist() == [0.0, 0.0]


def test_a_c_chart_uses_the_mean_count_and_its_square_root() -> None:
    r = analyse([2, 4, 6], chart="c")
    assert r.centre[0] == 4.0 and r.upper[0] == 10.0 and r.lower[0] == 0.0


def test_a_g_chart_takes_limits_from_the_mean_and_its_centre_line_from_the_median() -> None:
    days = [10.0, 44.0, 51.0, 0.0, 33.0]
    r = analyse(days, chart="g")
    mean = sum(days) / 5
    assert r.centre[0] == 33.0  # median
    assert r.upper[0] == pytest.approx(mean + 3 * math.sqrt(mean * (mean + 1)), rel=1e-12)
    assert r.lower[0] == 0.0


def test_a_t_chart_refuses_zero_time_between_events() -> None:
    with pytest.raises(ValueError, match="greater than zero"):
        analyse([3.0, 0.0, 2.0], chart="t")


def test_a_t_chart_back_transforms_an_i_chart_of_y_to_the_power_1_over_3_6() -> None:
    y = [20.29, 0.27, 8.83, 42.33, 34.66]
    r = analyse(y, chart="t", screen_outliers=False)
    z = [v ** (1 / 3.6) for v in y]
    cl = sum(z) / 5
    amr = sum(abs(b - a) for a, b in itertools.pairwise(z)) / 4
    assert r.centre[0] == pytest.approx(cl**3.6, rel=1e-12)
    assert r.upper[0] == pytest.approx((cl + 3 * amr / 1.128) ** 3.6, rel=1e-12)
    assert r.lower[0] == 0.0  # negative before back-transforming -> NaN -> 0


def test_an_i_chart_leaves_excluded_points_out_of_the_centre_and_moving_ranges() -> None:
    r = analyse([10.0, 12.0, 100.0, 11.0, 13.0], chart="i", exclude=[2])
    assert r.centre[0] == 11.5
    # moving ranges between included points: |12-10|, |11-12|, |13-11| -> mean 5/3
    assert r.upper[0] == pytest.approx(11.5 + 3 * (5 / 3) / 1.128, rel=1e-12)
    assert r.special_cause.tolist() == [False, False, True, False, False]
    assert r.included.tolist() == [True, True, False, True, True]


def test_qicharts2_ignores_freeze_when_the_series_has_parts() -> None:
    frozen = analyse([1.0, 2.0, 3.0, 10.0], chart="i", fix_after=2)
    parted = analyse([1.0, 2.0, 3.0, 10.0, 11.0], chart="i", fix_after=2, rebase_at=[3])
    assert frozen.centre[0] == 1.5
    assert parted.centre.tolist() == [2.0, 2.0, 2.0, 10.5, 10.5]


def test_an_mr_chart_never_reports_a_runs_signal() -> None:
    r = analyse([1.0, 2.0, 4.0, 7.0, 11.0, 16.0, 22.0, 29.0, 37.0, 46.0, 56.0], chart="mr")
    assert math.isnan(r.y[0])
    assert r.centre[0] == pytest.approx(5.5, rel=1e-12)
    assert r.upper[0] == pytest.approx(3.267 * 5.5, rel=1e-12)
    assert r.longest_run[0] == 5 and not r.runs_signal[0]


def test_xbar_and_s_charts_use_the_c4_constants_for_equal_subgroups() -> None:
    x = [1, 1, 1, 2, 2, 2, 3, 3, 3]
    y = [10.0, 12.0, 14.0, 11.0, 11.0, 14.0, 9.0, 13.0, 14.0]
    c4 = math.sqrt(2 / 2) * math.gamma(1.5) / math.gamma(1.0)
    sds = [2.0, math.sqrt(3.0), math.sqrt(7.0)]
    xbar = analyse(y, x=x, chart="xbar")
    assert xbar.y.tolist() == pytest.approx([12.0, 12.0, 12.0])
    assert xbar.upper[0] == pytest.approx(12 + 3 / (c4 * math.sqrt(3)) * sum(sds) / 3)
    s = analyse(y, x=x, chart="s")
    b4 = 1 + 3 * math.sqrt(1 - c4**2) / c4
    assert s.y.tolist() == pytest.approx(sds)
    assert s.upper[0] == pytest.approx(b4 * sum(sds) / 3) and s.lower[0] == 0.0


def test_rows_sharing_an_x_are_summed_for_a_u_chart() -> None:
    r = analyse([1, 2, 3], n=[10, 10, 20], x=["2024-01-01", "2024-01-01", "2024-01-08"], chart="u")
    assert r.y.tolist() == [0.15, 0.15]
    assert r.n.tolist() == [20.0, 20.0]


def test_missing_counts_stay_missing_in_every_chart() -> None:
    for chart in ("run", "i", "c", "g", "xmr"):
        r = analyse([3.0, None, 4.0, 5.0, 2.0], chart=chart)
        assert math.isnan(r.y[1]) and not math.isnan(r.y[0]), chart
    for chart in ("p", "pp", "u", "up"):
        r = analyse([3, None, 4, 5], n=[10, 10, None, 10], chart=chart)
        assert np.isnan(r.y).tolist() == [False, True, True, False], chart
        assert np.isnan(r.upper[[1, 2]]).all(), chart


# --- Anhøj runs analysis ----------------------------------------------------------------


@pytest.mark.parametrize(
    "n_useful, longest_max, crossings_min",
    [(1, 3, 0), (10, 6, 2), (20, 7, 6), (23, 8, 7), (24, 8, 8), (30, 8, 10), (100, 10, 41)],
)
def test_runs_limits_follow_schilling_and_chen(
    n_useful: int, longest_max: int, crossings_min: int
) -> None:
    """round(log2(n)) + 3 and qbinom(0.05, n - 1, 0.5): R values (ALGORITHMS.md, cases)."""
    assert round(math.log2(n_useful)) + 3 == longest_max
    assert qbinom_05_half(n_useful - 1) == crossings_min


def _run_chart(pattern: list[tuple[str, int]]) -> tuple[float, float, bool]:
    y = [v for side, k in pattern for v in ([10.0] if side == "T" else [0.0]) * k]
    assert len(y) == 24 and y.count(10.0) == 12  # the median is 5: no point on it
    r = analyse(y, chart="run")
    return float(r.longest_run[0]), float(r.n_crossings[0]), bool(r.runs_signal[0])


def test_a_longest_run_of_8_in_24_points_is_no_signal() -> None:
    assert _run_chart(
        [("Z", 1), ("T", 8), ("Z", 3), ("T", 2), ("Z", 3), ("T", 1), ("Z", 3), ("T", 1), ("Z", 2)]
    ) == (8, 8, False)


def test_a_longest_run_of_9_in_24_points_is_a_signal() -> None:
    assert _run_chart(
        [("Z", 1), ("T", 9), ("Z", 3), ("T", 1), ("Z", 3), ("T", 1), ("Z", 3), ("T", 1), ("Z", 2)]
    ) == (9, 8, True)


def test_7_crossings_in_24_points_are_too_few() -> None:
    assert _run_chart([("Z", 3), ("T", 3)] * 4) == (3, 7, True)


def test_8_crossings_in_24_points_are_enough() -> None:
    pattern = [
        ("Z", 2),
        ("T", 3),
        ("Z", 3),
        ("T", 3),
        ("Z", 3),
        ("T", 3),
        ("Z", 3),
        ("T", 3),
        ("Z", 1),
    ]
    assert _run_chart(pattern) == (3, 8, False)


def test_points_on_the_centre_line_and_missing_points_are_not_useful() -> None:
    r = analyse([1.0, 5.0, 9.0, None, 9.0, 1.0], chart="run")  # median 5
    assert r.n_obs[0] == 6 and r.n_useful[0] == 4
    assert r.longest_run[0] == 2 and r.n_crossings[0] == 2


def test_a_run_chart_has_no_limits_and_no_point_signals() -> None:
    r = analyse([1.0, 100.0, 2.0], chart="run")
    assert np.isnan(r.upper).all() and not r.special_cause.any()
