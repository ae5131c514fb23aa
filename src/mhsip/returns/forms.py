"""The weekly ward return form, shared by the page and the API.

An empty box means "not known yet" and is stored as missing; 0 means "none this week". A draft
may be partial. A return can be submitted with figures missing only when the user says so
("Some figures are not available this week") and explains (landscape brief §3.7, §4.4).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from mhsip.organisations.models import Ward
from mhsip.returns.models import COUNT_FIELDS

YES_NO = [("yes", "Yes"), ("no", "No")]

# field: (label, hint, noun used in messages)
COUNT_TEXT: dict[str, tuple[str, str, str]] = {
    "restraint_count": (
        "Physical restraints (all positions)",
        "Each time staff held a patient, in any position, including prone.",
        "physical restraints",
    ),
    "prone_restraint_count": (
        "Of which prone (face down)",
        "Prone restraints are also counted in the box above.",
        "prone restraints",
    ),
    "rapid_tranquillisation_count": (
        "Rapid tranquillisation",
        "Medicine given by injection to calm a patient quickly.",
        "rapid tranquillisations",
    ),
    "seclusion_count": ("Episodes of seclusion", "", "episodes of seclusion"),
    "segregation_count": ("Episodes of long-term segregation", "", "episodes of segregation"),
    "mechanical_restraint_count": (
        "Mechanical restraints",
        "For example handcuffs or restraint belts.",
        "mechanical restraints",
    ),
    "sexual_safety_count": ("Sexual-safety incidents", "", "sexual-safety incidents"),
    "awol_count": (
        "Patients absent without leave (AWOL)",
        "Include patients who did not come back from agreed leave.",
        "AWOL episodes",
    ),
    "self_harm_count": ("Self-harm incidents", "", "self-harm incidents"),
}
UNAVAILABLE_LABEL = "Some figures are not available this week"


def _yes_no(value: str) -> bool:
    return value == "yes"


def count_field(label: str, hint: str, noun: str) -> forms.IntegerField:
    return forms.IntegerField(
        required=False,
        min_value=0,
        max_value=100_000,
        label=label,
        help_text=hint,
        error_messages={
            "invalid": f"Enter the number of {noun} as a whole number, like 3 (0 if none)",
            "min_value": f"The number of {noun} must be 0 or more",
            "max_value": f"The number of {noun} must be 100,000 or fewer",
        },
    )


class WeeklyReturnForm(forms.Form):
    """Validate one week's return for ``ward``.

    ``submitting``: the user pressed "Submit" (or the return is already submitted, so every save
    is a correction held to the submission rules); ``correcting``: the return was submitted
    before, so a reason for the change is required (it goes into the audit log).
    """

    occupied_bed_days = forms.IntegerField(
        required=False,
        min_value=0,
        label="Occupied bed days",
        help_text="Add up the patients on the ward at midnight on each of the 7 nights.",
        error_messages={
            "invalid": "Enter occupied bed days as a whole number, like 133",
            "min_value": "Occupied bed days must be 0 or more",
        },
    )
    admissions = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=10_000,
        label="Admissions",
        help_text="Patients admitted to the ward this week, including transfers in. "
        "Enter 0 if there were none.",
        error_messages={
            "invalid": "Enter admissions as a whole number, like 4 (0 if none)",
            "min_value": "Admissions must be 0 or more",
            "max_value": "Admissions must be 10,000 or fewer",
        },
    )
    leave_days_included = forms.TypedChoiceField(
        choices=YES_NO,
        coerce=_yes_no,
        empty_value=None,
        label="Do the bed days include beds held for patients on leave?",
        help_text="Wards differ: some count a bed held for a patient on leave as occupied, some "
        "do not. Say which your ward does.",
        error_messages={"required": "Select yes if the bed days include patients on leave"},
    )
    incident_level = forms.TypedChoiceField(
        choices=[
            ("yes", "From incident records in this service"),
            ("no", "As weekly counts on this form"),
        ],
        coerce=_yes_no,
        empty_value=None,
        label="How does the ward send its restrictive intervention and incident figures?",
        error_messages={"required": "Select how the ward sends its incident figures"},
    )
    restraint_count = count_field(*COUNT_TEXT["restraint_count"])
    prone_restraint_count = count_field(*COUNT_TEXT["prone_restraint_count"])
    rapid_tranquillisation_count = count_field(*COUNT_TEXT["rapid_tranquillisation_count"])
    seclusion_count = count_field(*COUNT_TEXT["seclusion_count"])
    segregation_count = count_field(*COUNT_TEXT["segregation_count"])
    mechanical_restraint_count = count_field(*COUNT_TEXT["mechanical_restraint_count"])
    sexual_safety_count = count_field(*COUNT_TEXT["sexual_safety_count"])
    awol_count = count_field(*COUNT_TEXT["awol_count"])
    self_harm_count = count_field(*COUNT_TEXT["self_harm_count"])
    figures_unavailable = forms.BooleanField(
        required=False,
        label=UNAVAILABLE_LABEL,
        help_text="Tick this to submit with some boxes empty. Empty boxes are reported as "
        "missing, never as zero.",
    )
    unavailable_note = forms.CharField(
        required=False,
        max_length=2000,
        label="Which figures are not available, and why?",
        widget=forms.Textarea,
    )
    notes = forms.CharField(
        required=False,
        max_length=4000,
        label="Notes (optional)",
        help_text="Anything that helps others read this week's figures, for example a ward "
        "closure or a change in how figures were counted.",
        widget=forms.Textarea,
    )
    reason = forms.CharField(
        required=False,
        max_length=2000,
        label="Why are you changing a submitted return?",
        help_text="This is kept in the audit log with your name.",
        widget=forms.Textarea,
    )

    def __init__(
        self,
        *args: Any,
        ward: Ward,
        week_start: dt.date,
        submitting: bool = False,
        correcting: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.ward = ward
        self.week_start = week_start
        self.submitting = submitting or correcting
        self.correcting = correcting

    @property
    def bed_day_limit(self) -> int:
        return self.ward.beds * 7

    def required_for_submission(self, incident_level: bool | None) -> list[str]:
        names = ["occupied_bed_days", "admissions"]
        if incident_level is False:
            names.extend(COUNT_FIELDS)
        return names

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        bed_days = data.get("occupied_bed_days")
        if bed_days is not None and bed_days > self.bed_day_limit:
            self.add_error(
                "occupied_bed_days",
                f"Occupied bed days must be {self.bed_day_limit:,} or fewer: {self.ward.name} "
                f"has {self.ward.beds} beds, so at most {self.ward.beds} × 7 = "
                f"{self.bed_day_limit:,} in a week",
            )
        incident_level = data.get("incident_level")
        if incident_level is False:
            self._check_prone(data)
        else:
            for name in COUNT_FIELDS:
                data[name] = None  # counts come from incident records, not this form
        if data.get("figures_unavailable") and not data.get("unavailable_note", "").strip():
            self.add_error(
                "unavailable_note", "Say which figures are not available this week, and why"
            )
        if self.submitting and not data.get("figures_unavailable"):
            for name in self.required_for_submission(incident_level):
                if name in data and data[name] is None and name not in self.errors:
                    self.add_error(name, self._missing_message(name))
        if self.correcting and not data.get("reason", "").strip():
            self.add_error("reason", "Give a reason for changing a submitted return")
        return data

    def _check_prone(self, data: dict[str, Any]) -> None:
        """Prone restraints are a subset of physical restraints (MHSDS codes 01 within
        01, 07-13), so prone can never exceed the total."""
        prone, restraint = data.get("prone_restraint_count"), data.get("restraint_count")
        if prone is None:
            return
        if restraint is None and "restraint_count" not in self.errors:
            self.add_error(
                "restraint_count",
                f"Enter the number of physical restraints: the {prone} prone restraints are "
                "counted within it",
            )
        elif restraint is not None and prone > restraint:
            self.add_error(
                "prone_restraint_count",
                f"Prone restraints ({prone}) must be no more than all physical restraints "
                f"({restraint}): each prone restraint is also counted as a physical restraint",
            )

    def _missing_message(self, name: str) -> str:
        if name == "occupied_bed_days":
            thing = "occupied bed days"
        elif name == "admissions":
            thing = "admissions (0 if none)"
        else:
            thing = f"the number of {COUNT_TEXT[name][2]} (0 if none)"
        return f"Enter {thing}, or tick ‘{UNAVAILABLE_LABEL}’ and say why"

    def missing_fields(self) -> list[str]:
        """Required items still empty in the cleaned data (what a draft still lacks)."""
        data = getattr(self, "cleaned_data", {})
        return [
            n
            for n in self.required_for_submission(data.get("incident_level"))
            if data.get(n) is None
        ]


def form_data_from_values(values: dict[str, Any]) -> dict[str, str]:
    """Turn API values (ints, bools, None) into the strings a form expects."""
    data: dict[str, str] = {}
    for name, value in values.items():
        if value is None:
            data[name] = ""
        elif isinstance(value, bool):
            data[name] = "yes" if value else "no"
        else:
            data[name] = str(value)
    if data.get("figures_unavailable") == "no":
        data.pop("figures_unavailable")
    elif data.get("figures_unavailable") == "yes":
        data["figures_unavailable"] = "on"
    return data
