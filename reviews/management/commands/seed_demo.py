"""python manage.py seed_demo [--force]: the demo catalog and users (idempotent)."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reviews import demo


class Command(BaseCommand):
    help = "Load the demo catalog and create the demo users. Refuses to run with debug off unless --force."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even with DJANGO_DEBUG off.")

    def handle(self, *args, force: bool, **options):
        if not (settings.DEBUG or settings.DEMO_MODE or force):
            raise CommandError(
                "seed_demo creates users with a known password; it runs only with DJANGO_DEBUG=1 "
                "or JISREVIEW_DEMO=1, or with --force."
            )
        if not (settings.DEBUG or settings.DEMO_MODE) and not os.environ.get("DEMO_PASSWORD"):
            raise CommandError(
                "With debug and demo mode off, set DEMO_PASSWORD: no default passwords here."
            )
        result = demo.demo_catalog_load()
        summary = result.summary()
        self.stdout.write(
            f"Demo catalog: {summary['created']} created, {summary['updated']} updated, "
            f"{summary['unchanged']} unchanged."
        )
        outcome = demo.demo_plan_create(today=timezone.localdate())
        totals = outcome.plan.totals()
        self.stdout.write(
            "Plan FY2026–FY2030: "
            + ", ".join(f"FY{y} {n}" for y, n in sorted(totals.items()))
            + f" ({outcome.created} new, {len(outcome.moved)} moved)."
        )
        password = demo.demo_password()
        users = demo.demo_users_create(password)
        states = demo.demo_survey_create(today=timezone.localdate())
        self.stdout.write(
            "FY2026 assignments: "
            + ", ".join(f"{state} {n}" for state, n in sorted(states.items()))
            + "."
        )
        self.stdout.write(f"Demo logins (password: {password}):")
        for user in users:
            where = " / ".join(filter(None, [user.ministry, user.drafting_body]))
            self.stdout.write(f"  {user.username:<12} {user.role:<16} {where}")
