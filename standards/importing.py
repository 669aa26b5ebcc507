"""Reading catalog files (CSV in UTF-8 or Shift_JIS, XLSX) into validated records.

Nothing here writes to the database: `read_catalog` returns records and a list of every problem,
each naming its line, column and value, and `standards.services.standards_import` writes.
"""

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext as _

from standards.dates import InvalidDate, parse_date
from standards.models import Status, StrategicField
from standards.numbers import InvalidJisNumber, normalize_width, parse_jis_number, search_key

# An XLSX is a zip: refuse archives that would inflate past this, or by more than this ratio.
XLSX_MAX_UNCOMPRESSED = 200 * 1024 * 1024
XLSX_MAX_RATIO = 100
_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0"
_LIST_SEPARATORS = re.compile(r"[;；、,，]")
_ICS = re.compile(r"^\d{2}(\.\d{3}(\.\d{2})?)?$")
_ICS_AS_NUMBER = re.compile(r"^\d{2}\.\d{1,2}$")
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


class CatalogFileError(Exception):
    """The file as a whole cannot be read; nothing was imported."""


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    value: str
    message: str

    def __str__(self):
        return f"line {self.line}, column {self.column}, value 「{self.value}」: {self.message}"


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
    errors: list[RowError]
    columns: list[str]

    @property
    def ok(self) -> bool:
        return not self.errors


def read_catalog(
    data: bytes,
    *,
    filename: str = "",
    ministries: dict[str, str],
    today: dt.date,
    max_bytes: int,
    max_rows: int,
    progress=None,
) -> CatalogReport:
    """Read and validate a whole file. `ministries` maps search_key(spelling) → ministry code."""
    check_size(len(data), max_bytes)
    rows = _table_rows(data, filename, max_rows)
    _header_line, header = next(rows, (0, None))
    if header is None or not any(cell.strip() for cell in header if isinstance(cell, str)):
        raise CatalogFileError(_("The file is empty: it has no header row."))
    columns = _map_header(header)
    parser = _RowParser(ministries=ministries, today=today)
    records, errors, seen = [], [], {}
    for line, cells in rows:
        if progress is not None:
            progress(1)
        if all(_blank(cell) for cell in cells):
            continue
        values = {c.field: cells[i] if i < len(cells) else "" for i, c in columns.items()}
        record, row_errors = parser.parse(line, values)
        if record and record.number in seen:
            row_errors.append(
                RowError(
                    line,
                    "number",
                    record.number,
                    _("duplicate: the same standard is on line %(line)d")
                    % {"line": seen[record.number]},
                )
            )
        elif record:
            seen[record.number] = line
        errors.extend(row_errors)
        if record and not row_errors:
            records.append(record)
    if not records and not errors:
        raise CatalogFileError(_("The file has a header but no rows."))
    return CatalogReport(records, errors, [c.field for c in columns.values()])


def check_size(size: int, max_bytes: int) -> None:
    """Refuse a file before reading it when its size is known (uploads, files on disk)."""
    if size > max_bytes:
        raise CatalogFileError(
            _("The file is %(size).1f MB; the limit is %(limit).1f MB.")
            % {"size": size / 1_048_576, "limit": max_bytes / 1_048_576}
        )


def _blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _map_header(header: list) -> dict[int, Column]:
    columns, unknown = {}, []
    for index, name in enumerate(header):
        if _blank(name):
            continue
        column = _HEADER_LOOKUP.get(search_key(str(name)))
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


# --- file formats ---------------------------------------------------------------------------


def _table_rows(data: bytes, filename: str, max_rows: int) -> Iterator[tuple[int, list]]:
    if data.startswith(_ZIP_MAGIC):
        return _xlsx_rows(data, max_rows)
    if data.startswith(_OLE2_MAGIC):
        raise CatalogFileError(
            _("Excel 97-2003 (.xls) files are not supported; save the sheet as .xlsx or CSV.")
        )
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise CatalogFileError(_("The file is named .xlsx but is not an Excel workbook."))
    return _csv_rows(decode_csv(data), max_rows)


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM) or Shift_JIS (CP932), told apart line by line."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data.strip():
        raise CatalogFileError(_("The file is empty."))
    if b"\x00" in data:
        raise CatalogFileError(_("The file is neither CSV nor XLSX (it contains binary data)."))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = _decode_cp932(data)
    if re.search(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]", text):
        raise CatalogFileError(
            _("The file is neither CSV nor XLSX (it contains control characters).")
        )
    return text


