"""Reads of the pre-check: which standards of a fiscal year each organisation (routing pool) gets,
what it answered, which organisations have not confirmed, and the hand-overs between colleagues.

The lists are routed exactly as the year's batches will be (reviews.survey.batching.routes_for, with
the pre-check's re-routes pinned), so what an organisation confirms is what it will be sent."""

import operator
from collections import defaultdict
from dataclasses import dataclass, field
from functools import reduce

from django.contrib.auth import get_user_model
from django.db.models import F, Q
from django.utils import timezone

from accounts.roles import Role, is_coordinator
from reviews.plan.models import Programme
from reviews.precheck.models import HandOver, PrecheckAnswer, Reroute, Verdict
from reviews.precheck.routing import pinned_routes
from reviews.survey import batching
from reviews.survey import selectors as survey_selectors
from reviews.survey.models import Assignment, RoutingRule
from standards.models import Division, DraftingBody, Standard
from standards.selectors import ministry_choices

Organisation = tuple[str, str]  # (RoutingRule.kind, RoutingRule.value)


def organisation_name(organisation: Organisation) -> str:
    """An organisation in words: the drafting body's name, a division or a ministry's name."""
    kind, value = organisation
    if kind == RoutingRule.Kind.MINISTRY:
        return str(dict(ministry_choices()).get(value, value))
    if kind == RoutingRule.Kind.DIVISION and value in Division.values:
        return f"{value} {Division(value).label}"
    return value


def organisation_order(organisation: Organisation) -> tuple[int, str]:
    """Drafting bodies first, then divisions, then ministries (most specific first), by name."""
    return (batching.KINDS.index(organisation[0]), organisation[1])


def organisation_key(organisation: Organisation) -> str:
    """The organisation as one query-string value: `drafting_body:日本規格協会`."""
    return f"{organisation[0]}:{organisation[1]}"


def organisation_from_key(key: str) -> Organisation | None:
    kind, _sep, value = (key or "").partition(":")
    return (kind, value) if kind in RoutingRule.Kind.values and value else None


def fiscal_year_now() -> int:
    today = timezone.localdate()
    return today.year if today.month >= 4 else today.year - 1


def default_year(programme: Programme) -> int:
    """The year being checked: the first year of the programme, from this one on, with standards
    not yet in a batch (one query); the last year when every one is batched."""
    years = list(programme.fiscal_years)
    first = max(fiscal_year_now(), years[0])
    unbatched = (
        programme.entries.filter(fiscal_year__gte=first)
        .exclude(standard__assignments__fiscal_year=F("fiscal_year"))
        .order_by("fiscal_year")
        .values_list("fiscal_year", flat=True)
        .first()
    )
    return unbatched or next((year for year in years if year >= first), years[-1])


# --- routing a year -------------------------------------------------------------------------


@dataclass
class YearRouting:
    """Where each standard of a fiscal year goes: the organisations whose list it is on (several
    when several ministry pools share it), and the standards no pool with a reviewer covers. Plain
    ids and numbers: the pages fetch the standards they show."""

    numbers: dict[int, str]
    lists: dict[Organisation, list[int]] = field(default_factory=dict)
    unrouted: list[int] = field(default_factory=list)
    batched: set[int] = field(default_factory=set)

    def organisations(self) -> list[Organisation]:
        return sorted(self.lists, key=organisation_order)


def routes() -> list[batching.Route]:
    """Every routing rule with its active reviewers, as batching reads them (two queries)."""
    return survey_selectors.routing_pools()[0]


def year_items(programme: Programme, fiscal_year: int) -> list[batching.Item]:
    """What routing reads of every standard planned in the year, in catalog order, re-routes
    pinned: read as plain values (three queries), since a year is some 2,200 standards."""
    year = programme.entries.filter(fiscal_year=fiscal_year)
    rows = year.order_by("standard__division", "standard__number").values_list(
        "standard_id", "standard__number", "standard__division", "standard__drafting_body__name"
    )
    ministries = defaultdict(list)
    for standard_id, code in (
        Standard.ministries.through.objects.filter(standard__in=year.values("standard"))
        .order_by("ministry_id")
        .values_list("standard_id", "ministry_id")
    ):
        ministries[standard_id].append(code)
    pinned = pinned_routes(programme, fiscal_year)
    return [
        batching.Item(
            key=pk,
            number=number,
            division=division,
            drafting_body=body or "",
            ministries=tuple(ministries[pk]),
            pinned=pinned.get(pk),
        )
        for pk, number, division, body in rows
    ]


