"""JIS citations in specification text (pure: no ORM). find_citations() reads a document's chunks in
order and yields each JIS it cites — number, cited edition, place and sentence; citation_status()
judges one against the catalog's record of that number."""

import enum
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from standards.documents import Chunk, Location
from standards.numbers import InvalidJisNumber, parse_jis_number

# --- how citations are written -------------------------------------------------------------------
# Full-width forms are matched as written (not normalised first), so the text and the sentence
# quoted back are the document's own. A line break may fall between any two parts of a citation,
# inside "JIS", and inside the first four digits of the number (after four, the next line's digits
# are something else: "JIS A 5308\n2024年" is not JIS A 53082).
_SPACE = "[ \u00a0\u3000]"
_BREAK = rf"(?:{_SPACE}*\r?\n{_SPACE}*)"
_GAP = rf"(?:{_SPACE}*(?:\r?\n{_SPACE}*)?)"
_LETTER = "A-Za-zＡ-Ｚａ-ｚ"
_DIGIT = "[0-9０-９]"
_KANJI_DIGIT = "[〇一二三四五六七八九]"  # laws and notices write 日本産業規格Ａ五三〇八
_DASH = "[-‐‑‒–—―−ー－]"
_JIS = rf"[JＪ]{_BREAK}?[IＩ]{_BREAK}?[SＳ]"
# After 日本産業規格 the number follows on the same line: a heading "日本産業規格（JIS）" is followed
# by the rows of its list, not by a number of its own.
_PREFIX = (
    rf"(?:{_JIS}(?:{_GAP}規格)?{_GAP}"
    rf"|日本(?:産業|工業)規格(?:{_SPACE}*[（(]{_SPACE}*{_JIS}{_SPACE}*[）)])?{_SPACE}*)"
)
_NUMBER = (
    rf"(?P<division>[A-ZＡ-Ｚ])(?![{_LETTER}]){_GAP}(?:{_DASH}{_GAP})?"
    rf"(?P<base>{_DIGIT}(?:{_BREAK}?{_DIGIT}){{3}}{_DIGIT}?(?!{_DIGIT})"
    rf"|{_KANJI_DIGIT}{{4,5}}(?!{_KANJI_DIGIT}))"
    rf"(?P<parts>(?:{_GAP}{_DASH}{_GAP}{_DIGIT}{{1,3}}(?!{_DIGIT}))*)"
    # the edition: ":2020", or in older documents "-1997"
    rf"(?:{_GAP}[:：]{_GAP}(?P<year>{_DIGIT}(?:{_BREAK}?{_DIGIT}){{3}})(?!{_DIGIT})"
    rf"|{_DASH}(?P<old_year>(?:19|20|１９|２０){_DIGIT}{{2}})(?!{_DIGIT}))?"
    rf"(?:{_GAP}[/／]{_GAP}(?:追補|AMD\.?|Amd\.?|AMENDMENT|Amendment){_SPACE}*{_DIGIT}{{1,2}})?"
)
# "JIS TS Z 0030": technical specifications and reports, cited with JIS before them.
_KIND = rf"(?:(?P<kind>T[SR]|Ｔ[ＳＲ]){_SPACE}*)?"
_CITED = re.compile(rf"(?<![{_LETTER}]){_PREFIX}{_KIND}(?:{_DASH}{_GAP})?{_NUMBER}")
# In a list of applied standards under a JIS heading or column, rows give the number alone, at
# the start of a line or cell (after a bullet or item number), or after a wide gap.
_BULLET = r"(?:[・･●○◆◇■□▪*※－-]|[(（]?[0-9０-９]{1,3}[.．)）])?"
_BARE = re.compile(
    rf"(?:^|(?<=\t)|(?<=\u3000)|(?<=  )){_SPACE}*{_BULLET}{_SPACE}*{_NUMBER}", re.MULTILINE
)
# "JIS A 5371、A 5372 又は A 5373": numbers that go on from a citation, a title in brackets between.
_ANOTHER = re.compile(
    rf"{_GAP}(?:[（(][^（()）\n]{{0,80}}[）)]{_GAP})?"
    rf"(?:、|，|,|・|及び|および|又は|または|若しくは|もしくは|並びに|ならびに|と|or|and){_GAP}"
    rf"{_NUMBER}"
)

