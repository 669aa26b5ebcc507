"""What an XLSX must pass before openpyxl opens it: a zip that would not inflate absurdly, a first
sheet and shared-strings table of bounded size, and a sheet whose rows and cells stay inside the
limits. openpyxl reads a whole row before anything can count it (one row of two million cells is a
gigabyte), and with no <dimension> element it cannot say how large a sheet is until it has read
it; so the first sheet's XML is scanned here as a stream, in chunks, and refused at the first cell
or row beyond the limits, in bounded time and memory."""

import posixpath
import re
import time
import zipfile

from defusedxml import ElementTree
from django.utils.translation import gettext as _

MB = 1024 * 1024
# The whole archive, decompressed, and its ratio to the upload (a zip bomb).
MAX_UNCOMPRESSED = 200 * MB
MAX_RATIO = 100
# The first sheet's XML, decompressed. A catalog of 50,000 rows written with inline strings (the
# largest form) is about 45 MB; openpyxl reads some 3 MB of sheet a second, so a sheet larger
# than this could not be read within the import's time anyway.
MAX_SHEET_BYTES = 64 * MB
# The shared strings are loaded whole by openpyxl, before the first row.
MAX_STRINGS_BYTES = 32 * MB
# The small parts naming the sheets (workbook.xml and its relationships).
MAX_INDEX_BYTES = 2 * MB
# A tag cut by a chunk's end is kept for the next chunk; no tag a spreadsheet writes comes near
# this (a cell's text lies between tags, not in one).
MAX_RUN_BYTES = 256 * 1024
SCAN_SECONDS = 5
_CHUNK = MB
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_WORKSHEET = "/relationships/worksheet"
# The namespace of a sheet's elements, and how a writer may bind a prefix to it (<x:c> from some
# writers): a prefix is looked for in every chunk before it is scanned, as a declaration comes
# before or in the element it names.
_NAMESPACES = (
    b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    b"http://purl.oclc.org/ooxml/spreadsheetml/main",
)
_DECLARED = re.compile(
    rb"""xmlns:([A-Za-z_][\w.-]*)\s*=\s*["'](?:"""
    + b"|".join(re.escape(n) for n in _NAMESPACES)
    + rb""")["']"""
)
_CELL_NAME = re.compile(r"([A-Z]{1,4})(\d{1,9})$")
_ROW_REF = re.compile(rb"""\sr\s*=\s*["'](\d+)""")


def _patterns(prefixes: set[bytes]) -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    """The used range a sheet declares (<dimension ref="A1:K200">), <row …> with its
    attributes, and each <c …> with its column letters when it names its
    place (r="B7"), for elements without a prefix or with one of `prefixes`."""
    prefix = b"(?:" + b"|".join(re.escape(p) + b":" for p in sorted(prefixes)) + b")?"
    if not prefixes:
        prefix = b""
    dimension = re.compile(b"<" + prefix + rb"""dimension\s[^>]*?ref\s*=\s*["']([^"']{1,40})""")
    row = re.compile(b"<" + prefix + rb"row(?=[\s/>])([^>]*)>")
    cell = re.compile(b"<" + prefix + rb"""c(?=[\s/>])(?:[^>]*?\sr\s*=\s*["']([A-Za-z]{1,4}))?""")
    return dimension, row, cell


class SheetRefused(Exception):
    """The workbook is refused before it is opened; the message says why."""


