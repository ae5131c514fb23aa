"""Forms for governed changes: rebase proposals and decisions, fixed baselines, measures.

Each field has a label, a hint and specific error messages (NHS.UK design system pattern); the
services in :mod:`mhsip.measures.services` apply the rules that need the database.
"""

from __future__ import annotations

from typing import Any

from django import forms

from mhsip.measures.models import (
    Chart,
    Denominator,
    Improvement,
    Kind,
    Measure,
    Period,
)
from mhsip.measures.services import MAX_FIXED_POINTS, MIN_FIXED_POINTS
from mhsip.measures.sources import SOURCES
from mhsip.recording.codes import InterventionType
from mhsip.safety.forms import DatePartsField

#: Sources counted from use-of-force interventions, which a type-code filter applies to.
CODED_SOURCES = {"interventions", "incidents", "people", "duration_hours"}


def measure_choices(measures: list[Measure]) -> list[tuple[str, str]]:
    return [("", "Choose a measure")] + [(m.slug, m.name) for m in measures]


class MeasureChoiceField(forms.ChoiceField):
    def __init__(self, measures: list[Measure], **kwargs: Any) -> None:
        kwargs.setdefault("label", "Measure")
        kwargs.setdefault("error_messages", {"required": "Choose the measure"})
        super().__init__(choices=measure_choices(measures), **kwargs)
        self.error_messages["invalid_choice"] = "Choose one of the measures listed"


