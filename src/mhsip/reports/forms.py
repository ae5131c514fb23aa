"""The two forms that start a report: the annual report's year, and a ward pack's ward, month
and audience. Each field has a label and hint on the page; errors name the field."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from mhsip.organisations.models import Ward

AUDIENCES = [
    ("hes", "For sharing: small numbers hidden (HES rule)"),
    ("none", "For the ward team only: exact numbers, not for publication"),
]


class AnnualForm(forms.Form):
    year = forms.TypedChoiceField(
        coerce=int,
        error_messages={
            "required": "Select the year the report covers",
            "invalid_choice": "Select a year from the list",
        },
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in years]
        if years and not self.is_bound:
            self.initial["year"] = years[0]


def recent_months(today: dt.date, count: int = 24) -> list[tuple[str, str]]:
    """The last ``count`` months, newest first, as (``YYYY-MM``, "March 2026")."""
    out = []
    year, month = today.year, today.month
    for _ in range(count):
        day = dt.date(year, month, 1)
        out.append((f"{day:%Y-%m}", f"{day:%B %Y}"))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out


class WardPackForm(forms.Form):
    ward = forms.ModelChoiceField(
        queryset=Ward.objects.none(),
        to_field_name="code",
        error_messages={
            "required": "Select the ward",
            "invalid_choice": "Select a ward from the list",
        },
    )
    month = forms.ChoiceField(
        error_messages={
            "required": "Select the month",
            "invalid_choice": "Select a month from the list",
        }
    )
    audience = forms.ChoiceField(
        choices=AUDIENCES,
        initial="hes",
        error_messages={"required": "Select who the pack is for"},
    )

    def __init__(self, *args: Any, wards: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ward"].queryset = wards.order_by("name")
        months = recent_months(today)
        self.fields["month"].choices = months
        if not self.is_bound:
            self.initial["month"] = months[1][0]  # last month: the latest complete one
