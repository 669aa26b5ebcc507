"""Celery tasks of the people step: thin adapters over the outbox's send. Invitations go out in
chunks, so a sweep of thousands rings the broker a few dozen times rather than once per person;
each row is still claimed and sent exactly once by reviews.reminders.services.reminder_send."""

import logging

from celery import shared_task

from reviews.reminders.services import reminder_send

logger = logging.getLogger(__name__)
# A task sends at most this many e-mails: 20 messages for 2,000 people, and a worker lost in the
# middle of a chunk leaves at most this many rows for the redelivery pass (none is sent twice).
PER_TASK = 100


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_invitations(reminder_ids: list[int]) -> list[str]:
    return [reminder_send(reminder_id=reminder_id) for reminder_id in reminder_ids]


def enqueue_invitation_sends(ids: list[int]) -> int:
    """Ring the doorbell for each chunk of rows; with the broker down, the redelivery pass
    (reviews.tasks.redeliver_reminders) offers them later. Returns how many rows were enqueued."""
    sent = 0
    for start in range(0, len(ids), PER_TASK):
        chunk = ids[start : start + PER_TASK]
        try:
            send_invitations.apply_async((chunk,), retry=False)
        except Exception as exc:  # broker unreachable: the rows stay pending
            logger.warning("could not enqueue %d invitation(s): %s", len(ids) - sent, exc)
            break
        sent += len(chunk)
    return sent
