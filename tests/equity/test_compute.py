"""The equity core on arrays: midnight-count bed days by group, rates and ratios with the
robust interval (never narrower than exact), zero and missing kept apart, the monthly ratio's
XmR chart and concentration."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from mhsip.equity.characteristics import AGE, ETHNICITY, ETHNICITY_DETAILED
from mhsip.equity.compute import (
    bed_days_by_month,
    build_frame,
    concentration,
    group_statistics,
    population_statistics,
    ratio_intervals,
    ratio_series,
    robust_rate_interval,
)
from mhsip.stats import rate_ratio, rate_ratio_robust

D = "datetime64[D]"


def frame_of(
    codes,
    admitted,
    discharged,
    events,
    *,
    start=dt.date(2025, 1, 1),
    end=dt.date(2025, 12, 31),
    char=ETHNICITY,
    months=None,
    values=None,
):
    n = len(codes)
    ev_patient = np.repeat(np.arange(n), events)
    ev_month = (
        np.array(months, "datetime64[M]")
        if months is not None
        else np.array(admitted, D)[ev_patient].astype("datetime64[M]")
    )
    vals = np.array(values if values is not None else codes, dtype=object)
    return build_frame(
        char,
        start,
        end,
        stay_patient=np.arange(n),
        stay_ward=np.ones(n, np.int64),
        admitted=np.array(admitted, D),
        discharged=np.array(discharged, D),
        stay_value=vals,
        event_patient=ev_patient,
        event_ward=np.ones(ev_patient.size, np.int64),
        event_month=ev_month,
        event_value=vals[ev_patient],
        event_interventions=np.ones(ev_patient.size),
        event_incidents=np.ones(ev_patient.size),
    )


def test_bed_days_are_a_midnight_count_clipped_to_the_period_and_split_by_month():
    months, days = bed_days_by_month(
        np.array(["2024-12-20", "2025-01-31", "2025-02-01"], D),
        np.array(["2025-01-03", "2025-01-31", "NaT"], D),
        dt.date(2025, 1, 1),
        dt.date(2025, 2, 28),
    )
    assert [str(m) for m in months] == ["2025-01", "2025-02"]
    # in on 20 Dec, out on 3 Jan: midnights of 1 and 2 Jan; a same-day stay has none; an
    # open stay counts to the end of the period.
    assert days.tolist() == [[2, 0], [0, 0], [0, 28]]


def test_each_stays_bed_days_go_to_the_patients_group():
    f = frame_of(
        ["A", "M", "N", "Z"],
        ["2025-01-01"] * 4,
        ["2025-01-11", "2025-01-21", "2025-01-06", "2025-01-03"],
        [0, 0, 0, 0],
    )
    g = group_statistics(f, ETHNICITY)
    bed = dict(zip(g.groups, g.bed_days, strict=True))
    assert bed["white"] == 10 and bed["black"] == 25 and bed["not_stated"] == 2
    assert bed["asian"] == 0


def test_a_group_with_no_bed_days_has_no_rate_and_a_group_with_no_events_a_rate_of_zero():
    f = frame_of(["A", "A", "M", "M"], ["2025-01-01"] * 4, ["2025-03-01"] * 4, [3, 4, 0, 0])
    g = group_statistics(f, ETHNICITY)
    assert np.isnan(g.rate[g.index("asian")])
    assert g.ratio_reason[g.index("asian")] == "no bed days in this group"
    black = g.index("black")
    assert g.rate[black] == 0.0 and g.ratio[black] == 0.0
    # zero events: the robust interval is not estimable, so the exact one is used
    assert g.ratio_method[black] == "exact" and g.ratio_lower[black] == 0.0
    assert g.ratio_upper[black] > 0


def test_the_reference_group_has_ratio_1_and_no_interval():
    f = frame_of(["A", "A", "M", "M"], ["2025-01-01"] * 4, ["2025-03-01"] * 4, [3, 4, 9, 12])
    g = group_statistics(f, ETHNICITY, "black")
    b = g.index("black")
    assert (
        g.ratio[b] == 1.0 and np.isnan(g.ratio_lower[b]) and g.ratio_reason[b] == "reference group"
    )
    with pytest.raises(ValueError, match="not a group"):
        group_statistics(f, ETHNICITY, "M")


def test_the_interval_is_the_robust_one_widened_to_the_exact_one_where_that_is_wider():
    rng = np.random.default_rng(0)
    y1, t1 = rng.poisson(3, (4, 40)).astype(float), rng.uniform(20, 40, (4, 40))
    y0, t0 = rng.poisson(1, (1, 80)).astype(float), rng.uniform(20, 40, (1, 80))
    r = ratio_intervals(y1, t1, y0, t0)
    rob = rate_ratio_robust(y1, t1, y0, t0)
    ex = rate_ratio(y1.sum(1), t1.sum(1), y0.sum(), t0.sum(), method="exact")
    np.testing.assert_allclose(r.lower, np.minimum(rob.lower, ex.lower))
    np.testing.assert_allclose(r.upper, np.maximum(rob.upper, ex.upper))
    np.testing.assert_allclose(r.estimate, rob.estimate)
    assert (r.method == "robust").all()


def test_a_groups_own_rate_interval_uses_the_same_sandwich_variance_as_the_ratio():
    rng = np.random.default_rng(1)
    y, t = rng.poisson(2, 50).astype(float), rng.uniform(10, 30, 50)
    lo, hi = robust_rate_interval(y, t)
    # var(log RR) = var1 + var0: with two identical independent groups the ratio's variance
    # is twice the rate's, so the log widths agree by sqrt(2).
    rr = rate_ratio_robust(y, t, y, t)
    rate_width = np.log(hi / lo)
    ratio_width = np.log(rr.upper / rr.lower)
    assert ratio_width == pytest.approx(rate_width * np.sqrt(2))


def test_the_detailed_codes_keep_local_sub_codes_and_unknown_codes_apart():
    values = np.array(["A", "N1", "??", "", "Z"], dtype=object)
    assert ETHNICITY_DETAILED.classify(values, np.zeros(5)).tolist() == ["A", "N", "99", "99", "Z"]
    assert ETHNICITY.classify(values, np.zeros(5)).tolist() == [
        "white",
        "black",
        "not_known",
        "not_known",
        "not_stated",
    ]


def test_age_band_is_the_age_in_that_month_and_a_missing_birth_year_is_not_known():
    years = np.array([2025, 2026, 2025, 2025])
    assert AGE.classify(np.array([1990, 1991, None, 2010], dtype=object), years).tolist() == [
        "35_49",
        "35_49",
        "not_known",
        "under_18",
    ]


def test_a_patient_crossing_an_age_band_at_new_year_counts_in_both():
    f = frame_of(
        ["x"],
        ["2025-12-01"],
        ["2026-02-01"],
        [0],
        start=dt.date(2025, 12, 1),
        end=dt.date(2026, 1, 31),
        char=AGE,
        values=[1991],
    )
    g = group_statistics(f, AGE)
    assert g.bed_days[g.index("18_34")] == 31 and g.bed_days[g.index("35_49")] == 31


def test_concentration_counts_everyone_with_a_bed_day_including_the_never_restrained():
    f = frame_of(
        ["A"] * 10, ["2025-01-01"] * 10, ["2025-02-01"] * 10, [6, 1, 1, 1, 1, 0, 0, 0, 0, 0]
    )
    c = concentration(f)
    assert c.people == 10 and c.people_restrained == 5
    assert c.share_all == pytest.approx(0.6)
    assert c.share_restrained == pytest.approx(0.3)  # top half-person of 5: 3 of 10


def test_the_monthly_ratio_is_missing_not_zero_when_a_group_has_no_events_and_charted_by_date():
    admitted = ["2025-01-01"] * 4
    discharged = ["2025-05-01"] * 4
    codes = ["A", "A", "M", "M"]
    months = ["2025-01", "2025-02", "2025-03", "2025-01", "2025-02", "2025-03"]
    f = frame_of(codes, admitted, discharged, [2, 1, 2, 1], months=months, end=dt.date(2025, 4, 30))
    s = ratio_series(
        f, "black", "white", np.arange(np.datetime64("2025-01"), np.datetime64("2025-05"))
    )
    assert np.isfinite(s.ratio[:3]).all()
    assert np.isnan(s.ratio[3]) and s.reason[3] == "no interventions in one group"
    # the last month is missing: the chart's points still line up with their months
    assert s.centre.size == 4 and np.isfinite(s.centre[:3]).all()
    assert s.spc is not None
    assert s.improvement in {"increase", "decrease"}


def test_population_rates_are_per_100000_with_exact_intervals_and_no_rate_without_a_figure():
    p = population_statistics(
        ["white", "black", "not_known"],
        "white",
        np.array([100.0, 90.0, 5.0]),
        np.array([1_000_000.0, 300_000.0, np.nan]),
    )
    assert p.rate.tolist()[:2] == [10.0, 30.0]
    assert p.ratio[1] == pytest.approx(3.0)
    assert p.ratio_lower[1] < 3.0 < p.ratio_upper[1]
    assert np.isnan(p.rate[2]) and p.ratio_reason[2] == "no population figure for this group"