def year_routing(programme: Programme, fiscal_year: int) -> YearRouting:
    """Route every standard planned in the year, re-routes included, as its batch will be. Six
    queries, whatever the size of the year."""
    items = year_items(programme, fiscal_year)
    all_routes = routes()
    routing = YearRouting(numbers={i.key: i.number for i in items})
    for each in items:
        matched = batching.routes_for(each, all_routes)
        if not matched:
            routing.unrouted.append(each.key)
        for route in matched:
            routing.lists.setdefault((route.kind, route.value), []).append(each.key)
    routing.batched = set(
        Assignment.objects.filter(
            fiscal_year=fiscal_year,
            standard__in=programme.entries.filter(fiscal_year=fiscal_year).values("standard"),
        ).values_list("standard_id", flat=True)
    )
    return routing


def standard_organisations(
    programme: Programme, fiscal_year: int, standard: Standard
) -> list[Organisation]:
    """The organisations whose list for the year holds this one standard (as year_routing)."""
    pinned = pinned_routes(programme, fiscal_year).get(standard.pk)
    item = survey_selectors.routing_item(standard, pinned=pinned)
    return [(r.kind, r.value) for r in batching.routes_for(item, routes())]


# --- whose list a user may answer -------------------------------------------------------------


def user_organisations(user) -> list[Organisation]:
    """The routing pools the user answers for (one query)."""
    if not user.is_active:
        return []
    rows = RoutingRule.objects.filter(reviewers=user).values_list("kind", "value")
    return sorted(rows, key=organisation_order)


def may_answer_for(user, organisation: Organisation) -> bool:
    """Members of the pool answer for it; coordinators may answer for anyone (recorded as them)."""
    return is_coordinator(user) or organisation in user_organisations(user)


# --- one organisation's list ------------------------------------------------------------------


@dataclass
class ListRow:
    standard: Standard
    answer: PrecheckAnswer | None
    batched: bool
    on_list: bool = True  # False: marked "not ours" and re-routed elsewhere since


@dataclass
class OrganisationList:
    organisation: Organisation
    rows: list[ListRow]

    @property
    def name(self) -> str:
        return organisation_name(self.organisation)

    @property
    def key(self) -> str:
        return organisation_key(self.organisation)

    @property
    def pending(self) -> int:
        return sum(1 for row in self.rows if row.on_list and row.answer is None)

    @property
    def n_on_list(self) -> int:
        return sum(1 for row in self.rows if row.on_list)


def organisation_lists(
    programme: Programme,
    fiscal_year: int,
    organisations: list[Organisation],
    routing: YearRouting,
) -> list[OrganisationList]:
    """Each organisation's list for the year with its answers, then the standards it marked "not
    ours" that have gone elsewhere since. Two queries beyond the routing, however many lists."""
    if not organisations:
        return []
    which = reduce(
        operator.or_, (Q(route_kind=kind, route_value=value) for kind, value in organisations)
    )
    answers: dict[Organisation, dict[int, PrecheckAnswer]] = defaultdict(dict)
    for answer in PrecheckAnswer.objects.filter(
        which, programme=programme, fiscal_year=fiscal_year
    ).select_related("right_body", "answered_by", "resolved_by"):
        answers[answer.route_kind, answer.route_value][answer.standard_id] = answer
    gone = {
        org: sorted(set(answers[org]) - set(routing.lists.get(org, []))) for org in organisations
    }
    shown = {pk for org in organisations for pk in routing.lists.get(org, [])}
    shown |= {pk for pks in gone.values() for pk in pks}
    standards = Standard.objects.only("pk", "number", "title_ja", "title_en", "division").in_bulk(
        list(shown)
    )
    result = []
    for org in organisations:
        mine = answers[org]
        rows = [
            ListRow(standards[pk], mine.get(pk), pk in routing.batched)
            for pk in routing.lists.get(org, [])
        ]
        rows += [
            ListRow(standards[pk], mine[pk], pk in routing.batched, on_list=False)
            for pk in sorted(gone[org], key=lambda pk: standards[pk].number)
        ]
        result.append(OrganisationList(org, rows))
    return result


