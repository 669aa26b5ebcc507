"""Hostile catalog files are refused quickly and in little memory, always with a reason.

The worst seen: a 256 KB XLSX of 50,000 rows with one cell in column XFD, which openpyxl padded
to 16,384 cells a row (3.8 GB, a killed worker, and a MemoryError printed as an empty reason).
"""

import datetime as dt
import io
import json
import os
import re
import resource
import subprocess
import sys
import time
import tracemalloc
import zipfile
from contextlib import contextmanager
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from standards.catalog_files import MAX_COLUMNS, CatalogFileError
from standards.importing import KEPT_ERRORS, read_catalog, rejected_rows
from standards.management.commands.import_standards import SHOWN_PROBLEMS
from standards.models import Standard
from tests.standards.test_importing import import_error

ROOT = Path(__file__).resolve().parents[2]
MB = 1024 * 1024
SECONDS, MEGABYTES = 2, 200  # the bound a hostile file must be refused within

_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
        '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
        '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
        '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/'
        'workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org'
        '/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006'
        '/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets>'
        "</workbook>"
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
        '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/'
        'sheet1.xml"/></Relationships>'
    ),
}


def wide_xlsx(
    *, rows: int = 50_000, declared: str | None = "A1:XFD50001", column: str = "XFD"
) -> bytes:
    """A header, then `rows` rows each holding one cell in `column`, written as Excel would
    (with the used range declared) or with `declared=None` (no <dimension>, as some writers)."""
    dimension = f'<dimension ref="{declared}"/>' if declared else ""
    body = "".join(
        f'<row r="{r}"><c r="{column}{r}" t="inlineStr"><is><t>x</t></is></c></row>'
        for r in range(2, rows + 2)
    )
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org'
        f'/spreadsheetml/2006/main">{dimension}<sheetData><row r="1">'
        '<c r="A1" t="inlineStr"><is><t>number</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>title_ja</t></is></c></row>'
        f"{body}</sheetData></worksheet>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in {**_PARTS, "xl/worksheets/sheet1.xml": sheet}.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def wide():
    data = wide_xlsx()
    assert 200_000 < len(data) < 300_000, "the file of the report: about 256 KB"
    return data


def _vm_data() -> int:
    status = Path("/proc/self/status").read_text()
    kilobytes = next(line.split()[1] for line in status.splitlines() if line.startswith("VmData"))
    return int(kilobytes) * 1024


@contextmanager
def measured():
    """Time and peak allocation of the block. Past three times the bound the block gets a
    MemoryError (RLIMIT_DATA) instead of taking the machine with it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    resource.setrlimit(resource.RLIMIT_DATA, (_vm_data() + 3 * MEGABYTES * MB, hard))
    tracemalloc.start()
    result, started = {}, time.perf_counter()
    try:
        yield result
    finally:
        result["seconds"] = time.perf_counter() - started
        result["megabytes"] = tracemalloc.get_traced_memory()[1] / MB
        tracemalloc.stop()
        resource.setrlimit(resource.RLIMIT_DATA, (soft, hard))


def _within_bounds(used: dict) -> None:
    assert used["seconds"] < SECONDS, used
    assert used["megabytes"] < MEGABYTES, used


# --- the wide XLSX ----------------------------------------------------------------------------

_CHILD = """
import datetime as dt, json, resource, sys, time
import django
django.setup()
from django.utils import translation
translation.activate("en")
import openpyxl  # loaded once per worker process, not per file: outside the measured time
from standards.catalog_files import MAX_COLUMNS, CatalogFileError
from standards.importing import read_catalog
data = open(sys.argv[1], "rb").read()
started = time.perf_counter()
try:
    read_catalog(data, filename="wide.xlsx", ministries={}, today=dt.date(2026, 11, 28),
                 max_bytes=20 * 1024 * 1024, max_rows=50_000)
    message = None
except CatalogFileError as exc:
    message = str(exc)
print(json.dumps({"message": message, "seconds": time.perf_counter() - started,
                  # VmHWM, the peak of this process's own memory: ru_maxrss would carry over the
                  # size of the test runner this process was forked from
                  "megabytes": int(next(l.split()[1] for l in open("/proc/self/status")
                                        if l.startswith("VmHWM"))) / 1024}))
