"""What both imports share: where a problem is (row and column), the bounded list of problems,
the outcome of a run, and the wards a file may write to."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from mhsip.imports.normalise import UnreadableValueError, shown
from mhsip.organisations.models import Trust, Ward

ERROR_CAP = 200  # problems listed; all are counted


@dataclass(frozen=True, order=True)
class RowError:
    """One problem, where a person will find it: spreadsheet row (header = 1) and column."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}, column {self.column}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


class Errors:
    """Every problem is counted; the first ``ERROR_CAP`` by row are listed. Memory stays bounded
    for a file where every cell is wrong: at most ``KEEP`` messages are held."""

    KEEP = 5_000
    DEDUPE = 200_000

    def __init__(self) -> None:
        self.items: list[RowError] = []
        self.seen: set[tuple[int, str]] = set()
        self.rows: set[int] = set()
        self.count = 0

    def add(self, row: int, column: str, message: str) -> None:
        key = (row, column)
        if key in self.seen:
            return  # one message per cell: the first, most specific, is kept
        if len(self.seen) < self.DEDUPE:
            self.seen.add(key)
        self.rows.add(row)
        self.count += 1
        if len(self.items) < self.KEEP:
            self.items.append(RowError(row, column, message))

    def listed(self) -> list[RowError]:
        return sorted(self.items)[:ERROR_CAP]


@dataclass
class Outcome:
    """What an import did, or would do (dry run)."""

    rows: int = 0
    incidents: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error_count == 0


@dataclass
class Scope:
    """Which wards a file may write to; all belong to one trust (patient keys are per trust)."""

    trust: Trust
    wards: dict[str, Ward]
    ward: Ward | None = None  # a ward import: rows may leave ward_code blank

    @classmethod
    def for_ward(cls, ward: Ward) -> Scope:
        return cls(trust=ward.site.trust, wards={ward.code: ward}, ward=ward)

    @classmethod
    def for_trust(cls, trust: Trust) -> Scope:
        wards = Ward.objects.filter(site__trust=trust).select_related("site__trust")
        return cls(trust=trust, wards={w.code: w for w in wards})

    def resolve(self, raw: str) -> Ward:
        code = raw.strip().upper()
        if not code:
            if self.ward is not None:
                return self.ward
            raise UnreadableValueError(
                f"is blank; give the ward code (the import covers all of {self.trust})"
            )
        ward = self.wards.get(code)
        if ward is None:
            if self.ward is not None:
                raise UnreadableValueError(
                    f"{shown(raw)} is not this import's ward ({self.ward.code})"
                )
            raise UnreadableValueError(f"{shown(raw)} is not a ward code of {self.trust}")
        return ward


def chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
