"""Pure generation of PDSA cycles and restrictive interventions (no database).

Implements ``/work/shared/brief/synthetic-data.md`` sections "Restrictive interventions" and
"Change ideas and their effect" with the figures of
:class:`~mhsip.demo.parameters.DemoParameters`. :func:`plan_change_ideas` draws each ward's PDSA
cycles; :func:`ward_rate_multipliers` turns them into the ward's true rate multiplier per day;
:func:`generate_restrictive_interventions` draws the incidents, their interventions (MHSDS
MHS505 / MHS515, domain §2) and the staff involved, with every Use of Force Act s.6(5) item.
:mod:`mhsip.demo.load_events` writes them.

Model
-----
*Rate.* The brief's base rates are restrictive interventions (incident x type pairs, MHSDS
MHS77/MHS96, domain §2.4) per 1,000 occupied bed days, averaged over the ward's case mix. An
incident carries ``1 + ri_additional_type_prob`` interventions on average, so the incident rate
for a White patient of mean frailty is ``ri_reference_rate(family) / (1 + p)``. On each
occupied bed day (a midnight on the ward, domain §9) patient *i* has

    incidents ~ Poisson(rate / 1000 x ethnicity multiplier x frailty_i / mean frailty(day)
                        x ward multiplier(day))

with ``frailty_i ~ Gamma(shape 0.3, mean 1)`` drawn once per patient, so a few patients account
for most incidents (with seed 1 the top 10% of patients have three quarters of them). The
frailty is taken relative to the mean frailty of the patients on the ward that day
(:func:`patient_day_rates`; ``ri_frailty_relative_to_ward``): it decides who gets the ward's
incidents, while the ward's rate follows its type, its ethnic mix and its change ideas. With
independent patients one very frail long-stay patient can triple a small ward's rate for
months, and the average per-ward reduction then swings by about +-12 points from seed to seed
(about +-8 with relative frailty, the Poisson noise of the low-rate wards). Every incident is
attached to a patient who is on the ward that day.

*Change ideas.* Each ward runs 3-6 PDSA cycles from the catalogue (domain §4), starting in the
action periods after the first four learning sessions; the outcome is adopt / adapt / abandon.
Adopted ideas on a ward with a true reduction ``R > 0`` share it equally: each multiplies the
rate by ``(1 - R) ** (1 / adopted)`` once fully in place, ramping in linearly over
``change_idea_ramp_weeks`` from its start date. All cycles reach full effect by collaborative
week 50, so the last 26 weeks sit at ``1 - R``. A ward with ``R < 0`` (one that gets worse)
drifts up linearly over the collaborative's first 52 weeks instead; its ideas change nothing.
The ward with a ``zero_practice`` adopts a No Force First idea that stops that practice: its
chance ramps down to zero over the same weeks, a prone position being replaced by another
position. Wards that adopt a debrief idea (``is_debrief`` in the catalogue) hold a post-incident
review with the patient more often: 40% rising to 75% over the ramp.

Determinism: each ward draws from its own streams (:func:`~mhsip.demo.generate.rng_for` with
``"pdsa"``, ``"ri-frailty"``, ``"ri"`` and the ward code), so the same seed gives the same
incidents and adding a generator elsewhere never changes them.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import numpy as np

from mhsip.demo.parameters import DemoParameters, Timeline, WardSpec

if TYPE_CHECKING:
    from mhsip.demo.generate import DemoData
    from mhsip.demo.returns import WeeklyReturnRecord
    from mhsip.demo.safety_events import AwolRecord, DeathRecord, SexualSafetyRecord

LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC

#: MHSDS type code of each physical restraint position (domain §2.2), as words for the
#: description of how force was used (s.6(5)(f)).
POSITION_WORDS: Mapping[str, str] = {
    "01": "prone",
    "07": "standing",
    "08": "restrictive escort",
    "09": "supine",
    "10": "side",
    "11": "seated",
    "12": "kneeling",
    "13": "other physical",
}


# --- records ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class PdsaCycleRecord:
    """One PDSA cycle testing a change idea (domain §8.1) and its true effect on the ward.

    ``effect`` is the fractional fall in the ward's rate once the idea is fully in place (0
    unless adopted); ``eliminates`` is an MHSDS type code whose use the idea stops.
    """

    ward_code: str
    number: int
    change_idea: str
    catalogue: str
    is_debrief: bool
    started_on: dt.date
    ended_on: dt.date
    outcome: str  # "adopt", "adapt" or "abandon"
    effect: float
    eliminates: str | None = None


@dataclass(frozen=True, slots=True)
class InterventionRecord:
    """One type of force within an incident (MHSDS MHS515, s.6(5)(c)-(d))."""

    type_code: str
    started_at: dt.datetime
    ended_at: dt.datetime | None  # None: still in progress at the end of the timeline
    in_care_plan: str
    injury_patient: str
    injury_staff: str
    injury_other: str


@dataclass(frozen=True, slots=True)
class StaffRecord:
    """A member of staff who used force: job title and role (s.6(5)(h)); never a name."""

    job_title: str
    role: str


@dataclass(frozen=True, slots=True)
class IncidentRecord:
    """One use of force (MHSDS MHS505) with every Use of Force Act s.6(5) item the platform
    holds outside identifiable mode. ``stay_index`` points into ``DemoData.stays``."""

    ward_code: str
    patient_local_id: str
    stay_index: int
    local_reference: str
    started_at: dt.datetime
    ended_at: dt.datetime | None
    place: str
    place_detail: str
    reason: str
    reason_detail: str
    how_force_used: str
    de_escalation: tuple[str, ...]
    de_escalation_detail: str
    outcome: str
    death_or_serious_injury: str
    death_or_serious_injury_detail: str
    non_staff_involvement: str
    non_staff_reason: str
    body_camera_reference: str
    care_plan_notification: str
    review_with_patient_held: str
    review_with_patient_on: dt.date | None
    review_with_patient_not_held_reason: str
    review_with_staff_held: str
    review_with_staff_on: dt.date | None
    review_with_staff_not_held_reason: str
    submitted_at: dt.datetime
    interventions: tuple[InterventionRecord, ...]
    staff: tuple[StaffRecord, ...]

    @property
    def day(self) -> dt.date:
        """The local (London) date the incident began."""
        return self.started_at.astimezone(LONDON).date()


@dataclass(frozen=True)
class DemoEvents:
    """Everything generated after the patients and stays, for one seed."""

    pdsa_cycles: tuple[PdsaCycleRecord, ...]
    incidents: tuple[IncidentRecord, ...]
    sexual_safety: tuple[SexualSafetyRecord, ...]
    awol: tuple[AwolRecord, ...]
    deaths: tuple[DeathRecord, ...]
    weekly_returns: tuple[WeeklyReturnRecord, ...]


# --- helpers ---------------------------------------------------------------------------------
class Categorical:
    """Draw a label from ``shares`` given one uniform number (shares need not sum to one).

    >>> pick = Categorical({"a": 0.25, "b": 0.75})
    >>> pick(0.1), pick(0.3), pick(0.999999)
    ('a', 'b', 'b')
    """

    def __init__(self, shares: Mapping[str, float]) -> None:
        self.labels = list(shares)
        weights = np.array([shares[k] for k in self.labels], dtype=float)
        self.cum = np.cumsum(weights / weights.sum()).tolist()

    def __call__(self, u: float) -> str:
        return self.labels[min(bisect.bisect_right(self.cum, u), len(self.labels) - 1)]


class Draws:
    """Pre-drawn uniform and standard-normal numbers for one event, used in order.

    Drawing a block per event up front keeps generation vectorised and each event's draws
    independent of how many numbers the events before it used.
    """

    def __init__(self, u: np.ndarray, z: np.ndarray) -> None:
        self._u = u.tolist()
        self._z = z.tolist()
        self._i = 0
        self._j = 0

    def u(self) -> float:
        value = self._u[self._i]
        self._i += 1
        return float(value)

    def z(self) -> float:
        value = self._z[self._j]
        self._j += 1
        return float(value)

    def lognormal(self, median: float, sigma: float) -> float:
        return median * math.exp(sigma * self.z())

    def integer(self, lo: int, hi: int) -> int:
        """An integer from ``lo`` to ``hi`` inclusive."""
        return lo + min(int(self.u() * (hi - lo + 1)), hi - lo)

    def choice(self, options: Sequence[Any]) -> Any:
        return options[min(int(self.u() * len(options)), len(options) - 1)]


def whole_minutes(minutes: float, *, least: int = 1) -> dt.timedelta:
    """A duration rounded to whole minutes (records keep hours and minutes), at least
    ``least``.

    >>> whole_minutes(7.6), whole_minutes(0.2)
    (datetime.timedelta(seconds=480), datetime.timedelta(seconds=60))
    """
    return dt.timedelta(minutes=max(least, round(minutes)))


def local_datetime(day: dt.date, hour: int, minute: int) -> dt.datetime:
    """``day`` at ``hour:minute`` London time, as an aware UTC datetime.

    >>> local_datetime(dt.date(2026, 7, 1), 9, 30).isoformat()
    '2026-07-01T08:30:00+00:00'
    """
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON).astimezone(UTC)


def ward_abbreviation(ward: WardSpec) -> str:
    """Three letters for local references: the ward name's first three (unique in the demo)."""
    return ward.name[:3].upper()


