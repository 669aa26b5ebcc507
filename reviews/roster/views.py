"""The coordinators' roster screen (名簿): upload a roster, see what it would do, confirm it; and
the coverage of the catalog's drafting bodies by people who answer for them."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import is_coordinator
from reviews.roster import selectors, services, uploads
from reviews.roster.forms import ConfirmForm, RosterForm
from reviews.roster.rows import COLUMNS, ROLE_LABELS
from standards.catalog_files import CatalogFileError

# Rows of each list shown on the preview; the counts say how many there are in all.
SHOWN = 200


def _coordinator(request) -> None:
    if not is_coordinator(request.user):
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
def roster_upload(request):
    """Check an upload as a dry run and show what it would do; a clean one can be confirmed."""
    _coordinator(request)
    form = RosterForm(request.POST or None, request.FILES or None)
    result = confirm = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        deactivate_missing = form.cleaned_data["deactivate_missing"]
        data = upload.read()
        try:
            result = services.roster_import(
                rows_or_file=data,
                by=request.user,
                dry_run=True,
                deactivate_missing=deactivate_missing,
                filename=upload.name,
            )
        except CatalogFileError as exc:
            form.add_error("file", str(exc))
        else:
            if result.ok:
                token = uploads.upload_keep(
                    user=request.user,
                    data=data,
                    filename=upload.name,
                    deactivate_missing=deactivate_missing,
                )
                confirm = ConfirmForm(initial={"token": token})
    return render(request, "reviews/roster.html", _context(form, result, confirm))


@require_POST
def roster_confirm(request):
    """Import the upload that was checked; back to the form if it has expired or has become
    invalid since (the people or the catalog changed)."""
    _coordinator(request)
    form = ConfirmForm(request.POST)
    kept = uploads.upload_take(user=request.user, token=form.data.get("token", ""))
    if not form.is_valid() or kept is None:
        messages.error(
            request, _("This preview has expired or was already imported; upload the file again.")
        )
        return redirect("reviews:roster")
    try:
        result = services.roster_import(
            rows_or_file=kept["data"],
            by=request.user,
            deactivate_missing=kept["deactivate_missing"],
            filename=kept["filename"],
        )
    except CatalogFileError as exc:  # the catalog's bodies or ministries changed since
        messages.error(request, str(exc))
        return redirect("reviews:roster")
    if not result.ok:
        return render(request, "reviews/roster.html", _context(RosterForm(), result, None))
    messages.success(
        request,
        _(
            "Roster imported: %(created)d created and invited, %(changed)d changed, "
            "%(unchanged)d unchanged, %(deactivated)d deactivated."
        )
        % {
            "created": len(result.created),
            "changed": len(result.updated),
            "unchanged": result.unchanged,
            "deactivated": len(result.deactivated),
        },
    )
    return redirect("reviews:roster-coverage")


def _context(form, result, confirm) -> dict:
    return {
        "form": form,
        "result": result,
        "confirm": confirm,
        "shown": SHOWN,
        "columns": COLUMNS,
        "roles": ROLE_LABELS,
        "coverage": result.coverage if result else None,
    }


@require_GET
def roster_coverage(request):
    """Drafting bodies of the catalog with nobody to answer for their standards."""
    _coordinator(request)
    coverage = selectors.coverage(today=timezone.localdate())
    return render(request, "reviews/roster_coverage.html", {"coverage": coverage})
