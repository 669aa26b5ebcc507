"""python manage.py plan_review --start-fy 2026 --years 5 [--capacity 2200] [--dry-run] [--output plan.csv]"""

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reviews.plan import services
from reviews.plan.planning import PlanningError


class Command(BaseCommand):
    help = (
        "Plan (or re-plan) the survey year of every active standard; locked years stay as they are."
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
        programme = services.programme_get_or_create(
            start_fy=start_fy, years=years, capacity=capacity
        )
        try:
            outcome = services.programme_plan(
                programme=programme, today=timezone.localdate(), dry_run=dry_run
            )
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
        if output:
            self._write_csv(output, outcome.plan)

    def _write_csv(self, path: Path, plan) -> None:
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["number", "fiscal_year", "reason"])
            for placement in sorted(plan.placements, key=lambda p: (p.year, p.key)):
                writer.writerow([placement.key, placement.year, placement.reason])
        self.stdout.write(f"Plan written to {path} ({len(plan.placements)} rows).")
