"""Follow-up actions on priority standards, each owned by a ministry."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class FollowUp(models.Model):
    """An action a ministry owes on a priority standard after its survey, e.g. citing it in a specification."""

    class Status(models.TextChoices):
        OPEN = "open", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    standard = models.ForeignKey(
        "standards.Standard",
        on_delete=models.CASCADE,
        related_name="follow_ups",
        verbose_name=_("standard"),
    )
    action = models.CharField(_("follow-up action"), max_length=300)
    ministry = models.ForeignKey(
        "standards.Ministry",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owner ministry"),
    )
    due_on = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = (models.F("due_on").asc(nulls_last=True), "id")
        indexes = [models.Index(fields=["ministry", "status"], name="follow_up_ministry_status")]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self):
        return f"{self.standard_id}: {self.action}"

    def is_overdue(self, today) -> bool:
        return self.due_on is not None and self.due_on < today and self.status in OPEN_STATUSES


# Still to be done: counted on the ministry screens, and late once past their due date.
OPEN_STATUSES = (FollowUp.Status.OPEN, FollowUp.Status.IN_PROGRESS)
