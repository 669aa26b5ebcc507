"""The planner against an independent exact solver (scipy's MILP over one variable per standard
and year), on many random instances, plus the hard rules and re-planning behaviour."""

import random

import numpy as np
import pytest
from django.utils import translation
from scipy.optimize import Bounds, LinearConstraint, milp

from reviews.plan import planning
from reviews.plan.planning import Item, PlanningError, Problem


def milp_optimum(problem: Problem) -> int:
    """Minimise the same objective with x[i, y] ∈ {0, 1} and excess[m, y] ≥ load − share."""
    items, years = list(problem.items), list(problem.year_range)
    if not items:
        return 0
    ministries = sorted({i.ministry for i in items})
    shares = planning.even_shares(problem)
    pairs = [(i, y) for i, item in enumerate(items) for y in planning.allowed_years(item, problem)]
    n_x, n_e = len(pairs), len(ministries) * len(years)
    cost = np.zeros(n_x + n_e)
    for k, (i, y) in enumerate(pairs):
        cost[k] = 0 if items[i].fixed else planning.placement_cost(items[i], y, problem)
    cost[n_x:] = planning.LEVELLING_COST
    rows, lower, upper = [], [], []

    def row():
        return np.zeros(n_x + n_e)

    for i in range(len(items)):  # each standard exactly once
        r = row()
        for k, (j, _) in enumerate(pairs):
            r[k] = 1 if j == i else 0
        rows.append(r), lower.append(1), upper.append(1)
    for y in years:  # capacity
        r = row()
        for k, (_, year) in enumerate(pairs):
            r[k] = 1 if year == y else 0
        fixed_here = sum(1 for item in items if item.fixed and item.current_year == y)
        rows.append(r), lower.append(0), upper.append(max(problem.capacity, fixed_here))
    for m_index, ministry in enumerate(ministries):  # excess ≥ load − share
        for y_index, y in enumerate(years):
            r = row()
            for k, (i, year) in enumerate(pairs):
                if year == y and items[i].ministry == ministry:
                    r[k] = 1
            r[n_x + m_index * len(years) + y_index] = -1
            rows.append(r), lower.append(-np.inf), upper.append(shares[ministry])
    result = milp(
        cost,
        constraints=LinearConstraint(np.array(rows), lower, upper),
        integrality=np.r_[np.ones(n_x), np.zeros(n_e)],
        bounds=Bounds(0, np.r_[np.ones(n_x), np.full(n_e, np.inf)]),
    )
    if result.status == 2:
        raise PlanningError("infeasible")
    assert result.success, result.message
    return round(result.fun)


