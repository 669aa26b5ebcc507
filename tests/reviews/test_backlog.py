"""The least on-time capacity is the minimum: checked against every assignment on small cases; the
planner at that capacity is on time; and how late a plan runs, per year, ministry and years late."""

import itertools
import random

import pytest

from reviews.plan import backlog, planning
from reviews.plan.planning import Item, Problem


def _brute_force_limit(problem: Problem) -> int:
    """Try limits upwards; a limit works when some assignment keeps every avoidable standard on time
    and puts every unavoidable one in the first open year (each year later is a year more late)."""
    open_years = [y for y in problem.year_range if y not in problem.locked_years]
    fixed = [i for i in problem.items if i.fixed]
    free = [i for i in problem.items if not i.fixed]
    choices = [[problem.first_year] if item.fast_track else open_years for item in free]
    avoidable = [bool(backlog._on_time_years(item, problem)) for item in free]
    best = [
        planning.effective_due(item, problem.first_year) if ok else open_years[0]
        for item, ok in zip(free, avoidable, strict=True)
    ]
    for limit in range(len(problem.items) + 1):
        for years in itertools.product(*choices):
            load = {y: 0 for y in problem.year_range}
            for item in fixed:
                load[item.current_year] += 1
            for year in years:
                load[year] += 1
            if any(
                load[y] > max(limit, sum(1 for i in fixed if i.current_year == y))
                for y in open_years
            ):
                continue
            if all(year <= last for year, last in zip(years, best, strict=True)):
                return limit
    raise AssertionError("no limit works")


def _random_problem(rng: random.Random) -> Problem:
    first, years = 2026, 3
    locked = frozenset(y for y in range(first + 1, first + years) if rng.random() < 0.2)
    if rng.random() < 0.2:
        locked |= {first}
    if len(locked) == years:
        locked -= {first + years - 1}
    items = []
    for n in range(rng.randint(1, 7)):
        fixed = rng.random() < 0.15
        fast = not fixed and first not in locked and rng.random() < 0.15
        due = rng.choice([None, 2024, 2026, 2027, 2028, 2030])
        items.append(
            Item(
                key=f"S{n}",
                due_year=due,
                fast_track=fast,
                fixed=fixed,
                current_year=rng.randint(first, first + years - 1) if fixed else None,
            )
        )
    return Problem(first, years, 99, items, locked)


@pytest.mark.parametrize("seed", range(300))
def test_the_least_on_time_limit_matches_a_brute_force_search(seed):
    problem = _random_problem(random.Random(seed))
    assert backlog.min_on_time_capacity(problem).limit == _brute_force_limit(problem)


def test_the_figure_is_reached_by_the_planner_and_one_less_is_late():
    """Given twice a year's worth due at once, the planner with the least limit is on time and with
    one less it is not."""
    items = [Item(f"A{n}", 2026) for n in range(8)] + [Item(f"B{n}", 2030) for n in range(4)]
    problem = Problem(2026, 5, 2, items)
    least = backlog.min_on_time_capacity(problem)
    assert least.limit == 8
    on_time = Problem(2026, 5, least.limit, items)
    assert backlog.lateness(on_time, planning.solve(on_time).years_by_key()).late == 0
    short = Problem(2026, 5, least.limit - 1, items)
    assert backlog.lateness(short, planning.solve(short).years_by_key()).late == 1


def _crowded_problem(rng: random.Random, *, first_started: bool = False) -> Problem:
    """A re-plan as the screen makes it: ministries to level, a previous plan, locks, fast-track;
    with `first_started`, the first year under way (and no fast-track left to place)."""
    first, years = 2026, rng.choice([3, 5])
    locked = frozenset(y for y in range(first + 1, first + years) if rng.random() < 0.15)
    items = []
    for n in range(rng.randint(1, 40)):
        fixed = rng.random() < 0.1
        due = rng.choice([None, 2020, 2026, 2027, 2028, 2029, 2030, 2031, 2035])
        ministry = rng.choice(["METI", "MLIT", "MHLW", ""])
        fast = not fixed and rng.random() < 0.05
        placed = fixed or rng.random() < 0.5
        current = rng.randint(first, first + years - 1) if placed else None
        if first_started:
            fast, fixed = False, fixed or current == first
        items.append(Item(f"S{n}", due, ministry, fast, current, fixed))
    if first_started:
        locked = (locked | {first}) - {first + years - 1}
    return Problem(first, years, 0, items, locked)


def _least_years_late(problem: Problem, least: backlog.OnTime) -> int:
    """What no capacity can save: the fixed ones where they are, the others in the first open year."""
    first_open = min(y for y in problem.year_range if y not in problem.locked_years)
    total = 0
    for item in problem.items:
        if item.key in least.unavoidable:
            year = item.current_year if item.fixed else first_open
            total += year - planning.effective_due(item, problem.first_year)
    return total