@dataclass(frozen=True)
class WardStays:
    """A ward's stays as day indices relative to the timeline's first day.

    ``admitted`` may be negative (admitted before the timeline); an open stay's ``discharged``
    is one past the timeline. A stay is on the ward at the midnight ending day ``d`` when
    ``admitted <= d < discharged`` (the KH03 midnight count, domain §9).
    """

    ward: WardSpec
    index: np.ndarray  # positions in DemoData.stays
    admitted: np.ndarray
    discharged: np.ndarray
    days: int

    def present(self, day: int) -> np.ndarray:
        """Positions (into this object's arrays) of the stays on the ward at ``day``'s
        midnight."""
        return np.nonzero((self.admitted <= day) & (self.discharged > day))[0]


def ward_stays(data: DemoData) -> dict[str, WardStays]:
    """Every ward's stays as :class:`WardStays`."""
    start = data.timeline.start
    days = data.timeline.days
    out: dict[str, WardStays] = {}
    for ward in data.params.wards:
        idx = [i for i, s in enumerate(data.stays) if s.ward_code == ward.code]
        adm = np.array([(data.stays[i].admitted_on - start).days for i in idx], dtype=np.int64)
        dis = np.array(
            [
                (data.stays[i].discharged_on - start).days
                if data.stays[i].discharged_on is not None
                else days
                for i in idx
            ],
            dtype=np.int64,
        )
        out[ward.code] = WardStays(ward, np.array(idx, dtype=np.int64), adm, dis, days)
    return out


