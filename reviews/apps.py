from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Reviews")

    def ready(self):
        from reviews import signals  # noqa: F401
        from reviews.survey_filters import SurveyStandardFilter
        from standards import filters, panels

        filters.use_filterset(SurveyStandardFilter)

        panels.register("reviews/_standard_outcome.html")
        panels.register("reviews/_standard_follow_ups.html")
