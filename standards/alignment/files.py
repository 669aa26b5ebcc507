"""Reading international data files into validated editions (nothing is written here).

Two formats, told apart by their columns:

* ISO's open data deliverables file (iso_deliverables_metadata), as JSON lines or CSV: `reference`,
  `publicationDate`, `edition`, `currentStage`, `replaces`, `replacedBy` (and `id`, which
  `replaces` / `replacedBy` may give instead of references; other fields are ignored). The
  harmonized stage code says the status: 60.60 (published) up to 95.92 is current, 95.99 is
  withdrawn; a deliverable below 60.60 is still a draft and is skipped, as is an amendment or
  corrigendum row (it belongs to its document's edition). A published deliverable of a kind no
  JIS corresponds to, whose reference the catalog's normaliser cannot read (ISO/R recommendations,
  ISO/IEC ISP profiles, ISO/TTA…), is skipped too and counted: the file is ISO's own, one such row
  must not stop the import of the rest.
* A plain CSV (or XLSX) for IEC or any other body: `reference,published_on,status,replaced_by`,
  status `current` / `withdrawn` (or 現行 / 廃止), replaced_by the newer edition's reference or empty.

Every problem names its line, column and value; the file imports only if it has none.
"""

import datetime as dt
import json
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from standards import bulk
from standards.alignment.rule import CURRENT, key
from standards.catalog_files import CatalogFileError, check_size, decode_csv, table_rows
from standards.dates import InvalidDate, parse_date
from standards.importing import RowError
from standards.international import InvalidReference, Reference, normalise_reference
from standards.numbers import normalize_width

MAX_BYTES = 512 * 1024 * 1024  # ISO's JSON lines file with every scope text is a few hundred MB
MAX_ROWS = 1_000_000
KEPT_ERRORS = 1000
ISO, PLAIN = "iso", "plain"
_ISO_COLUMNS = ("reference", "publicationDate", "edition", "currentStage", "replaces", "replacedBy")
_PLAIN_COLUMNS = ("reference", "published_on", "status", "replaced_by")
_STATUSES = {
    "current": CURRENT,
    "現行": CURRENT,
    "有効": CURRENT,
    "published": CURRENT,
    "withdrawn": "withdrawn",
    "廃止": "withdrawn",
}
# ISO's harmonized stage codes as integers (60.60 → 6060)
PUBLISHED_STAGE = 6060
WITHDRAWN_STAGE = 9599
_STAGE = re.compile(r"^(\d{2})\.?(\d{2})$")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?$")
_CANONICAL = re.compile(r"^(ISO|IEC|ISO/IEC) (\d{1,6})((?:-\d{1,4})*)(?::(\d{4}))?$")
_LIST_ITEM = re.compile(r"[^,;|\[\]\"\n]+")


@dataclass(slots=True)
class EditionRecord:
    line: int
    reference: str  # "ISO 13482:2014"
    body: str
    document: str
    year: int
    published_on: dt.date | None
    status: str
    edition: int | None = None
    replaced_by: str = ""


@dataclass
class InternationalReport:
    format: str
    records: list[EditionRecord] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    more_errors: int = 0
    drafts: int = 0  # ISO deliverables still in development, skipped
    supplements: int = 0  # amendment and corrigendum rows, skipped
    other_kinds: int = 0  # ISO deliverables whose reference no JIS could cite, skipped

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def problem_count(self) -> int:
        return len(self.errors) + self.more_errors

    def error(self, line: int, column: str, value, message: str) -> None:
        if len(self.errors) < KEPT_ERRORS:
            shown = "" if value is None else str(value)
            self.errors.append(RowError(line, column, shown[:200], str(message)))
        else:
            self.more_errors += 1


def read_international(data: bytes, *, filename: str = "", today: dt.date) -> InternationalReport:
    """Read and check a whole file, either format; CatalogFileError when it cannot be read at all."""
    check_size(len(data), MAX_BYTES)
    rows = _json_rows(data) if _is_json_lines(data) else _table_rows(data, filename)
    _line, header = next(rows, (0, None))
    if not header:
        raise CatalogFileError(_("The file is empty: it has no header row."))
    report = InternationalReport(_format_of(header))
    reader = _RowReader(report, today)
    read = reader.read
    with bulk.paused_gc():  # a record a row, all kept to the end: the collector would find nothing
        for line, values in rows:
            read(line, values)
        reader.resolve_ids()
    if not report.records and not report.errors:
        raise CatalogFileError(_("The file has a header but no rows."))
    return report


