"""JIS numbers: the one place that parses, validates and formats them (no ORM).

Besides standards (JIS), the catalog holds technical specifications (TS) and technical reports
(TR), numbered the same way ("TS A 0006:2004", "TR Z 0001"), and amendments (追補) of an edition
("JIS C 8201-2-1:2011/AMD 1:2018"), which belong to their standard."""

import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

DIVISIONS = "ABCDEFGHKLMPQRSTWXYZ"
KINDS = ("JIS", "TS", "TR")

# Dashes seen in real spreadsheets, all meaning the hyphen of a part number.
_DASHES = dict.fromkeys(map(ord, "‐‑‒–—―−ー－"), "-")

_PATTERN = re.compile(
    r"""
    ^(?:JIS\s*/?)?\s*
    (?:(?P<kind>TS|TR)\s*)?
    (?P<division>[A-Z])\s*
    (?P<base>\d{4,5})
    (?P<parts>(?:\s*-\s*\d{1,3})*)
    (?:\s*:\s*(?P<year>\d{4}))?
    (?:\s*/\s*(?:追補|AMD\.?|AMENDMENT)\s*(?P<amendment>\d{1,2})
       (?:\s*:\s*(?P<amendment_year>\d{4}))?)?
    $""",
    re.VERBOSE,
)


# The forms catalogs write most, read without normalising: "JIS B 8445", "TS A 0006:2004".
_CANONICAL = re.compile(
    r"^(JIS|TS|TR) ([ABCDEFGHKLMPQRSTWXYZ]) (\d{4,5}(?:-\d{1,3})*)(?::(\d{4}))?$"
)


_SPACES = re.compile(r"\s+")


class InvalidJisNumber(ValueError):
    """The text is not a JIS number; the message quotes it."""


@dataclass(frozen=True, slots=True)
class JisNumber:
    division: str
    number: str  # "8445", "0208", "61000-4-2": leading zeros kept
    year: int | None = None  # the edition
    amendment: int | None = None
    amendment_year: int | None = None
    kind: str = "JIS"  # or "TS", "TR"

    @property
    def canonical(self) -> str:
        """The number that identifies the document across editions: "JIS B 8445", "TR Z 0001"."""
        return f"{self.kind} {self.division} {self.number}"

    @property
    def full(self) -> str:
        """The edition as written: "JIS A 5308:2011/追補1", "JIS C 8201-2-1:2011/追補1:2018"."""
        text = self.canonical
        if self.year:
            text += f":{self.year}"
        if self.amendment:
            text += f"/追補{self.amendment}"
            if self.amendment_year:
                text += f":{self.amendment_year}"
        return text

    def __str__(self) -> str:
        return self.full


def normalize_width(text: str) -> str:
    """Full-width letters, digits and punctuation to ASCII; ideographic spaces to spaces."""
    return unicodedata.normalize("NFKC", text)


def parse_jis_number(text: str) -> JisNumber:
    """Parse any common spelling of a JIS number, or raise InvalidJisNumber quoting the input."""
    if isinstance(text, str) and (match := _CANONICAL.match(text)):
        year = int(match[4]) if match[4] else None
        if year is None or 1949 <= year <= 2100:  # else the full path says why not
            return JisNumber(match[2], match[3], year, kind=match[1])
    if not isinstance(text, str) or not text.strip():
        raise InvalidJisNumber(_("「%(text)s」 is not a JIS number: it is empty.") % {"text": text})
    cleaned = normalize_width(text).translate(_DASHES).strip().upper()
    # 追補 is uppercased unchanged; collapse runs of spaces so "JIS  B  8445" is fine.
    cleaned = _SPACES.sub(" ", cleaned)
    match = _PATTERN.match(cleaned)
    if not match:
        raise InvalidJisNumber(
            _(
                "「%(text)s」 is not a JIS number; expected a form such as "
                "JIS B 8445, JIS B 8445:2016, JIS C 61000-4-2 or JIS A 5308:2011/追補1."
            )
            % {"text": text}
        )
    division = match["division"]
    if division not in DIVISIONS:
        raise InvalidJisNumber(
            _(
                "「%(text)s」 has division %(division)s, which does not exist; divisions are %(all)s."
            )
            % {"text": text, "division": division, "all": ", ".join(DIVISIONS)}
        )
    parts = _SPACES.sub("", match["parts"] or "")
    year = int(match["year"]) if match["year"] else None
    if year is not None and not 1949 <= year <= 2100:
        raise InvalidJisNumber(
            _("「%(text)s」 has year %(year)d; JIS years start in 1949.")
            % {"text": text, "year": year}
        )
    amendment = int(match["amendment"]) if match["amendment"] else None
    if amendment == 0:
        raise InvalidJisNumber(
            _("「%(text)s」 has amendment 0; amendments are numbered from 1.") % {"text": text}
        )
    amendment_year = int(match["amendment_year"]) if match["amendment_year"] else None
    if amendment_year is not None and not (year or 1949) <= amendment_year <= 2100:
        raise InvalidJisNumber(
            _("「%(text)s」 has an amendment of %(amended)d, before its edition of %(year)s.")
            % {"text": text, "amended": amendment_year, "year": year or 1949}
        )
    kind = match["kind"] or "JIS"
    return JisNumber(division, match["base"] + parts, year, amendment, amendment_year, kind)


def search_key(text: str) -> str:
    """A form for width-, case- and space-insensitive matching: "ＪＩＳ　Ｂ　８４４５" → "jisb8445"."""
    return "".join(normalize_width(text).translate(_DASHES).casefold().split())
