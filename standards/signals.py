"""Keep cached lookups of the catalog's reference tables fresh, and tell other apps what changed."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from standards.models import Ministry, Standard
from standards.selectors import ministry_choices_clear

# Sent once a change to the catalog has committed, with `numbers`: the standards it created or
# updated. Imports send it for every row they wrote; any other write of a standard (the API, the
# admin, a page, the shell) sends it through _standard_saved below. Apps that follow the catalog
# (reviews' priority verdicts) subscribe; the catalog knows none of them.
catalog_changed = Signal()


@receiver([post_save, post_delete], sender=Ministry)
def _ministry_changed(**kwargs):
    ministry_choices_clear()


@receiver(post_save, sender=Standard)
def _standard_saved(sender, instance, raw=False, **kwargs):
    if raw:  # loaddata: rows arrive as they are, in no particular order
        return
    number = instance.number
    # robust: the change is committed by then; a follower that fails is logged, not the user's 500
    transaction.on_commit(
        lambda: catalog_changed.send(sender=Standard, numbers=[number]), robust=True
    )


# Sent once a specification document's scan has committed, with `standard_ids`: the catalog's
# standards it cites. Reviews' priority verdicts subscribe ("cited in procurement specifications").
specifications_scanned = Signal()
