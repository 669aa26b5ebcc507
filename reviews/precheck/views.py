"""The pre-check pages (an organisation's list with 確認 / 担当外 on each row, the coordinators'
overview and one mark's resolution) and the hand-over of an assignment to a colleague."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.roles import Role, has_role, is_coordinator
from jisreview.pagination import screen_page
from reviews.plan.selectors import current_programme
from reviews.precheck import selectors, services
from reviews.precheck.filters import HandOverFilter
from reviews.precheck.forms import (
    AnswerForm,
    HandOverForm,
    ListChooser,
    OverviewChooser,
    ResolveForm,
)
from reviews.precheck.models import PrecheckAnswer, Verdict
from reviews.survey.models import Assignment
from reviews.survey.workflow import CLOSED_STATES
from standards.models import Standard

ROWS_PER_PAGE = 100
SHOWN = {
    "": lambda row: True,
    "pending": lambda row: row.on_list and row.answer is None,
    "confirmed": lambda row: row.answer is not None and row.answer.verdict == Verdict.CONFIRMED,
    "not_ours": lambda row: row.answer is not None and row.answer.verdict == Verdict.NOT_OURS,
}


def _coordinator_only(request):
    if not is_coordinator(request.user):
        raise PermissionDenied


def _back(request, fallback: str) -> HttpResponseRedirect:
    """Back to the page the form was on (its query kept), never elsewhere."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = fallback
    return HttpResponseRedirect(target or fallback)


def precheck_list(request):
    """GET: the user's organisations' lists for a year. POST: one row's answer, or confirm all."""
    if not (is_coordinator(request.user) or has_role(request.user, Role.REVIEWER)):
        raise PermissionDenied
    programme = current_programme()
    if programme is None:
        return render(request, "reviews/precheck/list.html", {"programme": None})
    if request.method == "POST":
        return _answer(request, programme)
    coordinator = is_coordinator(request.user)
    mine = selectors.user_organisations(request.user)
    default_year = selectors.default_year(programme)
    # the organisations a coordinator may open are those of the chosen year's routing: read it first
    chooser = ListChooser(
        request.GET, programme=programme, organisations=mine, default_year=default_year
    )
    year = chooser.chosen_year()
    routing = selectors.year_routing(programme, year)
    if coordinator:
        everyone = sorted(
            set(mine) | set(routing.organisations()), key=selectors.organisation_order
        )
        chooser = ListChooser(
            request.GET, programme=programme, organisations=everyone, default_year=default_year
        )
    chosen = chooser.chosen_organisation()
    shown = [chosen] if chosen else ([] if coordinator and not mine else mine)
    lists = selectors.organisation_lists(programme, year, shown, routing)
    if not chosen:  # a pool with nothing routed to it this year has nothing to check
        lists = [lst for lst in lists if lst.rows]
    shown_lists, page = _pages(request, lists, SHOWN[chooser.chosen_show()])
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reviews/precheck/list.html",
        {
            "programme": programme,
            "chooser": chooser,
            "year": year,
            "lists": shown_lists,
            "page": page,
            "query": query.urlencode(),
            "bodies": selectors.drafting_bodies().values_list("name", flat=True),
            "coordinator": coordinator,
            "member_of_none": not mine,
            "here": request.get_full_path(),
        },
    )


def _pages(request, lists, keep) -> tuple[list, object]:
    """(list, its rows to draw, how many more) for each list: one list is paged, ROWS_PER_PAGE
    rows a page (a ministry's pool can hold most of a year); of several, each shows its first
    ROWS_PER_PAGE and links to itself alone for the rest."""
    if len(lists) == 1:
        rows = [row for row in lists[0].rows if keep(row)]
        page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
        return [(lists[0], page.object_list, 0)], page
    shown = []
    for lst in lists:
        rows = [row for row in lst.rows if keep(row)]
        shown.append((lst, rows[:ROWS_PER_PAGE], max(len(rows) - ROWS_PER_PAGE, 0)))
    return shown, None


def _answer(request, programme):
    here = reverse("reviews:precheck")
    year = _posted_year(request, programme)
    organisation = selectors.organisation_from_key(request.POST.get("organisation", ""))
    if organisation is None or not selectors.may_answer_for(request.user, organisation):
        raise PermissionDenied
    if request.POST.get("action") == "confirm_all":
        count = services.precheck_confirm_all(
            programme=programme, fiscal_year=year, organisation=organisation, by=request.user
        )
        messages.success(
            request,
            ngettext("%(count)d standard confirmed.", "%(count)d standards confirmed.", count)
            % {"count": count},
        )
        return _back(request, here)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _problems(form))
        return _back(request, here)
    standard = get_object_or_404(Standard, pk=form.cleaned_data["standard"])
    try:
        services.precheck_answer(
            programme=programme,
            fiscal_year=year,
            organisation=organisation,
            standard=standard,
            verdict=form.cleaned_data["verdict"],
            right_body=form.cleaned_data["right_body"],
            comment=form.cleaned_data["comment"],
            by=request.user,
        )
    except ValidationError as refused:
        messages.error(request, f"{standard.number}: " + " ".join(refused.messages))
        return _back(request, here)
    if form.cleaned_data["verdict"] == Verdict.NOT_OURS:
        messages.success(
            request,
            _("%(number)s marked not yours; the coordinators will re-route it.")
            % {"number": standard.number},
        )
    else:
        messages.success(request, _("%(number)s confirmed.") % {"number": standard.number})
    return _back(request, here)


def _posted_year(request, programme) -> int:
    year = request.POST.get("year", "")
    if year.isascii() and year.isdigit() and int(year) in programme.fiscal_years:
        return int(year)
    raise PermissionDenied


