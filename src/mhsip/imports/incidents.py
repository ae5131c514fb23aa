"""Import use-of-force incidents from an incident-system export ("MHSIP incident import v1").

One row per intervention (MHSDS MHS515), grouped into incidents (MHS505) by the incident
reference; every item of the Mental Health Units (Use of Force) Act 2018 s.6(5) has a column.
The steps, each over the whole file before the next:

1. **Read** every row, translate it through the mapping and :mod:`mhsip.imports.normalise`, and
   group rows into incidents. Incident-level columns come from an incident's first row; later
   rows may repeat them or leave them blank, but may not contradict them.
2. **Validate** each incident with the recording services' own cleaner
   (:mod:`mhsip.recording.services`), the rule set the forms and the API use, and map each
   field-keyed problem back to a spreadsheet row and column.
3. **Compare** with what is stored (key: ward + incident reference): new, changed or unchanged.
4. **Write**, only if nothing was rejected (or ``valid_only``), in one transaction: new records
   in bulk with one audit summary row per model, changed records through
   :func:`mhsip.recording.services.incident_update` with the audit reason
   "re-imported from <file>". Unchanged records are left alone.

Pseudonymisation happens at the boundary (ADR 0005): the local patient identifier becomes the
patient key and is never stored; the patient's name, NHS number and staff names are read only
when the trust's identifiable mode is on (then kept encrypted), and otherwise dropped unread.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mhsip.audit.log import record_bulk
from mhsip.imports.bulk import insert_rows
from mhsip.imports.common import Errors, Outcome, Scope, chunks
from mhsip.imports.mappings import Binding, Mapping
from mhsip.imports.normalise import (
    UnreadableValueError,
    shown,
    to_bool,
    to_choice,
    to_choices,
    to_date,
    to_datetime,
    to_ethnicity,
    to_type_code,
    to_whole_number,
    two_digit,
)
from mhsip.imports.tables import Table
from mhsip.organisations.models import Trust, Ward
from mhsip.recording import identity, services
from mhsip.recording.codes import (
    DeEscalation,
    NonStaffInvolvement,
    Place,
    RecordStatus,
    Religion,
    ReviewNotHeldReason,
    Sex,
    SexualOrientation,
    StaffRole,
    YesNoNotApplicable,
    YesNoUnknown,
)
from mhsip.recording.models import (
    Intervention,
    Patient,
    PatientIdentity,
    StaffIdentity,
    StaffInvolved,
    UseOfForceIncident,
)

MAX_REFERENCE = 50  # UseOfForceIncident.local_reference
MEMO_LIMIT = 5_000  # distinct values remembered per coded column
BATCH = 2000

Normaliser = Callable[[str], Any]


def _text(raw: str) -> str:
    return raw


def _choice(choices: Any) -> Normaliser:
    return lambda raw: to_choice(raw, choices)


def _type_code(raw: str) -> str:
    return to_type_code(raw)[0]


def _items(raw: str) -> str:
    """A ';'-separated list, spaced evenly, keeping empty places (they pair titles with roles)."""
    return "; ".join(part.strip() for part in re.split(r"[;|]", raw)) if raw.strip() else ""


# Our columns, in the order of the template file: column -> (where it goes, how it is read).
# "where": "key" (the incident's identity), "incident" (services data), "patient" (services
# data["patient"]), "identity" (identifiable mode only), "staff" (lists), "intervention".
INCIDENT_COLUMNS: dict[str, tuple[str, str, Normaliser]] = {
    "ward_code": ("key", "ward_code", _text),
    "incident_reference": ("key", "local_reference", _text),
    "local_patient_id": ("key", "patient_identifier", _text),
    "patient_name": ("identity", "name", _text),
    "nhs_number": ("identity", "nhs_number", _text),
    "status": ("incident", "status", _choice(RecordStatus)),
    "incident_start": ("incident", "started_at", to_datetime),
    "incident_end": ("incident", "ended_at", to_datetime),
    "place": ("incident", "place", _choice(Place)),
    "place_detail": ("incident", "place_detail", _text),
    "reason": ("incident", "reason", two_digit),
    "reason_detail": ("incident", "reason_detail", _text),
    "how_force_used": ("incident", "how_force_used", _text),
    "de_escalation": ("incident", "de_escalation", lambda r: to_choices(r, DeEscalation)),
    "de_escalation_detail": ("incident", "de_escalation_detail", _text),
    "outcome": ("incident", "outcome", _text),
    "death_or_serious_injury": ("incident", "death_or_serious_injury", _choice(YesNoUnknown)),
    "death_or_serious_injury_detail": ("incident", "death_or_serious_injury_detail", _text),
    "non_staff_involvement": (
        "incident",
        "non_staff_involvement",
        _choice(NonStaffInvolvement),
    ),
    "non_staff_reason": ("incident", "non_staff_reason", _text),
    "body_camera_reference": ("incident", "body_camera_reference", _text),
    "care_plan_notification": ("incident", "care_plan_notification", _choice(YesNoNotApplicable)),
    "review_with_patient_held": ("incident", "review_with_patient_held", _choice(YesNoUnknown)),
    "review_with_patient_on": ("incident", "review_with_patient_on", to_date),
    "review_with_patient_not_held_reason": (
        "incident",
        "review_with_patient_not_held_reason",
        _choice(ReviewNotHeldReason),
    ),
    "review_with_staff_held": ("incident", "review_with_staff_held", _choice(YesNoUnknown)),
    "review_with_staff_on": ("incident", "review_with_staff_on", to_date),
    "negligible_force": ("incident", "negligible_force", to_bool),
    "negligible_justification": ("incident", "negligible_justification", _text),
    "staff_job_titles": ("staff", "job_title", _items),
    "staff_roles": ("staff", "role", _items),
    "staff_names": ("identity", "staff_names", _items),
    "ethnicity": ("patient", "ethnicity", to_ethnicity),
    "sex": ("patient", "sex", _choice(Sex)),
    "birth_year": ("patient", "birth_year", to_whole_number),
    "learning_disability": ("patient", "learning_disability", _choice(YesNoUnknown)),
    "autism": ("patient", "autism", _choice(YesNoUnknown)),
    "mental_disorder": ("patient", "mental_disorder", _text),
    "gender_reassignment": ("patient", "gender_reassignment", _choice(YesNoUnknown)),
    "religion": ("patient", "religion", _choice(Religion)),
    "sexual_orientation": ("patient", "sexual_orientation", _choice(SexualOrientation)),
    "disability": ("patient", "disability", _choice(YesNoUnknown)),
    "pregnancy": ("patient", "pregnancy", _choice(YesNoUnknown)),
    "intervention_type": ("intervention", "type_code", _type_code),
    "intervention_start": ("intervention", "started_at", to_datetime),
    "intervention_end": ("intervention", "ended_at", to_datetime),
    "in_care_plan": ("intervention", "in_care_plan", _choice(YesNoUnknown)),
    "injury_patient": ("intervention", "injury_patient", _choice(YesNoUnknown)),
    "injury_staff": ("intervention", "injury_staff", _choice(YesNoUnknown)),
    "injury_other": ("intervention", "injury_other", _choice(YesNoUnknown)),
}
REQUIRED = ("incident_reference", "local_patient_id", "incident_start", "intervention_type")
IDENTIFIER_COLUMNS = frozenset({"local_patient_id", "patient_name", "nhs_number", "staff_names"})
IDENTITY_COLUMNS = frozenset({"patient_name", "nhs_number", "staff_names"})
LIST_COLUMNS = frozenset({"de_escalation", "staff_job_titles", "staff_roles", "staff_names"})
INCIDENT_LEVEL = tuple(
    c for c, (where, _, _) in INCIDENT_COLUMNS.items() if where != "intervention"
)
INTERVENTION_LEVEL = tuple(
    c for c, (where, _, _) in INCIDENT_COLUMNS.items() if where == "intervention"
)
# Columns whose values are codes (few distinct values): read once per distinct value.
_FREE = {_text, _items, to_datetime, to_date}
MEMO_COLUMNS = frozenset(
    c
    for c, (_, _, read) in INCIDENT_COLUMNS.items()
    if read not in _FREE and c not in IDENTIFIER_COLUMNS
)
# services data key -> our column, to put each field-keyed problem in its column
_COLUMN_OF = {
    ("patient" if where in {"patient", "identity"} and key != "staff_names" else where, key): c
    for c, (where, key, _) in INCIDENT_COLUMNS.items()
}
# Incident fields come from the recording services' cleaner (``Cleaned.fields``), so a field
# the services add is imported, compared and written without a change here.
_KEY_FIELDS = frozenset({"local_reference"})
_INTERVENTION_FIELDS = (
    "type_code",
    "started_at",
    "ended_at",
    "in_care_plan",
    "injury_patient",
    "injury_staff",
    "injury_other",
)


@dataclass(slots=True)
class Slim:
    """A validated incident, compactly (100,000 rows must stay well under 1 GB): the services'
    cleaned values as tuples in a fixed field order."""

    key: str
    submit: bool
    values: tuple[Any, ...]  # IncidentImport.fields order
    patient: tuple[tuple[str, Any], ...]  # given characteristics only
    interventions: tuple[tuple[Any, ...], ...]  # _INTERVENTION_FIELDS order
    staff: tuple[tuple[str, str, str], ...]  # job title, role, name (identifiable mode)
    patient_name: str
    nhs_number: str

    @classmethod
    def of(cls, cleaned: services.Cleaned, fields: tuple[str, ...]) -> Slim:
        return cls(
            key=cleaned.key or "",
            submit=cleaned.submit,
            values=tuple(cleaned.fields[f] for f in fields),
            patient=tuple(cleaned.patient.items()),
            interventions=tuple(
                tuple(row[f] for f in _INTERVENTION_FIELDS) for row in cleaned.interventions
            ),
            staff=tuple((r["job_title"], r["role"], r.get("name", "")) for r in cleaned.staff),
            patient_name=cleaned.patient_name,
            nhs_number=cleaned.nhs_number,
        )


@dataclass(slots=True)
class Draft:
    """One incident as read from the file, before validation."""

    ward: Ward
    reference: str
    first_row: int
    level: dict[str, Any]  # incident-level column -> normalised value
    interventions: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    bad: bool = False
    cleaned: Slim | None = None
    existing_id: int | None = None
    existing_submitted: bool = False
    action: str = ""  # create, update, unchanged


class WriteRejectedError(Exception):
    """The database refused a write after validation: the transaction is rolled back."""


_INTERVENTION_PREFIX = re.compile(r"^Intervention \d+: ")


class IncidentImport:
    """One run over one file. ``progress(rows_read)`` is called every 1,000 rows."""

    def __init__(
        self,
        table: Table,
        *,
        mapping: Mapping,
        scope: Scope,
        file_name: str,
        dry_run: bool = False,
        valid_only: bool = False,
        reason: str = "",
        progress: Callable[[int], None] | None = None,
    ) -> None:
        self.table = table
        self.mapping = mapping
        self.scope = scope
        self.file_name = file_name
        self.dry_run = dry_run
        self.valid_only = valid_only
        self.reason = reason or f"imported from {file_name}"
        self.update_reason = f"re-imported from {file_name}"
        self.progress = progress or (lambda n: None)
        self.errors = Errors()
        self.drafts: dict[tuple[int, str], Draft] = {}
        self.identifiable = scope.trust.identifiable_mode
        self.historic = 0
        self.rows = 0
        self.rejected_rows = 0
        self.binding: Binding
        self.dropped: list[str] = []
        self.fields: tuple[str, ...] = ()
        self.identifiers: dict[tuple[int, str], str | None] = {}
        self.now = timezone.now()
        self.memo: dict[str, dict[str, tuple[Any, str]]] = {c: {} for c in MEMO_COLUMNS}
        self.last: tuple[Draft | None, tuple[str, ...]] = (None, ())

    # --- 1. Read -------------------------------------------------------------------------------

    def bind(self) -> bool:
        known = [c for c in INCIDENT_COLUMNS if self.identifiable or c not in IDENTITY_COLUMNS]
        self.binding = self.mapping.bind(
            self.table.header, INCIDENT_COLUMNS, list_columns=LIST_COLUMNS
        )
        self.dropped = [
            self.binding.labels[c]
            for c in IDENTITY_COLUMNS
            if c in self.binding.index and c not in known
        ]
        for column in IDENTITY_COLUMNS - set(known):
            self.binding.index.pop(column, None)  # not identifiable mode: never read
        for problem in self.binding.problems:
            self.errors.add(1, "(header)", problem)
        required = list(REQUIRED)
        if self.scope.ward is None:
            required.append("ward_code")
        for column in required:
            if column not in self.binding.index:
                self.errors.add(1, column, "the column is missing from row 1 (the column names)")
        return self.errors.count == 0

    def label(self, column: str) -> str:
        return self.binding.label(column)

    def cell(self, row: int, column: str, raw: str) -> Any:
        """The normalised value of one cell, or ``None`` after recording why it is unreadable.
        Coded columns hold few distinct values, so each column remembers what it has read."""
        memo = self.memo.get(column)
        found = memo.get(raw) if memo is not None else None
        if found is None:
            try:
                found = (INCIDENT_COLUMNS[column][2](raw), "")
            except UnreadableValueError as exc:
                message = str(exc)
                if column in IDENTIFIER_COLUMNS:
                    message = "cannot be read (the value is not shown)"
                found = (None, message)
            if memo is not None and len(memo) < MEMO_LIMIT:
                memo[raw] = found
        value, message = found
        if message:
            self.errors.add(row, self.label(column), message)
            return None
        if column == "intervention_type" and value == "13" and to_type_code(raw)[1]:
            self.historic += 1
        return value

    def read(self) -> None:
        for number, cells in self.table.rows:
            if not any(cells):
                continue  # blank rows (Excel leaves them at the end) are not records
            self.rows += 1
            if self.rows % 1000 == 0:
                self.progress(self.rows)
            self.read_row(number, self.binding.extract(cells))
        self.progress(self.rows)

    def read_row(self, number: int, raw: dict[str, str]) -> None:
        ward = reference = None
        try:
            ward = self.scope.resolve(raw.get("ward_code", ""))
        except UnreadableValueError as exc:
            self.errors.add(number, self.label("ward_code"), str(exc))
        reference = raw.get("incident_reference", "").strip()
        if not reference:
            self.errors.add(
                number,
                self.label("incident_reference"),
                "is blank; give the incident's reference in your incident system",
            )
        elif len(reference) > MAX_REFERENCE:
            self.errors.add(
                number,
                self.label("incident_reference"),
                f"is {len(reference)} characters long; the most allowed is {MAX_REFERENCE}",
            )
            reference = None
        draft = None
        if ward is not None and reference:
            draft = self.drafts.get((ward.pk, reference))
        # exports repeat an incident's values on each of its rows, one after another: a row
        # exactly like the incident's first needs no second look
        same_as_first = tuple(raw.get(c, "") for c in INCIDENT_LEVEL)
        if draft is None:
            level = {c: self.cell(number, c, raw[c]) for c in INCIDENT_LEVEL if c in raw}
            if ward is not None and reference:
                draft = Draft(ward=ward, reference=reference, first_row=number, level=level)
                self.drafts[(ward.pk, reference)] = draft
                self.last = (draft, same_as_first)
            else:
                self.rejected_rows += 1
        elif self.last != (draft, same_as_first):
            self.check_repeat(number, draft, raw)
        intervention = {c: self.cell(number, c, raw[c]) for c in INTERVENTION_LEVEL if c in raw}
        if draft is not None:
            draft.interventions.append((number, intervention))

    def check_repeat(self, number: int, draft: Draft, raw: dict[str, str]) -> None:
        """A later row of an incident may repeat its incident-level values or leave them blank,
        but not contradict the first row."""
        for column in INCIDENT_LEVEL:
            text = raw.get(column, "")
            if not text or column in {"ward_code", "incident_reference"}:
                continue
            value = self.cell(number, column, text)
            if value is None or value == draft.level.get(column):
                continue
            first = draft.level.get(column)
            if column in IDENTIFIER_COLUMNS:
                message = (
                    f"differs from row {draft.first_row}, the incident's first row "
                    "(the values are not shown)"
                )
            elif first in (None, "", []):
                message = (
                    f"{shown(text)} is given, but row {draft.first_row}, the incident's first "
                    "row, leaves it blank"
                )
            else:
                message = (
                    f"{shown(text)} differs from row {draft.first_row}, the incident's first row"
                )
            self.errors.add(number, self.label(column), message)
            draft.bad = True

    # --- 2. Validate ---------------------------------------------------------------------------

    def data_for(self, draft: Draft) -> tuple[dict[str, Any], str, list[int]]:
        """The services' data for a draft, its patient identifier, and the spreadsheet row of
        each intervention in the order given to the services."""
        level = draft.level
        data: dict[str, Any] = {"local_reference": "", "patient": {}}
        for column, value in level.items():
            where, key, _ = INCIDENT_COLUMNS[column]
            if value is None or value in ("", []):
                continue
            if where == "incident":
                data[key] = value
            elif where == "patient" or (where == "identity" and key != "staff_names"):
                data["patient"][key] = value
        if not data.get("status"):
            data["status"] = RecordStatus.SUBMITTED
        if draft.existing_submitted:
            data["status"] = RecordStatus.SUBMITTED  # submitted records stay submitted
        start = level.get("incident_start")
        ordered = sorted(
            draft.interventions,
            key=lambda item: (item[1].get("intervention_start") or start or self.now, item[0]),
        )
        data["interventions"] = []
        for _, values in ordered:
            item = {INCIDENT_COLUMNS[c][1]: v for c, v in values.items() if v not in (None, "")}
            item.setdefault("started_at", start)  # blank: the intervention began with the incident
            data["interventions"].append(item)
        data["staff"] = self.staff_rows(draft)
        return data, level.get("local_patient_id") or "", [row for row, _ in ordered]

    def staff_rows(self, draft: Draft) -> list[dict[str, str]]:
        """Staff lists: job titles, roles and (identifiable mode) names, ';'-separated, item by
        item in the same order."""

        def split(column: str) -> list[str]:
            return [p.strip() for p in re.split(r"[;|]", draft.level.get(column) or "")]

        titles, roles, names = split("staff_job_titles"), split("staff_roles"), split("staff_names")
        count = max(len(titles), len(roles), len(names)) if any(titles + roles + names) else 0
        rows = []
        for i in range(count):
            role = roles[i] if i < len(roles) else ""
            rows.append(
                {
                    "job_title": titles[i] if i < len(titles) else "",
                    "role": to_choice(role, StaffRole),
                    "name": names[i] if i < len(names) else "",
                }
            )
        return rows

    def validate(self) -> None:
        """Each incident through the recording services' cleaner: the same rules as the form
        and the API. ``local_reference`` is the import's key and checked here, so the cleaner
        gets it blank (it would otherwise report every stored incident as a clash)."""
        for draft in self.drafts.values():
            data, identifier, rows = self.data_for(draft)
            cleaner = services._Cleaner(data, ward=draft.ward, incident=None, actor=None)
            cleaned = cleaner.run(identifier or None)
            if not self.fields:
                self.fields = tuple(f for f in cleaned.fields if f not in _KEY_FIELDS)
            for key, messages in cleaner.errors.items():
                row, column = self.place_error(draft, key, rows)
                message = _INTERVENTION_PREFIX.sub("", messages[0])
                self.errors.add(row, column, message[:1].upper() + message[1:])
            if self.errors.rows.intersection(rows) or draft.first_row in self.errors.rows:
                draft.bad = True
            else:
                draft.cleaned = Slim.of(cleaned, self.fields)
            draft.level = {}  # the local identifier and names are not kept past this point
            draft.interventions = []

    def place_error(self, draft: Draft, key: str, rows: list[int]) -> tuple[int, str]:
        parts = key.split(".")
        if parts[0] == "interventions":
            if len(parts) >= 3 and parts[1].isdigit() and int(parts[1]) < len(rows):
                column = _COLUMN_OF.get(("intervention", parts[2]), "intervention_type")
                return rows[int(parts[1])], self.label(column)
            return draft.first_row, self.label("intervention_type")
        if parts[0] == "staff":
            field_name = parts[2] if len(parts) >= 3 else "job_title"
            column = {"job_title": "staff_job_titles", "role": "staff_roles"}.get(
                field_name, "staff_names"
            )
            return draft.first_row, self.label(column)
        if parts[0] == "patient" and len(parts) == 2:
            return draft.first_row, self.label(_COLUMN_OF.get(("patient", parts[1]), parts[1]))
        if key == "patient_identifier":
            return draft.first_row, self.label("local_patient_id")
        return draft.first_row, self.label(_COLUMN_OF.get(("incident", key), key))

    # --- 3. Compare ----------------------------------------------------------------------------

    def load_existing(self) -> None:
        """Which drafts are already stored (ward + incident reference), and whether submitted."""
        by_ward: dict[int, list[str]] = defaultdict(list)
        for ward_id, reference in self.drafts:
            by_ward[ward_id].append(reference)
        for ward_id, references in by_ward.items():
            for chunk in chunks(references, 500):
                for pk, reference, status in UseOfForceIncident.objects.filter(
                    ward_id=ward_id, local_reference__in=chunk
                ).values_list("id", "local_reference", "status"):
                    draft = self.drafts[(ward_id, reference)]
                    draft.existing_id = pk
                    draft.existing_submitted = status == RecordStatus.SUBMITTED

    def compare(self) -> None:
        """Mark each valid draft create, update or unchanged."""
        stored = [d for d in self.drafts.values() if d.existing_id is not None and not d.bad]
        snapshots = _snapshots(
            [d.existing_id for d in stored if d.existing_id is not None], self.fields
        )
        keys = {d.cleaned.key for d in stored if d.cleaned is not None and d.cleaned.key}
        patients = _patients(self.scope.trust, keys)
        for draft in self.drafts.values():
            if draft.bad:
                continue
            if draft.existing_id is None:
                draft.action = "create"
            elif self.same(draft, snapshots[draft.existing_id], patients):
                draft.action = "unchanged"
            else:
                draft.action = "update"

    def same(self, draft: Draft, snapshot: dict[str, Any], patients: dict[str, Any]) -> bool:
        cleaned = draft.cleaned
        assert cleaned is not None
        patient = patients.get(cleaned.key or "")
        if patient is None or patient["id"] != snapshot["patient_id"]:
            return False
        if any(patient[name] != value for name, value in cleaned.patient):
            return False
        status = RecordStatus.SUBMITTED if cleaned.submit else RecordStatus.DRAFT
        if status != snapshot["status"]:
            return False
        if any(v != snapshot[f] for f, v in zip(self.fields, cleaned.values, strict=True)):
            return False
        if list(cleaned.interventions) != snapshot["interventions"]:
            return False
        if [s[:2] for s in cleaned.staff] != [s[1:] for s in snapshot["staff"]]:
            return False
        return not self.identifiable or self.identity_same(draft, patient, snapshot)

    def identity_same(
        self, draft: Draft, patient: dict[str, Any], snapshot: dict[str, Any]
    ) -> bool:
        """Identifiable mode: Fernet ciphertexts differ each time, so compare the plaintexts, as
        the recording services do before re-encrypting."""
        cleaned = draft.cleaned
        assert cleaned is not None
        fernet = identity._fernet(self.scope.trust)
        if cleaned.patient_name and cleaned.nhs_number:
            held = PatientIdentity.objects.filter(patient_id=patient["id"]).first()
            if held is None or (
                fernet.decrypt(bytes(held.name_encrypted)).decode(),
                fernet.decrypt(bytes(held.nhs_number_encrypted)).decode(),
            ) != (cleaned.patient_name, cleaned.nhs_number):
                return False
        names = {
            s.staff_id: s
            for s in StaffIdentity.objects.filter(staff_id__in=[s[0] for s in snapshot["staff"]])
        }
        for (_title, _role, name), staff in zip(cleaned.staff, snapshot["staff"], strict=True):
            held_name = names.get(staff[0])
            if name and (
                held_name is None
                or fernet.decrypt(bytes(held_name.name_encrypted)).decode() != name
            ):
                return False
        return True

    # --- 4. Write ------------------------------------------------------------------------------

    def write(self) -> dict[str, int]:
        counts = defaultdict(int)
        creates = [d for d in self.drafts.values() if d.action == "create"]
        updates = [d for d in self.drafts.values() if d.action == "update"]
        with transaction.atomic():
            patient_ids = self.write_patients(creates, counts)
            for batch in chunks(creates, BATCH):
                self.create_batch(batch, patient_ids, counts)
            for draft in updates:
                self.update(draft)
            for model, key in (
                (Patient, "patients_created"),
                (UseOfForceIncident, "incidents_created"),
                (Intervention, "interventions_created"),
                (StaffInvolved, "staff_created"),
            ):
                if counts[key]:
                    record_bulk(model, counts[key], reason=self.reason)
        return dict(counts)

    def write_patients(self, creates: list[Draft], counts: dict[str, int]) -> dict[str, int]:
        """Patient ids by key: new patients in bulk; stored patients whose characteristics the
        file changes are updated one by one (audited). Where a patient has several incidents,
        the most recent incident's answers win."""
        latest: dict[str, dict[str, Any]] = {}
        identities: dict[str, tuple[str, str]] = {}
        start = self.fields.index("started_at")
        for draft in sorted(creates, key=lambda d: d.cleaned.values[start]):  # type: ignore[union-attr]
            cleaned = draft.cleaned
            assert cleaned is not None and cleaned.key is not None
            latest.setdefault(cleaned.key, {}).update(dict(cleaned.patient))
            if cleaned.patient_name and cleaned.nhs_number:
                identities[cleaned.key] = (cleaned.patient_name, cleaned.nhs_number)
        stored = _patients(self.scope.trust, set(latest))
        ids = {key: row["id"] for key, row in stored.items()}
        new = [
            Patient(trust=self.scope.trust, key=key, **values)
            for key, values in latest.items()
            if key not in stored
        ]
        Patient.objects.bulk_create(new, batch_size=BATCH)
        ids.update({p.key: p.pk for p in new})
        counts["patients_created"] += len(new)
        for key, values in latest.items():
            row = stored.get(key)
            if row is not None and any(row[n] != v for n, v in values.items()):
                patient = Patient.objects.get(pk=row["id"])
                for name, value in values.items():
                    setattr(patient, name, value)
                patient.save(audit_reason=self.reason)
                counts["patients_updated"] += 1
        for key, (name, nhs_number) in identities.items():
            # identifiable mode only: encrypted, one audited row each, values never logged
            patient = Patient.objects.select_related("trust").get(pk=ids[key])
            services._store_identity_if_changed(patient, name, nhs_number, self.reason)
        return ids

    def create_batch(
        self, batch: list[Draft], patient_ids: dict[str, int], counts: dict[str, int]
    ) -> None:
        """New incidents with their interventions and staff, inserted in bulk
        (:func:`mhsip.imports.bulk.insert_rows`); the audit summary is written by ``write``."""
        incident_rows = []
        for draft in batch:
            cleaned = draft.cleaned
            assert cleaned is not None and cleaned.key is not None
            submitted = cleaned.submit
            incident_rows.append(
                (
                    draft.ward.pk,
                    patient_ids[cleaned.key],
                    draft.reference,
                    RecordStatus.SUBMITTED if submitted else RecordStatus.DRAFT,
                    self.now if submitted else None,
                    *cleaned.values,
                )
            )
        insert_rows(
            UseOfForceIncident,
            ["ward", "patient", "local_reference", "status", "submitted_at", *self.fields],
            incident_rows,
        )
        ids = {
            (ward_id, reference): pk
            for ward_id, reference, pk in UseOfForceIncident.objects.filter(
                ward_id__in={d.ward.pk for d in batch},
                local_reference__in=[d.reference for d in batch],
            ).values_list("ward_id", "local_reference", "id")
        }
        intervention_rows, staff_rows, named = [], [], []
        for draft in batch:
            cleaned = draft.cleaned
            assert cleaned is not None
            incident_id = ids[(draft.ward.pk, draft.reference)]
            intervention_rows.extend((incident_id, *row) for row in cleaned.interventions)
            for position, (title, role, name) in enumerate(cleaned.staff):
                staff_rows.append((incident_id, title, role))
                if self.identifiable and name:
                    named.append((incident_id, position, name))
        insert_rows(Intervention, ["incident", *_INTERVENTION_FIELDS], intervention_rows)
        insert_rows(StaffInvolved, ["incident", "job_title", "role"], staff_rows)
        counts["incidents_created"] += len(incident_rows)
        counts["interventions_created"] += len(intervention_rows)
        counts["staff_created"] += len(staff_rows)
        if named:
            self.write_staff_names(named)

    def write_staff_names(self, named: list[tuple[int, int, str]]) -> None:
        """Identifiable mode only: staff names, encrypted, one audited row each (the audit log
        says a name was written, never the name)."""
        staff: dict[int, list[StaffInvolved]] = defaultdict(list)
        for member in (
            StaffInvolved.objects.filter(
                incident_id__in={incident_id for incident_id, _, _ in named}
            )
            .select_related("incident__ward__site__trust")
            .order_by("incident_id", "id")
        ):
            staff[member.incident_id].append(member)
        for incident_id, position, name in named:
            identity.store_staff_name(staff[incident_id][position], name)

    def update(self, draft: Draft) -> None:
        """A changed record, through the recording services, so the correction is validated
        and audited exactly as a correction made in the form ("re-imported from <file>")."""
        cleaned = draft.cleaned
        assert cleaned is not None and draft.existing_id is not None
        incident = UseOfForceIncident.objects.select_related("ward__site__trust", "patient").get(
            pk=draft.existing_id
        )
        held_interventions = list(incident.interventions.order_by("started_at", "id"))
        held_staff = list(incident.staff.order_by("id"))
        data = {
            **dict(zip(self.fields, cleaned.values, strict=True)),
            "local_reference": draft.reference,
            "status": RecordStatus.SUBMITTED if cleaned.submit else RecordStatus.DRAFT,
            "patient": {
                **dict(cleaned.patient),
                **(
                    {"name": cleaned.patient_name, "nhs_number": cleaned.nhs_number}
                    if cleaned.patient_name
                    else {}
                ),
            },
            "interventions": [
                {
                    **dict(zip(_INTERVENTION_FIELDS, row, strict=True)),
                    "id": held_interventions[i].pk if i < len(held_interventions) else None,
                }
                for i, row in enumerate(cleaned.interventions)
            ],
            "staff": [
                {
                    "job_title": title,
                    "role": role,
                    "name": name,
                    "id": held_staff[i].pk if i < len(held_staff) else None,
                }
                for i, (title, role, name) in enumerate(cleaned.staff)
            ],
        }
        try:
            services.incident_update(
                incident,
                actor_user_or_none=None,
                data=data,
                patient_identifier=self.identifiers.get((draft.ward.pk, draft.reference)),
                reason=self.update_reason,
            )
        except ValidationError as exc:  # checked already; kept so nothing is half-written
            for key, messages in exc.message_dict.items():
                row, column = self.place_error(draft, key, [draft.first_row] * 1000)
                self.errors.add(row, column, messages[0])
            raise WriteRejectedError from exc

    # --- The whole run -------------------------------------------------------------------------

    def run(self) -> Outcome:
        outcome = Outcome()
        if not self.bind():
            return self.finish(outcome)
        self.read()
        self.load_existing()
        self.identifiers = {  # for stored records only, to re-link their patient on update
            key: d.level.get("local_patient_id")
            for key, d in self.drafts.items()
            if d.existing_id is not None
        }
        self.validate()
        self.compare()
        outcome.rejected = sum(1 for d in self.drafts.values() if d.bad) + self.rejected_rows
        may_write = not self.dry_run and (self.errors.count == 0 or self.valid_only)
        counts: dict[str, int] = {}
        if may_write:
            try:
                counts = self.write()
            except WriteRejectedError:
                may_write = False
                for draft in self.drafts.values():
                    draft.action = draft.action if draft.bad else "rejected"
        self.identifiers = {}
        actions = [d.action for d in self.drafts.values() if not d.bad]
        outcome.created = actions.count("create")
        outcome.updated = actions.count("update")
        outcome.unchanged = actions.count("unchanged")
        outcome.summary.update(counts)
        outcome.summary["written"] = may_write
        return self.finish(outcome)

    def finish(self, outcome: Outcome) -> Outcome:
        outcome.rows = self.rows
        outcome.incidents = len(self.drafts)
        outcome.errors = self.errors.listed()
        outcome.error_count = self.errors.count
        outcome.summary.update(
            {
                "mapping": self.mapping.name,
                "rows": self.rows,
                "incidents": len(self.drafts),
                "rows_rejected_ungrouped": self.rejected_rows,
                "historic_codes_mapped": self.historic,
                "ignored_columns": self.binding.ignored if hasattr(self, "binding") else [],
                "dropped_identifiable_columns": self.dropped,
                "dry_run": self.dry_run,
                "valid_only": self.valid_only,
            }
        )
        return outcome


