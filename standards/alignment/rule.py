"""How a cited international edition stands against the international data (plain data, no ORM).

A counterpart is **aligned** when the edition the JIS cites is the current one, **revised** when
a newer edition exists (the newest current one, or where the replacements lead), **withdrawn**
when it was withdrawn with no replacement, **unknown** when the document is not in the data. A
reference without a year is taken to cite the edition in force when the JIS edition was made.
A standard's overall status is its most pressing counterpart's: revised, then withdrawn, then
unknown; aligned only when every counterpart is aligned.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from standards.international import InvalidReference, Reference, normalise_reference

ALIGNED, REVISED, WITHDRAWN, UNKNOWN = "aligned", "revised", "withdrawn", "unknown"
CURRENT = "current"
# Most pressing first: the order a standard's counterparts are combined in.
OVERALL_ORDER = (REVISED, WITHDRAWN, UNKNOWN, ALIGNED)
# Replacement chains longer than this are data errors (a loop); the chain is cut there.
MAX_CHAIN = 20


@dataclass(frozen=True)
class Edition:
    """One edition in the international data."""

    reference: str  # "ISO 13482:2014"
    document: str  # "ISO 13482"
    year: int
    status: str  # current / withdrawn
    published_on: dt.date | None = None
    replaced_by: str = ""  # a reference, as stored ("ISO 13482:2025")


@dataclass(frozen=True)
class Verdict:
    status: str
    cited: str  # the edition compared: "ISO 13482:2014"
    newer: str = ""  # the newer edition, when revised
    newer_published_on: dt.date | None = None


def key(reference: Reference) -> str:
    """The edition a reference names, amendments set aside: "IEC 60947-2:2016"."""
    return reference.document + (f":{reference.year}" if reference.year else "")


class Index:
    """The international data by document and by reference."""

    def __init__(self, editions: Iterable[Edition]):
        self.by_document: dict[str, list[Edition]] = {}
        self.by_reference: dict[str, Edition] = {}
        for edition in editions:
            self.by_document.setdefault(edition.document, []).append(edition)
            self.by_reference[edition.reference] = edition
        for found in self.by_document.values():
            found.sort(key=lambda e: (e.year, e.published_on or dt.date.min))


def counterpart(designation: str, index: Index, *, jis_year: int | None) -> Verdict:
    """The verdict on one correspondence ("ISO 13482:2014", "IEC 60947-2:2016/AMD 1:2017")."""
    try:
        cited = normalise_reference(designation)
    except InvalidReference:
        return Verdict(UNKNOWN, designation)
    editions = index.by_document.get(cited.document)
    year = cited.year or jis_year
    if not editions or year is None:
        return Verdict(UNKNOWN, key(cited))
    base = next((e for e in reversed(editions) if e.year <= year), None)
    shown = base.reference if base and cited.year is None else key(cited)
    newest = next((e for e in reversed(editions) if e.status == CURRENT), None)
    if newest is not None and newest.year > year:
        return Verdict(REVISED, shown, newest.reference, newest.published_on)
    start = base or editions[-1]
    if start.status == CURRENT:
        return Verdict(ALIGNED, shown)
    return _replacement(start, index, shown, year)


def _replacement(edition: Edition, index: Index, shown: str, year: int) -> Verdict:
    """Follow `replaced_by` from a withdrawn edition to a current one, or to a reference the data
    does not have: newer, unless it is the cited edition itself (or older)."""
    for _step in range(MAX_CHAIN):
        if not edition.replaced_by:
            return Verdict(WITHDRAWN, shown)
        following = index.by_reference.get(edition.replaced_by)
        if following is None:
            if _year(edition.replaced_by) <= year:
                return Verdict(ALIGNED, shown)
            return Verdict(REVISED, shown, edition.replaced_by)
        if following.status == CURRENT:
            return Verdict(REVISED, shown, following.reference, following.published_on)
        edition = following
    return Verdict(WITHDRAWN, shown)


def _year(reference: str) -> int:
    """A replacement's year; one without (another document, undated) counts as newer."""
    try:
        return normalise_reference(reference).year or 9999
    except InvalidReference:
        return 9999


def overall(verdicts: Iterable[Verdict]) -> Verdict | None:
    """The standard's status: its most pressing counterpart's verdict (None without any)."""
    found = list(verdicts)
    if not found:
        return None
    return min(found, key=lambda v: OVERALL_ORDER.index(v.status))


def newer_edition_text(reference: str, published_on: dt.date | None) -> str:
    """ "ISO 13482:2025 (2025-03-01)": a newer edition and its date, as lists and exports write it
    ("" without one)."""
    if not reference:
        return ""
    return f"{reference} ({published_on.isoformat()})" if published_on else reference


def prefilled_answer(status: str | None) -> str:
    """The questionnaire's "has the international standard been revised?" answer this status gives:
    yes when revised, no when aligned, n.a. without a counterpart; none when withdrawn or unknown
    (the reviewer knows better than the data)."""
    return {REVISED: "yes", ALIGNED: "no", None: "not_applicable"}.get(status, "")


def as_rows(verdicts: Mapping[str, tuple[str, Verdict]]) -> list[dict]:
    """Per counterpart, as stored (JSON): designation → (degree, verdict)."""
    return [
        {
            "designation": designation,
            "degree": degree,
            "status": verdict.status,
            "cited": verdict.cited,
            "newer": verdict.newer,
            "newer_published_on": verdict.newer_published_on.isoformat()
            if verdict.newer_published_on
            else None,
        }
        for designation, (degree, verdict) in verdicts.items()
    ]
