"""Alignments follow the catalog: a change to standards (their correspondences) recomputes theirs
on the worker."""

from django.dispatch import receiver

from standards.alignment.tasks import enqueue_recompute
from standards.models import Standard
from standards.signals import catalog_changed

# Past this many standards the worker recomputes them all: one pass over every correspondence is
# cheaper than a list of ids that long.
ALL_FROM = 2000


@receiver(catalog_changed)
def _catalog_changed(sender, numbers=(), **kwargs):
    if not numbers:
        return
    if len(numbers) > ALL_FROM:
        enqueue_recompute(None)
        return
    ids = list(Standard.objects.filter(number__in=numbers).values_list("pk", flat=True))
    enqueue_recompute(ids)