def ramp(days: np.ndarray, start: int, ramp_days: int) -> np.ndarray:
    """0 before ``start``, rising linearly to 1 over ``ramp_days`` days from it.

    >>> ramp(np.arange(6), 2, 2).tolist()
    [0.0, 0.0, 0.5, 1.0, 1.0, 1.0]
    """
    return np.clip((days - start + 1) / ramp_days, 0.0, 1.0)


# --- change ideas ----------------------------------------------------------------------------
def plan_change_ideas(
    seed: int, params: DemoParameters, timeline: Timeline
) -> tuple[PdsaCycleRecord, ...]:
    """Each ward's PDSA cycles and their true effects (brief: "Change ideas and their effect").

    Rules on top of the draws: a ward with ``ri_reduction > 0`` adopts at least one idea; the
    ward with a ``zero_practice`` adopts a No Force First idea that stops it; at least
    ``debrief_min_wards`` wards (those with the largest reductions first) adopt a debrief idea.
    """
    from mhsip.demo.generate import rng_for  # generate imports this module lazily

    catalogue = params.change_ideas
    outcome_of = Categorical(params.pdsa_outcome_share)
    plans: dict[str, list[dict[str, Any]]] = {}
    spares: dict[str, list[int]] = {}  # each ward's replacement ideas, in a random order
    for ward in params.wards:
        rng = rng_for(seed, "pdsa", ward.code)
        lo, hi = params.pdsa_cycles_per_ward
        n = int(rng.integers(lo, hi + 1))
        ideas = rng.choice(len(catalogue), size=n, replace=False).tolist()
        sessions = rng.integers(0, params.pdsa_start_sessions, size=n).tolist()
        jitter = rng.integers(1, params.pdsa_start_jitter_weeks + 1, size=n).tolist()
        lengths = rng.integers(
            params.pdsa_length_weeks[0], params.pdsa_length_weeks[1] + 1, size=n
        ).tolist()
        outcomes = [outcome_of(u) for u in rng.random(n)]
        spares[ward.code] = rng.permutation(len(catalogue)).tolist()
        cycles = [
            {
                "idea": ideas[k],
                "start_week": params.learning_session_interval_weeks * sessions[k] + jitter[k],
                "length": lengths[k],
                "outcome": outcomes[k],
                "eliminates": None,
            }
            for k in range(n)
        ]
        cycles.sort(key=lambda c: (c["start_week"], c["idea"]))
        if ward.ri_reduction > 0 and not any(c["outcome"] == "adopt" for c in cycles):
            cycles[0]["outcome"] = "adopt"
        if ward.zero_practice is not None:
            nff = [c for c in cycles if catalogue[c["idea"]][1] == "No Force First"]
            adopted = [c for c in cycles if c["outcome"] == "adopt"]
            target = nff[0] if nff else (adopted or cycles)[0]
            if not nff:
                used = {c["idea"] for c in cycles}
                target["idea"] = next(
                    i
                    for i in spares[ward.code]
                    if catalogue[i][1] == "No Force First" and i not in used
                )
            target["outcome"] = "adopt"
            target["eliminates"] = ward.zero_practice
        plans[ward.code] = cycles

    def adopts_debrief(code: str) -> bool:
        return any(c["outcome"] == "adopt" and catalogue[c["idea"]][2] for c in plans[code])

    debrief_wards = sum(adopts_debrief(w.code) for w in params.wards)
    for ward in sorted(params.wards, key=lambda w: -w.ri_reduction):
        if debrief_wards >= params.debrief_min_wards:
            break
        if adopts_debrief(ward.code):
            continue
        cycles = plans[ward.code]
        used = {c["idea"] for c in cycles}
        target = next((c for c in cycles if c["eliminates"] is None and c["outcome"] != "adopt"),
                      None)  # fmt: skip
        if target is None:
            target = next(c for c in reversed(cycles) if c["eliminates"] is None)
        target["idea"] = next(i for i in spares[ward.code] if catalogue[i][2] and i not in used)
        target["outcome"] = "adopt"
        debrief_wards += 1

    records: list[PdsaCycleRecord] = []
    for ward in params.wards:
        cycles = plans[ward.code]
        adopted = sum(c["outcome"] == "adopt" for c in cycles)
        share = 1 - (1 - ward.ri_reduction) ** (1 / adopted) if ward.ri_reduction > 0 else 0.0
        effect = round(share, 12)
        for number, c in enumerate(cycles, start=1):
            name, source, debrief = catalogue[c["idea"]]
            started = timeline.collaborative_start + dt.timedelta(weeks=c["start_week"])
            ended = min(started + dt.timedelta(weeks=c["length"], days=-1), timeline.end)
            records.append(
                PdsaCycleRecord(
                    ward_code=ward.code,
                    number=number,
                    change_idea=name,
                    catalogue=source,
                    is_debrief=debrief,
                    started_on=started,
                    ended_on=ended,
                    outcome=c["outcome"],
                    effect=effect if c["outcome"] == "adopt" else 0.0,
                    eliminates=c["eliminates"],
                )
            )
    return tuple(records)


@dataclass(frozen=True)
class WardEffects:
    """A ward's true time-varying parameters, one value per timeline day."""

    rate_multiplier: np.ndarray  # multiplies the ward's restrictive-intervention rate
    practice_allowed: np.ndarray  # chance the ``zero_practice`` may still be used (1 elsewhere)
    review_with_patient: np.ndarray  # chance of a post-incident review with the patient