def _problems(form) -> str:
    return " ".join(
        f"{form.fields[name].label}: {' '.join(errors)}"
        if name in form.fields and form.fields[name].label
        else " ".join(errors)
        for name, errors in form.errors.items()
    )


def precheck_overview(request):
    """Coordinators: the marks to resolve, the organisations that have not confirmed their list,
    the standards nobody can answer, and the re-routes made."""
    _coordinator_only(request)
    programme = current_programme()
    if programme is None:
        return render(request, "reviews/precheck/overview.html", {"programme": None})
    chooser = OverviewChooser(
        request.GET, programme=programme, default_year=selectors.default_year(programme)
    )
    year = chooser.chosen_year()
    routing = selectors.year_routing(programme, year)
    progress = selectors.progress(programme, year, routing)
    marks = selectors.marks(programme, year)
    if chooser.chosen_marks() == "open":
        marks = marks.filter(resolution="")
    elif chooser.chosen_marks() == "resolved":
        marks = marks.exclude(resolution="")
    marks = list(marks)
    for mark in marks:
        mark.organisation_name = selectors.organisation_name((mark.route_kind, mark.route_value))
    reroutes = _named(selectors.reroutes(programme, year))
    return render(
        request,
        "reviews/precheck/overview.html",
        {
            "programme": programme,
            "chooser": chooser,
            "year": year,
            "marks": marks,
            "n_open": sum(1 for m in marks if m.is_open_mark),
            "not_confirmed": [p for p in progress if p.pending],
            "n_organisations": len(progress),
            "unrouted": [(pk, routing.numbers[pk]) for pk in routing.unrouted],
            "reroutes": reroutes,
        },
    )


def mark_detail(request, pk: int):
    """One "not ours": what the organisation said, the standard's re-routes, and the resolution."""
    _coordinator_only(request)
    answer = get_object_or_404(
        PrecheckAnswer.objects.select_related(
            "standard", "right_body", "answered_by", "resolved_by"
        ),
        pk=pk,
        verdict=Verdict.NOT_OURS,
    )
    targets = selectors.reroute_targets()
    if request.method == "POST":
        form = ResolveForm(request.POST, targets=targets)
        if form.is_valid():
            keep = request.POST.get("action") == "keep"
            if not keep and form.cleaned_data["to"] is None:
                form.add_error("to", _("Choose where the standard goes, or keep it here."))
            else:
                try:
                    services.mark_resolve(
                        answer=answer,
                        to=None if keep else form.cleaned_data["to"],
                        note=form.cleaned_data["note"],
                        by=request.user,
                    )
                except ValidationError as refused:
                    _add_errors(form, refused)
                else:
                    messages.success(
                        request, _("%(number)s resolved.") % {"number": answer.standard.number}
                    )
                    overview = reverse("reviews:precheck-overview")
                    return redirect(f"{overview}?year={answer.fiscal_year}")
        status = 400
    else:
        form = ResolveForm(initial={"to": _suggested(answer, targets)}, targets=targets)
        status = 200
    return render(
        request,
        "reviews/precheck/mark.html",
        {
            "answer": answer,
            "organisation": selectors.organisation_name((answer.route_kind, answer.route_value)),
            "form": form,
            "history": _named(
                answer.standard.reroutes.filter(fiscal_year=answer.fiscal_year)
                .select_related("by")
                .order_by("at", "id")
            ),
        },
        status=status,
    )


def _named(reroutes) -> list:
    """The re-routes with their pools in words (a ministry's name, not its code)."""
    reroutes = list(reroutes)
    for reroute in reroutes:
        reroute.from_name = selectors.organisation_name((reroute.from_kind, reroute.from_value))
        reroute.to_name = selectors.organisation_name((reroute.to_kind, reroute.to_value))
    return reroutes


def _suggested(answer: PrecheckAnswer, targets) -> str:
    """The pool of the body the organisation named, when it has one."""
    if answer.right_body is None:
        return ""
    key = selectors.organisation_key(("drafting_body", answer.right_body.name))
    return key if key in dict(targets) else ""


def _add_errors(form, refused: ValidationError) -> None:
    if hasattr(refused, "error_dict"):
        for field, errors in refused.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, refused.messages)


# --- hand-overs ------------------------------------------------------------------------------


def assignment_hand_over(request, pk: int, enqueue=None):
    """The reviewer of an assignment gives it to a colleague of the same organisation; the
    colleague's notice is rung for with `enqueue` (the outbox's, handed over by the URLconf)."""
    assignment = get_object_or_404(
        Assignment.objects.select_related("standard", "batch"), pk=pk, reviewer=request.user
    )
    form = HandOverForm(request.POST or None, user=request.user)
    closed = assignment.state in CLOSED_STATES
    if request.method == "POST" and not closed and form.is_valid():
        try:
            services.assignment_hand_over(
                assignment=assignment,
                to=form.cleaned_data["to"],
                comment=form.cleaned_data["comment"],
                by=request.user,
                enqueue=enqueue,
            )
        except ValidationError as refused:
            _add_errors(form, refused)
        else:
            to = form.cleaned_data["to"]
            messages.success(
                request,
                _("%(number)s handed over to %(name)s.")
                % {"number": assignment.standard.number, "name": to.get_full_name() or to.username},
            )
            return redirect("reviews:assignments")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "reviews/precheck/hand_over.html",
        {"assignment": assignment, "form": form, "closed": closed},
        status=status,
    )


def hand_over_list(request):
    """Coordinators: every hand-over, newest first, filtered by person or year."""
    _coordinator_only(request)
    filterset = HandOverFilter(request.GET, queryset=selectors.hand_overs())
    page, query = screen_page(request, filterset.qs, 100)
    return render(
        request,
        "reviews/precheck/hand_overs.html",
        {"filter": filterset, "page": page, "query": query},
    )
