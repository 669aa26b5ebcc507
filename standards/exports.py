"""CSV and XLSX output shared by every export: Excel-friendly and safe against formula injection."""

import csv
import io
import tempfile
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from operator import itemgetter

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from standards.models import (
    Degree,
    Division,
    InternationalCorrespondence,
    Standard,
    Status,
    StrategicField,
)

# A CSV cell starting with one of these is run as a formula by spreadsheet programs. Japanese
# Excel also takes the full-width forms (＝ ＋ － ＠, and the small ﹦ ﹢ ﹣ ﹫) for the ASCII ones,
# so the first character is compared after NFKC folding.
_FORMULA_STARTS = frozenset("=+-@\t\r")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value):
    """CSV text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and unicodedata.normalize("NFKC", value[:1])[:1] in _FORMULA_STARTS:
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
    """Written row by row to a temporary file (XlsxWriter's constant-memory mode), then streamed:
    memory stays flat however long the list. Text is always a string cell, never a formula or a
    link."""
    import xlsxwriter

    spool = tempfile.TemporaryFile()
    workbook = xlsxwriter.Workbook(
        spool,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "default_date_format": "yyyy-mm-dd",
            "remove_timezone": True,
        },
    )
    worksheet = workbook.add_worksheet(sheet[:31])
    bold = workbook.add_format({"bold": True})
    _xlsx_row(worksheet, 0, header, bold)
    worksheet.freeze_panes(1, 0)
    for number, row in enumerate(rows, start=1):
        _xlsx_row(worksheet, number, row)
    workbook.close()
    spool.seek(0)

    def chunks() -> Iterator[bytes]:
        with spool:
            while chunk := spool.read(64 * 1024):
                yield chunk

    response = StreamingHttpResponse(chunks(), content_type=XLSX_MIME)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _xlsx_row(worksheet, number: int, values: list, cell_format=None) -> None:
    """Text goes in as a string cell, exactly as it is: a string cell is never evaluated, so it
    needs no apostrophe (which XLSX would show as part of the text)."""
    for column, value in enumerate(values):
        if isinstance(value, str):
            worksheet.write_string(number, column, value, cell_format)
        else:
            worksheet.write(number, column, value, cell_format)


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


# what a catalog export reads of each standard (plus its ministries and correspondences)
CATALOG_FIELDS = (
    "id",
    "number",
    "title_ja",
    "title_en",
    "division",
    "status",
    "drafting_body__name",
    "established_on",
    "revised_on",
    "confirmed_on",
    "review_due_on",
    "review_due_fy",
    "ics_codes",
    "fast_track",
    "strategic_fields",
)


def catalog_columns() -> list[tuple[str, Callable[[dict], object]]]:
    """(header, value of a record) for every catalog field, labels in the active language."""
    divisions = {k: str(v) for k, v in Division.choices}
    statuses = {k: str(v) for k, v in Status.choices}
    fields = {k: str(v) for k, v in StrategicField.choices}
    return [
        (_("Number"), itemgetter("number")),
        (_("Title (Japanese)"), itemgetter("title_ja")),
        (_("Title (English)"), itemgetter("title_en")),
        (_("Division"), lambda r: divisions.get(r["division"], r["division"])),
        (_("Status"), lambda r: statuses.get(r["status"], r["status"])),
        (_("Competent ministers"), lambda r: "、".join(r["ministries"])),
        (_("Drafting body"), lambda r: r["drafting_body__name"] or ""),
        (_("Established"), itemgetter("established_on")),
        (_("Last revised"), itemgetter("revised_on")),
        (_("Last confirmed"), itemgetter("confirmed_on")),
        (_("Review due"), itemgetter("review_due_on")),
        (_("Review due fiscal year"), itemgetter("review_due_fy")),
        (_("ICS codes"), lambda r: "; ".join(r["ics_codes"] or ())),
        (_("International standards"), lambda r: "; ".join(r["correspondences"])),
        (_("Fast-track"), lambda r: yes_no(r["fast_track"])),
        (
            _("Strategic fields"),
            lambda r: "、".join(fields.get(f, f) for f in r["strategic_fields"] or ()),
        ),
    ]


def catalog_records(queryset, fields=CATALOG_FIELDS, *, chunk_size: int = 2000) -> Iterator[dict]:
    """The standards as plain dicts of `fields`, each with the names of its ministries and its
    international correspondences, read a chunk at a time (three queries a chunk, no model objects)."""
    degrees = {k: str(v) for k, v in Degree.choices}
    rows = queryset.values(*fields).iterator(chunk_size=chunk_size)
    while chunk := list(islice(rows, chunk_size)):
        ids = [r["id"] for r in chunk]
        ministries = defaultdict(list)
        for standard_id, name in (
            Standard.ministries.through.objects.filter(standard_id__in=ids)
            .order_by("ministry__sort_order", "ministry__code")
            .values_list("standard_id", "ministry__name_ja")
        ):
            ministries[standard_id].append(name)
        correspondences = defaultdict(list)
        for standard_id, designation, degree in (
            InternationalCorrespondence.objects.filter(standard_id__in=ids)
            .order_by("id")
            .values_list("standard_id", "designation", "degree")
        ):
            correspondences[standard_id].append(
                f"{designation} ({degrees[degree]})" if degree else designation
            )
        for record in chunk:
            record["ministries"] = ministries[record["id"]]
            record["correspondences"] = correspondences[record["id"]]
            yield record


def table(records: Iterable[dict], columns: list[tuple[str, Callable[[dict], object]]]):
    """Header and lazily computed rows."""
    header = [str(name) for name, _value in columns]
    getters = [value for _name, value in columns]
    return header, ([get(r) for get in getters] for r in records)


def catalog_table(queryset):
    return table(catalog_records(queryset), catalog_columns())
