from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from standards import panels


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Reviews")

    def ready(self):
        # Imported here, not at the top: receivers import models, which load only once the app
        # registry is ready.
        from reviews.priority import receivers as priority_receivers  # noqa: F401
        from reviews.reminders import receivers as reminders_receivers  # noqa: F401
        from reviews.survey import receivers as survey_receivers  # noqa: F401

        _outbox_builders_register()
        # the progress report and plan summary are cached until a write to what they count commits
        from reviews.common import figures

        figures.watch_writes()

        panels.register("reviews/_standard_plan.html")
        panels.register("reviews/_standard_outcome.html")
        panels.register("reviews/_standard_follow_ups.html")
        panels.register("reviews/_standard_evidence.html")


def _outbox_builders_register() -> None:
    """The outbox (reviews.reminders) sends invitations and hand-over notices too, asking the people
    and pre-check steps for their text;
    imported here, once the app registry is ready, so the reminders step imports none of it."""
    from reviews.people.services import invitation_message
    from reviews.precheck.services import hand_over_message
    from reviews.reminders.models import Reminder
    from reviews.reminders.services import MESSAGE_BUILDERS

    MESSAGE_BUILDERS[Reminder.Kind.INVITATION] = invitation_message
    MESSAGE_BUILDERS[Reminder.Kind.HAND_OVER] = hand_over_message
