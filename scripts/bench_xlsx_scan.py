"""What the XLSX guard (standards/xlsx_scan.py) costs a legitimate file and saves on a hostile one
(issue #12): the real-shaped catalog (fixtures/build_real_catalog.py, ~19,600 rows) as XLSX, read
to its last row with and without the scan before it (median of RUNS); and the hostile sheets of
the issue, each refused, in seconds and in this process's peak memory.

scripts/bench.py can run child_xlsx_scan() in a process of its own after its setup_django(); run
alone, this file needs no database:

    .venv/bin/python scripts/bench_xlsx_scan.py
"""

import csv
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 3
MAX_ROWS = 50_000


def real_catalog_xlsx(folder: Path) -> bytes:
    """The real-shaped catalog, written by its generator, saved as XLSX the way openpyxl does."""
    import openpyxl

    path = folder / "real_catalog.csv"
    generator = ROOT / "fixtures" / "build_real_catalog.py"
    subprocess.run([sys.executable, str(generator), str(path)], check=True, capture_output=True)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.reader(handle):
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _hostile() -> dict[str, bytes]:
    from tests.standards.test_import_limits import _HEADER_ROW, _sheet_xlsx, wide_xlsx

    return {
        "wide_no_dimension": wide_xlsx(declared=None),
        "row_of_2M_cells": _sheet_xlsx([_HEADER_ROW, b"<row>", b"<c/>" * 2_000_000, b"</row>"]),
        "rows_beyond_limit": _sheet_xlsx(
            [_HEADER_ROW, *[b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'] * 60_000]
        ),
    }


def _read_all(data: bytes, *, scan: bool) -> float:
    from standards import catalog_files

    guard = catalog_files._check_workbook
    if not scan:
        catalog_files._check_workbook = lambda data, max_rows: None
    try:
        started = time.perf_counter()
        for _row in catalog_files.table_rows(data, "catalog.xlsx", MAX_ROWS):
            pass
        return time.perf_counter() - started
    finally:
        catalog_files._check_workbook = guard


def _refusal(data: bytes) -> dict:
    from standards.catalog_files import CatalogFileError, table_rows

    started = time.perf_counter()
    try:
        for _row in table_rows(data, "hostile.xlsx", MAX_ROWS):
            pass
        message = None
    except CatalogFileError as exc:
        message = str(exc)
    return {"seconds": round(time.perf_counter() - started, 3), "message": message}


def _scan_only(data: bytes) -> float:
    from standards import xlsx_scan
    from standards.catalog_files import MAX_COLUMNS

    started = time.perf_counter()
    xlsx_scan.check_workbook(
        io.BytesIO(data), size=len(data), max_rows=MAX_ROWS, max_columns=MAX_COLUMNS
    )
    return time.perf_counter() - started


def child_xlsx_scan() -> dict:
    """For scripts/bench.py, in a process of its own after Django is set up."""
    from django.utils import translation

    translation.activate("en")
    with tempfile.TemporaryDirectory() as folder:
        real = real_catalog_xlsx(Path(folder))
    sheet_mb = zipfile.ZipFile(io.BytesIO(real)).getinfo("xl/worksheets/sheet1.xml").file_size
    with_scan = statistics.median(_read_all(real, scan=True) for _ in range(RUNS))
    without = statistics.median(_read_all(real, scan=False) for _ in range(RUNS))
    scan = statistics.median(_scan_only(real) for _ in range(RUNS))
    hostile = {name: _refusal(data) for name, data in _hostile().items()}
    return {
        "real_xlsx_kb": len(real) // 1024,
        "real_sheet_mb": round(sheet_mb / 2**20, 1),
        "read_seconds_with_scan": round(with_scan, 2),
        "read_seconds_without_scan": round(without, 2),
        "scan_seconds": round(scan, 3),
        "scan_share_percent": round(100 * scan / with_scan, 1),
        "hostile": hostile,
        "slowest_refusal_seconds": max(r["seconds"] for r in hostile.values()),
        "peak_mb": round(_peak_kilobytes() / 1024),
    }


def _peak_kilobytes() -> int:
    with open("/proc/self/status") as status:
        return int(next(line.split()[1] for line in status if line.startswith("VmHWM")))


def main() -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jisreview.settings")
    os.environ.setdefault("JISREVIEW_VAR_DIR", str(ROOT / "var" / "bench"))
    import django

    django.setup()
    result = child_xlsx_scan()
    print(json.dumps(result, ensure_ascii=False))
    refused = all(r["message"] and r["seconds"] < 2 for r in result["hostile"].values())
    return 0 if refused and result["scan_share_percent"] < 10 else 1


if __name__ == "__main__":
    sys.exit(main())
