"""Reading catalog files (CSV in UTF-8 or Shift_JIS, XLSX) into validated records.

Nothing here writes to the database: `read_catalog` returns records, the amendments found, every
problem (a row error, which stops the import of its row) and every warning (informational text that
could not be read, which stops nothing), each naming its line, column and value;
`standards.services.standards_import` writes.

A blank cell says nothing: it leaves the stored value as it is. CLEAR_MARKER in a cell erases it.
"""

import datetime as dt
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext as _

from standards import bulk, exports
from standards.bodies import split_bodies
from standards.catalog_files import (
    MAX_COLUMNS,
    CatalogFileError,
    Column,
    RowError,
    check_size,
    table_rows,
)
from standards.dates import InvalidDate, action_date_problems, parse_date
from standards.international import parse_international
from standards.models import Status, StrategicField
from standards.numbers import (
    InvalidJisNumber,
    JisNumber,
    normalize_width,
    parse_jis_number,
    search_key,
)

# Problems kept as objects to show; past these only a count (every bad row still keeps its
# reasons for the rejects file).
KEPT_ERRORS = 1000
# Cells kept of a bad row for the rejects file: a catalog row has at most MAX_COLUMNS; one that
# has more is rejected for it, and 50,000 such rows of 256 cells would hold 100 MB of pointers.
KEPT_CELLS = MAX_COLUMNS
# Warnings kept to show and download; a file has at most IMPORT_MAX_ROWS rows, most with none.
KEPT_WARNINGS = 50_000
# Written in a cell to erase what is stored (a blank cell leaves it alone). Compared after NFKC
# and case folding, so （削除） and (削除) are the same.
CLEAR_MARKER = "（削除）"
_CLEAR_MARKERS = frozenset({"(削除)", "(delete)", "(clear)"})
_LIST_SEPARATORS = re.compile(r"[;；、,，\n]")
_ICS = re.compile(r"^\d{2}(\.\d{3}(\.\d{2})?)?$")
_ICS_AS_NUMBER = re.compile(r"^\d{2}\.\d{1,2}$")
_EXCEL_SERIAL = re.compile(r"^[1-9]\d{4}(\.0+)?$")
_YEAR = re.compile(r"^\d{4}$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


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
    Column("edition", "edition", "年版"),
    Column("international_text", "international_text", "対応国際規格（原文）"),
)
_BY_FIELD = {c.field: c for c in COLUMNS}
_DERIVED = None  # a column of the catalog's export that is computed, read and skipped
_TRUE = {"1", "true", "yes", "y", "はい", "○", "〇", "◯", "有", "対象"}
_FALSE = {"", "0", "false", "no", "n", "いいえ", "×", "-", "無", "なし"}
_STATUS = {
    "active": Status.ACTIVE,
    "有効": Status.ACTIVE,
    "現行": Status.ACTIVE,
    "withdrawn": Status.WITHDRAWN,
    "廃止": Status.WITHDRAWN,
}


@dataclass(slots=True)
class StandardRecord:
    line: int
    number: str  # canonical: "JIS B 8445", "TS A 0006"
    title_ja: str
    title_en: str = ""
    established_on: dt.date | None = None
    revised_on: dt.date | None = None
    confirmed_on: dt.date | None = None
    ministry_codes: list[str] = field(default_factory=list)
    drafting_bodies: list[str] = field(default_factory=list)  # normalised names, first first
    ics_codes: list[str] = field(default_factory=list)
    international: list[tuple[str, str]] = field(default_factory=list)
    international_text: str = ""
    status: str = Status.ACTIVE
    fast_track: bool = False
    strategic_fields: list[str] = field(default_factory=list)
    is_generated: bool = False
    source_url: str = ""
    edition_year: int | None = None
    # Import columns whose cell was blank: an update leaves what they set as it is.
    blank: set[str] = field(default_factory=set)

    @property
    def drafting_body(self) -> str:
        """The first body, the one the standard is routed by."""
        return self.drafting_bodies[0] if self.drafting_bodies else ""

    @property
    def kind(self) -> str:
        return self.number.split(" ", 1)[0]


@dataclass(frozen=True)
class AmendmentRecord:
    """A row naming an amendment ("JIS C 8201-2-1:2011/AMD 1:2018"): recorded on its standard."""

    line: int
    number: str  # its standard: "JIS C 8201-2-1"
    designation: str  # "JIS C 8201-2-1:2011/追補1:2018"


