"""Read an uploaded table (CSV or XLSX) as a header and numbered rows.

Rows are numbered as a spreadsheet shows them: the header is row 1, so the first record is row
2, and every message can say "Row 14" and mean the row a person sees in Excel.

What real exports do, and what is done about it:

- a UTF-8 byte-order mark (Excel's "CSV UTF-8") is removed; a file that is not UTF-8 is read as
  Windows-1252, what Excel's plain "CSV" writes in the UK;
- blank rows (often trailing, left by Excel) are skipped but still counted in the numbering;
- cells have their surrounding spaces removed;
- XLSX is read with the standard library (zip + XML, streamed), so dates arrive as Excel serial
  numbers, which :mod:`mhsip.imports.normalise` understands.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree.ElementTree import iterparse

csv.field_size_limit(10_000_000)


class UnreadableFileError(ValueError):
    """The file is not a table this importer can read; ``str(exc)`` says why."""


@dataclass
class Table:
    header: list[str]
    rows: Iterator[tuple[int, list[str]]]  # (spreadsheet row number, cells)
    estimated_rows: int


def read_table(content: bytes) -> Table:
    if content[:4] == b"PK\x03\x04":
        return _read_xlsx(content)
    return _read_csv(content)


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def _read_csv(content: bytes) -> Table:
    if b"\x00" in content[:1000]:
        raise UnreadableFileError(
            "The file is not a CSV file (it looks like a binary or UTF-16 file): "
            "save it from Excel as 'CSV UTF-8 (Comma delimited)'"
        )
    text = _decode(content)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [cell.strip().lstrip("\ufeff") for cell in next(reader)]
    except StopIteration:
        raise UnreadableFileError("The file is empty") from None
    except csv.Error as exc:
        raise UnreadableFileError(f"The file is not a readable CSV file: {exc}") from None
    if not any(header):
        raise UnreadableFileError("Row 1 should hold the column names, but it is empty")

    def rows() -> Iterator[tuple[int, list[str]]]:
        number = 1
        try:
            for cells in reader:
                number += 1
                yield number, [cell.strip() for cell in cells]
        except csv.Error as exc:
            raise UnreadableFileError(f"Row {number + 1} cannot be read as CSV: {exc}") from None

    return Table(header, rows(), max(0, text.count("\n") - 1))


# --- XLSX (Office Open XML spreadsheet), first worksheet ---------------------------------------

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_CELL_REF = re.compile(r"^([A-Z]+)(\d+)$")


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + (ord(ch) - 64)
    return index - 1


def _first_sheet_path(book: zipfile.ZipFile) -> str:
    names = set(book.namelist())
    try:
        workbook = book.read("xl/workbook.xml")
        rels = book.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        raise UnreadableFileError("The file is not an Excel workbook (.xlsx)") from None
    from xml.etree.ElementTree import fromstring

    sheet = fromstring(workbook).find(f"{_NS}sheets/{_NS}sheet")
    if sheet is None:
        raise UnreadableFileError("The workbook has no worksheet")
    rel_id = sheet.get(f"{_REL_NS}id")
    for rel in fromstring(rels):
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "").lstrip("/")
            path = target if target.startswith("xl/") else f"xl/{target}"
            if path in names:
                return path
    raise UnreadableFileError("The workbook's first worksheet cannot be found")


def _shared_strings(book: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in book.namelist():
        return []
    strings = []
    with book.open("xl/sharedStrings.xml") as handle:
        for _event, element in iterparse(handle):
            if element.tag == f"{_NS}si":
                strings.append("".join(t.text or "" for t in element.iter(f"{_NS}t")))
                element.clear()
    return strings


def _read_xlsx(content: bytes) -> Table:
    try:
        book = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        raise UnreadableFileError("The file is not an Excel workbook (.xlsx)") from None
    sheet_path = _first_sheet_path(book)
    strings = _shared_strings(book)

    def records() -> Iterator[tuple[int, list[str]]]:
        with book.open(sheet_path) as handle:
            for _event, element in iterparse(handle):
                if element.tag != f"{_NS}row":
                    continue
                number = int(element.get("r", "0"))
                cells: dict[int, str] = {}
                for cell in element.iter(f"{_NS}c"):
                    match = _CELL_REF.match(cell.get("r", ""))
                    index = _column_index(match.group(1)) if match else len(cells)
                    kind = cell.get("t", "n")
                    if kind == "inlineStr":
                        value = "".join(t.text or "" for t in cell.iter(f"{_NS}t"))
                    else:
                        v = cell.find(f"{_NS}v")
                        value = v.text or "" if v is not None else ""
                        if kind == "s" and value:
                            value = strings[int(value)]
                        elif kind == "b":
                            value = "yes" if value == "1" else "no"
                    cells[index] = value.strip()
                element.clear()
                width = max(cells) + 1 if cells else 0
                yield number, [cells.get(i, "") for i in range(width)]

    iterator = records()
    for number, cells in iterator:
        if any(cells):
            if number != 1:
                raise UnreadableFileError(
                    f"Row 1 should hold the column names, but the first filled row is {number}"
                )
            header = cells
            break
    else:
        raise UnreadableFileError("The worksheet is empty")
    info = book.getinfo(sheet_path)
    return Table(header, iterator, max(0, info.file_size // 400))
