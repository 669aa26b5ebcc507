"""Celery tasks: thin adapters that take ids, call a service, and return what it did."""

from celery import shared_task
from django.utils import timezone

from reviews import reminders


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_reminder(reminder_id: int) -> str:
    return reminders.reminder_send(reminder_id=reminder_id)


@shared_task(ignore_result=True)
def sweep_reminders() -> int:
    return len(reminders.reminders_sweep(today=timezone.localdate()))


@shared_task(ignore_result=True)
def redeliver_reminders() -> int:
    """Every few minutes: catch up a missed daily sweep, then re-offer whatever is still unsent."""
    now = timezone.now()
    reminders.sweep_if_missed(now=now)
    return reminders.enqueue_sends(reminders.reminders_redeliver(now=now))


@shared_task(ignore_result=True)
def refresh_priorities() -> int:
    """Daily: "review due soon" moves with the calendar."""
    from reviews.services import priorities_recompute

    return priorities_recompute(today=timezone.localdate())
