"""Reading what incident systems and spreadsheets actually produce: byte-order marks, Windows
encodings, blank rows, Excel date serials, day-first dates, XLSX workbooks, mapped columns."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest

from mhsip.imports.mappings import MappingError, load_mapping
from mhsip.imports.normalise import (
    UnreadableValueError,
    to_choice,
    to_date,
    to_datetime,
    to_type_code,
    two_digit,
)
from mhsip.imports.tables import UnreadableFileError, read_table
from mhsip.recording.codes import YesNoUnknown
from mhsip.recording.models import UseOfForceIncident
from tests.imports.factories import csv_bytes, incident_row

UTC = dt.UTC


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14/03/2025 14:30", dt.datetime(2025, 3, 14, 14, 30, tzinfo=UTC)),  # GMT
        ("14/07/2025 14:30", dt.datetime(2025, 7, 14, 13, 30, tzinfo=UTC)),  # BST
        ("4/7/25 9:05", dt.datetime(2025, 7, 4, 8, 5, tzinfo=UTC)),
        ("2025-07-14T14:30:00+01:00", dt.datetime(2025, 7, 14, 13, 30, tzinfo=UTC)),
        ("2025-07-14 14:30", dt.datetime(2025, 7, 14, 13, 30, tzinfo=UTC)),
        ("45730.6041666667", dt.datetime(2025, 3, 14, 14, 30, tzinfo=UTC)),  # Excel serial
        ("14.03.2025 1430", dt.datetime(2025, 3, 14, 14, 30, tzinfo=UTC)),
    ],
)
def test_dates_and_times_are_read_day_first_in_uk_time(text, expected):
    assert to_datetime(text) == expected


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("14/03/2025", "has a date but no time"),
        ("2025-03-14", "has a date but no time"),
        ("31/02/2025 10:00", "is not a date and time"),
        ("03/14/2025 10:00", "is not a date and time"),  # US order is not guessed
        ("yesterday", "is not a date and time"),
        ("123", "is not a date and time"),
    ],
)
def test_unreadable_dates_say_why(text, why):
    with pytest.raises(UnreadableValueError, match=why):
        to_datetime(text)


def test_dates_accept_the_same_forms_and_blank_is_none():
    assert (
        to_date("15/03/2025") == to_date("2025-03-15") == to_date("45731") == dt.date(2025, 3, 15)
    )
    assert to_date("  ") is None and to_datetime("") is None


def test_codes_without_their_leading_zero_are_the_same_code():
    assert two_digit("7") == two_digit("07") == two_digit("7.0") == "07"
    assert to_type_code("2") == ("13", True)
    assert to_type_code("14") == ("14", False)


def test_yes_no_answers_are_read_from_codes_labels_and_synonyms():
    answers = ["Y", "yes", " YES ", "N", "No", "U", "Not known", "not_known", "Unknown"]
    assert [to_choice(a, YesNoUnknown) for a in answers] == [
        "yes",
        "yes",
        "yes",
        "no",
        "no",
        "not_known",
        "not_known",
        "not_known",
        "not_known",
    ]
    assert to_choice("maybe", YesNoUnknown) == "maybe"  # left for the rules to refuse by name


def test_a_byte_order_mark_and_blank_rows_are_ignored_but_rows_keep_their_numbers():
    content = b"\xef\xbb\xbfa,b\r\n1,2\r\n,\r\n3,4\r\n\r\n"
    table = read_table(content)
    assert table.header == ["a", "b"]
    assert [(n, cells) for n, cells in table.rows if any(cells)] == [
        (2, ["1", "2"]),
        (4, ["3", "4"]),
    ]


def test_a_windows_1252_file_is_read():
    table = read_table("name,place\r\nRenée,Café\r\n".encode("cp1252"))
    assert list(table.rows) == [(2, ["Renée", "Café"])]


def test_an_empty_or_binary_file_is_refused_with_a_reason():
    with pytest.raises(UnreadableFileError, match="empty"):
        read_table(b"")
    with pytest.raises(UnreadableFileError, match="UTF-16"):
        read_table("a,b\r\n".encode("utf-16"))


def xlsx(rows: list[list[object]]) -> bytes:
    """A minimal workbook as Excel writes it: shared strings, numbers, an empty cell."""
    strings: list[str] = []
    sheet_rows = []
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, value in enumerate(row):
            ref = f"{chr(65 + c)}{r}"
            if value is None:
                continue
            if isinstance(value, str):
                strings.append(value)
                cells.append(f'<c r="{ref}" t="s"><v>{len(strings) - 1}</v></c>')
            else:
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
        sheet_rows.append(f'<row r="{r}">{"".join(cells)}</row>')
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as book:
        book.writestr(
            "xl/workbook.xml",
            f'<workbook {ns} {rel}><sheets><sheet name="Export" sheetId="1" r:id="rId1"/>'
            "</sheets></workbook>",
        )
        book.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
            "</Relationships>",
        )
        book.writestr(
            "xl/sharedStrings.xml",
            f"<sst {ns}>" + "".join(f"<si><t>{s}</t></si>" for s in strings) + "</sst>",
        )
        book.writestr(
            "xl/worksheets/sheet1.xml",
            f"<worksheet {ns}><sheetData>{''.join(sheet_rows)}</sheetData></worksheet>",
        )
    return buffer.getvalue()


def test_an_xlsx_workbook_is_read_with_excel_dates_as_serials():
    content = xlsx(
        [
            ["incident_reference", "incident_start", "note"],
            ["DX-1", 45730.5, None],
            [],
            ["DX-2", 45731, "x"],
        ]
    )
    table = read_table(content)
    assert table.header == ["incident_reference", "incident_start", "note"]
    assert list(table.rows) == [(2, ["DX-1", "45730.5"]), (3, []), (4, ["DX-2", "45731", "x"])]


@pytest.mark.django_db
def test_an_xlsx_export_imports_like_a_csv(world, import_incidents):
    row = incident_row("DX-1")
    columns = list(row)
    values = [row[c] for c in columns]
    values[columns.index("incident_start")] = 45730.6041666667
    outcome = import_incidents(xlsx([columns, values]), file_name="export.xlsx")
    assert outcome.ok, outcome.errors
    assert UseOfForceIncident.objects.get().started_at == dt.datetime(
        2025, 3, 14, 14, 30, tzinfo=UTC
    )


DATIX_ROW = {
    "Ref": "W12345",
    "Unit code": "ALPHA-1",
    "Patient hospital number": "H1234567",
    "Form status": "Finally approved",
    "Incident date": "14/03/2025",
    "Incident time": "14:30",
    "End date": "14/03/2025",
    "End time": "14:50",
    "Location (exact)": "Lounge",
    "Reason for intervention": "Violence to others",
    "Description": "Held standing by two staff.",
    "De-escalation attempted": "Talk down; Time out",
    "Outcome": "Settled.",
    "Death or serious injury": "N",
    "Police / others involved": "No",
    "Care plan contacts notified": "Y",
    "Patient debrief held": "Y",
    "Patient debrief date": "15/03/2025",
    "Staff debrief held": "Y",
    "Staff debrief date": "14/03/2025",
    "Staff involved (job titles)": "Staff nurse; HCA",
    "Staff involved (roles)": "Head; Arms",
    "Ethnicity": "Black or Black British - Caribbean",
    "Gender": "Female",
    "Year of birth": "1988",
    "Learning disability": "N",
    "Autism": "U",
    "Restraint type": "Prone",
    "Restraint start date": "14/03/2025",
    "Restraint start time": "14:32",
    "Restraint end date": "14/03/2025",
    "Restraint end time": "14:36",
    "In care plan": "N",
    "Injury to patient": "N",
    "Injury to staff": "N",
    "Injury to others": "N",
    "Datix handler": "Somebody",  # not ours: ignored
}


def datix_csv(*rows: dict[str, str]) -> bytes:
    buffer = io.StringIO()
    import csv

    writer = csv.DictWriter(buffer, fieldnames=list(DATIX_ROW), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


@pytest.mark.django_db
def test_a_datix_export_imports_through_the_datix_mapping(world, import_incidents):
    outcome = import_incidents(datix_csv(DATIX_ROW), mapping="datix")
    assert outcome.ok, [str(e) for e in outcome.errors]
    assert outcome.summary["ignored_columns"] == ["Datix handler"]
    incident = UseOfForceIncident.objects.get(local_reference="W12345")
    assert (incident.place, incident.reason, incident.status) == ("communal", "10", "submitted")
    assert incident.de_escalation == ["verbal", "space"]
    assert incident.interventions.get().type_code == "01"
    assert (incident.patient.ethnicity, incident.patient.sex) == ("M", "female")
    assert [s.role for s in incident.staff.order_by("id")] == ["lead", "upper_limbs"]


@pytest.mark.django_db
def test_a_problem_names_the_column_as_the_export_calls_it(world, import_incidents):
    outcome = import_incidents(
        datix_csv({**DATIX_ROW, "Restraint type": "Bear hug"}), mapping="datix"
    )
    assert [str(e) for e in outcome.errors] == [
        "Row 2, column Restraint type (intervention_type): "
        "'Bear hug' is not an MHSDS restrictive intervention type"
    ]


@pytest.mark.django_db
def test_a_trust_can_write_its_own_mapping(world, import_incidents, tmp_path):
    mapping = {
        "name": "ulysses-rv5",
        "kind": "incidents",
        "columns": {"Incident No": "incident_reference", "RI type": "intervention_type"},
        "values": {"intervention_type": {"Standing hold": "07"}},
    }
    path = tmp_path / "ulysses.json"
    path.write_text(json.dumps(mapping))
    row = incident_row("U-77")
    row["Incident No"] = row.pop("incident_reference")
    row["RI type"] = "Standing hold"
    del row["intervention_type"]
    outcome = import_incidents(csv_bytes([row], columns=list(row)), mapping=str(path))
    assert outcome.ok, outcome.errors
    assert (
        UseOfForceIncident.objects.get(local_reference="U-77").interventions.get().type_code == "07"
    )


def test_an_unknown_mapping_is_refused_with_the_choices():
    with pytest.raises(MappingError, match="use one of canonical, datix"):
        load_mapping("ulysses", "incidents")
    with pytest.raises(MappingError, match="No mapping 'datix' for returns"):
        load_mapping("datix", "returns")
