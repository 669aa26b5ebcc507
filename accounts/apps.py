from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # connect their receivers: token revocation, and the second step owed at each sign-in
        from accounts import api_tokens, middleware  # noqa: F401
