"""International references as catalogs write them, free text included (no ORM).

`normalise_reference` reads one reference ("ISO/IEC 27001:2022", "IEC 60947-2:2016/Amd 1:2019")
into its parts, the key to match it against an international catalog later; `parse_international`
reads a whole cell: every reference with its degree of correspondence, and every fragment it could
not read, so the importer can warn about them instead of refusing the file.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from typing import NamedTuple

from django.utils.translation import gettext as _

MAX_DESIGNATION = 120  # InternationalCorrespondence.designation
DEGREES = ("IDT", "MOD", "NEQ")

# Who publishes what JIS correspond to; a reference from anyone else is not read as one.
_ORGANISATIONS = (
    "ISO|IEC|IEEE|ASTM|SAE|CIE|OIML|CISPR|ITU-T|ITU-R|IMO|ICAO|UIC|IWA|ISA|CEN|CENELEC|EN|ETSI|ASME"
)
# Kinds of document; GUIDE is written after a space ("ISO/IEC GUIDE 51"), the others after a slash.
_KINDS = "TS|TR|PAS|GUIDE|DIS|FDIS|CD"
_DASHES = dict.fromkeys(map(ord, "‐‑‒–—―−－"), "-")
_REFERENCE = re.compile(
    rf"""
    ^(?P<orgs>(?:{_ORGANISATIONS})(?:\s*/\s*(?:{_ORGANISATIONS}))*)
    (?:\s*[/\s]\s*(?P<kind>{_KINDS}))?\s*
    (?P<number>\d{{1,6}})
    (?P<part>(?:\s*-\s*[A-Z]?\d{{1,4}}[A-Z]?)*)
    (?:\s*:\s*(?P<year>\d{{4}}))?
    (?P<amendments>(?:\s*[/+]?\s*(?:AMD|AMENDMENT|COR|A)\s*\.?\s*\d{{1,2}}(?:\s*:\s*\d{{4}})?)*)
    $""",
    re.VERBOSE,
)
_AMENDMENT = re.compile(r"(AMD|AMENDMENT|COR|A)\s*\.?\s*(\d{1,2})(?:\s*:\s*(\d{4}))?")
_AMENDMENT_ONLY = re.compile(
    r"^[/+]?\s*(?:AMD|AMENDMENT|COR)\s*\.?\s*\d{1,2}(?:\s*:\s*\d{4})?"
    r"(?:\s*[/+]?\s*(?:AMD|AMENDMENT|COR)\s*\.?\s*\d{1,2}(?:\s*:\s*\d{4})?)*$"
)
# "ISO 4032–4036": a run of documents, a dash or wave between two full numbers (after _clean).
_RANGE = re.compile(r"^(?P<prefix>.*?\D)(?P<low>\d{3,6})\s*[-~〜]\s*(?P<high>\d{3,6})$")
_MAX_RANGE = 20

# A cell's items are separated by these, outside brackets.
_SEPARATORS = frozenset(";、,\n")
# Written where there is nothing to say.
_NOTHING = frozenset({"-", "--", "なし", "無", "無し", "該当なし", "NONE", "N/A", "NA"})
# Degrees written in words, most specific first: 同等でない before 同等, NOT EQUIVALENT before
# EQUIVALENT. "Translated without technical change" is how JIS forewords describe IDT.
_DEGREE_WORDS = (
    ("NOT EQUIVALENT", "NEQ"),
    ("NON-EQUIVALENT", "NEQ"),
    ("NONEQUIVALENT", "NEQ"),
    ("同等でない", "NEQ"),
    ("IDENTICAL", "IDT"),
    ("WITHOUT TECHNICAL", "IDT"),
    ("一致", "IDT"),
    ("TECHNICALLY MODIFIED", "MOD"),
    ("MODIFIED", "MOD"),
    ("修正", "MOD"),
)
_DEGREE_CODE = re.compile(r"(?<![A-Z])(IDT|MOD|NEQ)(?![A-Z])")
_OVERALL = re.compile(r"OVERALL|全体|総合")
_EDITION = re.compile(r"ED(?:ITION)?\.?\s*(\d{4})")
_BRACKETED = re.compile(r"\[[^\]]*\]|【[^】]*】")


class Reference(NamedTuple):
    """One international document: ("ISO/IEC", "27001", None, 2022, None)."""

    body: str  # "ISO", "IEC", "ISO/IEC", "ISO/TS", "ISO/IEC TR", "ISO/IEC GUIDE"
    number: str  # "27001"
    part: str | None = None  # "2", "4-2", "N05"
    year: int | None = None
    amendment: str | None = None  # "AMD 1:2017", several joined by "/"

    @property
    def document(self) -> str:
        """The document whatever its edition: "IEC 60947-2"."""
        return f"{self.body} {self.number}" + (f"-{self.part}" if self.part else "")

    @property
    def designation(self) -> str:
        """As stored and shown: "IEC 60947-2:2016/AMD 1:2019"."""
        text = self.document + (f":{self.year}" if self.year else "")
        return text + (f"/{self.amendment}" if self.amendment else "")

    def with_amendment(self, amendment: str) -> "Reference":
        joined = f"{self.amendment}/{amendment}" if self.amendment else amendment
        return self._replace(amendment=joined)


class InvalidReference(ValueError):
    """Not a reference to an international document; the message quotes the text."""


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_DASHES).upper()
    return re.sub(r"\s+", " ", text).strip()


def normalise_reference(text: str) -> Reference:
    """Read "ISO/IEC 27001:2022", "iso 13482", "IEC 60947-2:2016/Amd 1:2017" and the like, or raise
    InvalidReference. Width, case and spacing do not matter; an amendment belongs to its document."""
    match = _REFERENCE.match(_clean(text))
    if not match:
        raise InvalidReference(
            _("「%(text)s」 is not a reference such as ISO 13482:2014 or IEC 60947-2:2016.")
            % {"text": text}
        )
    organisations = re.sub(r"\s*/\s*", "/", match["orgs"])
    kind = match["kind"]
    if kind == "GUIDE" or (kind and "/" in organisations):
        body = f"{organisations} {kind}"  # ISO's own spelling: "ISO/IEC TS", "ISO GUIDE"
    else:
        body = f"{organisations}/{kind}" if kind else organisations
    part = re.sub(r"\s+", "", match["part"]).lstrip("-") or None
    year = int(match["year"]) if match["year"] else None
    if year is not None and not 1900 <= year <= 2100:
        raise InvalidReference(
            _("「%(text)s」 has year %(year)d, which is not a year of publication.")
            % {"text": text, "year": year}
        )
    amendment = _amendments(match["amendments"])
    return Reference(body, match["number"], part, year, amendment)


def _amendments(text: str) -> str | None:
    found = []
    for kind, number, year in _AMENDMENT.findall(text or ""):
        label = "COR" if kind == "COR" else "AMD"
        found.append(f"{label} {int(number)}" + (f":{year}" if year else ""))
    return "/".join(found) or None


# --- a whole cell -----------------------------------------------------------------------------


@dataclass
class International:
    """What a cell says: each reference's designation with its degree ("" when none is given),
    and each fragment that could not be read, with the reason."""

    references: list[tuple[str, str]] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class _Item:
    head: str  # the text outside brackets
    notes: list[str]  # what was in round brackets


# The form most cells already have, read without normalising: "ISO 4068:1978; IEC 60335-1:2010 (MOD)".
_PLAIN_ITEM = (
    r"(?:ISO|IEC|ISO/IEC) \d{1,6}(?:-\d{1,3})*(?::(?:19|20)\d\d)?(?: \((?:IDT|MOD|NEQ)\))?"
)
_PLAIN_CELL = re.compile(rf"^{_PLAIN_ITEM}(?:; {_PLAIN_ITEM})*$")


def _plain(text: str) -> International | None:
    if not _PLAIN_CELL.match(text):
        return None
    result, seen = International(), set()
    for item in text.split("; "):
        designation, _, degree = item.partition(" (")
        if designation in seen:
            return None  # the full reading says what is wrong with it
        seen.add(designation)
        result.references.append((designation, degree[:3]))
    return result


def parse_international(text: str) -> International:
    """Every reference of a free-text cell with its degree: "ISO 630-1:2011; ISO 630-2:2011
    (overall MOD)", "ISO 4715:2018 (同等でない（NEQ）)", "IEC 61347-2-9:2003 (MOD)", several per
    cell separated by ; 、 , or line breaks. Notes in square brackets are dropped; what cannot be
    read is returned as a problem, never raised."""
    if plain := _plain(text or ""):
        return plain
    result = International()
    cleaned = _BRACKETED.sub(" ", unicodedata.normalize("NFKC", text or ""))
    found: list[list] = []  # [Reference, degree] in order
    overall = ""
    for raw in _split_items(cleaned):
        item = _item(raw)
        head = _clean(item.head)
        if head in _NOTHING and not item.notes:
            continue
        degree, is_overall, note_problems = _degree_of(item)
        result.problems += [(raw.strip(), message) for message in note_problems]
        if not head or head in DEGREES:
            # a degree on its own applies to the references that have none
            overall = degree or head or overall
            continue
        if _AMENDMENT_ONLY.match(head) and found:
            found[-1][0] = found[-1][0].with_amendment(_amendments(head))
            found[-1][1] = found[-1][1] or degree
            continue
        references, problem = _references(head, item.notes)
        if problem:
            result.problems.append((raw.strip(), problem))
            continue
        if is_overall:
            overall = degree
            degree = ""
        found += [[reference, degree] for reference in references]
    _collect(result, found, overall)
    return result


def _collect(result: International, found: list[list], overall: str) -> None:
    degrees: dict[str, str] = {}
    for reference, degree in found:
        designation = reference.designation
        degree = degree or overall
        if len(designation) > MAX_DESIGNATION:
            result.problems.append(
                (
                    designation,
                    _("longer than %(limit)d characters") % {"limit": MAX_DESIGNATION},
                )
            )
        elif designation not in degrees:
            degrees[designation] = degree
            result.references.append((designation, degree))
        elif degrees[designation] != degree:
            result.problems.append(
                (
                    designation,
                    _("given twice, with degrees %(first)s and %(second)s; the first is kept")
                    % {"first": degrees[designation] or "—", "second": degree or "—"},
                )
            )


def _split_items(text: str) -> list[str]:
    """Split at separators outside round brackets: "(4th ed. 2007; technically modified)" is one note."""
    items, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        elif char in _SEPARATORS and depth == 0:
            items.append(text[start:index])
            start = index + 1
    items.append(text[start:])
    return [item for item in items if item.strip()]


def _item(text: str) -> _Item:
    """The text outside round brackets and each bracketed note (nested ones stay in their note)."""
    head, notes, depth, note = [], [], 0, []
    for char in text:
        if char == "(":
            if depth:
                note.append(char)
            depth += 1
        elif char == ")" and depth:
            depth -= 1
            if depth:
                note.append(char)
            else:
                notes.append("".join(note).strip())
                note = []
        elif depth:
            note.append(char)
        else:
            head.append(char)
    if note:  # an unclosed bracket: read what is in it all the same
        notes.append("".join(note).strip())
    head_text = "".join(head).strip()
    # a degree after the reference without brackets: "ISO 9001:2015 MOD", "ISO 9001 identical"
    bare = re.match(r"^(.*?\d)\s+(\S.*)$", head_text)
    if bare and not _AMENDMENT_ONLY.match(_clean(bare[2])) and _degree_words(_clean(bare[2])):
        head_text, notes = bare[1], [bare[2], *notes]
    return _Item(head_text, notes)


def _degree_words(note: str) -> set[str]:
    codes = set(_DEGREE_CODE.findall(note))
    if codes:
        return codes
    for phrase, degree in _DEGREE_WORDS:
        if phrase in note:
            return {degree}
    return set()


def _degree_of(item: _Item) -> tuple[str, bool, list[str]]:
    """(degree, whether it is said to be overall, problems) from the item's notes."""
    degrees, overall, problems = set(), False, []
    for note in item.notes:
        upper = _clean(note)
        found = _degree_words(upper)
        if found:
            degrees |= found
            overall = overall or bool(_OVERALL.search(upper))
        elif not _EDITION.search(upper):
            problems.append(
                _("the note 「%(note)s」 states no degree of correspondence (IDT, MOD or NEQ)")
                % {"note": note}
            )
    if len(degrees) > 1:
        problems.append(
            _("several degrees (%(degrees)s) for one reference; none is kept")
            % {"degrees": ", ".join(sorted(degrees))}
        )
        return "", False, problems
    return (degrees.pop() if degrees else ""), overall, problems


def _references(head: str, notes: list[str]) -> tuple[list[Reference], str]:
    """The reference (or run of references) of an item's head, or the reason it cannot be read."""
    span = _RANGE.match(head)
    if span and _is_range(span):
        prefix = span["prefix"].strip()
        low, high = int(span["low"]), int(span["high"])
        try:
            return [normalise_reference(f"{prefix} {n}") for n in range(low, high + 1)], ""
        except InvalidReference as exc:
            return [], str(exc)
    try:
        reference = normalise_reference(head)
    except InvalidReference:
        return [], _("not a reference such as ISO 13482:2014 (IDT) or IEC 60947-2:2016 (MOD)")
    if reference.year is None:
        edition = next((m for n in notes if (m := _EDITION.search(_clean(n)))), None)
        if edition:
            reference = reference._replace(year=int(edition[1]))
    return [reference], ""


def _is_range(span: re.Match) -> bool:
    low, high = span["low"], span["high"]
    return len(low) == len(high) and 0 < int(high) - int(low) <= _MAX_RANGE
