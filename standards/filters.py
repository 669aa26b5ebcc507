"""Catalog filters, shared by the list page and the API."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from standards import selectors
from standards.models import Degree, Division, Standard, Status, StrategicField


class AnyYesNo(forms.Select):
    """Yes / no / either, with "either" as the empty choice instead of django's "Unknown"."""

    def __init__(self, attrs=None):
        super().__init__(attrs, choices=[("", _("Any")), ("true", _("Yes")), ("false", _("No"))])


class StandardFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search number or title"))
    division = django_filters.MultipleChoiceFilter(choices=Division.choices, label=_("Division"))
    ministry = django_filters.MultipleChoiceFilter(
        field_name="ministries",
        choices=selectors.ministry_choices,
        method="filter_ministry",
        label=_("Competent ministry"),
    )
    status = django_filters.ChoiceFilter(choices=Status.choices, label=_("Status"))
    review_due_fy = django_filters.NumberFilter(label=_("Review due fiscal year"))
    review_due_fy_max = django_filters.NumberFilter(
        field_name="review_due_fy", lookup_expr="lte", label=_("Review due by fiscal year")
    )
    fast_track = django_filters.BooleanFilter(label=_("Fast-track"), widget=AnyYesNo)
    strategic_field = django_filters.ChoiceFilter(
        choices=StrategicField.choices, method="filter_strategic_field", label=_("Strategic field")
    )
    degree = django_filters.ChoiceFilter(
        choices=Degree.choices, method="filter_degree", label=_("International correspondence")
    )
    drafting_body = django_filters.CharFilter(
        field_name="drafting_body__name", lookup_expr="icontains", label=_("Drafting body")
    )
    is_generated = django_filters.BooleanFilter(label=_("Generated (demo) rows"), widget=AnyYesNo)

    class Meta:
        model = Standard
        fields = []

    def filter_q(self, queryset, name, value):
        return selectors.standard_search(queryset, value)

    def filter_ministry(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(ministries__code__in=value).distinct()

    def filter_strategic_field(self, queryset, name, value):
        return queryset.filter(selectors.json_list_contains("strategic_fields", value))

    def filter_degree(self, queryset, name, value):
        return selectors.standards_with_degree(queryset, value)


ORDERING_FIELDS = (
    "number",
    "division",
    "title_ja",
    "review_due_on",
    "review_due_fy",
    "status",
    "updated_at",
)