def _patients(trust: Trust, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
    names = ["id", "key", *services.CHARACTERISTICS]
    found: dict[str, dict[str, Any]] = {}
    for chunk in chunks(sorted(keys), 500):
        for values in Patient.objects.filter(trust=trust, key__in=chunk).values(*names):
            found[values["key"]] = values
    return found


def _snapshots(ids: list[int], fields: tuple[str, ...]) -> dict[int, dict[str, Any]]:
    """Stored incidents as comparable values: fields, interventions (in start order) and staff."""
    snapshots: dict[int, dict[str, Any]] = {}
    for chunk in chunks(ids, 500):
        for values in UseOfForceIncident.objects.filter(pk__in=chunk).values(
            "id", "patient_id", "status", *fields
        ):
            values["interventions"], values["staff"] = [], []
            snapshots[values["id"]] = values
        for row in (
            Intervention.objects.filter(incident_id__in=chunk)
            .order_by("incident_id", "started_at", "id")
            .values_list("incident_id", *_INTERVENTION_FIELDS)
        ):
            snapshots[row[0]]["interventions"].append(tuple(row[1:]))
        for row in (
            StaffInvolved.objects.filter(incident_id__in=chunk)
            .order_by("incident_id", "id")
            .values_list("incident_id", "id", "job_title", "role")
        ):
            snapshots[row[0]]["staff"].append(tuple(row[1:]))
    return snapshots
