"""Each ward's progress score, derived from its QI records and its data, never typed in.

The scale is the IHI Breakthrough Series assessment scale (1 "forming team" to 5 "outstanding
sustainable results", in half points; domain brief §8.4), approximated by rules the platform
can check. The steps are cumulative: the score is the highest step whose rule holds together
with every rule before it, so a reader can see exactly what the next step needs.

:func:`score` is pure (plain inputs, testable without a database); :func:`ward_progress`
gathers the inputs: the ward's project, driver diagram and PDSA cycles, and the SPC analysis of
its main outcome measure (:func:`mhsip.measures.analysis.analyse_measure` on the XmR chart,
Making Data Count rules, domain §8.5).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from django.db.models import Count, Max

from mhsip.improvement.models import Decision, DriverNode, NodeLevel, PdsaCycle, Project
from mhsip.measures.analysis import WardAnalysis, analyse_measure
from mhsip.measures.models import Improvement, Measure
from mhsip.measures.series import bucket
from mhsip.organisations.models import Collaborative, Ward
from mhsip.recording.models import WardCensus
from mhsip.returns.models import WeeklyReturn

BLOCK = 13  # periods in a quarter of weekly data; the Making Data Count minimum for limits
HALF = 2 * BLOCK  # the outcome is compared over half a year: a quarter of weekly rates is noisy
SHIFT = 7  # a run of 7 points one side of the centre line is a shift (domain §8.5)
#: Special cause is judged on the Making Data Count XmR chart (NHS England's rules for each
#: point: outside the limits, a shift or trend of 7, two of three near a limit; domain §8.5),
#: whatever chart a ward's pages show, so every ward is scored by one rule set. Weekly rates are
#: skewed, so a run below the mean alone can be chance: the steps that use it also need the
#: outcome to have fallen against its baseline.
CHART = "xmr"


@dataclass(frozen=True)
class ProgressInputs:
    """What the score is computed from. ``change_half``, ``change_latest`` and
    ``change_previous`` are the fractional improvement of the main outcome measure over the
    latest :data:`HALF` periods, the latest :data:`BLOCK` and the :data:`BLOCK` before those,
    against its baseline (0.25: 25% better; negative: worse; ``None``: not enough data)."""

    has_aim: bool = False
    has_lead: bool = False
    diagram_change_ideas: int = 0
    cycles_started: int = 0
    cycles_decided: int = 0
    changes_adopted: int = 0
    improvement_points: int = 0
    longest_improvement_run: int = 0
    aim_percent: int | None = None
    change_half: float | None = None
    change_latest: float | None = None
    change_previous: float | None = None


def _met(change: float | None, i: ProgressInputs, part: float) -> bool:
    if i.aim_percent is None or change is None:
        return False
    return change >= part * i.aim_percent / 100


def _better(i: ProgressInputs) -> bool:
    return i.change_half is not None and i.change_half > 0


@dataclass(frozen=True)
class Step:
    score: float
    label: str
    rule: str
    test: Callable[[ProgressInputs], bool]


#: The steps of the scale, in order. Labels are the IHI assessment scale's.
STEPS: tuple[Step, ...] = (
    Step(1.0, "Forming team", "The ward is taking part in the collaborative.", lambda i: True),
    Step(
        1.5,
        "Planning for the project has begun",
        "The ward's QI project has an aim saying what, how much and by when, and a named "
        "project lead.",
        lambda i: i.has_aim and i.has_lead,
    ),
    Step(
        2.0,
        "Activity, but no changes",
        "The driver diagram has at least one change idea, and at least one PDSA cycle has started.",
        lambda i: i.diagram_change_ideas >= 1 and i.cycles_started >= 1,
    ),
    Step(
        2.5,
        "Changes tested, but no improvement",
        "At least one PDSA cycle has ended with a decision: adopt, adapt or abandon.",
        lambda i: i.cycles_decided >= 1,
    ),
    Step(
        3.0,
        "Modest improvement",
        "At least one change has been adopted or adapted; the main outcome measure over the "
        f"latest {HALF} periods is better than its baseline; and its XmR chart shows at least "
        "one point of special cause improvement after the first cycle started.",
        lambda i: i.changes_adopted >= 1 and _better(i) and i.improvement_points >= 1,
    ),
    Step(
        3.5,
        "Improvement",
        f"The XmR chart of the main outcome measure shows special cause improvement for {SHIFT} "
        "or more periods in a row after the first cycle started (a sustained shift).",
        lambda i: i.longest_improvement_run >= SHIFT,
    ),
    Step(
        4.0,
        "Significant improvement",
        f"Over the latest {HALF} periods the main outcome measure is better than its baseline "
        "by at least half of the aim (for an aim of 33%, by 16.5% or more).",
        lambda i: _met(i.change_half, i, 0.5),
    ),
    Step(
        4.5,
        "Sustainable improvement",
        f"Over the latest {HALF} periods the main outcome measure is better than its baseline "
        "by at least the aim: the aim is met.",
        lambda i: _met(i.change_half, i, 1.0),
    ),
    Step(
        5.0,
        "Outstanding sustainable results",
        f"The aim is met in each of the latest two blocks of {BLOCK} periods on its own.",
        lambda i: _met(i.change_latest, i, 1.0) and _met(i.change_previous, i, 1.0),
    ),
)


@dataclass(frozen=True)
class StepResult:
    step: Step
    met: bool
    counted: bool  # met, and every step before it met too


@dataclass(frozen=True)
class Progress:
    score: float
    label: str
    steps: tuple[StepResult, ...]
    inputs: ProgressInputs

    @property
    def next_step(self) -> Step | None:
        return next((r.step for r in self.steps if not r.counted), None)


def score(inputs: ProgressInputs) -> Progress:
    """The highest step whose rule holds with every rule before it.

    >>> score(ProgressInputs()).score
    1.0
    >>> score(ProgressInputs(has_aim=True, has_lead=True)).label
    'Planning for the project has begun'
    """
    results = []
    reached = STEPS[0]
    still = True
    for step in STEPS:
        met = bool(step.test(inputs))
        still = still and met
        results.append(StepResult(step, met, still))
        if still:
            reached = step
    return Progress(reached.score, reached.label, tuple(results), inputs)


# --- from the data -----------------------------------------------------------------------------
def _rate(num: np.ndarray, den: np.ndarray) -> float | None:
    ok = ~np.isnan(num) & ~np.isnan(den)
    total = float(np.sum(den[ok]))
    return float(np.sum(num[ok])) / total if total > 0 else None


def outcome_change(
    analysis: WardAnalysis, measure: Measure, baseline_end: dt.date
) -> tuple[float | None, float | None, float | None]:
    """Fractional improvement over the latest :data:`HALF` periods, the latest :data:`BLOCK` and
    the :data:`BLOCK` before those, against the baseline (periods starting on or before
    ``baseline_end``): pooled rates (sum of numerators over sum of denominators), missing
    periods left out, never counted as zero."""
    starts = np.asarray(analysis.period_start, dtype="datetime64[D]")
    num = np.asarray(analysis.numerator, float)
    den = np.asarray(analysis.denominator, float)
    base = starts <= np.datetime64(baseline_end, "D")
    baseline = _rate(num[base], den[base])
    after = np.flatnonzero(~base)
    if baseline is None or baseline == 0 or after.size < BLOCK:
        return None, None, None
    sign = -1.0 if measure.improvement == Improvement.INCREASE else 1.0

    def change(rows: np.ndarray) -> float | None:
        rate = _rate(num[rows], den[rows])
        return None if rate is None else sign * (baseline - rate) / baseline

    enough = after.size >= HALF
    half = change(after[-HALF:]) if enough else None
    previous = change(after[-HALF:-BLOCK]) if enough else None
    return half, change(after[-BLOCK:]), previous


def improvement_after(
    analysis: WardAnalysis, start: dt.date | None, period: str = "week"
) -> tuple[int, int]:
    """(points, longest run) of special cause improvement in periods from the one containing
    ``start`` (weeks or months, as the measure's ``period``)."""
    if start is None:
        return 0, 0
    starts = np.asarray(analysis.period_start, dtype="datetime64[D]")
    first = bucket(np.array([start], dtype="datetime64[D]"), period)[0]
    flags = (np.asarray(analysis.result.point_type) == "special_cause_improvement") & (
        starts >= first
    )
    longest = run = 0
    for flag in flags.tolist():
        run = run + 1 if flag else 0
        longest = max(longest, run)
    return int(flags.sum()), longest


def data_end(wards: Sequence[Ward], today: dt.date) -> dt.date:
    """The last day with census data on these wards (the demo's "today"), else today."""
    last = WardCensus.objects.filter(ward__in=wards).aggregate(m=Max("date"))["m"]
    return min(last, today) if last else today


def wards_with_data(ward_ids: Sequence[int]) -> set[int]:
    """Wards with any denominator: a census day or a submitted weekly return (a ward with none
    has nothing to chart yet)."""
    census = WardCensus.objects.filter(ward_id__in=ward_ids).values_list("ward_id", flat=True)
    returns = WeeklyReturn.objects.filter(ward_id__in=ward_ids, status="submitted").values_list(
        "ward_id", flat=True
    )
    return set(census.distinct()) | set(returns.distinct())


def ward_progress(
    wards: Sequence[Ward], collaborative: Collaborative | None, today: dt.date
) -> dict[int, Progress]:
    """Every ward's :class:`Progress`; one SPC pass per outcome measure for all the wards."""
    wards = list(wards)
    if not wards:
        return {}
    ids = [w.pk for w in wards]
    projects = {
        p.ward_id: p
        for p in Project.objects.filter(ward_id__in=ids).select_related("outcome_measure")
    }
    changes = dict(
        DriverNode.objects.filter(diagram__project__ward_id__in=ids, level=NodeLevel.CHANGE)
        .values_list("diagram__project__ward_id")
        .annotate(n=Count("id"))
    )
    cycles: dict[int, list[PdsaCycle]] = defaultdict(list)
    for c in PdsaCycle.objects.filter(ward_id__in=ids, start_date__lte=today):
        cycles[c.ward_id].append(c)
    default = Measure.objects.filter(slug="restrictive-interventions").first()
    by_measure: dict[int, list[int]] = defaultdict(list)
    measures: dict[int, Measure] = {}
    with_data = wards_with_data(ids)
    for w in wards:
        if w.pk not in with_data:
            continue
        p = projects.get(w.pk)
        m = (p.outcome_measure if p and p.outcome_measure else None) or default
        if m is not None:
            measures[m.pk] = m
            by_measure[m.pk].append(w.pk)
    analyses: dict[int, WardAnalysis] = {}
    if collaborative is not None:
        end = data_end(wards, today)
        for measure_id, ward_ids in by_measure.items():
            analyses.update(
                analyse_measure(
                    measures[measure_id],
                    ward_ids,
                    collaborative.baseline_start,
                    end,
                    chart=CHART,
                )
            )
    out = {}
    for w in wards:
        p = projects.get(w.pk)
        mine = cycles.get(w.pk, [])
        first = min((c.start_date for c in mine), default=None)
        analysis = analyses.get(w.pk)
        measure = next((measures[m] for m, ws in by_measure.items() if w.pk in ws), None)
        points = run = 0
        half = latest = previous = None
        if analysis is not None and measure is not None and collaborative is not None:
            points, run = improvement_after(analysis, first, measure.period)
            half, latest, previous = outcome_change(analysis, measure, collaborative.baseline_end)
        decided = [c for c in mine if c.decision]
        out[w.pk] = score(
            ProgressInputs(
                has_aim=bool(p and p.has_aim),
                has_lead=bool(p and p.project_lead.strip()),
                diagram_change_ideas=changes.get(w.pk, 0),
                cycles_started=len(mine),
                cycles_decided=len(decided),
                changes_adopted=sum(
                    c.decision in {Decision.ADOPT, Decision.ADAPT} for c in decided
                ),
                improvement_points=points,
                longest_improvement_run=run,
                aim_percent=p.aim_percent if p else None,
                change_half=half,
                change_latest=latest,
                change_previous=previous,
            )
        )
    return out


def distribution(progress: dict[int, Progress]) -> list[tuple[Step, int]]:
    """How many wards sit at each step: the collaborative aggregate network members see."""
    return [(step, sum(1 for p in progress.values() if p.score == step.score)) for step in STEPS]
