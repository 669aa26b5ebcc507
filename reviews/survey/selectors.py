"""Reads of the survey shared by its services, pages, API, filters and the standard page's panel."""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role, has_role, is_coordinator
from reviews.common import scope
from reviews.common.i18n import pick
from reviews.plan.models import PlanEntry, Programme
from reviews.precheck.routing import pinned_routes
from reviews.survey import batching
from reviews.survey.models import (
    Assignment,
    Batch,
    QuestionnaireVersion,
    RoutingRule,
    StandardOutcome,
    batch_label,
    batch_name,
)
from reviews.survey.questionnaire import SINGLE_ANSWER_TYPES
from reviews.survey.workflow import OPEN_STATES, State
from standards.models import Division
from standards.selectors import ministry_choices

QUESTIONNAIRE = "jis-procurement"


def questionnaire_current(code: str = QUESTIONNAIRE) -> QuestionnaireVersion | None:
    return QuestionnaireVersion.objects.filter(code=code).order_by("-version").first()


# The filter pages offer the current questionnaire's questions without a query. Each version's
# questions are cached under its id and content hash, so such an entry is never stale; which version
# is current is cached only for a few minutes, and forgotten as soon as another is published.
_CURRENT_KEY = "reviews:questionnaire-current:{code}"
_QUESTIONS_KEY = "reviews:answer-questions:{pk}:{digest}"
CURRENT_SECONDS = 300
QUESTIONS_SECONDS = 24 * 3600


def single_answer_questions(code: str = QUESTIONNAIRE) -> list[dict]:
    """The current questionnaire's single-choice and yes/no questions (cached; one query if not)."""
    current = cache.get(_CURRENT_KEY.format(code=code))
    if current == (None, None):
        return []
    if current is not None:
        found = cache.get(_QUESTIONS_KEY.format(pk=current[0], digest=current[1]))
        if found is not None:
            return found
    row = (
        QuestionnaireVersion.objects.filter(code=code)
        .order_by("-version")
        .values_list("pk", "content_hash", "definition")
        .first()
    )
    pk, digest, definition = row or (None, None, {})
    found = [q for q in definition.get("questions", []) if q.get("type") in SINGLE_ANSWER_TYPES]
    if pk is not None:
        cache.set(_QUESTIONS_KEY.format(pk=pk, digest=digest), found, QUESTIONS_SECONDS)
    cache.set(_CURRENT_KEY.format(code=code), (pk, digest), CURRENT_SECONDS)
    return found


def questionnaire_current_forget(code: str = QUESTIONNAIRE) -> None:
    """Forget which version is current, so the next read finds the one just published."""
    cache.delete(_CURRENT_KEY.format(code=code))


def reviewers():
    """Everyone who may be given assignments, by username."""
    return get_user_model().objects.filter(groups__name=Role.REVIEWER).order_by("username")


# --- who sees which assignments and batches --------------------------------------------------


def visible_assignments(user):
    """Reviewers see their own; coordinators and ministry viewers those on standards whose survey
    data they may read (read only for viewers)."""
    queryset = Assignment.objects.all()
    if has_role(user, Role.REVIEWER) and not is_coordinator(user):
        return queryset.filter(reviewer=user)
    if not scope.can_query_survey(user):
        return queryset.none()
    return scope.survey_visible_standards(user, queryset, standard="standard")


def withdrawn_assignment(user, pk):
    """The last record of `user`'s assignment `pk` if it was taken back with its batch (a
    withdrawn batch's assignments are deleted, kept in their history); None otherwise."""
    return (
        Assignment.history.filter(id=pk, history_type="-", reviewer=user)
        .select_related("standard", "questionnaire", "history_user")
        .order_by("-history_date")
        .first()
    )


def visible_batches(user):
    queryset = Batch.objects.all()
    if is_coordinator(user):
        return queryset
    if has_role(user, Role.REVIEWER):
        return queryset.filter(assignments__reviewer=user).distinct()
    return queryset.none()


