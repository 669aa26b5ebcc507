"""Answers the system can give itself, with their evidence: "has the international standard been
revised?" from the standard's international alignment (standards.alignment). The questionnaire is
pre-filled with them; the reviewer's answer may differ, and both are kept (ComputedAnswer)."""

from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from django.utils.translation import gettext as _

from reviews.survey.models import Assignment, ComputedAnswer
from standards.alignment import rule

QUESTION = "international_revised"


@dataclass(frozen=True)
class Prefill:
    value: str  # the computed answer, "" when the data cannot say
    evidence: str


def prefills(assignment: Assignment) -> dict[str, Prefill]:
    """Question key → the computed answer, for the questions this assignment's questionnaire has."""
    keys = {q["key"] for q in assignment.questionnaire.definition["questions"]}
    if QUESTION not in keys:
        return {}
    return {QUESTION: international_revised(assignment.standard)}


def international_revised(standard) -> Prefill:
    """From the standard's stored alignment (no query when it came with select_related)."""
    try:
        alignment = standard.alignment
    except ObjectDoesNotExist:
        alignment = None
    if alignment is None:
        return Prefill(
            rule.prefilled_answer(None),
            _("The catalog records no corresponding international standard."),
        )
    lines = [_counterpart_line(row) for row in alignment.counterparts]
    computed = timezone.localtime(alignment.computed_at).strftime("%Y-%m-%d")
    lines.append(_("(international data, computed %(day)s)") % {"day": computed})
    return Prefill(rule.prefilled_answer(alignment.status), " ".join(lines))


def _counterpart_line(row: dict) -> str:
    status, cited = row["status"], row["cited"]
    if status == rule.REVISED:
        if row.get("newer_published_on"):
            return _("%(cited)s: newer edition %(newer)s, published %(day)s.") % {
                "cited": cited,
                "newer": row["newer"],
                "day": row["newer_published_on"],
            }
        return _("%(cited)s: newer edition %(newer)s.") % {"cited": cited, "newer": row["newer"]}
    if status == rule.ALIGNED:
        return _("%(cited)s is the current edition.") % {"cited": cited}
    if status == rule.WITHDRAWN:
        return _("%(cited)s was withdrawn with no replacement.") % {"cited": cited}
    return _("%(cited)s is not in the international data.") % {"cited": cited}


def computed_answers_keep(*, assignment: Assignment) -> None:
    """Store what the questionnaire was pre-filled with, beside the answers just saved (called in
    the transaction that saves them)."""
    now = timezone.now()
    rows = [
        ComputedAnswer(
            assignment=assignment,
            question=question,
            value=prefill.value,
            evidence=prefill.evidence,
            computed_at=now,
        )
        for question, prefill in prefills(assignment).items()
    ]
    if rows:
        # one INSERT … ON CONFLICT DO UPDATE: a row per question, replaced on each save
        ComputedAnswer.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=("assignment", "question"),
            update_fields=("value", "evidence", "computed_at"),
        )
