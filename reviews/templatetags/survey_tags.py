"""The survey outcome panel on a standard's page: its data, only for users the survey rule lets read
the standard's results (reviews.common.scope.survey_visible_standards)."""

from django import template

from reviews.survey.selectors import outcome_panel

register = template.Library()


@register.simple_tag(takes_context=True)
def survey_outcome_panel(context, standard):
    request = context.get("request")
    user = request.user if request is not None else context.get("user")
    return outcome_panel(user, standard) if user is not None else None
