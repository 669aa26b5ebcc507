"""The survey dashboard: progress, a year's burn-down and the answers, as charts beside their numbers.

Coordinators see every ministry or pick one; ministry viewers see the standards in their remit only
(reviews.common.scope.survey_visible_standards, applied by the reports).
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from reviews.common import scope
from reviews.common.i18n import pick_pair
from reviews.evidence import selectors as evidence
from reviews.plan.selectors import current_programme
from reviews.reporting import charts
from reviews.reporting import selectors as reports
from reviews.survey.workflow import State
from standards import selectors as catalog
from standards.dates import fiscal_year_label
from standards.models import Division, Ministry
from standards.specifications.models import CitationStatusChoice

SECTIONS = (
    ("fiscal_year", _("By fiscal year")),
    ("ministry", _("By lead ministry")),
    ("division", _("By division")),
)


@require_GET
def survey_dashboard(request):
    if not scope.can_query_survey(request.user):
        raise PermissionDenied
    programme = current_programme()
    if programme is None:
        return render(request, "reviews/dashboard.html", {"programme": None})
    today = catalog.today()
    year = _chosen_year(request.GET.get("fiscal_year"), programme, today)
    ministries = list(Ministry.objects.all())
    ministry = _chosen_ministry(request, ministries)
    # every figure counts only the standards whose survey data the user may read
    scoped = {"programme": programme, "ministry": ministry, "user": request.user}
    progress = reports.progress(**scoped, fiscal_year=year, today=today)
    burndown = reports.burndown(**scoped, fiscal_year=year, today=today)
    answers = reports.answer_distribution(**scoped, fiscal_year=year)
    names = _ministry_names(ministries)
    alignment = reports.alignment_breakdown(ministry=ministry, user=request.user)
    for name in ("ministry", "division"):
        for row in alignment[name]:
            row["label"] = _row_label(name, row["key"], names)
    return render(
        request,
        "reviews/dashboard.html",
        {
            "programme": programme,
            "year": year,
            # the era name beside FY2026 in Japanese; in English the label is FY2026 itself
            "year_label": "" if fiscal_year_label(year) == f"FY{year}" else fiscal_year_label(year),
            "years": list(programme.fiscal_years),
            "ministry": ministry,
            "ministry_name": names.get(ministry, ""),
            "ministries": [(m.code, names[m.code]) for m in ministries],
            "can_choose_ministry": scope.survey_ministry(request.user) is None,
            "state_labels": [State(s).label for s in charts.STATE_COLUMNS],
            "legend": [(s, State(s).label) for s in charts.SEGMENT_ORDER],
            "sections": [
                _section(name, heading, progress[name], names, year) for name, heading in SECTIONS
            ],
            "burndown": burndown,
            "chart": charts.burndown_chart(burndown),
            "answers": answers,
            "questions": [charts.option_bars(q) for q in answers["questions"]],
            "alignment": alignment,
            "cited": _cited_by_status(request.user, ministry),
            "cited_statuses": CitationStatusChoice.choices,
            "alignment_sections": [
                ("ministry", _("By competent ministry"), alignment["ministry"]),
                ("division", _("By division"), alignment["division"]),
            ],
        },
    )


def _chosen_year(given: str | None, programme, today) -> int:
    """The year asked for, if it is one of the programme's; else the one containing today, kept
    within the programme's years."""
    if given and given.isascii() and given.isdigit() and int(given) in programme.fiscal_years:
        return int(given)
    return reports.default_fiscal_year(programme, today)


def _chosen_ministry(request, ministries) -> str | None:
    """Coordinators may narrow to a known ministry with ?ministry=; everyone else has theirs."""
    own = scope.survey_ministry(request.user)
    if own is not None:
        return own
    given = request.GET.get("ministry", "")
    return given if given in {m.code for m in ministries} else None


def _ministry_names(ministries) -> dict[str | None, str]:
    return {m.code: pick_pair(m.name_ja, m.name_en) for m in ministries}


def _section(name: str, heading, rows: list[dict], names: dict, year: int) -> dict:
    bars = charts.progress_bars(rows, name)
    for bar in bars:
        bar["label"] = _row_label(name, bar["key"], names)
        bar["current"] = name == "fiscal_year" and bar["key"] == year
        for segment in bar["segments"]:
            segment["label"] = State(segment["state"]).label
    return {"name": name, "heading": heading, "rows": bars, "for_year": name != "fiscal_year"}


def _row_label(name: str, key, names: dict) -> str:
    if key is None:
        return "—"
    if name == "fiscal_year":
        return fiscal_year_label(key)
    if name == "ministry":
        return names.get(key, key)
    return f"{key} {Division(key).label}" if key in Division.values else key


def _cited_by_status(user, ministry: str | None) -> list[dict]:
    """The JIS cited in the specifications the user sees, by status, a row per ministry (the chosen
    one only, when one is chosen)."""
    rows = evidence.cited_standards_by_status(user)
    return [row for row in rows if not ministry or row["ministry"] == ministry]