# --- lists of applied standards ------------------------------------------------------------------
_NAMES_JIS = re.compile(rf"日本(?:産業|工業)規格|(?<![{_LETTER}])[JＪ][IＩ][SＳ](?![{_LETTER}])")
_ONLY_JIS = re.compile(r"^\s*(?:JIS|ＪＩＳ|日本(?:産業|工業)規格)(?:規格)?\s*$")
# A heading with one of these and no JIS starts a list of something else (JAS, JASS, JEC, ISO,
# other codes and rules), which ends a list of JIS.
_OTHER_FAMILY = re.compile(
    r"JAS|ＪＡＳ|JEC|JEM|JEAC|JGS|ISO|ＩＳＯ|IEC|SHASE|JWWA|JSWAS|JCS|"
    r"規格|基準|規程|指針|告示|学会|協会|工業会"
)
_HEADING = re.compile(
    r"^[ \u3000]*(?:"
    r"第?[0-9０-９一二三四五六七八九十]+(?P<unit>[編章節])"
    r"|(?P<dotted>[0-9０-９]{1,2}(?:[.．\-－][0-9０-９]{1,2})*)(?:[.．、]|[ \u3000])"
    r"|(?P<paren>[(（][0-9０-９]{1,2}[)）])"
    r"|(?P<circled>[①-⑳])"
    r"|(?P<kana>[(（]?[ア-ン][.．)）])"
    r"|(?P<mark>[■□●○◆◇【])"
    r")[ \u3000]*"
)
_UNIT_RANK = {"編": 0, "章": 1, "節": 2}
# A heading is short and not a sentence; longer lines or lines with these are body text.
_HEADING_MAX = 30
_SENTENCE = re.compile("[。、，]")


@dataclass(frozen=True, slots=True)
class Citation:
    text: str  # as written, line breaks taken out
    number: str  # canonical: "JIS A 5308"
    edition_year: int | None
    location: Location | None
    context: str  # the sentence, list row or table row it was found in


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    """What the catalog says of one number; edition_year is that of its current edition."""

    number: str
    active: bool
    edition_year: int | None


class CitationStatus(enum.StrEnum):
    CURRENT = "current"
    SUPERSEDED = "superseded"
    WITHDRAWN = "withdrawn"
    UNKNOWN = "unknown"


def citation_status(citation: Citation, entry: CatalogEntry | None) -> CitationStatus:
    """Unknown: no such number. Withdrawn. Superseded: the cited edition is older than the current
    one. Current otherwise — also when no edition is cited, or when the cited one is newer than
    the catalog knows (the catalog is behind, the citation is not wrong)."""
    if entry is None:
        return CitationStatus.UNKNOWN
    if not entry.active:
        return CitationStatus.WITHDRAWN
    cited, current = citation.edition_year, entry.edition_year
    if cited is not None and current is not None and cited < current:
        return CitationStatus.SUPERSEDED
    return CitationStatus.CURRENT


def find_citations(chunks: Iterable[Chunk]) -> Iterator[Citation]:
    """Every citation in the chunks, in order; the same number cited twice is two citations."""
    lists = _ListContext()
    for chunk in chunks:
        lists.enter(chunk)
        yield from _chunk_citations(chunk, lists)


def find_in_text(text: str) -> list[Citation]:
    """The citations in one piece of running text (no location)."""
    return list(find_citations([Chunk(Location(), text)]))


# --- one chunk -----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Found:
    start: int
    end: int
    match: re.Match
    in_list: bool


def _chunk_citations(chunk: Chunk, lists: "_ListContext") -> Iterator[Citation]:
    text = chunk.text
    found: list[_Found] = []
    for match in _CITED.finditer(text):
        found.append(_Found(match.start(), match.end(), match, False))
    found += _listed(chunk, lists, taken=found)
    found += _following(text, found)
    found.sort(key=lambda item: item.start)
    for item in found:
        citation = _citation(chunk, item)
        if citation is not None:
            yield citation


def _overlaps(start: int, end: int, taken: list[_Found]) -> bool:
    return any(start < item.end and item.start < end for item in taken)


