"""The five-year planner: which fiscal year surveys each standard (plain data in and out, no ORM).

Hard rules
    * every standard in the input is placed in exactly one year of the programme;
    * fast-track standards are placed in the first year;
    * a year holds at most `capacity` standards (the yearly capacity plus its tolerance);
    * fixed standards (a locked year, or moved by hand) keep their year; nothing new enters a
      locked year.

Objective (minimised; all weights are integers, so the optimum is exact)
    For a standard whose review falls due in fiscal year d, placed in year y, with e = max(d, first
    year) (a standard already overdue, or with no dates, counts as due in the first year):
        EARLY_COST per year when y < e, nothing when y == e, and per year when y > e the problem's
        late cost: more than all the other terms of any plan together, so the plan is first as
        little late as the capacity allows (in standard-years late) and only then the cheapest;
    MOVE_COST when a standard leaves the year an earlier plan gave it (staying put is worth
    something, so a re-plan moves only what improves the plan);
    LEVELLING_COST per standard above a ministry's even share ceil(N_m / years) in any year, where
    N_m counts all of ministry m's standards in the plan (fixed ones included). Summed over years,
    this is half the total deviation of each ministry's yearly load from its even share.

The planner solves it exactly as a min-cost flow over standards grouped by (effective due year,
ministry, fast-track, current year): all standards of a group cost the same in every year, so an
integral optimal flow between groups and years expands into an optimal plan.
"""

import enum
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import networkx as nx
from django.utils.translation import gettext_lazy as _

from standards.dates import fiscal_year_label

EARLY_COST = 2
MOVE_COST = 1
# Worth moving a standard up to four years early, never worth making one a year late.
LEVELLING_COST = 10


class Reason(enum.StrEnum):
    """Why a standard is in its year: the one list of reasons (the plan's rows store these values,
    reviews.plan.models.PlanReason adds their labels)."""

    FAST_TRACK = "fast_track"
    OVERDUE = "overdue"
    DUE = "due"
    LEVELLING = "levelling"
    MANUAL = "manual"  # moved by hand; the planner never gives it


class PlanningError(ValueError):
    """No plan satisfies the hard rules; the message gives the numbers. It is put into words when
    shown (str()), in the language active then: a parameter ending in _fy is a fiscal year, named
    as its readers name it (FY2026, 令和8年度)."""

    def __init__(self, message, **params):
        super().__init__(message, params)
        self.message, self.params = message, params

    def __str__(self) -> str:
        params = {
            name: fiscal_year_label(value) if name.endswith("_fy") else value
            for name, value in self.params.items()
        }
        return str(self.message) % params if params else str(self.message)


@dataclass(frozen=True, slots=True)
class Item:
    """One standard to place. `current_year` is its year in the previous plan, if any."""

    key: str
    due_year: int | None
    ministry: str = ""
    fast_track: bool = False
    current_year: int | None = None
    fixed: bool = False


@dataclass(frozen=True)
class Problem:
    first_year: int
    years: int
    capacity: int
    items: Sequence[Item]
    locked_years: frozenset[int] = frozenset()

    @property
    def year_range(self) -> range:
        return range(self.first_year, self.first_year + self.years)

    @property
    def late_cost(self) -> int:
        """The cost of a year late: one more than the early, move and levelling costs of any plan
        can add up to. A fixed weight (it was 20) let the levelling of two ministries buy a late
        standard at the price of an early one, so a plan could be late where an on-time one fits."""
        per_standard = EARLY_COST * max(0, self.years - 1) + MOVE_COST + LEVELLING_COST
        return per_standard * len(self.items) + 1


@dataclass(frozen=True, slots=True)
class Placement:
    key: str
    year: int
    reason: str


@dataclass
class Plan:
    placements: list[Placement]
    objective: int
    moved: list[tuple[str, int, int, str]] = field(default_factory=list)  # key, from, to, reason

    def by_key(self) -> dict[str, Placement]:
        return {p.key: p for p in self.placements}

    def years_by_key(self) -> dict[str, int]:
        return {p.key: p.year for p in self.placements}

    def totals(self) -> dict[int, int]:
        counts: dict[int, int] = defaultdict(int)
        for placement in self.placements:
            counts[placement.year] += 1
        return dict(counts)


