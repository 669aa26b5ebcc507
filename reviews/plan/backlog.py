"""The backlog against the capacity: how late a plan runs, and the least yearly capacity that puts
every standard on time (plain data in and out, no ORM).

A standard is on time when it is surveyed no later than its effective due year (an overdue standard,
or one without dates, is due in the first year; one due after the programme may go in any year).
Fast-track standards go in the first year; fixed standards keep their year; locked years take
nothing new. A standard whose every on-time year is locked, or that is fixed after its due year, is
late at any capacity ("unavoidable"); the best a plan can do for one that is free is the first open
year, and the least capacity is the one at which every standard is on time or, if unavoidable, no
later than that: the plan as little late as the locks allow.
"""

import math
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from reviews.plan import planning


@dataclass(frozen=True)
class OnTime:
    """The least per-year limit, and the least yearly capacity setting giving it, for a plan in
    which every standard that can be on time is."""

    limit: int
    capacity: int
    unavoidable: tuple[str, ...] = ()


@dataclass
class YearLateness:
    fiscal_year: int
    planned: int = 0
    due: int = 0
    late: int = 0


@dataclass
class MinistryLateness:
    """One lead ministry's standards in the plan, those surveyed late, and in which years."""

    ministry: str  # "" for a standard without a competent ministry
    planned: int = 0
    late: int = 0
    late_by_year: dict[int, int] = field(default_factory=dict)


@dataclass
class Lateness:
    """How late a plan runs: per year, per ministry, and how many standards by how many years."""

    years: list[YearLateness]
    by_ministry: list[MinistryLateness] = field(default_factory=list)
    years_late: dict[int, int] = field(default_factory=dict)

    @property
    def late(self) -> int:
        return sum(row.late for row in self.years)

    @property
    def planned(self) -> int:
        return sum(row.planned for row in self.years)


def capacity_for_limit(limit: int, tolerance_percent: int) -> int:
    """The least yearly capacity whose limit (capacity plus tolerance, rounded down) reaches `limit`."""
    capacity = math.ceil(limit * 100 / (100 + tolerance_percent))
    while capacity > 0 and limit_for_capacity(capacity - 1, tolerance_percent) >= limit:
        capacity -= 1
    while limit_for_capacity(capacity, tolerance_percent) < limit:
        capacity += 1
    return capacity


def limit_for_capacity(capacity: int, tolerance_percent: int) -> int:
    """The most a year may hold at this capacity (2,200 ± 5 % → 2,310), rounded down as
    reviews.plan.models.Programme.capacity_limit rounds it."""
    return math.floor(capacity * (100 + tolerance_percent) / 100)


def _on_time_years(item: planning.Item, problem: planning.Problem) -> list[int]:
    if item.fast_track:
        last = problem.first_year
    else:
        last = min(planning.effective_due(item, problem.first_year), problem.year_range[-1])
    return [y for y in problem.year_range if y <= last and y not in problem.locked_years]


def _late_when_fixed(item: planning.Item, problem: planning.Problem) -> bool:
    return item.current_year > planning.effective_due(item, problem.first_year)


def min_on_time_capacity(problem: planning.Problem, *, tolerance_percent: int = 0) -> OnTime:
    """Exact: each standard's best years (its on-time years, or the first open year for one late
    at any capacity) are a prefix of the open years, so by Hall's theorem a limit L suffices exactly
    when, for every open year k, the standards that must be placed by k fit in the room of the open
    years up to k. That room grows with L, so the least L is found by bisection. (The planner puts
    years late before every other cost, so its plan at that limit is as little late as this.)"""
    open_years = [y for y in problem.year_range if y not in problem.locked_years]
    fixed = Counter(item.current_year for item in problem.items if item.fixed)
    deadlines: Counter[int] = Counter()
    unavoidable = []
    for item in problem.items:
        if item.fixed:
            if _late_when_fixed(item, problem):
                unavoidable.append(item.key)
            continue
        years = _on_time_years(item, problem)
        if years:
            deadlines[years[-1]] += 1
        else:
            unavoidable.append(item.key)
            if open_years:
                # late anyway, but each year later is a year more late: its best is the first open year
                deadlines[open_years[0]] += 1

    def fits(limit: int) -> bool:
        must, room = 0, 0
        for year in open_years:
            must += deadlines[year]
            room += max(0, limit - fixed[year])
            if must > room:
                return False
        return True

    free = sum(1 for item in problem.items if not item.fixed)
    if free == 0:  # nothing left to place: any limit keeps the plan as it is
        return OnTime(0, 0, tuple(sorted(unavoidable)))
    if not open_years:
        raise planning.PlanningError(
            _("%(count)d standards to place, but every year of the programme is locked."),
            count=free,
        )
    low, high = 0, free + max(fixed.values(), default=0)
    while low < high:
        middle = (low + high) // 2
        if fits(middle):
            high = middle
        else:
            low = middle + 1
    return OnTime(low, capacity_for_limit(low, tolerance_percent), tuple(sorted(unavoidable)))


def lateness(problem: planning.Problem, years_by_key: Mapping[str, int]) -> Lateness:
    """Per year: standards planned, standards due (overdue ones in the first year), and standards
    surveyed after their due year; per ministry the planned and late counts, late ones per year;
    and late standards by years late. A standard missing from `years_by_key` (not in the plan yet)
    counts as due but not as planned."""
    rows = {year: YearLateness(year) for year in problem.year_range}
    ministries: dict[str, MinistryLateness] = {}
    years_late: dict[int, int] = defaultdict(int)
    for item in problem.items:
        due = planning.effective_due(item, problem.first_year)
        if due in rows:
            rows[due].due += 1
        year = years_by_key.get(item.key)
        if year is None:
            continue
        ministry = ministries.setdefault(item.ministry, MinistryLateness(item.ministry))
        rows[year].planned += 1
        ministry.planned += 1
        if year > due:
            rows[year].late += 1
            ministry.late += 1
            ministry.late_by_year[year] = ministry.late_by_year.get(year, 0) + 1
            years_late[year - due] += 1
    by_ministry = sorted(ministries.values(), key=lambda m: (-m.late, -m.planned, m.ministry))
    return Lateness(list(rows.values()), by_ministry, dict(sorted(years_late.items())))
