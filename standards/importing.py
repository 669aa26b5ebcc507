"""Reading catalog files (CSV in UTF-8 or Shift_JIS, XLSX) into validated records.

Nothing here writes to the database: `read_catalog` returns records and a list of every problem,
each naming its line, column and value, and `standards.services.standards_import` writes.
"""

import datetime as dt
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext as _

from standards.catalog_files import MAX_COLUMNS, CatalogFileError, check_size, table_rows
from standards.dates import InvalidDate, action_date_problems, parse_date
from standards.models import Status, StrategicField
from standards.numbers import InvalidJisNumber, normalize_width, parse_jis_number, search_key

# Problems kept as objects to show; past these only a count (every bad row still keeps its
# reasons for the rejects file).
KEPT_ERRORS = 1000
# Cells kept of a bad row for the rejects file: a catalog row has at most MAX_COLUMNS; one that
# has more is rejected for it, and 50,000 such rows of 256 cells would hold 100 MB of pointers.
KEPT_CELLS = MAX_COLUMNS
_LIST_SEPARATORS = re.compile(r"[;；、,，]")
_ICS = re.compile(r"^\d{2}(\.\d{3}(\.\d{2})?)?$")
_ICS_AS_NUMBER = re.compile(r"^\d{2}\.\d{1,2}$")
_EXCEL_SERIAL = re.compile(r"^[1-9]\d{4}(\.0+)?$")
_INTERNATIONAL = re.compile(
    r"^(?P<designation>[A-Z][A-Z/]*(?:\s+(?:GUIDE|TR|TS|PAS))?\s*\d[\w\-:./]*"
    r"(?:\s*[/+]\s*AMD\.?\s*\d+(?::\d{4})?)*)"
    r"(?:\s*[(（]?\s*(?P<degree>IDT|MOD|NEQ)\s*[)）]?)?$"
)


@dataclass(frozen=True)
class Column:
    field: str
    english: str
    japanese: str
    required: bool = False


COLUMNS = (
    Column("number", "number", "規格番号", required=True),
    Column("title_ja", "title_ja", "規格名称", required=True),
    Column("title_en", "title_en", "英文名称"),
    Column("established_on", "established_on", "制定年月日"),
    Column("revised_on", "revised_on", "改正年月日"),
    Column("confirmed_on", "confirmed_on", "確認年月日"),
    Column("ministry", "ministry", "主務大臣"),
    Column("drafting_body", "drafting_body", "原案作成団体"),
    Column("ics", "ics", "ICS"),
    Column("international", "international", "対応国際規格"),
    Column("status", "status", "状態"),
    Column("fast_track", "fast_track", "先行対応"),
    Column("strategic_fields", "strategic_fields", "戦略分野"),
    Column("generated", "generated", "生成データ"),
    Column("source", "source", "出典"),
)
_HEADER_LOOKUP = {search_key(name): c for c in COLUMNS for name in (c.english, c.japanese)}
_TRUE = {"1", "true", "yes", "y", "はい", "○", "〇", "◯", "有", "対象"}
_FALSE = {"", "0", "false", "no", "n", "いいえ", "×", "-", "無", "なし"}
_STATUS = {
    "active": Status.ACTIVE,
    "有効": Status.ACTIVE,
    "現行": Status.ACTIVE,
    "withdrawn": Status.WITHDRAWN,
    "廃止": Status.WITHDRAWN,
}


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    value: str
    message: str

    def __str__(self):
        return _("line %(line)d, column %(column)s, value 「%(value)s」: %(message)s") % {
            "line": self.line,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }


@dataclass
class StandardRecord:
    line: int
    number: str
    title_ja: str
    title_en: str = ""
    established_on: dt.date | None = None
    revised_on: dt.date | None = None
    confirmed_on: dt.date | None = None
    ministry_codes: list[str] = field(default_factory=list)
    drafting_body: str = ""
    ics_codes: list[str] = field(default_factory=list)
    international: list[tuple[str, str]] = field(default_factory=list)
    status: str = Status.ACTIVE
    fast_track: bool = False
    strategic_fields: list[str] = field(default_factory=list)
    is_generated: bool = False
    source_url: str = ""


