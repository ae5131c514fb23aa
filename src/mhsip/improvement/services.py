"""QI projects, change ideas and co-design, PDSA cycles with their chart annotations, and the
collaborative calendar: plain functions, each write audited and atomic (ADR 0004).

Sources: the IHI Model for Improvement and PDSA fields (domain brief §8.1), driver diagrams
(§8.2), the change-idea catalogues (§4), the NCCMH team roles and aims (§3) and the
Breakthrough Series' learning sessions and action periods (§8.4). Rules of issue 6 items 1-5.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from mhsip.accounts.roles import Role
from mhsip.improvement.models import (
    AimDirection,
    ChangeIdea,
    Contribution,
    ContributionKind,
    Decision,
    DriverNode,
    NodeLevel,
    PdsaCycle,
    PdsaMeasure,
    Project,
    SessionAttendance,
    Source,
)
from mhsip.measures.models import Annotation, AnnotationKind, Measure
from mhsip.organisations.models import Collaborative, LearningSession, Ward

DEFAULT_OUTCOME_MEASURE = "restrictive-interventions"
LABEL_CHARS = 120  # measures.Annotation.label


# --- projects and aims -----------------------------------------------------------------------
def current_collaborative() -> Collaborative | None:
    """The collaborative the pages show: the latest to start (as ``collaborative_current``)."""
    return Collaborative.objects.order_by("-start_date", "-pk").first()


def ward_collaborative(ward: Ward) -> Collaborative | None:
    return ward.collaboratives.order_by("-start_date", "-pk").first()


def compose_aim(
    *, direction: str, what: str, percent: int | None, by: dt.date | None, subject: str = ""
) -> str:
    """The aim as one sentence: what, how much, by when (domain §8.2, e.g. "reduce
    restrictive practice by one third in 18 months").

    >>> compose_aim(direction="reduce", what="restrictive interventions", percent=33,
    ...             by=dt.date(2026, 6, 30), subject="Aspen Ward")
    'Reduce restrictive interventions on Aspen Ward by 33% by 30 June 2026.'
    """
    verb = AimDirection(direction).label
    where = f" on {subject}" if subject else ""
    how_much = f" by {percent}%" if percent else ""
    when = f" by {by.day} {by:%B %Y}" if by else ""
    return f"{verb} {what.strip()}{where}{how_much}{when}.".replace("  ", " ")


def default_outcome_measure() -> Measure | None:
    return Measure.objects.filter(slug=DEFAULT_OUTCOME_MEASURE).first()


@transaction.atomic
def save_project(project: Project, *, reason: str = "") -> Project:
    """Save a project, writing the aim sentence from its parts when it is left empty."""
    if not project.aim_statement.strip() and project.aim_what:
        subject = project.ward.name if project.ward_id else ""
        project.aim_statement = compose_aim(
            direction=project.aim_direction,
            what=project.aim_what,
            percent=project.aim_percent,
            by=project.aim_by,
            subject=subject,
        )
    project.full_clean()
    project.save(audit_reason=reason)
    return project


def ward_project(ward: Ward) -> Project | None:
    return Project.objects.filter(ward=ward).select_related("outcome_measure").first()


def collaborative_project(collaborative: Collaborative | None) -> Project | None:
    if collaborative is None:
        return None
    return Project.objects.filter(collaborative=collaborative, ward__isnull=True).first()


def template_diagram(ward: Ward) -> Any:
    """The driver diagram of the collaborative-wide project of the ward's collaborative."""
    project = collaborative_project(ward_collaborative(ward))
    return getattr(project, "driver_diagram", None) if project else None


# --- change ideas and co-design ----------------------------------------------------------------
def unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "idea"
    slug, n = base, 2
    while ChangeIdea.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _clean_idea(name: str, purpose: str) -> tuple[str, str]:
    errors = {}
    name, purpose = (name or "").strip(), (purpose or "").strip()
    if not name:
        errors["name"] = "Enter the name of the idea"
    elif len(name) > 120:
        errors["name"] = "The name must be 120 characters or fewer"
    elif ChangeIdea.objects.filter(name__iexact=name).exists():
        errors["name"] = f"There is already an idea called '{name}': comment on it instead"
    if not purpose:
        errors["purpose"] = "Enter what the idea is for, in one line"
    elif len(purpose) > 300:
        errors["purpose"] = "The purpose must be 300 characters or fewer"
    if errors:
        raise ValidationError(errors)
    return name, purpose


def author_fields(user: Any) -> dict[str, Any]:
    return {
        "author": user,
        "author_name": (user.get_full_name() or user.get_username())[:150],
        "author_role": user.role,
    }


@transaction.atomic
def add_ward_idea(
    user: Any, ward: Ward, *, name: str, purpose: str, description: str = ""
) -> ChangeIdea:
    """A ward's own change idea, added to the shared catalogue under the ward's name."""
    name, purpose = _clean_idea(name, purpose)
    idea = ChangeIdea(
        slug=unique_slug(name),
        name=name,
        purpose=purpose,
        description=(description or "").strip(),
        source=Source.WARD,
        ward=ward,
        added_by=user,
    )
    idea.save()
    return idea


@transaction.atomic
def propose_idea(user: Any, *, name: str, purpose: str, why: str) -> ChangeIdea:
    """A network member's proposal: a new idea in the catalogue and a proposal contribution
    saying why (co-design, issue 6 item 3)."""
    why = (why or "").strip()
    try:
        name, purpose = _clean_idea(name, purpose)
    except ValidationError as exc:
        errors = exc.message_dict
    else:
        errors = {}
    if not why:
        errors["why"] = "Enter why you propose this idea"
    if errors:
        raise ValidationError(errors)
    idea = ChangeIdea(
        slug=unique_slug(name),
        name=name,
        purpose=purpose,
        source=Source.LIVED_EXPERIENCE,
        added_by=user,
    )
    idea.save()
    Contribution(idea=idea, kind=ContributionKind.PROPOSAL, text=why, **author_fields(user)).save()
    return idea


MAX_COMMENT = 2000


@transaction.atomic
def add_comment(user: Any, idea: ChangeIdea, text: str) -> Contribution:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Enter your comment"})
    if len(text) > MAX_COMMENT:
        raise ValidationError({"text": f"Your comment must be {MAX_COMMENT:,} characters or fewer"})
    comment = Contribution(
        idea=idea, kind=ContributionKind.COMMENT, text=text, **author_fields(user)
    )
    comment.save()
    return comment


@dataclass(frozen=True)
class IdeaUse:
    """How the collaborative has used an idea: aggregates only, no ward named."""

    wards: int
    cycles: int
    decisions: dict[str, int]


def idea_use(idea: ChangeIdea) -> IdeaUse:
    cycles = list(idea.pdsa_cycles.values_list("ward_id", "decision"))
    decisions = {d.value: sum(1 for _, x in cycles if x == d.value) for d in Decision}
    return IdeaUse(wards=len({w for w, _ in cycles}), cycles=len(cycles), decisions=decisions)


def ideas_for_choice() -> QuerySet[ChangeIdea]:
    return ChangeIdea.objects.order_by("order", "name")


# --- PDSA cycles -----------------------------------------------------------------------------
@dataclass
class CycleValues:
    """What a PDSA form or the API gives (domain §8.1)."""

    change_idea: ChangeIdea
    measures: Sequence[Measure]
    owner: str
    start_date: dt.date
    objective: str
    questions: str
    prediction: str
    who_where_when: str
    data_to_collect: str
    end_date: dt.date | None = None
    what_happened: str = ""
    observations: str = ""
    study: str = ""
    learning: str = ""
    decision: str = ""
    next_steps: str = ""
    driver: DriverNode | None = None
    previous_cycle: PdsaCycle | None = None
    extra: dict[str, Any] = field(default_factory=dict)


TEXT_FIELDS = (
    "owner",
    "objective",
    "questions",
    "prediction",
    "who_where_when",
    "data_to_collect",
    "what_happened",
    "observations",
    "study",
    "learning",
    "next_steps",
)
REQUIRED_TEXT = {
    "owner": "Enter who owns this cycle",
    "objective": "Enter the objective of this cycle",
    "questions": "Enter the questions this cycle will answer",
    "prediction": "Enter what you predict will happen",
    "who_where_when": "Enter who will do what, where and when",
    "data_to_collect": "Enter the data you will collect",
}


def check_cycle(ward: Ward, values: CycleValues, cycle: PdsaCycle | None = None) -> None:
    """Rules across fields; raises :class:`ValidationError` with a message per field."""
    errors: dict[str, str] = {}
    for name, message in REQUIRED_TEXT.items():
        if not str(getattr(values, name) or "").strip():
            errors[name] = message
    if len(values.owner or "") > 150:
        errors["owner"] = "The owner's name must be 150 characters or fewer"
    if not values.measures:
        errors["measures"] = "Choose at least one measure to judge the change on"
    if values.start_date < ward.active_from:
        errors["start_date"] = (
            f"The start date must be on or after {ward.active_from.day} "
            f"{ward.active_from:%B %Y}, when the ward opened"
        )
    if values.end_date is not None and values.end_date < values.start_date:
        errors["end_date"] = "The end date must be the same as or after the start date"
    if values.decision:
        if values.decision not in Decision.values:
            errors["decision"] = "Choose adopt, adapt or abandon"
        elif values.end_date is None:
            errors["end_date"] = "Enter the date the cycle ended to record a decision"
        elif values.end_date > timezone.localdate():
            errors["decision"] = "Record a decision once the cycle has ended"
    driver = values.driver
    if driver is not None and (
        driver.level != NodeLevel.SECONDARY or driver.diagram.project.ward_id != ward.pk
    ):
        errors["driver"] = "Choose a secondary driver from this ward's driver diagram"
    previous = values.previous_cycle
    if previous is not None and (
        previous.ward_id != ward.pk or (cycle is not None and previous.pk == cycle.pk)
    ):
        errors["previous_cycle"] = "Choose an earlier cycle of this ward"
    if errors:
        raise ValidationError(errors)


def next_number(ward: Ward) -> int:
    last = PdsaCycle.objects.filter(ward=ward).aggregate(m=Max("number"))["m"]
    return (last or 0) + 1


def pdsa_url(cycle: PdsaCycle) -> str:
    return reverse("improvement:pdsa-detail", kwargs={"code": cycle.ward.code, "pk": cycle.pk})


PAST_TENSE = {"adopt": "adopted", "adapt": "adapted", "abandon": "abandoned"}


def _label(prefix: str, name: str, suffix: str = "") -> str:
    room = LABEL_CHARS - len(prefix) - len(suffix)
    if len(name) > room:
        name = name[: room - 1].rstrip() + "…"
    return f"{prefix}{name}{suffix}"


def annotation_specs(
    cycle: PdsaCycle, measure_ids: Iterable[int], link: str
) -> dict[tuple[str, int], dict[str, Any]]:
    """The annotations a cycle puts on each linked measure's chart for its ward (issue 6
    item 4): its start, and its end with the decision. Keyed by (source key, measure id)."""
    idea = cycle.change_idea.name
    wanted = [
        (
            f"pdsa:{cycle.pk}:start",
            cycle.start_date,
            AnnotationKind.PDSA_START,
            _label(f"PDSA {cycle.number} start: ", idea),
        )
    ]
    if cycle.end_date is not None:
        suffix = f" ({PAST_TENSE[cycle.decision]})" if cycle.decision else ""
        wanted.append(
            (
                f"pdsa:{cycle.pk}:end",
                cycle.end_date,
                AnnotationKind.PDSA_END,
                _label(f"PDSA {cycle.number} end: ", idea, suffix),
            )
        )
    return {
        (key, measure_id): {"date": day, "kind": kind, "label": label, "link": link}
        for measure_id in measure_ids
        for key, day, kind, label in wanted
    }


def source_keys(cycle_pk: int) -> list[str]:
    return [f"pdsa:{cycle_pk}:start", f"pdsa:{cycle_pk}:end"]


def sync_annotations(cycle: PdsaCycle) -> dict[str, int]:
    """Create, update or delete the cycle's annotations so they match it; idempotent (a
    second call changes nothing). Each write is an audited save."""
    measure_ids = list(cycle.measure_links.values_list("measure_id", flat=True))
    wanted = annotation_specs(cycle, measure_ids, pdsa_url(cycle))
    done = {"created": 0, "updated": 0, "deleted": 0}
    for note in Annotation.objects.filter(source_key__in=source_keys(cycle.pk)):
        spec = wanted.pop((note.source_key, note.measure_id), None)
        if spec is None or note.ward_id != cycle.ward_id:
            note.delete(audit_reason=f"PDSA {cycle.number} changed")
            done["deleted"] += 1
            if spec is not None:
                wanted[(note.source_key, note.measure_id)] = spec
            continue
        changed = [k for k, v in spec.items() if getattr(note, k) != v]
        if changed:
            for k in changed:
                setattr(note, k, spec[k])
            note.save(audit_reason=f"PDSA {cycle.number} changed")
            done["updated"] += 1
    for (key, measure_id), spec in wanted.items():
        Annotation(ward=cycle.ward, measure_id=measure_id, source_key=key, **spec).save()
        done["created"] += 1
    return done


def _sync_measures(cycle: PdsaCycle, measures: Sequence[Measure]) -> None:
    wanted = {m.pk for m in measures}
    for link in cycle.measure_links.all():
        if link.measure_id in wanted:
            wanted.discard(link.measure_id)
        else:
            link.delete()
    for measure_id in sorted(wanted):
        PdsaMeasure(cycle=cycle, measure_id=measure_id).save()


@transaction.atomic
def save_cycle(
    ward: Ward, values: CycleValues, *, cycle: PdsaCycle | None = None, reason: str = ""
) -> PdsaCycle:
    """Create or update a ward's PDSA cycle, its measures and, in the same transaction, its
    annotations on those measures' charts (issue 6 item 4)."""
    check_cycle(ward, values, cycle)
    if cycle is None:
        cycle = PdsaCycle(ward=ward, number=next_number(ward), project=ward_project(ward))
    cycle.change_idea = values.change_idea
    cycle.driver = values.driver
    cycle.previous_cycle = values.previous_cycle
    cycle.start_date = values.start_date
    cycle.end_date = values.end_date
    cycle.decision = values.decision or ""
    for name in TEXT_FIELDS:
        setattr(cycle, name, str(getattr(values, name) or "").strip())
    cycle.save(audit_reason=reason)
    _sync_measures(cycle, values.measures)
    sync_annotations(cycle)
    return cycle


@transaction.atomic
def delete_cycle(cycle: PdsaCycle, *, reason: str) -> None:
    """Delete a cycle entered in error, with its annotations and measure links (each deletion
    audited with the reason); cycles that followed it keep their record and lose the link."""
    for note in Annotation.objects.filter(source_key__in=source_keys(cycle.pk)):
        note.delete(audit_reason=reason)
    for link in cycle.measure_links.all():
        link.delete(audit_reason=reason)
    for later in cycle.next_cycles.all():
        later.previous_cycle = None
        later.save(audit_reason=f"PDSA {cycle.number} deleted: {reason}")
    cycle.delete(audit_reason=reason)


# --- the calendar ----------------------------------------------------------------------------
@dataclass(frozen=True)
class CalendarEntry:
    """A learning session (one day) or an action period (from one session to the next)."""

    kind: str  # "prework", "session" or "action_period"
    title: str
    start: dt.date
    end: dt.date | None
    session: LearningSession | None = None
    wards: tuple[Ward, ...] = ()

    @property
    def is_session(self) -> bool:
        return self.kind == "session"

    def is_current(self, today: dt.date) -> bool:
        if self.is_session:
            return self.start == today
        return self.start <= today and (self.end is None or today <= self.end)


def calendar(
    collaborative: Collaborative, wards: Iterable[Ward] | None = None
) -> list[CalendarEntry]:
    """Learning sessions and the action periods between them, in date order (Breakthrough
    Series, domain §8.4: LS1 -> AP1 -> LS2 -> ...; prework before the first session). Each
    session lists the wards that attended, of ``wards`` (all the collaborative's if None)."""
    sessions = list(collaborative.learning_sessions.order_by("date", "number"))
    shown = None if wards is None else {w.pk for w in wards}
    attended: dict[int, list[Ward]] = {s.pk: [] for s in sessions}
    for row in SessionAttendance.objects.filter(session__in=sessions).select_related("ward"):
        if shown is None or row.ward_id in shown:
            attended[row.session_id].append(row.ward)
    out: list[CalendarEntry] = []
    if sessions and collaborative.start_date < sessions[0].date:
        out.append(
            CalendarEntry(
                "prework",
                "Prework: teams form, set their aims and collect baseline data",
                collaborative.start_date,
                sessions[0].date - dt.timedelta(days=1),
            )
        )
    for i, session in enumerate(sessions):
        out.append(
            CalendarEntry(
                "session",
                f"Learning session {session.number}: {session.title}",
                session.date,
                None,
                session,
                tuple(sorted(attended[session.pk], key=lambda w: w.name)),
            )
        )
        following = sessions[i + 1].date - dt.timedelta(days=1) if i + 1 < len(sessions) else None
        end = following or collaborative.end_date
        if end is None or end > session.date:
            out.append(
                CalendarEntry(
                    "action_period",
                    f"Action period {session.number}: wards test change ideas in PDSA cycles "
                    "and send weekly data",
                    session.date + dt.timedelta(days=1),
                    end,
                )
            )
    return out


@transaction.atomic
def save_attendance(session: LearningSession, wards: Iterable[Ward]) -> tuple[int, int]:
    """Set which wards attended a session; returns (added, removed), each row audited."""
    wanted = {w.pk: w for w in wards}
    removed = 0
    for row in SessionAttendance.objects.filter(session=session):
        if row.ward_id in wanted:
            del wanted[row.ward_id]
        else:
            row.delete()
            removed += 1
    for ward in wanted.values():
        SessionAttendance(session=session, ward=ward).save()
    return len(wanted), removed


def is_network_member(user: Any) -> bool:
    return bool(user.is_authenticated and Role(user.role) is Role.NETWORK_MEMBER)
