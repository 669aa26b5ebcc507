"""CSV and XLSX output shared by every export: Excel-friendly and safe against formula injection."""

import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from standards.models import Degree, Division, Status, StrategicField

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


def yes_no(value) -> str:
    """○ / × read the same in every language on a printed sheet; blank for unknown."""
    return {True: "○", False: "×"}.get(value, "")


def catalog_columns() -> list[tuple[str, Callable]]:
    """(header, value of a standard) for every catalog field, labels in the active language."""
    divisions = {k: str(v) for k, v in Division.choices}
    statuses = {k: str(v) for k, v in Status.choices}
    fields = {k: str(v) for k, v in StrategicField.choices}
    degrees = {k: str(v) for k, v in Degree.choices}
    return [
        (_("Number"), lambda s: s.number),
        (_("Title (Japanese)"), lambda s: s.title_ja),
        (_("Title (English)"), lambda s: s.title_en),
        (_("Division"), lambda s: divisions.get(s.division, s.division)),
        (_("Status"), lambda s: statuses.get(s.status, s.status)),
        (_("Competent ministers"), lambda s: "、".join(m.name_ja for m in s.ministries.all())),
        (_("Drafting body"), lambda s: s.drafting_body.name if s.drafting_body_id else ""),
        (_("Established"), lambda s: s.established_on),
        (_("Last revised"), lambda s: s.revised_on),
        (_("Last confirmed"), lambda s: s.confirmed_on),
        (_("Review due"), lambda s: s.review_due_on),
        (_("Review due fiscal year"), lambda s: s.review_due_fy),
        (_("ICS codes"), lambda s: "; ".join(s.ics_codes)),
        (
            _("International standards"),
            lambda s: "; ".join(
                f"{c.designation} ({degrees[c.degree]})" if c.degree else c.designation
                for c in s.correspondences.all()
            ),
        ),
        (_("Fast-track"), lambda s: yes_no(s.fast_track)),
        (_("Strategic fields"), lambda s: "、".join(fields.get(f, f) for f in s.strategic_fields)),
    ]


def table(queryset, columns: list[tuple[str, Callable]], *, chunk_size: int = 2000):
    """Header and lazily computed rows: the queryset is read in chunks, never whole."""
    header = [str(name) for name, _value in columns]
    getters = [value for _name, value in columns]

    def rows() -> Iterator[list]:
        for item in queryset.iterator(chunk_size=chunk_size):
            yield [get(item) for get in getters]

    return header, rows()


def catalog_table(queryset):
    queryset = queryset.select_related("drafting_body").prefetch_related(
        "ministries", "correspondences"
    )
    return table(queryset, catalog_columns())
