"""The demo's calibration figures match synthetic-data.md and the code lists they name."""

from __future__ import annotations

import dataclasses
import datetime as dt
import doctest
import itertools
from types import MappingProxyType

import pytest

import mhsip.demo.generate
import mhsip.demo.parameters
from mhsip.demo.parameters import (
    ETHNIC_GROUPS,
    FAMILIES,
    WARD_FAMILY,
    DemoParameters,
    last_sunday_on_or_before,
)
from mhsip.organisations.models import WardType
from mhsip.recording.codes import ETHNIC_CATEGORIES, EthnicGroup, ethnic_group

P = DemoParameters()


def test_the_three_trusts_are_the_programmes_real_partners_with_their_ods_codes():
    assert [(t.ods_code, t.name) for t in P.trusts] == [
        ("RV5", "South London and Maudsley NHS Foundation Trust"),
        ("RPG", "Oxleas NHS Foundation Trust"),
        ("RQY", "South West London and St George's Mental Health NHS Trust"),
    ]


def test_ten_fictional_wards_split_four_three_three_cover_every_ward_type_in_the_brief():
    assert [len(P.wards_of(t.ods_code)) for t in P.trusts] == [4, 3, 3]
    assert {w.ward_type for w in P.wards} == set(WARD_FAMILY)
    assert all(w.name.endswith(" Ward") for w in P.wards)
    assert len({w.name for w in P.wards}) == 10


def test_ward_types_are_values_of_the_ward_type_choices():
    assert set(WARD_FAMILY) <= set(WardType.values)
    assert set(WARD_FAMILY.values()) == set(FAMILIES)


@pytest.mark.parametrize(
    ("family", "lo", "hi"),
    # synthetic-data.md: acute 18-22, PICU 10-12, older adult 16-20, LD&A 8-12, forensic 14-16
    [("acute", 18, 22), ("picu", 10, 12), ("older_adult", 16, 20), ("lda", 8, 12),
     ("forensic", 14, 16)],
)  # fmt: skip
def test_beds_lie_within_the_briefs_range_for_each_ward_type(family, lo, hi):
    beds = [w.beds for w in P.wards if w.family == family]
    assert beds and all(lo <= b <= hi for b in beds)


def test_single_sex_acute_wards_are_single_sex():
    for w in P.wards:
        if w.ward_type == "acute_male":
            assert w.sex == "male"
        if w.ward_type == "acute_female":
            assert w.sex == "female"


def test_ethnicity_codes_are_data_dictionary_codes_in_the_right_groups():
    group_of = {
        "white": {EthnicGroup.WHITE},
        "black": {EthnicGroup.BLACK},
        "asian": {EthnicGroup.ASIAN},
        "mixed": {EthnicGroup.MIXED},
        "other": {EthnicGroup.OTHER},
        "unknown": {EthnicGroup.NOT_STATED, EthnicGroup.NOT_KNOWN},
    }
    assert set(P.ethnicity_code_share) == set(ETHNIC_GROUPS)
    for group, codes in P.ethnicity_code_share.items():
        for code in codes:
            assert code in ETHNIC_CATEGORIES
            assert ethnic_group(code) in group_of[group]
    assert set(P.ethnicity_code_probabilities()) == set(ETHNIC_CATEGORIES)


def test_the_ethnicity_mix_is_the_briefs_south_london_mix():
    assert dict(P.ethnicity_group_share) == {
        "white": 0.55, "black": 0.22, "asian": 0.10, "mixed": 0.06, "other": 0.04,
        "unknown": 0.03,
    }  # fmt: skip
    assert sum(P.ethnicity_code_probabilities().values()) == pytest.approx(1)


def test_the_timeline_ends_on_the_anchor_sunday_after_52_baseline_and_78_collaborative_weeks():
    t = P.timeline()
    assert t.end == dt.date(2026, 11, 22) and t.end.weekday() == 6
    assert t.start.weekday() == 0 and t.weeks == 130 and t.days == 910
    assert (t.collaborative_start - t.start).days == 52 * 7
    assert t.baseline_end == t.collaborative_start - dt.timedelta(days=1)
    assert (t.collaborative_end - t.collaborative_start).days + 1 == 78 * 7
    assert len(t.week_starts()) == 130


def test_six_learning_sessions_fall_thirteen_weeks_apart_within_the_collaborative():
    t = P.timeline()
    sessions = t.learning_sessions
    assert len(sessions) == 6
    assert all(t.collaborative_start <= d <= t.collaborative_end for d in sessions)
    assert {(b - a).days for a, b in itertools.pairwise(sessions)} == {91}


def test_an_anchor_that_is_not_a_sunday_ends_the_timeline_on_the_sunday_before_it():
    assert last_sunday_on_or_before(dt.date(2026, 11, 25)) == dt.date(2026, 11, 22)
    assert last_sunday_on_or_before(dt.date(2026, 11, 21)) == dt.date(2026, 11, 15)
    later = dataclasses.replace(P, end_date=dt.date(2027, 1, 6))  # a Wednesday
    assert later.timeline().end == dt.date(2027, 1, 3)


def test_change_idea_effects_average_fifteen_per_cent_with_one_sixty_per_cent_ward():
    # synthetic-data.md "Change ideas": average ~15%, most improve a little, some do not, one
    # ward falls by ~60% and one reaches zero use of one practice (domain §3).
    reductions = [w.ri_reduction for w in P.wards]
    assert P.mean_ri_reduction() == pytest.approx(P.collaborative_target_reduction)
    assert max(reductions) == pytest.approx(0.60)
    assert sum(r <= 0.02 for r in reductions) >= 2
    assert sum(w.zero_practice is not None for w in P.wards) == 1


def test_restrictive_intervention_figures_are_the_briefs():
    assert dict(P.ri_rate_per_1000_obd) == {
        "picu": 60, "lda": 40, "acute": 25, "forensic": 20, "older_adult": 10
    }  # fmt: skip
    assert P.ri_ethnicity_multiplier["black"] == 3.0
    assert P.ri_frailty_shape == 0.3
    assert P.ri_type_share["physical"] == 0.60
    assert P.ri_physical_position_share["01"] == 0.15
    # the base rate is the ward average over the case mix, so White patients sit below it
    assert P.ri_reference_rate("picu") == pytest.approx(60 / P.mean_ethnicity_multiplier())
    assert P.mean_ethnicity_multiplier() == pytest.approx(1.502)


def test_other_safety_event_and_network_figures_are_the_briefs():
    assert P.sexual_safety_rate_per_1000_obd == 0.6
    assert P.sexual_safety_category_share["nudity_exposure"] == 0.27
    assert P.awol_rate_per_1000_obd == 1.5
    assert dict(P.suicide_status_share) == {"on_ward": 0.32, "agreed_leave": 0.52, "awol": 0.16}
    assert P.missing_weekly_return_share == 0.02
    assert P.network_members == 120


def test_parameters_are_read_only():
    with pytest.raises(dataclasses.FrozenInstanceError):
        P.target_occupancy = 0.5  # type: ignore[misc]
    assert isinstance(P.los_median_days, MappingProxyType)
    with pytest.raises(TypeError):
        P.los_median_days["acute"] = 1.0  # type: ignore[index]


def test_shares_that_do_not_sum_to_one_are_rejected():
    with pytest.raises(ValueError, match="ethnicity_group_share sums to"):
        dataclasses.replace(P, ethnicity_group_share={**P.ethnicity_group_share, "white": 0.9})


def test_beds_outside_the_briefs_range_are_rejected():
    too_big = dataclasses.replace(P.wards[0], beds=30)
    with pytest.raises(ValueError, match="outside 18-22"):
        dataclasses.replace(P, wards=(too_big, *P.wards[1:]))


def test_parameters_export_as_plain_data():
    d = P.as_dict()
    assert d["end_date"] == "2026-11-22"
    assert d["los_median_days"]["forensic"] == 180.0
    assert d["wards"][0]["name"] == "Alderwick Ward"


@pytest.mark.parametrize("module", [mhsip.demo.parameters, mhsip.demo.generate])
def test_docstring_examples_run(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0