def drafting_bodies():
    """The catalog's bodies, for "the right body" (one query)."""
    return DraftingBody.objects.order_by("name")


# --- the coordinators' overview -----------------------------------------------------------------


@dataclass
class Progress:
    """How far one organisation is with its list."""

    organisation: Organisation
    total: int
    answered: int
    not_ours: int

    @property
    def name(self) -> str:
        return organisation_name(self.organisation)

    @property
    def key(self) -> str:
        return organisation_key(self.organisation)

    @property
    def pending(self) -> int:
        return self.total - self.answered


def progress(programme: Programme, fiscal_year: int, routing: YearRouting) -> list[Progress]:
    """Each organisation with a list this year: how many of its standards it has answered (one
    query beyond the routing)."""
    answered: dict[Organisation, dict[int, str]] = defaultdict(dict)
    rows = PrecheckAnswer.objects.filter(programme=programme, fiscal_year=fiscal_year).values_list(
        "route_kind", "route_value", "standard_id", "verdict"
    )
    for kind, value, standard_id, verdict in rows:
        answered[kind, value][standard_id] = verdict
    result = []
    for organisation in routing.organisations():
        mine = answered.get(organisation, {})
        on_list = routing.lists[organisation]
        verdicts = [mine[pk] for pk in on_list if pk in mine]
        result.append(
            Progress(
                organisation,
                total=len(on_list),
                answered=len(verdicts),
                not_ours=sum(v == Verdict.NOT_OURS for v in verdicts),
            )
        )
    return result


def marks(programme: Programme, fiscal_year: int):
    """Every "not ours" of the year, those still to resolve first (one query)."""
    return (
        PrecheckAnswer.objects.filter(
            programme=programme, fiscal_year=fiscal_year, verdict=Verdict.NOT_OURS
        )
        .select_related("standard", "right_body", "answered_by", "resolved_by")
        .order_by("-resolution", "answered_at", "id")
    )


def reroutes(programme: Programme, fiscal_year: int):
    """The year's re-routes, newest first: who, when, from, to (one query)."""
    return (
        Reroute.objects.filter(programme=programme, fiscal_year=fiscal_year)
        .select_related("standard", "by")
        .order_by("-at", "-id")
    )


def reroute_targets() -> list[tuple[str, str]]:
    """Every pool a standard can be re-routed to (a rule with an active reviewer), as choices:
    `kind:value` → words, drafting bodies first (two queries)."""
    targets = sorted(
        ((r.kind, r.value) for r in routes() if r.reviewers),
        key=organisation_order,
    )
    return [
        (
            organisation_key(org),
            f"{RoutingRule.Kind(org[0]).label}: {organisation_name(org)}",
        )
        for org in targets
    ]


# --- hand-overs -------------------------------------------------------------------------------


def colleagues(user):
    """Active reviewers of the user's organisation, the user excepted: the same routing pool, the
    same drafting body or ministry, or the same `organisation` named in the roster."""
    same = Q(routing_rules__in=RoutingRule.objects.filter(reviewers=user))
    if user.drafting_body_id:
        same |= Q(drafting_body_id=user.drafting_body_id)
    if user.ministry_id:
        same |= Q(ministry_id=user.ministry_id)
    organisation = (getattr(user, "organisation", "") or "").strip()
    if organisation:
        same |= Q(organisation=organisation)
    people = get_user_model().objects.filter(is_active=True, groups__name=Role.REVIEWER)
    ids = people.filter(same).exclude(pk=user.pk).values("pk")
    return get_user_model().objects.filter(pk__in=ids).order_by("username")


def hand_overs(*, assignment=None):
    """Hand-overs, newest first, with the standard and both people (one query)."""
    rows = HandOver.objects.select_related(
        "assignment__standard", "from_reviewer", "to_reviewer", "transition__by"
    )
    if assignment is not None:
        rows = rows.filter(assignment=assignment)
    return rows.order_by("-at", "-id")
