"""Invitations: one row per invitation e-mail, with when it was accepted. The e-mail itself is a row
of the outbox (reviews.reminders); the link's token is made only when that e-mail is rendered, so
nothing secret is stored."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Invitation(models.Model):
    """An invitation to set a password. Only the user's latest invitation works, once, for
    JISREVIEW_INVITATION_DAYS after its e-mail was rendered."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("user"),
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    reminder = models.OneToOneField(
        "reviews.Reminder",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitation",
        verbose_name=_("e-mail"),
    )
    created_at = models.DateTimeField(_("invited"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("invitation accepted"), null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["user", "-id"], name="invitation_latest")]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"invitation {self.pk} for {self.user_id}"
