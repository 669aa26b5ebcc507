"""Celery tasks of the catalog: thin adapters that take ids and call a service."""

import logging

from celery import shared_task

from standards.specifications import services

logger = logging.getLogger(__name__)


@shared_task(
    bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True, max_retries=3
)
def scan_specification(self, document_id: int) -> str:
    """Scan an uploaded specification; the document's row claims the scan, so a task delivered
    twice scans once. A task given back when its worker died finds the scan still held: it comes
    back once the scan counts as lost, and takes it over (or finds it finished)."""
    try:
        document = services.specification_scan_run(document_id=document_id)
    except services.ScanHeld as held:
        raise self.retry(countdown=held.retry_in) from None
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
