"""Text out of specification documents, a chunk at a time, for the citation scanner: PDF pages, DOCX
paragraphs and table rows, XLSX rows of every sheet, HTML blocks and plain-text paragraphs. A document
that cannot be read raises UnreadableDocument, which carries a reason code and a message to show."""

import codecs
import dataclasses
import enum
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# A DOCX or XLSX is a zip archive. Before it is opened, its directory must promise no more than this
# once inflated, and no member of MEASURED_MEMBER bytes or more may be compressed beyond MAX_RATIO:1
# (real Office XML compresses about 5-20:1). Python's zipfile never inflates a member past the size
# the directory declares, so a directory that lies cannot get round the check.
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 100
MEASURED_MEMBER = 1024 * 1024
MAX_MEMBERS = 10_000
# Plain text is cut into chunks at blank lines, and at the latest after this many lines, so one
# chunk never holds a whole file that has no blank line.
MAX_LINES_PER_CHUNK = 200

_PDF_MAGIC = b"%PDF-"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# What CP932 makes of bytes no Shift_JIS text has (C1 controls, private use): another encoding.
_NOT_SHIFT_JIS_TEXT = re.compile("[\u0080-\u009f\ue000-\uf8ff]")


class Reason(enum.StrEnum):
    NO_TEXT_LAYER = "no_text_layer"
    ENCRYPTED = "encrypted"
    CORRUPT = "corrupt"
    TOO_LARGE = "too_large"
    ARCHIVE_BOMB = "archive_bomb"
    UNSUPPORTED = "unsupported"
    ENCODING = "encoding"


class UnreadableDocument(Exception):
    """The document as a whole cannot be read; `reason` says why in one word, the message in full."""

    def __init__(self, reason: Reason, message: str):
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(frozen=True, slots=True)
class Limits:
    max_bytes: int
    max_pages: int
    max_uncompressed: int = MAX_UNCOMPRESSED
    max_ratio: int = MAX_RATIO

    @classmethod
    def from_settings(cls) -> "Limits":
        return cls(max_bytes=settings.SCAN_MAX_BYTES, max_pages=settings.SCAN_MAX_PAGES)


@dataclass(frozen=True, slots=True)
class Location:
    """Where a chunk (or a citation in it) is: one of page; sheet and row; table and row; paragraph;
    line."""

    page: int | None = None
    sheet: str | None = None
    table: int | None = None
    row: int | None = None
    paragraph: int | None = None
    line: int | None = None

    def lines_down(self, count: int) -> "Location":
        """The same place `count` lines further on, for locations counted in lines."""
        if self.line is None or not count:
            return self
        return dataclasses.replace(self, line=self.line + count)

    def __str__(self) -> str:
        if self.page is not None:
            return str(self.page)
        if self.sheet is not None:
            return _("%(sheet)s, row %(row)d") % {"sheet": self.sheet, "row": self.row}
        if self.table is not None:
            return _("table %(table)d, row %(row)d") % {"table": self.table, "row": self.row}
        if self.paragraph is not None:
            return _("paragraph %(number)d") % {"number": self.paragraph}
        if self.line is not None:
            return _("line %(number)d") % {"number": self.line}
        return ""


@dataclass(frozen=True, slots=True)
class Chunk:
    """Text in document order. A table row has its cells separated by tabs and names its `table`;
    `section` changes where a document starts afresh (an XLSX sheet)."""

    location: Location
    text: str
    table: str | None = None
    section: str = ""


def read_chunks(path: Path, *, limits: Limits | None = None) -> Iterator[Chunk]:
    """The document's text, chunk by chunk: a PDF is read a page at a time, so memory does not grow
    with its length; other formats are held whole, within `limits.max_bytes`. Raises
    UnreadableDocument, perhaps after some chunks: a PDF is known to have no text layer only once
    every page is read."""
    limits = limits or Limits.from_settings()
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        raise UnreadableDocument(Reason.UNSUPPORTED, _unsupported_message(path.suffix.lower()))
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UnreadableDocument(
            Reason.CORRUPT,
            _("The file cannot be opened (%(error)s).")
            % {"error": exc.strerror or type(exc).__name__},
        ) from None
    if size > limits.max_bytes:
        raise UnreadableDocument(
            Reason.TOO_LARGE,
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limits.max_bytes)},
        )
    if size == 0:
        raise UnreadableDocument(Reason.CORRUPT, _("The file is empty."))
    yield from reader(path, limits)


def supported_suffixes() -> list[str]:
    return sorted(_READERS)


