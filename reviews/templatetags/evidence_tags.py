"""The specification evidence panel's data, computed for the user looking at a standard's page."""

from django import template

from reviews.evidence.selectors import evidence_panel as panel_data

register = template.Library()


@register.simple_tag(takes_context=True)
def evidence_panel(context, standard):
    request = context.get("request")
    user = request.user if request is not None else context.get("user")
    return panel_data(user, standard) if user is not None else None
