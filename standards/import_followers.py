"""Telling the catalog's followers what an import changed, once it has committed: at once, or for a
large import on the worker, so their work does not hold the request (issue #12: 1,000 survey
assignments withdrawn one by one after an import took 20 s of a request gunicorn stops at 30).

Standards imports this module (services.py), so the task is registered wherever Django is set up,
the worker included.
"""

import logging

from celery import shared_task

from standards.models import Standard
from standards.signals import catalog_changed

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def catalog_changed_send(numbers: list[str]) -> int:
    """On the worker: the catalog-change signal for these standards. Its followers recompute from
    what is stored, so a delivery twice does the same work twice and no harm."""
    catalog_changed.send(sender=Standard, numbers=numbers)
    return len(numbers)


def catalog_changed_notify(numbers: list[str], *, on_worker: bool) -> bool:
    """Send the catalog-change signal, on the worker if `on_worker` and the broker takes it, else
    here and now (nothing is lost to a broker outage). True when the worker will send it."""
    if on_worker:
        try:
            catalog_changed_send.apply_async((numbers,), retry=False)
            return True
        except Exception as exc:  # broker unreachable: follow at once, slower but complete
            logger.warning("could not hand the catalog change to the worker: %s", exc)
    catalog_changed.send(sender=Standard, numbers=numbers)
    return False
