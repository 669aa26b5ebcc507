"""Catalog pages: list, detail with history, and the coordinators' import."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.roles import is_coordinator
from standards import exports, panels, selectors, services
from standards.catalog_files import CatalogFileError, check_size
from standards.filters import ORDERING_FIELDS, catalog_filterset
from standards.forms import ImportForm
from standards.importing import rejected_rows
from standards.models import Standard

PAGE_SIZES = (25, 50, 100, 200)


def standard_list(request):
    filterset = catalog_filterset()(
        request.GET or None, queryset=Standard.objects.for_listing(), request=request
    )
    queryset = filterset.qs if filterset.is_bound else filterset.queryset
    ordering = request.GET.get("ordering", "")
    if ordering.removeprefix("-") in ORDERING_FIELDS:  # one minus, not "--number"
        queryset = queryset.order_by(ordering, "number")
    page_size = _page_size(request)
    page = Paginator(queryset, page_size).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = query.copy()
    sort_query.pop("ordering", None)
    return render(
        request,
        "standards/list.html",
        {
            "filter": filterset,
            "page": page,
            "ordering": ordering,
            "query": query.urlencode(),
            "sort_query": sort_query.urlencode(),
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
            "history": selectors.standard_history(standard=standard),
            "panels": panels.panels(),
            "correspondence_history": standard.correspondences.model.history.filter(
                standard_id=standard.pk
            )
            .select_related("history_user")
            .order_by("-history_date")[:50],
        },
    )


@require_http_methods(["GET", "POST"])
def standard_import(request):
    """Validate an upload; import it if it is clean (or if invalid rows may be skipped)."""
    if not is_coordinator(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    report = result = None
    if request.method == "POST" and form.is_valid():
        upload, options = form.cleaned_data["file"], form.cleaned_data
        try:
            check_size(upload.size, settings.IMPORT_MAX_BYTES)
            report = selectors.catalog_read(upload.read(), filename=upload.name)
        except CatalogFileError as exc:
            form.add_error("file", str(exc))
        else:
            if (report.ok or options["skip_invalid"]) and not options["dry_run"]:
                result = _import(request, form, report, name=upload.name)
            # not when the import was refused: the page must say so, not a download
            if report.errors and options["download_rejects"] and not form.errors:
                header, rows = rejected_rows(report)
                return exports.small_csv_response("rejects.csv", header, rows)
    return render(
        request, "standards/import.html", {"form": form, "report": report, "result": result}
    )


def _import(request, form, report, *, name: str):
    """Write a checked file; when another import is running, say so on the form instead."""
    try:
        result = services.standards_import(
            records=report.records, columns=report.columns, by=request.user, reason=f"import {name}"
        )
    except services.ImportInProgress as exc:
        form.add_error(None, str(exc))
        return None
    messages.success(
        request,
        _("Imported: %(created)d new, %(updated)d updated, %(unchanged)d unchanged.")
        % result.summary(),
    )
    return result