def _unsupported_message(suffix: str) -> str:
    older = {".doc": "Word 97-2003 (.doc)", ".xls": "Excel 97-2003 (.xls)"}
    if suffix in older:
        return _("%(kind)s files are not supported; save the document as %(modern)s.") % {
            "kind": older[suffix],
            "modern": ".docx" if suffix == ".doc" else ".xlsx",
        }
    return _("Files of type “%(suffix)s” are not read; the formats are %(formats)s.") % {
        "suffix": suffix or _("(no extension)"),
        "formats": ", ".join(supported_suffixes()),
    }


def _reason(exc: BaseException) -> str:
    """An exception's message, or at least its kind: some (MemoryError, KeyError()) have none."""
    return str(exc).strip() or type(exc).__name__


# --- PDF -----------------------------------------------------------------------------------------


def _pdf_chunks(path: Path, limits: Limits) -> Iterator[Chunk]:
    from pypdf import PasswordType, PdfReader  # imported late: only PDFs pay for it

    with path.open("rb") as handle:
        # Given an open file (not a path, which pypdf would read whole into memory), pypdf reads
        # each object from the file when it is needed.
        if _PDF_MAGIC not in handle.read(1024):
            raise UnreadableDocument(Reason.CORRUPT, _("The file is named .pdf but is not a PDF."))
        handle.seek(0)
        try:
            reader = PdfReader(handle)
            # pypdf has already tried the empty password, which opens PDFs that only restrict
            # printing or copying; anything else needs a password we do not have.
            locked = reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED
            pages = 0 if locked else len(reader.pages)
        except Exception as exc:  # pypdf raises many types for broken files
            raise UnreadableDocument(Reason.CORRUPT, _damaged_pdf(exc)) from None
        if locked:
            raise UnreadableDocument(
                Reason.ENCRYPTED,
                _("The PDF is encrypted with a password; save an unprotected copy and scan that."),
            )
        if pages > limits.max_pages:
            raise UnreadableDocument(
                Reason.TOO_LARGE,
                _("The PDF has %(pages)d pages; the limit is %(limit)d.")
                % {"pages": pages, "limit": limits.max_pages},
            )
        any_text = False
        for number in range(1, pages + 1):
            text = _pdf_page_text(reader, number)
            any_text = any_text or bool(text.strip())
            yield Chunk(Location(page=number), text)
    if not any_text:
        raise UnreadableDocument(
            Reason.NO_TEXT_LAYER,
            _(
                "The PDF has no text layer: it looks like a scanned image. Run it through OCR "
                "(text recognition) and scan the result."
            ),
        )


def _pdf_page_text(reader, number: int) -> str:
    page = None
    try:
        page = reader.pages[number - 1]
        return page.extract_text() or ""
    except Exception as exc:
        raise UnreadableDocument(
            Reason.CORRUPT,
            _("Page %(page)d of the PDF cannot be read (%(error)s).")
            % {"page": number, "error": _reason(exc)},
        ) from None
    finally:
        if page is not None:
            _forget_contents(reader, page)


def _forget_contents(reader, page) -> None:
    """pypdf keeps every object it has read for the life of the reader. A page's content streams
    are read once, so dropping them after the page keeps memory flat however many pages there are."""
    from pypdf.generic import ArrayObject, IndirectObject

    contents = page.raw_get("/Contents") if "/Contents" in page else None
    references = [contents] if isinstance(contents, IndirectObject) else []
    resolved = contents.get_object() if contents is not None else None
    if isinstance(resolved, ArrayObject):
        references += [item for item in resolved if isinstance(item, IndirectObject)]
    for reference in references:
        reader.resolved_objects.pop((reference.generation, reference.idnum), None)


def _damaged_pdf(exc: Exception) -> str:
    return _("The PDF is damaged and cannot be read (%(error)s).") % {"error": _reason(exc)}


# --- DOCX and XLSX -------------------------------------------------------------------------------


def _check_archive(path: Path, limits: Limits, *, member: str, kind: str) -> None:
    """Refuse, from the zip directory alone, an archive that is not `kind` or would inflate too far."""
    with path.open("rb") as handle:
        magic = handle.read(4)
    if magic == _OLE2_MAGIC:
        raise UnreadableDocument(
            Reason.ENCRYPTED,
            _(
                "The file is password-protected (or an older Office file renamed %(suffix)s); "
                "save an unprotected %(suffix)s copy and scan that."
            )
            % {"suffix": path.suffix.lower()},
        )
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UnreadableDocument(
            Reason.CORRUPT,
            _("The file is named %(suffix)s but is not %(kind)s (no zip archive).")
            % {"suffix": path.suffix.lower(), "kind": kind},
        ) from None
    if member not in {info.filename for info in members}:
        raise UnreadableDocument(
            Reason.CORRUPT, _("The file is a zip archive but not %(kind)s.") % {"kind": kind}
        )
    check_inflation(members, limits)


