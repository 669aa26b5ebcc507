"""Follow-up actions on priority standards: the list with filters and exports, create and status
change (the panel on a standard's page is reviews.follow_ups.selectors.follow_up_panel)."""

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from reviews.common import scope
from reviews.follow_ups import selectors, services
from reviews.follow_ups.filters import FollowUpFilter
from reviews.follow_ups.forms import FollowUpForm, FollowUpStatusForm
from reviews.follow_ups.models import FollowUp
from standards import exports

PAGE_SIZE = 50


def _require_survey_access(request) -> None:
    if not scope.can_query_survey(request.user):
        raise PermissionDenied


def _filtered(request) -> FollowUpFilter:
    queryset = selectors.visible_follow_ups(request.user).select_related(
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
        follow_up.editable = selectors.can_edit_follow_up(
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
        selectors.visible_follow_ups(request.user).select_related("standard"), pk=pk
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
        for follow_up in _filtered(request).qs.iterator()
    )
    name = f"follow-ups-{today.isoformat()}.{fmt}"
    if fmt == "xlsx":
        return exports.xlsx_response(name, "follow-ups", header, rows)
    return exports.csv_response(name, header, rows)
