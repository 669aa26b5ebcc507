"""JIS cited in the ministries' specifications but not yet surveyed: the candidates for the next
batch, on screen and as CSV or XLSX."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from jisreview.pagination import screen_page
from reviews.evidence import selectors
from reviews.evidence.filters import CandidateFilter
from standards import exports
from standards.dates import fiscal_year_label
from standards.models import english_or_japanese
from standards.specifications import selectors as documents

PAGE_SIZE = 50


def _require_access(request) -> None:
    if not documents.can_use_specifications(request.user):
        raise PermissionDenied


def _filtered(request) -> CandidateFilter:
    return CandidateFilter(request.GET, queryset=selectors.candidate_standards(request.user))


@require_GET
def candidate_list(request):
    _require_access(request)
    filterset = _filtered(request)
    page, query = screen_page(request, filterset.qs, PAGE_SIZE)
    return render(
        request,
        "reviews/specification_candidates.html",
        {"filter": filterset, "page": page, "query": query},
    )


def candidate_columns() -> list[tuple[str, object]]:
    return [
        (_("Number"), lambda s: s.number),
        (_("Title"), lambda s: english_or_japanese(s.title_ja, s.title_en)),
        (_("Competent ministers"), lambda s: "、".join(m.name for m in s.ministries.all())),
        (_("Citing documents"), lambda s: s.citing_documents),
        (_("Citations to fix"), lambda s: s.citations_to_fix),
        (_("Survey fiscal year"), lambda s: fiscal_year_label(s.survey_fy) if s.survey_fy else ""),
        (_("Review due"), lambda s: s.review_due_on),
    ]


@require_GET
def candidate_export(request, fmt: str):
    _require_access(request)
    columns = candidate_columns()
    header = [name for name, _value in columns]
    rows = ([value(s) for _name, value in columns] for s in _filtered(request).qs.iterator(2000))
    name = f"specifications-not-surveyed-{timezone.localdate().isoformat()}.{fmt}"
    if fmt == "xlsx":
        return exports.xlsx_response(name, "not-surveyed", header, rows)
    return exports.csv_response(name, header, rows)