@dataclass
class CatalogReport:
    records: list[StandardRecord]
    errors: list[RowError]  # the first KEPT_ERRORS problems; `more_errors` counts the rest
    columns: list[str]  # the fields the file has columns for
    header: list[str] = field(default_factory=list)  # as written in the file
    rejected: dict[int, list] = field(default_factory=dict)  # line → the cells of each bad row
    reasons: dict[int, str] = field(default_factory=dict)  # line → every problem of a bad row
    more_errors: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def problem_count(self) -> int:
        return len(self.errors) + self.more_errors

    def reject(self, line: int, cells: list, errors: list[RowError]) -> None:
        """Keep the bad row (to write back for fixing) with its reasons; keep its errors as
        objects only while there is room, so a file of bad rows cannot fill the memory."""
        room = max(KEPT_ERRORS - len(self.errors), 0)
        self.errors.extend(errors[:room])
        self.more_errors += len(errors[room:])
        self.rejected[line] = list(cells[:KEPT_CELLS])
        self.reasons[line] = " / ".join(f"{e.column}: {e.message}" for e in errors)


def read_catalog(
    data: bytes,
    *,
    filename: str = "",
    ministries: dict[str, str],
    today: dt.date,
    max_bytes: int,
    max_rows: int,
    max_seconds: float | None = None,
    clock=time.monotonic,
    progress=None,
) -> CatalogReport:
    """Read and validate a whole file. `ministries` maps search_key(spelling) → ministry code.

    Reading stops with CatalogFileError after `max_seconds` (by `clock`), and when memory runs
    out: the caller always gets a reason it can show."""
    try:
        check_size(len(data), max_bytes)
        rows = table_rows(data, filename, max_rows)
        if max_seconds is not None:
            rows = _within(rows, deadline=clock() + max_seconds, clock=clock)
        return _validated(rows, ministries=ministries, today=today, progress=progress)
    except MemoryError:
        raise CatalogFileError(
            _(
                "The file needs more memory to read than the server has; nothing was imported. "
                "Split it into smaller files."
            )
        ) from None


def _within(rows, *, deadline: float, clock) -> Iterator[tuple[int, list]]:
    for line, cells in rows:
        if clock() > deadline:
            raise CatalogFileError(
                _(
                    "Reading the file took too long; it was stopped at line %(line)d and nothing "
                    "was imported. Split it into smaller files, or save it as CSV, which reads "
                    "faster."
                )
                % {"line": line}
            )
        yield line, cells


def _validated(rows, *, ministries, today, progress) -> CatalogReport:
    header = next((cells for _, cells in rows if not all(_blank(c) for c in cells)), None)
    if header is None:
        raise CatalogFileError(_("The file is empty: it has no header row."))
    columns = _map_header(header)
    written = {c.field: str(header[i]).replace("\ufeff", "").strip() for i, c in columns.items()}
    parser = _RowParser(ministries=ministries, today=today, headers=written)
    report = CatalogReport(
        [], [], list(written), [str(h or "").replace("\ufeff", "") for h in header]
    )
    seen: dict[str, int] = {}
    for line, cells in rows:
        if progress is not None:
            progress(1)
        if all(_blank(cell) for cell in cells):
            continue
        values = {c.field: cells[i] if i < len(cells) else "" for i, c in columns.items()}
        record, row_errors = parser.parse(line, values)
        row_errors += _extra_cells(line, cells, len(header))
        if record and record.number in seen:
            row_errors.append(
                RowError(
                    line,
                    written["number"],
                    record.number,
                    _("duplicate: the same standard is on line %(line)d")
                    % {"line": seen[record.number]},
                )
            )
        elif record:
            seen[record.number] = line
        if row_errors:
            report.reject(line, cells, row_errors)
        else:
            report.records.append(record)
    if not report.records and not report.errors:
        raise CatalogFileError(_("The file has a header but no rows."))
    return report


