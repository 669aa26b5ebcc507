"""The plan-and-assignment panel on a standard's page: its year in the plan, for those who read the
plan, and its assignment's state, only for users the survey rule lets read the standard's results
(reviews.common.scope)."""

from django import template

from reviews.survey.selectors import plan_panel

register = template.Library()


@register.simple_tag(takes_context=True)
def standard_plan_panel(context, standard):
    request = context.get("request")
    user = request.user if request is not None else context.get("user")
    return plan_panel(user, standard) if user is not None else None
