"""The demo collaborative's QI work (issue 6 item 8; ``synthetic-data.md`` "Change ideas and
their effect"): a collaborative-wide project with its template driver diagram, each ward's
project with a copy of the template adapted to its cycles, the PDSA cycles, their chart
annotations, attendance at learning sessions and some co-design contributions.

The PDSA cycles are exactly those the demo's incident generator used
(:attr:`mhsip.demo.events.DemoEvents.pdsa_cycles`, drawn by
:func:`mhsip.demo.events.plan_change_ideas`): the same wards, change ideas, numbers, start and
end dates and decisions, so each adopted idea's effect shows on the ward's charts after its
start annotation. Everything else is drawn from this step's own random stream, so adding it
changes no other demo data.

Rows are written with :meth:`mhsip.demo.load.DemoContext.bulk_create` (one audit summary row
per batch, ADR 0004). :func:`delete_demo_rows` is the reset hook: our rows refer to demo wards
with ``PROTECT`` foreign keys.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from mhsip.audit.log import record_bulk
from mhsip.audit.models import Action
from mhsip.improvement.models import (
    ChangeIdea,
    Contribution,
    ContributionKind,
    DriverDiagram,
    DriverNode,
    NodeLevel,
    PdsaCycle,
    PdsaMeasure,
    Project,
    SessionAttendance,
    Source,
)
from mhsip.improvement.services import annotation_specs, unique_slug
from mhsip.measures.models import Annotation, Measure
from mhsip.organisations.models import Collaborative, Ward

if TYPE_CHECKING:
    from mhsip.demo.events import PdsaCycleRecord
    from mhsip.demo.load import DemoContext

AIM_PERCENT = 33  # the NCCMH collaborative's aim: a third in 18 months (domain §3)
ATTENDANCE_PROBABILITY = 0.85
MEASURES_ALL = ("restrictive-interventions", "physical-restraint")
MEASURE_DEBRIEF = "review-within-72h"
MEASURE_FOR_PRACTICE = {"01": "prone-restraint"}

#: The template driver diagram: primary driver -> secondary driver -> change ideas (catalogue
#: names). The NCCMH's own driver list was not found (domain §3), so this one is written from
#: the catalogues of §4 and the examples of §3.
TEMPLATE: tuple[tuple[str, tuple[tuple[str, tuple[str, ...]], ...]], ...] = (
    ("Leadership and a culture of safety", (
        ("Leaders make reducing restrictive practice a priority",
         ("Leadership toward organisational change", "Using data to inform practice")),
        ("Staff have the skills to prevent and calm distress",
         ("Talk Down", "Soft Words", "Workforce development", "Trauma-informed care")),
    )),
    ("Patients and staff working together", (
        ("Patients shape their own care",
         ("Collaborative care planning", "Safety plans co-produced with patients",
          "Knowing patient preferences")),
        ("People with lived experience in ward roles",
         ("Peer support workers on the ward", "Full inclusion of service users")),
    )),
    ("A calm ward with a good routine", (
        ("Calm spaces and things to do",
         ("Sensory room", "Calm Down Methods", "Meaningful activities")),
        ("Fewer rules applied to everyone",
         ("Reducing blanket restrictions", "Clear Mutual Expectations")),
    )),
    ("Learning from every incident", (
        ("Support for everyone after force is used",
         ("Post-incident review with the patient", "Debriefing techniques", "Reassurance")),
        ("Anticipating and preventing conflict",
         ("Safety huddle", "Bad News Mitigation", "Positive Words")),
    )),
)  # fmt: skip
#: Where a ward puts an idea of its cycles that the template lacks (its adaptation).
ADAPT_UNDER = "Anticipating and preventing conflict"

FIRST_NAMES = (
    "Amara", "Ben", "Chloe", "Dev", "Esther", "Femi", "Grace", "Hassan", "Ines", "Jon",
    "Kemi", "Liam", "Maya", "Nadia", "Owen", "Priya", "Rosa", "Sam", "Tariq", "Yetunde",
)  # fmt: skip
SURNAMES = (
    "Adeyemi", "Brennan", "Chowdhury", "Doyle", "Evans", "Fofana", "Gallagher", "Hussain",
    "Iqbal", "Jones", "Kaur", "Lewis", "Mensah", "Nowak", "Okafor", "Patel", "Quinn", "Reid",
    "Shah", "Walsh",
)  # fmt: skip

PROPOSALS = (
    ("Welcome pack written by former patients",
     "A short guide to the ward, written by people who have stayed on it, given on admission.",
     "When I arrived I did not know what would happen or who to ask. A guide from people who "
     "had been there would have calmed me more than any leaflet."),
    ("Music and headphones on request",
     "Headphones and a choice of music patients can ask for at any time of day or night.",
     "Music was the one thing that helped me come down when the ward was loud."),
)  # fmt: skip
COMMENTS = (
    ("Soft Words", "Being told 'not now, but at four o'clock' instead of just 'no' made a big "
     "difference to me."),
    ("Post-incident review with the patient", "Please make sure the review happens when the "
     "person is ready, not straight away, and that they can bring someone with them."),
    ("Calm Down Methods", "Ask people on admission what helps them; a box is good but it "
     "should have things in it that people chose."),
    ("Reducing blanket restrictions", "Being able to make a hot drink myself at night felt "
     "like being treated as an adult."),
    ("Safety plans co-produced with patients", "As a carer I would like to be asked what "
     "works at home; we often know the early signs."),
    ("Mutual Help Meeting", "The morning meeting worked best when a patient chaired it."),
    ("Peer support workers on the ward", "Someone who had been through it was the first "
     "person I trusted."),
    ("Talk Down", "Staff crouching down and speaking quietly helped more than being surrounded."),
)  # fmt: skip


def _first(rng: Any) -> str:
    return FIRST_NAMES[int(rng.integers(len(FIRST_NAMES)))]


def _name(rng: Any) -> str:
    return f"{_first(rng)} {SURNAMES[int(rng.integers(len(SURNAMES)))]}"


def _team(rng: Any) -> dict[str, str]:
    return {
        "project_lead": f"{_name(rng)}, ward manager",
        "senior_sponsor": f"{_name(rng)}, associate director of nursing",
        "data_champion": f"{_name(rng)}, staff nurse",
        "lived_experience_representative": f"{_first(rng)} (network member)",
    }


def _ideas(ctx: DemoContext) -> dict[str, ChangeIdea]:
    """The catalogue by name; an idea the demo names but the catalogue lacks is added as a
    demo idea (the seed holds every one, so this guards against a renamed seed)."""
    ideas = {i.name: i for i in ChangeIdea.objects.all()}
    missing = [name for name, _, _ in ctx.params.change_ideas if name not in ideas]
    if missing:
        added = ctx.bulk_create(
            ChangeIdea,
            (
                ChangeIdea(
                    slug=unique_slug(name),
                    name=name,
                    purpose=f"{name} ({source})",
                    source=Source.RRP,
                    is_demo=True,
                )
                for name, source, _ in ctx.params.change_ideas
                if name in missing
            ),
        )
        ideas.update({i.name: i for i in added})
    return ideas


def _diagram_nodes(
    ctx: DemoContext,
    diagrams: list[DriverDiagram],
    plans: list[tuple[tuple[str, tuple[tuple[str, tuple[str, ...]], ...]], ...]],
    ideas: dict[str, ChangeIdea],
) -> list[dict[str, DriverNode]]:
    """Nodes of each diagram, level by level (parents first, so their keys are set); returns
    each diagram's change-idea node of each idea name."""
    primaries = ctx.bulk_create(
        DriverNode,
        (
            DriverNode(diagram=d, level=NodeLevel.PRIMARY, text=text, order=i)
            for d, plan in zip(diagrams, plans, strict=True)
            for i, (text, _) in enumerate(plan)
        ),
    )
    it = iter(primaries)
    secondary_rows = []
    for d, plan in zip(diagrams, plans, strict=True):
        for _, secondaries in plan:
            parent = next(it)
            secondary_rows += [
                DriverNode(diagram=d, parent=parent, level=NodeLevel.SECONDARY, text=t, order=j)
                for j, (t, _) in enumerate(secondaries)
            ]
    secondaries = iter(ctx.bulk_create(DriverNode, secondary_rows))
    change_rows = []
    for d, plan in zip(diagrams, plans, strict=True):
        for _, items in plan:
            for _, names in items:
                parent = next(secondaries)
                change_rows += [
                    DriverNode(
                        diagram=d,
                        parent=parent,
                        level=NodeLevel.CHANGE,
                        text=name,
                        change_idea=ideas.get(name),
                        order=k,
                    )
                    for k, name in enumerate(names)
                ]
    changes = ctx.bulk_create(DriverNode, change_rows)
    by_diagram: dict[int, dict[str, DriverNode]] = defaultdict(dict)
    for node in changes:
        by_diagram[node.diagram_id][node.text] = node
    ctx.counts["driver_diagram_boxes"] = len(primaries) + len(secondary_rows) + len(changes)
    return [by_diagram[d.pk] for d in diagrams]


