"""Reads for the priority screen and API."""

from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce

from reviews.common import scope
from reviews.follow_ups.models import OPEN_STATUSES, FollowUp
from reviews.plan.models import PlanEntry
from standards.filters import ORDERING_FIELDS
from standards.models import Standard

# The ranking (reviews.priority.rule.strength), strongest first, then by number: the ministry
# screen, its exports and /api/priorities/ list in this order unless asked for another. Standards
# the rule has not judged yet (no verdict row) come after every judged one. Ordered by the stored
# column itself, the top of the priority list is read from its index (standard_priority_rank)
# instead of sorting every standard in the remit.
RANKED = (F("priority__strength").desc(nulls_last=True), "number")
ORDERING = (*ORDERING_FIELDS, "strength")


def survey_standards(user):
    """Standards whose survey results the user may read, with their verdict, outcome, rank
    (`strength`, 0 for a standard without a verdict) and the counts the ministry screens show (plan
    year of the survey, open follow-up actions)."""
    open_follow_ups = (
        FollowUp.objects.filter(standard=OuterRef("pk"), status__in=OPEN_STATUSES)
        .order_by()
        .values("standard")
        .annotate(n=Count("id"))
        .values("n")
    )
    survey_fy = (
        PlanEntry.objects.filter(standard=OuterRef("pk"))
        .order_by("-programme__start_fy")
        .values("fiscal_year")[:1]
    )
    queryset = (
        Standard.objects.select_related("priority", "outcome", "alignment")
        .prefetch_related("ministries")
        .annotate(
            open_follow_ups=Coalesce(Subquery(open_follow_ups), 0),
            survey_fy=Subquery(survey_fy),
            strength=Coalesce("priority__strength", 0),
        )
    )
    return scope.survey_visible_standards(user, queryset)
