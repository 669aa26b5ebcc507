"""Keep cached lookups of the catalog's reference tables fresh."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from standards.models import Ministry
from standards.selectors import ministry_choices_clear


@receiver([post_save, post_delete], sender=Ministry)
def _ministry_changed(**kwargs):
    ministry_choices_clear()


# Sent after an import commits, with the numbers it created or updated, for apps that follow the catalog.
catalog_changed = Signal()
