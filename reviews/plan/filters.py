"""Filters of the plan API: year, competent or lead ministry, division, reason, locked."""

import django_filters
from django.utils.translation import gettext_lazy as _

from reviews.plan.models import PlanEntry, PlanReason
from standards.models import Division
from standards.selectors import ministry_choices


class PlanEntryFilter(django_filters.FilterSet):
    fiscal_year = django_filters.NumberFilter(label=_("Survey fiscal year"))
    ministry = django_filters.ChoiceFilter(
        choices=ministry_choices, method="filter_ministry", label=_("Competent ministry")
    )
    lead_ministry = django_filters.ChoiceFilter(
        field_name="ministry_id", choices=ministry_choices, label=_("Lead ministry")
    )
    division = django_filters.MultipleChoiceFilter(
        field_name="standard__division", choices=Division.choices, label=_("Division")
    )
    reason = django_filters.ChoiceFilter(choices=PlanReason.choices, label=_("Reason"))
    locked = django_filters.BooleanFilter(label=_("Locked"))

    class Meta:
        model = PlanEntry
        fields = []

    def filter_ministry(self, queryset, name, value):
        return queryset.filter(standard__ministries__code=value)
