"""The pure generator: deterministic, capacity-respecting, and true to its parameters.

These tests use no database (pytest-django blocks database access in tests without the
``django_db`` mark), which also proves the generator is pure. Expected values come from
synthetic-data.md through :class:`DemoParameters`.
"""

from __future__ import annotations

import collections
import datetime as dt
import itertools
import re

import numpy as np
import pytest

from mhsip.demo.generate import DemoData, generate_demo, weekly_bed_days
from mhsip.demo.parameters import DemoParameters
from mhsip.recording.pseudonyms import patient_key

KEY = b"demo-test-master-key"
P = DemoParameters()


@pytest.fixture(scope="module")
def demo() -> DemoData:
    return generate_demo(1, P, master_key=KEY)


@pytest.fixture(scope="module")
def seeds() -> dict[int, DemoData]:
    return {seed: generate_demo(seed, P, master_key=KEY) for seed in (2, 3)}


def test_the_same_seed_gives_identical_output(demo):
    again = generate_demo(1, P, master_key=KEY)
    assert again.patients == demo.patients
    assert again.stays == demo.stays
    assert again.wards == demo.wards
    assert dict(again.truth["occupancy"]) == dict(demo.truth["occupancy"])


def test_a_different_seed_gives_different_patients_and_stays(demo, seeds):
    assert seeds[2].stays != demo.stays
    assert {p.key for p in seeds[2].patients} != {p.key for p in demo.patients}

    # ... but the same organisations and timeline: only patients and events depend on the seed
    def org(d: DemoData) -> list[tuple[str, str, int]]:
        return [(w.code, w.name, w.beds) for w in d.wards]

    assert org(seeds[2]) == org(demo)
    assert seeds[2].timeline == demo.timeline


def test_a_negative_seed_is_refused():
    with pytest.raises(ValueError, match="non-negative"):
        generate_demo(-1, P, master_key=KEY)


def test_organisations_collaborative_and_learning_sessions(demo):
    assert [t.ods_code for t in demo.trusts] == ["RV5", "RPG", "RQY"]
    assert len(demo.wards) == 10
    assert demo.collaborative.ward_codes == tuple(w.code for w in demo.wards)
    assert demo.collaborative.start_date == demo.timeline.collaborative_start
    assert [s.number for s in demo.learning_sessions] == [1, 2, 3, 4, 5, 6]
    assert all(w.active_from <= demo.timeline.start for w in demo.wards)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_no_ward_ever_has_more_patients_than_beds_at_midnight(demo, seeds, seed):
    data = demo if seed == 1 else seeds[seed]
    for ward in data.wards:
        counts = data.midnight_counts(ward.code)
        assert len(counts) == data.timeline.days
        assert counts.max() <= ward.beds, ward.name


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_occupancy_sits_between_85_and_102_per_cent_on_every_ward(demo, seeds, seed):
    # synthetic-data.md: "Occupancy should sit around 90-100%".
    data = demo if seed == 1 else seeds[seed]
    for code, occupancy in data.occupancy().items():
        assert 0.85 <= occupancy <= 1.02, (code, occupancy)
    assert data.truth["occupancy"] == data.occupancy()


@pytest.mark.parametrize(
    ("family", "median"), [("acute", 30), ("picu", 14), ("older_adult", 60), ("lda", 90),
                           ("forensic", 180)]
)  # fmt: skip
def test_length_of_stay_medians_are_within_25_per_cent_of_the_brief(demo, family, median):
    # Stays admitted during the timeline, with their true sampled length (some are still open
    # at the end, so observed discharges alone would understate long stays).
    wards = {w.code for w in demo.wards if P.family(w.ward_type) == family}
    los = [
        s.los_days
        for s in demo.stays
        if s.ward_code in wards and s.admitted_on >= demo.timeline.start
    ]
    assert len(los) >= 30
    assert P.los_median_days[family] == median
    assert 0.75 * median <= float(np.median(los)) <= 1.25 * median


def test_a_discharged_stay_lasts_its_length_and_open_stays_outlast_the_timeline(demo):
    for s in demo.stays:
        assert s.admitted_on <= demo.timeline.end
        if s.discharged_on is None:
            assert s.admitted_on + dt.timedelta(days=s.los_days) > demo.timeline.end
        else:
            assert (s.discharged_on - s.admitted_on).days == s.los_days
            assert s.discharged_on >= demo.timeline.start


