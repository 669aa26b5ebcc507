"""React to catalog changes: withdrawn standards withdraw their open assignments; priorities are refreshed."""

import logging

from django.db.models.signals import post_save
from django.dispatch import receiver

from standards.models import Standard, Status
from standards.signals import catalog_changed

logger = logging.getLogger(__name__)


@receiver(post_save, sender=Standard)
def _standard_saved(sender, instance, **kwargs):
    if instance.status == Status.WITHDRAWN:
        from reviews.services import assignments_withdraw_for_standard

        assignments_withdraw_for_standard(standard=instance)


@receiver(catalog_changed)
def _catalog_imported(sender, **kwargs):
    from reviews.services import assignments_withdraw_for_withdrawn
    from reviews.tasks import refresh_priorities

    assignments_withdraw_for_withdrawn()
    try:  # recomputing 11,000 verdicts is a job for the worker; the daily refresh covers an outage
        refresh_priorities.apply_async(retry=False)
    except Exception as exc:
        logger.warning("could not enqueue the priority refresh: %s", exc)
