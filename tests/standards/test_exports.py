"""Exports against formula injection: CSV cells that a spreadsheet would run get an apostrophe
(full-width forms included); XLSX cells are strings, exactly as written, never formulas."""

import csv
import io
import zipfile

import openpyxl
import pytest

from standards import exports
from standards.models import Standard
from tests.standards.factories import StandardFactory

# (cell, as the CSV must write it)
CELLS = [
    ("=1+1", "'=1+1"),
    ("+81 3 1234", "'+81 3 1234"),
    ("-5", "'-5"),
    ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ('＝HYPERLINK("http://example.invalid")', '\'＝HYPERLINK("http://example.invalid")'),
    ("＋1＋1", "'＋1＋1"),
    ("－1", "'－1"),
    ("＠SUM(A1)", "'＠SUM(A1)"),
    ("﹦1+1", "'﹦1+1"),
    ("﹣1", "'﹣1"),
    # left alone: nothing to run
    ("JIS B 8445", "JIS B 8445"),
    ("ロボット－安全要求事項", "ロボット－安全要求事項"),
    ("a=b", "a=b"),
    ("", ""),
]


def _csv_cells(header, rows) -> list[list[str]]:
    text = "".join(exports.csv_lines(header, rows)).removeprefix("\ufeff")
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.parametrize(("cell", "written"), CELLS)
def test_csv_cells_that_would_run_get_an_apostrophe(cell, written):
    assert _csv_cells(["title"], [[cell]]) == [["title"], [written]]
    buffer = io.StringIO(newline="")
    exports.write_csv(buffer, ["title"], [[cell]])
    assert list(csv.reader(io.StringIO(buffer.getvalue(), newline=""))) == [["title"], [written]]


def test_xlsx_cells_are_strings_exactly_as_written():
    header = ["=header", "other"]
    rows = [[cell, 7] for cell, _written in CELLS]
    response = exports.xlsx_response("out.xlsx", "sheet", header, rows)
    data = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml and b"<f " not in sheet_xml, "no formula cell at all"
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert (sheet["A1"].value, sheet["A1"].data_type) == ("=header", "s")
    for number, (cell, _written) in enumerate(CELLS, start=2):
        written = sheet.cell(row=number, column=1)
        # XLSX escapes a carriage return as _x000D_, which openpyxl leaves as it is
        assert (written.value or "").replace("_x000D_", "\r") == cell, cell
        assert written.data_type == "s" or not cell, cell
        assert sheet.cell(row=number, column=2).value == 7


def test_csv_is_sent_in_pieces_of_whole_lines():
    rows = [[f"JIS B {n:04d}", "試験方法" * 5, n] for n in range(3000)]
    pieces = list(exports.csv_lines(["number", "title", "n"], rows))
    assert len(pieces) < 3000 / 50
    assert all(piece.endswith("\r\n") for piece in pieces)
    assert _csv_cells(["number", "title", "n"], rows)[1:] == [[a, b, str(c)] for a, b, c in rows]


@pytest.mark.django_db
def test_each_chunk_of_the_catalog_carries_its_own_ministries_bodies_and_correspondences():
    for n in range(7):
        StandardFactory(
            number=f"JIS C {6000 + n}",
            ministries=["METI"] if n % 2 else ["MLIT", "METI"],
            correspondences=[(f"IEC {60000 + n}", "IDT")] if n % 3 else [],
        )
    queryset = Standard.objects.order_by("number")
    whole = list(exports.catalog_records(queryset))
    in_pairs = list(exports.catalog_records(queryset, chunk_size=2))
    assert in_pairs == whole
    by_number = {r["number"]: r for r in whole}
    assert by_number["JIS C 6001"]["ministries"] == ["経済産業大臣"]
    assert len(by_number["JIS C 6000"]["ministries"]) == 2
    assert by_number["JIS C 6004"]["correspondences"] == ["IEC 60004 (Identical (IDT))"]
    assert by_number["JIS C 6003"]["correspondences"] == []
    assert all(len(r["drafting_bodies"]) == 1 for r in whole)


@pytest.mark.django_db
def test_json_lists_read_as_stored_each_record_with_its_own_list():
    for n, codes in enumerate([["25.040.30", "13"], ["25.040.30", "13"], [], ["01.040"]]):
        standard = StandardFactory(number=f"JIS B {7000 + n}")
        standard.ics_codes, standard.strategic_fields = codes, ["hydrogen"] if n % 2 else []
        standard.save()
    records = list(exports.catalog_records(Standard.objects.order_by("number")))
    stored = list(Standard.objects.order_by("number").values_list("ics_codes", "strategic_fields"))
    assert [(r["ics_codes"], r["strategic_fields"]) for r in records] == stored
    assert records[0]["ics_codes"] is not records[1]["ics_codes"]
    assert "ics_codes_as_text" not in records[0]
