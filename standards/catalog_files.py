"""Catalog files as rows of cells: CSV in UTF-8, UTF-16 or Shift_JIS (told apart automatically)
and XLSX (first sheet, read-only, checked by standards.xlsx_scan before openpyxl opens it). No validation of content."""

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from standards import xlsx_scan

# A catalog has 15 columns: this leaves room for blank spacer columns and stays far from the
# 16,384 a sheet may have.
MAX_COLUMNS = 64
_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_DELIMITERS = (",", "\t", ";")
# What CP932 makes of bytes that no Shift_JIS text has: 0x80 becomes the C1 control U+0080,
# 0xA0 and 0xFD-0xFF private-use U+F8F0-F8F3, and the user-defined rows 0xF0-0xF9 private-use
# U+E000-E757. A file that only reads as CP932 with these is in some other encoding.
_NOT_SHIFT_JIS_TEXT = re.compile("[\u0080-\u009f\ue000-\uf8ff]")
# C0 and C1 controls but tab, LF and CR (and NUL, refused before as binary data).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Column:
    field: str
    english: str
    japanese: str
    required: bool = False


@dataclass(frozen=True)
class RowError:
    """A problem in a row, with where it is and what is wrong; as a warning, it stops nothing."""

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
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise CatalogFileError(
                _("The file starts like UTF-16 but cannot be read as UTF-16.")
            ) from None
        _check_controls(text)
        return text
    skipped = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    data = data[skipped:]
    if not data.strip():
        raise CatalogFileError(_("The file is empty."))
    if b"\x00" in data:
        raise CatalogFileError(_("The file is neither CSV nor XLSX (it contains binary data)."))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = _decode_cp932(data, skipped)
    _check_controls(text)
    return text


def _check_controls(text: str) -> None:
    """No table's text holds a C0 or C1 control other than tab, CR and LF: one means the file is
    in another encoding than it reads as (U+0085 is what a stray 0x85 becomes), whichever it is
    read as, or is not text. `column` counts characters from the start of the line."""
    if found := _CONTROL.search(text):
        line_start = text.rfind("\n", 0, found.start()) + 1
        raise CatalogFileError(
            _(
                "The file is neither CSV nor XLSX, or not in the encoding it appears to be in: "
                "line %(line)d, column %(column)d holds the control character U+%(code)04X, "
                "which no text of a table has. Save it again as UTF-8 or Shift_JIS."
            )
            % {
                "line": text.count("\n", 0, found.start()) + 1,
                "column": found.start() - line_start + 1,
                "code": ord(found[0]),
            }
        )


def _decode_cp932(data: bytes, skipped: int) -> str:
    """`skipped`: bytes already taken off the start (a BOM), so offsets count from the file's start."""
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
        text = data.decode("cp932")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CatalogFileError(
            _("The file is neither UTF-8 nor Shift_JIS: undecodable bytes on line %(line)d.")
            % {"line": line}
        ) from None
    if nonsense := _NOT_SHIFT_JIS_TEXT.search(text):
        # the text before it came from these bytes, so re-encoding it gives the byte offset
        offset = len(text[: nonsense.start()].encode("cp932"))
        raise CatalogFileError(
            _(
                "The file is neither UTF-8 nor Shift_JIS: byte 0x%(byte)02X on line %(line)d "
                "(byte offset %(offset)d) reads as a control or unassigned character. "
                "Save the file as UTF-8 or Shift_JIS."
            )
            % {
                "byte": data[offset],
                "line": data[:offset].count(b"\n") + 1,
                "offset": offset + skipped,
            }
        )
    return text


def _delimiter(text: str) -> str:
    """Comma, tab or semicolon: whichever the header line uses most. Quotes are always double."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    return max(_DELIMITERS, key=header.count) if any(d in header for d in _DELIMITERS) else ","


def _csv_rows(text: str, max_rows: int) -> Iterator[tuple[int, list]]:
    delimiter = _delimiter(text)
    _check_line_width(text, delimiter)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"')
    try:
        for index, row in enumerate(reader):
            if index > max_rows:
                raise CatalogFileError(
                    _("The file has more than %(max)d rows.") % {"max": max_rows}
                )
            while row and not row[-1]:  # _trimmed, in place: the reader's list is ours
                row.pop()
            yield reader.line_num, row
    except csv.Error as exc:
        raise CatalogFileError(
            _("The CSV cannot be read at line %(line)d: %(error)s")
            % {"line": reader.line_num, "error": _reason(exc)}
        ) from None


def _check_line_width(text: str, delimiter: str) -> None:
    """Refuse, before parsing, a line with far more cells than a catalog row: the CSV reader
    would build a list of all of them (20 MB of commas is 20 million cells). Counting the
    delimiters of each line is an upper bound, quoted ones included, hence the room."""
    limit = 4 * MAX_COLUMNS
    if text.count(delimiter) < limit:  # no line can have that many
        return
    start, end, count, find = 0, len(text), text.count, text.find
    while start <= end:
        stop = find("\n", start)
        if stop < 0:
            stop = end
        if count(delimiter, start, stop) >= limit:
            raise CatalogFileError(
                _(
                    "Line %(line)d has more than %(cells)d cells; a catalog has at most %(max)d "
                    "columns. Delete the cells to the right of the table and save again."
                )
                % {"line": text.count("\n", 0, start) + 1, "cells": limit, "max": MAX_COLUMNS}
            )
        start = stop + 1


def _xlsx_rows(data: bytes, max_rows: int) -> Iterator[tuple[int, list]]:
    import openpyxl  # imported late: only uploads of workbooks pay for it

    _check_workbook(data, max_rows)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken files
        raise CatalogFileError(_unreadable(exc)) from None
    try:
        sheet = workbook.worksheets[0]
        # Read to the sheet's real end (a declared range may also be too small, and openpyxl
        # would stop there), and never more than MAX_COLUMNS columns: openpyxl pads every row to
        # the width it reads, so one cell in column XFD would make each row 16,384 cells.
        sheet.reset_dimensions()
        for index, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), 1):
            if index > max_rows + 1:
                raise CatalogFileError(
                    _("The file has more than %(max)d rows.") % {"max": max_rows}
                )
            yield index, [_xlsx_cell(value) for value in _trimmed(row)]
    except CatalogFileError:
        raise
    except Exception as exc:  # malformed or hostile XML inside the workbook
        raise CatalogFileError(_unreadable(exc)) from None
    finally:
        workbook.close()


def _trimmed(cells: Sequence) -> Sequence:
    """Without the blank cells at the end of the row, which carry nothing."""
    end = len(cells)
    while end and (cells[end - 1] is None or cells[end - 1] == ""):
        end -= 1
    return cells[:end]


def _unreadable(exc: Exception) -> str:
    if isinstance(exc, MemoryError):
        return _(
            "The workbook needs more memory to read than the server has; save it as CSV, or "
            "delete the empty rows and columns around the table."
        )
    return _("The file is not a readable XLSX workbook (%(error)s).") % {"error": _reason(exc)}


def _reason(exc: Exception) -> str:
    """An exception's message, or at least its kind: some (MemoryError, KeyError()) have none."""
    return str(exc).strip() or type(exc).__name__


def _check_workbook(data: bytes, max_rows: int) -> None:
    try:
        xlsx_scan.check_workbook(
            io.BytesIO(data), size=len(data), max_rows=max_rows, max_columns=MAX_COLUMNS
        )
    except xlsx_scan.SheetRefused as exc:
        raise CatalogFileError(str(exc)) from None


def _xlsx_cell(value):
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
