"""Filters of the follow-ups page and API: status, owner ministry, standard, overdue."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reviews.follow_ups.models import OPEN_STATUSES, FollowUp
from standards.selectors import ministry_choices


class FollowUpFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=FollowUp.Status.choices, label=_("Status"), empty_label=_("Any")
    )
    ministry = django_filters.ChoiceFilter(
        field_name="ministry_id",
        choices=ministry_choices,
        label=_("Owner ministry"),
        empty_label=_("Any"),
    )
    standard = django_filters.NumberFilter(field_name="standard_id", label=_("Standard"))
    overdue = django_filters.BooleanFilter(
        method="filter_overdue",
        label=_("Overdue"),
        help_text=_("Past the due date and not done or dropped."),
    )

    class Meta:
        model = FollowUp
        fields = []

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = Q(due_on__lt=timezone.localdate(), status__in=OPEN_STATUSES)
        return queryset.filter(overdue) if value else queryset.exclude(overdue)
