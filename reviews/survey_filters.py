"""The catalog's filters plus survey results: priority, usability, citation, recommended action,
survey fiscal year and the answer to any single-choice question (accepted responses only).

Installed as the catalog's filter set by ReviewsConfig.ready(), so the catalog page, the catalog API
and the ministry screens all filter the same way. Filtering on survey results is one of the ministry
query tools (reviews.permissions.can_query_survey): anyone else gets no standard for such a filter,
and those who may use it get only the standards whose results they may read
(reviews.permissions.survey_visible_standards).
"""

import django_filters
from django import forms
from django.core.cache import cache
from django.db.models import Exists, OuterRef
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from reviews import permissions as scope
from reviews import priority
from reviews.models import PlanEntry, Usability
from standards import selectors
from standards.filters import AnyYesNo, StandardFilter

_QUESTIONS_KEY = "reviews:answer-questions:v1"
YES_NO = {"yes": True, "no": False}


def answer_questions() -> list[dict]:
    """The current questionnaire's single-choice and yes/no questions (cached until a publish)."""
    found = cache.get(_QUESTIONS_KEY)
    if found is None:
        from reviews.services import questionnaire_current

        version = questionnaire_current()
        questions = version.definition.get("questions", []) if version else []
        found = [q for q in questions if q.get("type") in ("single", "yes_no")]
        cache.set(_QUESTIONS_KEY, found, timeout=24 * 3600)
    return found


def answer_questions_clear() -> None:
    cache.delete(_QUESTIONS_KEY)


def _label(text: dict) -> str:
    return text.get("en" if get_language() == "en" else "ja") or text.get("ja", "")


def _options(question: dict) -> list[tuple[str, str]]:
    if question["type"] == "yes_no":
        return [("yes", str(_("Yes"))), ("no", str(_("No")))]
    return [(c["value"], _label(c["label"])) for c in question["choices"]]


def answer_choices() -> list:
    """Grouped by question: (question, [("key:value", option), ...])."""
    return [
        (_label(q["label"]), [(f"{q['key']}:{value}", label) for value, label in _options(q)])
        for q in answer_questions()
    ]


def action_choices() -> list[tuple[str, str]]:
    question = next((q for q in answer_questions() if q["key"] == "recommended_action"), None)
    return _options(question) if question else []


def reason_choices() -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in priority.LABELS.items()]


class OneAtATime(forms.Select):
    """A plain drop-down on the page; the API may repeat the parameter."""

    def value_from_datadict(self, data, files, name):
        return data.getlist(name) if hasattr(data, "getlist") else data.get(name)


@extend_schema_field(
    {
        "type": "string",
        "pattern": "^[a-z_]+:[a-z_]+$",
        "description": "question:value of an accepted response, e.g. could_be_used:yes; "
        "repeat to require several",
    }
)
class AnswerFilter(django_filters.MultipleChoiceFilter):
    """Repeatable `answer=question:value`; every one must hold."""


class SurveyStandardFilter(StandardFilter):
    priority = django_filters.BooleanFilter(
        method="filter_priority", label=_("Priority standard"), widget=AnyYesNo
    )
    reason = django_filters.ChoiceFilter(
        choices=reason_choices, method="filter_reason", label=_("Priority reason")
    )
    usability = django_filters.MultipleChoiceFilter(
        field_name="outcome__usability",
        choices=Usability.choices,
        distinct=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Usable in procurement (survey)"),
    )
    cited = django_filters.BooleanFilter(
        field_name="outcome__cited_in_procurement",
        label=_("Cited in procurement today (survey)"),
        widget=AnyYesNo,
    )
    recommended_action = django_filters.ChoiceFilter(
        field_name="outcome__recommended_action",
        choices=action_choices,
        label=_("Recommended action (survey)"),
    )
    survey_fy = django_filters.NumberFilter(
        method="filter_survey_fy", label=_("Survey fiscal year")
    )
    answer = AnswerFilter(
        choices=answer_choices,
        method="filter_answer",
        widget=OneAtATime,
        label=_("Answer to a question (survey)"),
    )

    SURVEY_FILTERS = (
        "priority",
        "reason",
        "usability",
        "cited",
        "recommended_action",
        "survey_fy",
        "answer",
    )

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        if any(data.get(name) not in (None, "", [], ()) for name in self.SURVEY_FILTERS):
            queryset = _survey_scope(getattr(self.request, "user", None), queryset)
        return super().filter_queryset(queryset)

    def filter_priority(self, queryset, name, value):
        if value:
            return queryset.filter(priority__is_priority=True)
        return queryset.exclude(priority__is_priority=True)

    def filter_reason(self, queryset, name, value: str):
        return queryset.filter(selectors.json_list_contains("priority__reasons", value))

    def filter_survey_fy(self, queryset, name, value):
        planned = PlanEntry.objects.filter(standard=OuterRef("pk"), fiscal_year=value)
        return queryset.filter(Exists(planned))

    def filter_answer(self, queryset, name, values: list[str]):
        types = {q["key"]: q["type"] for q in answer_questions()}
        for pair in values:
            key, _sep, value = pair.partition(":")
            answer = YES_NO[value] if types.get(key) == "yes_no" else value
            queryset = queryset.filter(**{f"outcome__response__answers__{key}": answer})
        return queryset


def _survey_scope(user, queryset):
    if user is None or not scope.can_query_survey(user):
        return queryset.none()
    return scope.survey_visible_standards(user, queryset)