def batches_with_progress(batches, *, today):
    """`batches` with their assignments counted in each workflow state (`n_<state>`) and those
    still owed past their due date (`n_overdue`), in the same query."""
    counts = {f"n_{s}": Count("assignments", filter=Q(assignments__state=s)) for s in State.values}
    overdue = Count(
        "assignments", filter=Q(assignments__state__in=OPEN_STATES, assignments__due_on__lt=today)
    )
    return batches.annotate(**counts, n_overdue=overdue)


# --- cutting batches ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedBatch:
    """One batch a cut would make; `rules` names the routing rules that chose its reviewer, in
    words (empty when the coordinator chose the reviewer)."""

    name: str
    label: str  # the name in the active language
    reviewer: Any
    standards: list
    rules: list[str]


@dataclass(frozen=True)
class BatchPlan:
    """Every batch a cut would make, and what it was asked for; nothing of it is written yet."""

    fiscal_year: int
    due_on: dt.date
    max_size: int
    criteria: dict
    questionnaire: QuestionnaireVersion
    batches: list[PlannedBatch]

    @property
    def n_standards(self) -> int:
        return sum(len(batch.standards) for batch in self.batches)

    def by_reviewer(self) -> list[tuple[Any, int, int]]:
        """(reviewer, batches, standards) for each reviewer, by name."""
        totals: dict[int, list] = {}
        for batch in self.batches:
            row = totals.setdefault(batch.reviewer.pk, [batch.reviewer, 0, 0])
            row[1] += 1
            row[2] += len(batch.standards)
        return sorted((tuple(row) for row in totals.values()), key=lambda r: r[0].username)

    @cached_property
    def digest(self) -> str:
        """Changes when anything the coordinator was shown would change: the due date, or any
        batch's reviewer or standards."""
        shape = [self.due_on.isoformat(), self.questionnaire.pk]
        shape += [[b.reviewer.pk, [s.pk for s in b.standards]] for b in self.batches]
        return hashlib.sha256(json.dumps(shape).encode()).hexdigest()


def batch_plan(
    *,
    programme: Programme,
    fiscal_year: int,
    due_on: dt.date,
    max_size: int,
    reviewer=None,
    ministry: str | None = None,
    division: str | None = None,
    drafting_body: str | None = None,
    today: dt.date | None = None,
) -> BatchPlan:
    """The batches that reviews.survey.services.batches_create would make of the year's
    not-yet-batched plan entries matching the selection, at most `max_size` standards each.
    Without a reviewer, each batch goes to its routing pool's reviewer with the least open work.
    Raises ValidationError saying why there can be none: a due date before today (Asia/Tokyo),
    nothing left to batch, no questionnaire, or a standard no routing rule covers."""
    today = today or timezone.localdate()
    if due_on < today:
        # every reviewer of the batch would be told at once that they are already long overdue
        raise ValidationError(
            {
                "due_on": _(
                    "The due date %(date)s is in the past (today is %(today)s); "
                    "choose today or a later day."
                )
                % {"date": due_on.isoformat(), "today": today.isoformat()}
            }
        )
    entries = unbatched_entries(
        programme, fiscal_year, ministry=ministry, division=division, drafting_body=drafting_body
    )
    if not entries:
        raise ValidationError(
            _("No standard of FY%(year)s matches this selection, or all are already in batches.")
            % {"year": fiscal_year}
        )
    form = questionnaire_current()
    if form is None:
        raise ValidationError(_("No questionnaire has been published yet."))
    standards = {entry.standard.pk: entry.standard for entry in entries}
    pinned = pinned_routes(programme, fiscal_year) if reviewer is None else {}
    items = [routing_item(s, pinned=pinned.get(s.pk)) for s in standards.values()]
    cuts, users = _cuts(items, max_size, reviewer)
    criteria = {
        key: value
        for key, value in (
            ("ministry", ministry),
            ("division", division),
            ("drafting_body", drafting_body),
        )
        if value
    }
    prefix = batch_name(fiscal_year, criteria, 0).rpartition(" #")[0]
    first = _next_batch_number(programme, prefix)
    batches = [
        PlannedBatch(
            name=batch_name(fiscal_year, criteria, number),
            label=batch_label(fiscal_year, criteria, number),
            reviewer=users[c.reviewer],
            standards=[standards[item.key] for item in c.items],
            rules=[_rule_in_words(route) for route in c.routes],
        )
        for number, c in enumerate(cuts, start=first)
    ]
    return BatchPlan(fiscal_year, due_on, max_size, criteria, form, batches)


