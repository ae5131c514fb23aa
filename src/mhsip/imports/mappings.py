"""Column mappings: how a trust's export (its column names and code values) maps onto MHSIP's
import formats.

A mapping is a small JSON file (``docs/imports.md`` documents the format):

.. code-block:: json

    {
      "name": "datix",
      "kind": "incidents",
      "title": "Datix DIF1 export",
      "columns": {"Ref": "incident_reference", "Restraint type": "intervention_type"},
      "join": {"incident_start": ["Incident date", "Incident time"]},
      "values": {"intervention_type": {"Prone": "01", "Supine": "09"}}
    }

``columns`` renames the file's columns to ours; ``join`` builds one of our columns from several
of the file's, joined by a space (a date column and a time column); ``values`` translates the
file's words into our codes, column by column (for list columns, item by item). Names and values
match ignoring case and repeated spaces. A column already named as ours needs no entry, so a
mapping lists only what differs. MHSIP ships ``canonical`` (our own format) and ``datix``; a
trust can pass the path of its own file instead of a name.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"


class MappingError(ValueError):
    """The mapping file is unusable; ``str(exc)`` says why."""


def norm(text: str) -> str:
    return " ".join(str(text).split()).casefold()


@dataclass(frozen=True)
class Mapping:
    name: str
    kind: str
    title: str
    description: str = ""
    columns: dict[str, str] = field(default_factory=dict)  # norm(file column) -> our column
    join: dict[str, tuple[str, ...]] = field(default_factory=dict)  # ours -> file columns
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # ours -> norm(value) -> code

    def bind(
        self, header: list[str], known: Iterable[str], *, list_columns: Iterable[str] = ()
    ) -> Binding:
        """Match the file's ``header`` to our ``known`` columns."""
        known = list(known)
        known_set = set(known)
        lists = set(list_columns)
        binding = Binding(list_columns=lists)
        positions: dict[str, int] = {}
        for index, name in enumerate(header):
            key = norm(name)
            if not key:
                continue
            if key in positions:
                binding.problems.append(f"Column {name!r} appears twice in row 1")
                continue
            positions[key] = index
        for column, sources in self.join.items():
            indices = [positions.get(norm(s)) for s in sources]
            if all(i is not None for i in indices):
                binding.add(column, tuple(i for i in indices if i is not None), " + ".join(sources))
            elif any(i is not None for i in indices):
                missing = [s for s, i in zip(sources, indices, strict=True) if i is None]
                binding.problems.append(
                    f"Column {column} is made from {' and '.join(sources)}, "
                    f"but {' and '.join(missing)} is missing"
                )
        join_sources = {norm(s) for sources in self.join.values() for s in sources}
        for index, name in enumerate(header):
            key = norm(name)
            if not key or positions.get(key) != index:
                continue
            target = self.columns.get(key) or re.sub(r"[\s-]+", "_", key)
            if target in known_set and target not in binding.index:
                binding.add(target, index, name.strip())
            elif key not in join_sources:
                binding.ignored.append(name.strip())
        binding.values = {c: m for c, m in self.values.items() if c in binding.index}
        return binding


@dataclass
class Binding:
    """Where each of our columns is in a file's rows, and how to read it."""

    list_columns: set[str]
    index: dict[str, int | tuple[int, ...]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # ours -> as the file names it
    ignored: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    values: dict[str, dict[str, str]] = field(default_factory=dict)

    def add(self, column: str, index: int | tuple[int, ...], label: str) -> None:
        self.index[column] = index
        self.labels[column] = label

    def label(self, column: str) -> str:
        """The column as a message names it: ours, and the file's name when it differs."""
        theirs = self.labels.get(column)
        if theirs is None or norm(theirs) == column:
            return column
        return f"{theirs} ({column})"

    def extract(self, cells: list[str]) -> dict[str, str]:
        width = len(cells)
        out: dict[str, str] = {}
        for column, index in self.index.items():
            if isinstance(index, int):
                raw = cells[index] if index < width else ""
            else:
                raw = " ".join(cells[i] for i in index if i < width and cells[i]).strip()
            table = self.values.get(column)
            if table is not None:
                raw = self._translate(column, raw, table)
            out[column] = raw
        return out

    def _translate(self, column: str, raw: str, table: dict[str, str]) -> str:
        if column in self.list_columns:
            parts = [p.strip() for p in re.split(r"[;|]", raw)]
            return "; ".join(table.get(norm(p), p) for p in parts if p)
        return table.get(norm(raw), raw)


def _from_json(data: Any, source: str) -> Mapping:
    if not isinstance(data, dict):
        raise MappingError(f"{source}: a mapping is a JSON object")
    try:
        columns = {norm(k): str(v) for k, v in dict(data.get("columns", {})).items()}
        join = {str(k): tuple(str(s) for s in v) for k, v in dict(data.get("join", {})).items()}
        values = {
            str(col): {norm(k): str(v) for k, v in dict(table).items()}
            for col, table in dict(data.get("values", {})).items()
        }
        return Mapping(
            name=str(data["name"]),
            kind=str(data["kind"]),
            title=str(data.get("title", data["name"])),
            description=str(data.get("description", "")),
            columns=columns,
            join=join,
            values=values,
        )
    except KeyError as exc:
        raise MappingError(f"{source}: the mapping has no {exc.args[0]!r}") from None
    except (TypeError, ValueError) as exc:
        raise MappingError(f"{source}: {exc}") from None


def shipped(kind: str) -> dict[str, Mapping]:
    """The mappings shipped with MHSIP for ``kind`` ("incidents" or "returns"), by name."""
    found = {}
    for path in sorted(DATA_DIR.glob(f"{kind}-*.json")):
        mapping = _from_json(json.loads(path.read_text(encoding="utf-8")), path.name)
        found[mapping.name] = mapping
    return found


def load_mapping(name_or_path: str, kind: str) -> Mapping:
    """A shipped mapping by name, or a trust's own mapping file by path."""
    available = shipped(kind)
    if name_or_path in available:
        return available[name_or_path]
    path = Path(name_or_path)
    if path.suffix == ".json" and path.is_file():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise MappingError(f"{path.name}: not a readable JSON file ({exc})") from None
        mapping = _from_json(data, path.name)
        if mapping.kind != kind:
            raise MappingError(f"{path.name} maps {mapping.kind}, not {kind}")
        return mapping
    raise MappingError(
        f"No mapping {name_or_path!r} for {kind}: use one of {', '.join(sorted(available))} "
        "or the path of a .json mapping file"
    )
