"""Celery tasks: thin adapters that take ids, call a service, and return what it did. The steps that
enqueue reminder sends and re-plan runs live here, beside their tasks, and are handed to the sweep
and (through reviews/urls.py) to the plan screen."""

import logging

from celery import shared_task
from django.utils import timezone

from reviews.plan import services as plan
from reviews.priority.services import priorities_recompute
from reviews.reminders import services as reminders

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_reminder(reminder_id: int) -> str:
    return reminders.reminder_send(reminder_id=reminder_id)


def enqueue_sends(ids: list[int]) -> int:
    """Ring the doorbell for each row; if the broker is down, the redelivery pass rings again later."""
    sent = 0
    for reminder_id in ids:
        try:
            send_reminder.apply_async((reminder_id,), retry=False)
            sent += 1
        except Exception as exc:  # broker unreachable: the row stays pending
            logger.warning("could not enqueue reminder %s: %s", reminder_id, exc)
            break
    return sent


@shared_task(ignore_result=True)
def sweep_reminders() -> int:
    return len(reminders.reminders_sweep(today=timezone.localdate(), enqueue=enqueue_sends))


@shared_task(ignore_result=True)
def redeliver_reminders() -> int:
    """Every few minutes: catch up a missed daily sweep, then re-offer whatever is still unsent."""
    now = timezone.now()
    reminders.sweep_if_missed(now=now, enqueue=enqueue_sends)
    return enqueue_sends(reminders.reminders_redeliver(now=now))


@shared_task(ignore_result=True)
def refresh_priorities() -> int:
    """Daily: "review due soon" moves with the calendar."""
    return priorities_recompute(today=timezone.localdate())


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def replan(run_id: int) -> str:
    """The re-plan asked for on the plan screen; the run's row claims it, so a task delivered twice
    plans once."""
    run = plan.plan_run_execute(run_id=run_id, today=timezone.localdate())
    return run.state if run is not None else "missing"


def enqueue_replan(run_id: int) -> bool:
    """Hand a re-plan run to the worker; with the broker down the run is closed at once, so the
    screen says so instead of waiting for a worker that will never hear of it."""
    try:
        replan.apply_async((run_id,), retry=False)
    except Exception as exc:  # broker unreachable
        logger.warning("could not enqueue re-plan run %s: %s", run_id, exc)
        plan.plan_run_not_queued(run_id=run_id)
        return False
    return True
