"""Import weekly ward returns ("MHSIP weekly return import v1"): one row per ward and week.

Blank is *missing* and 0 is *none*, exactly as on the form (landscape brief §3.7). Each row is
validated by the returns app's own :class:`~mhsip.returns.forms.WeeklyReturnForm`, as a
submission, and written by :func:`~mhsip.returns.services.save_weekly_return`: one rule set and
one write path for the page, the API and the import. A file writes nothing unless every row is
valid (or ``valid_only``); an unchanged week is left alone; a changed submitted week is corrected
with the audit reason "re-imported from <file>". Returns are few (one per ward per week), so each
is saved, and audited, one by one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from mhsip.imports.common import Errors, Outcome, Scope
from mhsip.imports.mappings import Mapping
from mhsip.imports.normalise import (
    UnreadableValueError,
    shown,
    to_bool,
    to_choice,
    to_date,
    to_whole_number,
)
from mhsip.imports.tables import Table
from mhsip.recording.codes import RecordStatus, YesNoUnknown
from mhsip.returns import services
from mhsip.returns.forms import WeeklyReturnForm
from mhsip.returns.models import COUNT_FIELDS, WeeklyReturn

NUMBER_COLUMNS = ("occupied_bed_days", "admissions", *COUNT_FIELDS)
RETURN_COLUMNS = (
    "ward_code",
    "week_start",
    "occupied_bed_days",
    "admissions",
    "leave_days_included",
    "incident_level",
    *COUNT_FIELDS,
    "figures_unavailable",
    "unavailable_note",
    "notes",
)
COMPARED = (
    "occupied_bed_days",
    "admissions",
    "leave_days_included",
    "incident_level",
    *COUNT_FIELDS,
    "figures_unavailable",
    "unavailable_note",
    "notes",
)


class ReturnImport:
    def __init__(
        self,
        table: Table,
        *,
        mapping: Mapping,
        scope: Scope,
        file_name: str,
        user: Any = None,
        dry_run: bool = False,
        valid_only: bool = False,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        self.table = table
        self.mapping = mapping
        self.scope = scope
        self.user = user
        self.dry_run = dry_run
        self.valid_only = valid_only
        self.update_reason = f"re-imported from {file_name}"
        self.progress = progress or (lambda n: None)
        self.errors = Errors()
        self.rows: list[tuple[int, Any, dt.date, dict[str, Any], WeeklyReturn | None]] = []
        self.today = timezone.localdate()

    def run(self) -> Outcome:
        outcome = Outcome()
        binding = self.mapping.bind(self.table.header, RETURN_COLUMNS)
        self.binding = binding
        for problem in binding.problems:
            self.errors.add(1, "(header)", problem)
        required = ["week_start"] + (["ward_code"] if self.scope.ward is None else [])
        for column in required:
            if column not in binding.index:
                self.errors.add(1, column, "the column is missing from row 1 (the column names)")
        count = 0
        if not self.errors.count:
            seen: dict[tuple[int, dt.date], int] = {}
            for number, cells in self.table.rows:
                if not any(cells):
                    continue
                count += 1
                self.read_row(number, binding.extract(cells), seen)
                if count % 500 == 0:
                    self.progress(count)
        self.progress(count)
        actions = self.compare()
        may_write = not self.dry_run and (self.errors.count == 0 or self.valid_only)
        if may_write:
            with transaction.atomic():
                for (_number, ward, week, values, existing), action in zip(
                    self.rows, actions, strict=True
                ):
                    if action in {"create", "update"}:
                        services.save_weekly_return(
                            ward=ward,
                            week_start=week,
                            values=values,
                            submit=True,
                            user=self.user,
                            reason=self.update_reason if existing is not None else "",
                        )
        outcome.rows = count
        outcome.incidents = len(self.rows)
        outcome.created = actions.count("create")
        outcome.updated = actions.count("update")
        outcome.unchanged = actions.count("unchanged")
        outcome.rejected = count - len(self.rows)
        outcome.errors = self.errors.listed()
        outcome.error_count = self.errors.count
        outcome.summary = {
            "mapping": self.mapping.name,
            "rows": count,
            "ignored_columns": binding.ignored,
            "dry_run": self.dry_run,
            "valid_only": self.valid_only,
            "written": may_write,
        }
        return outcome

    def label(self, column: str) -> str:
        return self.binding.label(column)

    def read_row(
        self, number: int, raw: dict[str, str], seen: dict[tuple[int, dt.date], int]
    ) -> None:
        errors_before = self.errors.count
        ward = week = None
        try:
            ward = self.scope.resolve(raw.get("ward_code", ""))
        except UnreadableValueError as exc:
            self.errors.add(number, self.label("ward_code"), str(exc))
        try:
            week = self.week(raw.get("week_start", ""), ward)
        except UnreadableValueError as exc:
            self.errors.add(number, self.label("week_start"), str(exc))
        if ward is None or week is None:
            return
        first = seen.setdefault((ward.pk, week), number)
        if first != number:
            self.errors.add(
                number,
                self.label("week_start"),
                f"{ward.code} week of {week:%d/%m/%Y} is already in row {first}",
            )
            return
        existing = WeeklyReturn.objects.filter(ward=ward, week_start=week).first()
        correcting = existing is not None and existing.status == RecordStatus.SUBMITTED
        data = self.form_data(number, raw, ward, week)
        if correcting:
            data["reason"] = self.update_reason
        form = WeeklyReturnForm(
            data, ward=ward, week_start=week, submitting=True, correcting=correcting
        )
        if not form.is_valid():
            for name, messages in form.errors.items():
                column = name if name in RETURN_COLUMNS else "(row)"
                self.errors.add(number, self.label(column), messages[0])
        if self.errors.count == errors_before:
            self.rows.append((number, ward, week, form.cleaned_data, existing))

    def week(self, raw: str, ward: Any) -> dt.date:
        week = to_date(raw)
        if week is None:
            raise UnreadableValueError("is blank; give the Monday the week begins")
        if week.weekday() != 0:
            raise UnreadableValueError(
                f"{shown(raw)} is a {week:%A}; a return's week begins on a Monday"
            )
        if week > self.today:
            raise UnreadableValueError(f"{shown(raw)} is in the future")
        if ward is not None and not services.ward_open_in_week(ward, week):
            raise UnreadableValueError(f"{ward} was not open in the week of {week:%d/%m/%Y}")
        return week

    def form_data(self, number: int, raw: dict[str, str], ward: Any, week: dt.date) -> dict:
        """The strings the form reads. Blank stays blank (missing); 0 stays 0 (none)."""
        data: dict[str, str] = {
            name: to_whole_number(raw[name]) for name in NUMBER_COLUMNS if name in raw
        }
        for name in ("leave_days_included", "incident_level"):
            value = to_choice(raw.get(name, ""), YesNoUnknown)
            if value:
                data[name] = value
        if "incident_level" not in data:
            # counts given: the ward sends weekly counts; none: they come from incident records
            data["incident_level"] = "no" if any(data.get(n) for n in COUNT_FIELDS) else "yes"
        if "leave_days_included" not in data:
            previous = services.previous_return(ward, week)
            data["leave_days_included"] = (
                "no" if previous is not None and not previous.leave_days_included else "yes"
            )
        try:
            if to_bool(raw.get("figures_unavailable", "")):
                data["figures_unavailable"] = "on"
        except UnreadableValueError as exc:
            self.errors.add(number, self.label("figures_unavailable"), str(exc))
        for name in ("unavailable_note", "notes"):
            data[name] = raw.get(name, "")
        return data

    def compare(self) -> list[str]:
        actions = []
        for _number, _ward, _week, values, existing in self.rows:
            if existing is None:
                actions.append("create")
                continue
            stored = {name: getattr(existing, name) for name in COMPARED}
            new = {name: values.get(name) for name in COMPARED}
            new["figures_unavailable"] = bool(new["figures_unavailable"])
            new["unavailable_note"] = new["unavailable_note"] if new["figures_unavailable"] else ""
            new["notes"] = new["notes"] or ""
            same = stored == new and existing.status == RecordStatus.SUBMITTED
            actions.append("unchanged" if same else "update")
        return actions


def template_header() -> list[str]:
    return list(RETURN_COLUMNS)