def _extra_cells(line: int, cells: list, width: int) -> list[RowError]:
    extra = [c for c in cells[width:] if not _blank(c)]
    if not extra:
        return []
    message = _("the row has %(cells)d cells but the header only %(columns)d columns") % {
        "cells": len(cells),
        "columns": width,
    }
    return [RowError(line, "—", str(extra[0]), message)]


def rejected_rows(report: CatalogReport) -> tuple[list[str], list[list]]:
    """The bad rows as they were in the file, with their line and every reason, to fix and re-import."""
    width = len(report.header)
    rows = [
        [*cells, *[""] * (width - len(cells)), line, report.reasons.get(line, "")]
        for line, cells in sorted(report.rejected.items())
    ]
    return [*report.header, "line", "reasons"], rows


def _blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _map_header(header: list) -> dict[int, Column]:
    columns, unknown = {}, []
    for index, name in enumerate(header):
        if _blank(name):
            continue
        column = _HEADER_LOOKUP.get(search_key(str(name).replace("\ufeff", "")))
        if column is None:
            unknown.append(str(name))
        elif column in columns.values():
            raise CatalogFileError(
                _("The column %(name)s appears twice in the header.") % {"name": name}
            )
        else:
            columns[index] = column
    if unknown:
        expected = ", ".join(c.english for c in COLUMNS)
        raise CatalogFileError(
            _(
                "Unknown column(s) in the header: %(unknown)s. Expected columns: %(expected)s "
                "(or their Japanese names)."
            )
            % {"unknown": ", ".join(unknown), "expected": expected}
        )
    missing = [c.english for c in COLUMNS if c.required and c not in columns.values()]
    if missing:
        raise CatalogFileError(
            _("Required column(s) missing from the header: %(missing)s.")
            % {"missing": ", ".join(missing)}
        )
    return columns


# --- rows -----------------------------------------------------------------------------------


def _excel_serial(value) -> dt.date | None:
    """A date cell formatted as a number in Excel arrives as its serial, e.g. 42451 = 2016-03-22."""
    if isinstance(value, str) and _EXCEL_SERIAL.match(value.strip()):
        from openpyxl.utils.datetime import from_excel

        return from_excel(int(float(value))).date()
    return None