@dataclass
class CatalogReport:
    records: list[StandardRecord]
    errors: list[RowError]  # the first KEPT_ERRORS problems; `more_errors` counts the rest
    columns: list[str]  # the fields the file has columns for
    header: list[str] = field(default_factory=list)  # as written in the file
    rejected: dict[int, list] = field(default_factory=dict)  # line → the cells of each bad row
    reasons: dict[int, str] = field(default_factory=dict)  # line → every problem of a bad row
    more_errors: int = 0
    amendments: list[AmendmentRecord] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)  # the first KEPT_WARNINGS
    headers: dict[str, str] = field(default_factory=dict)  # field → its column as written
    more_warnings: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def problem_count(self) -> int:
        return len(self.errors) + self.more_errors

    @property
    def warning_count(self) -> int:
        return len(self.warnings) + self.more_warnings

    def warn(self, warnings: list[RowError]) -> None:
        room = max(KEPT_WARNINGS - len(self.warnings), 0)
        self.warnings.extend(warnings[:room])
        self.more_warnings += len(warnings[room:])

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
        with bulk.paused_gc():
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
    header = next((cells for _, cells in rows if not _blank_row(cells)), None)
    if header is None:
        raise CatalogFileError(_("The file is empty: it has no header row."))
    columns = _map_header(header)
    written = {c.field: str(header[i]).replace("\ufeff", "").strip() for i, c in columns.items()}
    parser = _RowParser(columns, ministries=ministries, today=today, headers=written)
    report = CatalogReport(
        [],
        [],
        list(written),
        [str(h or "").replace("\ufeff", "") for h in header],
        headers=written,
    )
    editions = _Editions(report, written["number"])
    width = len(header)
    for line, cells in rows:
        if progress is not None:
            progress(1)
        if _blank_row(cells):
            continue
        parsed, record, row_errors = parser.parse(line, cells)
        if len(cells) > width:
            row_errors += _extra_cells(line, cells, width)
        if parsed is not None and parsed.amendment:
            if not row_errors:
                report.amendments.append(AmendmentRecord(line, parsed.canonical, parsed.full))
        elif record is not None:
            row_errors += editions.check(record, accepted=not row_errors)
        if row_errors:
            report.reject(line, cells, row_errors)
        if parser.warnings:
            report.warn(parser.warnings)
    if not report.records and not report.amendments and not report.errors:
        raise CatalogFileError(_("The file has a header but no rows."))
    return report


class _Editions:
    """One record per number. Two rows of one number with different editions: the later edition
    is kept and the earlier one reported; the same edition twice is an error."""

    def __init__(self, report: CatalogReport, column: str):
        self.report, self.column = report, column
        self.seen: dict[str, tuple[int, int | None]] = {}  # number → (line, index in records)

    def check(self, record: StandardRecord, *, accepted: bool) -> list[RowError]:
        if record.number not in self.seen:
            self.seen[record.number] = (record.line, self._add(record) if accepted else None)
            return []
        line, index = self.seen[record.number]
        earlier = self.report.records[index] if index is not None else None
        if not (earlier and record.edition_year and earlier.edition_year) or (
            earlier.edition_year == record.edition_year
        ):
            message = _("duplicate: the same standard is on line %(line)d") % {"line": line}
            return [RowError(record.line, self.column, record.number, message)]
        if not accepted:
            return []
        newer, older = sorted((record, earlier), key=lambda r: r.edition_year, reverse=True)
        self.report.records[index] = newer
        self.seen[record.number] = (newer.line, index)
        self.report.warn(
            [
                RowError(
                    older.line,
                    self.column,
                    f"{older.number}:{older.edition_year}",
                    _("edition %(older)d is not imported: line %(line)d has edition %(newer)d")
                    % {
                        "older": older.edition_year,
                        "line": newer.line,
                        "newer": newer.edition_year,
                    },
                )
            ]
        )
        return []

    def _add(self, record: StandardRecord) -> int:
        self.report.records.append(record)
        return len(self.report.records) - 1


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


def _blank_row(cells) -> bool:
    """Every cell blank (_blank), looked at only up to the first that is not: most rows' first."""
    for cell in cells:
        if cell is not None and (not isinstance(cell, str) or (cell and not cell.isspace())):
            return False
    return True