def _adapted(names: list[str]) -> tuple[tuple[str, tuple[tuple[str, tuple[str, ...]], ...]], ...]:
    """The template with the ward's own cycle ideas that it lacks added under
    :data:`ADAPT_UNDER`."""
    present = {n for _, items in TEMPLATE for _, ns in items for n in ns}
    extra = tuple(n for n in names if n not in present)
    return tuple(
        (primary, tuple((s, ns + extra if s == ADAPT_UNDER else ns) for s, ns in items))
        for primary, items in TEMPLATE
    )


def _texts(r: PdsaCycleRecord, ward: Ward) -> dict[str, str]:
    idea = r.change_idea
    outcome = {
        "adopt": (
            "Staff and patients found it workable; fewer incidents in the test weeks.",
            "The rate fell after the start, as predicted, and held in the following weeks.",
            "Adopt: make it part of the ward's routine and include it in induction.",
        ),
        "adapt": (
            "It worked on the day shift but was hard to keep up at night and weekends.",
            "Mixed: no clear change on the chart yet; staff feedback good on days only.",
            "Adapt: simplify it for nights and weekends and test again.",
        ),
        "abandon": (
            "It took more staff time than expected and patients did not take it up.",
            "No change on the chart; the prediction did not hold.",
            "Abandon for now; try another idea under the same driver.",
        ),
    }[r.outcome]
    return {
        "objective": f"Test whether {idea} reduces the need for restrictive interventions on "
        f"{ward.name}.",
        "questions": f"Can the team use {idea} on every shift? Do patients find it helpful?",
        "prediction": "Fewer restrictive interventions within four to six weeks, without more "
        "assaults on staff or patients.",
        "who_where_when": f"The ward team on {ward.name}, all shifts, from the start date; "
        "reviewed at the weekly safety huddle.",
        "data_to_collect": "Weekly restrictive interventions per 1,000 bed days (from incident "
        "records); how often the idea was used; staff and patient feedback.",
        "what_happened": outcome[0],
        "observations": "Recorded in the ward's PDSA log; discussed at the learning session.",
        "study": outcome[1],
        "learning": outcome[2],
        "next_steps": outcome[2],
    }


