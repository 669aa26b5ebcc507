"""Users, with the ministry or drafting body they belong to. Roles are groups (accounts.roles)."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    ministry = models.ForeignKey(
        "standards.Ministry",
        verbose_name=_("ministry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    drafting_body = models.ForeignKey(
        "standards.DraftingBody",
        verbose_name=_("drafting body"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")
