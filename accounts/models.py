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
    # Filled by the roster import (reviews.roster); a blank language means the site's default.
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        blank=True,
        choices=[("ja", _("Japanese")), ("en", _("English"))],
        help_text=_("For e-mails, and the site's language after login."),
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")


class SavedSearch(models.Model):
    """A named set of filters on one screen, kept for its owner (e.g. "METI: usable, due FY2027")."""

    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(_("name"), max_length=100)
    path = models.CharField(_("screen"), max_length=200)
    query = models.TextField(_("filters"), blank=True)
    created_at = models.DateTimeField(_("saved"), auto_now=True)

    class Meta:
        ordering = ("name",)
        constraints = [
            models.UniqueConstraint(
                fields=["user", "path", "name"], name="saved_search_unique_name"
            )
        ]
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return f"{self.path}?{self.query}" if self.query else self.path
