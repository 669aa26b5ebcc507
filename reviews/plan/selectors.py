"""Reads of the plan shared by the planner service, the plan screen, the API and exports."""

from dataclasses import dataclass, field

from django.db.models import (
    BooleanField,
    Count,
    F,
    FilteredRelation,
    IntegerField,
    Q,
    Subquery,
    Value,
)
from django.utils.translation import gettext_lazy as _

from reviews.plan import backlog, planning
from reviews.plan.models import PlanEntry, PlanRun, PlanYear, Programme
from reviews.plan.planning import Item
from standards.dates import fiscal_year
from standards.models import Division, Standard
from standards.selectors import ministry_choices

# The label of standards without a competent ministry (public catalog files often omit it).
NO_MINISTRY = _("No competent ministry")


def lead_ministries() -> dict[int, str]:
    """Standard id → its lead ministry: the first of its ministries in the ministries' order. One
    ordered read of the link table: a correlated subquery per standard costs four times as much."""
    lead: dict[int, str] = {}
    rows = Standard.ministries.through.objects.order_by(
        "standard_id", "ministry__sort_order", "ministry_id"
    ).values_list("standard_id", "ministry_id")
    for standard_id, code in rows:
        lead.setdefault(standard_id, code)
    return lead


def current_programme_with_locks() -> tuple[Programme | None, dict[int, PlanYear]]:
    """The current programme and its years' locks in one read (each year carries its programme)."""
    latest = Programme.objects.order_by("-start_fy").values("pk")[:1]
    years = list(PlanYear.objects.filter(programme_id=Subquery(latest)).select_related("programme"))
    if not years:  # no programme, or one whose years were never made
        return current_programme(), {}
    return years[0].programme, {year.fiscal_year: year for year in years}


def year_locks(programme: Programme) -> dict[int, PlanYear]:
    """The programme's years by fiscal year, with their locks (none before the programme is saved)."""
    if programme.pk is None:
        return {}
    return {y.fiscal_year: y for y in programme.plan_years.all()}


def started_through(programme: Programme, today) -> int:
    """The last fiscal year under way: years up to it are locked, once a first plan has filled them."""
    return fiscal_year(today) if programme.planned_at is not None else programme.start_fy - 1


def locked_years(programme: Programme, today, locks: dict | None = None) -> frozenset[int]:
    """Years locked by hand, and years that have started, once a first plan has filled them."""
    locks = year_locks(programme) if locks is None else locks
    started = started_through(programme, today)
    manual = {year for year, row in locks.items() if row.locked_at is not None}
    return frozenset(y for y in programme.fiscal_years if y <= started or y in manual)


def planning_items(
    programme: Programme, locked: frozenset[int]
) -> tuple[list[Item], dict[str, int]]:
    """The planner's input (keyed by number) and number → standard id: every standard the review
    plans (active JIS; TS and TR documents are not reviewed) with its lead ministry and its year in
    the current plan; two reads."""
    rows = Standard.objects.plannable()
    if programme.pk is None:
        rows = rows.annotate(year=Value(None, IntegerField()), pinned=Value(False, BooleanField()))
    else:
        rows = rows.annotate(
            entry=FilteredRelation(
                "plan_entries", condition=Q(plan_entries__programme_id=programme.pk)
            ),
            year=F("entry__fiscal_year"),
            pinned=F("entry__locked"),
        )
    lead = lead_ministries()
    items, ids = [], {}
    for standard_id, number, due_fy, fast_track, year, pinned in rows.values_list(
        "id", "number", "review_due_fy", "fast_track", "year", "pinned"
    ).order_by():
        items.append(
            Item(
                key=number,
                due_year=due_fy,
                ministry=lead.get(standard_id, ""),
                fast_track=fast_track,
                current_year=year,
                fixed=year is not None and (bool(pinned) or year in locked),
            )
        )
        ids[number] = standard_id
    return items, ids


def current_programme() -> Programme | None:
    return Programme.objects.order_by("-start_fy").first()