def check_workbook(data_file, *, size: int, max_rows: int, max_columns: int, clock=None) -> None:
    """Refuse an archive that is no workbook, would inflate too far, or whose first sheet is
    larger, longer or wider than a catalog (`max_rows` rows and a header, `max_columns`)."""
    try:
        archive = zipfile.ZipFile(data_file)
    except zipfile.BadZipFile:
        raise SheetRefused(_("The file is neither CSV nor XLSX (a damaged zip archive).")) from None
    with archive:
        _check_inflation(archive, size)
        sheet = _first_sheet(archive)
        _check_part_size(archive, "xl/sharedStrings.xml", MAX_STRINGS_BYTES)
        _check_part_size(archive, sheet, MAX_SHEET_BYTES)
        scan = _SheetScan(max_rows=max_rows, max_columns=max_columns)
        clock = clock or time.monotonic
        deadline = clock() + SCAN_SECONDS
        try:
            with archive.open(sheet) as stream:
                while chunk := stream.read(_CHUNK):
                    scan.feed(chunk)
                    if clock() > deadline:
                        raise SheetRefused(
                            _(
                                "Checking the first sheet took longer than %(seconds)d s; it was "
                                "stopped at row %(row)d. Save it as CSV, or split it."
                            )
                            % {"seconds": SCAN_SECONDS, "row": scan.row}
                        )
        except (zipfile.BadZipFile, OSError, EOFError) as exc:  # a corrupt or truncated part
            raise SheetRefused(
                _("The file is not a readable XLSX workbook (%(error)s).")
                % {"error": str(exc) or type(exc).__name__}
            ) from None
        scan.finish()


