"""Celery tasks of the catalog: thin adapters that take ids and call a service."""

import logging

from celery import shared_task

from standards.specifications import services

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def scan_specification(document_id: int) -> str:
    """Scan an uploaded specification; the document's row claims the scan, so a task delivered
    twice scans once."""
    document = services.specification_scan_run(document_id=document_id)
    return document.state if document is not None else "missing"


def enqueue_scan(document_id: int) -> bool:
    """Ring the worker's doorbell; with the broker down the document says so at once (and may be
    scanned again), instead of waiting for a worker that will never hear of it."""
    try:
        scan_specification.apply_async((document_id,), retry=False)
    except Exception as exc:  # broker unreachable
        logger.warning("could not enqueue the scan of specification %s: %s", document_id, exc)
        services.specification_not_queued(document_id=document_id)
        return False
    return True
