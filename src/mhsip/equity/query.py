"""The equity pages' GET choices (period, characteristic, reference and compared group, trust,
ward), checked, with an error per field for the page's error summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.http import QueryDict

from mhsip.equity.characteristics import CHARACTERISTICS, Characteristic, characteristic
from mhsip.equity.services import Period, resolve_period


@dataclass
class EquityQuery:
    """What the reader asked for; ``errors`` maps a field's id to its message."""

    period_key: str = ""
    characteristic_key: str = "ethnicity"
    reference: str = ""
    compare: str = ""
    trust: str = ""
    ward: str = ""
    shown: str = ""  # the characteristic whose groups the form offered
    errors: dict[str, str] = field(default_factory=dict)
    period: Period | None = None

    @classmethod
    def from_get(cls, data: QueryDict) -> EquityQuery:
        return cls(
            period_key=data.get("period", "").strip(),
            characteristic_key=data.get("characteristic", "").strip() or "ethnicity",
            reference=data.get("reference", "").strip(),
            compare=data.get("compare", "").strip(),
            trust=data.get("trust", "").strip().upper(),
            ward=data.get("ward", "").strip().upper(),
            shown=data.get("shown", "").strip(),
        )

    @property
    def characteristic(self) -> Characteristic:
        if self.characteristic_key in CHARACTERISTICS:
            return characteristic(self.characteristic_key)
        return characteristic("ethnicity")

    def validate(self, periods: list[Period]) -> None:
        """Check the choices; fall back to defaults where a choice is invalid."""
        if self.characteristic_key not in CHARACTERISTICS:
            self.errors["characteristic"] = "Choose a characteristic from the list"
            self.characteristic_key = "ethnicity"
        char = self.characteristic
        if self.shown and self.shown != char.key:
            # The reader chose another characteristic: the groups offered were the old one's.
            self.reference = self.compare = ""
        for name in ("reference", "compare"):
            value = getattr(self, name)
            if value and value not in char.group_keys:
                what = "reference group" if name == "reference" else "group to chart"
                self.errors[name] = f"Choose a {what} of {char.label.lower()} from the list"
                setattr(self, name, "")
        self.reference = self.reference or char.default_reference
        if not self.compare or self.compare == self.reference:
            if self.compare == self.reference and self.compare:
                self.errors["compare"] = "Choose a group to chart other than the reference group"
            self.compare = next(
                (g for g in (char.compare, *char.group_keys) if g != self.reference), ""
            )
        self.period = resolve_period(periods, self.period_key)
        if self.period is None and periods:
            self.errors["period"] = "Choose a period from the list"
            self.period = periods[0]

    def error_list(self) -> list[dict[str, str]]:
        return [{"text": text, "href": f"#{key}"} for key, text in self.errors.items()]

    def items(self, choices: list[tuple[str, str]], selected: str) -> list[dict[str, Any]]:
        return [{"value": v, "text": t, "selected": v == selected} for v, t in choices]

    def query(self, **override: str) -> str:
        values = {
            "period": self.period.key if self.period else "",
            "characteristic": self.characteristic_key,
            "reference": self.reference,
            "compare": self.compare,
            "trust": self.trust,
            "ward": self.ward,
        }
        values.update(override)
        return urlencode({k: v for k, v in values.items() if v})
