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

        panels.register("reviews/_standard_plan.html")
        panels.register("reviews/_standard_outcome.html")
        panels.register("reviews/_standard_follow_ups.html")
