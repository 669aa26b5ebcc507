"""CSV and XLSX output shared by every export: Excel-friendly and safe against formula injection."""

import csv
import io
import json
import tempfile
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from operator import itemgetter

from django.db import connection
from django.db.models import TextField
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext_lazy

from standards.alignment.rule import newer_edition_text
from standards.models import (
    Alignment,
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
    if not isinstance(value, str) or not value:
        return value
    first = value[0]
    if first >= "\x80":  # a full-width or other form NFKC may fold to one of the ASCII ones
        first = unicodedata.normalize("NFKC", first)[:1]
    return "'" + value if first in _FORMULA_STARTS else value


def unsafe_cell(value: str) -> str:
    """The text safe_cell guarded, as it was: an export imports again unchanged."""
    if value[:1] == "'" and unicodedata.normalize("NFKC", value[1:2])[:1] in _FORMULA_STARTS:
        return value[1:]
    return value


def write_csv(handle, header: list, rows: Iterable[list]) -> None:
    writer = csv.writer(handle)
    writer.writerow([safe_cell(v) for v in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])


CSV_CHUNK_CHARACTERS = 32 * 1024


def csv_lines(header: list, rows: Iterable[list]) -> Iterator[str]:
    """UTF-8 with a BOM (so Excel reads Japanese correctly), sent in pieces of whole lines of about
    CSV_CHUNK_CHARACTERS (a piece per line costs the response more than writing the line)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    for row in _with_header(header, rows):
        writer.writerow([safe_cell(v) for v in row])
        if buffer.tell() >= CSV_CHUNK_CHARACTERS:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


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
        if value == "" and cell_format is None:
            continue  # an empty cell reads back as an empty value; no need to write one
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


# what a catalog export reads of each standard (plus its ministries, bodies and correspondences)
CATALOG_FIELDS = (
    "id",
    "number",
    "edition_year",
    "title_ja",
    "title_en",
    "division",
    "status",
    "drafting_body_id",
    "drafting_body__name",
    "established_on",
    "revised_on",
    "confirmed_on",
    "review_due_on",
    "review_due_fy",
    "ics_codes",
    "international_text",
    "fast_track",
    "strategic_fields",
    "alignment__status",
    "alignment__newer_reference",
    "alignment__newer_published_on",
)

# The catalog export's headers, by the import column each re-imports as: the import reads them in
# either language, so an export can be edited and imported again.
CATALOG_HEADERS = {
    "number": gettext_lazy("Number"),
    "edition": gettext_lazy("Edition"),
    "title_ja": gettext_lazy("Title (Japanese)"),
    "title_en": gettext_lazy("Title (English)"),
    "status": gettext_lazy("Status"),
    "ministry": gettext_lazy("Competent ministers"),
    "drafting_body": gettext_lazy("Drafting body"),
    "established_on": gettext_lazy("Established"),
    "revised_on": gettext_lazy("Last revised"),
    "confirmed_on": gettext_lazy("Last confirmed"),
    "ics": gettext_lazy("ICS codes"),
    "international": gettext_lazy("International standards"),
    "international_text": gettext_lazy("International standards (as written)"),
    "fast_track": gettext_lazy("Fast-track"),
    "strategic_fields": gettext_lazy("Strategic fields"),
}
# Export columns computed from the others: the import recognises and skips them.
DERIVED_HEADERS = {
    "division": gettext_lazy("Division"),
    "review_due_on": gettext_lazy("Review due"),
    "review_due_fy": gettext_lazy("Review due fiscal year"),
    "alignment": gettext_lazy("International alignment"),
    "alignment_newer": gettext_lazy("Newer international edition"),
}
# Several values in one cell: a separator the import splits at.
LIST_SEPARATOR = "、"


def catalog_columns() -> list[tuple[str, Callable[[dict], object]]]:
    """(header, value of a record) for every catalog field, labels in the active language."""
    divisions = {k: str(v) for k, v in Division.choices}
    statuses = {k: str(v) for k, v in Status.choices}
    fields = {k: str(v) for k, v in StrategicField.choices}
    alignments = {k: str(v) for k, v in Alignment.choices}
    h, d = CATALOG_HEADERS, DERIVED_HEADERS
    return [
        (str(h["number"]), itemgetter("number")),
        (str(h["edition"]), itemgetter("edition_year")),
        (str(h["title_ja"]), itemgetter("title_ja")),
        (str(h["title_en"]), itemgetter("title_en")),
        (str(d["division"]), lambda r: divisions.get(r["division"], r["division"])),
        (str(h["status"]), lambda r: statuses.get(r["status"], r["status"])),
        (str(h["ministry"]), lambda r: LIST_SEPARATOR.join(r["ministries"])),
        (str(h["drafting_body"]), lambda r: LIST_SEPARATOR.join(r["drafting_bodies"])),
        (str(h["established_on"]), itemgetter("established_on")),
        (str(h["revised_on"]), itemgetter("revised_on")),
        (str(h["confirmed_on"]), itemgetter("confirmed_on")),
        (str(d["review_due_on"]), itemgetter("review_due_on")),
        (str(d["review_due_fy"]), itemgetter("review_due_fy")),
        (str(h["ics"]), lambda r: "; ".join(r["ics_codes"] or ())),
        (str(h["international"]), lambda r: "; ".join(r["correspondences"])),
        (str(h["international_text"]), itemgetter("international_text")),
        (str(d["alignment"]), lambda r: alignments.get(r["alignment__status"], "")),
        (str(d["alignment_newer"]), _newer_edition),
        (str(h["fast_track"]), lambda r: yes_no(r["fast_track"])),
        (
            str(h["strategic_fields"]),
            lambda r: LIST_SEPARATOR.join(fields.get(f, f) for f in r["strategic_fields"] or ()),
        ),
    ]


def _newer_edition(record: dict) -> str:
    """ "ISO 13482:2025 (2025-03-01)": the newer edition and its date, when there is one."""
    return newer_edition_text(
        record["alignment__newer_reference"], record["alignment__newer_published_on"]
    )


def _among(ids: list[int]):
    """For `field__in=`: on PostgreSQL the chunk's ids as one array parameter, not a placeholder
    each (the driver reads every placeholder of the statement on each run)."""
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", (ids,))
    return ids


JSON_LIST_FIELDS = frozenset({"ics_codes", "strategic_fields"})


def catalog_records(queryset, fields=CATALOG_FIELDS, *, chunk_size: int = 2000) -> Iterator[dict]:
    """The standards as plain dicts of `fields`, each with the names of its ministries and drafting
    bodies (the first body first) and its international correspondences, read a chunk at a time
    (four queries a chunk, no model objects)."""
    degrees = {k: str(v) for k, v in Degree.choices}
    # JSON lists read as their text, each different text decoded once (a handful of ICS lists and
    # strategic fields repeat over thousands of rows)
    lists = [name for name in fields if name in JSON_LIST_FIELDS]
    texts = {f"{name}_as_text": Cast(name, TextField()) for name in lists}
    plain = [name for name in fields if name not in JSON_LIST_FIELDS]
    rows = queryset.values(*plain, **texts).iterator(chunk_size=chunk_size)
    decoded: dict[str | None, list | None] = {None: None}
    while chunk := list(islice(rows, chunk_size)):
        ids = [r["id"] for r in chunk]
        ministries = defaultdict(list)
        among = _among(ids)
        for standard_id, name in (
            Standard.ministries.through.objects.filter(standard_id__in=among)
            .order_by("ministry__sort_order", "ministry__code")
            .values_list("standard_id", "ministry__name_ja")
        ):
            ministries[standard_id].append(name)
        bodies = defaultdict(dict)
        for standard_id, body_id, name in (
            Standard.drafting_bodies.through.objects.filter(standard_id__in=among)
            .order_by("id")
            .values_list("standard_id", "draftingbody_id", "draftingbody__name")
        ):
            bodies[standard_id][body_id] = name
        correspondences = defaultdict(list)
        for standard_id, designation, degree in (
            InternationalCorrespondence.objects.filter(standard_id__in=among)
            .order_by("id")
            .values_list("standard_id", "designation", "degree")
        ):
            correspondences[standard_id].append(
                f"{designation} ({degrees[degree]})" if degree else designation
            )
        for record in chunk:
            for name in lists:
                text = record.pop(f"{name}_as_text")
                if text not in decoded:
                    decoded[text] = json.loads(text)
                found = decoded[text]
                record[name] = None if found is None else list(found)
            record["ministries"] = ministries[record["id"]]
            # the first body (the one surveys are routed by) first, then the others as linked
            others = bodies[record["id"]]
            others.pop(record["drafting_body_id"], None)
            first = [record["drafting_body__name"]] if record["drafting_body__name"] else []
            record["drafting_bodies"] = [*first, *others.values()]
            record["correspondences"] = correspondences[record["id"]]
            yield record


def table(records: Iterable[dict], columns: list[tuple[str, Callable[[dict], object]]]):
    """Header and lazily computed rows."""
    header = [str(name) for name, _value in columns]
    getters = [value for _name, value in columns]
    return header, ([get(r) for get in getters] for r in records)


def catalog_table(queryset):
    return table(catalog_records(queryset), catalog_columns())