SEEDS = [*range(60), 75, 191, 581, 1372]  # the last four were late before lateness came first


@pytest.mark.parametrize("first_started", [False, True])
@pytest.mark.parametrize("seed", SEEDS)
def test_the_planner_at_the_least_limit_is_late_only_where_it_must_be(seed, first_started):
    """The figure the screen states is the plan the planner makes: at the least limit, nothing is
    later than it must be; one less and something is later (or nothing fits)."""
    problem = _crowded_problem(random.Random(seed), first_started=first_started)
    least = backlog.min_on_time_capacity(problem)
    must = _least_years_late(problem, least)

    def years_late(limit):
        at = Problem(problem.first_year, problem.years, limit, problem.items, problem.locked_years)
        late = backlog.lateness(at, planning.solve(at).years_by_key())
        return late.late, sum(years * n for years, n in late.years_late.items())

    assert years_late(least.limit) == (len(least.unavoidable), must), seed
    if least.limit == 0:
        return
    try:
        _count, total = years_late(least.limit - 1)
    except planning.PlanningError:
        return
    assert total > must, seed


@pytest.mark.parametrize(
    ("limit", "tolerance", "capacity"),
    [(2310, 5, 2200), (2311, 5, 2201), (0, 5, 0), (105, 5, 100), (106, 5, 101), (7, 0, 7)],
)
def test_the_capacity_setting_for_a_limit(limit, tolerance, capacity):
    assert backlog.capacity_for_limit(limit, tolerance) == capacity
    assert backlog.limit_for_capacity(capacity, tolerance) >= limit
    assert capacity == 0 or backlog.limit_for_capacity(capacity - 1, tolerance) < limit


def test_the_least_capacity_carries_the_tolerance():
    items = [Item(f"A{n}", 2026) for n in range(2310)]
    least = backlog.min_on_time_capacity(Problem(2026, 5, 0, items), tolerance_percent=5)
    assert (least.limit, least.capacity) == (2310, 2200)


def test_unavoidable_lateness_is_named_and_goes_first():
    """FY2026 has started (locked): an overdue newcomer can only be late, and its best is FY2027,
    beside the three due then; one fixed in FY2028 though due in FY2027 is late too, where it is."""
    items = [
        Item("new-overdue", 2020),
        Item("moved-late", 2027, current_year=2028, fixed=True),
        Item("under-way", 2026, current_year=2026, fixed=True),
        *(Item(f"due27-{n}", 2027) for n in range(3)),
    ]
    problem = Problem(2026, 5, 0, items, frozenset({2026}))
    least = backlog.min_on_time_capacity(problem)
    assert least.unavoidable == ("moved-late", "new-overdue")
    assert least.limit == 4
    at_least = Problem(2026, 5, 4, items, frozenset({2026}))
    years = planning.solve(at_least).years_by_key()
    assert [years[f"due27-{n}"] for n in range(3)] == [2027] * 3 and years["new-overdue"] == 2027


def test_everything_placed_already_needs_no_capacity():
    items = [Item("a", 2027, current_year=2027, fixed=True)]
    assert backlog.min_on_time_capacity(Problem(2026, 5, 0, items)) == backlog.OnTime(0, 0)


def test_every_year_locked_with_standards_to_place_is_refused():
    problem = Problem(2026, 2, 5, [Item("a", 2027)], frozenset({2026, 2027}))
    with pytest.raises(planning.PlanningError, match="every year of the programme is locked"):
        backlog.min_on_time_capacity(problem)


def test_lateness_per_year_ministry_and_years_late():
    items = [
        Item("overdue-late", 2019, "METI"),  # due FY2026 (overdue), surveyed FY2028: 2 years late
        Item("due27-late", 2027, "METI"),  # 1 year late
        Item("due27-ok", 2027, "MLIT"),
        Item("orphan-late", 2026, ""),  # no competent ministry, 1 year late
        Item("after", 2035, "MLIT"),  # due after the programme: never late
        Item("not-planned", 2027, "MLIT"),  # new in the catalog: due, not planned
    ]
    problem = Problem(2026, 3, 10, items)
    years = {"overdue-late": 2028, "due27-late": 2028, "due27-ok": 2027, "orphan-late": 2027}
    result = backlog.lateness(problem, {**years, "after": 2026})
    assert [(r.fiscal_year, r.planned, r.due, r.late) for r in result.years] == [
        (2026, 1, 2, 0),
        (2027, 2, 3, 1),
        (2028, 2, 0, 2),
    ]
    assert (result.late, result.planned) == (3, 5)
    assert result.years_late == {1: 2, 2: 1}
    assert [(m.ministry, m.planned, m.late, m.late_by_year) for m in result.by_ministry] == [
        ("METI", 2, 2, {2028: 2}),
        ("", 1, 1, {2027: 1}),
        ("MLIT", 2, 0, {}),
    ]
