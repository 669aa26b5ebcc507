"""The ministry screens' export: every catalog column, then the survey's (labels in the active language)."""

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from django.utils.translation import gettext as _

from reviews import priority
from reviews.models import Usability
from reviews.survey_filters import action_choices
from standards import exports


def related(standard, name: str):
    """A reverse one-to-one (priority, outcome) or None when the standard has none yet."""
    try:
        return getattr(standard, name)
    except ObjectDoesNotExist:
        return None


def survey_columns() -> list[tuple[str, callable]]:
    usability = {k: str(v) for k, v in Usability.choices}
    actions = dict(action_choices())

    def outcome(name, labels=None):
        def value(standard):
            found = related(standard, "outcome")
            raw = getattr(found, name) if found else None
            return labels.get(raw, raw) if labels and raw else raw

        return value

    def verdict(standard):
        return related(standard, "priority")

    def accepted(standard):
        found = related(standard, "outcome")
        return timezone.localtime(found.accepted_at).date() if found else None

    return [
        (
            _("Priority standard"),
            lambda s: exports.yes_no(bool(verdict(s) and verdict(s).is_priority)),
        ),
        (
            _("Priority reasons"),
            lambda s: "、".join(
                priority.reasons_in_words(verdict(s).reasons if verdict(s) else [])
            ),
        ),
        (_("Survey fiscal year"), lambda s: s.survey_fy),
        (_("Usable in procurement (survey)"), outcome("usability", usability)),
        (
            _("Cited in procurement today (survey)"),
            lambda s: exports.yes_no(outcome("cited_in_procurement")(s)),
        ),
        (_("Recommended action (survey)"), outcome("recommended_action", actions)),
        (_("Survey accepted on"), accepted),
        (_("Open follow-up actions"), lambda s: s.open_follow_ups),
    ]


def survey_table(queryset):
    queryset = queryset.select_related("drafting_body").prefetch_related("correspondences")
    return exports.table(queryset, exports.catalog_columns() + survey_columns())
