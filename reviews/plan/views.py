"""The coordinators' plan screen: counts, charts, the backlog against the capacity (and a preview at
another), re-planning on the worker, locking and unlocking a year, moving a standard, exports."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import is_coordinator
from reviews.common import scope
from reviews.plan import selectors, services
from reviews.plan.forms import CapacityForm, MoveForm
from reviews.plan.models import PlanEntry, PlanRun
from standards import exports
from standards.dates import fiscal_year_label
from standards.numbers import InvalidJisNumber, parse_jis_number

CHART_HEIGHT = 160
CHART_SLOT = 100  # horizontal room per year in the bar chart, in SVG units


def _readable_programme(request):
    if not scope.can_read_plan(request.user):
        raise PermissionDenied
    return selectors.current_programme()


@require_GET
def plan_overview(request):
    if not scope.can_read_plan(request.user):
        raise PermissionDenied
    programme, locks = selectors.current_programme_with_locks()
    if programme is None:
        return render(request, "reviews/plan_empty.html")
    return render(request, "reviews/plan.html", _plan_context(request, programme, locks=locks))


def _plan_context(request, programme, form: MoveForm | None = None, locks=None) -> dict:
    """The plan screen; `form` is a refused move, else an empty one offering the open years."""
    today = timezone.localdate()
    locks = selectors.year_locks(programme) if locks is None else locks
    years = selectors.plan_years(programme, today, locks)
    if form is None:
        form = MoveForm(years=[y["fiscal_year"] for y in years if not y["locked"]])
    top = max([programme.capacity_limit, *(y["total"] for y in years)]) or 1
    for index, year in enumerate(years):
        year["height"] = round(CHART_HEIGHT * year["total"] / top)
        year["y"] = CHART_HEIGHT - year["height"]
        year["x"] = index * CHART_SLOT
    capacity_form = CapacityForm(request.GET or None)
    capacity = capacity_form.cleaned_data["capacity"] if capacity_form.is_valid() else None
    backlog = selectors.plan_backlog(programme, today=today, capacity=capacity, locks=locks)
    return {
        "programme": programme,
        "years": years,
        "capacity_y": CHART_HEIGHT - round(CHART_HEIGHT * programme.capacity_limit / top),
        "chart_height": CHART_HEIGHT,
        "chart_width": CHART_SLOT * len(years),
        "ministry_rows": _rows(
            selectors.plan_counts(programme, "ministry"), programme.fiscal_years
        ),
        "division_rows": _rows(
            selectors.plan_counts(programme, "division"), programme.fiscal_years
        ),
        "form": form,
        "capacity_form": capacity_form,
        "backlog": backlog,
        "backlog_ratio": backlog.due_first_year / backlog.capacity if backlog.capacity else 0,
        "backlog_ministries": _backlog_ministries(backlog, programme.fiscal_years),
        "no_longer_planned": _no_longer_planned(years, backlog),
        "run": selectors.plan_run_latest(programme),
        "lock_history": selectors.lock_history(programme),
        "manual_moves": selectors.manual_moves(programme),
        "can_edit": is_coordinator(request.user),
    }


def _no_longer_planned(years, backlog) -> int:
    """Entries of standards the review no longer plans (withdrawn, or TS/TR): the next re-plan
    removes them. Only the plan as it stands tells (a preview plans other years)."""
    if backlog.preview or backlog.lateness is None:
        return 0
    return max(0, sum(y["total"] for y in years) - backlog.lateness.planned)


def _backlog_ministries(backlog, fiscal_years) -> list[dict]:
    """The by-ministry table of the backlog: name, planned, late, and late per year."""
    if backlog.lateness is None:
        return []
    return [
        {
            "name": backlog.ministry_names.get(row.ministry, row.ministry)
            if row.ministry
            else selectors.NO_MINISTRY,
            "planned": row.planned,
            "late": row.late,
            "late_by_year": [row.late_by_year.get(year, 0) for year in fiscal_years],
        }
        for row in backlog.lateness.by_ministry
    ]


def _rows(table: dict[str, dict[int, int]], fiscal_years) -> list[dict]:
    rows = []
    for label, counts in table.items():
        total = sum(counts.values()) or 1
        cells = [counts.get(year, 0) for year in fiscal_years]
        offsets, start = [], 0.0
        for n in cells:
            offsets.append({"x": round(start, 2), "width": round(100 * n / total, 2), "n": n})
            start += 100 * n / total
        rows.append({"label": label, "cells": cells, "total": sum(cells), "segments": offsets})
    return rows


def _editable_programme(request, year: int | None = None):
    if not is_coordinator(request.user):
        raise PermissionDenied
    programme = selectors.current_programme()
    if programme is None or (year is not None and year not in programme.fiscal_years):
        raise Http404
    return programme


@require_http_methods(["GET", "POST"])
def plan_lock_year(request, year: int):
    """Lock a year, after a confirmation page (a POST without `confirm` shows it too)."""
    programme = _editable_programme(request, year)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        services.plan_year_lock(programme=programme, year=year, by=request.user)
        messages.success(
            request,
            _("%(year)s is locked: re-planning will not change it.")
            % {"year": fiscal_year_label(year)},
        )
        return redirect("reviews:plan")
    return _confirm_page(request, programme, year, lock=True)


@require_http_methods(["GET", "POST"])
def plan_unlock_year(request, year: int):
    """Unlock a year locked by hand, after a confirmation page; the unlock enters its history."""
    programme = _editable_programme(request, year)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            services.plan_year_unlock(
                programme=programme, year=year, by=request.user, today=timezone.localdate()
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("%(year)s is unlocked: re-planning may change it again.")
                % {"year": fiscal_year_label(year)},
            )
        return redirect("reviews:plan")
    return _confirm_page(request, programme, year, lock=False)


def _confirm_page(request, programme, year: int, *, lock: bool):
    """What locking (or unlocking) the year does, with the button that does it; a year already in
    the state asked for goes back to the plan, saying so."""
    row = next(
        y for y in selectors.plan_years(programme, timezone.localdate()) if y["fiscal_year"] == year
    )
    if lock and row["locked"]:
        messages.info(request, _("%(year)s is locked already.") % {"year": fiscal_year_label(year)})
        return redirect("reviews:plan")
    if not lock and not row["locked"]:
        messages.info(request, _("%(year)s is not locked.") % {"year": fiscal_year_label(year)})
        return redirect("reviews:plan")
    return render(
        request,
        "reviews/plan_lock_confirm.html",
        {"programme": programme, "year": row, "lock": lock},
    )


@require_POST
def plan_replan(request, enqueue):
    """Re-plan on the worker; the plan screen follows the run. `enqueue` comes from reviews/urls.py:
    the plan step may not import the tasks module, which imports every step."""
    programme = _editable_programme(request)
    _run, new = services.plan_run_request(programme=programme, by=request.user, enqueue=enqueue)
    if not new:
        messages.info(request, _("A re-plan is already under way: its progress is shown below."))
    return redirect(reverse("reviews:plan") + "#replan")


@require_GET
def plan_run_status(request, pk: int):
    """Where a re-plan run is, for the plan screen to poll (static/js/plan.js)."""
    if not scope.can_read_plan(request.user):
        raise PermissionDenied
    run = selectors.plan_run_for_reader(pk)
    if run is None:
        raise Http404
    return JsonResponse(
        {
            "id": run.pk,
            "state": run.state,
            "state_label": str(run.get_state_display()),
            "step": run.step,
            "steps": PlanRun.Step.FINISHED.value,
            "step_label": str(run.get_step_display()),
            "finished": not run.is_open,
        }
    )


@require_POST
def plan_move(request):
    if not is_coordinator(request.user):
        raise PermissionDenied
    programme = selectors.current_programme()
    if programme is None:
        return redirect("reviews:plan")
    form = MoveForm(request.POST, years=programme.fiscal_years)
    if form.is_valid():
        try:
            entry = _entry_for(programme, form.cleaned_data["number"])
            services.plan_entry_move(
                entry=entry,
                fiscal_year_to=form.cleaned_data["fiscal_year"],
                note=form.cleaned_data["note"],
                by=request.user,
                today=timezone.localdate(),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request,
                _("%(number)s moved to FY%(year)s.")
                % {"number": entry.standard.number, "year": entry.fiscal_year},
            )
            return redirect("reviews:plan")
    return render(request, "reviews/plan.html", _plan_context(request, programme, form), status=400)


def _entry_for(programme, text: str) -> PlanEntry:
    try:
        number = parse_jis_number(text).canonical
    except InvalidJisNumber as exc:
        raise ValidationError({"number": str(exc)}) from None
    entry = selectors.plan_entry_for_number(programme, number)
    if entry is None:
        raise ValidationError({"number": _("%(number)s is not in the plan.") % {"number": number}})
    return entry


PLAN_HEADER = [
    "number",
    "title_ja",
    "fiscal_year",
    "reason",
    "locked",
    "lead_ministry",
    "division",
    "review_due_on",
]


@require_GET
def plan_export(request, fmt: str):
    programme = _readable_programme(request)
    if programme is None:
        raise PermissionDenied
    rows = (
        [
            e.standard.number,
            e.standard.title_ja,
            e.fiscal_year,
            e.reason,
            e.locked,
            e.ministry_id or "",
            e.standard.division,
            e.standard.review_due_on,
        ]
        for e in selectors.plan_entries(programme).iterator()
    )
    name = f"plan-FY{programme.start_fy}.{fmt}"
    if fmt == "xlsx":
        return exports.xlsx_response(name, "plan", PLAN_HEADER, rows)
    return exports.csv_response(name, PLAN_HEADER, rows)
