"""Reads of follow-ups: who sees and may edit which, and the panel on a standard's page."""

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Exists, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from reviews.common import scope
from reviews.follow_ups.models import FollowUp
from reviews.priority.models import StandardPriority
from standards.forms import DATE_PLACEHOLDER
from standards.models import Alignment, Ministry, Standard


def visible_follow_ups(user):
    """Coordinators see all; ministry viewers those their ministry owns or on standards whose survey
    data they may read."""
    queryset = FollowUp.objects.all()
    if not scope.can_query_survey(user):
        return queryset.none()
    ministry = scope.survey_ministry(user)
    if ministry is None:
        return queryset
    readable = scope.survey_visible_standards(user, Standard.objects.all())
    return queryset.filter(Q(ministry_id=ministry) | Q(standard__in=readable))


def can_edit_follow_up(user, *, standard, ministry) -> bool:
    """Coordinators for any ministry; a ministry viewer only for their own, on a standard in its remit.

    `ministry` is a Ministry or its code. The standard's ministries are read from its prefetch cache
    when the caller has one (the standard page does), so the check adds no query there.
    """
    if not scope.can_query_survey(user):
        return False
    own = scope.survey_ministry(user)
    if own is None:
        return True
    code = getattr(ministry, "pk", ministry)
    return code == own and any(m.pk == own for m in standard.ministries.all())


def is_priority(standard) -> bool:
    return StandardPriority.objects.filter(standard=standard, is_priority=True).exists()


def follow_up_panel(user, standard) -> dict | None:
    """What the panel on a standard's page shows; nothing (and no query) for users without access.

    At most two queries: the visible follow-ups of the standard, and `_ministries_to_add_for`.
    The standard's ministries come from the page's prefetch.
    """
    if not scope.can_query_survey(user):
        return None
    follow_ups = list(visible_follow_ups(user).filter(standard=standard).select_related("ministry"))
    today = timezone.localdate()
    for follow_up in follow_ups:
        follow_up.overdue = follow_up.is_overdue(today)
        follow_up.editable = can_edit_follow_up(
            user, standard=standard, ministry=follow_up.ministry_id
        )
    ministries = _ministries_to_add_for(user, standard)
    priority = bool(ministries) and ministries[0].standard_is_priority
    own = scope.survey_ministry(user)
    return {
        "follow_ups": follow_ups,
        "can_add": priority,
        "not_priority": bool(ministries) and not priority,
        "ministries": ministries if priority else [],
        "default_ministry": own or next((m.pk for m in standard.ministries.all()), None),
        "statuses": FollowUp.Status.choices,
        "date_placeholder": DATE_PLACEHOLDER,
        "create_url": reverse("reviews:follow-up-create"),
        "suggested_action": suggested_action(standard),
    }


# Degrees whose JIS follows the international text, so a newer edition calls for a revision.
FOLLOWING_DEGREES = ("IDT", "MOD")


def suggested_action(standard) -> str:
    """A follow-up to suggest: revising an IDT or MOD standard whose international counterpart has
    a newer edition (the alignment comes with the standard page's select_related, no query)."""
    try:
        alignment = standard.alignment
    except ObjectDoesNotExist:
        return ""
    revised = [
        row
        for row in alignment.counterparts
        if row["status"] == Alignment.REVISED and row["degree"] in FOLLOWING_DEGREES
    ]
    if not revised:
        return ""
    newer = "、".join(f"{row['newer']} ({row['degree']})" for row in revised)
    return _("Revise to follow the newer international edition: %(newer)s") % {"newer": newer}


def _ministries_to_add_for(user, standard) -> list[Ministry]:
    """The ministries the user may add follow-ups for on this standard, in one query, each marked
    with whether the standard is a priority (the same flag on every row); none without a query
    for a ministry viewer outside the standard's remit."""
    own = scope.survey_ministry(user)
    if own is not None and not can_edit_follow_up(user, standard=standard, ministry=own):
        return []
    priority = StandardPriority.objects.filter(standard_id=standard.pk, is_priority=True)
    ministries = Ministry.objects.annotate(standard_is_priority=Exists(priority))
    return list(ministries if own is None else ministries.filter(pk=own))
