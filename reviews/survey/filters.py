"""The catalog's filters plus survey results: priority, usability, citation, recommended action,
survey fiscal year and the answer to any single-choice question (accepted responses only).

Composed where survey data is queried: the priority screen and API use it, and so do the catalog's
list page and API as jisreview/urls.py mounts them (the catalog itself knows only StandardFilter).
Filtering on survey results is one of the ministry query tools (reviews.common.scope.can_query_survey):
anyone else gets no standard for such a filter, and those who may use it get only the standards whose
results they may read (reviews.common.scope.survey_visible_standards).
"""

from functools import cached_property

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as api_filters
from drf_spectacular.utils import extend_schema_field

from accounts.roles import is_coordinator
from reviews.common import scope
from reviews.common.i18n import pick
from reviews.plan.models import PlanEntry
from reviews.priority import rule
from reviews.survey import selectors
from reviews.survey.models import Assignment, Batch, Usability
from reviews.survey.workflow import OPEN_STATES, State
from standards import selectors as catalog_selectors
from standards.filters import AnyYesNo, StandardFilter
from standards.models import Standard

YES_NO = {"yes": True, "no": False}


def options(question: dict) -> list[tuple[str, str]]:
    """A single-choice or yes/no question's (value, label) pairs, labels in the active language."""
    if question["type"] == "yes_no":
        return [("yes", str(_("Yes"))), ("no", str(_("No")))]
    return [(c["value"], pick(c["label"])) for c in question["choices"]]


def answer_choices(questions: list[dict]) -> list:
    """Grouped by question: (question, [("key:value", option), ...])."""
    return [
        (pick(q["label"]), [(f"{q['key']}:{value}", label) for value, label in options(q)])
        for q in questions
    ]


def action_choices(questions: list[dict]) -> list[tuple[str, str]]:
    question = next((q for q in questions if q["key"] == "recommended_action"), None)
    return options(question) if question else []


def reason_choices() -> list[tuple[str, str]]:
    """The priority reasons, strongest first."""
    return [(code, str(rule.LABELS[code])) for code in rule.STRENGTH_ORDER]