def random_problem(rng: random.Random, *, tight: bool, replan: bool) -> Problem:
    years = rng.randint(1, 5)
    first = 2026
    n = rng.randint(1, 40)
    ministries = ["METI", "MLIT", "MHLW", ""][: rng.randint(1, 4)]
    locked = frozenset(y for y in range(first, first + years) if replan and rng.random() < 0.3)
    items = []
    for index in range(n):
        current = rng.randrange(first, first + years) if replan and rng.random() < 0.8 else None
        fixed = current is not None and (current in locked or rng.random() < 0.1)
        items.append(
            Item(
                key=f"JIS X {index:04d}",
                due_year=rng.choice([None, first - 3, first - 1, *range(first, first + years + 2)]),
                ministry=rng.choice(ministries),
                fast_track=(not replan or first not in locked) and rng.random() < 0.08,
                current_year=current,
                fixed=fixed,
            )
        )
    open_years = max(1, years - len(locked))
    capacity = -(-n // open_years) + (0 if tight else rng.randint(0, 10))
    return Problem(first, years, capacity, items, locked)


CASES = [
    (seed, tight, replan)
    for seed in range(40)
    for tight in (False, True)
    for replan in (False, True)
]


@pytest.mark.parametrize(("seed", "tight", "replan"), CASES)
def test_objective_equals_independent_optimum(seed, tight, replan):
    problem = random_problem(random.Random(seed), tight=tight, replan=replan)
    try:
        expected = milp_optimum(problem)
    except PlanningError:
        with pytest.raises(PlanningError):
            planning.solve(problem)
        return
    plan = planning.solve(problem)
    years = {p.key: p.year for p in plan.placements}
    assert plan.objective == planning.objective(problem, years) == expected
    assert_hard_rules(problem, plan)


def assert_hard_rules(problem: Problem, plan) -> None:
    years = {p.key: p.year for p in plan.placements}
    assert sorted(years) == sorted(i.key for i in problem.items), "each standard exactly once"
    fixed_per_year = {
        y: sum(1 for i in problem.items if i.fixed and i.current_year == y)
        for y in problem.year_range
    }
    for year, total in plan.totals().items():
        assert year in problem.year_range
        assert total <= max(problem.capacity, fixed_per_year[year])
    for item in problem.items:
        if item.fast_track and not item.fixed:
            assert years[item.key] == problem.first_year
        if item.fixed:
            assert years[item.key] == item.current_year
        else:
            assert years[item.key] not in problem.locked_years


DEGENERATE = {
    "all due the same year": Problem(2026, 5, 3, [Item(f"k{i}", 2028) for i in range(15)]),
    "exactly full": Problem(2026, 3, 4, [Item(f"k{i}", 2026 + i % 3, "METI") for i in range(12)]),
    "everything overdue": Problem(2026, 5, 10, [Item(f"k{i}", 2001, "MLIT") for i in range(20)]),
    "nothing has dates": Problem(2026, 2, 5, [Item(f"k{i}", None) for i in range(7)]),
    "one year": Problem(2026, 1, 7, [Item(f"k{i}", 2030, fast_track=i == 0) for i in range(7)]),
    "fast-track fills year one": Problem(
        2026,
        3,
        2,
        [Item("a", 2029, fast_track=True), Item("b", 2027, fast_track=True), Item("c", 2026)],
    ),
    "no standards": Problem(2026, 5, 0, []),
}


@pytest.mark.parametrize("name", list(DEGENERATE))
def test_degenerate_instances(name):
    problem = DEGENERATE[name]
    plan = planning.solve(problem)
    assert plan.objective == milp_optimum(problem)
    assert_hard_rules(problem, plan)


def test_nothing_is_late_when_a_plan_without_lateness_exists():
    # Capacity 4 a year, four due each year: each standard can be surveyed in its due year.
    items = [Item(f"k{y}{i}", y, "METI") for y in range(2026, 2031) for i in range(4)]
    plan = planning.solve(Problem(2026, 5, 4, items))
    assert all(p.year == int(p.key[1:5]) for p in plan.placements)
    # Too many due in 2028 for its capacity: the surplus goes earlier, not later.
    crowded = [*items, Item("extra1", 2028, "METI"), Item("extra2", 2028, "METI")]
    plan = planning.solve(Problem(2026, 5, 5, crowded))
    assert all(p.year <= 2028 for p in plan.placements if p.key.startswith("extra"))


def test_levelling_never_buys_a_late_standard():
    """X, overdue, sits in FY2027 from an earlier plan. Putting it on time means moving Y out of
    FY2026 too, and both ministries then exceed their share there (two moves, two excesses): a
    plan that keeps X a year late must still lose."""
    items = [
        Item("X", 2026, "MLIT", current_year=2027),
        Item("Y", 2027, "METI", current_year=2026),
        Item("B2", 2026, "MLIT", current_year=2026),
        Item("A2", 2027, "METI", current_year=2027),
    ]
    plan = planning.solve(Problem(2026, 2, 2, items)).by_key()
    assert (plan["X"].year, plan["Y"].year) == (2026, 2027)


def test_standards_fixed_above_the_capacity_leave_no_room_and_raise_nothing():
    """A year may hold more fixed standards than the capacity (a lowered capacity): with no
    fast-track standard to place there, that is no reason to refuse the plan."""
    items = [Item(f"f{i}", 2026, current_year=2026, fixed=True) for i in range(3)]
    plan = planning.solve(Problem(2026, 2, 2, [*items, Item("new", 2027)]))
    assert plan.totals() == {2026: 3, 2027: 1}


def test_overdue_standards_go_first():
    items = [Item(f"old{i}", 2010, "METI") for i in range(3)] + [
        Item(f"due{i}", 2029, "METI") for i in range(3)
    ]
    plan = planning.solve(Problem(2026, 5, 3, items)).by_key()
    assert {plan[f"old{i}"].year for i in range(3)} == {2026}
    assert {plan[f"old{i}"].reason for i in range(3)} == {planning.Reason.OVERDUE}


def test_ministry_load_is_levelled_by_surveying_early_never_late():
    # 50 METI standards all due in 2028, room for all of them: levelling spreads them over the years
    # up to their due year (an even share is 10 a year), but never makes one late.
    items = [Item(f"m{i}", 2028, "METI") for i in range(50)]
    assert planning.solve(Problem(2026, 5, 50, items)).totals() == {2026: 10, 2027: 10, 2028: 30}
    # Each ministry is levelled on its own.
    items += [Item(f"t{i}", 2030, "MLIT") for i in range(50)]
    totals = planning.solve(Problem(2026, 5, 50, items)).totals()
    assert totals == {2026: 20, 2027: 20, 2028: 40, 2029: 10, 2030: 10}


def test_replan_of_unchanged_catalog_moves_nothing():
    rng = random.Random(7)
    items = [
        Item(
            f"k{i:03d}",
            rng.randint(2020, 2032),
            rng.choice(["METI", "MLIT", "MHLW"]),
            fast_track=i < 3,
        )
        for i in range(300)
    ]
    first = planning.solve(Problem(2026, 5, 65, items))
    years = {p.key: p.year for p in first.placements}
    # A new session: FY2026 has started, so its standards are fixed there.
    again = [
        Item(i.key, i.due_year, i.ministry, i.fast_track, years[i.key], fixed=years[i.key] == 2026)
        for i in items
    ]
    second = planning.solve(Problem(2026, 5, 65, again, locked_years=frozenset({2026})))
    assert second.moved == []
    assert {p.key: p.year for p in second.placements} == {p.key: p.year for p in first.placements}


def test_replan_after_changes_moves_only_what_it_must():
    items = [Item(f"k{y}{i}", y, "METI") for y in range(2026, 2031) for i in range(4)]
    first = planning.solve(Problem(2026, 5, 5, items)).by_key()
    current = [
        Item(
            i.key,
            i.due_year,
            i.ministry,
            current_year=first[i.key].year,
            fixed=first[i.key].year == 2026,
        )
        for i in items
    ]
    # One standard re-dated from 2029 to 2027, one new standard due 2030.
    redated = [
        Item(
            i.key,
            2027 if i.key == "k20290" else i.due_year,
            i.ministry,
            current_year=i.current_year,
            fixed=i.fixed,
        )
        for i in current
    ]
    plan = planning.solve(
        Problem(2026, 5, 5, [*redated, Item("new", 2030, "METI")], locked_years=frozenset({2026}))
    )
    assert [m[0] for m in plan.moved] == ["k20290"]
    assert plan.by_key()["new"].year == 2030


def test_locked_years_are_untouched():
    items = [Item(f"fixed{i}", 2030, "METI", current_year=2026, fixed=True) for i in range(5)]
    items += [Item(f"new{i}", 2020, "METI") for i in range(5)]
    plan = planning.solve(Problem(2026, 5, 5, items, locked_years=frozenset({2026}))).by_key()
    assert all(plan[f"fixed{i}"].year == 2026 for i in range(5))
    assert all(plan[f"new{i}"].year != 2026 for i in range(5))


@pytest.mark.parametrize(
    ("problem", "message"),
    [
        (
            Problem(2026, 5, 2, [Item(f"f{i}", 2030, fast_track=True) for i in range(3)]),
            "3 fast-track standards do not fit in FY2026: its capacity is 2",
        ),
        (
            Problem(2026, 5, 2, [Item(f"k{i}", 2028) for i in range(11)]),
            "11 standards to place but only 10 places: capacity 2 × 5 open year(s)",
        ),
        (
            Problem(2026, 5, 9, [Item("f", 2028, fast_track=True)], locked_years=frozenset({2026})),
            "must be surveyed in FY2026, but FY2026 is locked",
        ),
    ],
)
def test_infeasible_input_is_rejected_with_the_numbers(problem, message):
    with pytest.raises(PlanningError) as excinfo:
        planning.solve(problem)
    assert message in str(excinfo.value)


@pytest.mark.japanese
def test_a_refusal_is_put_into_words_in_the_language_of_whoever_reads_it():
    problem = Problem(2026, 5, 9, [Item("f", 2028, fast_track=True)], locked_years={2026})
    with pytest.raises(PlanningError) as excinfo:
        planning.solve(problem)
    with translation.override("ja"):
        assert str(excinfo.value) == (
            "先行対応の規格 1 件は令和8年度に調査しなければなりませんが、令和8年度はロックされています。"
        )
    with translation.override("en"):
        assert str(excinfo.value) == (
            "1 fast-track standard(s) must be surveyed in FY2026, but FY2026 is locked."
        )


def lateness_free_plan_exists(problem: Problem) -> bool:
    """Whether some plan keeps every free standard at or before its effective due year."""
    restricted = Problem(
        problem.first_year,
        problem.years,
        problem.capacity,
        [
            item
            if item.fixed or item.fast_track
            else Item(item.key, item.due_year, item.ministry, False, item.current_year, item.fixed)
            for item in problem.items
        ],
        problem.locked_years,
    )
    items, years = list(restricted.items), list(restricted.year_range)
    pairs = [
        (i, y)
        for i, item in enumerate(items)
        for y in planning.allowed_years(item, restricted)
        if item.fixed or y <= planning.effective_due(item, restricted.first_year)
    ]
    if not items:
        return True
    if {i for i, _ in pairs} != set(range(len(items))):
        return False
    rows, upper, lower = [], [], []
    for i in range(len(items)):
        rows.append([1 if j == i else 0 for j, _ in pairs]), lower.append(1), upper.append(1)
    for y in years:
        fixed_here = sum(1 for item in items if item.fixed and item.current_year == y)
        (
            rows.append([1 if year == y else 0 for _, year in pairs]),
            lower.append(0),
            upper.append(max(problem.capacity, fixed_here)),
        )
    result = milp(
        np.zeros(len(pairs)),
        constraints=LinearConstraint(np.array(rows), lower, upper),
        integrality=np.ones(len(pairs)),
        bounds=Bounds(0, 1),
    )
    return result.success


def test_no_standard_is_late_when_a_plan_without_lateness_exists():
    checked = 0
    for seed, tight, replan in CASES:
        problem = random_problem(random.Random(1000 + seed), tight=tight, replan=replan)
        if not lateness_free_plan_exists(problem):
            continue
        checked += 1
        plan = planning.solve(problem).by_key()
        late = [
            i.key
            for i in problem.items
            if not i.fixed and plan[i.key].year > planning.effective_due(i, problem.first_year)
        ]
        assert late == [], (seed, tight, replan)
    assert checked >= len(CASES) // 3, "too few instances admit a plan without lateness to test"
