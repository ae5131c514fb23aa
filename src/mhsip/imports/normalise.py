"""Turn spreadsheet cells into the plain values the recording services validate.

This module does not decide what a valid record is: :mod:`mhsip.recording.services` does, for
the forms, the API and imports alike (one rule set). It only undoes what exports and spreadsheets
do to values: dates as dd/mm/yyyy or Excel serial numbers, codes that lost their leading zero,
"Y"/"N"/"U" for yes/no/not known, labels instead of codes, stray spaces. A value it does not
recognise is passed on unchanged, so the services name it in their message; a value that cannot
be passed on (a date that is not a date) raises :class:`UnreadableValueError`.

Historic MHSDS v4 restrictive intervention type codes 02 and 03 are mapped through
:data:`mhsip.recording.codes.HISTORIC_TYPE_CODES` (domain brief §2.2).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models

from mhsip.recording.codes import ETHNIC_CATEGORIES, HISTORIC_TYPE_CODES


class UnreadableValueError(ValueError):
    """A cell that cannot be read as the kind of value its column holds; ``str(exc)`` says why."""


def shown(raw: Any) -> str:
    """A value as quoted in a message, trimmed to 40 characters."""
    text = str(raw)
    return repr(text if len(text) <= 40 else text[:37] + "...")


# --- Coded answers ------------------------------------------------------------------------------

# Words incident systems use for the same answer (Datix "Y"/"N", MHSDS "Y"/"N"/"U", NHS Data
# Dictionary PERSON STATED GENDER CODE 1/2/9/X). Only those whose target is in a column's code
# list are used for that column.
SYNONYMS: dict[str, str] = {
    "y": "yes",
    "true": "yes",
    "n": "no",
    "false": "no",
    "u": "not_known",
    "unknown": "not_known",
    "not known": "not_known",
    "not recorded": "not_known",
    "not stated": "not_known",
    "z": "declined",
    "prefer not to say": "declined",
    "declined to say": "declined",
    "patient declined": "declined",
    "n/a": "not_applicable",
    "na": "not_applicable",
    "not applicable": "not_applicable",
    "m": "male",
    "1": "male",
    "f": "female",
    "2": "female",
    "9": "not_known",
    "x": "not_known",
}


@cache
def choice_lookup(choices: type[models.TextChoices]) -> dict[str, str]:
    """Lower-case code, label, 'code with spaces' and synonym -> code."""
    values = set(choices.values)
    lookup = {word: value for word, value in SYNONYMS.items() if value in values}
    for value, label in choices.choices:
        lookup[str(label).lower()] = value
        lookup[value.replace("_", " ")] = value
        lookup[value.lower()] = value
    return lookup


def to_choice(raw: str, choices: type[models.TextChoices]) -> str:
    """The code for ``raw`` (a code, a label or a synonym, any case); blank stays blank; an
    unknown value is returned unchanged for the services to refuse by name."""
    text = " ".join(raw.split())
    if not text:
        return ""
    return choice_lookup(choices).get(text.lower(), text)


def to_choices(raw: str, choices: type[models.TextChoices]) -> list[str]:
    """Several codes in one cell, separated by ';' or '|'."""
    return [to_choice(part, choices) for part in re.split(r"[;|]", raw) if part.strip()]


def two_digit(raw: str) -> str:
    """'1', '01' and '1.0' are all code 01: spreadsheets drop leading zeros."""
    text = raw.strip()
    if text.endswith(".0"):
        text = text[:-2]
    if text.isdigit() and len(text) == 1:
        text = "0" + text
    return text


def to_type_code(raw: str) -> tuple[str, bool]:
    """An MHSDS v5+ restrictive intervention type code, and whether it was a historic v4 code
    (02, 03) mapped through ``HISTORIC_TYPE_CODES``."""
    code = two_digit(raw)
    if code in HISTORIC_TYPE_CODES:
        return HISTORIC_TYPE_CODES[code], True
    return code, False


def to_ethnicity(raw: str) -> str:
    """NHS Data Dictionary ETHNIC CATEGORY: a local sub-code (the national letter and one more
    character) rolls up to its national code, as the Data Dictionary requires."""
    code = raw.strip().upper()
    if len(code) == 2 and code[0] in ETHNIC_CATEGORIES and code[0] != "9":
        return code[0]
    return code


_TRUE = {"y", "yes", "true", "1", "t"}
_FALSE = {"n", "no", "false", "0", "f", ""}


def to_bool(raw: str) -> bool:
    text = raw.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise UnreadableValueError(f"{shown(raw)} is not yes or no")


def to_whole_number(raw: str) -> str:
    """'12', '12.0' and '1,200' as the digits a form field reads; anything else unchanged."""
    text = raw.strip().replace(",", "")
    if text.endswith(".0") and text[:-2].isdigit():
        return text[:-2]
    return text


# --- Dates and times ----------------------------------------------------------------------------

_UK = re.compile(
    r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})"
    r"(?:[ T]+(\d{1,2})[:.]?(\d{2})(?:[:.](\d{2})(?:\.\d+)?)?)?$"
)
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_EXCEL_SERIALS = (20_000, 80_000)  # 1954 to 2119; other numbers are not dates


@cache
def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _parse(raw: str, *, need_time: bool) -> dt.datetime:
    text = " ".join(raw.split())
    match = _UK.match(text)
    try:
        if match:
            day, month, year, hour, minute, second = match.groups()
            if hour is None and need_time:
                raise UnreadableValueError(f"{shown(raw)} has a date but no time")
            return dt.datetime(
                int(year) + (2000 if len(year) == 2 else 0),
                int(month),
                int(day),
                int(hour or 0),
                int(minute or 0),
                int(second or 0),
            )
        if text.replace(".", "", 1).isdigit():
            serial = float(text)
            if not _EXCEL_SERIALS[0] <= serial <= _EXCEL_SERIALS[1]:
                raise ValueError(text)
            # Excel stores a time as a fraction of a day; round to the second it displays.
            return _EXCEL_EPOCH + dt.timedelta(seconds=round(serial * 86400))
        value = dt.datetime.fromisoformat(text)
        if need_time and len(text) <= 10:  # an ISO date alone: 2025-03-14
            raise UnreadableValueError(f"{shown(raw)} has a date but no time")
        return value
    except UnreadableValueError:
        raise
    except ValueError:
        if need_time:
            raise UnreadableValueError(
                f"{shown(raw)} is not a date and time: use 31/01/2025 14:30 or 2025-01-31T14:30"
            ) from None
        raise UnreadableValueError(
            f"{shown(raw)} is not a date: use 31/01/2025 or 2025-01-31"
        ) from None


def to_datetime(raw: str) -> dt.datetime | None:
    """ISO 8601, dd/mm/yyyy hh:mm (UK day-first order, never US) or an Excel serial number.
    A time without a zone is UK local time (Europe/London). Blank is ``None``. Returned in
    UTC."""
    if not raw.strip():
        return None
    value = _parse(raw, need_time=True)
    if value.tzinfo is None:
        value = value.replace(tzinfo=local_zone())
    # In UTC, so that every comparison is between instants: Python compares two times with the
    # same zone by their wall-clock reading, which is wrong across a clock change (a time in
    # the spring-forward gap would pass the "end after start" check and fail the database's).
    return value.astimezone(dt.UTC).replace(microsecond=0)


def to_date(raw: str) -> dt.date | None:
    if not raw.strip():
        return None
    return _parse(raw, need_time=False).date()
