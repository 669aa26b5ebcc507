"""Catalog pages: list, detail with history, and the coordinators' import."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.roles import is_coordinator
from standards import import_files, panels, selectors, services
from standards.catalog_files import CatalogFileError, check_size
from standards.filters import ORDERING_FIELDS, StandardFilter
from standards.forms import ImportForm
from standards.importing import CLEAR_MARKER
from standards.models import Standard

PAGE_SIZES = (25, 50, 100, 200)
# Rows of each list (changes, warnings) on the import page; the downloads hold them all.
SHOWN = 200


def standard_list(request, filterset_class: type[StandardFilter] = StandardFilter):
    """The catalog, filtered. Another app may compose its filters in (a subclass of StandardFilter)
    where the project mounts this page (standards.urls.catalog_urls)."""
    filterset = filterset_class(
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
        },
    )


@require_http_methods(["GET", "POST"])
def standard_import(request):
    """Validate an upload; import it (or, as a dry run, list what it would change) if it is clean
    or if invalid rows may be skipped. The page shows the first of each list; the rest download."""
    if not is_coordinator(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    report = result = None
    files = {}
    if request.method == "POST" and form.is_valid():
        upload, options = form.cleaned_data["file"], form.cleaned_data
        try:
            check_size(upload.size, settings.IMPORT_MAX_BYTES)
            report = selectors.catalog_read(upload.read(), filename=upload.name)
        except CatalogFileError as exc:
            form.add_error("file", str(exc))
        else:
            if report.ok or options["skip_invalid"]:
                result = _import(
                    request, form, report, name=upload.name, dry_run=options["dry_run"]
                )
            files = import_files.import_files_keep(user=request.user, report=report, result=result)
    warnings = import_files.all_warnings(report, result) if report else []
    context = {
        "form": form,
        "report": report,
        "result": result,
        "files": files,
        "warnings": warnings[:SHOWN],
        "warning_count": len(warnings) + (report.more_warnings if report else 0),
        "shown": SHOWN,
        "clear_marker": CLEAR_MARKER,
    }
    return render(request, "standards/import.html", context)


def _import(request, form, report, *, name: str, dry_run: bool):
    """Write a checked file (or say what it would change); when another import is running, say
    so on the form instead."""
    try:
        result = services.standards_import(
            records=report.records,
            columns=report.columns,
            amendments=report.amendments,
            by=request.user,
            reason=f"import {name}",
            dry_run=dry_run,
            number_column=report.headers.get("number", "number"),
        )
    except services.ImportInProgress as exc:
        form.add_error(None, str(exc))
        return None
    if not dry_run:
        messages.success(
            request,
            _("Imported: %(created)d new, %(updated)d updated, %(unchanged)d unchanged.")
            % result.summary(),
        )
    if result.followed_on_worker:
        messages.info(
            request,
            _(
                "What follows from these changes (open survey assignments of withdrawn standards, "
                "priority verdicts, international alignment) is brought up to date in the "
                "background and shows within a few minutes."
            ),
        )
    return result


@require_http_methods(["GET"])
def standard_import_file(request, token: str, name: str):
    """changes.csv, rejects.csv or warnings.csv of an import this coordinator made."""
    if not is_coordinator(request.user):
        raise PermissionDenied
    text = import_files.import_file(user=request.user, token=token, name=name)
    if text is None:
        raise Http404(_("This list has expired; check the file again to get it."))
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
