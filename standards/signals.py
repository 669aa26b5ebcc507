"""Keep cached lookups of the catalog's reference tables fresh."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from standards.models import Ministry
from standards.selectors import ministry_choices_clear


@receiver([post_save, post_delete], sender=Ministry)
def _ministry_changed(**kwargs):
    ministry_choices_clear()
