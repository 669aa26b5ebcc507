"""Specification screens: upload and the documents kept, one document's citations (with its scan's
progress while the worker reads it), and the fix-it list with its exports."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import is_coordinator
from jisreview.pagination import screen_page
from standards import exports
from standards.specifications import selectors, services
from standards.specifications.forms import FixItFilter, UploadForm
from standards.specifications.models import (
    FINISHED_STATES,
    CitationStatusChoice,
    SpecificationDocument,
)
from standards.tasks import enqueue_scan

PAGE_SIZE = 50
# the documents of one upload shown together on the list page (?uploaded=1,2,3)
MAX_SHOWN_UPLOADED = 200


def _require_access(request) -> None:
    if not selectors.can_use_specifications(request.user):
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
def specification_list(request):
    _require_access(request)
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        ministries=selectors.upload_ministries(request.user),
        own_ministry=selectors.viewer_ministry(request.user),
    )
    if request.method == "POST" and form.is_valid():
        outcomes = services.specifications_upload(
            ministry=form.cleaned_data["ministry"],
            files=form.uploads(),
            title=form.cleaned_data["title"],
            by=request.user,
            enqueue=enqueue_scan,
        )
        _report(request, outcomes)
        ids = [str(o.document.pk) for o in outcomes if o.document is not None]
        target = reverse("standards:specifications")
        return redirect(f"{target}?uploaded={','.join(ids)}" if ids else target)
    documents = selectors.document_list(request.user)
    page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
    uploaded = _uploaded(request, documents)
    return render(
        request,
        "standards/specifications/list.html",
        {
            "form": form,
            "page": page,
            "uploaded": uploaded,
            "following": [d.pk for d in uploaded if not d.finished],
            "query": "",
        },
        status=400 if request.method == "POST" else 200,
    )


def _uploaded(request, documents) -> list:
    ids = [int(v) for v in request.GET.get("uploaded", "").split(",") if v.isdigit()]
    if not ids:
        return []
    chosen = {d.pk: d for d in documents.filter(pk__in=ids[:MAX_SHOWN_UPLOADED])}
    return [chosen[pk] for pk in ids if pk in chosen]


def _report(request, outcomes) -> None:
    created = sum(1 for o in outcomes if o.created)
    if created:
        messages.success(
            request,
            ngettext(
                "%(count)d document uploaded: it is being scanned.",
                "%(count)d documents uploaded: they are being scanned.",
                created,
            )
            % {"count": created},
        )
    for outcome in outcomes:
        if outcome.document is not None and not outcome.created:
            messages.info(
                request,
                _("%(name)s: already uploaded as “%(title)s” (%(date)s); not kept twice.")
                % {
                    "name": outcome.name,
                    "title": outcome.document.title,
                    "date": timezone.localtime(outcome.document.uploaded_at).strftime("%Y-%m-%d"),
                },
            )
        elif outcome.problem:
            messages.error(request, f"{outcome.name}: {outcome.problem}")


@require_GET
def specification_detail(request, pk: int):
    _require_access(request)
    document = get_object_or_404(
        selectors.visible_documents(request.user).select_related("ministry", "uploaded_by"), pk=pk
    )
    citations = list(selectors.document_citations(document)) if document.finished else []
    counts = {status: 0 for status in CitationStatusChoice.values}
    for citation in citations:
        counts[citation.status] += 1
    return render(
        request,
        "standards/specifications/detail.html",
        {
            "document": document,
            "citations": citations,
            "counts": [(CitationStatusChoice(s).label, s, n) for s, n in counts.items()],
            "following": [] if document.finished else [document.pk],
            "can_rescan": document.finished or document.lost,
        },
    )


@require_POST
def specification_rescan(request, pk: int):
    _require_access(request)
    document = get_object_or_404(selectors.visible_documents(request.user), pk=pk)
    services.specification_rescan(document=document, enqueue=enqueue_scan)
    messages.success(request, _("The document will be scanned again."))
    return redirect(document)


@require_GET
def specification_progress(request):
    """Where the scans of the documents asked for (?id=1&id=2) are, for the pages to poll
    (static/js/specifications.js)."""
    _require_access(request)
    ids = [int(v) for v in request.GET.getlist("id") if v.isdigit()][:MAX_SHOWN_UPLOADED]
    documents = selectors.visible_documents(request.user).filter(pk__in=ids)
    rows = documents.values("pk", "state", "pages_read", "pages")
    labels = dict(SpecificationDocument._meta.get_field("state").choices)
    return JsonResponse(
        {
            "documents": [
                {
                    "id": row["pk"],
                    "state": row["state"],
                    "state_label": str(labels[row["state"]]),
                    "pages_read": row["pages_read"],
                    "pages_label": _pages_read(row["pages_read"]),
                    "finished": row["state"] in FINISHED_STATES,
                }
                for row in rows
            ]
        }
    )


def _pages_read(count: int) -> str:
    if not count:
        return ""
    return ngettext("%(counter)s page read", "%(counter)s pages read", count) % {"counter": count}


# --- the fix-it list ------------------------------------------------------------------------------


def _fix_it(request) -> FixItFilter:
    return FixItFilter(request.GET, queryset=selectors.fix_it_citations(request.user))


@require_GET
def fix_it_list(request):
    _require_access(request)
    filterset = _fix_it(request)
    page, query = screen_page(request, filterset.qs, PAGE_SIZE)
    return render(
        request,
        "standards/specifications/fix_it.html",
        {
            "filter": filterset,
            "page": page,
            "query": query,
            "all_ministries": is_coordinator(request.user),
        },
    )


def fix_it_columns() -> list[tuple[str, object]]:
    return [
        (_("Ministry"), lambda c: c.document.ministry.name),
        (_("Document"), lambda c: c.document.title),
        (_("File"), lambda c: c.document.file_name),
        (_("Page or place"), lambda c: c.place),
        (_("Citation"), lambda c: c.text),
        (_("Number"), lambda c: c.number),
        (_("Cited edition"), lambda c: c.edition_year or ""),
        (_("Status"), lambda c: c.get_status_display()),
        (_("Current edition"), lambda c: c.current_edition),
        (_("Context"), lambda c: c.context),
    ]


@require_GET
def fix_it_export(request, fmt: str):
    _require_access(request)
    columns = fix_it_columns()
    header = [name for name, _value in columns]
    rows = ([value(c) for _name, value in columns] for c in _fix_it(request).qs.iterator(2000))
    name = f"specifications-fix-it-{timezone.localdate().isoformat()}.{fmt}"
    if fmt == "xlsx":
        return exports.xlsx_response(name, "fix-it", header, rows)
    return exports.csv_response(name, header, rows)
