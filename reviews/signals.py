"""React to catalog changes: withdrawn standards withdraw their open assignments; the priority
verdicts of the standards a change touched are recomputed."""

import logging

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from reviews.services import (
    assignments_withdraw_for_standard,
    assignments_withdraw_for_withdrawn,
    priorities_recompute,
)
from reviews.tasks import refresh_priorities
from standards.models import Standard, Status
from standards.signals import catalog_changed

logger = logging.getLogger(__name__)

# Up to this many standards, verdicts are recomputed at once in the process that made the change
# (two reads and one upsert, tens of milliseconds), so whoever edited a standard reads the new
# verdict straight away. A bigger import leaves it to the worker, off the request.
RECOMPUTE_AT_ONCE_UP_TO = 1000


@receiver(post_save, sender=Standard)
def _standard_saved(sender, instance, **kwargs):
    if instance.status == Status.WITHDRAWN:
        assignments_withdraw_for_standard(standard=instance)


@receiver(catalog_changed)
def _catalog_changed(sender, numbers=(), **kwargs):
    assignments_withdraw_for_withdrawn()
    if not numbers:
        return
    if len(numbers) <= RECOMPUTE_AT_ONCE_UP_TO:
        ids = list(Standard.objects.filter(number__in=numbers).values_list("pk", flat=True))
        priorities_recompute(today=timezone.localdate(), standard_ids=ids)
    else:
        _enqueue_refresh()


def _enqueue_refresh() -> None:
    try:  # recomputing 11,000 verdicts is a job for the worker; the daily refresh covers an outage
        refresh_priorities.apply_async(retry=False)
    except Exception as exc:
        logger.warning("could not enqueue the priority refresh: %s", exc)