def load_improvement(ctx: DemoContext) -> None:
    """The demo step (registered from ``ImprovementConfig.ready``)."""
    if ctx.collaborative is None or ctx.data.events is None:
        return
    rng = ctx.rng("improvement")
    timeline = ctx.data.timeline
    ideas = _ideas(ctx)
    measures = {m.slug: m for m in Measure.objects.all()}
    outcome = measures.get("restrictive-interventions")
    collaborative: Collaborative = ctx.collaborative
    created = dt.datetime.combine(timeline.collaborative_start, dt.time(9), tzinfo=dt.UTC)

    # Projects: the collaborative's, then one per ward.
    wards = [ctx.wards[w.code] for w in ctx.params.wards]
    projects = ctx.bulk_create(
        Project,
        [
            Project(
                collaborative=collaborative,
                title="Reducing restrictive practice together",
                aim_what="restrictive interventions across the collaborative",
                aim_percent=AIM_PERCENT,
                aim_by=timeline.collaborative_end,
                aim_statement=collaborative.aim_statement,
                outcome_measure=outcome,
                created_at=created,
                **_team(rng),
            ),
            *(
                Project(
                    collaborative=collaborative,
                    ward=ward,
                    title=f"Reducing restrictive practice on {ward.name}",
                    aim_what="restrictive interventions",
                    aim_percent=AIM_PERCENT,
                    aim_by=timeline.collaborative_end,
                    aim_statement=f"Reduce restrictive interventions on {ward.name} by a third "
                    f"({AIM_PERCENT}%) by {timeline.collaborative_end:%-d %B %Y}.",
                    outcome_measure=outcome,
                    created_at=created,
                    **_team(rng),
                )
                for ward in wards
            ),
        ],
    )
    project_of = {p.ward_id: p for p in projects[1:]}

    # Driver diagrams: the template, then each ward's copy adapted to its own cycles.
    cycles: list[PdsaCycleRecord] = list(ctx.data.events.pdsa_cycles)
    names_of: dict[str, list[str]] = defaultdict(list)
    for r in cycles:
        names_of[r.ward_code].append(r.change_idea)
    (template,) = ctx.bulk_create(
        DriverDiagram, [DriverDiagram(project=projects[0], created_at=created)]
    )
    copies = ctx.bulk_create(
        DriverDiagram,
        (
            DriverDiagram(
                project=project_of[w.pk],
                copied_from=template,
                created_at=created + dt.timedelta(days=7),
            )
            for w in wards
        ),
    )
    plans = [TEMPLATE, *(_adapted(names_of[w.code]) for w in wards)]
    nodes = _diagram_nodes(ctx, [template, *copies], plans, ideas)
    change_node = {w.pk: nodes[i + 1] for i, w in enumerate(wards)}

    # PDSA cycles: the generator's, with the decision recorded when the cycle ended.
    rows = []
    for r in cycles:
        ward = ctx.wards[r.ward_code]
        node = change_node[ward.pk].get(r.change_idea)
        rows.append(
            PdsaCycle(
                ward=ward,
                project=project_of[ward.pk],
                change_idea=ideas[r.change_idea],
                driver_id=node.parent_id if node else None,
                number=r.number,
                owner=_name(rng),
                start_date=r.started_on,
                end_date=r.ended_on,
                decision=r.outcome if r.ended_on < timeline.end else "",
                created_at=dt.datetime.combine(
                    r.started_on - dt.timedelta(days=7), dt.time(10), tzinfo=dt.UTC
                ),
                **_texts(r, ward),
            )
        )
    saved = ctx.bulk_create(PdsaCycle, rows)
    links = []
    for cycle, r in zip(saved, cycles, strict=True):
        slugs = list(MEASURES_ALL)
        if r.is_debrief:
            slugs.append(MEASURE_DEBRIEF)
        if r.eliminates in MEASURE_FOR_PRACTICE:
            slugs.append(MEASURE_FOR_PRACTICE[r.eliminates])
        links += [PdsaMeasure(cycle=cycle, measure=measures[s]) for s in slugs if s in measures]
    ctx.bulk_create(PdsaMeasure, links)
    measure_ids: dict[int, list[int]] = defaultdict(list)
    for link in links:
        measure_ids[link.cycle_id].append(link.measure_id)

    # Annotations on the linked charts (the same specs as services.sync_annotations).
    notes = []
    for cycle in saved:
        link = reverse("improvement:pdsa-detail", kwargs={"code": cycle.ward.code, "pk": cycle.pk})
        for (key, measure_id), spec in annotation_specs(cycle, measure_ids[cycle.pk], link).items():
            notes.append(Annotation(ward=cycle.ward, measure_id=measure_id, source_key=key, **spec))
    ctx.bulk_create(Annotation, notes)

    # Attendance at the learning sessions held so far.
    held = [s for s in ctx.learning_sessions if s.date <= timeline.end]
    attendance = ctx.bulk_create(
        SessionAttendance,
        (
            SessionAttendance(session=s, ward=w)
            for s in held
            for w in wards
            if rng.random() < ATTENDANCE_PROBABILITY
        ),
    )

    # Co-design: proposals and comments from network members (no accounts in the demo).
    def when(i: int) -> dt.datetime:
        day = timeline.collaborative_start + dt.timedelta(weeks=4 + 9 * i)
        return timezone.make_aware(dt.datetime.combine(min(day, timeline.end), dt.time(14)))

    proposed = ctx.bulk_create(
        ChangeIdea,
        (
            ChangeIdea(
                slug=unique_slug(name),
                name=name,
                purpose=purpose,
                source=Source.LIVED_EXPERIENCE,
                created_at=when(i),
                is_demo=True,
            )
            for i, (name, purpose, _) in enumerate(PROPOSALS)
            if name not in ideas
        ),
    )
    member = "{} (network member, lived experience)"
    contributions = [
        Contribution(
            idea=idea,
            kind=ContributionKind.PROPOSAL,
            text=why,
            author_name=member.format(_first(rng)),
            author_role="network_member",
            created_at=idea.created_at,
            is_demo=True,
        )
        for idea, (_, _, why) in zip(proposed, PROPOSALS, strict=False)
    ]
    contributions += [
        Contribution(
            idea=ideas[name],
            kind=ContributionKind.COMMENT,
            text=text,
            author_name=member.format(_first(rng)),
            author_role="network_member",
            created_at=when(i),
            is_demo=True,
        )
        for i, (name, text) in enumerate(COMMENTS)
        if name in ideas
    ]
    ctx.bulk_create(Contribution, contributions)
    ctx.counts.update(
        qi_projects=len(projects),
        pdsa_cycles=len(saved),
        pdsa_annotations=len(notes),
        session_attendance=len(attendance),
        co_design_contributions=len(contributions),
    )
    ctx.truth["pdsa_cycles_loaded"] = len(saved)


