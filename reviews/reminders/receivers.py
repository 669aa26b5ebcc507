"""Reminders follow the survey: a response accepted or returned tells its reviewer at once."""

from django.dispatch import receiver

from reviews.reminders.services import decision_notices_record
from reviews.survey.signals import responses_decided
from reviews.tasks import enqueue_sends


@receiver(responses_decided)
def _responses_decided(sender, transitions=(), **kwargs):
    decision_notices_record(transitions=list(transitions), enqueue=enqueue_sends)
