"""Catalog filters, shared by the list page and the API."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django_filters.fields import RangeField
from django_filters.widgets import DateRangeWidget

from standards import selectors
from standards.forms import EraDateField
from standards.models import (
    Alignment,
    Degree,
    Division,
    InternationalCorrespondence,
    Standard,
    Status,
    StrategicField,
)


class AnyYesNo(forms.Select):
    """Yes / no / either, with "either" as the empty choice instead of django's "Unknown"."""

    def __init__(self, attrs=None):
        super().__init__(attrs, choices=[("", _("Any")), ("true", _("Yes")), ("false", _("No"))])


class EraDateRangeField(RangeField):
    widget = DateRangeWidget

    def __init__(self, *args, **kwargs):
        super().__init__((EraDateField(), EraDateField()), *args, **kwargs)


class DateRangeFilter(django_filters.RangeFilter):
    """`<name>_after` and `<name>_before`, both inclusive, each accepting Japanese era dates."""

    field_class = EraDateRangeField


# The ministry filter's choice for standards with no competent ministry yet.
NO_MINISTRY = "none"


class StandardFilter(django_filters.FilterSet):
    """Every filter starts empty ("Any", nothing ticked): an untouched form filters nothing."""

    q = django_filters.CharFilter(method="filter_q", label=_("Search number or title"))
    # a column of the standard: several divisions cannot repeat a row (no DISTINCT needed)
    division = django_filters.MultipleChoiceFilter(
        choices=Division.choices, distinct=False, label=_("Division")
    )
    ministry = django_filters.MultipleChoiceFilter(
        field_name="ministries",
        choices=lambda: [*selectors.ministry_choices(), (NO_MINISTRY, _("No competent ministry"))],
        method="filter_ministry",
        label=_("Competent ministry"),
    )
    status = django_filters.ChoiceFilter(
        choices=Status.choices, label=_("Status"), empty_label=_("Any")
    )
    review_due_fy = django_filters.NumberFilter(label=_("Review due fiscal year"))
    review_due_fy_max = django_filters.NumberFilter(
        field_name="review_due_fy", lookup_expr="lte", label=_("Review due by fiscal year")
    )
    fast_track = django_filters.BooleanFilter(label=_("Fast-track"), widget=AnyYesNo)
    strategic_field = django_filters.ChoiceFilter(
        choices=StrategicField.choices,
        method="filter_strategic_field",
        label=_("Strategic field"),
        empty_label=_("Any"),
    )
    degree = django_filters.ChoiceFilter(
        choices=Degree.choices,
        method="filter_degree",
        label=_("International correspondence"),
        empty_label=_("Any"),
    )
    alignment = django_filters.ChoiceFilter(
        field_name="alignment__status",
        choices=Alignment.choices,
        label=_("International alignment"),
        empty_label=_("Any"),
    )
    drafting_body = django_filters.CharFilter(
        field_name="drafting_body__name", lookup_expr="icontains", label=_("Drafting body")
    )
    international = django_filters.CharFilter(
        method="filter_international", label=_("International standard, e.g. ISO 9001")
    )
    ics = django_filters.CharFilter(method="filter_ics", label=_("ICS code (or its start)"))
    established_on = DateRangeFilter(label=_("Established between"))
    revised_on = DateRangeFilter(label=_("Last revised between"))
    confirmed_on = DateRangeFilter(label=_("Last confirmed between"))
    review_due_on = DateRangeFilter(label=_("Review due between"))
    is_generated = django_filters.BooleanFilter(label=_("Generated (demo) rows"), widget=AnyYesNo)

    class Meta:
        model = Standard
        fields = []

    def filter_q(self, queryset, name, value):
        return selectors.standard_search(queryset, value)

    def filter_ministry(self, queryset, name, value):
        if not value:
            return queryset
        chosen = Q(ministries__code__in=[code for code in value if code != NO_MINISTRY])
        if NO_MINISTRY in value:  # imported from a list without them, and not set since
            links = Standard.ministries.through.objects.filter(standard=OuterRef("pk"))
            chosen |= ~Q(Exists(links))
        return queryset.filter(chosen).distinct()

    def filter_strategic_field(self, queryset, name, value):
        return queryset.filter(selectors.json_list_contains("strategic_fields", value))

    def filter_degree(self, queryset, name, value):
        return selectors.standards_with_degree(queryset, value)

    def filter_international(self, queryset, name, value):
        matching = InternationalCorrespondence.objects.filter(
            standard=OuterRef("pk"), designation__icontains=value.strip()
        )
        return queryset.filter(Exists(matching))

    def filter_ics(self, queryset, name, value):
        # codes are stored as a JSON list of strings: match from the opening quote of any element
        return queryset.filter(ics_codes__icontains=f'"{value.strip()}')


ORDERING_FIELDS = (
    "number",
    "division",
    "title_ja",
    "review_due_on",
    "review_due_fy",
    "status",
    "updated_at",
)
