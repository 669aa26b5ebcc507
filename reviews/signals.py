"""React to catalog changes: a withdrawn standard's open assignments are withdrawn too."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from standards.models import Standard, Status
from standards.signals import catalog_changed


@receiver(post_save, sender=Standard)
def _standard_saved(sender, instance, **kwargs):
    if instance.status == Status.WITHDRAWN:
        from reviews.services import assignments_withdraw_for_standard

        assignments_withdraw_for_standard(standard=instance)


@receiver(catalog_changed)
def _catalog_imported(sender, **kwargs):
    from reviews.services import assignments_withdraw_for_withdrawn

    assignments_withdraw_for_withdrawn()
