"""Filters of the hand-over list: a person (either side), a fiscal year. Both start empty."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reviews.precheck.models import HandOver


class HandOverFilter(django_filters.FilterSet):
    person = django_filters.CharFilter(method="filter_person", label=_("Person"))
    fiscal_year = django_filters.NumberFilter(
        field_name="assignment__fiscal_year", label=_("Fiscal year")
    )

    class Meta:
        model = HandOver
        fields = []

    def filter_person(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(from_reviewer__username__icontains=value)
            | Q(to_reviewer__username__icontains=value)
            | Q(from_reviewer__last_name__icontains=value)
            | Q(to_reviewer__last_name__icontains=value)
        )
