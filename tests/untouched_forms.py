"""What a browser sends when someone presses a filter form's apply button without touching it."""

from urllib.parse import parse_qs, urlencode

import lxml.html
from django.http import QueryDict

FILTER_FORM = "//form[contains(concat(' ', normalize-space(@class), ' '), ' filters ')]"


def untouched_query(html: str | bytes, form_xpath: str = FILTER_FORM) -> str:
    """The query string of the page's (first) filter form, submitted as it was drawn: the selected
    option of each drop-down (the first when none is marked, as browsers do), ticked boxes only,
    every text field's value (empty when it has none), no buttons."""
    [form, *_others] = lxml.html.fromstring(html).xpath(form_xpath)
    assert (form.get("method") or "get").lower() == "get", "a filter form submits with GET"
    pairs = []
    for field in form.inputs:
        name = field.name
        if not name or "disabled" in field.attrib:
            continue
        if field.tag == "select":
            if field.multiple:
                pairs += [(name, value) for value in field.value]
            elif field.value is not None:
                pairs.append((name, field.value))
        elif field.tag == "textarea":
            pairs.append((name, field.value or ""))
        elif field.type in ("submit", "image", "reset", "file", "button"):
            continue
        elif field.checkable:
            if field.checked:
                pairs.append((name, field.get("value", "on")))
        else:
            pairs.append((name, field.value or ""))
    return urlencode(pairs)


def untouched_filterset_query(filterset_class, **kwargs) -> str:
    """The same for an API's filters: its FilterSet's form as the browsable API draws it (bound to
    the request's empty query), submitted as it was drawn."""
    form = filterset_class(QueryDict(""), **kwargs).form
    return untouched_query(f'<form method="get" class="filters">{form.as_div()}</form>')


def chosen(query: str) -> dict[str, list[str]]:
    """The parameters of a query string that carry a value: those that could filter anything."""
    return parse_qs(query)
