"""python manage.py plan_review --start-fy 2026 --years 5 [--capacity 2200] [--dry-run] [--output plan.csv]"""

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reviews.plan import backlog, services
from reviews.plan.models import Programme
from reviews.plan.planning import PlanningError, Problem
from standards.selectors import ministry_choices


class Command(BaseCommand):
    help = (
        "Plan (or re-plan) the survey year of every active standard; locked years stay as they are. "
        "Reports the backlog: standards surveyed after their due year, per year, by years late "
        "and per lead ministry, and the smallest yearly capacity that is on time."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--start-fy", type=int, required=True, help="First fiscal year, e.g. 2026."
        )
        parser.add_argument("--years", type=int, default=5)
        parser.add_argument("--capacity", type=int, default=2200, help="Standards a year (±5 %%).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Compute and report; write nothing."
        )
        parser.add_argument(
            "--output", type=Path, help="Write the plan as CSV: number,fiscal_year,reason."
        )

    def handle(self, *args, start_fy, years, capacity, dry_run, output, **options):
        if years < 1 or capacity < 1:
            raise CommandError("--years and --capacity must be positive.")
        today = timezone.localdate()
        if dry_run:
            programme = self._programme_unsaved(start_fy=start_fy, years=years, capacity=capacity)
        else:
            programme = services.programme_get_or_create(
                start_fy=start_fy, years=years, capacity=capacity
            )
        try:
            outcome = services.programme_plan(programme=programme, today=today, dry_run=dry_run)
        except PlanningError as exc:
            raise CommandError(str(exc)) from None
        totals = outcome.plan.totals()
        for year in programme.fiscal_years:
            self.stdout.write(
                f"FY{year}: {totals.get(year, 0):>6}  (limit {programme.capacity_limit})"
            )
        self.stdout.write(
            f"objective {outcome.plan.objective}; {outcome.created} new, {len(outcome.moved)} moved, "
            f"{len(outcome.removed)} removed, {outcome.unchanged} unchanged"
            + (" (dry run)" if dry_run else "")
        )
        for number, old, new, reason in outcome.moved[:50]:
            self.stdout.write(f"  moved {number}: FY{old} → FY{new} ({reason})")
        self._report_backlog(programme, outcome.problem, outcome.plan)
        self._report_on_time(programme, outcome.problem)
        if output:
            self._write_csv(output, outcome.plan)

    @staticmethod
    def _programme_unsaved(*, start_fy: int, years: int, capacity: int) -> Programme:
        """The programme as this run would make it, in memory only: a dry run writes nothing, not
        even the programme or its new capacity."""
        programme = Programme.objects.filter(start_fy=start_fy).first()
        if programme is None:
            return Programme(start_fy=start_fy, years=years, yearly_capacity=capacity)
        programme.years, programme.yearly_capacity = years, capacity
        return programme

    def _report_backlog(self, programme: Programme, problem: Problem, plan) -> None:
        """How late the plan runs, per year, by years late and per lead ministry: measured on the
        problem the planner solved."""
        late = backlog.lateness(problem, plan.years_by_key())
        first = late.years[0]
        self.stdout.write(
            f"\nBacklog at {programme.yearly_capacity} a year (at most {programme.capacity_limit}):"
            f" {first.due} due by FY{programme.start_fy}, overdue included"
            f" ({first.due / programme.yearly_capacity:.1f} × the yearly capacity)."
        )
        self.stdout.write(f"{'year':<8}{'planned':>9}{'due':>9}{'late':>9}")
        for row in late.years:
            self.stdout.write(f"FY{row.fiscal_year:<6}{row.planned:>9}{row.due:>9}{row.late:>9}")
        by_years = ", ".join(f"{n} by {years}" for years, n in late.years_late.items())
        self.stdout.write(
            f"Surveyed after their due year: {late.late}"
            + (f" ({by_years} years)" if by_years else "")
        )
        names = dict(ministry_choices())
        for row in late.by_ministry:
            if row.late:
                name = names.get(row.ministry, row.ministry) or "(no competent ministry)"
                per_year = ", ".join(f"FY{y}: {n}" for y, n in sorted(row.late_by_year.items()))
                self.stdout.write(f"  {name}: {row.late} late of {row.planned} ({per_year})")

    def _report_on_time(self, programme: Programme, problem: Problem) -> None:
        try:
            least = backlog.min_on_time_capacity(
                problem, tolerance_percent=programme.tolerance_percent
            )
        except PlanningError as exc:
            self.stdout.write(f"Smallest yearly capacity on time: none ({exc})")
            return
        self.stdout.write(
            f"Smallest yearly capacity on time: {least.capacity} (at most {least.limit} a year with"
            f" the {programme.tolerance_percent} % tolerance; fast-track in FY{programme.start_fy},"
            " locked years kept)."
        )
        if least.unavoidable:
            self.stdout.write(
                f"Late at any capacity: {len(least.unavoidable)} (on-time years locked, or moved by"
                " hand after their due year)."
            )

    def _write_csv(self, path: Path, plan) -> None:
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["number", "fiscal_year", "reason"])
            for placement in sorted(plan.placements, key=lambda p: (p.year, p.key)):
                writer.writerow([placement.key, placement.year, placement.reason])
        self.stdout.write(f"Plan written to {path} ({len(plan.placements)} rows).")
