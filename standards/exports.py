"""CSV and XLSX output shared by every export: Excel-friendly and safe against formula injection."""

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator

from django.http import HttpResponse, StreamingHttpResponse

# A cell starting with one of these is run as a formula by spreadsheet programs.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(handle, header: list, rows: Iterable[list]) -> None:
    writer = csv.writer(handle)
    writer.writerow([safe_cell(v) for v in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])


def csv_lines(header: list, rows: Iterable[list]) -> Iterator[str]:
    """UTF-8 with a BOM (so Excel reads Japanese correctly), one line at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    for row in _with_header(header, rows):
        writer.writerow([safe_cell(v) for v in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def csv_response(filename: str, header: list, rows: Iterable[list]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(
    filename: str, sheet: str, header: list, rows: Iterable[list]
) -> StreamingHttpResponse:
    """A write-only workbook, spooled to disk past 8 MB, so memory stays flat for large exports."""
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet)
    for row in _with_header(header, rows):
        worksheet.append([safe_cell(v) for v in row])
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    workbook.save(spool)
    spool.seek(0)

    def chunks() -> Iterator[bytes]:
        with spool:
            while chunk := spool.read(64 * 1024):
                yield chunk

    response = StreamingHttpResponse(chunks(), content_type=XLSX_MIME)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def small_csv_response(filename: str, header: list, rows: Iterable[list]) -> HttpResponse:
    response = HttpResponse(
        "".join(csv_lines(header, rows)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _with_header(header: list, rows: Iterable[list]) -> Iterator[list]:
    yield header
    yield from rows
