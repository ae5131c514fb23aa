"""The upload form: what the file holds, which ward (or whole trust) it is for, which mapping
reads it, and the file itself. Choices are limited to what the user may import to."""

from __future__ import annotations

from typing import Any

from django import forms

from mhsip.imports import jobs
from mhsip.imports.mappings import shipped
from mhsip.imports.models import ImportKind
from mhsip.organisations.models import Trust, Ward

ALLOWED_SUFFIXES = (".csv", ".xlsx")


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        choices=ImportKind.choices,
        label="What does the file hold?",
        error_messages={"required": "Select what the file holds"},
    )
    scope = forms.ChoiceField(
        label="Which ward is it for?",
        help_text="A trust lead can import a file for every ward of the trust; each row then "
        "names its ward in the ward_code column.",
        error_messages={
            "required": "Select the ward the file is for",
            "invalid_choice": "Select a ward you can record for",
        },
    )
    mapping = forms.ChoiceField(
        label="Which system exported the file?",
        help_text="The mapping translates that system's column names and codes into MHSIP's.",
        error_messages={"required": "Select the system that exported the file"},
    )
    file = forms.FileField(
        label="Upload the file",
        help_text="A CSV (saved from Excel as 'CSV UTF-8') or an Excel workbook (.xlsx), "
        "up to 100 MB. The first row holds the column names.",
        error_messages={
            "required": "Select a file to import",
            "empty": "The selected file is empty",
            "invalid": "Select a file to import",
        },
    )
    dry_run = forms.BooleanField(
        required=False,
        label="Check the file only: show what would be created, updated and rejected, "
        "and write nothing",
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        wards = jobs.recordable_wards(user).order_by("site__trust__name", "name")
        trusts = jobs.importable_trusts(user).order_by("name")
        self.fields["scope"].choices = (
            [("", "Select a ward")]
            + [(f"ward:{w.code}", f"{w.name} ({w.code})") for w in wards]
            + [(f"trust:{t.ods_code}", f"Every ward of {t.name}") for t in trusts]
        )
        names = {m.name: m.title for kind in ImportKind.values for m in shipped(kind).values()}
        names["canonical"] = "MHSIP's own format (the column names and codes of the import guide)"
        self.fields["mapping"].choices = sorted(names.items(), key=lambda x: x[0] != "canonical")

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith(ALLOWED_SUFFIXES):
            raise forms.ValidationError("The selected file must be a CSV or XLSX file")
        if upload.size > jobs.MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The selected file must be smaller than 100 MB")
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind, mapping = data.get("kind"), data.get("mapping")
        if kind and mapping and mapping not in shipped(kind):
            self.add_error(
                "mapping",
                f"There is no {mapping} mapping for {ImportKind(kind).label.split(' (')[0].lower()}"
                ": choose MHSIP's own format for this kind of file",
            )
        return data

    def target(self) -> tuple[Ward | None, Trust | None]:
        """The ward or trust chosen (already limited to the user's by the choices)."""
        what, _, code = self.cleaned_data["scope"].partition(":")
        if what == "ward":
            return jobs.recordable_wards(self.user).get(code=code), None
        return None, jobs.importable_trusts(self.user).get(ods_code=code)
