"""The coordinators' plan screen: counts, charts, locking a year, moving a standard, exports."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import is_coordinator
from reviews.common import scope
from reviews.plan import selectors, services
from reviews.plan.forms import MoveForm
from reviews.plan.models import PlanEntry
from standards import exports
from standards.numbers import InvalidJisNumber, parse_jis_number

CHART_HEIGHT = 160
CHART_SLOT = 100  # horizontal room per year in the bar chart, in SVG units


def _readable_programme(request):
    if not scope.can_read_plan(request.user):
        raise PermissionDenied
    return selectors.current_programme()


@require_GET
def plan_overview(request):
    programme = _readable_programme(request)
    if programme is None:
        return render(request, "reviews/plan_empty.html")
    return render(
        request,
        "reviews/plan.html",
        _plan_context(request, programme, MoveForm(years=programme.fiscal_years)),
    )


def _plan_context(request, programme, form) -> dict:
    today = timezone.localdate()
    years = selectors.plan_years(programme, today)
    top = max([programme.capacity_limit, *(y["total"] for y in years)]) or 1
    for index, year in enumerate(years):
        year["height"] = round(CHART_HEIGHT * year["total"] / top)
        year["y"] = CHART_HEIGHT - year["height"]
        year["x"] = index * CHART_SLOT
    ministries = selectors.plan_counts(programme, "ministry")
    return {
        "programme": programme,
        "years": years,
        "capacity_y": CHART_HEIGHT - round(CHART_HEIGHT * programme.capacity_limit / top),
        "chart_height": CHART_HEIGHT,
        "chart_width": CHART_SLOT * len(years),
        "ministry_rows": _rows(ministries, programme.fiscal_years),
        "division_rows": _rows(
            selectors.plan_counts(programme, "division"), programme.fiscal_years
        ),
        "form": form,
        "manual_moves": selectors.manual_moves(programme),
        "can_edit": is_coordinator(request.user),
    }


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


@require_POST
def plan_lock_year(request, year: int):
    if not is_coordinator(request.user):
        raise PermissionDenied
    programme = selectors.current_programme()
    if programme is None or year not in programme.fiscal_years:
        raise PermissionDenied
    services.plan_year_lock(programme=programme, year=year, by=request.user)
    messages.success(
        request, _("FY%(year)s is locked: re-planning will not change it.") % {"year": year}
    )
    return redirect("reviews:plan")


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
