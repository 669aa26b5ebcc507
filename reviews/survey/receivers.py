"""The survey follows the catalog: a withdrawn standard withdraws its open assignments."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from reviews.survey.services import (
    assignments_withdraw_for_standard,
    assignments_withdraw_for_withdrawn,
)
from standards.models import Standard, Status
from standards.signals import catalog_changed


@receiver(post_save, sender=Standard)
def _standard_saved(sender, instance, **kwargs):
    if instance.status == Status.WITHDRAWN:
        assignments_withdraw_for_standard(standard=instance)


@receiver(catalog_changed)
def _catalog_changed(sender, **kwargs):
    assignments_withdraw_for_withdrawn()
