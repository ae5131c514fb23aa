"""The use-of-force form: raw form fields in, plain data for :mod:`mhsip.recording.services` out.

The form only turns what was typed into Python values (NHS date inputs and 24-hour times, row
groups) and reports what it cannot read; every rule of the Act lives in the services, so the web
form, the API and the importer apply the same rules. Errors are keyed like the services' errors
(``"interventions.1.ended_at"``) and each one links to the input to fix.

Repeating groups work without JavaScript: the form renders N rows (two to start with), blank
rows are ignored, and "Add another" re-renders the form with one more row, keeping everything
typed. After a round trip the rows that hold something come first, so "intervention 2" in a
message is the second row on the page.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from mhsip.organisations.models import Ward
from mhsip.recording import codes, services
from mhsip.recording.models import UseOfForceIncident
from mhsip.recording.services import CHARACTERISTICS, MAX_ROWS

START_ROWS = 2
TIME_RE = re.compile(r"^(\d{1,2})[:.h]?(\d{2})$")
INTERVENTION_FIELDS = (
    "id",
    "type_code",
    "started_at-day",
    "started_at-month",
    "started_at-year",
    "started_at-time",
    "ended_at-day",
    "ended_at-month",
    "ended_at-year",
    "ended_at-time",
    "in_care_plan",
    "injury_patient",
    "injury_staff",
    "injury_other",
)
INTERVENTION_CONTENT = tuple(f for f in INTERVENTION_FIELDS if "-" in f or f == "type_code")
STAFF_FIELDS = ("id", "job_title", "role", "name")
SCALARS = (
    "patient_identifier",
    "local_reference",
    "place",
    "place_detail",
    "reason",
    "reason_detail",
    "how_force_used",
    "de_escalation_detail",
    "non_staff_involvement",
    "non_staff_reason",
    "body_camera_reference",
    "outcome",
    "death_or_serious_injury",
    "death_or_serious_injury_detail",
    "care_plan_notification",
    "review_with_patient_held",
    "review_with_patient_not_held_reason",
    "review_with_staff_held",
    "review_with_staff_not_held_reason",
    "negligible_force",
    "negligible_justification",
    "correction_reason",
    "patient-name",
    "patient-nhs_number",
    *(f"patient-{name}" for name in CHARACTERISTICS),
)
DATETIMES = ("started_at", "ended_at")
DATES = ("review_with_patient_on", "review_with_staff_on")

# Where each top-level error sits on the page (the error summary follows the page's order).
PAGE_ORDER = (
    "patient_identifier",
    "patient.name",
    "patient.nhs_number",
    *(f"patient.{name}" for name in CHARACTERISTICS),
    "patient",
    "started_at",
    "ended_at",
    "place",
    "place_detail",
    "local_reference",
    "reason",
    "reason_detail",
    "interventions",
    "how_force_used",
    "de_escalation",
    "de_escalation_detail",
    "staff",
    "non_staff_involvement",
    "non_staff_reason",
    "body_camera_reference",
    "outcome",
    "death_or_serious_injury",
    "death_or_serious_injury_detail",
    "care_plan_notification",
    "review_with_patient_held",
    "review_with_patient_on",
    "review_with_patient_not_held_reason",
    "review_with_staff_held",
    "review_with_staff_on",
    "review_with_staff_not_held_reason",
    "negligible_force",
    "negligible_justification",
    "correction_reason",
    "status",
)
ROW_ORDER = {
    "interventions": (
        "type_code",
        "started_at",
        "ended_at",
        "in_care_plan",
        "injury_patient",
        "injury_staff",
        "injury_other",
        "id",
    ),
    "staff": ("job_title", "role", "name", "id"),
}


def field_id(key: str) -> str:
    """The HTML name/id of a data key: ``interventions.0.type_code`` ->
    ``interventions-0-type_code``."""
    return key.replace(".", "-")


def _local_parts(value: dt.datetime | None) -> dict[str, str]:
    if value is None:
        return {"day": "", "month": "", "year": "", "time": ""}
    local = timezone.localtime(value)
    return {
        "day": str(local.day),
        "month": str(local.month),
        "year": str(local.year),
        "time": f"{local:%H:%M}",
    }


def _date_parts(value: dt.date | None) -> dict[str, str]:
    if value is None:
        return {"day": "", "month": "", "year": ""}
    return {"day": str(value.day), "month": str(value.month), "year": str(value.year)}


class UseOfForceForm:
    """One use-of-force record as typed, plus what could not be read.

    ``post`` is the submitted form (or ``None`` for a fresh one); ``initial`` is the record as
    plain data (:func:`mhsip.recording.services.incident_to_data`) when correcting.
    """

    def __init__(
        self,
        post: Any = None,
        *,
        initial: Mapping[str, Any] | None = None,
        identifiable: bool = False,
        correcting_submitted: bool = False,
    ) -> None:
        self.identifiable = identifiable
        self.correcting_submitted = correcting_submitted
        self.raw: dict[str, str] = {}
        self.de_escalation: list[str] = []
        self.interventions: list[dict[str, str]] = []
        self.staff: list[dict[str, str]] = []
        self.errors: dict[str, str] = {}
        self._anchors: dict[str, str] = {}
        self.action = ""
        if post is not None:
            self._read_post(post)
        elif initial is not None:
            self._read_initial(initial)
        for rows, fields in ((self.interventions, INTERVENTION_FIELDS), (self.staff, STAFF_FIELDS)):
            while len(rows) < START_ROWS:
                rows.append(dict.fromkeys(fields, ""))

    # Reading ---------------------------------------------------------------------------------
    def _read_post(self, post: Any) -> None:
        self.action = post.get("action", "")
        for name in SCALARS:
            self.raw[name] = post.get(name, "")
        for name in (*DATETIMES, *DATES):
            for part in ("day", "month", "year", "time"):
                self.raw[f"{name}-{part}"] = post.get(f"{name}-{part}", "")
        self.de_escalation = post.getlist("de_escalation")
        for group, fields, attr in (
            ("interventions", INTERVENTION_FIELDS, self.interventions),
            ("staff", STAFF_FIELDS, self.staff),
        ):
            try:
                count = int(post.get(f"{group}-count", START_ROWS))
            except ValueError:
                count = START_ROWS
            count = max(1, min(count, MAX_ROWS))
            rows = [
                {f: post.get(f"{group}-{i}-{f}", "").strip() for f in fields} for i in range(count)
            ]
            content = INTERVENTION_CONTENT if group == "interventions" else ("job_title", "name")
            filled = [r for r in rows if any(r[f] for f in content)]
            blanks = [dict.fromkeys(fields, "") for r in rows if not any(r[f] for f in content)]
            attr.extend(filled + blanks)
        if self.action == "add_intervention" and len(self.interventions) < MAX_ROWS:
            self.interventions.append(dict.fromkeys(INTERVENTION_FIELDS, ""))
        if self.action == "add_staff" and len(self.staff) < MAX_ROWS:
            self.staff.append(dict.fromkeys(STAFF_FIELDS, ""))

    def _read_initial(self, data: Mapping[str, Any]) -> None:
        for name in SCALARS:
            value = data.get(name)
            if name == "negligible_force":
                self.raw[name] = "yes" if value else ""
            elif name.startswith("patient-"):
                held = (data.get("patient") or {}).get(name.removeprefix("patient-"))
                self.raw[name] = "" if held is None else str(held)
            else:
                self.raw[name] = "" if value is None else str(value)
        for name in DATETIMES:
            for part, value in _local_parts(data.get(name)).items():
                self.raw[f"{name}-{part}"] = value
        for name in DATES:
            for part, value in _date_parts(data.get(name)).items():
                self.raw[f"{name}-{part}"] = value
        self.de_escalation = list(data.get("de_escalation") or [])
        for row in data.get("interventions") or []:
            raw = {f: "" for f in INTERVENTION_FIELDS}
            raw["id"] = str(row.get("id") or "")
            raw["type_code"] = row.get("type_code") or ""
            for name in ("started_at", "ended_at"):
                for part, value in _local_parts(row.get(name)).items():
                    raw[f"{name}-{part}"] = value
            for name in ("in_care_plan", "injury_patient", "injury_staff", "injury_other"):
                raw[name] = row.get(name) or ""
            self.interventions.append(raw)
        for row in data.get("staff") or []:
            self.staff.append({f: str(row.get(f) or "") for f in STAFF_FIELDS})

    # Helpers for templates -------------------------------------------------------------------
    def value(self, name: str) -> str:
        return self.raw.get(name, "")

    def parts(self, prefix: str, row: Mapping[str, str] | None = None) -> dict[str, str]:
        """Day, month, year and time as typed for the date field ``prefix``."""
        source = self.raw if row is None else row
        return {p: source.get(f"{prefix}-{p}", "") for p in ("day", "month", "year", "time")}

    def error(self, key: str) -> str | None:
        return self.errors.get(key)

    @property
    def wants_more_rows(self) -> bool:
        return self.action in {"add_intervention", "add_staff"}

    @property
    def error_list(self) -> list[dict[str, str]]:
        """The error summary: every error, in page order, each linking to its input."""

        def order(key: str) -> tuple[int, int, int]:
            parts = key.split(".")
            if parts[0] in ROW_ORDER and len(parts) == 3:
                fields = ROW_ORDER[parts[0]]
                position = fields.index(parts[2]) if parts[2] in fields else len(fields)
                return (PAGE_ORDER.index(parts[0]), int(parts[1]), position)
            if key in PAGE_ORDER:
                return (PAGE_ORDER.index(key), -1, 0)
            return (len(PAGE_ORDER), 0, 0)

        return [
            {"text": message, "href": "#" + self.anchor(key)}
            for key, message in sorted(self.errors.items(), key=lambda item: order(item[0]))
        ]

    def anchor(self, key: str) -> str:
        """The id of the input an error about ``key`` should take the user to."""
        if key in self._anchors:
            return self._anchors[key]
        if key == "interventions":
            return "interventions-0-type_code"
        if key == "staff":
            return "staff-0-job_title"
        if key in {"started_at", "ended_at", *DATES}:
            return f"{key}-day"
        parts = key.split(".")
        if len(parts) == 3 and parts[2] in {"started_at", "ended_at"}:
            return f"{field_id(key)}-time"
        return field_id(key)

    def add_errors(self, errors: Mapping[str, list[str]]) -> None:
        """Add the services' errors; an error already found while reading a field wins (it says
        more precisely what is wrong with what was typed)."""
        for key, messages in errors.items():
            if messages and key not in self.errors:
                self.errors[key] = messages[0]

    def _fail(self, key: str, message: str, anchor: str) -> None:
        if key not in self.errors:
            self.errors[key] = message
            self._anchors[key] = anchor

    # Turning text into values ----------------------------------------------------------------
    def _date(
        self, values: Mapping[str, str], prefix: str, key: str, label: str
    ) -> dt.date | bool | None:
        """A date from day, month and year boxes: ``None`` when all are blank, ``False`` (and an
        error) when they cannot be read."""
        day, month, year = (
            values.get(f"{prefix}-{p}", "").strip() for p in ("day", "month", "year")
        )
        if not (day or month or year):
            return None
        anchor = field_id(key)
        for part, given in (("day", day), ("month", month), ("year", year)):
            if not given:
                self._fail(key, f"The date {label} must include a {part}", f"{anchor}-{part}")
                return False
        try:
            if len(year) != 4:
                raise ValueError
            return dt.date(int(year), int(month), int(day))
        except ValueError:
            self._fail(key, f"The date {label} must be a real date", f"{anchor}-day")
            return False

    def _datetime(
        self,
        values: Mapping[str, str],
        prefix: str,
        key: str,
        label: str,
        default_date: dt.date | None,
    ) -> dt.datetime | None:
        date = self._date(values, prefix, key, label)
        time = values.get(f"{prefix}-time", "").strip()
        anchor = field_id(key)
        if date is False:
            return None
        if date is None and not time:
            return None
        if not time:
            self._fail(key, f"Enter the time {label}, like 14:35", f"{anchor}-time")
            return None
        match = TIME_RE.match(time)
        hours, minutes = (int(match.group(1)), int(match.group(2))) if match else (99, 99)
        if hours > 23 or minutes > 59:
            self._fail(
                key, f"Enter the time {label} in 24-hour format, like 14:35", f"{anchor}-time"
            )
            return None
        if date is None:
            date = default_date
        if date is None:
            self._fail(key, f"Enter the date {label}", f"{anchor}-day")
            return None
        return timezone.make_aware(
            dt.datetime.combine(date, dt.time(hours, minutes)), timezone.get_current_timezone()
        )

    def cleaned(self) -> tuple[str | None, dict[str, Any]]:
        """The patient identifier (``None``: keep the record's patient) and the record as plain
        data for the services. Problems reading fields are added to :attr:`errors`."""
        raw = self.raw
        status = "submitted" if self.action in {"submit", "save_correction"} else "draft"
        data: dict[str, Any] = {
            name: raw.get(name, "")
            for name in SCALARS
            if not name.startswith("patient") and name not in {"correction_reason"}
        }
        data["status"] = status
        data["negligible_force"] = raw.get("negligible_force") == "yes"
        data["de_escalation"] = list(self.de_escalation)
        patient: dict[str, Any] = {}
        for name in CHARACTERISTICS:
            value = raw.get(f"patient-{name}", "").strip()
            if value:
                patient[name] = value
        if self.identifiable:
            for name in ("name", "nhs_number"):
                value = raw.get(f"patient-{name}", "").strip()
                if value:
                    patient[name] = value
        data["patient"] = patient
        start = self._datetime(raw, "started_at", "started_at", "the incident started", None)
        data["started_at"] = start
        start_date = timezone.localdate(start) if start else None
        data["ended_at"] = self._datetime(
            raw, "ended_at", "ended_at", "the incident ended", start_date
        )
        for name in DATES:
            who = "the patient" if "patient" in name else "staff"
            day = self._date(raw, name, name, f"of the review with {who}")
            data[name] = day if isinstance(day, dt.date) else None
        data["interventions"] = []
        for index, row in enumerate(self.interventions):
            if not any(row[f] for f in INTERVENTION_CONTENT):
                continue
            n, key = index + 1, f"interventions.{index}"
            iv_start = self._datetime(
                row, "started_at", f"{key}.started_at", f"intervention {n} started", start_date
            )
            iv_date = timezone.localdate(iv_start) if iv_start else start_date
            iv_end = self._datetime(
                row, "ended_at", f"{key}.ended_at", f"intervention {n} ended", iv_date
            )
            data["interventions"].append(
                {
                    "id": row["id"] or None,
                    "type_code": row["type_code"],
                    "started_at": iv_start,
                    "ended_at": iv_end,
                    **{
                        f: row[f]
                        for f in ("in_care_plan", "injury_patient", "injury_staff", "injury_other")
                    },
                }
            )
        data["staff"] = [
            {
                "id": row["id"] or None,
                "job_title": row["job_title"],
                "role": row["role"],
                **({"name": row["name"]} if self.identifiable else {}),
            }
            for row in self.staff
            if row["job_title"] or row["name"]
        ]
        identifier = raw.get("patient_identifier", "").strip()
        return (identifier or None), data

    @property
    def correction_reason(self) -> str:
        return self.raw.get("correction_reason", "").strip()


def save_form(
    form: UseOfForceForm, *, ward: Ward, user: Any, incident: UseOfForceIncident | None = None
) -> UseOfForceIncident | None:
    """Create or correct the record from the form, or add every error to the form and return
    ``None`` (nothing is written then). The services apply the rules; the form only reads."""
    identifier, data = form.cleaned()
    try:
        if form.errors:  # something could not be read: report every other problem too
            form.add_errors(
                services.incident_errors(
                    data,
                    ward=ward,
                    patient_identifier=identifier,
                    incident=incident,
                    actor_user_or_none=user,
                    reason=form.correction_reason,
                )
            )
            return None
        if incident is None:
            return services.incident_create(
                actor_user_or_none=user, ward=ward, patient_identifier=identifier or "", data=data
            )
        return services.incident_update(
            incident,
            actor_user_or_none=user,
            data=data,
            patient_identifier=identifier,
            reason=form.correction_reason,
        )
    except ValidationError as error:
        form.add_errors(error.message_dict)
        return None


def _items(choices: Any, *, keep: tuple[str, ...] | None = None) -> list[dict[str, str]]:
    return [
        {"value": str(value), "text": str(label)}
        for value, label in choices
        if keep is None or value in keep
    ]


YES_NO_NOT_KNOWN = _items(codes.YesNoUnknown.choices, keep=("yes", "no", "not_known"))
# Type codes in the order staff think of them: physical, chemical, mechanical, isolation.
TYPE_ORDER = (
    "01",
    "07",
    "08",
    "09",
    "10",
    "11",
    "12",
    "13",
    "14",
    "15",
    "16",
    "17",
    "04",
    "05",
    "06",
)
TYPE_LABELS = dict(codes.InterventionType.choices)

CHOICES: dict[str, list[dict[str, str]]] = {
    "yes_no_not_known": YES_NO_NOT_KNOWN,
    "yes_no_unknown_declined": _items(codes.YesNoUnknown.choices),
    "yes_no_not_applicable": _items(codes.YesNoNotApplicable.choices),
    "intervention_type": [
        {"value": code, "text": f"{TYPE_LABELS[code]} ({code})"} for code in TYPE_ORDER
    ],
    "reason": _items(codes.InterventionReason.choices),
    "place": _items(codes.Place.choices),
    "de_escalation": _items(codes.DeEscalation.choices),
    "non_staff": _items(codes.NonStaffInvolvement.choices),
    "review_not_held": _items(codes.ReviewNotHeldReason.choices),
    "staff_role": _items(codes.StaffRole.choices),
    "ethnicity": _items(codes.ETHNIC_CATEGORY_CHOICES),
    "sex": _items(codes.Sex.choices),
    "religion": _items(codes.Religion.choices),
    "sexual_orientation": _items(codes.SexualOrientation.choices),
}
