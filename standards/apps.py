from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StandardsConfig(AppConfig):
    name = "standards"
    verbose_name = _("Catalog of standards")

    def ready(self):
        from standards import panels, signals  # noqa: F401
        from standards.alignment import receivers  # noqa: F401

        panels.register("standards/_alignment_panel.html")