def _header_lookup() -> dict[str, Column | None]:
    """Every header the import reads, normalised: the import's own names, in English and Japanese,
    and the catalog export's in both languages (its computed columns map to None: skipped)."""
    lookup: dict[str, Column | None] = {}
    for language in ("en", "ja"):
        with translation.override(language):
            lookup |= {
                search_key(str(label)): _DERIVED for label in exports.DERIVED_HEADERS.values()
            }
            lookup |= {
                search_key(str(label)): _BY_FIELD[name]
                for name, label in exports.CATALOG_HEADERS.items()
            }
    lookup |= {search_key(name): c for c in COLUMNS for name in (c.english, c.japanese)}
    return lookup


def _map_header(header: list) -> dict[int, Column]:
    lookup = _header_lookup()
    columns, unknown = {}, []
    for index, name in enumerate(header):
        if _blank(name):
            continue
        key = search_key(str(name).replace("\ufeff", ""))
        column = lookup.get(key, False)
        if column is _DERIVED:
            continue
        if column is False:
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


def _prepared(raw) -> tuple[object, bool]:
    """A cell's value as the row parser reads it, and whether the cell is blank: None when it is
    blank or the file has no such column (the stored value stays), "" when it holds the clear
    marker (the stored value is erased); a workbook's date cell as it is."""
    if raw is None or raw.__class__ is not str:
        return raw, False
    if not raw or raw.isspace():
        return None, True
    if raw[0] == "'":
        raw = exports.unsafe_cell(raw)
    if (")" in raw or "）" in raw) and normalize_width(raw).strip().casefold() in _CLEAR_MARKERS:
        return "", False
    return raw, False


def _shown(value) -> str:
    return "" if value is None else str(value)


# Columns whose value (and problems) follow from the cell alone: each different cell is read once
# per file (a few hundred bodies, ministry sets and ICS lists, a few thousand dates, fill tens of
# thousands of rows). A read gives (value, problems), each problem a (value shown, message) pair.
_Read = tuple[object, tuple[tuple[str, str], ...]]
_BY_CELL = (
    ("title_en", "_short_text"),
    ("established_on", "_date"),
    ("revised_on", "_date"),
    ("confirmed_on", "_date"),
    ("ministry", "_ministries"),
    ("drafting_body", "_drafting_bodies"),
    ("ics", "_ics"),
    ("status", "_status"),
    ("fast_track", "_bool"),
    ("strategic_fields", "_strategic"),
    ("generated", "_bool"),
    ("international_text", "_long_text"),
    ("source", "_short_text"),
)
# The order of a row's errors: its columns', the order of its dates after the dates.
_DATE_ORDER = "date order"
_ERROR_ORDER = (
    *("number", "title_ja", "title_en", "established_on", "revised_on", "confirmed_on"),
    *(_DATE_ORDER, "edition", "ministry", "drafting_body", "ics", "international_text"),
    *("status", "fast_track", "strategic_fields", "generated", "source"),
)


