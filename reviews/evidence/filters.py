"""Filters of the candidates list and API: division and planned or not; every one starts empty."""

import django_filters
from django.utils.translation import gettext_lazy as _

from standards.models import Division, Standard

YES_NO = (("yes", _("Yes")), ("no", _("No")))


class CandidateFilter(django_filters.FilterSet):
    division = django_filters.ChoiceFilter(
        choices=Division.choices, label=_("Division"), empty_label=_("Any")
    )
    planned = django_filters.ChoiceFilter(
        method="filter_planned",
        choices=YES_NO,
        empty_label=_("Any"),
        label=_("In the plan"),
        help_text=_("Planned for a survey year, or not yet in the plan."),
    )
    to_fix = django_filters.ChoiceFilter(
        method="filter_to_fix",
        choices=YES_NO,
        empty_label=_("Any"),
        label=_("Cited withdrawn or superseded"),
    )

    class Meta:
        model = Standard
        fields = []

    def filter_planned(self, queryset, name, value):
        return queryset.filter(survey_fy__isnull=value != "yes") if value else queryset

    def filter_to_fix(self, queryset, name, value):
        if not value:
            return queryset
        if value == "yes":
            return queryset.filter(citations_to_fix__gt=0)
        return queryset.filter(citations_to_fix=0)
