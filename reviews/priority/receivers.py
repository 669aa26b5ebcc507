"""The priority verdicts follow the earlier steps: they are recomputed for the standards a catalog
change touched, for those a specification's scan found cited, and for those whose survey outcome
was accepted."""

import logging

from django.dispatch import receiver
from django.utils import timezone

from reviews.priority.services import priorities_recompute
from reviews.survey.signals import outcome_accepted
from reviews.tasks import refresh_priorities
from standards.alignment.signals import alignment_changed
from standards.models import Standard
from standards.signals import catalog_changed, specifications_scanned

logger = logging.getLogger(__name__)

# Up to this many standards, verdicts are recomputed at once in the process that made the change
# (two reads and one upsert, tens of milliseconds), so whoever edited a standard reads the new
# verdict straight away. A bigger import leaves it to the worker, off the request.
RECOMPUTE_AT_ONCE_UP_TO = 1000


@receiver(catalog_changed)
def _catalog_changed(sender, numbers=(), **kwargs):
    if not numbers:
        return
    if len(numbers) <= RECOMPUTE_AT_ONCE_UP_TO:
        ids = list(Standard.objects.filter(number__in=numbers).values_list("pk", flat=True))
        priorities_recompute(today=timezone.localdate(), standard_ids=ids)
    else:
        _enqueue_refresh()


@receiver(alignment_changed)
def _alignment_changed(sender, standard_ids=None, **kwargs):
    """Alignments were recomputed (on the worker, which recomputes the verdicts that follow them
    too); None: all of them."""
    ids = None if standard_ids is None else list(standard_ids)
    priorities_recompute(today=timezone.localdate(), standard_ids=ids)


@receiver(specifications_scanned)
def _specifications_scanned(sender, standard_ids=(), **kwargs):
    """A scan found (or no longer finds) these standards cited: "cited in procurement
    specifications" and its document count follow."""
    if standard_ids:
        priorities_recompute(today=timezone.localdate(), standard_ids=list(standard_ids))


@receiver(outcome_accepted)
def _outcome_accepted(sender, standard_ids=(), **kwargs):
    priorities_recompute(today=timezone.localdate(), standard_ids=list(standard_ids))


def _enqueue_refresh() -> None:
    try:  # recomputing 11,000 verdicts is a job for the worker; the daily refresh covers an outage
        refresh_priorities.apply_async(retry=False)
    except Exception as exc:
        logger.warning("could not enqueue the priority refresh: %s", exc)
