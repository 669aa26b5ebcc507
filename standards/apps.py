from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StandardsConfig(AppConfig):
    name = "standards"
    verbose_name = _("Catalog of standards")

    def ready(self):
        from standards import signals  # noqa: F401
