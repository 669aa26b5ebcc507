"""The survey outcome panel on a standard's page: its data, only for users the survey rule lets read
the standard's results (reviews.permissions.survey_visible_standards)."""

from django import template
from django.urls import reverse

from reviews import permissions as scope
from reviews.models import StandardOutcome

register = template.Library()


@register.simple_tag(takes_context=True)
def survey_outcome_panel(context, standard):
    request = context.get("request")
    user = request.user if request is not None else context.get("user")
    return outcome_panel_context(user, standard) if user is not None else None


def outcome_panel_context(user, standard) -> dict | None:
    """None (no panel) unless the user may read the standard's survey results; else the accepted
    outcome, if any, and a link to its response when the user may open it. Three queries at most."""
    if not scope.can_see_survey_data(user, standard):
        return None
    outcome = (
        StandardOutcome.objects.filter(standard_id=standard.pk)
        .select_related("accepted_by", "response")
        .first()
    )
    assignment_id = outcome.response.assignment_id if outcome else None
    may_open = (
        assignment_id is not None
        and scope.visible_assignments(user).filter(pk=assignment_id).exists()
    )
    return {
        "outcome": outcome,
        "response_url": reverse("reviews:assignment", args=[assignment_id]) if may_open else None,
    }