def ward_effects(
    params: DemoParameters, timeline: Timeline, ward: WardSpec, cycles: Sequence[PdsaCycleRecord]
) -> WardEffects:
    """The ward's true rate multiplier, zero-practice ramp and review probability per day."""
    days = np.arange(timeline.days)
    ramp_days = params.change_idea_ramp_weeks * 7
    multiplier = np.ones(timeline.days)
    allowed = np.ones(timeline.days)
    debrief = np.zeros(timeline.days)
    for c in cycles:
        if c.outcome != "adopt":
            continue
        r = ramp(days, (c.started_on - timeline.start).days, ramp_days)
        multiplier *= 1 - c.effect * r
        if c.eliminates is not None:
            allowed = np.minimum(allowed, 1 - r)
        if c.is_debrief:
            debrief = np.maximum(debrief, r)
    if ward.ri_reduction < 0:
        collaborative = (timeline.collaborative_start - timeline.start).days
        multiplier = multiplier * (1 - ward.ri_reduction * ramp(days, collaborative, 52 * 7))
    lo, hi = params.ri_review_with_patient_baseline, params.ri_review_with_patient_debrief
    return WardEffects(multiplier, allowed, lo + (hi - lo) * debrief)


# --- restrictive interventions ---------------------------------------------------------------
_REASON_DETAIL: Mapping[str, tuple[str, ...]] = {
    "10": (
        "Hit out at another patient in the lounge.",
        "Punched a member of staff during a disagreement about leave.",
        "Threatened staff with a raised chair.",
        "Kicked and pushed staff while being redirected from another patient's room.",
        "Tried to assault a visitor in the visiting room.",
    ),
    "11": (
        "Tying a ligature in the bedroom.",
        "Repeated head-banging against a wall.",
        "Trying to cut themselves with a broken object.",
    ),
    "13": (
        "Refused prescribed medication authorised under the Mental Health Act.",
        "Urgent physical health treatment was needed and could not wait.",
    ),
    "16": ("Extreme and prolonged over-activity with a risk of exhaustion.",),
    "17": (
        "Throwing furniture across the communal area.",
        "Damaging ward property and a window.",
        "Banging on the nursing office door and threatening to break it.",
    ),
    "18": (
        "Believed to be carrying an object that could be used as a weapon.",
        "Search for illicit substances on return from leave.",
    ),
    "19": (
        "Tried to leave through the airlock while detained.",
        "Tried to climb the garden fence while detained.",
    ),
    "98": ("Other reason, described in the incident narrative.",),
    "99": ("",),
}
_DE_ESCALATION_WORDS: Mapping[str, str] = {
    "verbal": "talked with the patient to calm the situation",
    "distraction": "offered a distraction",
    "space": "offered time and space in a quiet area",
    "stimulation": "reduced noise and stimulation",
    "sensory": "offered sensory and calming tools",
    "oral_prn": "offered oral medication",
    "staff_change": "changed the member of staff leading",
    "carer": "involved the patient's family or advocate",
    "safety_plan": "followed the patient's safety plan",
    "negotiation": "negotiated and offered choices",
}
_STAFF_REVIEW_NOT_HELD: tuple[str, ...] = (
    "The staff involved were not on shift together within 72 hours.",
    "The ward was too busy; the incident was discussed at the next team meeting instead.",
    "Agency staff involved had left the ward before a review could be arranged.",
)
_PLACE_DETAIL: Mapping[str, tuple[str, ...]] = {
    "other": ("Ward entrance airlock", "Visiting room", "Activity room"),
    "off_ward": ("Hospital reception during escorted leave", "Courtyard between wards"),
}
_JOB_TITLES: Mapping[str, tuple[str, ...]] = {
    "lead": ("Charge nurse", "Registered mental health nurse", "Ward manager",
             "Deputy ward manager"),
    "upper_limbs": ("Healthcare assistant", "Senior healthcare assistant", "Nursing associate",
                    "Registered mental health nurse"),
    "lower_limbs": ("Healthcare assistant", "Senior healthcare assistant",
                    "Registered mental health nurse", "Activity coordinator"),
    "medication": ("Registered mental health nurse", "Charge nurse"),
    "observer": ("Registered mental health nurse", "Physical health nurse", "Specialty doctor",
                 "Foundation doctor"),
    "other": ("Healthcare assistant", "Occupational therapist", "Bank healthcare assistant",
              "Security officer"),
}  # fmt: skip


_HOLDING = frozenset({"lead", "upper_limbs", "lower_limbs"})  # roles holding the patient


def _job_title(draws: Draws, role: str, family: str) -> str:
    title = str(draws.choice(_JOB_TITLES[role]))
    if family == "lda" and title == "Registered mental health nurse":
        return "Registered learning disability nurse"
    return title


def _staff_for(draws: Draws, codes: Sequence[str], family: str) -> tuple[StaffRecord, ...]:
    """Who used force, by the types used: a restraint team with a lead at the head, an extra
    pair of hands for the legs in prone, supine or kneeling holds; a nurse giving medication;
    staff managing seclusion or segregation."""
    roles: list[str] = []
    physical = [c for c in codes if c in POSITION_WORDS]
    if physical:
        if physical[0] == "08":
            roles += ["lead", "upper_limbs"]
        else:
            roles += ["lead", "upper_limbs", "upper_limbs"]
            if physical[0] in {"01", "09", "12"} or draws.u() < 0.25:
                roles.append("lower_limbs")
        if draws.u() < 0.35:
            roles.append("observer")
    elif "04" in codes:
        roles += ["lead", "upper_limbs", "upper_limbs"]
    if "14" in codes:
        roles.append("medication")
    if roles == ["medication"]:  # an injection accepted without restraint: a second nurse
        roles.append("observer")
    if not roles:  # seclusion or segregation alone
        roles += ["lead", "other"]
    return tuple(StaffRecord(_job_title(draws, r, family), r) for r in roles)


