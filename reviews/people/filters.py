"""Filters of the people screen: state, role, organisation. Every filter starts empty."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from reviews.people.selectors import State


class PeopleFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        choices=State.CHOICES, label=_("State"), empty_label=_("Any")
    )
    role = django_filters.ChoiceFilter(
        field_name="groups__name", choices=Role.choices, label=_("Role"), empty_label=_("Any")
    )
    organisation = django_filters.CharFilter(
        method="filter_organisation",
        label=_("Organisation"),
        help_text=_("Part of the organisation, drafting body or ministry name."),
    )

    class Meta:
        fields = []

    def filter_organisation(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(organisation__icontains=value)
            | Q(drafting_body__name__icontains=value)
            | Q(ministry__name_ja__icontains=value)
            | Q(ministry__name_en__icontains=value)
        )