def _is_json_lines(data: bytes) -> bool:
    start = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return start.startswith(b"{")


def _json_text(data: bytes) -> str:
    """UTF-8, as JSON is, read without the tables' scan for control characters: JSON refuses them
    raw outside its strings, and inside them (ISO's scope texts) they are legal and never read."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return decode_csv(data)  # UTF-16 with a BOM, Shift_JIS, or its error naming the line


def _lines(text: str):
    """(number, line) split at LF only: U+2028, U+0085 and the like, which str.splitlines() also
    breaks at, may stand raw inside a JSON string."""
    start, number, end_of_text = 0, 0, len(text)
    find = text.find
    while start < end_of_text:
        end = find("\n", start)
        if end < 0:
            end = end_of_text
        number += 1
        yield number, text[start:end]
        start = end + 1


def _json_rows(data: bytes):
    """(line, {field: value}) for each line, read one at a time (all of ISO's file at once would
    hold a million objects); the first item is (0, the fields of the first line)."""
    first, count = True, 0
    loads = json.loads
    for number, line in _lines(_json_text(data)):
        if not line or line.isspace():
            continue
        count += 1
        if count > MAX_ROWS:
            raise CatalogFileError(_("The file has more than %(max)d rows.") % {"max": MAX_ROWS})
        try:
            values = loads(line)
        except ValueError as exc:
            values = {"__error__": str(exc)}
        if not isinstance(values, dict):
            values = {"__error__": _("not a JSON object")}
        if first:
            yield 0, list(values) if "__error__" not in values else list(_ISO_COLUMNS)
            first = False
        yield number, values


def _table_rows(data: bytes, filename: str):
    rows = table_rows(data, filename, MAX_ROWS)
    header = None
    for line, cells in rows:
        if not any(str(c or "").strip() for c in cells):
            continue
        if header is None:
            header = [str(c or "").replace("\ufeff", "").strip() for c in cells]
            yield 0, header
            continue
        yield line, {name: cells[i] if i < len(cells) else "" for i, name in enumerate(header)}


def _format_of(header: list[str]) -> str:
    names = set(header)
    if "currentStage" in names or "publicationDate" in names:
        missing = [c for c in _ISO_COLUMNS if c not in names]
        found = ISO
    else:
        missing = [c for c in _PLAIN_COLUMNS if c not in names]
        found = PLAIN
    if missing:
        raise CatalogFileError(
            _(
                "Required column(s) missing from the header: %(missing)s. ISO's open data has "
                "%(iso)s; the plain format has %(plain)s."
            )
            % {
                "missing": ", ".join(missing),
                "iso": ", ".join(_ISO_COLUMNS),
                "plain": ", ".join(_PLAIN_COLUMNS),
            }
        )
    return found


class _RowReader:
    def __init__(self, report: InternationalReport, today: dt.date):
        self.report, self.today = report, today
        self.seen: dict[str, int] = {}  # reference → line
        self.ids: dict[str, str] = {}  # ISO deliverable id → reference
        self.pending_ids: list[tuple[int, str, int]] = []  # (record index, id, line)
        self.days: dict[str, dt.date] = {}  # "2015-09-15" → its date, checked (dates repeat)

    def read(self, line: int, values: dict) -> None:
        if self.report.format == ISO and self._iso_as_published(line, values):
            return
        self._read_checked(line, values)

    def _iso_as_published(self, line: int, values: dict) -> bool:
        """A row of ISO's own JSON file as ISO writes it (most rows): taken, or skipped as a draft,
        with the few checks such a row needs; False when anything about it is unusual, for
        _read_checked to read and name its problems. Gives the same records and counts."""
        if values.get("supplementType") is not None:
            return False
        stage = values.get("currentStage")
        if stage.__class__ is not int or not 0 <= stage <= 9999:
            return False
        if stage < PUBLISHED_STAGE:
            self.report.drafts += 1
            return True
        text = values.get("reference")
        match = _CANONICAL.match(text) if text.__class__ is str else None
        if match is None or match[4] is None:
            return False
        year = int(match[4])
        if not 1900 <= year <= 2100 or text in self.seen:
            return False
        day = values.get("publicationDate")
        if day is not None:
            published = self.days.get(day) if day.__class__ is str else None
            if published is None:
                published = self._fresh_day(day)
                if published is None:
                    return False
        else:
            published = None
        edition = values.get("edition")
        if edition is not None and (edition.__class__ is not int or not 0 < edition < 1000):
            return False
        replaced_by = values.get("replacedBy")
        if replaced_by is not None and (
            replaced_by.__class__ is not list or any(i.__class__ is not int for i in replaced_by)
        ):
            return False
        deliverable = values.get("id")
        if deliverable is not None and deliverable.__class__ is not int:
            return False
        records = self.report.records
        self.seen[text] = line
        if deliverable is not None:
            self.ids[str(deliverable)] = text
        for item in replaced_by or ():
            self.pending_ids.append((len(records), str(item), line))
        body = match[1]
        records.append(
            EditionRecord(
                line,
                text,
                body,
                text[:-5],  # the document: "ISO 13482" of "ISO 13482:2014"
                year,
                published,
                "withdrawn" if stage >= WITHDRAWN_STAGE else CURRENT,
                edition,
                "",
            )
        )
        return True

    def _fresh_day(self, text) -> dt.date | None:
        """A publication date not seen before, read as _date reads ISO's dates and remembered;
        None for anything else (the checked reading says what is wrong with it)."""
        if text.__class__ is not str:
            return None
        day = _iso_date(text.strip()[:40])
        if day is None or day > self.today:
            return None
        self.days[text] = day
        return day

    def _read_checked(self, line: int, values: dict) -> None:
        report = self.report
        if "__error__" in values:
            report.error(
                line, "—", "", _("not a JSON object: %(error)s") % {"error": values["__error__"]}
            )
            return
        iso = report.format == ISO
        if iso and not _blank(values.get("supplementType")):
            report.supplements += 1
            return
        errors_before = report.problem_count
        if iso:
            # the stage first: a draft's reference ("ISO/AWI 12345") need not be one a JIS cites
            stage = self._stage(line, values.get("currentStage"))
            if stage is not None and stage < PUBLISHED_STAGE:
                report.drafts += 1
                return
            if not _blank(values.get("reference")) and not self._readable(values["reference"]):
                report.other_kinds += 1
                return
        reference = self._reference(line, values.get("reference"))
        if reference is not None and reference.amendment:
            report.supplements += 1
            return
        if iso:
            status = "withdrawn" if stage is not None and stage >= WITHDRAWN_STAGE else CURRENT
            published = self._date(line, "publicationDate", values.get("publicationDate"))
            replaced = self._replacements(line, "replacedBy", values.get("replacedBy"))
            edition = self._edition(line, values.get("edition"))
        else:
            status = self._status(line, values.get("status"))
            published = self._date(line, "published_on", values.get("published_on"))
            replaced = self._replacements(line, "replaced_by", values.get("replaced_by"))
            edition = None
        if reference is None or report.problem_count > errors_before:
            return
        year = reference.year or (published.year if published else None)
        if year is None:
            report.error(
                line,
                "reference",
                values.get("reference"),
                _(
                    "no year: write it in the reference (ISO 13482:2014) or give the publication date"
                ),
            )
            return
        name = key(reference if reference.year else reference._replace(year=year))
        if name in self.seen:
            report.error(
                line,
                "reference",
                values.get("reference"),
                _("duplicate: the same edition is on line %(line)d") % {"line": self.seen[name]},
            )
            return
        self.seen[name] = line
        if iso and not _blank(values.get("id")):
            self.ids[str(values["id"]).strip()] = name
        references = [r for r in replaced if not r.isdigit()]
        for item in replaced:
            if item.isdigit():
                self.pending_ids.append((len(report.records), item, line))
        report.records.append(
            EditionRecord(
                line=line,
                reference=name,
                body=reference.body,
                document=reference.document,
                year=year,
                published_on=published,
                status=status,
                edition=edition,
                replaced_by=references[-1] if references else "",
            )
        )

    def resolve_ids(self) -> None:
        """ISO's replacedBy gives deliverable ids: the references of the rows with those ids (a
        draft's id is not there: the newer edition is not published yet)."""
        for index, deliverable, _line in self.pending_ids:
            record = self.report.records[index]
            found = self.ids.get(deliverable)
            if found and not record.replaced_by:
                record.replaced_by = found

    def _reference(self, line: int, value):
        if _blank(value):
            self.report.error(line, "reference", "", _("the reference is required"))
            return None
        text = str(value)
        if fast := _canonical(text):
            return fast
        try:
            return normalise_reference(text)
        except InvalidReference as exc:
            self.report.error(line, "reference", value, str(exc))
            return None

    @staticmethod
    def _readable(value) -> bool:
        text = str(value)
        if _canonical(text):
            return True
        try:
            normalise_reference(text)
        except InvalidReference:
            return False
        return True

    def _stage(self, line: int, value) -> int | None:
        if value.__class__ is int and 0 <= value <= 9999:  # ISO's JSON: 6060
            return value
        text = normalize_width(str(value if value is not None else "")).strip()
        match = _STAGE.match(text)
        if not match:
            self.report.error(
                line,
                "currentStage",
                value,
                _("not a harmonized stage code such as 60.60, 90.93 or 95.99"),
            )
            return None
        return int(match[1] + match[2])

    def _status(self, line: int, value) -> str:
        text = normalize_width(str(value or "")).strip().lower()
        if not text:
            return CURRENT
        if text not in _STATUSES:
            self.report.error(line, "status", value, _("expected current or withdrawn"))
            return CURRENT
        return _STATUSES[text]

    def _date(self, line: int, column: str, value) -> dt.date | None:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if _blank(value):
            return None
        text = str(value).strip()[:40]
        try:
            day = _iso_date(text) or parse_date(text)
        except InvalidDate as exc:
            self.report.error(line, column, value, str(exc))
            return None
        if day > self.today:
            self.report.error(line, column, value, _("a publication date in the future"))
            return None
        return day

    def _edition(self, line: int, value) -> int | None:
        if value.__class__ is int and 0 < value < 1000:
            return value
        if _blank(value):
            return None
        text = normalize_width(str(value)).strip()
        if not text.isdigit() or not 0 < int(text) < 1000:
            self.report.error(line, "edition", value, _("not an edition number such as 2"))
            return None
        return int(text)

    def _replacements(self, line: int, column: str, value) -> list[str]:
        """References (normalised) or ISO deliverable ids, from a cell or a JSON list."""
        if isinstance(value, list):
            if all(v.__class__ is int for v in value):  # ISO's deliverable ids
                return [str(v) for v in value]
            items = [str(v) for v in value]
        elif _blank(value):
            return []
        else:
            items = _LIST_ITEM.findall(str(value))
        found = []
        for item in (i.strip() for i in items):
            if not item:
                continue
            if item.isdigit():
                found.append(item)
                continue
            try:
                reference = normalise_reference(item)
            except InvalidReference as exc:
                self.report.error(line, column, item, str(exc))
                continue
            found.append(key(reference))
        return found


def _canonical(text: str) -> Reference | None:
    """A reference already written as the data writes it ("ISO 13482:2014", "IEC 60947-2:2016"),
    read without the general normaliser: most rows of a large file, at a fraction of the cost."""
    match = _CANONICAL.match(text)
    if match is None or (match[4] and not 1900 <= int(match[4]) <= 2100):
        return None
    year = int(match[4]) if match[4] else None
    return Reference(match[1], match[2], match[3].lstrip("-") or None, year, None)


def _iso_date(text: str) -> dt.date | None:
    """2015-09-15, or ISO's 2015-09-15T00:00:00 (the time is dropped); None for other forms."""
    if _ISO_DAY.match(text):
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            return None
    return None


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []
