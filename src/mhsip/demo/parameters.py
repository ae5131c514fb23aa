"""Every calibration figure of the demo collaborative, as named parameters in one place.

The generative model and its figures are specified in ``/work/shared/brief/synthetic-data.md``
("the brief"); national sources for the figures are in ``domain.md`` (§2 MHSDS restrictive
interventions, §3 the NCCMH collaborative's 15% result, §5 ethnic categories, §6 CQC 2018 sexual
safety, §7 NCISH in-patient suicide, §9 occupied bed days). :class:`DemoParameters` is frozen and
seed-independent: the seed changes patients and events, never the organisations or the
timeline. Restrictive interventions and PDSA cycles (:mod:`mhsip.demo.events`), sexual-safety,
AWOL and death records (:mod:`mhsip.demo.safety_events`) and weekly returns
(:mod:`mhsip.demo.returns`) read their figures from here; the network's figures wait for the
network generator. The tests compare estimates with the truth exported from these values.

This module never imports Django: ward types and ethnicity codes are the string values of
:class:`mhsip.organisations.models.WardType` and the NHS Data Dictionary ETHNIC CATEGORY codes
of :mod:`mhsip.recording.codes` (the tests check that they match).

>>> p = DemoParameters()
>>> p.timeline().end.isoformat(), p.timeline().end.strftime("%A"), p.timeline().weeks
('2026-11-22', 'Sunday', 130)
>>> [len(p.wards_of(t.ods_code)) for t in p.trusts]
[4, 3, 3]
>>> round(p.mean_ri_reduction(), 3)
0.15
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any

#: Ward types (values of ``WardType``) grouped into the families the brief calibrates.
WARD_FAMILY: Mapping[str, str] = MappingProxyType(
    {
        "acute_male": "acute",
        "acute_female": "acute",
        "acute_mixed": "acute",
        "picu": "picu",
        "older_adult": "older_adult",
        "lda": "lda",
        "forensic_low": "forensic",
    }
)
FAMILIES: tuple[str, ...] = ("acute", "picu", "older_adult", "lda", "forensic")
#: Five-group ethnicity (``EthnicGroup`` values) plus "unknown" for Z (not stated) and 99.
ETHNIC_GROUPS: tuple[str, ...] = ("white", "black", "asian", "mixed", "other", "unknown")


def _frozen(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value))


def _mapping(value: dict[str, Any]) -> Any:
    """A read-only default for a dataclass field (each instance gets its own proxy)."""
    return field(default_factory=lambda: MappingProxyType(dict(value)))


@dataclass(frozen=True, slots=True)
class SiteSpec:
    """A fictional hospital site of a real trust (site names are invented too)."""

    code: str
    name: str


@dataclass(frozen=True, slots=True)
class TrustSpec:
    """One of the programme's three real partner trusts (brief: Organisations and wards)."""

    ods_code: str
    name: str
    sites: tuple[SiteSpec, ...]


@dataclass(frozen=True, slots=True)
class WardSpec:
    """A fictional ward: invented name, ward type and beds within the brief's range.

    ``ri_reduction`` is the ward's true fractional fall in its restrictive-intervention rate by
    the end of the collaborative (negative: it got worse); ``zero_practice`` names an MHSDS
    restrictive intervention type code (domain §2.2) whose use the ward stops entirely.
    """

    code: str
    name: str
    trust_ods: str
    site_code: str
    ward_type: str
    beds: int
    sex: str  # "male", "female" or "mixed": single-sex wards admit only that sex
    ri_reduction: float
    zero_practice: str | None = None

    @property
    def family(self) -> str:
        return WARD_FAMILY[self.ward_type]


@dataclass(frozen=True, slots=True)
class Timeline:
    """The demo's calendar: ``weeks`` Monday-to-Sunday weeks ending on ``end`` ("today").

    ``sim_start`` is where the bed-occupancy simulation starts (a burn-in before the timeline so
    the wards are in steady state on day one; stays admitted then may still be open at
    ``start``).
    """

    start: dt.date
    end: dt.date
    baseline_start: dt.date
    baseline_end: dt.date
    collaborative_start: dt.date
    collaborative_end: dt.date
    sim_start: dt.date
    learning_sessions: tuple[dt.date, ...]

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def weeks(self) -> int:
        return self.days // 7

    def week_starts(self) -> list[dt.date]:
        return [self.start + dt.timedelta(weeks=w) for w in range(self.weeks)]


def last_sunday_on_or_before(day: dt.date) -> dt.date:
    """The most recent Sunday on or before ``day`` (``day`` itself when it is a Sunday).

    >>> last_sunday_on_or_before(dt.date(2026, 11, 22)), last_sunday_on_or_before(dt.date(2026, 11, 25))
    (datetime.date(2026, 11, 22), datetime.date(2026, 11, 22))
    """  # noqa: E501
    return day - dt.timedelta(days=(day.weekday() + 1) % 7)


_TRUSTS = (
    TrustSpec(
        "RV5",
        "South London and Maudsley NHS Foundation Trust",
        (SiteSpec("DEMO-RV5-1", "Alder Vale Hospital (demo)"),),
    ),
    TrustSpec(
        "RPG",
        "Oxleas NHS Foundation Trust",
        (SiteSpec("DEMO-RPG-1", "Brackenridge House (demo)"),),
    ),
    TrustSpec(
        "RQY",
        "South West London and St George's Mental Health NHS Trust",
        (SiteSpec("DEMO-RQY-1", "Corran Fields Hospital (demo)"),),
    ),
)

# Ten invented ward names (A to J, so they are easy to tell apart on charts). The per-ward
# reductions average 15% (domain §3: the national collaborative's 15% overall reduction); most
# wards improve a little, Dunmarsh and Juniperholt barely move, Ivybrook gets slightly worse,
# Elmstrand falls by 60% (§3: "among improving teams the average reduction was 61%") and
# Harrowmere stops prone restraint (code 01) altogether ("some achieved 100%").
_WARDS = (
    WardSpec("DEMO-RV5-ALDERWICK", "Alderwick Ward", "RV5", "DEMO-RV5-1", "acute_male", 20,
             "male", 0.18),
    WardSpec("DEMO-RV5-BRAMBLEHOLT", "Brambleholt Ward", "RV5", "DEMO-RV5-1", "acute_female", 18,
             "female", 0.12),
    WardSpec("DEMO-RV5-CORROWDALE", "Corrowdale Ward", "RV5", "DEMO-RV5-1", "picu", 12,
             "mixed", 0.22),
    WardSpec("DEMO-RV5-DUNMARSH", "Dunmarsh Ward", "RV5", "DEMO-RV5-1", "forensic_low", 15,
             "male", 0.02),
    WardSpec("DEMO-RPG-ELMSTRAND", "Elmstrand Ward", "RPG", "DEMO-RPG-1", "acute_mixed", 22,
             "mixed", 0.60),
    WardSpec("DEMO-RPG-FENNICK", "Fennick Ward", "RPG", "DEMO-RPG-1", "older_adult", 18,
             "mixed", 0.08),
    WardSpec("DEMO-RPG-GLENHOLLOW", "Glenhollow Ward", "RPG", "DEMO-RPG-1", "lda", 10,
             "mixed", 0.14),
    WardSpec("DEMO-RQY-HARROWMERE", "Harrowmere Ward", "RQY", "DEMO-RQY-1", "acute_male", 19,
             "male", 0.12, zero_practice="01"),
    WardSpec("DEMO-RQY-IVYBROOK", "Ivybrook Ward", "RQY", "DEMO-RQY-1", "picu", 10,
             "mixed", -0.04),
    WardSpec("DEMO-RQY-JUNIPERHOLT", "Juniperholt Ward", "RQY", "DEMO-RQY-1", "older_adult", 16,
             "mixed", 0.06),
)  # fmt: skip

_LEARNING_SESSION_TITLES = (
    "Launch: understanding restrictive practice and our baseline",
    "Safewards and ward culture",
    "Debrief and post-incident review with patients",
    "Racial equity and restrictive practice",
    "Testing at scale: from PDSA to standard work",
    "Sustaining and spreading the gains",
)

_CHANGE_IDEAS: tuple[tuple[str, str, bool], ...] = (
    # (name, catalogue, is a debrief idea) -- domain §4
    ("Clear Mutual Expectations", "Safewards", False),
    ("Soft Words", "Safewards", False),
    ("Talk Down", "Safewards", False),
    ("Positive Words", "Safewards", False),
    ("Bad News Mitigation", "Safewards", False),
    ("Know Each Other", "Safewards", False),
    ("Mutual Help Meeting", "Safewards", False),
    ("Calm Down Methods", "Safewards", False),
    ("Reassurance", "Safewards", True),
    ("Discharge Messages", "Safewards", False),
    ("Using data to inform practice", "Six Core Strategies", False),
    ("Workforce development", "Six Core Strategies", False),
    ("Full inclusion of service users", "Six Core Strategies", False),
    ("Debriefing techniques", "Six Core Strategies", True),
    ("Safety plans co-produced with patients", "No Force First", False),
    ("Peer support workers on the ward", "No Force First", False),
    ("Post-incident review with the patient", "Local", True),
    ("Sensory room", "Local", False),
    ("Safety huddle", "Local", False),
    ("Collaborative care planning", "Local", False),
    ("Reducing blanket restrictions", "Local", False),
)


