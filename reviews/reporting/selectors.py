"""Survey figures: progress by fiscal year, lead ministry and division; a year's burn-down against
the plan; and how accepted responses answered each choice question. A few grouped queries each, the
rest in Python.

Given a `user`, every figure counts only the standards whose survey data that user may read
(reviews.common.scope.survey_visible_standards); `ministry` narrows that to one ministry's remit."""

import calendar
import datetime as dt
from bisect import bisect_right
from collections import Counter, defaultdict

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    FilteredRelation,
    Min,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from reviews.common import figures, scope
from reviews.common.i18n import active_language, pick, pick_pair
from reviews.plan.models import PlanEntry
from reviews.survey.models import (
    Assignment,
    Batch,
    QuestionnaireVersion,
    Response,
    Transition,
)
from reviews.survey.questionnaire import SINGLE_ANSWER_TYPES
from reviews.survey.workflow import OPEN_STATES, Action, State
from standards.dates import fiscal_year as fiscal_year_of
from standards.dates import fiscal_year_bounds
from standards.models import Alignment, Standard, StandardAlignment

# dimension → its place in the (fiscal year, lead ministry, division) key both queries group by
DIMENSIONS = {"fiscal_year": 0, "ministry": 1, "division": 2}
DAILY_UP_TO_DAYS = 92  # a burn-down longer than a quarter is drawn week by week
STATES = tuple(State.values)


def progress(
    *,
    programme,
    ministry: str | None = None,
    fiscal_year: int | None = None,
    today=None,
    user=None,
) -> dict[str, list[dict]]:
    """Planned standards, assignments in each workflow state, and overdue ones, per fiscal year,
    lead ministry and division (two queries). A ministry sees only the standards in its remit; with
    `fiscal_year`, the ministry and division rows count that year only (the year rows, every year).
    Kept in the shared cache until the next committed write to what it counts (common.figures)."""
    today = today or timezone.localdate()
    parts = (programme.pk, ministry, fiscal_year, today, figures.scope_key(user))
    return figures.cached(
        "progress",
        parts,
        lambda: _progress_counted(programme, ministry, fiscal_year, today, user),
    )