class RebaseProposalForm(forms.Form):
    """A ward QI lead's proposal (issue 5 item 4)."""

    measure = forms.ChoiceField()
    starts_on = DatePartsField(
        noun="the date the new limits start",
        label="Date the new limits start",
        help_text="The first day of the week (or month) from which the process changed, for "
        "example 2 6 2025. It must be today or earlier.",
    )
    reason = forms.CharField(
        label="Why should the limits be recalculated?",
        help_text="Making Data Count: recalculate only when a sustained shift has a known "
        "cause. Say what changed and how you know the shift is lasting (for example 7 or "
        "more points below the centre line since the change).",
        max_length=2000,
        widget=forms.Textarea,
        error_messages={
            "required": "Enter the reason for recalculating the limits",
            "max_length": "The reason must be 2,000 characters or fewer",
        },
    )
    change_idea = forms.CharField(
        label="Change idea behind it (optional)",
        help_text="The change idea or PDSA cycle that caused the shift, for example "
        "'Safewards: calm-down methods'.",
        max_length=200,
        required=False,
        error_messages={"max_length": "The change idea must be 200 characters or fewer"},
    )

    def __init__(self, *args: Any, measures: list[Measure], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["measure"] = MeasureChoiceField(
            measures, help_text="The measure whose limits should be recalculated."
        )
        self.by_slug = {m.slug: m for m in measures}
        self.order_fields(["measure", "starts_on", "reason", "change_idea"])

    def clean_measure(self) -> Measure:
        return self.by_slug[self.cleaned_data["measure"]]


DECISIONS = [("approve", "Approve: recalculate the limits from this date"),
             ("reject", "Reject: keep the current limits")]  # fmt: skip


class RebaseDecisionForm(forms.Form):
    """A collaborative admin's decision on a proposed rebase."""

    decision = forms.ChoiceField(
        label="Your decision",
        choices=DECISIONS,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether to approve or reject the rebase",
            "invalid_choice": "Choose whether to approve or reject the rebase",
        },
    )
    note = forms.CharField(
        label="Note to the ward",
        help_text="Required when rejecting: say why, so the ward can act on it.",
        max_length=2000,
        required=False,
        widget=forms.Textarea,
        error_messages={"max_length": "The note must be 2,000 characters or fewer"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("note") or "").strip():
            self.add_error("note", "Enter a note saying why the rebase is rejected")
        return data


BASELINE_ACTIONS = [
    ("fix", "Fix the centre and limits on the first points"),
    ("unfix", "Stop fixing: calculate the limits from all points"),
]


class FixedBaselineForm(forms.Form):
    """Fix (or stop fixing) a ward's limits on its first N points."""

    measure = forms.ChoiceField()
    action = forms.ChoiceField(
        label="What do you want to do?",
        choices=BASELINE_ACTIONS,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether to fix the baseline or stop fixing it",
            "invalid_choice": "Choose whether to fix the baseline or stop fixing it",
        },
    )
    points = forms.IntegerField(
        label="Number of points the baseline uses",
        help_text=f"Only when fixing. Making Data Count suggests about 20; between "
        f"{MIN_FIXED_POINTS} and {MAX_FIXED_POINTS}.",
        required=False,
        error_messages={
            "invalid": "Enter the number of points as a whole number, like 20",
        },
    )
    reason = forms.CharField(
        label="Reason",
        help_text="Why the baseline should be fixed, or no longer fixed. It is kept in the "
        "audit log.",
        max_length=2000,
        widget=forms.Textarea,
        error_messages={
            "required": "Enter the reason for the change",
            "max_length": "The reason must be 2,000 characters or fewer",
        },
    )

    def __init__(self, *args: Any, measures: list[Measure], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["measure"] = MeasureChoiceField(measures)
        self.by_slug = {m.slug: m for m in measures}
        self.order_fields(["measure", "action", "points", "reason"])

    def clean_measure(self) -> Measure:
        return self.by_slug[self.cleaned_data["measure"]]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("action") == "fix":
            points = data.get("points")
            if points is None and "points" not in self.errors:
                self.add_error("points", "Enter the number of points the baseline uses")
            elif points is not None and not MIN_FIXED_POINTS <= points <= MAX_FIXED_POINTS:
                self.add_error(
                    "points",
                    f"The number of points must be between {MIN_FIXED_POINTS} and "
                    f"{MAX_FIXED_POINTS}",
                )
        return data


def _choices(options: Any) -> list[tuple[str, str]]:
    return [(str(v), str(label)) for v, label in options.choices]


class MeasureForm(forms.Form):
    """Add or change a measure definition (issue 5 item 1)."""

    name = forms.CharField(
        label="Name",
        max_length=200,
        help_text="Short, as on a chart title, for example 'Prone restraint'.",
        error_messages={
            "required": "Enter the name of the measure",
            "max_length": "The name must be 200 characters or fewer",
        },
    )
    description = forms.CharField(
        label="Description",
        widget=forms.Textarea,
        help_text="Plain English: what is counted, over what, and why it matters.",
        max_length=4000,
        error_messages={
            "required": "Enter a description of the measure",
            "max_length": "The description must be 4,000 characters or fewer",
        },
    )
    source = forms.ChoiceField(
        label="What is counted (numerator)",
        choices=[(k, s.label) for k, s in SOURCES.items()],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the measure counts"},
    )
    type_codes = forms.MultipleChoiceField(
        label="Only these restrictive intervention types (optional)",
        help_text="MHSDS RESTRICTIVE INTERVENTION TYPE codes. Leave all unticked to count "
        "every type. Only for counts of interventions, incidents, people or hours.",
        choices=[(c.value, f"{c.label} ({c.value})") for c in InterventionType],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    denominator = forms.ChoiceField(
        label="Denominator",
        choices=_choices(Denominator),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the denominator"},
    )
    multiplier = forms.FloatField(
        label="Multiplier",
        help_text="For rates: 1000 for 'per 1,000 occupied bed days'; 100 for a percentage; "
        "1 for a count.",
        min_value=0.0001,
        max_value=1_000_000,
        error_messages={
            "required": "Enter the multiplier (1 for a count)",
            "invalid": "Enter the multiplier as a number, like 1000",
            "min_value": "The multiplier must be more than 0",
            "max_value": "The multiplier must be 1,000,000 or less",
        },
    )
    period = forms.ChoiceField(
        label="Period",
        choices=_choices(Period),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose weekly or monthly"},
    )
    default_chart = forms.ChoiceField(
        label="Default chart",
        choices=_choices(Chart),
        help_text="A u chart for rates per bed day; XmR (Making Data Count) or a c chart for "
        "counts; g or t charts for rare events. Wards with fewer than 13 points get a run chart.",
        error_messages={"required": "Choose the default chart"},
    )
    improvement = forms.ChoiceField(
        label="Improvement direction",
        choices=_choices(Improvement),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the improvement direction"},
    )
    target = forms.FloatField(
        label="Target (optional)",
        help_text="In the measure's units, for the assurance icon. Leave empty for no target.",
        required=False,
        error_messages={"invalid": "Enter the target as a number, like 20"},
    )
    kind = forms.ChoiceField(
        label="Kind of measure",
        choices=_choices(Kind),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of measure"},
    )
    unit = forms.CharField(
        label="Unit (optional)",
        help_text="Shown after values, for example 'per 1,000 occupied bed days'.",
        max_length=60,
        required=False,
        error_messages={"max_length": "The unit must be 60 characters or fewer"},
    )
    order = forms.IntegerField(
        label="Position in lists",
        help_text="Lower numbers come first.",
        min_value=0,
        max_value=32767,
        initial=100,
        error_messages={
            "required": "Enter the position, like 100",
            "invalid": "Enter the position as a whole number, like 100",
            "min_value": "The position must be 0 or more",
            "max_value": "The position must be 32,767 or less",
        },
    )
    restricted = forms.BooleanField(
        label="Restricted: show only to roles that see safety records",
        help_text="For sexual safety and AWOL measures: hidden from analysts and network members.",
        required=False,
    )
    is_active = forms.BooleanField(
        label="In use: show on dashboards and the collaborative overview",
        required=False,
        initial=True,
    )
    reason = forms.CharField(
        label="Reason for the change",
        help_text="Kept in the audit log.",
        max_length=2000,
        required=False,
        widget=forms.Textarea,
        error_messages={"max_length": "The reason must be 2,000 characters or fewer"},
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.editing = editing
        if editing:
            self.fields["reason"].required = True
            self.fields["reason"].error_messages["required"] = (
                "Enter the reason for changing this measure"
            )
        else:
            del self.fields["reason"]

    #: A new measure starts as the commonest kind: a weekly rate per 1,000 occupied bed days.
    DEFAULTS: dict[str, Any] = {
        "kind": Kind.OUTCOME,
        "denominator": Denominator.BED_DAYS,
        "multiplier": 1000,
        "unit": "per 1,000 occupied bed days",
        "period": Period.WEEK,
        "default_chart": Chart.U,
        "improvement": Improvement.DECREASE,
        "order": 100,
        "is_active": True,
    }

    @classmethod
    def initial_for(cls, measure: Measure | None) -> dict[str, Any]:
        if measure is None:
            return dict(cls.DEFAULTS)
        return {
            "name": measure.name,
            "description": measure.description,
            "source": measure.source,
            "type_codes": list(measure.type_codes or []),
            "denominator": measure.denominator,
            "multiplier": measure.multiplier,
            "period": measure.period,
            "default_chart": measure.default_chart,
            "improvement": measure.improvement,
            "target": measure.target,
            "kind": measure.kind,
            "unit": measure.unit,
            "order": measure.order,
            "restricted": measure.restricted,
            "is_active": measure.is_active,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("type_codes") and data.get("source") not in CODED_SOURCES | {None}:
            self.add_error(
                "type_codes",
                "Intervention types apply only to counts of interventions, incidents, people "
                "or hours: untick them or choose one of those",
            )
        denominator, chart = data.get("denominator"), data.get("default_chart")
        if denominator == Denominator.NONE and chart in {"p", "pp", "u", "up"}:
            self.add_error(
                "default_chart",
                "A u or p chart needs a denominator: choose another chart or a denominator",
            )
        if denominator == Denominator.INCIDENTS and chart in {"u", "up"}:
            self.add_error(
                "default_chart",
                "A percentage of incidents needs a p chart, not a u chart",
            )
        return data

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("reason", None)
        data["type_codes"] = sorted(data.get("type_codes") or [])
        data["unit"] = data.get("unit") or ""
        return data
