"""Reads of the plan shared by the planner service, the plan screen, the API and exports."""

from django.db.models import Count, F

from reviews.plan.models import PlanEntry, Programme
from reviews.plan.planning import Item
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


def plan_entry_for_number(programme: Programme, number: str) -> PlanEntry | None:
    """The programme's entry for the standard with this (canonical) number, if it is planned."""
    return programme.entries.select_related("standard").filter(standard__number=number).first()