def routing_item(
    standard, *, pinned: tuple[str, str] | None = None, key: int | None = None
) -> batching.Item:
    """What routing reads of a standard (its drafting body, division and ministries: select and
    prefetch them); `pinned`, the pool the pre-check re-routed it to for the year; `key`, what
    the cuts name it by (the standard's id unless given, e.g. an assignment's)."""
    return batching.Item(
        key=standard.pk if key is None else key,
        number=standard.number,
        division=standard.division,
        drafting_body=standard.drafting_body.name if standard.drafting_body else "",
        ministries=tuple(m.code for m in standard.ministries.all()),
        pinned=pinned,
    )


def routing_pools() -> tuple[list[batching.Route], dict[int, Any]]:
    """Every routing rule with its active reviewers, as batching reads them, and those reviewers
    by id (two queries). Batch creation, the pre-check's lists and a deactivated person's work
    going back to routing all route through this, so they agree on who is in which pool."""
    rules = list(RoutingRule.objects.prefetch_related("reviewers"))
    users = {u.pk: u for rule in rules for u in rule.reviewers.all() if u.is_active}
    routes = [
        batching.Route(
            rule.kind, rule.value, tuple(u.pk for u in rule.reviewers.all() if u.is_active)
        )
        for rule in rules
    ]
    return routes, users


def _cuts(items, max_size: int, reviewer) -> tuple[list[batching.Cut], dict]:
    """The cuts and the users they name, by id: all to `reviewer`, else by the routing rules."""
    if reviewer is not None:
        return batching.cut(items, max_size=max_size, reviewer=reviewer.pk), {reviewer.pk: reviewer}
    routes, users = routing_pools()
    try:
        cuts = batching.cut(
            items,
            max_size=max_size,
            routes=routes,
            load=open_work(list(users)),
            names={pk: user.username for pk, user in users.items()},
        )
    except batching.Unrouted as unrouted:
        raise ValidationError(
            _("No routing rule covers %(number)s; choose a reviewer for this batch.")
            % {"number": unrouted.item.number}
        ) from None
    return cuts, users


def _rule_in_words(route: batching.Route) -> str:
    kind = RoutingRule.Kind(route.kind).label
    if route.kind == RoutingRule.Kind.MINISTRY:
        value = dict(ministry_choices()).get(route.value, route.value)
    elif route.kind == RoutingRule.Kind.DIVISION and route.value in Division.values:
        value = f"{route.value} {Division(route.value).label}"
    else:
        value = route.value
    return f"{kind}: {value}"


def routing_rules() -> list[tuple[str, list[str]]]:
    """Every routing rule in words with its active reviewers' names, most specific kind first."""
    order = {kind: index for index, kind in enumerate(batching.KINDS)}
    rules = sorted(
        RoutingRule.objects.prefetch_related("reviewers"),
        key=lambda rule: (order.get(rule.kind, len(order)), rule.value),
    )
    return [
        (
            _rule_in_words(batching.Route(rule.kind, rule.value, ())),
            sorted(u.username for u in rule.reviewers.all() if u.is_active),
        )
        for rule in rules
    ]


def batches_withdrawn(limit: int = 10):
    """The latest batches withdrawn (deleted, kept in their history), newest first, with who did it."""
    return (
        Batch.history.filter(history_type="-")
        .select_related("history_user", "reviewer")
        .order_by("-history_date")[:limit]
    )


