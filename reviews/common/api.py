"""What the API of every step shares: who may call the plan and survey-figure endpoints, and the
body of an error a service raised."""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from rest_framework import permissions, status
from rest_framework.response import Response

from jisreview.pagination import PageNumberPagination
from reviews.common import figures, scope


class CanReadPlan(permissions.IsAuthenticated):
    def has_permission(self, request, view):
        return super().has_permission(request, view) and scope.can_read_plan(request.user)


class CanQuerySurvey(permissions.IsAuthenticated):
    """Survey figures: coordinators, and ministry viewers tied to a ministry."""

    def has_permission(self, request, view):
        return super().has_permission(request, view) and scope.can_query_survey(request.user)


class CachedCountPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        return figures.counted(self.object_list)


class CachedCountPagination(PageNumberPagination):
    """Pages of a list whose total is kept in the shared cache until a write to what it counts
    commits (reviews.common.figures.counted): the same pages, the same total, one count fewer."""

    django_paginator_class = CachedCountPaginator


def error_response(exc: Exception, *, code: int = status.HTTP_400_BAD_REQUEST) -> Response:
    """A service's refusal as the API says it: each field's messages when the ValidationError names
    fields, else {"detail": …}."""
    if isinstance(exc, ValidationError):
        body = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
    else:
        body = {"detail": str(exc)}
    return Response(body, status=code)