def check_inflation(members: list[zipfile.ZipInfo], limits: Limits) -> None:
    total = sum(info.file_size for info in members)
    if len(members) > MAX_MEMBERS or total > limits.max_uncompressed:
        raise UnreadableDocument(
            Reason.ARCHIVE_BOMB,
            _(
                "The archive would expand to %(size)s in %(count)d parts; the limit is %(limit)s "
                "in %(max)d parts. It may be a zip bomb."
            )
            % {
                "size": filesizeformat(total),
                "count": len(members),
                "limit": filesizeformat(limits.max_uncompressed),
                "max": MAX_MEMBERS,
            },
        )
    for info in members:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= MEASURED_MEMBER and ratio > limits.max_ratio:
            raise UnreadableDocument(
                Reason.ARCHIVE_BOMB,
                _(
                    "Part %(name)s of the archive is compressed %(ratio).0f:1; real documents stay "
                    "below %(max)d:1. It may be a zip bomb."
                )
                % {"name": info.filename, "ratio": ratio, "max": limits.max_ratio},
            )


def _docx_chunks(path: Path, limits: Limits) -> Iterator[Chunk]:
    _check_archive(path, limits, member="word/document.xml", kind=_("a Word document (DOCX)"))
    import docx  # imported late: only Word documents pay for it
    from docx.table import Table

    try:
        document = docx.Document(str(path))
        paragraphs = tables = 0
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                tables += 1
                yield from _docx_rows(block, tables)
            else:
                paragraphs += 1
                if block.text.strip():
                    yield Chunk(Location(paragraph=paragraphs), block.text)
    except UnreadableDocument:
        raise
    except Exception as exc:  # python-docx and lxml raise many types for broken files
        raise UnreadableDocument(
            Reason.CORRUPT,
            _("The Word document is damaged and cannot be read (%(error)s).")
            % {"error": _reason(exc)},
        ) from None


def _docx_rows(table, index: int) -> Iterator[Chunk]:
    for number, row in enumerate(table.rows, start=1):
        cells, seen = [], set()
        for cell in row.cells:
            # a merged cell is returned once for every grid column it spans
            if id(cell._tc) not in seen:
                seen.add(id(cell._tc))
                cells.append(_one_line(cell.text))
        if any(text.strip() for text in cells):
            yield Chunk(Location(table=index, row=number), "\t".join(cells), table=f"table {index}")


def _xlsx_chunks(path: Path, limits: Limits) -> Iterator[Chunk]:
    _check_archive(path, limits, member="xl/workbook.xml", kind=_("an Excel workbook (XLSX)"))
    import openpyxl  # imported late: only workbooks pay for it

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise UnreadableDocument(Reason.CORRUPT, _damaged_workbook(exc)) from None
    try:
        for sheet in workbook.worksheets:
            yield from _sheet_rows(sheet)
    except UnreadableDocument:
        raise
    except Exception as exc:  # malformed or hostile XML inside the workbook
        raise UnreadableDocument(Reason.CORRUPT, _damaged_workbook(exc)) from None
    finally:
        workbook.close()


def _sheet_rows(sheet) -> Iterator[Chunk]:
    # The declared used range may be wrong either way; read to the real end, rows as long as their
    # last cell (not padded to the widest row).
    sheet.reset_dimensions()
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = [_cell_text(value) for value in row]
        while cells and not cells[-1]:
            cells.pop()
        if any(text.strip() for text in cells):
            yield Chunk(
                Location(sheet=sheet.title, row=number),
                "\t".join(cells),
                table=f"sheet {sheet.title}",
                section=f"sheet {sheet.title}",
            )


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return _one_line(str(value))


def _one_line(text: str) -> str:
    """A cell's text on one line: a table row is one line, its cells separated by tabs."""
    return re.sub(r"[\t\r\n]+", " ", text)


def _damaged_workbook(exc: Exception) -> str:
    return _("The Excel workbook is damaged and cannot be read (%(error)s).") % {
        "error": _reason(exc)
    }


# --- plain text and HTML -------------------------------------------------------------------------