def _next_batch_number(programme: Programme, prefix: str) -> int:
    """After the highest "<prefix> #n" of the programme, so a second cut of the same selection
    does not repeat the first one's names."""
    names = Batch.objects.filter(programme=programme, name__startswith=f"{prefix} #")
    numbers = [
        int(tail)
        for tail in (n.removeprefix(f"{prefix} #") for n in names.values_list("name", flat=True))
        if tail.isascii() and tail.isdigit()
    ]
    return max(numbers, default=0) + 1


def unbatched_entries(
    programme: Programme, fiscal_year: int, *, ministry=None, division=None, drafting_body=None
) -> list[PlanEntry]:
    """The year's plan entries with no assignment yet, filtered, in catalog order, with what
    routing reads of each standard."""
    entries = (
        programme.entries.filter(fiscal_year=fiscal_year)
        .exclude(standard__assignments__fiscal_year=fiscal_year)
        .select_related("standard__drafting_body")
        .prefetch_related("standard__ministries")
        .order_by("standard__division", "standard__number")
    )
    if ministry:
        entries = entries.filter(standard__ministries__code=ministry)
    if division:
        entries = entries.filter(standard__division=division)
    if drafting_body:
        entries = entries.filter(standard__drafting_body__name=drafting_body)
    return list(entries.distinct())


def open_work(users) -> dict[int, int]:
    """User id → number of assignments still waiting for their answer."""
    rows = (
        Assignment.objects.filter(reviewer__in=users, state__in=OPEN_STATES)
        .values("reviewer")
        .annotate(n=Count("id"))
        .values_list("reviewer", "n")
    )
    return dict(rows)


# --- the survey outcome panel on a standard's page -----------------------------------------


def outcome_panel(user, standard) -> dict | None:
    """None (no panel) unless the user may read the standard's survey results; else the accepted
    outcome, if any, and a link to its response when the user may open it. Three queries at most."""
    if not scope.can_see_survey_data(user, standard):
        return None
    outcome = (
        StandardOutcome.objects.filter(standard_id=standard.pk)
        .select_related("accepted_by", "response__assignment__questionnaire")
        .first()
    )
    assignment_id = outcome.response.assignment_id if outcome else None
    may_open = (
        assignment_id is not None and visible_assignments(user).filter(pk=assignment_id).exists()
    )
    return {
        "outcome": outcome,
        "recommended_action": _choice_label(outcome, "recommended_action") if outcome else "",
        "response_url": reverse("reviews:assignment", args=[assignment_id]) if may_open else None,
    }


def _choice_label(outcome: StandardOutcome, key: str) -> str:
    """The answer stored on the outcome in words of the questionnaire it was given on (確認, not
    confirm), in the active language."""
    value = getattr(outcome, key)
    definition = outcome.response.assignment.questionnaire.definition
    for question in definition["questions"]:
        if question["key"] == key:
            labels = {c["value"]: c["label"] for c in question.get("choices", [])}
            return pick(labels[value]) if value in labels else value
    return value


def plan_panel(user, standard) -> dict | None:
    """The standard's place in the review, for its page: its latest assignment and that
    assignment's state, which are survey data, for those the survey rule lets read the standard's
    results (a link when they may open it); its year in the plan for them and for those who read
    the plan. None when the user may see neither."""
    may_survey = scope.can_see_survey_data(user, standard)
    if not (may_survey or scope.can_read_plan(user)):
        return None
    entry = (
        PlanEntry.objects.filter(standard_id=standard.pk)
        .select_related("programme")
        .order_by("-programme__start_fy")
        .first()
    )
    assignment = None
    if may_survey:
        assignment = (
            Assignment.objects.filter(standard_id=standard.pk)
            .select_related("reviewer", "batch")
            .order_by("-fiscal_year")
            .first()
        )
    may_open = assignment is not None and (
        visible_assignments(user).filter(pk=assignment.pk).exists()
    )
    return {
        "entry": entry,
        "assignment": assignment,
        "may_survey": may_survey,
        "overdue": assignment is not None
        and assignment.state in OPEN_STATES
        and assignment.due_on < timezone.localdate(),
        "assignment_url": reverse("reviews:assignment", args=[assignment.pk]) if may_open else None,
    }
