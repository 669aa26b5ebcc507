"""The priority screen's and API's filters: the survey filters, priority standards unless asked, and
leaving out those that are priorities only because their review falls due."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from reviews.priority import rule
from reviews.survey.filters import SurveyStandardFilter

TRUE_WORDS = frozenset({"1", "true", "on", "yes"})


class Tick(forms.CheckboxInput):
    """A tick box sending `1`; the API may send 1, true, on or yes, and anything else (0, false,
    nothing) leaves the filter off instead of being read as a ticked box."""

    def __init__(self, attrs=None):
        super().__init__({"value": "1", **(attrs or {})})

    def value_from_datadict(self, data, files, name):
        return str(data.get(name, "")).strip().lower() in TRUE_WORDS


class PriorityStandardFilter(SurveyStandardFilter):
    """Without a `priority` parameter, only the priority standards (`priority=false` lists the
    others, an empty `priority=` all of them): the one place this default is set."""

    exclude_due_soon = django_filters.BooleanFilter(
        method="filter_exclude_due_soon",
        widget=Tick,
        label=_("Leave out those due for review only"),
        help_text=_("Standards whose only reason is that their review falls due by next year."),
    )

    # its views list reviews.priority.selectors.survey_standards(user), scoped already
    queryset_in_survey_scope = True

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and "priority" not in data:
            data = data.copy()
            data["priority"] = "true"
        super().__init__(data, *args, **kwargs)

    def filter_exclude_due_soon(self, queryset, name, value: bool):
        if not value:
            return queryset
        return queryset.exclude(priority__strength=rule.DUE_SOON_ONLY)