# --- the objective, stated once and used by the planner, the checks and the tests -----------


def effective_due(item: Item, first_year: int) -> int:
    return first_year if item.due_year is None else max(item.due_year, first_year)


def placement_cost(item: Item, year: int, problem: Problem) -> int:
    due = effective_due(item, problem.first_year)
    cost = EARLY_COST * (due - year) if year < due else problem.late_cost * (year - due)
    if item.current_year is not None and item.current_year != year:
        cost += MOVE_COST
    return cost


def even_shares(problem: Problem) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for item in problem.items:
        counts[item.ministry] += 1
    return {ministry: math.ceil(n / problem.years) for ministry, n in counts.items()}


def objective(problem: Problem, years_by_key: dict[str, int]) -> int:
    """The objective value of any assignment of every item to a year."""
    shares = even_shares(problem)
    load: dict[tuple[str, int], int] = defaultdict(int)
    total = 0
    for item in problem.items:
        year = years_by_key[item.key]
        load[item.ministry, year] += 1
        if not item.fixed:
            total += placement_cost(item, year, problem)
    excess = sum(max(0, n - shares[ministry]) for (ministry, _), n in load.items())
    return total + LEVELLING_COST * excess


def allowed_years(item: Item, problem: Problem) -> list[int]:
    if item.fixed:
        return [item.current_year]
    open_years = [y for y in problem.year_range if y not in problem.locked_years]
    return [problem.first_year] if item.fast_track else open_years


# --- solving -------------------------------------------------------------------------------


def solve(problem: Problem) -> Plan:
    """The optimal plan, or PlanningError when the hard rules cannot all hold."""
    _check_feasible(problem)
    groups = _group(problem)
    graph = _network(problem, groups)
    try:
        flow = nx.min_cost_flow(graph)
    except nx.NetworkXUnfeasible:
        raise PlanningError(
            _("No plan fits: %(count)d standards over %(years)d years at %(capacity)d a year."),
            count=len(problem.items),
            years=problem.years,
            capacity=problem.capacity,
        ) from None
    years_by_key = _expand(problem, groups, flow)
    placements = [
        Placement(item.key, years_by_key[item.key], _reason(item, years_by_key[item.key], problem))
        for item in problem.items
    ]
    moved = [
        (
            item.key,
            item.current_year,
            years_by_key[item.key],
            _reason(item, years_by_key[item.key], problem),
        )
        for item in problem.items
        if item.current_year is not None and item.current_year != years_by_key[item.key]
    ]
    return Plan(placements, objective(problem, years_by_key), moved)


def _check_feasible(problem: Problem) -> None:
    if problem.years < 1 or problem.capacity < 0:
        raise PlanningError(
            _(
                "A programme needs at least one year and a capacity ≥ 0 "
                "(got %(years)d, %(capacity)d)."
            ),
            years=problem.years,
            capacity=problem.capacity,
        )
    fixed = defaultdict(int)
    for item in problem.items:
        if item.fixed:
            if item.current_year not in problem.year_range:
                raise PlanningError(
                    _("%(standard)s is fixed in %(year_fy)s, outside the programme."),
                    standard=item.key,
                    year_fy=item.current_year,
                )
            fixed[item.current_year] += 1
    first = problem.first_year
    fast = sum(1 for i in problem.items if i.fast_track and not i.fixed)
    if fast and first in problem.locked_years:
        raise PlanningError(
            _(
                "%(count)d fast-track standard(s) must be surveyed in %(first_fy)s, but "
                "%(first_fy)s is locked."
            ),
            count=fast,
            first_fy=first,
        )
    # a year holds max(capacity, its fixed standards): fixed ones above the capacity leave no room
    room_first = max(0, problem.capacity - fixed[first])
    if fast > room_first:
        if fixed[first]:
            message = _(
                "%(count)d fast-track standards do not fit in %(first_fy)s: its capacity is "
                "%(capacity)d, of which %(fixed)d are already fixed."
            )
        else:
            message = _(
                "%(count)d fast-track standards do not fit in %(first_fy)s: its capacity is "
                "%(capacity)d."
            )
        raise PlanningError(
            message, count=fast, first_fy=first, capacity=problem.capacity, fixed=fixed[first]
        )
    free = sum(1 for i in problem.items if not i.fixed)
    open_years = [y for y in problem.year_range if y not in problem.locked_years]
    room = sum(max(0, problem.capacity - fixed[y]) for y in open_years)
    if free > room:
        fixed_open = sum(fixed[y] for y in open_years)
        if fixed_open:
            message = _(
                "%(free)d standards to place but only %(room)d places: capacity %(capacity)d × "
                "%(open)d open year(s) less %(fixed)d already fixed. Raise the capacity to at "
                "least %(needed)d or add years."
            )
        else:
            message = _(
                "%(free)d standards to place but only %(room)d places: capacity %(capacity)d × "
                "%(open)d open year(s). Raise the capacity to at least %(needed)d or add years."
            )
        raise PlanningError(
            message,
            free=free,
            room=room,
            capacity=problem.capacity,
            open=len(open_years),
            fixed=fixed_open,
            needed=math.ceil((free + fixed_open) / max(1, len(open_years))),
        )


