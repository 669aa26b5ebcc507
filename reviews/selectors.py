"""Reads for the review programme shared by the planner service, pages, API and exports."""

from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce

from reviews.models import PlanEntry, Programme
from reviews.planning import Item
from standards.dates import fiscal_year
from standards.models import Ministry, Standard, Status


def lead_ministries() -> dict[int, str]:
    """Standard id → its lead ministry: the first of its ministries in the ministries' order."""
    order = dict(Ministry.objects.values_list("code", "sort_order"))
    lead: dict[int, str] = {}
    for standard_id, code in Standard.ministries.through.objects.values_list(
        "standard_id", "ministry_id"
    ):
        if standard_id not in lead or (order[code], code) < (
            order[lead[standard_id]],
            lead[standard_id],
        ):
            lead[standard_id] = code
    return lead


def locked_years(programme: Programme, today) -> frozenset[int]:
    """Years locked by hand, and years that have started, once a first plan has filled them."""
    current = fiscal_year(today) if programme.planned_at is not None else programme.start_fy - 1
    manual = set(programme.plan_years.exclude(locked_at=None).values_list("fiscal_year", flat=True))
    return frozenset(y for y in programme.fiscal_years if y <= current or y in manual)


def planning_items(
    programme: Programme, locked: frozenset[int]
) -> tuple[list[Item], dict[str, int]]:
    """The planner's input (keyed by number) and number → standard id, from the catalog and plan."""
    current = {
        standard_id: (year, is_locked)
        for standard_id, year, is_locked in programme.entries.values_list(
            "standard_id", "fiscal_year", "locked"
        )
    }
    lead = lead_ministries()
    items, ids = [], {}
    rows = Standard.objects.filter(status=Status.ACTIVE).values_list(
        "id", "number", "review_due_fy", "fast_track"
    )
    for standard_id, number, due_fy, fast_track in rows:
        year, pinned = current.get(standard_id, (None, False))
        items.append(
            Item(
                key=number,
                due_year=due_fy,
                ministry=lead.get(standard_id, ""),
                fast_track=fast_track,
                current_year=year,
                fixed=year is not None and (pinned or year in locked),
            )
        )
        ids[number] = standard_id
    return items, ids


def current_programme() -> Programme | None:
    return Programme.objects.order_by("-start_fy").first()


def plan_years(programme: Programme, today) -> list[dict]:
    """Each year with its total, capacity and lock state."""
    totals = dict(
        programme.entries.values("fiscal_year")
        .annotate(n=Count("id"))
        .values_list("fiscal_year", "n")
    )
    rows = {y.fiscal_year: y for y in programme.plan_years.all()}
    current = fiscal_year(today) if programme.planned_at is not None else programme.start_fy - 1
    return [
        {
            "fiscal_year": year,
            "total": totals.get(year, 0),
            "started": year <= current,
            "locked": year <= current or (year in rows and rows[year].locked_at is not None),
        }
        for year in programme.fiscal_years
    ]


def plan_counts(programme: Programme, dimension: str) -> dict[str, dict[int, int]]:
    """Counts per (ministry or division) and fiscal year: {label: {year: n}}."""
    column = {"ministry": F("ministry__name_ja"), "division": F("standard__division")}[dimension]
    table: dict[str, dict[int, int]] = {}
    rows = (
        programme.entries.annotate(label=column)
        .values("label", "fiscal_year")
        .annotate(n=Count("id"))
        .values_list("label", "fiscal_year", "n")
    )
    for label, year, n in rows:
        table.setdefault(label or "—", {})[year] = n
    return dict(sorted(table.items(), key=lambda pair: -sum(pair[1].values())))


def plan_entries(programme: Programme):
    return (
        PlanEntry.objects.filter(programme=programme)
        .select_related("standard", "ministry")
        .order_by("fiscal_year", "standard__division", "standard__number")
    )


