"""The coordinators' screen: import international data (or check it), see what it changed."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.roles import is_coordinator
from standards.alignment import selectors, services
from standards.alignment.forms import InternationalImportForm
from standards.alignment.tasks import enqueue_recompute
from standards.catalog_files import CatalogFileError, check_size

SHOWN_ERRORS = 500


@require_http_methods(["GET", "POST"])
def international_import(request):
    if not is_coordinator(request.user):
        raise PermissionDenied
    form = InternationalImportForm(request.POST or None, request.FILES or None)
    report = result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            check_size(upload.size, settings.IMPORT_MAX_BYTES)
            report = selectors.international_read(upload.read(), filename=upload.name)
        except CatalogFileError as exc:
            form.add_error("file", str(exc))
        else:
            if report.ok:
                result = services.international_import(
                    records=report.records,
                    dry_run=form.cleaned_data["dry_run"],
                    on_commit=enqueue_recompute,
                )
                if not result.dry_run:
                    messages.success(
                        request,
                        _(
                            "Imported: %(created)d new, %(updated)d updated, %(unchanged)d "
                            "unchanged. Alignments are being recomputed."
                        )
                        % result.summary(),
                    )
    return render(
        request,
        "standards/international_import.html",
        {
            "form": form,
            "report": report,
            "result": result,
            "errors": report.errors[:SHOWN_ERRORS] if report else [],
            "shown": SHOWN_ERRORS,
            "data": selectors.international_data_summary(),
            "counts": selectors.alignment_counts(),
        },
    )
