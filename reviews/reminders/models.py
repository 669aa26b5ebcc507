"""Reminders as rows: the outbox of e-mails to reviewers (a daily digest, or the notice of a decision
on a response), each written with what it tells and sent exactly once; its in-app copy for users
with an account; and the days the sweep ran."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext


class Reminder(models.Model):
    """One e-mail of the outbox: the row is written in the transaction that decides to send it, then
    claimed and sent exactly once."""

    class Kind(models.TextChoices):
        DAILY_DIGEST = "daily_digest", _("Daily digest")
        DECISION = "decision", _("Response accepted or returned")
        INVITATION = "invitation", _("Invitation")
        HAND_OVER = "hand_over", _("Assignment handed over")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Nothing left to send")

    recipient = models.EmailField(_("recipient"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.DAILY_DIGEST
    )
    date = models.DateField(_("date"))
    notices = models.JSONField(_("notices"), default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ("-date", "recipient")
        constraints = [
            # one digest a day; a decision notice goes out with each decision, however many
            models.UniqueConstraint(
                fields=["recipient", "kind", "date"],
                condition=models.Q(kind="daily_digest"),
                name="reminder_once_a_day",
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="reminder_status")]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")

    def __str__(self):
        return f"{self.recipient} {self.date} ({self.status})"

    def summary(self) -> str:
        """The e-mail in one line, in the active language, e.g. "2 due soon, 1 overdue", or
        "Returned for changes: JIS B 8445"."""
        if self.kind == self.Kind.DECISION:
            return self._decision_summary()
        if self.kind == self.Kind.INVITATION:
            return str(_("Invitation to set a password"))
        if self.kind == self.Kind.HAND_OVER:  # reviews.precheck: a colleague handed these over
            separator = pgettext("list separator", ", ")
            numbers = separator.join(n["number"] for n in self.notices)
            return _("Handed over to you: %(numbers)s") % {"numbers": numbers}
        counts: dict[str, int] = {}
        for notice in self.notices:
            counts[notice["kind"]] = counts.get(notice["kind"], 0) + 1
        words = {
            "due_soon": lambda n: ngettext("%(n)d due soon", "%(n)d due soon", n),
            "overdue": lambda n: ngettext("%(n)d overdue", "%(n)d overdue", n),
            "escalated_coordinator": lambda n: ngettext(
                "%(n)d late, for the coordinator", "%(n)d late, for the coordinator", n
            ),
            "escalated_ministry": lambda n: ngettext(
                "%(n)d late, for the ministry", "%(n)d late, for the ministry", n
            ),
        }
        parts = [words[kind](n) % {"n": n} for kind, n in sorted(counts.items()) if kind in words]
        return pgettext("list separator", ", ").join(parts)

    def _decision_summary(self) -> str:
        separator = pgettext("list separator", ", ")
        parts = []
        for kind, words in (
            ("returned", _("Returned for changes: %(numbers)s")),
            ("accepted", _("Accepted: %(numbers)s")),
        ):
            numbers = [n["number"] for n in self.notices if n["kind"] == kind]
            if numbers:
                parts.append(words % {"numbers": separator.join(numbers)})
        return pgettext("sentence separator", "; ").join(parts)

    def decision_url(self) -> str:
        """Where a decision notice leads: the one response it is about, else the reviewer's list of
        assignments in that state. Empty for a digest."""
        if self.kind != self.Kind.DECISION:
            return ""
        ids = {n["assignment_id"] for n in self.notices}
        if len(ids) == 1:
            return reverse("reviews:assignment", args=[ids.pop()])
        states = {n["kind"] for n in self.notices}
        state = states.pop() if len(states) == 1 else ""
        return reverse("reviews:assignments") + (f"?state={state}" if state else "")


class Notification(models.Model):
    """An in-app copy of a reminder, for users who have an account."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    reminder = models.ForeignKey(Reminder, on_delete=models.CASCADE, related_name="+")
    message = models.CharField(_("message"), max_length=500)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        constraints = [
            models.UniqueConstraint(fields=["user", "reminder"], name="notification_once")
        ]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self):
        return self.message


class SweepRun(models.Model):
    """A day the reminder sweep ran: the next sweep catches up on every day since the last one."""

    date = models.DateField(_("date"), unique=True)
    ran_at = models.DateTimeField(_("ran at"), auto_now_add=True)

    class Meta:
        ordering = ("-date",)
        verbose_name = _("reminder sweep")
        verbose_name_plural = _("reminder sweeps")

    def __str__(self):
        return str(self.date)