def plan_years(programme: Programme, today, locks: dict | None = None) -> list[dict]:
    """Each year with its total and lock state: started, locked (by hand or started), and who
    locked it by hand, when."""
    locks = year_locks(programme) if locks is None else locks
    totals = dict(
        programme.entries.values("fiscal_year")
        .annotate(n=Count("id"))
        .values_list("fiscal_year", "n")
    )
    started = started_through(programme, today)
    rows = []
    for year in programme.fiscal_years:
        lock = locks.get(year)
        by_hand = lock is not None and lock.locked_at is not None
        rows.append(
            {
                "fiscal_year": year,
                "total": totals.get(year, 0),
                "started": year <= started,
                "locked": year <= started or by_hand,
                "locked_at": lock.locked_at if by_hand else None,
            }
        )
    return rows


def plan_counts(programme: Programme, dimension: str) -> dict[str, dict[int, int]]:
    """Counts per (lead ministry or division) and fiscal year: {label: {year: n}}, labels in the
    active language; standards without a competent ministry under their own label."""
    column = {"ministry": F("ministry_id"), "division": F("standard__division")}[dimension]
    names = dict(ministry_choices()) if dimension == "ministry" else dict(Division.choices)
    table: dict[str, dict[int, int]] = {}
    rows = (
        programme.entries.annotate(key=column)
        .values("key", "fiscal_year")
        .annotate(n=Count("id"))
        .values_list("key", "fiscal_year", "n")
    )
    for key, year, n in rows:
        if dimension == "division":
            label = f"{key} {names.get(key, '')}".strip()
        else:
            label = names.get(key, key) if key else str(NO_MINISTRY)
        table.setdefault(label, {})[year] = n
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


def lock_history(programme: Programme, limit: int = 20) -> list:
    """The latest locks and unlocks of the programme's years, with who made them."""
    return list(
        PlanYear.history.filter(programme_id=programme.pk, history_type="~")
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )


def plan_run_latest(programme: Programme) -> PlanRun | None:
    """The open re-plan run if there is one, else the last one that finished."""
    return (
        programme.runs.select_related("requested_by")
        .order_by(F("finished_at").desc(nulls_first=True), "-requested_at", "-pk")
        .first()
    )


def plan_run_for_reader(run_id: int) -> PlanRun | None:
    return PlanRun.objects.select_related("programme").filter(pk=run_id).first()


@dataclass
class PlanBacklog:
    """The backlog against a capacity: the plan as it stands (or, previewed at another capacity, the
    plan the planner would make, written nowhere), how late it runs, and the least capacity that
    puts every standard on time."""

    capacity: int
    limit: int
    preview: bool
    not_planned: int
    lateness: backlog.Lateness | None = None
    on_time: backlog.OnTime | None = None
    problem: str = ""  # why no plan fits at this capacity, when none does
    ministry_names: dict[str, str] = field(default_factory=dict)

    @property
    def due_first_year(self) -> int:
        """Standards due by the first year, the overdue ones included."""
        return self.lateness.years[0].due if self.lateness and self.lateness.years else 0

    @property
    def late_at_any_capacity(self) -> int:
        return len(self.on_time.unavoidable) if self.on_time else 0


def plan_backlog(
    programme: Programme, *, today, capacity: int | None = None, locks: dict | None = None
) -> PlanBacklog:
    """The backlog of the plan as it stands, or previewed at `capacity` standards a year."""
    locks = year_locks(programme) if locks is None else locks
    locked = locked_years(programme, today, locks)
    items, _ids = planning_items(programme, locked)
    preview = capacity is not None
    capacity = programme.yearly_capacity if capacity is None else capacity
    limit = backlog.limit_for_capacity(capacity, programme.tolerance_percent)
    problem = planning.Problem(programme.start_fy, programme.years, limit, items, locked)
    result = PlanBacklog(
        capacity=capacity,
        limit=limit,
        preview=preview,
        not_planned=sum(1 for item in items if item.current_year is None),
        ministry_names=dict(ministry_choices()),
    )
    try:
        result.on_time = backlog.min_on_time_capacity(
            problem, tolerance_percent=programme.tolerance_percent
        )
    except planning.PlanningError as exc:  # every year locked, with standards left to place
        result.problem = str(exc)
    if not preview:
        current = {item.key: item.current_year for item in items if item.current_year is not None}
        result.lateness = backlog.lateness(problem, current)
        return result
    try:
        plan = planning.solve(problem)
    except planning.PlanningError as exc:  # no plan fits at that capacity: the numbers say why
        result.problem = str(exc)
        return result
    result.lateness = backlog.lateness(problem, plan.years_by_key())
    return result
