"""Improvement pages: projects and aims, driver diagrams, the change-idea catalogue with co-design,
PDSA cycles, the collaborative calendar and progress. Views are thin: the rules live in
:mod:`~mhsip.improvement.services`, :mod:`~mhsip.improvement.diagrams`,
:mod:`~mhsip.improvement.progress` and :mod:`~mhsip.improvement.permissions`.

Ward pages go through :func:`mhsip.organisations.access.get_ward_or_404` (outsiders and network
members get 404, ADR 0003); a role that may read but not change gets 403 on the forms.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from mhsip.accounts.roles import Role
from mhsip.audit.models import AuditLog
from mhsip.improvement import diagrams, permissions, progress, services, study
from mhsip.improvement.forms import (
    AddChangeForm,
    AddPrimaryForm,
    AddSecondaryForm,
    AttendanceForm,
    CommentForm,
    DeleteForm,
    NodeEditForm,
    PdsaForm,
    ProjectForm,
    ProposalForm,
    WardIdeaForm,
    add_errors,
    initial_for,
)
from mhsip.improvement.models import (
    CATALOGUE_SOURCES,
    ChangeIdea,
    DriverNode,
    PdsaCycle,
    Project,
    Source,
)
from mhsip.measures.models import Measure
from mhsip.organisations.access import get_ward_or_404, visible_wards
from mhsip.organisations.models import Collaborative, LearningSession


def _data(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def measure_choices(user: Any) -> QuerySet[Measure]:
    """Active measures; restricted ones (sexual safety, AWOL) only for roles that see safety
    records (``Role.sees_safety_records``)."""
    measures = Measure.objects.filter(is_active=True).order_by("order", "name")
    if not (user.is_superuser or Role(user.role).sees_safety_records):
        measures = measures.filter(restricted=False)
    return measures


# --- overview, catalogue and co-design ---------------------------------------------------------
def overview(request: HttpRequest) -> HttpResponse:
    collaborative = services.current_collaborative()
    wards = (
        visible_wards(request.user)
        .annotate(cycles=Count("pdsa_cycles", distinct=True))
        .order_by("name")
    )
    projects = {p.ward_id: p for p in Project.objects.filter(ward__in=wards)}
    return render(
        request,
        "improvement/overview.html",
        {
            "collaborative": collaborative,
            "project": services.collaborative_project(collaborative),
            "wards": [(w, projects.get(w.pk)) for w in wards],
            "may_propose": permissions.may_propose(request.user),
        },
    )


def catalogue(request: HttpRequest) -> HttpResponse:
    ideas = ChangeIdea.objects.select_related("ward").annotate(
        contributions_count=Count("contributions", distinct=True),
        cycles_count=Count("pdsa_cycles", distinct=True),
    )
    groups = [(s, [i for i in ideas if i.source == s.value]) for s in Source]
    return render(
        request,
        "improvement/catalogue.html",
        {
            "groups": [(s, items) for s, items in groups if items],
            "catalogue_sources": CATALOGUE_SOURCES,
            "may_propose": permissions.may_propose(request.user),
        },
    )


def idea_detail(request: HttpRequest, slug: str) -> HttpResponse:
    idea = get_object_or_404(ChangeIdea.objects.select_related("ward"), slug=slug)
    may_comment = permissions.may_contribute(request.user)
    form = CommentForm(_data(request)) if may_comment else None
    if request.method == "POST":
        permissions.require(may_comment, "Your role reads ideas but does not comment on them.")
        if form.is_valid():
            services.add_comment(request.user, idea, form.cleaned_data["text"])
            messages.success(request, "Thank you: your comment has been added.")
            return redirect("improvement:idea-detail", slug=idea.slug)
    cycles = idea.pdsa_cycles.filter(ward__in=visible_wards(request.user)).select_related("ward")
    return render(
        request,
        "improvement/idea_detail.html",
        {
            "idea": idea,
            "contributions": idea.contributions.all(),
            "use": services.idea_use(idea),
            "cycles": cycles.order_by("ward__name", "number"),
            "form": form,
        },
    )


def idea_propose(request: HttpRequest) -> HttpResponse:
    permissions.require(
        permissions.may_propose(request.user), "Network members propose ideas; wards add their own."
    )
    form = ProposalForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            idea = services.propose_idea(request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Thank you: '{idea.name}' has been added as a proposal.")
            return redirect("improvement:idea-detail", slug=idea.slug)
    return render(request, "improvement/idea_propose.html", {"form": form})


def ward_idea_create(request: HttpRequest, code: str) -> HttpResponse:
    ward = get_ward_or_404(request.user, code)
    permissions.require(permissions.may_edit_ward(request.user), "Your role cannot add ideas.")
    form = WardIdeaForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            idea = services.add_ward_idea(request.user, ward, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"'{idea.name}' has been added to the catalogue.")
            return redirect("improvement:idea-detail", slug=idea.slug)
    return render(request, "improvement/ward_idea_form.html", {"ward": ward, "form": form})


# --- calendar and progress ---------------------------------------------------------------------
def calendar_view(request: HttpRequest) -> HttpResponse:
    collaborative = services.current_collaborative()
    entries = services.calendar(collaborative) if collaborative else []
    return render(
        request,
        "improvement/calendar.html",
        {
            "collaborative": collaborative,
            "entries": entries,
            "today": timezone.localdate(),
            "may_edit": permissions.may_edit_collaborative(request.user),
        },
    )


def attendance_edit(request: HttpRequest, pk: int) -> HttpResponse:
    permissions.require(
        permissions.may_edit_collaborative(request.user), "Collaborative admins record attendance."
    )
    session = get_object_or_404(LearningSession.objects.select_related("collaborative"), pk=pk)
    wards = session.collaborative.wards.order_by("name")
    initial = {"wards": list(session.attendance.values_list("ward_id", flat=True))}
    form = AttendanceForm(_data(request), initial=initial, wards=wards)
    if request.method == "POST" and form.is_valid():
        added, removed = services.save_attendance(session, form.cleaned_data["wards"])
        messages.success(request, f"Attendance saved: {added} added, {removed} removed.")
        return redirect("improvement:calendar")
    return render(request, "improvement/attendance.html", {"session": session, "form": form})


def progress_view(request: HttpRequest) -> HttpResponse:
    collaborative = services.current_collaborative()
    today = timezone.localdate()
    wards = list(collaborative.wards.order_by("name")) if collaborative else []
    scores = progress.ward_progress(wards, collaborative, today)
    visible = set(visible_wards(request.user).values_list("pk", flat=True))
    return render(
        request,
        "improvement/progress.html",
        {
            "collaborative": collaborative,
            "rows": [(w, scores[w.pk]) for w in wards if w.pk in visible and w.pk in scores],
            "distribution": progress.distribution(scores),
            "steps": progress.STEPS,
            "ward_count": len(scores),
        },
    )


# --- projects ----------------------------------------------------------------------------------
def _project_context(request: HttpRequest, project: Project | None) -> dict[str, Any]:
    diagram = getattr(project, "driver_diagram", None) if project else None
    tree = diagrams.diagram_tree(diagram) if diagram else []
    return {
        "project": project,
        "diagram": diagram,
        "tree": tree,
        "svg": diagrams.render_svg(project.aim_statement, tree) if diagram else None,
        "may_edit": bool(project and permissions.may_edit_project(request.user, project)),
    }


def collaborative_project(request: HttpRequest, slug: str) -> HttpResponse:
    collaborative = get_object_or_404(Collaborative, slug=slug)
    project = services.collaborative_project(collaborative)
    context = _project_context(request, project)
    context.update(
        collaborative=collaborative, may_edit=permissions.may_edit_collaborative(request.user)
    )
    return render(request, "improvement/collaborative_project.html", context)


def _save_project_form(
    request: HttpRequest, project: Project, template: str, context: dict[str, Any]
) -> HttpResponse | None:
    """Shared by both project forms: None when the form was saved (the caller redirects)."""
    form = ProjectForm(
        _data(request),
        instance=project,
        measures=measure_choices(request.user),
        initial={} if project.pk else {"outcome_measure": services.default_outcome_measure()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_project(form.save(commit=False))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "The project has been saved.")
            return None
    return render(request, template, {**context, "form": form, "project": project})


def collaborative_project_edit(request: HttpRequest, slug: str) -> HttpResponse:
    permissions.require(
        permissions.may_edit_collaborative(request.user), "Collaborative admins edit this project."
    )
    collaborative = get_object_or_404(Collaborative, slug=slug)
    project = services.collaborative_project(collaborative) or Project(collaborative=collaborative)
    response = _save_project_form(
        request,
        project,
        "improvement/project_form.html",
        {"collaborative": collaborative, "ward": None},
    )
    return response or redirect("improvement:collaborative-project", slug=collaborative.slug)


def ward_project(request: HttpRequest, code: str) -> HttpResponse:
    ward = get_ward_or_404(request.user, code)
    project = services.ward_project(ward)
    context = _project_context(request, project)
    today = timezone.localdate()
    collaborative = services.ward_collaborative(ward)
    context.update(
        ward=ward,
        collaborative=collaborative,
        may_edit=permissions.may_edit_ward(request.user),
        cycles=PdsaCycle.objects.filter(ward=ward)
        .select_related("change_idea")
        .order_by("-number"),
        progress=progress.ward_progress([ward], collaborative, today).get(ward.pk),
        template=services.template_diagram(ward),
    )
    return render(request, "improvement/ward_project.html", context)


def ward_project_edit(request: HttpRequest, code: str) -> HttpResponse:
    ward = get_ward_or_404(request.user, code)
    permissions.require(permissions.may_edit_ward(request.user), "Your role cannot edit projects.")
    project = services.ward_project(ward) or Project(
        ward=ward, collaborative=services.ward_collaborative(ward)
    )
    response = _save_project_form(
        request, project, "improvement/project_form.html", {"ward": ward, "collaborative": None}
    )
    return response or redirect("improvement:ward-project", code=ward.code)


# --- driver diagrams -------------------------------------------------------------------------
def _diagram_home(diagram: Any) -> str:
    return reverse("improvement:diagram", kwargs={"pk": diagram.pk})


def diagram_create(request: HttpRequest, project_pk: int) -> HttpResponse:
    project = permissions.project_or_404(
        request.user, get_object_or_404(Project.objects.select_related("ward"), pk=project_pk)
    )
    permissions.require(
        permissions.may_edit_project(request.user, project), "Your role cannot edit this diagram."
    )
    existing = getattr(project, "driver_diagram", None)
    if existing is not None:
        return redirect("improvement:diagram", pk=existing.pk)
    template = services.template_diagram(project.ward) if project.ward_id else None
    if request.method == "POST":
        use = template if request.POST.get("start") == "copy" and template else None
        diagram = diagrams.create_diagram(project, template=use)
        messages.success(
            request,
            "The collaborative's driver diagram has been copied: adapt it to your ward."
            if use
            else "An empty driver diagram has been started.",
        )
        return redirect("improvement:diagram-edit", pk=diagram.pk)
    return render(
        request, "improvement/diagram_create.html", {"project": project, "template": template}
    )


def diagram_view(request: HttpRequest, pk: int) -> HttpResponse:
    diagram = permissions.diagram_or_404(request.user, pk)
    context = _project_context(request, diagram.project)
    return render(request, "improvement/diagram.html", context)


def diagram_edit(request: HttpRequest, pk: int) -> HttpResponse:
    diagram = permissions.diagram_or_404(request.user, pk)
    permissions.require(
        permissions.may_edit_project(request.user, diagram.project), "Your role cannot edit this."
    )
    action = request.POST.get("action", "") if request.method == "POST" else ""
    forms_ = {
        "add-primary": AddPrimaryForm(
            request.POST if action == "add-primary" else None, prefix="primary"
        ),
        "add-secondary": AddSecondaryForm(
            request.POST if action == "add-secondary" else None, prefix="secondary", diagram=diagram
        ),
        "add-change": AddChangeForm(
            request.POST if action == "add-change" else None, prefix="change", diagram=diagram
        ),
    }
    if action == "move":
        node = get_object_or_404(DriverNode, diagram=diagram, pk=request.POST.get("node") or 0)
        diagrams.move_node(node, request.POST.get("direction", ""))
        return redirect(f"{request.path}#node-{node.pk}")
    form = forms_.get(action)
    if form is not None and form.is_valid():
        try:
            node = diagrams.add_node(
                diagram,
                level=form.level,
                text=form.cleaned_data.get("text", ""),
                parent=form.cleaned_data.get("parent"),
                change_idea=form.cleaned_data.get("change_idea"),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"'{node.text}' has been added.")
            return redirect(f"{request.path}#node-{node.pk}")
    context = _project_context(request, diagram.project)
    context.update(
        rows=diagrams.flatten(context["tree"]),
        forms=forms_,
        form=form if form is not None and form.errors else None,
    )
    return render(request, "improvement/diagram_edit.html", context)


def _node(request: HttpRequest, pk: int, node_pk: int) -> DriverNode:
    diagram = permissions.diagram_or_404(request.user, pk)
    permissions.require(
        permissions.may_edit_project(request.user, diagram.project), "Your role cannot edit this."
    )
    return get_object_or_404(
        DriverNode.objects.select_related("diagram"), diagram=diagram, pk=node_pk
    )


def node_edit(request: HttpRequest, pk: int, node_pk: int) -> HttpResponse:
    node = _node(request, pk, node_pk)
    initial = {"text": node.text, "change_idea": node.change_idea_id}
    form = NodeEditForm(_data(request), initial=initial, node=node)
    if request.method == "POST" and form.is_valid():
        try:
            diagrams.update_node(
                node,
                text=form.cleaned_data["text"],
                change_idea=form.cleaned_data.get("change_idea"),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "The box has been saved.")
            return redirect(f"{_diagram_home(node.diagram)}edit/#node-{node.pk}")
    return render(request, "improvement/node_edit.html", {"node": node, "form": form})


def node_remove(request: HttpRequest, pk: int, node_pk: int) -> HttpResponse:
    node = _node(request, pk, node_pk)
    below = diagrams.descendants(node)
    if request.method == "POST":
        gone = diagrams.remove_node(node)
        messages.success(request, f"Removed {gone} {'box' if gone == 1 else 'boxes'}.")
        return redirect("improvement:diagram-edit", pk=node.diagram_id)
    return render(request, "improvement/node_remove.html", {"node": node, "below": below})


# --- PDSA cycles -----------------------------------------------------------------------------
def pdsa_list(request: HttpRequest, code: str) -> HttpResponse:
    ward = get_ward_or_404(request.user, code)
    cycles = (
        PdsaCycle.objects.filter(ward=ward)
        .select_related("change_idea", "previous_cycle")
        .order_by("-number")
    )
    return render(
        request,
        "improvement/pdsa_list.html",
        {"ward": ward, "cycles": cycles, "may_edit": permissions.may_edit_ward(request.user)},
    )


def _cycle(ward: Any, pk: int) -> PdsaCycle:
    return get_object_or_404(
        PdsaCycle.objects.select_related("change_idea", "driver", "previous_cycle", "ward"),
        ward=ward,
        pk=pk,
    )


def _pdsa_form(request: HttpRequest, ward: Any, cycle: PdsaCycle | None) -> HttpResponse:
    initial: dict[str, Any] = {}
    if cycle is not None:
        initial = initial_for(cycle)
    else:
        idea = ChangeIdea.objects.filter(slug=request.GET.get("idea", "")).first()
        previous = PdsaCycle.objects.filter(ward=ward, pk=request.GET.get("previous") or 0).first()
        if previous is not None:
            initial = {"previous_cycle": previous.pk, "change_idea": previous.change_idea_id}
            initial["measures"] = list(previous.measure_links.values_list("measure_id", flat=True))
            initial["driver"] = previous.driver_id
        if idea is not None:
            initial["change_idea"] = idea.pk
    form = PdsaForm(
        _data(request),
        initial=initial,
        ward=ward,
        measures=measure_choices(request.user),
        cycle=cycle,
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_cycle(ward, form.values(), cycle=cycle)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                f"PDSA {saved.number} has been saved; its dates are marked on the linked charts.",
            )
            return redirect("improvement:pdsa-detail", code=ward.code, pk=saved.pk)
    return render(
        request, "improvement/pdsa_form.html", {"ward": ward, "form": form, "cycle": cycle}
    )


def pdsa_create(request: HttpRequest, code: str) -> HttpResponse:
    ward = get_ward_or_404(request.user, code)
    permissions.require(
        permissions.may_edit_ward(request.user), "Your role cannot record PDSA cycles."
    )
    return _pdsa_form(request, ward, None)


def pdsa_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    ward = get_ward_or_404(request.user, code)
    permissions.require(
        permissions.may_edit_ward(request.user), "Your role cannot change PDSA cycles."
    )
    return _pdsa_form(request, ward, _cycle(ward, pk))


def pdsa_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    ward = get_ward_or_404(request.user, code)
    cycle = _cycle(ward, pk)
    allowed = measure_choices(request.user)
    measures = [
        link.measure
        for link in cycle.measure_links.select_related("measure")
        if link.measure in allowed
    ]
    history = AuditLog.objects.filter(
        object_type="improvement.pdsacycle", object_id=str(cycle.pk)
    ).order_by("at", "id")
    return render(
        request,
        "improvement/pdsa_detail.html",
        {
            "ward": ward,
            "cycle": cycle,
            "studies": study.study(cycle, measures, timezone.localdate()),
            "next_cycles": cycle.next_cycles.order_by("number"),
            "history": history,
            "may_edit": permissions.may_edit_ward(request.user),
            "today": timezone.localdate(),
        },
    )


def pdsa_delete(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    ward = get_ward_or_404(request.user, code)
    permissions.require(permissions.may_edit_ward(request.user), "Your role cannot delete cycles.")
    cycle = _cycle(ward, pk)
    form = DeleteForm(_data(request))
    if request.method == "POST" and form.is_valid():
        number = cycle.number
        services.delete_cycle(cycle, reason=form.cleaned_data["reason"])
        messages.success(request, f"PDSA {number} has been deleted, with its chart annotations.")
        return redirect("improvement:pdsa-list", code=ward.code)
    return render(
        request, "improvement/pdsa_delete.html", {"ward": ward, "cycle": cycle, "form": form}
    )