@dataclass(frozen=True, slots=True)
class DemoParameters:
    """The true parameters of the demo collaborative (synthetic-data.md, all sections).

    Mappings are read-only. Shares within a mapping sum to one; ``__post_init__`` checks that,
    the bed ranges, the 4/3/3 ward split and the unique codes, so a bad edit fails at once.
    """

    # --- Organisations and wards (brief: "Organisations and wards") ---------------------------
    trusts: tuple[TrustSpec, ...] = _TRUSTS
    wards: tuple[WardSpec, ...] = _WARDS
    wards_per_trust: tuple[int, ...] = (4, 3, 3)
    bed_range: Mapping[str, tuple[int, int]] = _mapping(
        {"acute": (18, 22), "picu": (10, 12), "older_adult": (16, 20), "lda": (8, 12),
         "forensic": (14, 16)}
    )  # fmt: skip

    # --- Timeline ---------------------------------------------------------------------------
    #: Seed-independent anchor: the last generated week ends on the last Sunday on or before it.
    end_date: dt.date = dt.date(2026, 11, 22)
    baseline_weeks: int = 52
    collaborative_weeks: int = 78  # 18 months
    learning_sessions: int = 6
    learning_session_interval_weeks: int = 13
    learning_session_weekday: int = 3  # Thursday of the session's week
    learning_session_titles: tuple[str, ...] = _LEARNING_SESSION_TITLES
    #: Days simulated before the timeline so long-stay wards start in steady state.
    burn_in_days: int = 1095
    collaborative_name: str = "Demo: South London Reducing Restrictive Practice Collaborative"
    collaborative_slug: str = "demo-south-london-rrp"
    collaborative_aim: str = (
        "Demo data. By the end of the 18-month collaborative, reduce restrictive interventions "
        "(restraint, seclusion and rapid tranquillisation) per 1,000 occupied bed days by a "
        "third across the ten demo wards, and narrow the gap in their use between Black and "
        "White patients."
    )

    # --- Patients and bed days (brief: "Patients and bed days") --------------------------------
    #: Median length of stay in days (log-normal): acute 30, PICU 14, older adult 60, LD&A 90,
    #: forensic 180.
    los_median_days: Mapping[str, float] = _mapping(
        {"acute": 30.0, "picu": 14.0, "older_adult": 60.0, "lda": 90.0, "forensic": 180.0}
    )
    #: Log-normal shape (sd of log LOS); mean LOS = median x exp(sigma^2 / 2).
    los_sigma: Mapping[str, float] = _mapping(
        {"acute": 0.8, "picu": 0.7, "older_adult": 0.7, "lda": 0.8, "forensic": 0.6}
    )
    #: Mean midnight occupancy aimed for (brief: "around 90-100%"). Arrivals are Poisson with the
    #: rate that gives this occupancy in an Erlang loss system (an arrival finding every bed
    #: taken is diverted out of area); the rate per ward is exported in the truth.
    target_occupancy: float = 0.94
    #: Share of admissions that re-admit an earlier patient of the same ward.
    readmission_share: float = 0.12
    readmission_min_gap_days: int = 28
    #: Ethnicity, South-London-like (brief): White 55, Black 22, Asian 10, Mixed 6, Other 4,
    #: not stated / not known 3 per cent.
    ethnicity_group_share: Mapping[str, float] = _mapping(
        {"white": 0.55, "black": 0.22, "asian": 0.10, "mixed": 0.06, "other": 0.04,
         "unknown": 0.03}
    )  # fmt: skip
    #: Data Dictionary codes within each group (domain §5.1).
    ethnicity_code_share: Mapping[str, Mapping[str, float]] = _mapping(
        {
            "white": {"A": 0.70, "B": 0.05, "C": 0.25},
            "black": {"M": 0.45, "N": 0.45, "P": 0.10},
            "asian": {"H": 0.30, "J": 0.15, "K": 0.25, "L": 0.30},
            "mixed": {"D": 0.40, "E": 0.20, "F": 0.20, "G": 0.20},
            "other": {"R": 0.25, "S": 0.75},
            "unknown": {"Z": 0.40, "99": 0.60},
        }
    )
    #: Female share on mixed-sex wards (single-sex wards admit only their sex).
    female_share: Mapping[str, float] = _mapping(
        {"acute": 0.45, "picu": 0.25, "older_adult": 0.55, "lda": 0.30, "forensic": 0.0}
    )
    #: Age at first admission: normal(mean, sd) clipped to [lo, hi].
    age_mean: Mapping[str, float] = _mapping(
        {"acute": 38.0, "picu": 31.0, "older_adult": 79.0, "lda": 29.0, "forensic": 37.0}
    )
    age_sd: Mapping[str, float] = _mapping(
        {"acute": 12.0, "picu": 8.0, "older_adult": 7.0, "lda": 9.0, "forensic": 10.0}
    )
    age_range: Mapping[str, tuple[int, int]] = _mapping(
        {"acute": (18, 64), "picu": (18, 60), "older_adult": (65, 99), "lda": (18, 65),
         "forensic": (19, 65)}
    )  # fmt: skip
    #: Learning disability / autism recorded "yes" (high on LD&A wards); a further
    #: ``characteristic_not_known_share`` is "not known", the rest "no".
    learning_disability_share: Mapping[str, float] = _mapping(
        {"acute": 0.03, "picu": 0.04, "older_adult": 0.02, "lda": 0.85, "forensic": 0.06}
    )
    autism_share: Mapping[str, float] = _mapping(
        {"acute": 0.04, "picu": 0.05, "older_adult": 0.01, "lda": 0.60, "forensic": 0.08}
    )
    characteristic_not_known_share: float = 0.05
    #: Share of stays detained under the Mental Health Act (the rest informal).
    detained_share: Mapping[str, float] = _mapping(
        {"acute": 0.65, "picu": 0.98, "older_adult": 0.45, "lda": 0.75, "forensic": 1.0}
    )
    #: Recorded mental disorder (free text with ICD-10 code) and its share by family.
    mental_disorder_share: Mapping[str, Mapping[str, float]] = _mapping(
        {
            "acute": {
                "F20 Schizophrenia": 0.30,
                "F31 Bipolar affective disorder": 0.18,
                "F25 Schizoaffective disorder": 0.10,
                "F32 Depressive episode": 0.14,
                "F60.3 Emotionally unstable personality disorder": 0.14,
                "F19 Drug-induced psychosis": 0.10,
                "F23 Acute and transient psychotic disorder": 0.04,
            },
            "picu": {
                "F20 Schizophrenia": 0.35,
                "F31 Bipolar affective disorder (mania)": 0.25,
                "F25 Schizoaffective disorder": 0.15,
                "F19 Drug-induced psychosis": 0.15,
                "F60.3 Emotionally unstable personality disorder": 0.10,
            },
            "older_adult": {
                "F03 Dementia with behavioural and psychological symptoms": 0.35,
                "F32 Depressive episode": 0.30,
                "F20 Schizophrenia": 0.15,
                "F31 Bipolar affective disorder": 0.10,
                "F05 Delirium": 0.10,
            },
            "lda": {
                "F70-F79 Learning disability with behaviour that challenges": 0.45,
                "F84 Autism with co-occurring anxiety": 0.30,
                "F20 Schizophrenia with learning disability": 0.15,
                "F31 Bipolar affective disorder with learning disability": 0.10,
            },
            "forensic": {
                "F20 Schizophrenia": 0.55,
                "F25 Schizoaffective disorder": 0.20,
                "F60.2 Dissocial personality disorder": 0.15,
                "F31 Bipolar affective disorder": 0.10,
            },
        }
    )

    # --- Restrictive interventions (brief: "Restrictive interventions") -----------------------
    #: Interventions per 1,000 occupied bed days, all types combined, ward average over the
    #: case mix: PICU 60, LD&A 40, acute 25, forensic 20, older adult 10.
    ri_rate_per_1000_obd: Mapping[str, float] = _mapping(
        {"picu": 60.0, "lda": 40.0, "acute": 25.0, "forensic": 20.0, "older_adult": 10.0}
    )
    #: Rate ratio to White (domain §5.2: the programme's headline "3 times" for Black people).
    ri_ethnicity_multiplier: Mapping[str, float] = _mapping(
        {"white": 1.0, "black": 3.0, "mixed": 1.5, "asian": 1.2, "other": 1.3, "unknown": 1.0}
    )
    #: Patient frailty ~ gamma(shape, scale=1/shape), mean 1: a few patients have most events.
    ri_frailty_shape: float = 0.3
    #: Frailty relative to the mean frailty of the patients on the ward that day (True), so it
    #: decides which patients get the ward's incidents but a single very frail long-stay
    #: patient cannot set a small ward's rate for months; False: independent patients. With
    #: independent patients the average per-ward reduction (baseline vs the last 26 weeks)
    #: varies by about +-12 points from seed to seed, with relative frailty by about +-8
    #: (the Poisson noise of the low-rate wards), see ``mhsip.demo.events``.
    ri_frailty_relative_to_ward: bool = True
    #: Primary type of each incident (brief: restraint ~60%, RT ~20%, seclusion ~15%, rare rest).
    ri_type_share: Mapping[str, float] = _mapping(
        {"physical": 0.60, "rapid_tranquillisation": 0.20, "seclusion": 0.15,
         "segregation": 0.03, "mechanical": 0.02}
    )  # fmt: skip
    #: Chance an incident has a second type (MHSDS counts incident x type pairs, domain §2.1).
    ri_additional_type_prob: float = 0.25
    #: MHSDS type codes (domain §2.2) for the non-physical types.
    ri_type_code: Mapping[str, str] = _mapping(
        {"rapid_tranquillisation": "14", "seclusion": "05", "segregation": "06",
         "mechanical": "04"}
    )  # fmt: skip
    #: Position of a physical restraint (codes 01, 07-13); prone (01) is ~15%.
    ri_physical_position_share: Mapping[str, float] = _mapping(
        {"01": 0.15, "07": 0.25, "08": 0.10, "09": 0.20, "10": 0.08, "11": 0.15, "12": 0.05,
         "13": 0.02}
    )  # fmt: skip
    #: Log-normal durations: (median, sigma) in minutes for restraint and mechanical restraint,
    #: hours for seclusion, days for segregation ("segregation weeks").
    ri_restraint_minutes: tuple[float, float] = (8.0, 0.8)
    ri_mechanical_minutes: tuple[float, float] = (15.0, 0.8)
    ri_seclusion_hours: tuple[float, float] = (12.0, 1.0)
    ri_segregation_days: tuple[float, float] = (21.0, 0.7)
    #: Reasons (domain §2.3), mostly 10 (violence to others) and 17 (otherwise dangerous).
    ri_reason_share: Mapping[str, float] = _mapping(
        {"10": 0.45, "17": 0.28, "11": 0.12, "13": 0.05, "16": 0.04, "19": 0.03, "18": 0.01,
         "98": 0.01, "99": 0.01}
    )  # fmt: skip
    ri_injury_patient_prob: float = 0.04
    ri_injury_staff_prob: float = 0.03
    #: Post-incident review held with the patient: ~40% at baseline, ~75% with debrief ideas.
    ri_review_with_patient_baseline: float = 0.40
    ri_review_with_patient_debrief: float = 0.75
    ri_review_with_staff: float = 0.70

    # --- Restrictive-incident detail (plausible values; no national figure to calibrate to) ---
    #: The second type of an incident that has two, given its primary type: restraint to give
    #: an injection or to take a patient to seclusion, and so on.
    ri_second_type_share: Mapping[str, Mapping[str, float]] = _mapping(
        {
            "physical": {"rapid_tranquillisation": 0.70, "seclusion": 0.30},
            "rapid_tranquillisation": {"physical": 1.0},
            "seclusion": {"physical": 0.70, "rapid_tranquillisation": 0.30},
            "segregation": {"physical": 1.0},
            "mechanical": {"physical": 1.0},
        }
    )
    #: Minutes to give a rapid-tranquillisation injection (log-normal median, sigma).
    ri_rapid_tranquillisation_minutes: tuple[float, float] = (3.0, 0.4)
    #: Share of each type that was part of the patient's care plan (s.6(5)(d)); a further
    #: ``ri_in_care_plan_not_known`` is "not known".
    ri_in_care_plan_share: Mapping[str, float] = _mapping(
        {"physical": 0.20, "rapid_tranquillisation": 0.55, "seclusion": 0.10,
         "segregation": 0.90, "mechanical": 0.50}
    )  # fmt: skip
    ri_in_care_plan_not_known: float = 0.04
    ri_injury_other_prob: float = 0.005
    #: Share of patient injuries recorded as serious (s.6(5)(n)).
    ri_serious_injury_share: float = 0.10
    #: Where force began (s.6(5)(b)) for physical and mechanical restraint; seclusion starts in
    #: the seclusion room, segregation in the extra care area.
    ri_place_share: Mapping[str, float] = _mapping(
        {"communal": 0.34, "bedroom": 0.20, "corridor": 0.18, "clinic": 0.08,
         "extra_care": 0.08, "bathroom": 0.04, "garden": 0.04, "off_ward": 0.02, "other": 0.02}
    )  # fmt: skip
    ri_rapid_tranquillisation_place_share: Mapping[str, float] = _mapping(
        {"clinic": 0.40, "bedroom": 0.40, "communal": 0.15, "extra_care": 0.05}
    )
    #: Efforts to avoid force (s.6(5)(o)): each code's weight when one to three are drawn;
    #: ``ri_no_de_escalation_prob`` of incidents record "none possible (immediate risk)".
    ri_de_escalation_weight: Mapping[str, float] = _mapping(
        {"verbal": 0.30, "space": 0.15, "distraction": 0.10, "stimulation": 0.08,
         "oral_prn": 0.12, "staff_change": 0.07, "negotiation": 0.08, "safety_plan": 0.05,
         "sensory": 0.03, "carer": 0.02}
    )  # fmt: skip
    ri_no_de_escalation_prob: float = 0.06
    #: Anyone other than unit staff involved (s.6(5)(i)).
    ri_non_staff_share: Mapping[str, float] = _mapping(
        {"none": 0.965, "police": 0.015, "other": 0.02}
    )
    #: Whether the people named in the care plan were notified (s.6(5)(p)).
    ri_care_plan_notification_share: Mapping[str, float] = _mapping(
        {"yes": 0.85, "no": 0.05, "not_applicable": 0.10}
    )
    ri_review_not_held_reason_share: Mapping[str, float] = _mapping(
        {"declined": 0.40, "unwell": 0.25, "not_offered": 0.20, "discharged": 0.10,
         "other": 0.05}
    )  # fmt: skip
    #: Hour of day an incident begins (weights for 00:00 to 23:00): fewest at night, most in
    #: the afternoon and evening.
    ri_hour_weight: tuple[float, ...] = (
        2, 1.5, 1, 1, 1, 1, 1.5, 2.5, 4, 5, 6, 6, 6, 6, 6.5, 7, 7, 7, 7, 6.5, 6, 5, 4, 3
    )  # fmt: skip

    # --- Change ideas and their effect (brief: "Change ideas and their effect") ---------------
    #: The calibration target the wards' ``ri_reduction`` values average to.
    collaborative_target_reduction: float = 0.15
    pdsa_cycles_per_ward: tuple[int, int] = (3, 6)
    pdsa_outcome_share: Mapping[str, float] = _mapping(
        {"adopt": 0.50, "adapt": 0.30, "abandon": 0.20}
    )
    #: An adopted idea reaches its full effect linearly over this many weeks from its start.
    change_idea_ramp_weeks: int = 4
    #: (name, catalogue, is a debrief idea): Safewards, Six Core Strategies, No Force First,
    #: local ideas (domain §4).
    change_ideas: tuple[tuple[str, str, bool], ...] = _CHANGE_IDEAS
    #: PDSA cycles start in the action period after one of the first ``pdsa_start_sessions``
    #: learning sessions, 1 to ``pdsa_start_jitter_weeks`` weeks after it, so every adopted
    #: idea has its full effect before the last 26 weeks.
    pdsa_start_sessions: int = 4
    pdsa_start_jitter_weeks: int = 7
    pdsa_length_weeks: tuple[int, int] = (4, 10)
    #: At least this many wards adopt a debrief idea (post-incident review rises on them).
    debrief_min_wards: int = 2

    # --- Other safety events (brief: "Other safety events") -----------------------------------
    sexual_safety_rate_per_1000_obd: float = 0.6
    #: CQC 2018 proportions (domain §6).
    sexual_safety_category_share: Mapping[str, float] = _mapping(
        {"nudity_exposure": 0.27, "alleged_sexual_assault": 0.24, "verbal_sexual_abuse": 0.22,
         "alleged_rape": 0.03, "other": 0.24}
    )  # fmt: skip
    sexual_safety_affected_share: Mapping[str, float] = _mapping({"patient": 2 / 3, "staff": 1 / 3})
    sexual_safety_perpetrator_patient_share: float = 0.95
    sexual_safety_harm_share: Mapping[str, float] = _mapping(
        {"none": 0.70, "low": 0.27, "moderate": 0.025, "severe": 0.005}
    )
    #: Chance the police are informed, by category, and a safeguarding referral is made, by
    #: the affected person's role.
    sexual_safety_police_prob: Mapping[str, float] = _mapping(
        {"alleged_rape": 0.90, "alleged_sexual_assault": 0.50, "nudity_exposure": 0.03,
         "verbal_sexual_abuse": 0.03, "other": 0.05}
    )  # fmt: skip
    sexual_safety_safeguarding_prob: Mapping[str, float] = _mapping(
        {"patient": 0.85, "staff": 0.10}
    )
    awol_rate_per_1000_obd: float = 1.5
    #: AWOL: kind, outcome, hours absent (log-normal median, sigma); detained patients are
    #: ``awol_detained_weight`` times as likely to be the one who goes absent.
    awol_kind_share: Mapping[str, float] = _mapping(
        {"absconded": 0.45, "failed_return": 0.45, "escorted": 0.10}
    )
    awol_outcome_share: Mapping[str, float] = _mapping(
        {"returned_safe": 0.68, "returned_police": 0.27, "self_harm": 0.03, "harm_others": 0.02}
    )
    awol_absence_hours: tuple[float, float] = (8.0, 1.2)
    awol_detained_weight: float = 4.0
    awol_police_informed: Mapping[str, float] = _mapping({"detained": 0.85, "informal": 0.30})
    death_observation_share: Mapping[str, float] = _mapping(
        {"general": 0.50, "intermittent": 0.35, "eyesight": 0.10, "arms_length": 0.05}
    )
    leave_episodes_per_patient_week: float = 1.5
    suicide_per_ward_year: float = 0.1
    #: NCISH in-patient suicide by status (domain §7): on the ward 32, agreed leave 52, AWOL 16.
    suicide_status_share: Mapping[str, float] = _mapping(
        {"on_ward": 0.32, "agreed_leave": 0.52, "awol": 0.16}
    )
    #: Weekly returns missing (not zero) and shown as missing.
    missing_weekly_return_share: float = 0.02
    #: A missing week is a draft with the bed days left empty this often; otherwise no return.
    missing_weekly_return_draft_share: float = 0.5
    #: Submitted returns arrive a day or two after the week; this share arrive late (after the
    #: Wednesday due date, ``mhsip.returns.schedule``), 4 to 10 days after the week.
    weekly_return_late_share: float = 0.03
    #: The last week (ending "today"): share of wards that have submitted, and that have saved
    #: a draft; the rest have nothing yet. The week before: share submitted (the rest late).
    weekly_return_last_week_submitted: float = 0.3
    weekly_return_last_week_draft: float = 0.2
    weekly_return_previous_week_submitted: float = 0.8

    # --- Network (brief: "Network") -----------------------------------------------------------
    network_members: int = 120
    network_category_share: Mapping[str, float] = _mapping(
        {"lived_experience": 0.15, "carer": 0.08, "clinical_staff": 0.25,
         "managerial_staff": 0.10, "nhs_provider": 0.08, "independent_provider": 0.04,
         "private_provider": 0.03, "commissioner": 0.06, "local_authority": 0.06,
         "voluntary_sector": 0.08, "police": 0.04, "emergency_services": 0.03}
    )  # fmt: skip
    network_meetings_per_year: int = 3
    network_registration_share: float = 0.45  # of members, per meeting
    network_attendance_share: float = 0.80  # of registrants
    network_feedback_share: float = 0.50  # of attendees
    network_contact_requests_per_year: float = 6.0

    # --- Identifiable-data mode ---------------------------------------------------------------
    #: Fake NHS numbers, only in identifiable-data mode, come from the invalid 999 range.
    fake_nhs_number_prefix: str = "999"

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, Mapping) and not isinstance(value, MappingProxyType):
                object.__setattr__(self, f.name, _frozen(value))
        self._check()

    # -- derived values ----------------------------------------------------------------------
    def family(self, ward_type: str) -> str:
        return WARD_FAMILY[ward_type]

    def wards_of(self, ods_code: str) -> tuple[WardSpec, ...]:
        return tuple(w for w in self.wards if w.trust_ods == ods_code)

    def los_mean_days(self, family: str) -> float:
        """Mean of the log-normal length of stay: median x exp(sigma^2 / 2)."""
        return self.los_median_days[family] * math.exp(self.los_sigma[family] ** 2 / 2)

    def ethnicity_code_probabilities(self) -> dict[str, float]:
        """P(code) = P(group) x P(code | group), over the Data Dictionary codes."""
        return {
            code: self.ethnicity_group_share[group] * share
            for group, codes in self.ethnicity_code_share.items()
            for code, share in codes.items()
        }

    def ethnicity_group_of(self, code: str) -> str:
        for group, codes in self.ethnicity_code_share.items():
            if code in codes:
                return group
        return "unknown"

    def mean_ethnicity_multiplier(self) -> float:
        """Expected rate ratio over the ethnicity mix (about 1.50 with the defaults)."""
        return sum(
            share * self.ri_ethnicity_multiplier[g]
            for g, share in self.ethnicity_group_share.items()
        )

    def ri_reference_rate(self, family: str) -> float:
        """Rate per 1,000 OBD for a White patient of mean frailty, before the collaborative.

        The brief's base rates are ward averages over the case mix, so the reference rate is
        the base rate divided by the mean ethnicity multiplier.
        """
        return self.ri_rate_per_1000_obd[family] / self.mean_ethnicity_multiplier()

    def mean_ri_reduction(self) -> float:
        """The collaborative's average fall in restrictive-intervention rates across wards."""
        return sum(w.ri_reduction for w in self.wards) / len(self.wards)

    def timeline(self) -> Timeline:
        """Baseline then collaborative, ending on the last Sunday on or before ``end_date``."""
        end = last_sunday_on_or_before(self.end_date)
        weeks = self.baseline_weeks + self.collaborative_weeks
        start = end - dt.timedelta(days=7 * weeks - 1)
        collaborative_start = start + dt.timedelta(weeks=self.baseline_weeks)
        sessions = tuple(
            collaborative_start
            + dt.timedelta(
                weeks=i * self.learning_session_interval_weeks, days=self.learning_session_weekday
            )
            for i in range(self.learning_sessions)
        )
        return Timeline(
            start=start,
            end=end,
            baseline_start=start,
            baseline_end=collaborative_start - dt.timedelta(days=1),
            collaborative_start=collaborative_start,
            collaborative_end=end,
            sim_start=start - dt.timedelta(days=self.burn_in_days),
            learning_sessions=sessions,
        )

    def as_dict(self) -> dict[str, Any]:
        """Plain (JSON-friendly) copy of every parameter, for the exported truth."""

        def plain(value: Any) -> Any:
            if isinstance(value, Mapping):
                return {k: plain(v) for k, v in value.items()}
            if isinstance(value, tuple | list):
                return [plain(v) for v in value]
            if isinstance(value, SiteSpec | TrustSpec | WardSpec):
                return {f.name: plain(getattr(value, f.name)) for f in fields(value)}
            if isinstance(value, dt.date):
                return value.isoformat()
            return value

        return {f.name: plain(getattr(self, f.name)) for f in fields(self)}

    # -- validation ---------------------------------------------------------------------------
    def _check(self) -> None:
        problems: list[str] = []
        shares: dict[str, Mapping[str, float]] = {
            "ethnicity_group_share": self.ethnicity_group_share,
            "ri_type_share": self.ri_type_share,
            "ri_physical_position_share": self.ri_physical_position_share,
            "ri_reason_share": self.ri_reason_share,
            "pdsa_outcome_share": self.pdsa_outcome_share,
            "sexual_safety_category_share": self.sexual_safety_category_share,
            "sexual_safety_affected_share": self.sexual_safety_affected_share,
            "sexual_safety_harm_share": self.sexual_safety_harm_share,
            "suicide_status_share": self.suicide_status_share,
            "network_category_share": self.network_category_share,
        }
        shares.update(
            {
                "ri_place_share": self.ri_place_share,
                "ri_rapid_tranquillisation_place_share": self.ri_rapid_tranquillisation_place_share,
                "ri_non_staff_share": self.ri_non_staff_share,
                "ri_care_plan_notification_share": self.ri_care_plan_notification_share,
                "ri_review_not_held_reason_share": self.ri_review_not_held_reason_share,
                "awol_kind_share": self.awol_kind_share,
                "awol_outcome_share": self.awol_outcome_share,
                "death_observation_share": self.death_observation_share,
            }
        )
        shares.update(
            {f"ri_second_type_share[{t}]": s for t, s in self.ri_second_type_share.items()}
        )
        shares.update(
            {f"ethnicity_code_share[{g}]": s for g, s in self.ethnicity_code_share.items()}
        )
        shares.update(
            {f"mental_disorder_share[{g}]": s for g, s in self.mental_disorder_share.items()}
        )
        for name, mapping in shares.items():
            if not math.isclose(sum(mapping.values()), 1.0, abs_tol=1e-9):
                problems.append(f"{name} sums to {sum(mapping.values())}, not 1")
        if set(self.ethnicity_group_share) != set(self.ethnicity_code_share):
            problems.append("ethnicity_group_share and ethnicity_code_share name different groups")
        ods = [t.ods_code for t in self.trusts]
        counts = tuple(sum(w.trust_ods == o for w in self.wards) for o in ods)
        if counts != self.wards_per_trust:
            problems.append(f"wards per trust are {counts}, not {self.wards_per_trust}")
        site_codes = {s.code for t in self.trusts for s in t.sites}
        codes = [w.code for w in self.wards]
        if len(set(codes)) != len(codes) or len({w.name for w in self.wards}) != len(codes):
            problems.append("ward codes and names must be unique")
        for w in self.wards:
            lo, hi = self.bed_range[w.family]
            if not lo <= w.beds <= hi:
                problems.append(f"{w.name} has {w.beds} beds, outside {lo}-{hi} for {w.family}")
            if w.site_code not in site_codes or w.trust_ods not in ods:
                problems.append(f"{w.name} names an unknown trust or site")
            if w.sex not in {"male", "female", "mixed"}:
                problems.append(f"{w.name} has sex {w.sex!r}")
            if w.zero_practice is not None and w.zero_practice not in (
                {*self.ri_physical_position_share, *self.ri_type_code.values()}
            ):
                problems.append(f"{w.name} zero_practice {w.zero_practice!r} is not a type code")
        if set(self.ri_second_type_share) != set(self.ri_type_share) or not all(
            set(s) <= set(self.ri_type_share) for s in self.ri_second_type_share.values()
        ):
            problems.append("ri_second_type_share must name the types of ri_type_share")
        if len(self.ri_hour_weight) != 24:
            problems.append("ri_hour_weight needs one weight per hour (24)")
        last_start = (self.pdsa_start_sessions - 1) * self.learning_session_interval_weeks + (
            self.pdsa_start_jitter_weeks + self.change_idea_ramp_weeks
        )
        if last_start > self.collaborative_weeks - 26:
            problems.append(
                "PDSA cycles must reach full effect before the collaborative's last 26 weeks"
            )
        if len(self.learning_session_titles) < self.learning_sessions:
            problems.append("each learning session needs a title")
        if not 0 < self.target_occupancy < 1:
            problems.append("target_occupancy must lie between 0 and 1")
        if problems:
            raise ValueError("Invalid demo parameters: " + "; ".join(problems))