def _type_codes(
    draws: Draws,
    params: DemoParameters,
    primary_of: Categorical,
    second_of: Mapping[str, Categorical],
    position_of: Categorical,
    allowed: float,
    zero_practice: str | None,
) -> list[str]:
    """The MHSDS type codes of one incident, primary first (domain §2.2)."""
    primary = primary_of(draws.u())
    kinds = [primary]
    if draws.u() < params.ri_additional_type_prob:
        kinds.append(second_of[primary](draws.u()))
    codes: list[str] = []
    for kind in kinds:
        code = position_of(draws.u()) if kind == "physical" else params.ri_type_code[kind]
        if code == zero_practice and draws.u() >= allowed:
            # the ward has stopped this practice: another position, or a non-prone restraint
            others = {k: v for k, v in params.ri_physical_position_share.items()
                      if k != zero_practice}  # fmt: skip
            code = Categorical(others)(draws.u())
        if code not in codes:
            codes.append(code)
    return codes


def _timed_interventions(
    draws: Draws,
    params: DemoParameters,
    codes: Sequence[str],
    start: dt.datetime,
    cap: dt.datetime | None,
    ongoing_after: dt.datetime,
) -> tuple[InterventionRecord, ...]:
    """Start and end of each type, in the order they happen: restraint first, medication given
    during it, seclusion or segregation after it. An end after the patient's discharge is cut
    at the discharge (``cap``); one after the timeline is left open (still in progress)."""
    minute = dt.timedelta(minutes=1)
    physical = next((c for c in codes if c in POSITION_WORDS), None)
    spans: dict[str, tuple[dt.datetime, dt.timedelta]] = {}
    after = start
    if physical:
        span = whole_minutes(draws.lognormal(*params.ri_restraint_minutes))
        spans[physical] = (start, span)
        after = start + span
    if "04" in codes:
        span = whole_minutes(draws.lognormal(*params.ri_mechanical_minutes), least=2)
        begin = start + whole_minutes((after - start).total_seconds() / 120, least=0)
        spans["04"] = (begin, span)
        after = max(after, begin + span)
    if "14" in codes:
        span = whole_minutes(draws.lognormal(*params.ri_rapid_tranquillisation_minutes))
        into = (after - start).total_seconds() / 60 * draws.u()
        begin = start + whole_minutes(into, least=0) if physical else start
        spans["14"] = (begin, span)
        if not physical:
            after = begin + span
    if "05" in codes:
        span = whole_minutes(60 * draws.lognormal(*params.ri_seclusion_hours), least=15)
        spans["05"] = (after, span)
        after = after + span
    if "06" in codes:
        span = whole_minutes(24 * 60 * draws.lognormal(*params.ri_segregation_days), least=1440)
        spans["06"] = (after, span)
    kind_of = {"04": "mechanical", "05": "seclusion", "06": "segregation",
               "14": "rapid_tranquillisation"}  # fmt: skip
    out: list[InterventionRecord] = []
    for code in codes:
        begin, span = spans[code]
        end: dt.datetime | None = begin + span
        if cap is not None and end is not None and end > cap:
            end = max(cap, begin + minute)
        if end is not None and end > ongoing_after:
            end = None
        share = params.ri_in_care_plan_share[kind_of.get(code, "physical")]
        u = draws.u()
        in_plan = (
            "yes" if u < share
            else "not_known" if u < share + params.ri_in_care_plan_not_known
            else "no"
        )  # fmt: skip
        injured = draws.u() < params.ri_injury_patient_prob
        out.append(
            InterventionRecord(
                type_code=code,
                started_at=begin,
                ended_at=end,
                in_care_plan=in_plan,
                injury_patient="yes" if injured else "no",
                injury_staff="yes" if draws.u() < params.ri_injury_staff_prob else "no",
                injury_other="yes" if draws.u() < params.ri_injury_other_prob else "no",
            )
        )
    out.sort(key=lambda i: i.started_at)
    return tuple(out)


def _duration_words(span: dt.timedelta | None) -> str:
    if span is None:
        return "continuing at the time of recording"
    minutes = round(span.total_seconds() / 60)
    if minutes < 120:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = minutes / 60
    if hours < 48:
        return f"{hours:.0f} hours"
    return f"{hours / 24:.0f} days"


def _how_force_used(interventions: Sequence[InterventionRecord], staff: int) -> str:
    """A plain description of how force was used (s.6(5)(f)), in the order it happened;
    ``staff`` is the size of the team holding the patient."""
    codes = [i.type_code for i in interventions]
    held = any(c in POSITION_WORDS or c == "04" for c in codes)
    parts = []
    for i in interventions:
        span = None if i.ended_at is None else i.ended_at - i.started_at
        words = _duration_words(span)
        if i.type_code == "08":
            parts.append(f"restrictive escort to a quieter area by {staff} staff ({words})")
        elif i.type_code in POSITION_WORDS:
            position = POSITION_WORDS[i.type_code]
            parts.append(f"{position} restraint by {staff} staff for {words}")
        elif i.type_code == "04":
            parts.append(f"soft limb restraints for {words}")
        elif i.type_code == "14":
            parts.append(
                "rapid tranquillisation by intramuscular injection during the restraint"
                if held
                else "rapid tranquillisation by intramuscular injection, accepted without restraint"
            )
        elif i.type_code == "05":
            then = "then " if parts else ""
            parts.append(f"{then}seclusion for {words}, reviewed as the Code of Practice requires")
        elif i.type_code == "06":
            then = "then " if parts else ""
            parts.append(
                f"{then}long-term segregation for {words} after a multidisciplinary review"
            )
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "."


def _outcome(codes: Sequence[str], injured: bool, staff_injured: bool, ongoing: bool) -> str:
    """The outcome (s.6(5)(m))."""
    if ongoing:
        text = "Still in progress at the time of recording; reviewed daily by the ward team."
    elif "06" in codes:
        text = ("Segregation ended when the multidisciplinary review agreed the patient could "
                "mix with others again.")  # fmt: skip
    elif "05" in codes:
        text = "Seclusion ended at review when the patient was calm; returned to the ward."
    elif "14" in codes:
        text = ("The patient became calmer after the medication; physical observations were "
                "taken every 15 minutes for an hour.")  # fmt: skip
    else:
        text = ("The restraint ended when the patient was calm; physical observations were "
                "taken afterwards.")  # fmt: skip
    if injured:
        text += " The patient had a minor injury, treated on the ward."
    if staff_injured:
        text += " A member of staff had a minor injury and was seen by occupational health."
    return text


def patient_day_rates(
    base: float,
    multiplier: np.ndarray,
    frailty: np.ndarray,
    day: np.ndarray,
    ward_multiplier: np.ndarray,
    *,
    relative: bool = True,
) -> np.ndarray:
    """Expected incidents of each occupied bed day (one row per patient and day).

    ``lambda_i(t) = base x m_i x F_i / mean F(t) x ward multiplier(t)``, with ``base`` the rate
    of a White patient of mean frailty, ``m_i`` the ethnicity multiplier, ``F_i`` the frailty
    and ``mean F(t)`` the mean frailty of the patients on the ward that day (``relative``;
    otherwise 1, independent patients). Frailty then decides which patients get a ward's
    incidents without letting one very frail long-stay patient set the ward's rate for months;
    being independent of ethnicity, it leaves the expected Black / White rate ratio at
    ``m_black / m_white`` on every ward and day.

    >>> rates = patient_day_rates(
    ...     0.01, np.array([1.0, 3.0, 1.0]), np.array([0.5, 0.5, 2.0]), np.array([0, 0, 1]),
    ...     np.array([1.0, 0.5]))
    >>> rates.round(4).tolist()  # a White and a Black patient on day 0; one patient on day 1
    [0.01, 0.03, 0.005]
    """
    days = len(ward_multiplier)
    if relative:
        present = np.bincount(day, minlength=days)
        mean = np.bincount(day, weights=frailty, minlength=days) / np.maximum(present, 1)
        frailty = np.divide(frailty, mean[day], out=np.zeros_like(frailty), where=mean[day] > 0)
    return base * multiplier * frailty * ward_multiplier[day]


@dataclass(frozen=True)
class _WardIncidents:
    incidents: list[IncidentRecord]
    expected: np.ndarray  # expected incidents per day (sum over patients present)
    bed_days: np.ndarray  # occupied bed days per day


