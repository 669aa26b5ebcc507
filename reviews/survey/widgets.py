"""Radio buttons and checkboxes that write their HTML in Python. The questionnaire page shows some
twenty of them, and Django's templates for them (three includes per option) cost more than the rest
of the page. The HTML is exactly what those templates give (django/forms/widgets/
multiple_input.html, input_option.html, input.html and attrs.html):
tests/reviews/test_survey_widgets.py compares the two for every kind of question."""

import html

from django import forms
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe


class WrittenOutChoices:
    """Mixed into a ChoiceWidget whose template is multiple_input.html. Option groups, which the
    questionnaire has none of, go through the templates."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        if any(group for group, _options, _index in widget["optgroups"]):
            return super().render(name, value, attrs, renderer)
        return mark_safe(_choices(widget).strip())  # the form renderer strips what it renders


class RadioSelect(WrittenOutChoices, forms.RadioSelect):
    pass


class CheckboxSelectMultiple(WrittenOutChoices, forms.CheckboxSelectMultiple):
    pass


def _choices(widget: dict) -> str:
    attrs = widget["attrs"]
    parts = ["<div"]
    if attrs.get("id"):
        parts.append(f' id="{_shown(attrs["id"])}"')
    if attrs.get("class"):
        parts.append(f' class="{_shown(attrs["class"])}"')
    parts.append(">")
    for _group, options, _index in widget["optgroups"]:
        for option in options:
            parts.append(f"<div>\n    {_option(option)}\n</div>")
    parts.append("\n</div>")
    return "".join(parts)


def _option(option: dict) -> str:
    """input_option.html (with its final newline; the option template adds the other). A choice
    widget's options always wrap their label."""
    attrs = option["attrs"]
    value = "" if option["value"] is None else f' value="{_formatted(option["value"])}"'
    target = f' for="{_shown(attrs["id"])}"' if attrs.get("id") else ""
    return (
        f'<label{target}><input type="{_shown(option["type"])}" name="{_shown(option["name"])}"'
        f"{value}{_attributes(attrs)}>\n {_shown(option['label'])}</label>\n"
    )


def _attributes(attrs: dict) -> str:
    """attrs.html: False leaves the attribute out, True writes its name alone."""
    return "".join(
        f" {_shown(name)}" + ("" if value is True else f'="{_formatted(value)}"')
        for name, value in attrs.items()
        if value is not False
    )


def _shown(value) -> str:
    """What {{ value }} writes: localized, then escaped unless marked safe (a plain string, the
    usual case, straight through html.escape, as django.utils.html.escape does)."""
    if type(value) is str:
        return html.escape(value)
    return conditional_escape(localize(value))


def _formatted(value) -> str:
    """What {{ value|stringformat:'s' }} writes: the filter keeps a safe value safe."""
    text = "%s" % (str(value) if isinstance(value, tuple) else value)
    return text if isinstance(value, SafeData) else html.escape(text)
