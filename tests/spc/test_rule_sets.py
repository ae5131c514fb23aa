"""Making Data Count rules on attribute charts (``rules="mdc"``) and icons from the last
observed point."""

from __future__ import annotations

import numpy as np

from mhsip.spc import analyse, analyse_frame


def test_by_default_a_u_chart_flags_only_points_outside_its_limits_as_qicharts2_does():
    y = np.array([6, 5, 7, 6, 5, 6, 7, 6, 4, 3, 3, 2, 3, 3, 2, 3, 2, 3, 3, 2], dtype=float)
    n = np.full(20, 1000.0)
    r = analyse(y, chart="u", n=n, multiplier=1000, improvement="decrease")
    assert not r.special_cause[8:].any()


def test_with_mdc_rules_a_u_chart_flags_seven_points_below_the_centre_as_improvement():
    y = np.array([6, 5, 7, 6, 5, 6, 7, 6, 4, 3, 3, 2, 3, 3, 2, 3, 2, 3, 3, 2], dtype=float)
    n = np.full(20, 1000.0)
    r = analyse(y, chart="u", n=n, multiplier=1000, improvement="decrease", rules="mdc")
    assert r.special_cause[-7:].all()
    assert set(r.point_type[-7:]) == {"special_cause_improvement"}
    assert "below" in r.explanation[-1]
    assert r.variation_icon == "improvement_low"
    # limits are unchanged by the choice of rules
    default = analyse(y, chart="u", n=n, multiplier=1000, improvement="decrease")
    np.testing.assert_array_equal(r.upper, default.upper)


def test_the_variation_icon_reads_the_last_point_with_a_value():
    y = [5.0] * 10 + [6.0, 4.0] * 5 + [20.0, np.nan, np.nan]
    r = analyse(y, chart="xmr", improvement="decrease")
    assert r.point_type[-3] == "special_cause_concern"
    assert r.variation_icon == "concern_high"


def test_the_frame_gives_the_same_mdc_answer_as_one_series():
    rng = np.random.default_rng(3)
    y = rng.poisson(5, 60).astype(float)
    n = rng.integers(500, 900, 60).astype(float)
    frame = {"ward": np.repeat(["A", "B", "C"], 20), "y": y, "n": n}
    result = analyse_frame(
        frame,
        by="ward",
        value="y",
        denominator="n",
        chart="u",
        multiplier=1000,
        rules="mdc",
        improvement="decrease",
    )
    for i, ward in enumerate(["A", "B", "C"]):
        one = analyse(
            y[20 * i : 20 * i + 20],
            chart="u",
            n=n[20 * i : 20 * i + 20],
            multiplier=1000,
            rules="mdc",
            improvement="decrease",
        )
        got = result.result(result.index(ward))
        assert got.special_cause.tolist() == one.special_cause.tolist()
        assert got.variation_icon == one.variation_icon
