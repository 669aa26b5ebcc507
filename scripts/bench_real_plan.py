"""Planning the real-shaped catalog (issue #15): ~10,600 valid JIS with the real backlog, planned from
scratch for five fiscal years of 2,200. Target: ≤ 1 s for the plan (reading the standards and solving);
writing a plan is measured on the demo catalog. Also prints the backlog figures the plan screen states.

scripts/bench.py runs child_real_plan() in a process of its own after the real-catalog import (the
catalog then holds the real list); run alone, this file makes its own scratch database:

    .venv/bin/python scripts/bench_real_plan.py
"""

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 1.0


def _ensure_real_catalog() -> None:
    """Imports the real-shaped catalog unless the database already holds it (over 10,000 active)."""
    from bench_real_import import _import, build_file

    from standards.models import Standard

    if Standard.objects.filter(status="active").count() > 10_000:
        return
    with tempfile.TemporaryDirectory() as directory:
        _import(build_file(Path(directory)))


def child_real_plan() -> dict:
    """The plan of the real catalog from scratch: a programme of five years from FY2026 at 2,200 a
    year that has planned nothing yet (unsaved, so no year is locked and nothing is written; writing a
    plan is measured on the demo catalog)."""
    from reviews.plan import backlog, planning, selectors
    from reviews.plan.models import Programme

    _ensure_real_catalog()
    programme = Programme(start_fy=2026, years=5, yearly_capacity=2200)
    started = time.perf_counter()
    locked = frozenset()
    items, _ids = selectors.planning_items(programme, locked)
    problem = planning.Problem(
        programme.start_fy, programme.years, programme.capacity_limit, items, locked
    )
    plan = planning.solve(problem)
    plan_seconds = time.perf_counter() - started
    late = backlog.lateness(problem, plan.years_by_key())
    on_time = backlog.min_on_time_capacity(problem, tolerance_percent=programme.tolerance_percent)
    return {
        "standards": len(items),
        "plan_seconds": plan_seconds,
        "late": late.late,
        "years_late": late.years_late,
        "min_on_time_capacity": on_time.capacity,
    }


def report(figures: dict) -> int:
    met = figures["plan_seconds"] <= TARGET_SECONDS
    print(
        f"real-shaped catalog, {figures['standards']} standards to plan: "
        f"plan {figures['plan_seconds']:.2f} s (target ≤ {TARGET_SECONDS} s) {'yes' if met else 'NO'}; "
        f"{figures['late']} surveyed late at 2,200 a year, on time from "
        f"{figures['min_on_time_capacity']} a year"
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "scripts"))
    from bench import run_alone

    sys.exit(run_alone(__file__, child_real_plan, report))
