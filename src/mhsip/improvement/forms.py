"""Forms for QI projects, change ideas, contributions, driver diagrams, PDSA cycles and
attendance. Each field has a label and a hint; the services check the rules across fields and
their messages are put beside the fields they concern (:func:`add_errors`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from mhsip.improvement.models import (
    AimDirection,
    ChangeIdea,
    Decision,
    DriverDiagram,
    DriverNode,
    NodeLevel,
    PdsaCycle,
    Project,
)
from mhsip.improvement.services import CycleValues
from mhsip.measures.models import Measure
from mhsip.organisations.models import Ward
from mhsip.safety.forms import DatePartsField


class PlanDateField(DatePartsField):
    """A day, month and year that may lie in the future (a planned date)."""

    def validate(self, value: Any) -> None:
        if value is None and self.required:
            raise forms.ValidationError(f"Enter {self.noun}")


def add_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's errors beside their fields (or at the top when no field matches)."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            for message in messages:
                form.add_error(name if name in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _required(message: str) -> dict[str, str]:
    return {"required": message}


class ProjectForm(forms.ModelForm):
    """A QI project's aim (what, how much, by when, and the sentence) and team (domain §3)."""

    title = forms.CharField(
        label="Project title",
        max_length=200,
        error_messages=_required("Enter the project title"),
    )
    aim_direction = forms.ChoiceField(
        label="Do you aim to reduce or increase it?",
        choices=AimDirection.choices,
        widget=forms.RadioSelect,
        error_messages=_required("Choose whether you aim to reduce or increase it"),
    )
    aim_what = forms.CharField(
        label="What will improve?",
        max_length=200,
        help_text="For example: restrictive interventions, or the use of prone restraint",
        error_messages=_required("Enter what will improve"),
    )
    aim_percent = forms.IntegerField(
        label="By how much? (per cent)",
        min_value=1,
        max_value=100,
        help_text="For example, 33 for a reduction by one third",
        error_messages={
            "required": "Enter by how much, as a percentage",
            "invalid": "Enter by how much as a whole number, like 33",
            "min_value": "By how much must be 1% or more",
            "max_value": "By how much must be 100% or less",
        },
    )
    aim_by = PlanDateField(
        noun="the date you aim to achieve it by", label="By when?", required=True
    )
    aim_statement = forms.CharField(
        label="Aim statement (optional)",
        required=False,
        widget=forms.Textarea,
        help_text="Leave empty to have it written from your answers above.",
    )
    outcome_measure = forms.ModelChoiceField(
        label="Main outcome measure",
        queryset=Measure.objects.none(),
        empty_label="Choose a measure",
        help_text="The measure your aim and your progress score are judged on",
        error_messages=_required("Choose the main outcome measure"),
    )
    project_lead = forms.CharField(
        label="Project lead", max_length=150, required=False, help_text="Name of a member of staff"
    )
    senior_sponsor = forms.CharField(label="Senior sponsor", max_length=150, required=False)
    data_champion = forms.CharField(label="Data champion", max_length=150, required=False)
    lived_experience_representative = forms.CharField(
        label="Lived-experience representative",
        max_length=150,
        required=False,
        help_text="A patient representative or network member on the team, named as they wish "
        "to be named",
    )

    class Meta:
        model = Project
        fields = [
            "title",
            "aim_direction",
            "aim_what",
            "aim_percent",
            "aim_by",
            "aim_statement",
            "outcome_measure",
            "project_lead",
            "senior_sponsor",
            "data_champion",
            "lived_experience_representative",
        ]

    def __init__(self, *args: Any, measures: QuerySet[Measure], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome_measure"].queryset = measures


class _IdeaForm(forms.Form):
    """The name and one-line purpose every change idea has, however it is added."""

    name = forms.CharField(
        label="Name of the idea",
        max_length=120,
        error_messages=_required("Enter the name of the idea"),
    )
    purpose = forms.CharField(
        label="What is it for?",
        max_length=300,
        help_text="One line, for example: a calm space patients can choose to use when distressed",
        error_messages=_required("Enter what the idea is for, in one line"),
    )


class WardIdeaForm(_IdeaForm):
    description = forms.CharField(
        label="How it works (optional)", required=False, widget=forms.Textarea
    )


class ProposalForm(_IdeaForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["purpose"].help_text = "One line"

    why = forms.CharField(
        label="Why do you propose it?",
        widget=forms.Textarea,
        help_text="From your experience: what difference could it make on a ward?",
        error_messages=_required("Enter why you propose this idea"),
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        label="Your comment",
        max_length=2000,
        widget=forms.Textarea,
        help_text="Everyone who can see this page will see your comment and your name.",
        error_messages={
            "required": "Enter your comment",
            "max_length": "Your comment must be 2,000 characters or fewer",
        },
    )


# --- driver diagrams -------------------------------------------------------------------------
def node_text(node: DriverNode) -> str:
    return node.text


def _ideas() -> QuerySet[ChangeIdea]:
    return ChangeIdea.objects.order_by("order", "name")


class NodeTextForm(forms.Form):
    text = forms.CharField(
        label="Text", max_length=200, error_messages=_required("Enter the text of the box")
    )


class AddPrimaryForm(NodeTextForm):
    level = NodeLevel.PRIMARY


class AddSecondaryForm(NodeTextForm):
    level = NodeLevel.SECONDARY
    parent = forms.ModelChoiceField(
        label="Under which primary driver?",
        queryset=DriverNode.objects.none(),
        empty_label="Choose a primary driver",
        error_messages=_required("Choose the primary driver this goes under"),
    )

    def __init__(self, *args: Any, diagram: DriverDiagram, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = diagram.nodes.filter(level=NodeLevel.PRIMARY)
        self.fields["parent"].label_from_instance = node_text


class AddChangeForm(forms.Form):
    level = NodeLevel.CHANGE
    parent = forms.ModelChoiceField(
        label="Under which secondary driver?",
        queryset=DriverNode.objects.none(),
        empty_label="Choose a secondary driver",
        error_messages=_required("Choose the secondary driver this goes under"),
    )
    change_idea = forms.ModelChoiceField(
        label="Idea from the catalogue (optional)",
        queryset=ChangeIdea.objects.none(),
        required=False,
        empty_label="None: describe your own idea below",
    )
    text = forms.CharField(
        label="Text (optional if you chose an idea)",
        max_length=200,
        required=False,
        help_text="Leave empty to use the idea's name",
    )

    def __init__(self, *args: Any, diagram: DriverDiagram, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = diagram.nodes.filter(level=NodeLevel.SECONDARY)
        self.fields["parent"].label_from_instance = node_text
        self.fields["change_idea"].queryset = _ideas()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("text") and not data.get("change_idea") and "text" not in self.errors:
            self.add_error("text", "Enter the change idea, or choose one from the catalogue")
        return data


class NodeEditForm(forms.Form):
    text = forms.CharField(
        label="Text", max_length=200, error_messages=_required("Enter the text of the box")
    )
    change_idea = forms.ModelChoiceField(
        label="Idea from the catalogue (optional)",
        queryset=ChangeIdea.objects.none(),
        required=False,
        empty_label="None",
    )

    def __init__(self, *args: Any, node: DriverNode, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if node.level == NodeLevel.CHANGE:
            self.fields["change_idea"].queryset = _ideas()
        else:
            del self.fields["change_idea"]


# --- PDSA cycles -----------------------------------------------------------------------------
class PdsaForm(forms.Form):
    """A PDSA cycle (domain §8.1): the idea and measures, Plan, Do, Study and Act."""

    change_idea = forms.ModelChoiceField(
        label="Change idea",
        queryset=ChangeIdea.objects.none(),
        empty_label="Choose a change idea",
        help_text="From the catalogue, or one your ward has added",
        error_messages=_required("Choose the change idea this cycle tests"),
    )
    driver = forms.ModelChoiceField(
        label="Secondary driver (optional)",
        queryset=DriverNode.objects.none(),
        required=False,
        empty_label="Not linked to a driver",
        help_text="The part of your driver diagram this change works on",
    )
    previous_cycle = forms.ModelChoiceField(
        label="Follows an earlier cycle (optional)",
        queryset=PdsaCycle.objects.none(),
        required=False,
        empty_label="No: this is a first cycle",
    )
    measures = forms.ModelMultipleChoiceField(
        label="Measures to judge it on",
        queryset=Measure.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="The cycle's start and end will be marked on these charts for your ward",
        error_messages=_required("Choose at least one measure to judge the change on"),
    )
    owner = forms.CharField(
        label="Owner",
        max_length=150,
        help_text="Who leads this cycle",
        error_messages=_required("Enter who owns this cycle"),
    )
    start_date = PlanDateField(noun="the start date", label="Start date", required=True)
    end_date = PlanDateField(
        noun="the end date",
        label="End date (optional)",
        required=False,
        help_text="When the test ends (planned or actual). For example, 27 3 2026",
    )
    # Plan
    objective = forms.CharField(
        label="Objective",
        widget=forms.Textarea,
        help_text="What this cycle is for",
        error_messages=_required("Enter the objective of this cycle"),
    )
    questions = forms.CharField(
        label="Questions",
        widget=forms.Textarea,
        help_text="What do you want to find out?",
        error_messages=_required("Enter the questions this cycle will answer"),
    )
    prediction = forms.CharField(
        label="Prediction",
        widget=forms.Textarea,
        help_text="What do you think will happen?",
        error_messages=_required("Enter what you predict will happen"),
    )
    who_where_when = forms.CharField(
        label="Who, where and when",
        widget=forms.Textarea,
        error_messages=_required("Enter who will do what, where and when"),
    )
    data_to_collect = forms.CharField(
        label="Data to collect",
        widget=forms.Textarea,
        error_messages=_required("Enter the data you will collect"),
    )
    # Do
    what_happened = forms.CharField(label="What happened", widget=forms.Textarea, required=False)
    observations = forms.CharField(
        label="Observations",
        widget=forms.Textarea,
        required=False,
        help_text="Problems and unexpected effects",
    )
    # Study
    study = forms.CharField(
        label="How did the results compare with the prediction?",
        widget=forms.Textarea,
        required=False,
        help_text="Use the charts on the cycle's page",
    )
    learning = forms.CharField(label="What did you learn?", widget=forms.Textarea, required=False)
    # Act
    decision = forms.ChoiceField(
        label="Decision",
        choices=[("", "Not decided yet"), *Decision.choices],
        widget=forms.RadioSelect,
        required=False,
    )
    next_steps = forms.CharField(
        label="Next steps",
        widget=forms.Textarea,
        required=False,
        help_text="For example, what the next cycle will test",
    )

    def __init__(
        self,
        *args: Any,
        ward: Ward,
        measures: QuerySet[Measure],
        cycle: PdsaCycle | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.ward = ward
        self.fields["change_idea"].queryset = _ideas()
        self.fields["measures"].queryset = measures
        self.fields["driver"].queryset = DriverNode.objects.filter(
            diagram__project__ward=ward, level=NodeLevel.SECONDARY
        )
        self.fields["driver"].label_from_instance = node_text
        earlier = PdsaCycle.objects.filter(ward=ward).select_related("change_idea")
        if cycle is not None:
            earlier = earlier.exclude(pk=cycle.pk)
        self.fields["previous_cycle"].queryset = earlier.order_by("-number")

    def values(self) -> CycleValues:
        d = self.cleaned_data
        return CycleValues(
            change_idea=d["change_idea"],
            measures=list(d["measures"]),
            owner=d["owner"],
            start_date=d["start_date"],
            end_date=d.get("end_date"),
            objective=d["objective"],
            questions=d["questions"],
            prediction=d["prediction"],
            who_where_when=d["who_where_when"],
            data_to_collect=d["data_to_collect"],
            what_happened=d.get("what_happened", ""),
            observations=d.get("observations", ""),
            study=d.get("study", ""),
            learning=d.get("learning", ""),
            decision=d.get("decision", ""),
            next_steps=d.get("next_steps", ""),
            driver=d.get("driver"),
            previous_cycle=d.get("previous_cycle"),
        )


def initial_for(cycle: PdsaCycle) -> dict[str, Any]:
    """A saved cycle as form initial data."""
    data = {name: getattr(cycle, name) for name in PdsaForm.base_fields if hasattr(cycle, name)}
    data["measures"] = [link.measure_id for link in cycle.measure_links.all()]
    data["change_idea"] = cycle.change_idea_id
    data["driver"] = cycle.driver_id
    data["previous_cycle"] = cycle.previous_cycle_id
    return data


class DeleteForm(forms.Form):
    reason = forms.CharField(
        label="Why are you deleting this cycle?",
        widget=forms.Textarea,
        help_text="For example: entered twice by mistake. Kept in the audit log.",
        error_messages=_required("Enter why you are deleting this cycle"),
    )


class AttendanceForm(forms.Form):
    wards = forms.ModelMultipleChoiceField(
        label="Which wards attended?",
        queryset=Ward.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Tick every ward that sent at least one person",
    )

    def __init__(self, *args: Any, wards: QuerySet[Ward], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["wards"].queryset = wards