_GroupKey = tuple[int, str, bool, int | None, bool]


def _group_key(item: Item, problem: Problem) -> _GroupKey:
    due = effective_due(item, problem.first_year)
    # Items due after the programme differ only by a constant per year of their due date, but the
    # constant is the same for every year, so they still share a group only with the same date.
    return (due, item.ministry, item.fast_track, item.current_year, item.fixed)


def _group(problem: Problem) -> dict[_GroupKey, list[Item]]:
    groups: dict[_GroupKey, list[Item]] = defaultdict(list)
    for item in sorted(problem.items, key=lambda i: i.key):
        groups[_group_key(item, problem)].append(item)
    return dict(groups)


def _network(problem: Problem, groups: dict[_GroupKey, list[Item]]) -> nx.DiGraph:
    """source → group → (ministry, year) → year → sink; the ministry-year arcs carry the levelling."""
    graph = nx.DiGraph()
    total = len(problem.items)
    graph.add_node("source", demand=-total)
    graph.add_node("sink", demand=total)
    shares = even_shares(problem)
    ministries = {key[1] for key in groups}
    for index, (key, items) in enumerate(groups.items()):
        node = ("group", index)
        graph.add_edge("source", node, capacity=len(items), weight=0)
        sample = items[0]
        for year in allowed_years(sample, problem):
            cost = 0 if sample.fixed else placement_cost(sample, year, problem)
            graph.add_edge(node, ("load", key[1], year), capacity=len(items), weight=cost)
    for ministry in ministries:
        for year in problem.year_range:
            load = ("load", ministry, year)
            if load not in graph:
                continue
            # Two parallel arcs are not allowed in a DiGraph: the paid one goes through a relay node.
            graph.add_edge(load, ("year", year), capacity=shares[ministry], weight=0)
            graph.add_edge(load, ("excess", ministry, year), capacity=total, weight=LEVELLING_COST)
            graph.add_edge(("excess", ministry, year), ("year", year), capacity=total, weight=0)
    for year in problem.year_range:
        if ("year", year) in graph:
            fixed_here = sum(
                len(items) for key, items in groups.items() if key[4] and key[3] == year
            )
            graph.add_edge(
                ("year", year), "sink", capacity=max(problem.capacity, fixed_here), weight=0
            )
    return graph


def _expand(problem: Problem, groups: dict[_GroupKey, list[Item]], flow: dict) -> dict[str, int]:
    years_by_key: dict[str, int] = {}
    for index, (key, items) in enumerate(groups.items()):
        queue = list(items)
        # Give each group's own current year first, so that ties keep standards where they were.
        outflow = sorted(
            ((target[2], amount) for target, amount in flow[("group", index)].items() if amount),
            key=lambda pair: pair[0] != key[3],
        )
        for year, amount in outflow:
            for item in queue[:amount]:
                years_by_key[item.key] = year
            queue = queue[amount:]
    return years_by_key


def _reason(item: Item, year: int, problem: Problem) -> str:
    if item.fast_track:
        return Reason.FAST_TRACK
    if item.due_year is None or item.due_year < problem.first_year:
        return Reason.OVERDUE if year == problem.first_year else Reason.LEVELLING
    return Reason.DUE if year == item.due_year else Reason.LEVELLING