def _decode(data: bytes, *, declared: str | None = None) -> str:
    """UTF-8 (with or without a BOM), UTF-16 with a BOM, a declared charset, or else CP932."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    elif data.startswith(codecs.BOM_UTF8):
        encodings = ["utf-8-sig"]
    else:
        encodings = [declared] if declared else []
        encodings += ["utf-8", "cp932"]
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        if encoding != "cp932" or not _NOT_SHIFT_JIS_TEXT.search(text):
            break
    else:
        raise UnreadableDocument(
            Reason.ENCODING,
            _(
                "The text is neither UTF-8 nor Shift_JIS (CP932) and cannot be decoded; save it as "
                "UTF-8."
            ),
        )
    if match := _CONTROL.search(text):
        raise UnreadableDocument(
            Reason.CORRUPT,
            _(
                "The file is not text: it contains binary data (character U+%(code)04X on line "
                "%(line)d)."
            )
            % {"code": ord(match.group()), "line": text.count("\n", 0, match.start()) + 1},
        )
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _text_chunks(path: Path, limits: Limits) -> Iterator[Chunk]:
    text = _decode(path.read_bytes())
    block: list[str] = []
    first = 1
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip() and len(block) < MAX_LINES_PER_CHUNK:
            if not block:
                first = number
            block.append(line)
            continue
        if block:
            yield Chunk(Location(line=first), "\n".join(block))
        block, first = ([line], number) if line.strip() else ([], number + 1)
    if block:
        yield Chunk(Location(line=first), "\n".join(block))


_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def _html_chunks(path: Path, limits: Limits) -> Iterator[Chunk]:
    data = path.read_bytes()
    declared = _CHARSET.search(data[:4096])
    text = _decode(data, declared=declared[1].decode("ascii") if declared else None)
    parser = _HtmlText()
    for start in range(0, len(text), 65536):
        parser.feed(text[start : start + 65536])
        yield from parser.take()
    parser.close()
    yield from parser.take()


class _HtmlText(HTMLParser):
    """Blocks of running text (paragraphs, list items, headings) and table rows, each with the line
    of the HTML source it starts on. Source line breaks are spaces, as a browser shows them."""

    BLOCKS = frozenset(
        "address article aside blockquote caption dd div dl dt figcaption footer form h1 h2 h3 h4 "
        "h5 h6 header hr li main nav ol p pre section table tbody thead tfoot title ul".split()
    )
    HIDDEN = frozenset({"script", "style", "noscript", "template"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self._chunks: list[Chunk] = []
        self._parts: list[str] = []
        self._line = 1
        self._hidden = 0
        self._tables = 0
        self._open_tables: list[int] = []
        self._cells: list[str] | None = None  # the open table row's cells
        self._in_cell = False
        self._row_line = 1

    def take(self) -> list[Chunk]:
        chunks, self._chunks = self._chunks, []
        return chunks

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self._hidden += 1
        elif tag == "br":
            self._parts.append("\n")
        elif tag == "table":
            self._end_block()
            self._tables += 1
            self._open_tables.append(self._tables)
        elif tag == "tr":
            self._end_row()  # the previous row, when its </tr> was left out
            self._end_block()
            self._cells, self._row_line = [], self.getpos()[0]
        elif tag in ("td", "th"):
            self._end_cell()
            self._in_cell = self._cells is not None
        elif tag in self.BLOCKS:
            self._end_block()

    def handle_endtag(self, tag):
        if tag in self.HIDDEN:
            self._hidden = max(self._hidden - 1, 0)
        elif tag == "table":
            self._end_row()
            self._end_block()
            if self._open_tables:
                self._open_tables.pop()
        elif tag == "tr":
            self._end_row()
        elif tag in ("td", "th"):
            self._end_cell()
        elif tag in self.BLOCKS:
            self._end_block()

    def handle_data(self, data):
        if self._hidden:
            return
        if data.strip() and not "".join(self._parts).strip():
            leading = data[: len(data) - len(data.lstrip())]
            self._line = self.getpos()[0] + leading.count("\n")
        self._parts.append(data.replace("\r", " ").replace("\n", " "))

    def close(self):
        super().close()
        self._end_row()
        self._end_block()

    def _text(self) -> str:
        lines = (re.sub(r"\s+", " ", line).strip() for line in "".join(self._parts).split("\n"))
        self._parts = []
        return "\n".join(line for line in lines if line)

    def _end_block(self):
        """A block boundary: inside a table cell it is a line break, elsewhere it ends a chunk."""
        if self._in_cell:
            self._parts.append("\n")
            return
        if self._cells is not None:
            self._end_row()
        text = self._text()
        if text:
            self._chunks.append(Chunk(Location(line=self._line), text))

    def _end_cell(self):
        if self._in_cell and self._cells is not None:
            self._cells.append(self._text().replace("\n", " "))
        self._in_cell = False

    def _end_row(self):
        if self._cells is None:
            return
        self._end_cell()
        cells, self._cells = self._cells, None
        self._parts = []
        while cells and not cells[-1]:
            cells.pop()
        if cells and any(cells):
            table = self._open_tables[-1] if self._open_tables else 0
            self._chunks.append(
                Chunk(Location(line=self._row_line), "\t".join(cells), table=f"table {table}")
            )


_READERS = {
    ".pdf": _pdf_chunks,
    ".docx": _docx_chunks,
    ".xlsx": _xlsx_chunks,
    ".xlsm": _xlsx_chunks,
    ".html": _html_chunks,
    ".htm": _html_chunks,
    ".txt": _text_chunks,
}