def _listed(chunk: Chunk, lists: "_ListContext", taken: list[_Found]) -> list[_Found]:
    """Bare numbers in the lines (or cells) that a JIS heading or column puts in a list."""
    found: list[_Found] = []
    offset = 0
    for line in chunk.text.split("\n"):
        if chunk.table is not None:
            columns = lists.row(chunk.table, line)
            segments = _cells(line, offset)
        else:
            columns = {0} if lists.line(line) else set()
            segments = [(0, offset, offset + len(line))]
        for column, start, end in segments:
            if column not in columns and not lists.active_all:
                continue
            for match in _BARE.finditer(chunk.text, start, end):
                begin = match.start("division")
                if not _overlaps(begin, match.end(), taken + found):
                    found.append(_Found(begin, match.end(), match, True))
        offset += len(line) + 1
    return found


def _cells(line: str, offset: int) -> list[tuple[int, int, int]]:
    cells, start = [], offset
    for column, cell in enumerate(line.split("\t")):
        cells.append((column, start, start + len(cell)))
        start += len(cell) + 1
    return cells


def _following(text: str, found: list[_Found]) -> list[_Found]:
    """Numbers that carry on from a citation: "JIS A 5371、A 5372 又は A 5373"."""
    more: list[_Found] = []
    for item in found:
        end = item.end
        while match := _ANOTHER.match(text, end):
            begin = match.start("division")
            if _overlaps(begin, match.end(), found + more):
                break
            more.append(_Found(begin, match.end(), match, item.in_list))
            end = match.end()
    return more


def _citation(chunk: Chunk, item: _Found) -> Citation | None:
    match = item.match
    number = _canonical(match)
    if number is None:
        return None
    text = chunk.text
    location = chunk.location.lines_down(text.count("\n", 0, item.start))
    return Citation(
        text=_joined(text[item.start : item.end]),
        number=number,
        edition_year=_year(match["year"] or match["old_year"]),
        location=location,
        context=_context(chunk, item),
    )


_TO_ASCII_DIGITS = str.maketrans("〇一二三四五六七八九", "0123456789")


def _digits(text: str) -> str:
    return unicodedata.normalize("NFKC", re.sub(r"\s", "", text)).translate(_TO_ASCII_DIGITS)


def _canonical(match: re.Match) -> str | None:
    parts = "".join(f"-{part}" for part in re.findall(r"[0-9０-９]+", match["parts"] or ""))
    kind = unicodedata.normalize("NFKC", match.groupdict().get("kind") or "")
    division = unicodedata.normalize("NFKC", match["division"])
    written = f"JIS {kind} {division} {_digits(match['base'])}"
    try:
        return parse_jis_number(written + _digits(parts)).canonical
    except InvalidJisNumber:  # a division letter that does not exist: not a JIS number
        return None


def _year(text: str | None) -> int | None:
    if not text:
        return None
    year = int(_digits(text))
    return year if 1949 <= year <= 2100 else None


def _joined(text: str) -> str:
    """Text across line breaks: a break between words leaves one space, one inside a word none."""
    text = re.sub(r"[ \u00a0\u3000]+\r?\n[ \u00a0\u3000]*|\r?\n[ \u00a0\u3000]+", " ", text)
    return text.replace("\r\n", "").replace("\n", "")


def _joined_sentence(text: str) -> str:
    """A sentence on one line, its line breaks taken out as in _joined."""
    return re.sub(r"[ \t]+", " ", _joined(text)).strip()


_CONTEXT_REACH = 100
_BOUNDARY = re.compile(r"[。！？!?]|\t|\n")


def _context(chunk: Chunk, item: _Found) -> str:
    text = chunk.text
    if chunk.table is not None or item.in_list:
        # a table row, or a row of a list of applied standards: the row is the context
        start = text.rfind("\n", 0, item.start) + 1
        end = text.find("\n", item.end)
        row = text[start : end if end >= 0 else len(text)]
        cells = [_joined_sentence(cell) for cell in row.split("\t")]
        return " | ".join(cell for cell in cells if cell)
    low = max(0, item.start - _CONTEXT_REACH)
    high = min(len(text), item.end + _CONTEXT_REACH)
    starts = [m.end() for m in _BOUNDARY.finditer(text, low, item.start) if _ends(text, m)]
    ends = (m.end() for m in _BOUNDARY.finditer(text, item.end, high) if _ends(text, m))
    start = starts[-1] if starts else low
    end = next(ends, high)
    sentence = _joined_sentence(text[start:end])
    return (
        ("…" if start > 0 and not starts else "")
        + sentence
        + ("…" if end == high < len(text) else "")
    )