# --- reset -----------------------------------------------------------------------------------
def _delete(rows: QuerySet[Any], reason: str) -> None:
    _, per_model = rows.delete()
    for label, count in per_model.items():
        if count:
            record_bulk(apps.get_model(label), count, action=Action.BULK_DELETE, reason=reason)


def delete_demo_rows() -> None:
    """Reset hook: delete the QI rows of demo wards and the demo collaborative (they hold
    ``PROTECT`` keys to demo wards), and the demo's co-design contributions and ideas."""
    reason = "demo reset"
    wards = Ward.objects.filter(site__trust__is_demo=True)
    demo_projects = Project.objects.filter(Q(ward__in=wards) | Q(collaborative__is_demo=True))
    cycles = PdsaCycle.objects.filter(ward__in=wards)
    _delete(
        Annotation.objects.filter(ward__in=wards, source_key__startswith="pdsa:"),
        reason,
    )
    _delete(PdsaMeasure.objects.filter(cycle__in=cycles), reason)
    _delete(cycles, reason)
    _delete(DriverNode.objects.filter(diagram__project__in=demo_projects), reason)
    _delete(DriverDiagram.objects.filter(project__in=demo_projects), reason)
    _delete(demo_projects, reason)
    _delete(SessionAttendance.objects.filter(ward__in=wards), reason)
    demo_ideas = ChangeIdea.objects.filter(Q(is_demo=True) | Q(ward__in=wards))
    _delete(Contribution.objects.filter(Q(is_demo=True) | Q(idea__in=demo_ideas)), reason)
    _delete(demo_ideas, reason)


def register() -> None:
    from mhsip.demo.load import register_reset_step, register_step

    register_step(load_improvement)
    register_reset_step(delete_demo_rows)