def _check_inflation(archive: zipfile.ZipFile, size: int) -> None:
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names:
        raise SheetRefused(_("The file is a zip archive but not an XLSX workbook."))
    total = sum(info.file_size for info in archive.infolist())
    if total > MAX_UNCOMPRESSED or (total > 10 * MB and total / max(1, size) > MAX_RATIO):
        raise SheetRefused(
            _("The workbook would expand to %(size)d MB; refused as a possible zip bomb.")
            % {"size": total // MB}
        )


def _check_part_size(archive: zipfile.ZipFile, name: str, limit: int) -> None:
    """The size the zip declares is the size it will give: zipfile stops there (and fails the
    checksum), so a part cannot inflate beyond what is checked here."""
    try:
        size = archive.getinfo(name).file_size
    except KeyError:
        return
    if size > limit:
        raise SheetRefused(
            _(
                "The workbook's part %(part)s is %(size)d MB of XML; at most %(limit)d MB is "
                "read. Delete what lies outside the table, or save the sheet as CSV."
            )
            % {"part": name, "size": size // MB, "limit": limit // MB}
        )


def _first_sheet(archive: zipfile.ZipFile) -> str:
    """The part openpyxl reads as the first worksheet: the first <sheet> of workbook.xml whose
    relationship is a worksheet (chart sheets are skipped, as openpyxl does)."""
    workbook = _small_xml(archive, "xl/workbook.xml")
    rels = _small_xml(archive, "xl/_rels/workbook.xml.rels")
    targets = {
        rel.get("Id"): rel.get("Target", "")
        for rel in rels.iter(f"{_RELS}Relationship")
        if rel.get("Type", "").endswith(_WORKSHEET)
    }
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(_R_ID))
        if target is None:
            continue
        path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        path = posixpath.normpath(path)
        if path in archive.namelist():
            return path
    raise SheetRefused(_("The file is not a readable XLSX workbook (it has no worksheet)."))


def _small_xml(archive: zipfile.ZipFile, name: str):
    _check_part_size(archive, name, MAX_INDEX_BYTES)
    try:
        return ElementTree.fromstring(archive.read(name))
    except KeyError:
        raise SheetRefused(
            _("The file is not a readable XLSX workbook (%(error)s).")
            % {"error": _("%(part)s is missing") % {"part": name}}
        ) from None
    except Exception as exc:  # defusedxml's refusals and broken XML alike
        raise SheetRefused(
            _("The file is not a readable XLSX workbook (%(error)s).")
            % {"error": f"{name}: {str(exc) or type(exc).__name__}"}
        ) from None


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


class _SheetScan:
    """Counts rows and cells as the sheet's XML goes by. A row without r="…" is the one after
    the previous, as openpyxl reads it; every cell counts towards its row's width, named or not,
    so a row of a million cells all named A1 is refused too."""

    def __init__(self, *, max_rows: int, max_columns: int):
        self.max_rows, self.max_columns = max_rows, max_columns
        self.row = self.rows_seen = self.cells = 0
        # b"": a cell that does not name its column
        self._allowed = {b"", *(column_letters(n).encode() for n in range(1, max_columns + 1))}
        self._prefixes: set[bytes] = set()
        self._dimension, self._row, self._cell = _patterns(self._prefixes)
        self._carry = b""

    def feed(self, chunk: bytes) -> None:
        buffer = self._carry + chunk
        if declared := set(_DECLARED.findall(buffer)) - self._prefixes:
            self._prefixes |= declared
            self._dimension, self._row, self._cell = _patterns(self._prefixes)
        # a tag cut by the chunk's end waits for the next chunk
        cut = buffer.rfind(b"<")
        if cut == -1 or buffer.find(b">", cut) != -1:
            cut = len(buffer)
        if not self.rows_seen and (declared := self._dimension.search(buffer, 0, cut)):
            self._check_declared(declared[1].decode("ascii", "replace"))
        self._scan(buffer, cut)
        self._carry = buffer[cut:]
        if len(self._carry) > MAX_RUN_BYTES:
            self._refuse_long_run()

    def finish(self) -> None:
        self._scan(self._carry, len(self._carry))
        self._carry = b""

    def _scan(self, buffer: bytes, end: int) -> None:
        """Row by row: the regular expressions count each row's cells in C, so a sheet of a
        million cells takes a fraction of a second, not a Python step per cell."""
        start = 0
        for row in self._row.finditer(buffer, 0, end):
            self._cells_between(buffer, start, row.start())
            ref = _ROW_REF.search(row[1])
            self._start_row(int(ref[1]) if ref else self.row + 1)
            start = row.end()
        self._cells_between(buffer, start, end)

    def _check_declared(self, declared: str) -> None:
        """Refuse at once a sheet that says it is wider or longer than any catalog (the used
        range comes before the rows; Excel always writes it)."""
        end = _CELL_NAME.match(declared.rpartition(":")[2].strip().upper())
        if not end:
            return
        columns, rows = _column_number(end[1].encode()), int(end[2])
        if columns > self.max_columns:
            raise SheetRefused(
                _(
                    "The first sheet's used range is %(range)s, %(columns)d columns wide; a "
                    "catalog has at most %(max)d columns. Delete the columns to the right of "
                    "the table and save again."
                )
                % {"range": declared, "columns": columns, "max": self.max_columns}
            )
        if rows > self.max_rows + 1:
            raise SheetRefused(
                _(
                    "The first sheet's used range is %(range)s, %(rows)d rows long; a catalog has "
                    "at most %(max)d rows and a header. Delete the rows below the table and save "
                    "again."
                )
                % {"range": declared, "rows": rows, "max": self.max_rows}
            )

    def _start_row(self, number: int) -> None:
        self.row, self.cells = number, 0
        self.rows_seen += 1
        if max(number, self.rows_seen) > self.max_rows + 1:
            raise SheetRefused(
                _(
                    "The first sheet has a row %(row)d; at most %(max)d rows and a header are "
                    "read. Delete the rows below the table and save again."
                )
                % {"row": max(number, self.rows_seen), "max": self.max_rows}
            )

    def _cells_between(self, buffer: bytes, start: int, end: int) -> None:
        if start >= end:
            return
        letters = self._cell.findall(buffer, start, end)
        if not letters:
            return
        self.cells += len(letters)
        if not self._allowed.issuperset(letters):
            widest = max(_column_number(column) for column in letters)
            if widest > self.max_columns:
                raise SheetRefused(
                    _(
                        "Row %(row)d has a cell in column %(column)s; at most %(max)d columns "
                        "are read. Delete the columns to the right of the table and save again."
                    )
                    % {"row": self.row, "column": column_letters(widest), "max": self.max_columns}
                )
        if self.cells > self.max_columns:
            raise SheetRefused(
                _(
                    "Row %(row)d has more than %(max)d cells; at most %(max)d columns are read. "
                    "Delete the cells to the right of the table and save again."
                )
                % {"row": self.row, "max": self.max_columns}
            )

    def _refuse_long_run(self) -> None:
        raise SheetRefused(
            _(
                "Row %(row)d holds a tag of more than %(size)d KB; the file was not written by "
                "a spreadsheet program. Save the sheet again from Excel or as CSV."
            )
            % {"row": self.row, "size": MAX_RUN_BYTES // 1024}
        )
