"""python manage.py send_reminders [--date YYYY-MM-DD] [--dry-run]: the reminder sweep, synchronously."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reviews.reminders import rules, selectors
from reviews.reminders import services as reminders


class Command(BaseCommand):
    help = "Decide and send the day's reminder digests now, printing what each recipient gets."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="The day to sweep for (default: today, Asia/Tokyo).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would be sent; send nothing."
        )

    def handle(self, *args, date, dry_run, **options):
        try:
            day = dt.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError:
            raise CommandError(f"--date {date!r} is not a date like 2026-12-01.") from None
        if not rules.is_business_day(day):
            self.stdout.write(f"{day} is not a business day in Japan: nothing is sent.")
            return
        if dry_run:
            decision = rules.decide(selectors.open_items(), day, selectors.sweep_rules())
            for recipient, notices in decision.digests.items():
                self.stdout.write(f"{recipient}: {_describe(notices)} (dry run)")
            return
        # sent right here, one by one, so nothing is handed to the broker
        rows = reminders.reminders_sweep(today=day)
        for row in rows:
            outcome = reminders.reminder_send(reminder_id=row.pk)
            self.stdout.write(f"{row.recipient}: {_describe(row.notices)} — {outcome}")
        self.stdout.write(f"{len(rows)} digest(s) for {day}.")


def _describe(notices) -> str:
    counts: dict[str, int] = {}
    for notice in notices:
        kind = notice["kind"] if isinstance(notice, dict) else notice.kind
        counts[kind] = counts.get(kind, 0) + 1
    return ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