def manual_moves(programme: Programme, limit: int = 20):
    """The latest standards moved by hand, with the coordinator's reason."""
    return (
        programme.entries.filter(locked=True)
        .select_related("standard")
        .order_by("-updated_at")[:limit]
    )


def unbatched_entries(
    programme: Programme, fiscal_year: int, *, ministry=None, division=None, drafting_body=None
):
    """The year's plan entries with no assignment yet, filtered, in catalog order."""
    entries = (
        programme.entries.filter(fiscal_year=fiscal_year)
        .exclude(standard__assignments__fiscal_year=fiscal_year)
        .select_related("standard")
        .order_by("standard__division", "standard__number")
    )
    if ministry:
        entries = entries.filter(standard__ministries__code=ministry)
    if division:
        entries = entries.filter(standard__division=division)
    if drafting_body:
        entries = entries.filter(standard__drafting_body__name=drafting_body)
    return list(entries.distinct())


def routing_pool(standard) -> list:
    """Reviewers of the most specific routing rule matching the standard."""
    from reviews.models import RoutingRule

    ministries = list(standard.ministries.values_list("code", flat=True))
    wanted = [
        (
            RoutingRule.Kind.DRAFTING_BODY,
            [standard.drafting_body.name] if standard.drafting_body else [],
        ),
        (RoutingRule.Kind.DIVISION, [standard.division]),
        (RoutingRule.Kind.MINISTRY, ministries),
    ]
    for kind, values in wanted:
        rules = RoutingRule.objects.filter(kind=kind, value__in=values).prefetch_related(
            "reviewers"
        )
        pool = {user for rule in rules for user in rule.reviewers.all() if user.is_active}
        if pool:
            return sorted(pool, key=lambda user: user.username)
    return []


def open_work(users) -> dict[int, int]:
    """User id → number of assignments still waiting for their answer."""
    from reviews.models import Assignment
    from reviews.workflow import OPEN_STATES

    rows = (
        Assignment.objects.filter(reviewer__in=users, state__in=OPEN_STATES)
        .values("reviewer")
        .annotate(n=Count("id"))
        .values_list("reviewer", "n")
    )
    return dict(rows)


def open_items() -> list:
    """Every assignment still waiting for an answer, as the reminder rules see it (three queries)."""
    from reviews.models import Assignment
    from reviews.reminder_rules import OpenItem
    from reviews.workflow import OPEN_STATES

    assignments = (
        Assignment.objects.filter(state__in=OPEN_STATES)
        .select_related("reviewer", "batch__coordinator", "standard")
        .prefetch_related("standard__ministries")
    )
    items = []
    for a in assignments:
        ministries = sorted(a.standard.ministries.all(), key=lambda m: (m.sort_order, m.code))
        contact = next((m.contact_email for m in ministries if m.contact_email), "")
        coordinator = a.batch.coordinator.email if a.batch.coordinator else ""
        items.append(
            OpenItem(a.pk, a.standard.number, a.due_on, a.reviewer.email, coordinator, contact)
        )
    return items


def survey_standards(user):
    """Standards whose survey results the user may read, with their verdict, outcome and the
    counts the ministry screens show (plan year of the survey, open follow-up actions)."""
    from reviews import permissions as scope
    from reviews.models import FollowUp

    open_follow_ups = (
        FollowUp.objects.filter(
            standard=OuterRef("pk"),
            status__in=[FollowUp.Status.OPEN, FollowUp.Status.IN_PROGRESS],
        )
        .order_by()
        .values("standard")
        .annotate(n=Count("id"))
        .values("n")
    )
    survey_fy = (
        PlanEntry.objects.filter(standard=OuterRef("pk"))
        .order_by("-programme__start_fy")
        .values("fiscal_year")[:1]
    )
    queryset = (
        Standard.objects.select_related("priority", "outcome")
        .prefetch_related("ministries")
        .annotate(
            open_follow_ups=Coalesce(Subquery(open_follow_ups), 0),
            survey_fy=Subquery(survey_fy),
        )
    )
    return scope.survey_visible_standards(user, queryset)