class _RowParser:
    """Turns one row's cells into a StandardRecord, collecting an error per bad cell."""

    def __init__(self, *, ministries: dict[str, str], today: dt.date, headers: dict[str, str]):
        self.ministries = ministries
        self.today = today
        self.headers = headers
        self.strategic = {}
        for language in ("en", "ja"):
            with translation.override(language):
                for choice in StrategicField:
                    for spelling in (choice.value, str(choice.label)):
                        self.strategic[search_key(spelling)] = choice.value

    def parse(self, line: int, values: dict) -> tuple[StandardRecord | None, list[RowError]]:
        self.line, self.errors = line, []
        number = self._number(values.get("number", ""))
        record = StandardRecord(line=line, number=number or "", title_ja=self._title(values))
        record.title_en = self._text(values, "title_en", 500)
        for name in ("established_on", "revised_on", "confirmed_on"):
            setattr(record, name, self._date(values, name))
        self._check_date_order(record, values)
        record.ministry_codes = self._ministries(values.get("ministry", ""))
        record.drafting_body = self._text(values, "drafting_body", 200)
        record.ics_codes = self._ics(values.get("ics", ""))
        record.international = self._international(values.get("international", ""))
        record.status = self._status(values.get("status", ""))
        record.fast_track = self._bool(values, "fast_track")
        record.strategic_fields = self._strategic(values.get("strategic_fields", ""))
        record.is_generated = self._bool(values, "generated")
        record.source_url = self._text(values, "source", 500)
        return (record if number else None), self.errors

    def _error(self, column: str, value, message: str) -> None:
        self.errors.append(
            RowError(
                self.line,
                self.headers.get(column, column),
                "" if value is None else str(value),
                str(message),
            )
        )

    def _number(self, value) -> str | None:
        try:
            return parse_jis_number(str(value)).canonical
        except InvalidJisNumber as exc:
            self._error("number", value, exc)
            return None

    def _title(self, values: dict) -> str:
        title = str(values.get("title_ja", "")).strip()
        if not title:
            self._error("title_ja", title, _("the Japanese title is required"))
        elif len(title) > 500:
            self._error("title_ja", title[:40] + "…", _("longer than 500 characters"))
        return title

    def _text(self, values: dict, name: str, limit: int) -> str:
        text = str(values.get(name, "") or "").strip()
        if len(text) > limit:
            self._error(
                name, text[:40] + "…", _("longer than %(limit)d characters") % {"limit": limit}
            )
        return text

    def _date(self, values: dict, name: str) -> dt.date | None:
        value = values.get(name, "")
        if _blank(value):
            return None
        try:
            day = _excel_serial(value) or parse_date(value)
        except InvalidDate as exc:
            self._error(name, value, exc)
            return None
        return day

    def _check_date_order(self, record: StandardRecord, values: dict) -> None:
        problems = action_date_problems(
            established_on=record.established_on,
            revised_on=record.revised_on,
            confirmed_on=record.confirmed_on,
            today=self.today,
        )
        for name, message in problems.items():
            self._error(name, values.get(name), message)

    def _split(self, value) -> list[str]:
        text = normalize_width(str(value or ""))
        return [item.strip() for item in _LIST_SEPARATORS.split(text) if item.strip()]

    def _ministries(self, value) -> list[str]:
        codes = []
        for name in self._split(value):
            code = self.ministries.get(search_key(name))
            if code is None:
                self._error(
                    "ministry",
                    name,
                    _("unknown ministry; use e.g. 経済産業大臣, 国土交通大臣 or METI"),
                )
            elif code not in codes:
                codes.append(code)
        return codes

    def _ics(self, value) -> list[str]:
        codes = []
        for code in self._split(value):
            if _ICS_AS_NUMBER.match(code):  # Excel stores 13.110 as the number 13.11
                code = code.split(".")[0] + "." + code.split(".")[1].ljust(3, "0")
            if not _ICS.match(code):
                self._error("ics", code, _("not an ICS code such as 13.110 or 43.040.10"))
            elif code not in codes:
                codes.append(code)
        return codes

    def _international(self, value) -> list[tuple[str, str]]:
        items, seen = [], set()
        text = normalize_width(str(value or ""))
        for item in (part.strip() for part in re.split(r"[;；、]", text)):
            if not item:
                continue
            match = _INTERNATIONAL.match(re.sub(r"\s+", " ", item.upper()))
            if not match:
                self._error(
                    "international",
                    item,
                    _("expected e.g. 'ISO 13482:2014 (IDT)'; degrees are IDT, MOD, NEQ"),
                )
                continue
            designation = match["designation"].replace(" :", ":")
            if designation not in seen:
                seen.add(designation)
                items.append((designation, match["degree"] or ""))
        return items

    def _status(self, value) -> str:
        text = normalize_width(str(value or "")).strip().lower()
        if not text:
            return Status.ACTIVE
        if text not in _STATUS:
            self._error("status", value, _("expected active / withdrawn (有効 / 廃止)"))
            return Status.ACTIVE
        return _STATUS[text]

    def _bool(self, values: dict, name: str) -> bool:
        text = normalize_width(str(values.get(name, "") or "")).strip().lower()
        if text in _TRUE:
            return True
        if text not in _FALSE:
            self._error(name, values.get(name), _("expected yes or no"))
        return False

    def _strategic(self, value) -> list[str]:
        codes = []
        for name in self._split(value):
            code = self.strategic.get(search_key(name))
            if code is None:
                known = ", ".join(StrategicField.values)
                self._error(
                    "strategic_fields",
                    name,
                    _("unknown strategic field; known: %(known)s") % {"known": known},
                )
            elif code not in codes:
                codes.append(code)
        return codes