class OneAtATime(forms.Select):
    """A plain drop-down on the page that starts on "any answer"; the API may repeat the parameter.

    A drop-down without an empty choice starts on its first answer, and every apply would filter
    on it: the empty choice comes first, and a blank parameter (that choice, sent) filters nothing.
    """

    def optgroups(self, name, value, attrs=None):
        chosen = any(value)
        any_answer = self.create_option(name, "", _("Any"), not chosen, 0, attrs=attrs)
        return [(None, [any_answer], 0), *super().optgroups(name, value, attrs)]

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        if isinstance(values, list):
            return [value for value in values if value]
        return values


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
        choices=reason_choices,
        method="filter_reason",
        label=_("Priority reason"),
        empty_label=_("Any"),
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
        choices=list,  # the current questionnaire's, set per filter set in __init__
        label=_("Recommended action (survey)"),
        empty_label=_("Any"),
    )
    survey_fy = django_filters.NumberFilter(
        method="filter_survey_fy", label=_("Survey fiscal year")
    )
    answer = AnswerFilter(
        choices=list,  # likewise
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The current questionnaire's, read when first needed (a page drawing the form, or a
        # request filtering on an answer), then kept for the request.
        self.filters["answer"].extra["choices"] = lambda: answer_choices(self.questions)
        self.filters["recommended_action"].extra["choices"] = lambda: action_choices(self.questions)

    @cached_property
    def questions(self) -> list[dict]:
        return selectors.single_answer_questions()

    # True where the view's queryset is already the survey data the user may read
    # (reviews.priority.selectors.survey_standards): the same EXISTS is not added twice.
    queryset_in_survey_scope = False

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        survey_filtered = any(
            data.get(name) not in (None, "", [], ()) for name in self.SURVEY_FILTERS
        )
        if survey_filtered and not self.queryset_in_survey_scope:
            queryset = _survey_scope(getattr(self.request, "user", None), queryset)
        return super().filter_queryset(queryset)

    def filter_priority(self, queryset, name, value):
        if value:
            return queryset.filter(priority__is_priority=True)
        return queryset.exclude(priority__is_priority=True)

    def filter_reason(self, queryset, name, value: str):
        return queryset.filter(catalog_selectors.json_list_contains("priority__reasons", value))

    def filter_survey_fy(self, queryset, name, value):
        planned = PlanEntry.objects.filter(standard=OuterRef("pk"), fiscal_year=value)
        return queryset.filter(Exists(planned))

    def filter_answer(self, queryset, name, values: list[str]):
        types = {q["key"]: q["type"] for q in self.questions}
        for pair in values:
            key, _sep, value = pair.partition(":")
            answer = YES_NO[value] if types.get(key) == "yes_no" else value
            queryset = queryset.filter(**{f"outcome__response__answers__{key}": answer})
        return queryset


def _survey_scope(user, queryset):
    if user is None or not scope.can_query_survey(user):
        return queryset.none()
    return scope.survey_visible_standards(user, queryset)


# --- the assignments list ----------------------------------------------------------------------


def _visible_batches(request):
    user = getattr(request, "user", None)
    if user is None:
        return Batch.objects.none()
    return selectors.visible_batches(user).order_by("-fiscal_year", "due_on", "name")


MAX_LISTED_IDS = 10_000


def id_ranges(ids) -> str:
    """Ids written short, runs as ranges: [3, 5, 6, 7, 9] → "3,5-7,9" (a batch's assignments have
    consecutive ids, so a link to a few hundred of them stays a few characters long)."""
    runs: list[list[int]] = []
    for n in sorted(set(ids)):
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


class IdRangesField(forms.CharField):
    """Reads what id_ranges() writes, into a list of ids."""

    def to_python(self, value):
        text = super().to_python(value).strip()
        if not text:
            return None
        ids: list[int] = []
        for part in text.split(","):
            first, sep, last = part.strip().partition("-")
            if not first.isdigit() or (sep and not last.isdigit()):
                raise forms.ValidationError(
                    _("「%(part)s」 is not an id or a range of ids such as 3-7.") % {"part": part}
                )
            ids.extend(range(int(first), int(last or first) + 1))
            if len(ids) > MAX_LISTED_IDS:
                raise forms.ValidationError(
                    _("At most %(n)d assignments can be listed by id.") % {"n": MAX_LISTED_IDS}
                )
        return ids


class IdRangesFilter(django_filters.Filter):
    """`?ids=3,5-7,9`."""

    field_class = IdRangesField

    def filter(self, queryset, value):
        return queryset if value is None else queryset.filter(pk__in=value)


class AssignmentFilter(django_filters.FilterSet):
    """The assignments list's filters (≈2,800 rows a year). Each starts empty: applying the form
    untouched shows the whole list. The list is already cut to what the user may see."""

    number = django_filters.CharFilter(method="filter_number", label=_("Standard number or title"))
    reviewer = django_filters.ModelChoiceFilter(
        queryset=lambda request: selectors.reviewers(), label=_("Reviewer"), empty_label=_("Any")
    )
    batch = django_filters.ModelChoiceFilter(
        queryset=_visible_batches, label=_("Batch"), empty_label=_("Any")
    )
    ministry = django_filters.ChoiceFilter(
        field_name="standard__ministries__code",
        choices=catalog_selectors.ministry_choices,
        label=_("Competent ministry"),
        empty_label=_("Any"),
    )
    state = django_filters.ChoiceFilter(
        choices=State.choices, label=_("State"), empty_label=_("Any")
    )
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", widget=forms.CheckboxInput, label=_("Overdue only")
    )
    # The assignments a notice is about ("3 overdue" links here with their ids), kept through the
    # other filters by a hidden field; there only when a link asked for it.
    ids = IdRangesFilter(widget=forms.HiddenInput, label=_("Only the assignments of a notice"))

    class Meta:
        model = Assignment
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is None or not is_coordinator(user):
            del self.filters["reviewer"]  # a reviewer's list holds only their own
        if not (self.data or {}).get("ids"):
            del self.filters["ids"]

    def filter_number(self, queryset, name, value):
        found = catalog_selectors.standard_search(Standard.objects.all(), value)
        return queryset.filter(standard__in=found.values("pk"))

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(due_on__lt=timezone.localdate(), state__in=OPEN_STATES)


class AssignmentApiFilter(api_filters.FilterSet):
    """The assignment API's filters, as `filterset_fields` would make them, but as a class made
    once: with filterset_fields django-filter builds a new FilterSet class on every request."""

    class Meta:
        model = Assignment
        fields = ("state", "fiscal_year", "batch")