def _decode_cp932(data: bytes) -> str:
    utf8_lines, other_line = [], None
    for number, raw in enumerate(data.splitlines(), start=1):
        if raw.isascii():
            continue
        try:
            raw.decode("utf-8")
            utf8_lines.append(number)
        except UnicodeDecodeError:
            if other_line is None:
                other_line = number
    if utf8_lines:
        raise CatalogFileError(
            _(
                "Mixed encodings: line %(utf8)d is UTF-8 but line %(other)d is not. "
                "Save the whole file in one encoding (UTF-8 or Shift_JIS)."
            )
            % {"utf8": utf8_lines[0], "other": other_line}
        )
    try:
        return data.decode("cp932")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CatalogFileError(
            _("The file is neither UTF-8 nor Shift_JIS: undecodable bytes on line %(line)d.")
            % {"line": line}
        ) from None


def _csv_rows(text: str, max_rows: int) -> Iterator[tuple[int, list]]:
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        for index, row in enumerate(reader):
            if index > max_rows:
                raise CatalogFileError(
                    _("The file has more than %(max)d rows.") % {"max": max_rows}
                )
            yield reader.line_num, row
    except csv.Error as exc:
        raise CatalogFileError(
            _("The CSV cannot be read at line %(line)d: %(error)s")
            % {"line": reader.line_num, "error": exc}
        ) from None


def _xlsx_rows(data: bytes, max_rows: int) -> Iterator[tuple[int, list]]:
    import openpyxl  # imported late: only uploads of workbooks pay for it

    _check_zip_bomb(data)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken files
        raise CatalogFileError(
            _("The file is not a readable XLSX workbook (%(error)s).") % {"error": exc}
        ) from None
    try:
        sheet = workbook.worksheets[0]
        for index, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if index > max_rows + 1:
                raise CatalogFileError(
                    _("The file has more than %(max)d rows.") % {"max": max_rows}
                )
            yield index, [_xlsx_cell(value) for value in row]
    except CatalogFileError:
        raise
    except Exception as exc:  # malformed or hostile XML inside the workbook
        raise CatalogFileError(
            _("The file is not a readable XLSX workbook (%(error)s).") % {"error": exc}
        ) from None
    finally:
        workbook.close()


def _check_zip_bomb(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise CatalogFileError(
            _("The file is neither CSV nor XLSX (a damaged zip archive).")
        ) from None
    with archive:
        names = set(archive.namelist())
        if "xl/workbook.xml" not in names:
            raise CatalogFileError(_("The file is a zip archive but not an XLSX workbook."))
        total = sum(info.file_size for info in archive.infolist())
        packed = max(1, sum(info.compress_size for info in archive.infolist()))
        if total > XLSX_MAX_UNCOMPRESSED or (
            total > 10 * 1_048_576 and total / packed > XLSX_MAX_RATIO
        ):
            raise CatalogFileError(
                _("The workbook would expand to %(size)d MB; refused as a possible zip bomb.")
                % {"size": total // 1_048_576}
            )


def _xlsx_cell(value):
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- rows -----------------------------------------------------------------------------------


class _RowParser:
    """Turns one row's cells into a StandardRecord, collecting an error per bad cell."""

    def __init__(self, *, ministries: dict[str, str], today: dt.date):
        self.ministries = ministries
        self.today = today
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
            RowError(self.line, column, "" if value is None else str(value), str(message))
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
            day = parse_date(value)
        except InvalidDate as exc:
            self._error(name, value, exc)
            return None
        if day > self.today:
            self._error(name, value, _("the date is in the future"))
            return None
        return day

    def _check_date_order(self, record: StandardRecord, values: dict) -> None:
        established = record.established_on
        for name in ("revised_on", "confirmed_on"):
            later = getattr(record, name)
            if established and later and later < established:
                self._error(
                    name,
                    values.get(name),
                    _("earlier than the establishment date %(date)s")
                    % {"date": established.isoformat()},
                )

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
