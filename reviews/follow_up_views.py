"""Follow-up actions on priority standards: the list with filters and exports, create and status change,
and the panel on a standard's page."""

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, prefetch_related_objects
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from reviews import permissions as scope
from reviews import services
from reviews.follow_up_forms import (
    FollowUpFilter,
    FollowUpForm,
    FollowUpStatusForm,
)
from reviews.models import FollowUp, StandardPriority
from standards import exports
from standards.forms import DATE_PLACEHOLDER
from standards.models import Ministry

PAGE_SIZE = 50


def _require_survey_access(request) -> None:
    if not scope.can_query_survey(request.user):
        raise PermissionDenied


def _filtered(request) -> FollowUpFilter:
    queryset = scope.visible_follow_ups(request.user).select_related(
        "standard", "ministry", "created_by"
    )
    return FollowUpFilter(request.GET, queryset=queryset)


def _create_form(request, data=None) -> FollowUpForm:
    return FollowUpForm(data, ministry=scope.survey_ministry(request.user), auto_id="new_%s")


def _list_page(request, *, create_form=None, status_errors=None, status=200):
    filterset = _filtered(request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    page.object_list = list(page.object_list)
    if scope.survey_ministry(request.user) is not None:  # the remit check reads these
        prefetch_related_objects(page.object_list, "standard__ministries")
    for follow_up in page.object_list:
        follow_up.overdue = follow_up.is_overdue(today)
        follow_up.editable = scope.can_edit_follow_up(
            request.user, standard=follow_up.standard, ministry=follow_up.ministry_id
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reviews/follow_ups.html",
        {
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "statuses": FollowUp.Status.choices,
            "form": create_form or _create_form(request),
            "status_errors": status_errors or [],
            "here": request.get_full_path(),
        },
        status=status,
    )


@require_GET
def follow_up_list(request):
    _require_survey_access(request)
    return _list_page(request)


def _back(request):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("reviews:follow-ups")


@require_POST
def follow_up_create(request):
    _require_survey_access(request)
    form = _create_form(request, data=request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            follow_up = services.follow_up_create(
                standard=data["standard"],
                action=data["action"],
                ministry=data["ministry"],
                due_on=data["due_on"],
                note=data["note"],
                by=request.user,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Follow-up added to %(number)s: %(action)s")
                % {"number": follow_up.standard.number, "action": follow_up.action},
            )
            return _back(request)
    return _list_page(request, create_form=form, status=400)


def _add_errors(form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@require_POST
def follow_up_update(request, pk: int):
    _require_survey_access(request)
    follow_up = get_object_or_404(
        scope.visible_follow_ups(request.user).select_related("standard"), pk=pk
    )
    form = FollowUpStatusForm(request.POST)
    if not form.is_valid():
        errors = form.errors
    else:
        try:
            follow_up = services.follow_up_update(
                follow_up=follow_up, by=request.user, status=form.cleaned_data["status"]
            )
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"status": exc.messages}
        else:
            messages.success(
                request,
                _("%(number)s: “%(action)s” is now %(status)s.")
                % {
                    "number": follow_up.standard.number,
                    "action": follow_up.action,
                    "status": follow_up.get_status_display(),
                },
            )
            return _back(request)
    return _list_page(request, status_errors=_status_errors(follow_up, errors), status=400)


def _status_errors(follow_up, errors: dict) -> list[str]:
    """One line per problem, naming the follow-up and the field (messages quote the value)."""
    lines = []
    for name, problems in errors.items():
        label = _field_label(name)
        for message in problems:
            lines.append(f"{follow_up.standard.number} “{follow_up.action}” — {label}: {message}")
    return lines


def _field_label(name: str) -> str:
    try:
        return capfirst(FollowUp._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def _export_columns(today) -> list[tuple[str, object]]:
    return [
        (_("Number"), lambda f: f.standard.number),
        (_("Title"), lambda f: f.standard.title_ja),
        (_("Follow-up action"), lambda f: f.action),
        (_("Owner ministry"), lambda f: f.ministry.name_ja),
        (_("Due"), lambda f: f.due_on),
        (_("Status"), lambda f: f.get_status_display()),
        (_("Overdue"), lambda f: "○" if f.is_overdue(today) else ""),
        (_("Note"), lambda f: f.note),
        (_("Updated"), lambda f: timezone.localtime(f.updated_at).strftime("%Y-%m-%d %H:%M")),
    ]


@require_GET
def follow_up_export(request, fmt: str):
    """The filtered list as CSV or XLSX, read in chunks."""
    _require_survey_access(request)
    today = timezone.localdate()
    columns = _export_columns(today)
    header = [name for name, _value in columns]
    rows = (
        [value(follow_up) for _name, value in columns]
        for follow_up in _filtered(request).qs.iterator(chunk_size=2000)
    )
    name = f"follow-ups-{today.isoformat()}.{fmt}"
    if fmt == "xlsx":
        return exports.xlsx_response(name, "follow-ups", header, rows)
    return exports.csv_response(name, header, rows)


def panel_context(user, standard) -> dict | None:
    """What the panel on a standard's page shows; nothing (and no query) for users without access.

    At most two queries: the visible follow-ups of the standard, and `_ministries_to_add_for`.
    The standard's ministries come from the page's prefetch.
    """
    if not scope.can_query_survey(user):
        return None
    follow_ups = list(
        scope.visible_follow_ups(user).filter(standard=standard).select_related("ministry")
    )
    today = timezone.localdate()
    for follow_up in follow_ups:
        follow_up.overdue = follow_up.is_overdue(today)
        follow_up.editable = scope.can_edit_follow_up(
            user, standard=standard, ministry=follow_up.ministry_id
        )
    ministries = _ministries_to_add_for(user, standard)
    is_priority = bool(ministries) and ministries[0].standard_is_priority
    own = scope.survey_ministry(user)
    return {
        "follow_ups": follow_ups,
        "can_add": is_priority,
        "not_priority": bool(ministries) and not is_priority,
        "ministries": ministries if is_priority else [],
        "default_ministry": own or next((m.pk for m in standard.ministries.all()), None),
        "statuses": FollowUp.Status.choices,
        "date_placeholder": DATE_PLACEHOLDER,
        "create_url": reverse("reviews:follow-up-create"),
    }


def _ministries_to_add_for(user, standard) -> list[Ministry]:
    """The ministries the user may add follow-ups for on this standard, in one query, each marked
    with whether the standard is a priority (the same flag on every row); none without a query
    for a ministry viewer outside the standard's remit."""
    own = scope.survey_ministry(user)
    if own is not None and not scope.can_edit_follow_up(user, standard=standard, ministry=own):
        return []
    priority = StandardPriority.objects.filter(standard_id=standard.pk, is_priority=True)
    ministries = Ministry.objects.annotate(standard_is_priority=Exists(priority))
    return list(ministries if own is None else ministries.filter(pk=own))
