"""The improvement app's API routes (django-ninja Router, session auth), mounted by mhsip.api.

* ``GET /change-ideas``: the catalogue, to everyone signed in (no ward data in it).
* ``GET /wards/{code}/pdsa-cycles``: a ward's PDSA cycles; the ward must be in the caller's
  scope (404 otherwise, so outsiders and network members learn nothing).
* ``POST /wards/{code}/pdsa-cycles``: record a cycle; recording roles only (ward staff, ward QI
  leads, trust leads; 403 for others). The same rules and audit as the form
  (:func:`mhsip.improvement.services.save_cycle`), which also puts the cycle's annotations on
  the linked measures' charts; a rejected cycle is 422 with one message per field and nothing
  is written.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError

from mhsip.audit.actor import acting_as
from mhsip.improvement import permissions, services
from mhsip.improvement.models import ChangeIdea, PdsaCycle
from mhsip.improvement.views import measure_choices
from mhsip.organisations.access import get_ward_or_404

router = Router(tags=["improvement"])


class ChangeIdeaOut(Schema):
    slug: str
    name: str
    purpose: str
    source: str
    source_label: str
    reference: str
    ward_code: str | None


class PdsaOut(Schema):
    id: int
    number: int
    ward_code: str
    change_idea: str  # slug
    change_idea_name: str
    measures: list[str]  # slugs
    owner: str
    start_date: dt.date
    end_date: dt.date | None
    objective: str
    questions: str
    prediction: str
    who_where_when: str
    data_to_collect: str
    what_happened: str
    observations: str
    study: str
    learning: str
    decision: str  # "", adopt, adapt or abandon
    next_steps: str
    previous_cycle: int | None  # the number of the cycle it follows
    url: str


class PdsaIn(Schema):
    """A new PDSA cycle (domain brief §8.1). ``change_idea`` and ``measures`` are slugs;
    ``previous_cycle`` is the number of an earlier cycle of the ward that this one follows."""

    change_idea: str
    measures: list[str]
    owner: str
    start_date: dt.date
    end_date: dt.date | None = None
    objective: str
    questions: str
    prediction: str
    who_where_when: str
    data_to_collect: str
    what_happened: str = ""
    observations: str = ""
    study: str = ""
    learning: str = ""
    decision: str = ""
    next_steps: str = ""
    previous_cycle: int | None = None


def _problems(errors: dict[str, list[str]]) -> NinjaValidationError:
    return NinjaValidationError(
        [
            {"loc": ["body", "payload", field], "msg": message, "type": "value_error"}
            for field, messages in errors.items()
            for message in messages
        ]
    )


def _out(cycle: PdsaCycle) -> PdsaOut:
    return PdsaOut(
        id=cycle.pk,
        number=cycle.number,
        ward_code=cycle.ward.code,
        change_idea=cycle.change_idea.slug,
        change_idea_name=cycle.change_idea.name,
        measures=[link.measure.slug for link in cycle.measure_links.select_related("measure")],
        owner=cycle.owner,
        start_date=cycle.start_date,
        end_date=cycle.end_date,
        objective=cycle.objective,
        questions=cycle.questions,
        prediction=cycle.prediction,
        who_where_when=cycle.who_where_when,
        data_to_collect=cycle.data_to_collect,
        what_happened=cycle.what_happened,
        observations=cycle.observations,
        study=cycle.study,
        learning=cycle.learning,
        decision=cycle.decision,
        next_steps=cycle.next_steps,
        previous_cycle=cycle.previous_cycle.number if cycle.previous_cycle else None,
        url=services.pdsa_url(cycle),
    )


@router.get("/change-ideas", response=list[ChangeIdeaOut], summary="The change-idea catalogue")
def list_change_ideas(request: HttpRequest) -> list[ChangeIdeaOut]:
    return [
        ChangeIdeaOut(
            slug=i.slug,
            name=i.name,
            purpose=i.purpose,
            source=i.source,
            source_label=i.get_source_display(),
            reference=i.reference,
            ward_code=i.ward.code if i.ward else None,
        )
        for i in ChangeIdea.objects.select_related("ward").order_by("order", "name")
    ]


@router.get(
    "/wards/{code}/pdsa-cycles",
    response=list[PdsaOut],
    summary="A ward's PDSA cycles, newest first",
)
def list_pdsa_cycles(request: HttpRequest, code: str) -> list[PdsaOut]:
    ward = get_ward_or_404(request.auth, code)
    cycles = PdsaCycle.objects.filter(ward=ward).select_related(
        "ward", "change_idea", "previous_cycle"
    )
    return [_out(c) for c in cycles.order_by("-number")]


def _values(request: HttpRequest, ward: Any, payload: PdsaIn) -> services.CycleValues:
    errors: dict[str, list[str]] = {}
    idea = ChangeIdea.objects.filter(slug=payload.change_idea).first()
    if idea is None:
        errors["change_idea"] = [f"No change idea has the slug '{payload.change_idea}'"]
    allowed = {m.slug: m for m in measure_choices(request.auth)}
    unknown = [s for s in payload.measures if s not in allowed]
    if unknown:
        errors["measures"] = [f"No measure you may use has the slug '{s}'" for s in unknown]
    previous = None
    if payload.previous_cycle is not None:
        previous = PdsaCycle.objects.filter(ward=ward, number=payload.previous_cycle).first()
        if previous is None:
            errors["previous_cycle"] = [f"{ward.name} has no PDSA {payload.previous_cycle}"]
    if errors:
        raise _problems(errors)
    data = payload.dict(exclude={"change_idea", "measures", "previous_cycle"})
    return services.CycleValues(
        change_idea=idea,  # type: ignore[arg-type]
        measures=[allowed[s] for s in dict.fromkeys(payload.measures)],
        previous_cycle=previous,
        **data,
    )


@router.post(
    "/wards/{code}/pdsa-cycles",
    response={201: PdsaOut},
    summary="Record a PDSA cycle (recording roles); its dates are annotated on the charts",
)
def create_pdsa_cycle(request: HttpRequest, code: str, payload: PdsaIn) -> Status[PdsaOut]:
    ward = get_ward_or_404(request.auth, code)
    if not permissions.may_edit_ward(request.auth):
        raise HttpError(403, "Your role cannot record PDSA cycles.")
    values = _values(request, ward, payload)
    try:
        with acting_as(request.auth):
            cycle = services.save_cycle(ward, values)
    except DjangoValidationError as exc:
        raise _problems(exc.message_dict) from None
    return Status(201, _out(cycle))
