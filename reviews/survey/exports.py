"""The ministry screens' export: every catalog column, then the survey's (labels in the active language)."""

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from reviews.priority import rule
from reviews.survey import selectors
from reviews.survey.filters import action_choices
from reviews.survey.models import Usability
from standards import exports
from standards.alignment.rule import newer_edition_text

SURVEY_FIELDS = (
    "priority__is_priority",
    "priority__reasons",
    "priority__cited_documents",
    "survey_fy",
    "outcome__usability",
    "outcome__cited_in_procurement",
    "outcome__recommended_action",
    "outcome__accepted_at",
    "open_follow_ups",
)


def related(standard, name: str):
    """A reverse one-to-one (priority, outcome) or None when the standard has none yet."""
    try:
        return getattr(standard, name)
    except ObjectDoesNotExist:
        return None


def survey_columns() -> list[tuple[str, callable]]:
    """(header, value of a record with SURVEY_FIELDS) for the survey's columns."""
    usability = {k: str(v) for k, v in Usability.choices}
    actions = dict(action_choices(selectors.single_answer_questions()))

    def label(field, labels):
        return lambda r: labels.get(r[field], r[field]) if r[field] else ""

    def accepted(record):
        when = record["outcome__accepted_at"]
        return timezone.localtime(when).date() if when else None

    separator = pgettext("list separator", ", ")  # 、 in Japanese
    return [
        (_("Priority standard"), lambda r: exports.yes_no(bool(r["priority__is_priority"]))),
        (
            _("Priority reasons"),
            lambda r: separator.join(
                rule.reasons_in_words(
                    r["priority__reasons"] or (),
                    cited_documents=r["priority__cited_documents"] or 0,
                    newer_edition=newer_edition_text(
                        r["alignment__newer_reference"], r["alignment__newer_published_on"]
                    ),
                )
            ),
        ),
        (_("Survey fiscal year"), lambda r: r["survey_fy"]),
        (_("Usable in procurement (survey)"), label("outcome__usability", usability)),
        (
            _("Cited in procurement today (survey)"),
            lambda r: exports.yes_no(r["outcome__cited_in_procurement"]),
        ),
        (_("Recommended action (survey)"), label("outcome__recommended_action", actions)),
        (_("Survey accepted on"), accepted),
        (_("Open follow-up actions"), lambda r: r["open_follow_ups"]),
    ]


def survey_table(queryset):
    """`queryset` comes from reviews.priority.selectors.survey_standards (it carries the
    annotations)."""
    records = exports.catalog_records(queryset, exports.CATALOG_FIELDS + SURVEY_FIELDS)
    return exports.table(records, exports.catalog_columns() + survey_columns())
