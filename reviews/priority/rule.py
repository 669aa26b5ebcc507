"""Which standards a ministry should treat as priorities, why, and how strongly (plain data in and
out).

A standard still in force is a priority when any of these holds; each reason is kept, in words:
fast-tracked; usable in public procurement (with or without conditions) according to its accepted
survey response; cited in procurement specifications a ministry uploaded (with the number of
documents); already cited in procurement according to the survey; tagged with a strategic field;
recommended for revision; a corresponding international standard revised since (standards.alignment); or its
statutory review is overdue or falls due before the end of the next fiscal year.
The list is a ranking: evidence from procurement outranks the calendar (see STRENGTH_ORDER).
"""

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from standards.dates import fiscal_year

# reason code → the reason in words, in the order they are listed
LABELS = {
    "cited_in_specifications": _("Cited in procurement specifications"),
    "fast_track": _("Fast-tracked"),
    "usable": _("Usable in public procurement"),
    "usable_with_conditions": _("Usable in procurement with conditions"),
    "cited_in_procurement": _("Already cited in procurement"),
    "strategic_field": _("In a strategic field"),
    "revision_recommended": _("Revision recommended"),
    "international_revised": _("International counterpart revised"),
    "review_due_soon": _("Review due by the end of next fiscal year"),
}
REASONS = tuple(LABELS)

# The reasons, strongest first. Procurement's own evidence comes first (a citation in a
# specification today, then the survey's verdict that the standard could be used), then the
# ministry's and the catalog's judgements, and the calendar last: most priorities qualify only
# because their five-year review falls due, which says nothing about procurement.
STRENGTH_ORDER = (
    "cited_in_specifications",
    "cited_in_procurement",
    "usable",
    "usable_with_conditions",
    "fast_track",
    "revision_recommended",
    "international_revised",
    "strategic_field",
    "review_due_soon",
)


def strength(reasons) -> int:
    """A rank to sort by, highest first: one standard outranks another when its strongest reason is
    stronger, the next strongest breaking a tie, and so on. Each reason is a bit, the strongest the
    highest, so the comparison is one of integers (stored, and ordered by in SQL). 0: no reason."""
    last = len(STRENGTH_ORDER) - 1
    return sum(1 << (last - STRENGTH_ORDER.index(code)) for code in set(reasons) & set(REASONS))


# The strength of a standard that is a priority only because its review falls due.
DUE_SOON_ONLY = strength(("review_due_soon",))


def strongest_first(reasons) -> list[str]:
    """The reason codes, strongest first (codes this module does not know go last, as given)."""
    rank = {code: i for i, code in enumerate(STRENGTH_ORDER)}
    return sorted(reasons, key=lambda code: rank.get(code, len(rank)))


def reasons_in_words(reasons, *, cited_documents: int = 0, newer_edition: str = "") -> list[str]:
    """The reasons in words, strongest first; "cited in procurement specifications" with the
    number of documents citing the standard; "international counterpart revised" with the newer
    edition ("ISO 13482:2025 (2025-03-01)", standards.alignment)."""
    return [
        reason_in_words(code, cited_documents=cited_documents, newer_edition=newer_edition)
        for code in strongest_first(reasons)
    ]


def reason_in_words(code: str, *, cited_documents: int = 0, newer_edition: str = "") -> str:
    if code == "cited_in_specifications" and cited_documents:
        return ngettext(
            "Cited in procurement specifications (%(count)d document)",
            "Cited in procurement specifications (%(count)d documents)",
            cited_documents,
        ) % {"count": cited_documents}
    if code == "international_revised" and newer_edition:
        return _("International counterpart revised: %(newer)s") % {"newer": newer_edition}
    return str(LABELS.get(code, code))


@dataclass(frozen=True)
class Facts:
    active: bool
    fast_track: bool = False
    strategic_fields: tuple[str, ...] = ()
    review_due_on: dt.date | None = None
    usability: str | None = None  # from the accepted response, if any
    cited_in_procurement: bool | None = None
    recommended_action: str = ""
    # specification documents found citing the standard (standards.specifications)
    cited_documents: int = 0
    # standards.alignment: a newer edition of a corresponding international standard exists
    international_revised: bool = False


@dataclass(frozen=True)
class Priority:
    reasons: tuple[str, ...] = field(default_factory=tuple)  # strongest first

    @property
    def is_priority(self) -> bool:
        return bool(self.reasons)

    @property
    def strength(self) -> int:
        return strength(self.reasons)


def priority(facts: Facts, today: dt.date) -> Priority:
    if not facts.active:
        return Priority()
    checks = {
        "cited_in_specifications": facts.cited_documents > 0,
        "fast_track": facts.fast_track,
        "usable": facts.usability == "usable",
        "usable_with_conditions": facts.usability == "with_conditions",
        "cited_in_procurement": facts.cited_in_procurement is True,
        "strategic_field": bool(facts.strategic_fields),
        "revision_recommended": facts.recommended_action == "revise",
        "international_revised": facts.international_revised,
        "review_due_soon": facts.review_due_on is not None
        and fiscal_year(facts.review_due_on) <= fiscal_year(today) + 1,
    }
    return Priority(tuple(reason for reason in STRENGTH_ORDER if checks[reason]))
