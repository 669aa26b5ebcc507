"""Catalog pages: list, detail with history, and the coordinators' import."""

import csv
import io

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.roles import is_coordinator
from standards import selectors, services
from standards.filters import ORDERING_FIELDS, StandardFilter
from standards.forms import ImportForm
from standards.importing import CatalogFileError, check_size
from standards.models import Standard

PAGE_SIZES = (25, 50, 100, 200)


def standard_list(request):
    filterset = StandardFilter(request.GET or None, queryset=Standard.objects.for_listing())
    queryset = filterset.qs if filterset.is_bound else filterset.queryset
    ordering = request.GET.get("ordering", "")
    if ordering.lstrip("-") in ORDERING_FIELDS:
        queryset = queryset.order_by(ordering, "number")
    page_size = _page_size(request)
    page = Paginator(queryset, page_size).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "standards/list.html",
        {
            "filter": filterset,
            "page": page,
            "ordering": ordering,
            "query": query.urlencode(),
            "page_sizes": PAGE_SIZES,
            "page_size": page_size,
        },
    )


def _page_size(request) -> int:
    try:
        size = int(request.GET.get("page_size", 50))
    except ValueError:
        return 50
    return size if size in PAGE_SIZES else 50


def standard_detail(request, pk: int):
    standard = get_object_or_404(selectors.standard_detail_queryset(), pk=pk)
    return render(
        request,
        "standards/detail.html",
        {
            "standard": standard,
            "history": services.standard_history(standard=standard),
            "correspondence_history": standard.correspondences.model.history.filter(
                standard_id=standard.pk
            )
            .select_related("history_user")
            .order_by("-history_date")[:50],
        },
    )


@require_http_methods(["GET", "POST"])
def standard_import(request):
    if not is_coordinator(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    report = result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            check_size(upload.size, settings.IMPORT_MAX_BYTES)
            report = services.catalog_read(upload.read(), filename=upload.name)
        except CatalogFileError as exc:
            form.add_error("file", str(exc))
        else:
            skip = form.cleaned_data["skip_invalid"]
            if report.errors and form.cleaned_data.get("download_rejects"):
                return rejects_csv_response(report.errors)
            if (report.ok or skip) and not form.cleaned_data["dry_run"]:
                result = services.standards_import(
                    records=report.records, by=request.user, reason=f"import {upload.name}"
                )
                messages.success(
                    request,
                    _("Imported: %(created)d new, %(updated)d updated, %(unchanged)d unchanged.")
                    % result.summary(),
                )
    return render(
        request, "standards/import.html", {"form": form, "report": report, "result": result}
    )


def rejects_csv_response(errors) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["line", "column", "value", "reason"])
    for error in errors:
        writer.writerow([error.line, error.column, error.value, error.message])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="rejects.csv"'
    return response
