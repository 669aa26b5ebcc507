"""Catalog files as rows of cells: CSV in UTF-8, UTF-16 or Shift_JIS (told apart automatically)
and XLSX (first sheet, read-only, guarded against zip and XML bombs). No validation of content."""

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator

from django.utils.translation import gettext as _

# An XLSX is a zip: refuse archives that would inflate past this, or by more than this ratio.
XLSX_MAX_UNCOMPRESSED = 200 * 1024 * 1024
XLSX_MAX_RATIO = 100
_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_DELIMITERS = (",", "\t", ";")


class CatalogFileError(Exception):
    """The file as a whole cannot be read; nothing was imported."""


def check_size(size: int, max_bytes: int) -> None:
    """Refuse a file before reading it when its size is known (uploads, files on disk)."""
    if size > max_bytes:
        raise CatalogFileError(
            _("The file is %(size).1f MB; the limit is %(limit).1f MB.")
            % {"size": size / 1_048_576, "limit": max_bytes / 1_048_576}
        )


def table_rows(data: bytes, filename: str, max_rows: int) -> Iterator[tuple[int, list]]:
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
    """UTF-8 (with or without BOM), UTF-16 with a BOM, or Shift_JIS (CP932), told apart line by line."""
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise CatalogFileError(
                _("The file starts like UTF-16 but cannot be read as UTF-16.")
            ) from None
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


def _delimiter(text: str) -> str:
    """Comma, tab or semicolon: whichever the header line uses most. Quotes are always double."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    return max(_DELIMITERS, key=header.count) if any(d in header for d in _DELIMITERS) else ","


def _csv_rows(text: str, max_rows: int) -> Iterator[tuple[int, list]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), quotechar='"')
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
