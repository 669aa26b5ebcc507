"""The worker's side: alignments are recomputed there after an international or catalog import."""

import logging

from celery import shared_task

from standards.alignment.services import alignments_recompute

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def recompute_alignments(standard_ids: list[int] | None = None) -> int:
    return alignments_recompute(standard_ids=standard_ids)


def enqueue_recompute(standard_ids: list[int] | None = None) -> bool:
    """Ring the worker; if the broker is down, recompute here and now instead (nothing else would:
    there is no periodic recompute, and stale alignments feed priorities and the questionnaire)."""
    try:
        recompute_alignments.apply_async((standard_ids,), retry=False)
    except Exception as exc:
        logger.warning("could not enqueue the alignment recompute, recomputing here: %s", exc)
        alignments_recompute(standard_ids=standard_ids)
        return False
    return True
