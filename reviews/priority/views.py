"""The ministry screen: priority standards in my remit (any ministry, for coordinators), every
catalog and survey filter, saved searches, and the result as CSV or XLSX."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import render

from accounts.saved_searches import saved_searches
from reviews.common import scope
from reviews.priority import rule, selectors
from reviews.priority.filters import PriorityStandardFilter
from reviews.survey.exports import related, survey_table
from standards import exports
from standards.alignment.rule import newer_edition_text
from standards.selectors import ministry_choices, today

PAGE_SIZE = 50


def _filtered(request):
    """The filter set with the screen's defaults: priorities only, and a viewer's own ministry."""
    if not scope.can_query_survey(request.user):
        raise PermissionDenied
    data = request.GET.copy()
    ministry = scope.survey_ministry(request.user)
    if ministry:
        data.setlist("ministry", [ministry])
    queryset = selectors.survey_standards(request.user).order_by(*selectors.RANKED)
    filterset = PriorityStandardFilter(data, queryset=queryset, request=request)
    result = filterset.qs
    ordering = request.GET.get("ordering", "")
    if ordering.removeprefix("-") in selectors.ORDERING:  # one minus, not "--number"
        result = result.order_by(ordering, "number")
    return filterset, result, ministry


def priority_list(request):
    filterset, result, ministry = _filtered(request)
    page = Paginator(result, PAGE_SIZE).get_page(request.GET.get("page"))
    for standard in page:
        verdict = related(standard, "priority")
        alignment = related(standard, "alignment")
        standard.reasons_in_words = rule.reasons_in_words(
            verdict.reasons if verdict else [],
            cited_documents=verdict.cited_documents if verdict else 0,
            newer_edition=newer_edition_text(
                alignment.newer_reference, alignment.newer_published_on
            )
            if alignment
            else "",
        )
        standard.survey_outcome = related(standard, "outcome")
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reviews/priorities.html",
        {
            "filter": filterset,
            "page": page,
            "fixed_ministry": dict(ministry_choices()).get(ministry) if ministry else None,
            "query": query.urlencode(),
            "saved_searches": saved_searches(request.user, request.path),
        },
    )


def priority_export(request, fmt: str):
    filterset, result, _ministry = _filtered(request)
    if not filterset.is_valid():
        problems = [
            f"{name}={request.GET.get(name, '')}: {' '.join(errors)}"
            for name, errors in filterset.errors.items()
        ]
        return HttpResponseBadRequest("\n".join(problems), content_type="text/plain; charset=utf-8")
    header, rows = survey_table(result)
    filename = f"priority-standards-{today():%Y%m%d}.{fmt}"
    if fmt == "xlsx":
        return exports.xlsx_response(filename, "priority", header, rows)
    return exports.csv_response(filename, header, rows)