class _RowParser:
    """Turns one row's cells into a StandardRecord, collecting an error per bad cell and a warning
    per piece of informational text it could not read."""

    def __init__(
        self,
        columns: dict[int, Column],
        *,
        ministries: dict[str, str],
        today: dt.date,
        headers: dict[str, str],
    ):
        self.index = {column.field: index for index, column in columns.items()}
        self.width = max(columns) + 1
        self.ministries = ministries
        self.today = today
        self.headers = headers
        self.strategic = {}
        self.statuses = dict(_STATUS)
        for language in ("en", "ja"):
            with translation.override(language):
                for choice in StrategicField:
                    for spelling in (choice.value, str(choice.label)):
                        self.strategic[search_key(spelling)] = choice.value
                for choice in Status:
                    self.statuses[normalize_width(str(choice.label)).strip().lower()] = choice
        # (column, its index, cell → (blank, value, problems), read) of the _BY_CELL columns the
        # file has; the others' values, as an absent column reads. The reads are the class's
        # functions, not bound methods: the parser holding itself would outlive its file.
        self.by_cell = [
            (name, self.index[name], {}, getattr(_RowParser, read))
            for name, read in _BY_CELL
            if name in self.index
        ]
        self.absent = {
            name: getattr(self, read)(None)[0] for name, read in _BY_CELL if name not in self.index
        }
        self.editions: dict[tuple, tuple] = {}  # (cell, the number's year) → as by_cell's

    def parse(
        self, line: int, cells: list
    ) -> tuple[JisNumber | None, StandardRecord | None, list[RowError]]:
        if len(cells) < self.width:  # the cells the row leaves out are blank
            cells = [*cells, *[""] * (self.width - len(cells))]
        self.line, self.cells, self.warnings = line, cells, []
        # the row's problems by _ERROR_ORDER part, each a (column, value shown, message)
        self.problems: dict[str, list] = {}
        self.blank = blank = set()
        read = dict(self.absent)
        for name, index, known, reader in self.by_cell:
            cell = cells[index]
            found = known.get(cell)
            if found is None:
                value, is_blank = _prepared(cell)
                found = known[cell] = (is_blank, *reader(self, value))
            if found[0]:
                blank.add(name)
            if found[2]:
                self.problems[name] = [(name, *problem) for problem in found[2]]
            read[name] = found[1]
        number = self._number()
        title_ja = self._title()
        self._check_date_order(read["established_on"], read["revised_on"], read["confirmed_on"])
        edition_year = self._edition(number)
        international, international_text = self._international()
        if "international_text" in self.index:
            international_text = read["international_text"]
        errors = self._errors() if self.problems else []
        if number is None:
            return None, None, errors
        record = StandardRecord(
            line=line,
            number=number.canonical,
            title_ja=title_ja,
            title_en=read["title_en"],
            established_on=read["established_on"],
            revised_on=read["revised_on"],
            confirmed_on=read["confirmed_on"],
            ministry_codes=list(read["ministry"]),
            drafting_bodies=list(read["drafting_body"]),
            ics_codes=list(read["ics"]),
            international=international,
            international_text=international_text,
            status=read["status"],
            fast_track=read["fast_track"],
            strategic_fields=list(read["strategic_fields"]),
            is_generated=read["generated"],
            source_url=read["source"],
            edition_year=edition_year,
            blank=blank,
        )
        return number, record, errors

    def _errors(self) -> list[RowError]:
        line, headers, problems = self.line, self.headers, self.problems
        return [
            RowError(line, headers.get(column, column), shown, message)
            for part in _ERROR_ORDER
            for column, shown, message in problems.get(part, ())
        ]

    def _raw(self, name: str):
        """The cell as read from the file; None when the file has no such column."""
        index = self.index.get(name)
        return None if index is None else self.cells[index]

    def _error(self, column: str, value, message, *, part: str | None = None) -> None:
        problem = (column, _shown(value), str(message))
        self.problems.setdefault(part or column, []).append(problem)

    def _warning(self, column: str, value, message) -> None:
        header = self.headers.get(column, column)
        self.warnings.append(RowError(self.line, header, _shown(value), str(message)))

    def _cell(self, name: str):
        value, blank = _prepared(self._raw(name))
        if blank:
            self.blank.add(name)
        return value

    def _number(self) -> JisNumber | None:
        value = self._raw("number")
        try:
            return parse_jis_number(str(value))
        except InvalidJisNumber as exc:
            self._error("number", value, exc)
            return None

    def _title(self) -> str:
        # unguarded like every other cell: an exported "=…" title comes back as "'=…"
        title = exports.unsafe_cell(str(self._raw("title_ja")).strip())
        if not title or self._cell("title_ja") == "":
            self._error("title_ja", title, _("the Japanese title is required"))
        elif len(title) > 500:
            self._error("title_ja", title[:40] + "…", _("longer than 500 characters"))
        return title

    @staticmethod
    def _text(value, limit: int) -> _Read:
        text = str(value or "").strip()
        if len(text) > limit:
            message = _("longer than %(limit)d characters") % {"limit": limit}
            return text, ((text[:40] + "…", message),)
        return text, ()

    def _short_text(self, value) -> _Read:
        return self._text(value, 500)

    def _long_text(self, value) -> _Read:
        return self._text(value, 2000)

    def _date(self, value) -> _Read:
        if not value:
            return None, ()
        if value.__class__ is str and _ISO_DATE.match(value):  # most cells: no more to check
            try:
                return dt.date.fromisoformat(value), ()
            except ValueError:
                pass  # "2023-02-30": parse_date says why
        try:
            return _excel_serial(value) or parse_date(value), ()
        except InvalidDate as exc:
            return None, ((_shown(value), str(exc)),)

    def _check_date_order(self, established_on, revised_on, confirmed_on) -> None:
        problems = action_date_problems(
            established_on=established_on,
            revised_on=revised_on,
            confirmed_on=confirmed_on,
            today=self.today,
        )
        for name, message in problems.items():
            self._error(name, self._raw(name), message, part=_DATE_ORDER)

    def _edition(self, number: JisNumber | None) -> int | None:
        """The edition year: from the number ("JIS B 8445:2016") or an edition column (2016)."""
        raw = self._raw("edition")
        year = number.year if number else None
        found = self.editions.get((raw, year))
        if found is None:
            value, blank = _prepared(raw)
            found = self.editions[raw, year] = (blank, *self._edition_year(value, year))
        blank, edition, problems = found
        if blank:
            self.blank.add("edition")
        if problems:
            self.problems["edition"] = [("edition", *problem) for problem in problems]
        return edition

    def _edition_year(self, value, year: int | None) -> _Read:
        if not value:
            return year, ()
        text = normalize_width(str(value)).strip().removesuffix("年版").removesuffix("年")
        if not _YEAR.match(text) or not 1949 <= int(text) <= self.today.year:
            return year, ((_shown(value), _("not an edition year such as 2016")),)
        if year and year != int(text):
            message = _("the number says edition %(number)d, this column %(column)s") % {
                "number": year,
                "column": text,
            }
            return int(text), ((_shown(value), message),)
        return int(text), ()

    @staticmethod
    def _split(value) -> list[str]:
        text = normalize_width(str(value or ""))
        return [item.strip() for item in _LIST_SEPARATORS.split(text) if item.strip()]

    def _ministries(self, value) -> _Read:
        if not value:
            return [], ()
        codes, problems = [], []
        message = _("unknown ministry; use e.g. 経済産業大臣, 国土交通大臣 or METI")
        for name in self._split(value):
            code = self.ministries.get(search_key(name))
            if code is None:
                problems.append((name, message))
            elif code not in codes:
                codes.append(code)
        return codes, tuple(problems)

    def _drafting_bodies(self, value) -> _Read:
        if not value:
            return [], ()
        names = split_bodies(str(value))
        message = _("longer than %(limit)d characters") % {"limit": 200}
        return names, tuple((name[:40] + "…", message) for name in names if len(name) > 200)

    def _ics(self, value) -> _Read:
        codes, problems = [], []
        for code in self._split(value):
            if _ICS_AS_NUMBER.match(code):  # Excel stores 13.110 as the number 13.11
                code = code.split(".")[0] + "." + code.split(".")[1].ljust(3, "0")
            if not _ICS.match(code):
                problems.append((code, _("not an ICS code such as 13.110 or 43.040.10")))
            elif code not in codes:
                codes.append(code)
        return codes, tuple(problems)

    def _international(self) -> tuple[list[tuple[str, str]], str]:
        """The correspondences and the text as written. Informational: what cannot be read is a
        warning, never an error."""
        value = self._cell("international")
        if not value:
            return [], ""
        text = str(value).strip()
        if len(text) > 2000:
            self._warning("international", text[:40] + "…", _("longer than 2000 characters"))
            text = text[:2000]
        parsed = parse_international(text)
        for fragment, message in parsed.problems:
            self._warning("international", fragment, message)
        return parsed.references, text

    def _status(self, value) -> _Read:
        cleared = ()
        if value == "":
            cleared = ((CLEAR_MARKER, str(_("a standard always has a status"))),)
        if not value:
            return Status.ACTIVE, cleared
        text = normalize_width(str(value)).strip().lower()
        if text not in self.statuses:
            return Status.ACTIVE, ((_shown(value), _("expected active / withdrawn (有効 / 廃止)")),)
        return self.statuses[text], ()

    def _bool(self, value) -> _Read:
        text = normalize_width(str(value or "")).strip().lower()
        if text in _TRUE:
            return True, ()
        if text not in _FALSE:
            return False, ((_shown(value), _("expected yes or no")),)
        return False, ()

    def _strategic(self, value) -> _Read:
        codes, problems = [], []
        for name in self._split(value):
            code = self.strategic.get(search_key(name))
            if code is None:
                known = ", ".join(StrategicField.values)
                message = _("unknown strategic field; known: %(known)s") % {"known": known}
                problems.append((name, message))
            elif code not in codes:
                codes.append(code)
        return codes, tuple(problems)