def _ends(text: str, boundary: re.Match) -> bool:
    """Whether a boundary ends a sentence. A line break does after a heading, before a numbered
    line and before a blank line; elsewhere it is a line wrapped inside the sentence."""
    if boundary.group() != "\n":
        return True
    line = text[text.rfind("\n", 0, boundary.start()) + 1 : boundary.start()]
    next_end = text.find("\n", boundary.end())
    next_line = text[boundary.end() : next_end if next_end >= 0 else len(text)]
    return (
        not next_line.strip()
        or bool(_HEADING.match(next_line))
        or (bool(_HEADING.match(line)) and not _SENTENCE.search(line))
    )


# --- which lines are lists of JIS ----------------------------------------------------------------


@dataclass(slots=True)
class _ListContext:
    """Whether the line being read is in a list of JIS: a heading naming 日本産業規格 (JIS) turns it
    on until a heading of the same or a higher level, or one naming another family of standards
    (JAS, JASS, ISO …); a table column headed JIS is a list for the rest of that table; a row with
    a cell that says only "JIS" lists its numbers. A new section (XLSX sheet) starts afresh."""

    active_all: bool = False  # a JIS heading is in force
    rank: int | None = None  # that heading's level (None: it had no numbering)
    section: str = ""
    columns: dict[str, set[int]] = field(default_factory=dict)

    def enter(self, chunk: Chunk) -> None:
        if chunk.section != self.section:
            self.section, self.active_all, self.rank, self.columns = chunk.section, False, None, {}

    def line(self, line: str) -> bool:
        """Read a line of running text; is it in a list?"""
        self._heading(line)
        return self.active_all

    def row(self, table: str, row: str) -> set[int]:
        """Read a table row; the columns that list JIS (all of them while a heading is in force)."""
        cells = row.split("\t")
        filled = [cell for cell in cells if cell.strip()]
        if len(filled) == 1:
            self._heading(filled[0])
        elif not _has_number(row):
            named = {i for i, cell in enumerate(cells) if _names_jis(cell, _HEADING_MAX // 2)}
            if named:
                self.columns[table] = named
        if any(_ONLY_JIS.match(cell) for cell in cells):
            return set(range(len(cells)))
        return self.columns.get(table, set())

    def _heading(self, line: str) -> None:
        numbering = _HEADING.match(line)
        title = line[numbering.end() :] if numbering else line
        if len(title.strip()) > _HEADING_MAX or _SENTENCE.search(title) or _has_number(line):
            return
        rank = _rank(numbering)
        if _names_jis(title, _HEADING_MAX):
            self.active_all, self.rank = True, rank
        elif self.active_all and (
            _OTHER_FAMILY.search(title) or (rank is not None and rank <= self._closing_rank())
        ):
            self.active_all, self.rank = False, None

    def _closing_rank(self) -> int:
        # an unnumbered JIS heading ends at any numbered heading above item level ("(1)", "①", "ア")
        return self.rank if self.rank is not None else 5


def _names_jis(text: str, longest: int) -> bool:
    return bool(_NAMES_JIS.search(text)) and len(text.strip()) <= longest


def _has_number(line: str) -> bool:
    return bool(_CITED.search(line) or _BARE.search(line))


def _rank(numbering: re.Match | None) -> int | None:
    """Outline level of a heading's numbering: 編 0, 章 1, 節 2, "1." 3, "1.1" 4, 【】■ 6, "(1)" 7,
    "①" 8, "ア" 9."""
    if numbering is None:
        return None
    if numbering["unit"]:
        return _UNIT_RANK[numbering["unit"]]
    if numbering["dotted"]:
        return 3 + len(re.findall("[.．\\-－]", numbering["dotted"]))
    if numbering["mark"]:
        return 6
    if numbering["paren"]:
        return 7
    return 8 if numbering["circled"] else 9