def test_ethnicity_shares_are_within_three_points_of_the_parameters(demo):
    groups = collections.Counter(P.ethnicity_group_of(p.ethnicity) for p in demo.patients)
    n = len(demo.patients)
    for group, share in P.ethnicity_group_share.items():
        assert abs(groups[group] / n - share) < 0.03, group


def test_single_sex_wards_admit_only_their_sex_and_mixed_wards_admit_both(demo):
    sex_of = {p.local_id: p.sex for p in demo.patients}
    spec = {w.code: w for w in P.wards}
    seen = collections.defaultdict(set)
    for s in demo.stays:
        seen[s.ward_code].add(sex_of[s.patient_local_id])
    for code, sexes in seen.items():
        expected = {"male", "female"} if spec[code].sex == "mixed" else {spec[code].sex}
        assert sexes == expected, code


def test_learning_disability_and_autism_are_common_on_ld_and_a_wards_only(demo):
    ward_of = {s.patient_local_id: s.ward_code for s in demo.stays}
    family = {w.code: P.family(w.ward_type) for w in demo.wards}
    by_family = collections.defaultdict(list)
    for p in demo.patients:
        by_family[family[ward_of[p.local_id]]].append(p)
    ld_share = {
        f: np.mean([p.learning_disability == "yes" for p in ps]) for f, ps in by_family.items()
    }
    assert ld_share["lda"] > 0.7
    assert all(share < 0.15 for f, share in ld_share.items() if f != "lda")


def test_ages_follow_the_ward_type(demo):
    family = {w.code: P.family(w.ward_type) for w in demo.wards}
    birth = {p.local_id: p.birth_year for p in demo.patients}
    for s in demo.stays:
        age = s.admitted_on.year - birth[s.patient_local_id]
        lo, hi = P.age_range[family[s.ward_code]]
        assert lo - 1 <= age <= hi + 10  # re-admissions can come years later


def test_detention_follows_the_ward_type(demo):
    family = {w.code: P.family(w.ward_type) for w in demo.wards}
    detained = collections.defaultdict(list)
    for s in demo.stays:
        detained[family[s.ward_code]].append(s.legal_status == "detained")
    assert all(detained["forensic"])
    assert np.mean(detained["picu"]) > 0.9
    assert 0.5 < np.mean(detained["acute"]) < 0.8


def test_patients_carry_only_a_pseudonymous_key_derived_with_their_trusts_ods_code(demo):
    for p in demo.patients[:50]:
        assert p.key == patient_key(p.trust_ods, p.local_id, master_key=KEY)
    assert all(re.fullmatch(r"[0-9a-f]{64}", p.key) for p in demo.patients)
    assert len({(p.trust_ods, p.key) for p in demo.patients}) == len(demo.patients)


def test_no_patient_has_two_stays_at_once(demo):
    by_patient = collections.defaultdict(list)
    for s in demo.stays:
        by_patient[s.patient_local_id].append(s)
    assert any(len(v) > 1 for v in by_patient.values())  # some are re-admitted
    for stays in by_patient.values():
        stays.sort(key=lambda s: s.admitted_on)
        for a, b in itertools.pairwise(stays):
            assert a.discharged_on is not None and a.discharged_on < b.admitted_on


def test_every_patient_has_a_stay_and_every_stay_a_patient(demo):
    ids = {p.local_id for p in demo.patients}
    assert ids == {s.patient_local_id for s in demo.stays}


def test_weekly_bed_days_add_up_to_the_midnight_counts(demo):
    code = demo.wards[0].code
    weeks = weekly_bed_days(demo, code)
    assert len(weeks) == 130
    assert sum(weeks) == int(demo.midnight_counts(code).sum())


def test_the_truth_exports_the_parameters_and_the_realised_values(demo):
    truth = demo.truth
    assert truth["seed"] == 1
    assert truth["parameters"]["target_occupancy"] == P.target_occupancy
    assert set(truth["arrival_rate_per_day"]) == {w.code for w in demo.wards}
    assert all(truth["admissions"][c] + truth["diverted"][c] == truth["arrivals"][c]
               for c in truth["arrivals"])  # fmt: skip
    assert truth["ri_reduction"]["DEMO-RPG-ELMSTRAND"] == 0.60
