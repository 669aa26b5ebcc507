"""The questionnaire's radio buttons and checkboxes, written out in Python, give exactly the HTML of
Django's own templates: every kind of question, answered or not, bound to good and bad data, in
both languages, with and without ids, with markup in labels and attributes."""

import copy
from unittest import mock

import pytest
from django import forms
from django.utils import translation
from django.utils.safestring import mark_safe

from reviews.survey import widgets
from reviews.survey.forms import AnswerForm
from tests.reviews.data import COMPLETE, FORM


def with_templates(self, name, value, attrs=None, renderer=None):
    return super(widgets.WrittenOutChoices, self).render(name, value, attrs, renderer)


def both_ways(form) -> list[tuple[str, str]]:
    """(written out, through the templates) for every field of the form."""
    written = [str(field) for field in form]
    with mock.patch.object(widgets.WrittenOutChoices, "render", with_templates):
        templated = [str(field) for field in form]
    return list(zip(written, templated, strict=True))


def odd_form() -> dict:
    """The FY2026 form with markup, quotes and ampersands in labels and a condition's values."""
    definition = copy.deepcopy(FORM)
    for question in definition["questions"]:
        for choice in question.get("choices", []):
            choice["label"] = {"ja": f'<b>"{choice["label"]["ja"]}"</b> & 他', "en": "a < b"}
        if question.get("when"):
            question["when"]["in"] = [*question["when"]["in"], 'x" onclick="y', "&amp;"]
    return definition


ANSWERS = [
    {},
    COMPLETE,
    {**COMPLETE, "used_in_procurement": "no", "could_be_used": "with_conditions"},
    {"confidence": 1, "procurers": ["other"], "cited_by_regulations": False},
]
BOUND = [
    {"version": "3", "confidence": "9", "procurers": ["nobody", "other"], "market_use": "<x>"},
    {"version": "x", "used_in_procurement": ["yes", "no"], "cited_by_regulations": "maybe"},
]


def test_the_form_uses_the_written_out_widgets():
    form = AnswerForm(FORM)
    kinds = {q["key"]: q["type"] for q in FORM["questions"]}
    written = {k for k, f in form.fields.items() if isinstance(f.widget, widgets.WrittenOutChoices)}
    assert written == {
        k for k, t in kinds.items() if t in ("single", "multiple", "yes_no", "scale")
    }


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("definition", [FORM, odd_form()], ids=["fy2026", "markup"])
def test_written_out_choices_are_the_templates_html(language, definition):
    with translation.override(language):
        forms_ = [AnswerForm(definition, initial=AnswerForm.initial_from(a)) for a in ANSWERS]
        forms_ += [AnswerForm(definition, data) for data in BOUND]
        forms_ += [AnswerForm(definition, auto_id=False, initial=AnswerForm.initial_from(COMPLETE))]
        for form in forms_:
            form.is_bound and form.is_valid()
            for written, templated in both_ways(form):
                assert written == templated


@pytest.mark.parametrize("grouped", [False, True], ids=["1000", "1,000"])
@pytest.mark.parametrize("widget_class", [widgets.RadioSelect, widgets.CheckboxSelectMultiple])
def test_attributes_of_every_form_are_written_as_the_templates_write_them(
    widget_class, grouped, settings
):
    settings.USE_THOUSAND_SEPARATOR = grouped
    attrs = {
        "class": "scale",
        "disabled": True,
        "hidden": False,
        "data-n": 3,
        "data-safe": mark_safe("<i>kept</i>"),
        "data-pair": ("a", "b"),
        "title": 'say "hi" & <bye>',
    }
    choices = [(1, 1), (1000, 1000), ("", "none"), ("x&y", mark_safe("<b>safe</b>")), (None, 1.5)]
    widget = widget_class(attrs=attrs, choices=choices)
    stock = copy.copy(widget)
    for value in (None, 1, [1000, "x&y"], "", "x&y"):
        for extra in ({"id": "id_q"}, {}, {"id": ""}):
            written = widget.render("q", value, extra)
            templated = with_templates(stock, "q", value, extra)
            assert written == templated


def test_option_groups_go_through_the_templates():
    choices = [("Group <1>", [("a", "A"), ("b", "B")]), ("c", "C")]
    widget = widgets.RadioSelect(choices=choices)
    html = widget.render("q", "b", {"id": "id_q"})
    assert html == forms.RadioSelect(choices=choices).render("q", "b", {"id": "id_q"})
    assert "<label>Group &lt;1&gt;</label>" in html