def _progress_counted(programme, ministry, fiscal_year, today, user) -> dict[str, list[dict]]:
    entries = _in_remit(PlanEntry.objects.filter(programme=programme), ministry, user)
    planned = (
        entries.values_list("fiscal_year", "ministry_id", "standard__division")
        .annotate(n=Count("id"))
        .order_by()
    )
    late = Case(
        When(Q(state__in=OPEN_STATES, due_on__lt=today), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )
    assignments = (
        _in_remit(_assignments(programme), ministry, user)
        .annotate(plan=_plan_entry(programme), late=late)
        .values_list("fiscal_year", "plan__ministry_id", "standard__division", "state", "late")
        .annotate(n=Count("id"))
        .order_by()
    )
    tallies: dict[str, dict] = {name: defaultdict(Counter) for name in DIMENSIONS}
    # the plan changes far less often than the assignments' states: its counts are kept under the
    # plan's and the catalog's tables alone
    for *key, n in figures.rows(planned):
        _tally(tallies, key, fiscal_year, "planned", n)
    for *key, state, is_late, n in assignments:
        _tally(tallies, key, fiscal_year, state, n)
        if is_late:
            _tally(tallies, key, fiscal_year, "overdue", n)
    return {
        name: [
            _progress_row(name, group, counts)
            for group, counts in sorted(rows.items(), key=lambda pair: _none_last(pair[0]))
        ]
        for name, rows in tallies.items()
    }


def _tally(tallies, key: list, fiscal_year: int | None, column: str, n: int) -> None:
    for name, index in DIMENSIONS.items():
        if name != "fiscal_year" and fiscal_year is not None and key[0] != fiscal_year:
            continue
        tallies[name][key[index]][column] += n


def _progress_row(name: str, group, counts: Counter) -> dict:
    return {
        name: group,
        "planned": counts["planned"],
        **{state: counts[state] for state in STATES},
        "overdue": counts["overdue"],
    }


def _none_last(value):
    return (value is None, value)


def _assignments(programme):
    """The programme's assignments, its batches as a semi-join (PostgreSQL then leaves the join
    order of the grouping queries free, which measured faster than joining the batches)."""
    return Assignment.objects.filter(
        batch__in=Batch.objects.filter(programme=programme).values("pk")
    )


def _in_remit(queryset, ministry: str | None, user=None):
    """Rows whose standard is in the ministry's remit (any of its competent ministers) and, given a
    user, whose survey data the user may read (one test when the user sees the whole remit: a
    viewer asking for their own ministry's figures)."""
    if user is not None and not (ministry and scope.sees_whole_remit(user, ministry)):
        queryset = scope.survey_visible_standards(user, queryset, standard="standard")
    if not ministry:
        return queryset
    remit = Standard.ministries.through.objects.filter(
        standard=OuterRef("standard"), ministry=ministry
    )
    return queryset.filter(Exists(remit))


def _plan_entry(programme):
    """The standard's entry in the programme's plan: an assignment counts toward the lead ministry
    there, as in levelling (a join, not a subquery a row)."""
    return FilteredRelation(
        "standard__plan_entries", condition=Q(standard__plan_entries__programme=programme)
    )


def default_fiscal_year(programme, today) -> int:
    """The fiscal year containing today, kept within the programme's years."""
    years = programme.fiscal_years
    return min(max(fiscal_year_of(today), years.start), years.stop - 1)


# --- burn-down ---------------------------------------------------------------------------------


def burndown(
    *, programme, fiscal_year: int, ministry: str | None = None, today=None, user=None
) -> dict:
    """One survey year against its plan (three queries). The chart runs from the start of
    the fiscal year, 1 April, to the last due date (else 31 March), and on to today while the year
    lasts; the ideal line falls from the planned total on 1 April to zero on the due date, so months
    lost before the first batch show as a gap. Actual figures stop at today: remaining = planned −
    accepted, and the standards submitted at least once. Cached as progress() is."""
    today = today or timezone.localdate()
    parts = (programme.pk, fiscal_year, ministry, today, figures.scope_key(user))
    return figures.cached(
        "burndown",
        parts,
        lambda: _burndown_counted(programme, fiscal_year, ministry, today, user),
    )


def _burndown_counted(programme, fiscal_year, ministry, today, user) -> dict:
    april, march = fiscal_year_bounds(fiscal_year)
    planned = figures.counted(
        _in_remit(
            PlanEntry.objects.filter(programme=programme, fiscal_year=fiscal_year), ministry, user
        )
    )
    assignments = _in_remit(_assignments(programme).filter(fiscal_year=fiscal_year), ministry, user)
    start = april
    # the last due date changes with the batches, not with each answer: kept apart from the
    # submissions and acceptances (the transitions), which every draft adds to
    last = figures.rows(assignments.order_by("-due_on").values_list("due_on", flat=True)[:1])
    due = max(last[0] if last else march, start)
    end = max(due, min(today, march))
    submitted, accepted = _first_events(assignments)
    points = [
        _burndown_point(day, planned, start, due, today, submitted, accepted)
        for day in _days(start, end, today)
    ]
    return {
        "fiscal_year": fiscal_year,
        "planned": planned,
        "start": start,
        "due": due,
        "end": end,
        "today": today,
        "step_days": 1 if (end - start).days <= DAILY_UP_TO_DAYS else 7,
        "points": points,
        "months": _months(start, end, today, planned, submitted, accepted),
    }


def _first_events(assignments) -> tuple[list[dt.date], list[dt.date]]:
    """The days on which each assignment was first submitted, and accepted, in order."""
    rows = (
        Transition.objects.filter(
            assignment__in=assignments.values("pk"), action__in=(Action.SUBMIT, Action.ACCEPT)
        )
        .values_list("assignment_id", "action")
        .annotate(first=TruncDate(Min("at")))
        .order_by()
    )
    days: dict[str, list[dt.date]] = {Action.SUBMIT: [], Action.ACCEPT: []}
    for _assignment, action, first in rows:
        days[action].append(first)
    return sorted(days[Action.SUBMIT]), sorted(days[Action.ACCEPT])


def _days(start: dt.date, end: dt.date, today: dt.date) -> list[dt.date]:
    """Every day (or every seventh) from start to end, with the end and today always among them."""
    step = 1 if (end - start).days <= DAILY_UP_TO_DAYS else 7
    days = {start + dt.timedelta(days=n) for n in range(0, (end - start).days + 1, step)}
    days.add(end)
    if start < today < end:
        days.add(today)
    return sorted(days)


def _burndown_point(day, planned, start, due, today, submitted, accepted) -> dict:
    total_days = max((due - start).days, 1)
    ideal = max(planned * (due - day).days / total_days, 0.0)
    point = {"date": day, "ideal": round(ideal, 1)}
    point.update(remaining=None, submitted=None, accepted=None)
    if day <= today:
        done = bisect_right(accepted, day)
        point.update(
            remaining=max(planned - done, 0),
            submitted=bisect_right(submitted, day),
            accepted=done,
        )
    return point


def _months(start, end, today, planned, submitted, accepted) -> list[dict]:
    """Each month of the chart: first submissions and acceptances in it, and what remained at its
    end (or today, for the month under way); nothing yet for months to come."""
    months, first = [], start.replace(day=1)
    while first <= end:
        last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
        row = {"month": first, "submitted": None, "accepted": None, "remaining": None}
        if first <= today:
            until = min(last, today)
            before = first - dt.timedelta(days=1)
            row.update(
                submitted=bisect_right(submitted, until) - bisect_right(submitted, before),
                accepted=bisect_right(accepted, until) - bisect_right(accepted, before),
                remaining=max(planned - bisect_right(accepted, until), 0),
            )
        months.append(row)
        first = last + dt.timedelta(days=1)
    return months


# --- answers -----------------------------------------------------------------------------------


def answer_distribution(
    *, programme, fiscal_year: int, ministry: str | None = None, user=None
) -> dict:
    """For the questionnaire used in the year (the latest version, if several), each single-choice
    and yes/no question with the count of accepted responses per option and how many answered it
    (two queries). Labels are in the active language. Cached as progress() is."""
    parts = (programme.pk, fiscal_year, ministry, figures.scope_key(user), active_language())
    return figures.cached(
        "answers",
        parts,
        lambda: _answers_counted(programme, fiscal_year, ministry, user),
    )


def _answers_counted(programme, fiscal_year, ministry, user) -> dict:
    assignments = _in_remit(_assignments(programme).filter(fiscal_year=fiscal_year), ministry, user)
    form = (
        QuestionnaireVersion.objects.filter(pk__in=assignments.values("questionnaire_id"))
        .order_by("-published_at", "-version")
        .first()
    )
    if form is None:
        return {"fiscal_year": fiscal_year, "questionnaire": None, "responses": 0, "questions": []}
    answers = list(
        Response.objects.filter(
            assignment__in=assignments.filter(state=State.ACCEPTED).values("pk")
        ).values_list("answers", flat=True)
    )
    language = active_language()
    return {
        "fiscal_year": fiscal_year,
        "questionnaire": {
            "code": form.code,
            "version": form.version,
            "title": pick_pair(form.title_ja, form.title_en, language),
        },
        "responses": len(answers),
        "questions": [
            _question_counts(question, answers, language)
            for question in form.definition["questions"]
            if question["type"] in SINGLE_ANSWER_TYPES
        ],
    }


def _question_counts(question: dict, answers: list[dict], language: str) -> dict:
    if question["type"] == "yes_no":
        options = [(True, _("Yes")), (False, _("No"))]
    else:
        options = [(c["value"], pick(c["label"], language)) for c in question["choices"]]
    values = [value for value, _label_text in options]
    given = Counter(
        a.get(question["key"])
        for a in answers
        if any(_same(a.get(question["key"]), v) for v in values)
    )
    return {
        "key": question["key"],
        "type": question["type"],
        "label": pick(question["label"], language),
        "answered": sum(given.values()),
        "options": [
            {"value": value, "label": text, "count": given[value]} for value, text in options
        ],
    }


def _same(answer, value) -> bool:
    """Equal and of the same type: a yes/no answer True is not the choice 1."""
    return type(answer) is type(value) and answer == value


def alignment_breakdown(*, ministry: str | None = None, user=None) -> dict:
    """Standards by international alignment status, per competent ministry (a standard counts
    under each of its ministers) and per division, within the user's remit: one query over the
    stored alignments (standards.alignment), a row per standard and minister, counted here."""
    alignments = _in_remit(StandardAlignment.objects.all(), ministry, user)
    statuses = list(Alignment.values)
    by_ministry: dict = defaultdict(Counter)
    by_division: dict = defaultdict(Counter)
    counted = set()
    for standard_id, division, status, code in alignments.values_list(
        "standard_id", "standard__division", "status", "standard__ministries"
    ).order_by():
        if ministry is None or code == ministry:
            by_ministry[code][status] += 1
        if standard_id not in counted:
            counted.add(standard_id)
            by_division[division][status] += 1

    def rows(counters: dict) -> list[dict]:
        return [
            {
                "key": key,
                "counts": [(status, counters[key][status]) for status in statuses],
                "total": sum(counters[key].values()),
            }
            for key in sorted(counters, key=_none_last)
        ]

    return {
        "statuses": [(s, Alignment(s).label) for s in statuses],
        "ministry": rows(by_ministry),
        "division": rows(by_division),
    }
