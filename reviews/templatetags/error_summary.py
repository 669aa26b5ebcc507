"""The problems of a bound form as one list, for the summary shown at the top of a refused form."""

from django import template

register = template.Library()


@register.simple_tag
def form_problems(form) -> list[dict]:
    """Each problem of `form`: the form-wide ones first (no anchor), then one per field with an
    error, in the form's order, with the id of the element that holds the field (`q-<name>`)."""
    problems = [{"anchor": "", "label": "", "messages": [e]} for e in form.non_field_errors()]
    for field in form:
        if field.errors:
            problems.append(
                {
                    "anchor": f"q-{field.name}",
                    # the required mark belongs to the form, not to the name of the question
                    "label": str(field.label).removesuffix(" *"),
                    "messages": list(field.errors),
                }
            )
    return problems