"""


def _read_in_a_process(tmp_path, data: bytes) -> dict:
    """Read a file in a fresh process and report its reason, time and peak resident memory (the
    whole process: Python, Django, openpyxl and the file)."""
    path = tmp_path / "wide.xlsx"
    path.write_bytes(data)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "jisreview.test_settings", "PYTHONPATH": ROOT}
    gigabyte = 1024 * MB
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        # a reader that pads rows gets a MemoryError here rather than gigabytes of the machine
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_DATA, (gigabyte, gigabyte)),
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.splitlines()[-1])


def test_wide_xlsx_is_refused_at_once_in_a_small_process(tmp_path, wide):
    result = _read_in_a_process(tmp_path, wide)
    assert "A1:XFD50001" in result["message"] and "16384 columns" in result["message"]
    assert result["seconds"] < SECONDS, result
    assert result["megabytes"] < MEGABYTES, result


def test_wide_xlsx_without_a_declared_range_is_refused_at_its_first_wide_cell(tmp_path):
    # No <dimension> to refuse it by: the scan of the sheet's XML stops at row 2's cell in XFD,
    # before openpyxl reads a row (it used to read all 50,000 rows for 7.6 s, then said "no rows").
    result = _read_in_a_process(tmp_path, wide_xlsx(declared=None))
    assert result["message"] == (
        "Row 2 has a cell in column XFD; at most 64 columns are read. Delete the columns to the "
        "right of the table and save again."
    ), result
    assert result["seconds"] < SECONDS, result
    assert result["megabytes"] < MEGABYTES, result


def _sheet_xlsx(sheet_data_parts) -> bytes:
    """A workbook whose first sheet's <sheetData> is the concatenation of `sheet_data_parts`
    (bytes), written to the archive as a stream (the sheet may be larger than we want to hold)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in _PARTS.items():
            archive.writestr(name, content)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
                b'openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            for part in sheet_data_parts:
                sheet.write(part)
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


_HEADER_ROW = (
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>number</t></is></c>'
    b'<c r="B1" t="inlineStr"><is><t>title_ja</t></is></c></row>'
)


def test_a_row_of_two_million_cells_is_refused_at_its_65th(tmp_path):
    # Cells that do not name their column (as XML allows): openpyxl built the whole row, 1 GB.
    cells = b"<c/>" * 2_000_000
    data = _sheet_xlsx([_HEADER_ROW, b"<row>", cells, b"</row>"])
    assert len(data) < 100_000
    result = _read_in_a_process(tmp_path, data)
    assert result["message"].startswith("Row 2 has more than 64 cells"), result
    assert result["seconds"] < SECONDS, result
    assert result["megabytes"] < MEGABYTES, result


def test_cells_all_naming_the_same_place_count_towards_the_row(tmp_path):
    data = _sheet_xlsx([_HEADER_ROW, b'<row r="2">', b'<c r="A2"/>' * 65, b"</row>"])
    with pytest.raises(CatalogFileError, match="Row 2 has more than 64 cells"):
        _read(data, "same.xlsx")


def test_a_sheet_larger_than_the_bound_is_refused_by_its_declared_size(tmp_path):
    # 69 MB of rows within every other limit, no <dimension>, random enough to be no zip bomb
    # (and under the 20 MB upload limit): openpyxl would read it past gunicorn's timeout.
    rows = (
        b'<row><c t="inlineStr"><is><t>'
        + os.urandom(100).hex().encode()
        + b"x" * 1200
        + b"</t></is></c></row>"
        for _ in range(50_000)
    )
    data = _sheet_xlsx(rows)
    assert len(data) < 20 * MB
    result = _read_in_a_process(tmp_path, data)
    assert result["message"].startswith(
        "The workbook's part xl/worksheets/sheet1.xml is 69 MB of XML; at most 64 MB is read."
    ), result
    assert result["seconds"] < SECONDS, result
    assert result["megabytes"] < MEGABYTES, result


def test_rows_beyond_the_limit_are_refused_at_the_first_one():
    rows = [b'<row><c t="inlineStr"><is><t>JIS B 8445</t></is></c></row>'] * 11
    with pytest.raises(CatalogFileError) as refused:
        _read(_sheet_xlsx([_HEADER_ROW, *rows]), "long.xlsx", max_rows=10)
    assert str(refused.value).startswith("The first sheet has a row 12; at most 10 rows")


def test_a_row_named_far_below_the_table_is_refused():
    far = b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    with pytest.raises(CatalogFileError, match="The first sheet has a row 1048576"):
        _read(_sheet_xlsx([_HEADER_ROW, far]), "far.xlsx")


