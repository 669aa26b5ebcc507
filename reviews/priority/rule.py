"""Which standards a ministry should treat as priorities, and why (plain data in and out).

A standard still in force is a priority when any of these holds; each reason is kept, in words:
fast-tracked; usable in public procurement (with or without conditions) according to its accepted
survey response; already cited in procurement; tagged with a strategic field; recommended for
revision; or its statutory review is overdue or falls due before the end of the next fiscal year.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from standards.dates import fiscal_year

# reason code → the reason in words, in the order they are listed
LABELS = {
    "fast_track": _("Fast-tracked"),
    "usable": _("Usable in public procurement"),
    "usable_with_conditions": _("Usable in procurement with conditions"),
    "cited_in_procurement": _("Already cited in procurement"),
    "strategic_field": _("In a strategic field"),
    "revision_recommended": _("Revision recommended"),
    "review_due_soon": _("Review due by the end of next fiscal year"),
}
REASONS = tuple(LABELS)


def reasons_in_words(reasons) -> list[str]:
    return [str(LABELS.get(code, code)) for code in reasons]


@dataclass(frozen=True)
class Facts:
    active: bool
    fast_track: bool = False
    strategic_fields: tuple[str, ...] = ()
    review_due_on: dt.date | None = None
    usability: str | None = None  # from the accepted response, if any
    cited_in_procurement: bool | None = None
    recommended_action: str = ""


@dataclass(frozen=True)
class Priority:
    reasons: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_priority(self) -> bool:
        return bool(self.reasons)


def priority(facts: Facts, today: dt.date) -> Priority:
    if not facts.active:
        return Priority()
    checks = {
        "fast_track": facts.fast_track,
        "usable": facts.usability == "usable",
        "usable_with_conditions": facts.usability == "with_conditions",
        "cited_in_procurement": facts.cited_in_procurement is True,
        "strategic_field": bool(facts.strategic_fields),
        "revision_recommended": facts.recommended_action == "revise",
        "review_due_soon": facts.review_due_on is not None
        and fiscal_year(facts.review_due_on) <= fiscal_year(today) + 1,
    }
    return Priority(tuple(reason for reason in REASONS if checks[reason]))
