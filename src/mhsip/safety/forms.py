"""Forms for sexual-safety incidents, AWOL and leave incidents, and inpatient deaths.

Wording is trauma-informed: plain, non-judgemental, and "alleged" wherever responsibility is
not established (CQC 2018, domain brief §6). A patient is named only by a local identifier,
turned into a pseudonymous key at once and never stored (ADR 0005). Dates use the NHS.UK
date-input pattern (day, month, year) with a separate 24-hour time.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils import timezone

from mhsip.organisations.models import Ward
from mhsip.safety.codes import AwolOutcome, PersonRole
from mhsip.safety.models import AwolIncident, InpatientDeath, SexualSafetyIncident

IDENTIFIER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 /-]{0,29}$")
TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")
PARTS = ("day", "month", "year", "time")


class DatePartsWidget(forms.Widget):
    """Reads ``<name>-day``, ``-month``, ``-year`` (and ``-time``) as one value: a dict of the
    strings typed, so a bad entry is shown back exactly as it was typed."""

    def __init__(self, with_time: bool) -> None:
        super().__init__()
        self.with_time = with_time

    def value_from_datadict(self, data: Any, files: Any, name: str) -> dict[str, str]:
        parts = PARTS if self.with_time else PARTS[:3]
        return {p: str(data.get(f"{name}-{p}", "")).strip() for p in parts}

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return not any(f"{name}-{p}" in data for p in PARTS)


class DatePartsField(forms.Field):
    """A date typed as day, month and year (NHS.UK date input), optionally with a time.

    ``noun`` names the date in messages ("the date they left"); dates in the future are refused.
    """

    anchor_suffix = "-day"  # the error summary links to the day box

    def __init__(self, *, noun: str, with_time: bool = False, **kwargs: Any) -> None:
        self.noun = noun
        self.with_time = with_time
        kwargs.setdefault("widget", DatePartsWidget(with_time))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dt.datetime):
            local = timezone.localtime(value)
            return {
                "day": str(local.day),
                "month": str(local.month),
                "year": str(local.year),
                "time": f"{local:%H:%M}",
            }
        if isinstance(value, dt.date):
            return {"day": str(value.day), "month": str(value.month), "year": str(value.year)}
        return value or {}

    def to_python(self, value: Any) -> dt.date | dt.datetime | None:
        parts = value or {}
        if not any(parts.values()):
            return None
        wanted = ["day", "month", "year"] + (["time"] if self.with_time else [])
        absent = [p for p in wanted if not parts.get(p)]
        if absent:
            raise forms.ValidationError(f"{self.noun.capitalize()} must include a {absent[0]}")
        try:
            day = dt.date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
        except ValueError:
            raise forms.ValidationError(
                f"{self.noun.capitalize()} must be a real date, like 27 3 2025"
            ) from None
        if day.year < 1990:
            raise forms.ValidationError(f"{self.noun.capitalize()} must be after 1990")
        if not self.with_time:
            return day
        match = TIME.match(parts["time"])
        if match is None:
            raise forms.ValidationError(
                f"Enter the time of {self.noun} in 24-hour hours and minutes, like 14:30"
            )
        naive = dt.datetime.combine(day, dt.time(int(match[1]), int(match[2])))
        return timezone.make_aware(naive)

    def validate(self, value: Any) -> None:
        if value is None:
            if self.required:
                raise forms.ValidationError(f"Enter {self.noun}")
            return
        now = timezone.now()
        if (value > now) if isinstance(value, dt.datetime) else (value > timezone.localdate()):
            raise forms.ValidationError(f"{self.noun.capitalize()} must be today or in the past")


def identifier_field(label: str, *, required: bool = False) -> forms.CharField:
    return forms.CharField(
        required=required,
        max_length=30,
        label=label,
        help_text="Used only to link records about the same patient. It is turned into a "
        "pseudonymous code at once and never stored.",
        error_messages={"required": "Enter the patient's hospital number"},
    )


def clean_identifier(value: str) -> str:
    value = (value or "").strip()
    if value and not IDENTIFIER.match(value):
        raise forms.ValidationError(
            "A hospital number can only contain letters, numbers, spaces, hyphens and slashes"
        )
    return value


class RecordForm(forms.ModelForm):
    """Shared behaviour: radios without a blank choice, a reason when editing, and local
    identifiers that become pseudonymous patient links in :mod:`mhsip.safety.services`."""

    # identifier field -> (patient foreign key, role field that must be "patient", or "")
    identifier_fields: dict[str, tuple[str, str]] = {}
    required_messages: dict[str, str] = {}

    reason = forms.CharField(
        required=False,
        max_length=2000,
        label="Why are you changing this record?",
        help_text="This is kept in the audit log with your name.",
        widget=forms.Textarea,
    )

    def __init__(self, *args: Any, ward: Ward, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ward = ward
        self.instance.ward = ward
        self.editing = editing
        if not editing:
            del self.fields["reason"]
        for name, message in self.required_messages.items():
            self.fields[name].error_messages["required"] = message
        for name, field in self.fields.items():
            if isinstance(field, forms.TypedChoiceField | forms.ChoiceField):
                field.choices = [c for c in field.choices if c[0] != ""]
            if name in self.identifier_fields and editing and self.instance_has_patient(name):
                field.required = False
                field.help_text = (
                    "Leave empty to keep the patient already linked. " + field.help_text
                )

    def instance_has_patient(self, identifier_field: str) -> bool:
        fk = self.identifier_fields[identifier_field][0]
        return getattr(self.instance, f"{fk}_id", None) is not None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name, (_fk, role_field) in self.identifier_fields.items():
            if name in self.errors:
                continue
            data[name] = clean_identifier(data.get(name, ""))
            if role_field and data[name] and data.get(role_field) not in (None, PersonRole.PATIENT):
                self.add_error(name, "Only give a hospital number when this person is a patient")
        reference = (data.get("local_reference") or "").strip()
        if reference and "local_reference" not in self.errors:
            others = type(self.instance).objects.filter(ward=self.ward, local_reference=reference)
            if others.exclude(pk=self.instance.pk).exists():
                self.add_error(
                    "local_reference",
                    f"Another record on {self.ward.name} already has the reference {reference}",
                )
        if self.editing and not data.get("reason", "").strip():
            self.add_error("reason", "Give a reason for changing this record")
        return data


class SexualSafetyForm(RecordForm):
    identifier_fields = {
        "affected_identifier": ("affected_patient", "affected_role"),
        "perpetrator_identifier": ("perpetrator_patient", "perpetrator_role"),
    }
    required_messages = {
        "category": "Select what kind of incident it was",
        "affected_role": "Select who was affected",
        "perpetrator_role": "Select who is alleged to have been responsible",
        "harm": "Select the harm caused",
    }

    occurred_at = DatePartsField(
        noun="when it happened",
        with_time=True,
        label="When did it happen?",
        help_text="For example, 27 3 2025 and 14:30. If you do not know the exact time, give "
        "your best estimate and say so in the description.",
    )
    affected_identifier = identifier_field(
        "If the person affected is a patient: their hospital number (optional)"
    )
    perpetrator_identifier = identifier_field(
        "If the person alleged to be responsible is a patient: their hospital number (optional)"
    )

    class Meta:
        model = SexualSafetyIncident
        fields = [
            "occurred_at",
            "category",
            "affected_role",
            "affected_identifier",
            "perpetrator_role",
            "perpetrator_identifier",
            "harm",
            "police_informed",
            "safeguarding_referral",
            "description",
            "local_reference",
        ]
        labels = {
            "category": "What kind of incident was it?",
            "affected_role": "Who was affected?",
            "perpetrator_role": "Who is alleged to have been responsible?",
            "harm": "What harm was caused?",
            "police_informed": "The police have been informed",
            "safeguarding_referral": "A safeguarding referral has been made",
            "description": "What happened (optional)",
            "local_reference": "Reference in your incident system (optional)",
        }
        help_texts = {
            "category": "Choose the closest description. The categories are those of the Care "
            "Quality Commission's 2018 review of sexual safety on mental health wards.",
            "perpetrator_role": "Record what was reported. This is not a finding about what "
            "happened.",
            "harm": "Include emotional harm and distress. Most incidents nationally are graded "
            "no or low harm, which the Care Quality Commission judged understated their impact.",
            "description": "Use the words of the person affected where you can. Do not write "
            "anyone's name.",
            "local_reference": "For example the Datix or Ulysses number, so the records can be "
            "matched.",
        }
        widgets = {"description": forms.Textarea}


class AwolForm(RecordForm):
    identifier_fields = {"patient_identifier": ("patient", "")}
    required_messages = {
        "kind": "Select what happened",
        "legal_status": "Select the patient's legal status",
        "outcome": "Select the outcome",
    }

    patient_identifier = identifier_field("Hospital number of the patient", required=True)
    left_at = DatePartsField(
        noun="when the patient left",
        with_time=True,
        label="When did the patient leave, or when were they due back?",
        help_text="For example, 27 3 2025 and 21:15.",
    )
    returned_at = DatePartsField(
        noun="when the patient came back",
        with_time=True,
        required=False,
        label="When did the patient come back? (optional)",
        help_text="Leave empty if the patient has not come back yet.",
    )

    class Meta:
        model = AwolIncident
        fields = [
            "patient_identifier",
            "kind",
            "left_at",
            "returned_at",
            "legal_status",
            "outcome",
            "police_informed",
            "description",
            "local_reference",
        ]
        labels = {
            "kind": "What happened?",
            "legal_status": "The patient's legal status at the time",
            "outcome": "Outcome",
            "police_informed": "The police were informed",
            "description": "Details (optional)",
            "local_reference": "Reference in your incident system (optional)",
        }
        help_texts = {
            "outcome": "If the patient died while absent, also record the inpatient death.",
            "description": "Do not write anyone's name.",
        }
        widgets = {"description": forms.Textarea}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        left, returned = data.get("left_at"), data.get("returned_at")
        if left and returned and returned < left:
            self.add_error("returned_at", "The time the patient came back must be after they left")
        if returned and data.get("outcome") == AwolOutcome.STILL_MISSING:
            self.add_error("returned_at", "Leave this empty while the patient is still missing")
        return data


YES_NO = [("yes", "Yes"), ("no", "No")]


class InpatientDeathForm(RecordForm):
    identifier_fields = {"patient_identifier": ("patient", "")}
    required_messages = {
        "status": "Select where the patient was when they died",
        "legal_status": "Select the patient's legal status",
        "observation_level": "Select the observation level",
    }

    patient_identifier = identifier_field("Hospital number of the patient", required=True)
    died_on = DatePartsField(noun="the date of death", label="Date of death")
    admitted_on = DatePartsField(
        noun="the date of admission",
        required=False,
        label="Date of admission (optional)",
        help_text="The days since admission are worked out from this. The first week after "
        "admission is a time of high risk.",
    )
    suspected_suicide = forms.TypedChoiceField(
        choices=YES_NO,
        coerce=lambda v: v == "yes",
        label="Is suicide suspected?",
        help_text="Answer with what is known now. You can change it after the inquest.",
        error_messages={"required": "Select yes if suicide is suspected"},
    )

    class Meta:
        model = InpatientDeath
        fields = [
            "patient_identifier",
            "died_on",
            "status",
            "suspected_suicide",
            "legal_status",
            "observation_level",
            "admitted_on",
            "notes",
        ]
        labels = {
            "status": "Where was the patient when they died?",
            "legal_status": "The patient's legal status",
            "observation_level": "Observation level at the time",
            "notes": "Notes (optional)",
        }
        help_texts = {
            "status": "A current inpatient, whether on the ward or away from it (the National "
            "Confidential Inquiry's definition).",
            "notes": "Do not write anyone's name.",
        }
        widgets = {"notes": forms.Textarea}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["suspected_suicide"] = "yes" if self.instance.suspected_suicide else "no"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        died, admitted = data.get("died_on"), data.get("admitted_on")
        if died and admitted and admitted > died:
            self.add_error(
                "admitted_on", "The date of admission must be on or before the date of death"
            )
        return data