def _ward_incidents(
    seed: int,
    data: DemoData,
    ws: WardStays,
    effects: WardEffects,
) -> _WardIncidents:
    from mhsip.demo.generate import rng_for

    params = data.params
    timeline = data.timeline
    ward = ws.ward
    family = ward.family
    stays = [data.stays[int(i)] for i in ws.index]
    patient_ids = list(dict.fromkeys(s.patient_local_id for s in stays))
    patient_pos = {p: k for k, p in enumerate(patient_ids)}
    ethnicity = {p.local_id: p.ethnicity for p in data.patients}
    frailty = rng_for(seed, "ri-frailty", ward.code).gamma(
        params.ri_frailty_shape, 1 / params.ri_frailty_shape, size=len(patient_ids)
    )
    multiplier_of = np.array(
        [params.ri_ethnicity_multiplier[params.ethnicity_group_of(ethnicity[p])]
         for p in patient_ids]
    )  # fmt: skip
    position = np.array([patient_pos[s.patient_local_id] for s in stays], dtype=np.int64)
    stay_frailty = frailty[position] if len(stays) else np.zeros(0)
    stay_multiplier = multiplier_of[position] if len(stays) else np.zeros(0)

    # occupied bed days of the timeline, one row per (stay, day)
    first = np.maximum(ws.admitted, 0)
    last = np.minimum(ws.discharged, ws.days)  # exclusive
    length = np.maximum(last - first, 0)
    stay_of_day = np.repeat(np.arange(len(stays)), length)
    day = np.concatenate(
        [np.arange(a, b) for a, b in zip(first, last, strict=True) if b > a] or [np.zeros(0)]
    ).astype(np.int64)
    lam = patient_day_rates(
        params.ri_reference_rate(family) / (1 + params.ri_additional_type_prob) / 1000,
        stay_multiplier[stay_of_day],
        stay_frailty[stay_of_day],
        day,
        effects.rate_multiplier,
        relative=params.ri_frailty_relative_to_ward,
    )
    rng = rng_for(seed, "ri", ward.code)
    counts = rng.poisson(lam)
    rows = np.repeat(np.arange(len(day)), counts)
    n = len(rows)
    hour_of = Categorical({str(h): w for h, w in enumerate(params.ri_hour_weight)})
    u = rng.random((n, 64))
    z = rng.standard_normal((n, 8))
    g = rng.random((n, len(params.ri_de_escalation_weight)))  # weighted picks of efforts
    minute_of_day = np.array([int(hour_of(x)) * 60 + int(y * 60) for x, y in u[:, :2]])
    order = np.lexsort((minute_of_day, day[rows]))

    primary_of = Categorical(params.ri_type_share)
    second_of = {k: Categorical(v) for k, v in params.ri_second_type_share.items()}
    position_of = Categorical(params.ri_physical_position_share)
    reason_of = Categorical(params.ri_reason_share)
    place_of = Categorical(params.ri_place_share)
    rt_place_of = Categorical(params.ri_rapid_tranquillisation_place_share)
    non_staff_of = Categorical(params.ri_non_staff_share)
    notify_of = Categorical(params.ri_care_plan_notification_share)
    not_held_of = Categorical(params.ri_review_not_held_reason_share)
    de_escalation = list(params.ri_de_escalation_weight)
    de_weight = np.array([params.ri_de_escalation_weight[k] for k in de_escalation])
    end_of_timeline = local_datetime(timeline.end, 23, 59)
    sequence: dict[int, int] = {}

    incidents: list[IncidentRecord] = []
    for k in order:
        draws = Draws(u[k, 2:], z[k])
        r = rows[k]
        s_pos = int(stay_of_day[r])
        d = int(day[r])
        stay = stays[s_pos]
        date = timeline.start + dt.timedelta(days=d)
        start = local_datetime(date, int(minute_of_day[k]) // 60, int(minute_of_day[k]) % 60)
        codes = _type_codes(
            draws, params, primary_of, second_of, position_of,
            float(effects.practice_allowed[d]), ward.zero_practice,
        )  # fmt: skip
        cap = local_datetime(stay.discharged_on, 11, 0) if stay.discharged_on is not None else None
        interventions = _timed_interventions(draws, params, codes, start, cap, end_of_timeline)
        staff = _staff_for(draws, codes, family)
        ends = [i.ended_at for i in interventions]
        ended = None if any(e is None for e in ends) else max(e for e in ends if e)

        primary = codes[0]
        if primary == "05":
            place = "seclusion_room"
        elif primary == "06":
            place = "extra_care"
        elif primary == "14":
            place = rt_place_of(draws.u())
        else:
            place = place_of(draws.u())
        place_detail = str(draws.choice(_PLACE_DETAIL[place])) if place in _PLACE_DETAIL else ""
        reason = reason_of(draws.u())
        reason_detail = str(draws.choice(_REASON_DETAIL[reason]))

        if draws.u() < params.ri_no_de_escalation_prob:
            efforts: tuple[str, ...] = ("none_possible",)
            effort_text = "Immediate risk to others; there was no time to try de-escalation."
        else:
            m = 1 + int(draws.u() * 3)
            # weighted sampling without replacement (exponential keys, Efraimidis-Spirakis)
            pick = np.argsort(-np.log(g[k]) / de_weight)[:m]
            efforts = tuple(de_escalation[i] for i in sorted(pick))
            words = [_DE_ESCALATION_WORDS[e] for e in efforts]
            joined = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
            effort_text = f"Staff {joined} before using force."

        injured = any(i.injury_patient == "yes" for i in interventions)
        staff_injured = any(i.injury_staff == "yes" for i in interventions)
        serious = injured and draws.u() < params.ri_serious_injury_share
        non_staff = non_staff_of(draws.u())
        non_staff_reason = {
            "none": "",
            "police": "Police attended to help staff after an assault on a member of staff.",
            "other": "Hospital security staff helped because too few trained staff were free.",
        }[non_staff]
        camera = f"BWC-{date.year}-{draws.integer(10000, 99999)}" if non_staff == "police" else ""

        q = float(effects.review_with_patient[d])
        if draws.u() < q:
            held, held_on, not_held = "yes", min(date + dt.timedelta(days=draws.integer(0, 3)),
                                                 timeline.end), ""  # fmt: skip
        else:
            held, held_on, not_held = "no", None, not_held_of(draws.u())
        if draws.u() < params.ri_review_with_staff:
            staff_held = "yes"
            staff_on: dt.date | None = min(date + dt.timedelta(days=draws.integer(0, 1)),
                                           timeline.end)  # fmt: skip
            staff_not_held = ""
        else:
            staff_held, staff_on = "no", None
            staff_not_held = str(draws.choice(_STAFF_REVIEW_NOT_HELD))
        written = (ended or start) + whole_minutes(60 * draws.lognormal(4.0, 0.8), least=10)
        submitted = max(min(written, end_of_timeline), start + dt.timedelta(minutes=10))

        year = date.year
        sequence[year] = sequence.get(year, 0) + 1
        incidents.append(
            IncidentRecord(
                ward_code=ward.code,
                patient_local_id=stay.patient_local_id,
                stay_index=int(ws.index[s_pos]),
                local_reference=f"UOF-{ward_abbreviation(ward)}-{year}-{sequence[year]:04d}",
                started_at=start,
                ended_at=ended,
                place=place,
                place_detail=place_detail,
                reason=reason,
                reason_detail=reason_detail,
                how_force_used=_how_force_used(
                    interventions, sum(s.role in _HOLDING for s in staff)
                ),
                de_escalation=efforts,
                de_escalation_detail=effort_text,
                outcome=_outcome(codes, injured, staff_injured, ended is None),
                death_or_serious_injury="yes" if serious else "no",
                death_or_serious_injury_detail=(
                    "The patient had a fractured wrist and was taken to the emergency "
                    "department; a serious incident review was started."
                    if serious
                    else ""
                ),
                non_staff_involvement=non_staff,
                non_staff_reason=non_staff_reason,
                body_camera_reference=camera,
                care_plan_notification=notify_of(draws.u()),
                review_with_patient_held=held,
                review_with_patient_on=held_on,
                review_with_patient_not_held_reason=not_held,
                review_with_staff_held=staff_held,
                review_with_staff_on=staff_on,
                review_with_staff_not_held_reason=staff_not_held,
                submitted_at=submitted,
                interventions=interventions,
                staff=staff,
            )
        )
    expected = np.bincount(day, weights=lam, minlength=timeline.days)
    bed_days = np.bincount(day, minlength=timeline.days).astype(float)
    return _WardIncidents(incidents, expected, bed_days)


def generate_restrictive_interventions(
    data: DemoData, cycles: Sequence[PdsaCycleRecord]
) -> tuple[tuple[IncidentRecord, ...], dict[str, Any]]:
    """Every ward's use-of-force incidents over the whole timeline, and the truth about them.

    The truth holds, per ward, the true baseline rate (interventions per 1,000 OBD, the
    brief's figure for the ward type; the true reduction is ``truth["ri_reduction"]`` from
    :func:`~mhsip.demo.generate.generate_demo`), the weekly rate multiplier, the date
    the zero practice stops, and the expected rates given the realised patients and frailties
    (``ri_expected_rate``: what an estimator could at best recover from this sample).
    """
    params = data.params
    timeline = data.timeline
    per_ward = ward_stays(data)
    by_ward: dict[str, list[PdsaCycleRecord]] = {w.code: [] for w in params.wards}
    for c in cycles:
        by_ward[c.ward_code].append(c)
    incidents: list[IncidentRecord] = []
    per_intervention = 1 + params.ri_additional_type_prob
    baseline = slice(0, params.baseline_weeks * 7)
    last26 = slice(timeline.days - 26 * 7, timeline.days)
    multiplier_weekly: dict[str, list[float]] = {}
    expected_rate: dict[str, dict[str, float]] = {}
    zero_from: dict[str, dt.date] = {}
    review: dict[str, dict[str, float]] = {}
    for ward in params.wards:
        effects = ward_effects(params, timeline, ward, by_ward[ward.code])
        result = _ward_incidents(data.seed, data, per_ward[ward.code], effects)
        incidents.extend(result.incidents)
        multiplier_weekly[ward.code] = [
            float(x) for x in effects.rate_multiplier.reshape(-1, 7).mean(axis=1)
        ]
        expected_rate[ward.code] = {
            name: float(
                result.expected[part].sum() * per_intervention * 1000 / result.bed_days[part].sum()
            )
            for name, part in (("baseline", baseline), ("last_26_weeks", last26))
        }
        if ward.zero_practice is not None:
            stopped = np.nonzero(effects.practice_allowed == 0)[0]
            if len(stopped):
                zero_from[ward.code] = timeline.start + dt.timedelta(days=int(stopped[0]))
        review[ward.code] = {
            "baseline": float(effects.review_with_patient[0]),
            "end": float(effects.review_with_patient[-1]),
        }
    truth: dict[str, Any] = {
        "ri_baseline_rate_per_1000_obd": {
            w.code: float(params.ri_rate_per_1000_obd[w.family]) for w in params.wards
        },
        "ri_mean_reduction": params.mean_ri_reduction(),
        "ri_ethnicity_multiplier": dict(params.ri_ethnicity_multiplier),
        "ri_black_white_rate_ratio": params.ri_ethnicity_multiplier["black"]
        / params.ri_ethnicity_multiplier["white"],
        "ri_frailty_shape": params.ri_frailty_shape,
        "ri_interventions_per_incident": per_intervention,
        "ri_incident_rate_white_per_1000_obd": {
            f: params.ri_reference_rate(f) / per_intervention for f in params.ri_rate_per_1000_obd
        },
        "ri_rate_multiplier_weekly": multiplier_weekly,
        "ri_expected_rate": expected_rate,
        "zero_practice_from": zero_from,
        "review_with_patient_probability": review,
        "pdsa_cycles": [
            {
                "ward": c.ward_code,
                "number": c.number,
                "change_idea": c.change_idea,
                "catalogue": c.catalogue,
                "started_on": c.started_on,
                "outcome": c.outcome,
                "effect": c.effect,
                "eliminates": c.eliminates,
                "is_debrief": c.is_debrief,
            }
            for c in cycles
        ],
    }
    return tuple(incidents), truth


__all__: Sequence[str] = (
    "Categorical",
    "DemoEvents",
    "IncidentRecord",
    "InterventionRecord",
    "PdsaCycleRecord",
    "StaffRecord",
    "WardStays",
    "generate_restrictive_interventions",
    "local_datetime",
    "plan_change_ideas",
    "ward_effects",
    "ward_stays",
)