def test_cells_with_a_namespace_prefix_are_counted_too():
    sheet = (
        b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<x:sheetData><x:row r="1"><x:c r="XFD1"/></x:row></x:sheetData></x:worksheet>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in _PARTS.items():
            archive.writestr(name, content)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    with pytest.raises(CatalogFileError, match="Row 1 has a cell in column XFD"):
        _read(buffer.getvalue(), "prefixed.xlsx")


def test_only_the_first_sheet_is_scanned():
    # The second sheet is wide; openpyxl reads only the first, and so does the scan.
    workbook = openpyxl.Workbook()
    workbook.active.append(["number", "title_ja"])
    workbook.active.append(["JIS B 8445", "ロボット"])
    workbook.create_sheet("notes").cell(row=1, column=16384, value="x")
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = _read(buffer.getvalue(), "two.xlsx")
    assert [r.number for r in report.records] == ["JIS B 8445"]


def test_tags_cut_by_the_end_of_a_chunk_are_read_whole(monkeypatch):
    # Chunks of 7 bytes cut every tag somewhere: the same file is read, the same wide cell found.
    monkeypatch.setattr("standards.xlsx_scan._CHUNK", 7)
    test_a_range_declared_too_small_does_not_lose_rows()
    with pytest.raises(CatalogFileError, match="Row 2 has a cell in column XFD"):
        _read(wide_xlsx(rows=3, declared=None), "wide.xlsx")


def test_the_scan_stops_after_the_time_allowed():
    from standards import xlsx_scan

    ticks = iter(range(0, 1000, 10))  # each look at the clock: 10 s later
    data = wide_xlsx(rows=3, declared="A1:B4", column="B")
    with pytest.raises(xlsx_scan.SheetRefused, match="took longer than 5 s"):
        xlsx_scan.check_workbook(
            io.BytesIO(data), size=len(data), max_rows=10, max_columns=64, clock=lambda: next(ticks)
        )


@pytest.mark.django_db
def test_wide_xlsx_refused_by_the_command(tmp_path, wide):
    with measured() as used:
        message = import_error(tmp_path, wide, "wide.xlsx")
    assert "wide.xlsx: The first sheet's used range is A1:XFD50001, 16384 columns wide" in message
    assert "Nothing was imported." in message
    _within_bounds(used)


def _english(client, user):
    client.force_login(user)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.mark.django_db
def test_wide_xlsx_refused_on_the_upload_screen(client, coordinator, wide):
    _english(client, coordinator)
    with measured() as used:
        response = client.post(
            reverse("standards:import"), {"file": SimpleUploadedFile("wide.xlsx", wide)}
        )
    assert response.status_code == 200
    assert "The first sheet&#x27;s used range is A1:XFD50001" in response.content.decode()
    assert not Standard.objects.exists()
    _within_bounds(used)


@pytest.mark.parametrize(
    ("declared", "expected"),
    [
        ("A1:BM10", "A1:BM10, 65 columns wide; a catalog has at most 64 columns"),
        ("A1:K50002", "A1:K50002, 50002 rows long; a catalog has at most 50000 rows"),
    ],
)
def test_a_used_range_beyond_the_limits_is_refused_before_reading(declared, expected):
    with pytest.raises(CatalogFileError) as refused:
        _read(wide_xlsx(rows=3, declared=declared), "wide.xlsx", max_rows=50_000)
    assert expected in str(refused.value)


def test_a_range_declared_too_small_does_not_lose_rows():
    # A declared range smaller than the sheet (as some writers leave it) loses no row or column.
    workbook = openpyxl.Workbook()
    workbook.active.append(["number", "title_ja", "title_en"])
    workbook.active.append(["JIS B 8445", "ロボット", "Robots"])
    workbook.active.append(["JIS B 7922", "温度計", "WBGT"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = _redeclare(buffer.getvalue(), "A1:B2")
    report = _read(data, "small.xlsx")
    assert [(r.number, r.title_en) for r in report.records] == [
        ("JIS B 8445", "Robots"),
        ("JIS B 7922", "WBGT"),
    ]


def _redeclare(data: bytes, declared: str) -> bytes:
    source, buffer = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content, found = re.subn(
                    rb'<dimension ref="[^"]*" ?/>',
                    f'<dimension ref="{declared}"/>'.encode(),
                    content,
                )
                assert found == 1
            archive.writestr(item, content)
    return buffer.getvalue()


@pytest.mark.django_db
def test_a_csv_line_of_millions_of_cells_is_refused_before_parsing(tmp_path):
    data = b"number,title_ja\nJIS B 8445,x" + b"," * (19 * MB) + b"y\n"
    with measured() as used:
        message = import_error(tmp_path, data)
    assert "Line 2 has more than 256 cells" in message
    _within_bounds(used)


# --- no empty reasons -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        (MemoryError(), "needs more memory to read than the server has"),
        (KeyError(), "not a readable XLSX workbook (KeyError)"),
        (ValueError(""), "not a readable XLSX workbook (ValueError)"),
        (ValueError("bad sheet"), "not a readable XLSX workbook (bad sheet)"),
    ],
)
@pytest.mark.parametrize("stage", ["opening", "reading"])
def test_a_failure_inside_openpyxl_always_says_why(tmp_path, monkeypatch, failure, expected, stage):
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    def fail(*args, **kwargs):
        raise failure

    if stage == "opening":
        monkeypatch.setattr(openpyxl, "load_workbook", fail)
    else:
        monkeypatch.setattr(ReadOnlyWorksheet, "iter_rows", fail)
    data = wide_xlsx(rows=2, declared="A1:B3", column="B")
    message = import_error(tmp_path, data, "catalog.xlsx")
    assert expected in message
    assert "()" not in message


@pytest.mark.django_db
def test_running_out_of_memory_on_a_csv_is_a_reason_not_a_crash(tmp_path, monkeypatch):
    def fail(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr("standards.catalog_files._csv_rows", fail)
    message = import_error(tmp_path, b"number,title_ja\nJIS B 8445,x\n")
    assert "needs more memory to read than the server has; nothing was imported" in message


# --- bounded errors and time ------------------------------------------------------------------


def _read(data: bytes, filename: str = "catalog.csv", **limits):
    return read_catalog(
        data,
        filename=filename,
        ministries={},
        today=dt.date(2026, 11, 28),
        max_bytes=limits.pop("max_bytes", 20 * MB),
        max_rows=limits.pop("max_rows", 50_000),
        **limits,
    )


def test_only_the_first_errors_are_kept_but_every_bad_row_and_reason():
    rows = "".join(f"JIS B {1000 + i},x,maybe\n" for i in range(3000))
    report = _read(("number,title_ja,status\n" + rows).encode())
    # each row: an unknown status; the number is fine, the title too
    assert len(report.errors) == KEPT_ERRORS
    assert report.problem_count == 3000
    assert report.errors[-1].line == KEPT_ERRORS + 1
    _header, rejected = rejected_rows(report)
    assert len(rejected) == 3000
    assert rejected[-1] == ["JIS B 3999", "x", "maybe", 3001, rejected[0][-1]]
    assert rejected[0][-1].startswith("status: expected active / withdrawn")


def test_a_rejected_row_keeps_no_more_cells_than_a_catalog_has():
    report = _read(b"number,title_ja\nJIS B 8445,x" + b",y" * 200 + b"\n")
    _header, [row] = rejected_rows(report)
    assert row[:3] == ["JIS B 8445", "x", "y"]
    assert len(row) == MAX_COLUMNS + 2  # and the line and the reasons
    assert report.reasons[2].startswith("—: the row has 202 cells but the header only 2 columns")


def test_rejected_rows_line_up_under_the_header_when_cells_are_missing():
    report = _read(b"number,title_ja,title_en,status\nJIS B 8445,,\n")
    header, [row] = rejected_rows(report)
    assert dict(zip(header, row, strict=True))["line"] == 2


@pytest.mark.django_db
def test_the_command_counts_every_problem_beyond_those_it_shows(tmp_path):
    rows = "".join(f"JIS B {1000 + i},x,maybe\n" for i in range(3000))
    path = tmp_path / "catalog.csv"
    path.write_text("number,title_ja,status\n" + rows)
    err = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("import_standards", str(path), stdout=io.StringIO(), stderr=err)
    assert "3000 invalid row(s)" in str(refused.value)
    shown = err.getvalue().splitlines()
    assert len(shown) == SHOWN_PROBLEMS + 1
    assert shown[-1] == f"… and {3000 - SHOWN_PROBLEMS} more problems."


@pytest.mark.django_db
def test_the_screen_counts_every_problem_and_lists_the_first(client, coordinator):
    _english(client, coordinator)
    rows = "".join(f"JIS B {1000 + i},x,maybe\n" for i in range(3000))
    data = ("number,title_ja,status\n" + rows).encode()
    response = client.post(reverse("standards:import"), {"file": SimpleUploadedFile("c.csv", data)})
    page = response.content.decode()
    assert "0 valid rows, 3000 problems." in page
    assert page.count("<tr><td>") == 500
    assert "Only the first 500 problems are shown" in page


def test_reading_stops_after_the_time_allowed():
    ticks = iter(range(0, 10_000, 10))  # each look at the clock: 10 s later
    rows = "".join(f"JIS B {1000 + i},x\n" for i in range(100))
    with pytest.raises(CatalogFileError) as stopped:
        _read(("number,title_ja\n" + rows).encode(), max_seconds=25, clock=lambda: next(ticks))
    assert "took too long; it was stopped at line 3 and nothing was imported" in str(stopped.value)


@pytest.mark.django_db
def test_the_command_and_the_screen_use_the_configured_time(
    tmp_path, settings, client, coordinator
):
    settings.IMPORT_MAX_SECONDS = -1  # already past: the first row is one too many
    data = b"number,title_ja\nJIS B 8445,x\n"
    assert "took too long" in import_error(tmp_path, data)
    _english(client, coordinator)
    response = client.post(reverse("standards:import"), {"file": SimpleUploadedFile("c.csv", data)})
    assert "took too long" in response.content.decode()
    assert not Standard.objects.exists()
