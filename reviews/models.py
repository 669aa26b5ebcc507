"""The review programme and its five-year plan. (Questionnaires and assignments follow.)"""

import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext
from simple_history.models import HistoricalRecords

from reviews.workflow import Action, State
from standards.dates import fiscal_year_label


def validate_days_list(value) -> None:
    """Reminder days before the due date: distinct whole numbers of at least 1, e.g. [14, 7, 1]."""
    if (
        not isinstance(value, list)
        or any(not isinstance(n, int) or isinstance(n, bool) or n < 1 for n in value)
        or len(set(value)) != len(value)
    ):
        raise ValidationError(
            _("Give distinct whole numbers of days, each at least 1, e.g. [14, 7, 1].")
        )


class Programme(models.Model):
    """A multi-year review: which fiscal years, and how many standards a year."""

    name = models.CharField(_("name"), max_length=200)
    start_fy = models.PositiveSmallIntegerField(_("first fiscal year"), unique=True)
    years = models.PositiveSmallIntegerField(_("number of years"), default=5)
    yearly_capacity = models.PositiveIntegerField(_("standards a year"), default=2200)
    tolerance_percent = models.PositiveSmallIntegerField(_("tolerance (%)"), default=5)
    planned_at = models.DateTimeField(_("last planned"), null=True, blank=True)
    objective = models.BigIntegerField(_("plan objective"), null=True, blank=True)
    reminder_days_before = models.JSONField(
        _("reminders, days before the due date"),
        default=list,
        blank=True,
        validators=[validate_days_list],
    )
    overdue_every_days = models.PositiveSmallIntegerField(
        _("overdue reminders every (days)"), default=7, validators=[MinValueValidator(1)]
    )
    escalate_coordinator_days = models.PositiveSmallIntegerField(
        _("escalate to the coordinator after (days overdue)"),
        default=14,
        validators=[MinValueValidator(1)],
    )
    escalate_ministry_days = models.PositiveSmallIntegerField(
        _("escalate to the ministry after (days overdue)"),
        default=30,
        validators=[MinValueValidator(1)],
    )

    class Meta:
        ordering = ("-start_fy",)
        verbose_name = _("review programme")
        verbose_name_plural = _("review programmes")

    def __str__(self):
        return self.name

    def reminder_rules(self):
        from reviews.reminder_rules import Rules

        return Rules(
            days_before=tuple(self.reminder_days_before or (14, 7, 1)),
            overdue_every=self.overdue_every_days,
            escalate_coordinator_after=self.escalate_coordinator_days,
            escalate_ministry_after=self.escalate_ministry_days,
        )

    @property
    def fiscal_years(self) -> range:
        return range(self.start_fy, self.start_fy + self.years)

    @property
    def capacity_limit(self) -> int:
        """The most a year may hold: the capacity plus its tolerance (2,200 ± 5 % → 2,310)."""
        return math.floor(self.yearly_capacity * (100 + self.tolerance_percent) / 100)

    @property
    def capacity_floor(self) -> int:
        return math.ceil(self.yearly_capacity * (100 - self.tolerance_percent) / 100)


class PlanYear(models.Model):
    """One fiscal year of a programme; a locked year is never changed by re-planning."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="plan_years")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    locked_at = models.DateTimeField(_("locked"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("programme", "fiscal_year")
        constraints = [
            models.UniqueConstraint(fields=["programme", "fiscal_year"], name="plan_year_unique")
        ]
        verbose_name = _("plan year")
        verbose_name_plural = _("plan years")

    def __str__(self):
        return fiscal_year_label(self.fiscal_year)

    def is_locked(self, current_fy: int) -> bool:
        """Locked by hand, or already started."""
        return self.locked_at is not None or self.fiscal_year <= current_fy


class PlanReason(models.TextChoices):
    FAST_TRACK = "fast_track", _("Fast-track")
    OVERDUE = "overdue", _("Overdue")
    DUE = "due", _("Due that year")
    LEVELLING = "levelling", _("Levelling")
    MANUAL = "manual", _("Moved by hand")


class PlanEntry(models.Model):
    """The fiscal year in which one standard is surveyed."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="entries")
    standard = models.ForeignKey(
        "standards.Standard",
        on_delete=models.CASCADE,
        related_name="plan_entries",
        verbose_name=_("standard"),
    )
    fiscal_year = models.PositiveSmallIntegerField(_("survey fiscal year"))
    reason = models.CharField(_("reason"), max_length=12, choices=PlanReason.choices)
    locked = models.BooleanField(
        _("locked"), default=False, help_text=_("Moved by hand: re-planning leaves it where it is.")
    )
    ministry = models.ForeignKey(
        "standards.Ministry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lead ministry"),
        help_text=_("The ministry whose yearly load this standard counts toward."),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ("fiscal_year", "standard__number")
        constraints = [
            models.UniqueConstraint(fields=["programme", "standard"], name="plan_entry_unique")
        ]
        indexes = [models.Index(fields=["programme", "fiscal_year"], name="plan_entry_year")]
        verbose_name = _("plan entry")
        verbose_name_plural = _("plan entries")

    def __str__(self):
        return f"{self.standard_id} → FY{self.fiscal_year}"


class QuestionnaireVersion(models.Model):
    """A published questionnaire: an immutable snapshot, identified by its content hash."""

    code = models.CharField(_("code"), max_length=50)
    version = models.PositiveIntegerField(_("version"))
    title_ja = models.CharField(_("title (Japanese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    definition = models.JSONField(_("definition"))
    content_hash = models.CharField(_("content hash"), max_length=64)
    published_at = models.DateTimeField(_("published"), auto_now_add=True)

    class Meta:
        ordering = ("code", "-version")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"], name="questionnaire_version_unique"
            ),
            models.UniqueConstraint(
                fields=["code", "content_hash"], name="questionnaire_hash_unique"
            ),
        ]
        verbose_name = _("questionnaire version")
        verbose_name_plural = _("questionnaire versions")

    def __str__(self):
        return f"{self.title_ja} v{self.version}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError(
                "A published questionnaire version never changes; publish a new version."
            )
        super().save(*args, **kwargs)


class RoutingRule(models.Model):
    """Standards of a ministry, division or drafting body go to a pool of reviewers."""

    class Kind(models.TextChoices):
        DRAFTING_BODY = "drafting_body", _("Drafting body")
        DIVISION = "division", _("Division")
        MINISTRY = "ministry", _("Ministry")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    value = models.CharField(
        _("value"),
        max_length=200,
        help_text=_("Ministry code, division letter or drafting body name."),
    )
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="routing_rules", verbose_name=_("reviewers")
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="routing_rule_unique")
        ]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.value}"


class Batch(models.Model):
    """A set of one fiscal year's standards, surveyed by one reviewer by one due date."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="batches")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    name = models.CharField(_("name"), max_length=200)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="batches",
        verbose_name=_("reviewer"),
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="coordinated_batches",
        null=True,
        blank=True,
        verbose_name=_("coordinator"),
    )
    due_on = models.DateField(_("due"))
    criteria = models.JSONField(_("selection"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ("-fiscal_year", "due_on", "name")
        verbose_name = _("batch")
        verbose_name_plural = _("batches")

    def __str__(self):
        return self.name


class Assignment(models.Model):
    """One standard's questionnaire for one reviewer. Its state changes only through reviews.workflow."""

    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="assignments")
    standard = models.ForeignKey(
        "standards.Standard", on_delete=models.PROTECT, related_name="assignments"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("reviewer"),
    )
    questionnaire = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.PROTECT, related_name="assignments"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.ASSIGNED
    )
    due_on = models.DateField(_("due"))
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("accepted or returned"), null=True, blank=True)
    return_comment = models.TextField(_("coordinator's comment"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ("due_on", "standard__number")
        constraints = [
            models.UniqueConstraint(
                fields=["standard", "fiscal_year"], name="assignment_unique_per_year"
            )
        ]
        indexes = [models.Index(fields=["reviewer", "state"], name="assignment_reviewer_state")]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")

    def __str__(self):
        return f"{self.standard_id} → {self.reviewer_id} ({self.state})"


class Response(models.Model):
    """The answers of one assignment. `version` grows by one per save (optimistic locking)."""

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="response")
    answers = models.JSONField(_("answers"), default=dict)
    version = models.PositiveIntegerField(_("version"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")

    def __str__(self):
        return f"response to {self.assignment_id} v{self.version}"


class Transition(models.Model):
    """Who moved an assignment from which state to which, when, and why."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    from_state = models.CharField(_("from"), max_length=12, choices=State.choices)
    to_state = models.CharField(_("to"), max_length=12, choices=State.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ("assignment", "at", "id")
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")

    def __str__(self):
        return f"{self.assignment_id}: {self.from_state} → {self.to_state}"


class Usability(models.TextChoices):
    USABLE = "usable", _("Usable in procurement")
    WITH_CONDITIONS = "with_conditions", _("Usable with conditions")
    NOT_USABLE = "not_usable", _("Not usable")
    UNKNOWN = "unknown", _("Unknown")


class StandardOutcome(models.Model):
    """What an accepted response says about a standard, linked to that response."""

    standard = models.OneToOneField(
        "standards.Standard", on_delete=models.CASCADE, related_name="outcome"
    )
    response = models.ForeignKey(Response, on_delete=models.PROTECT, related_name="+")
    usability = models.CharField(
        _("procurement usability"), max_length=16, choices=Usability.choices
    )
    cited_in_procurement = models.BooleanField(_("cited in procurement today"), null=True)
    procurers = models.JSONField(_("procurers"), default=list, blank=True)
    procurers_detail = models.CharField(_("which procurers"), max_length=200, blank=True)
    recommended_action = models.CharField(_("recommended review action"), max_length=12, blank=True)
    accepted_at = models.DateTimeField(_("accepted"))
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("survey outcome")
        verbose_name_plural = _("survey outcomes")

    def __str__(self):
        return f"{self.standard_id}: {self.usability}"


class Reminder(models.Model):
    """One digest e-mail: the row is written with the decision, then claimed and sent exactly once."""

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
    kind = models.CharField(_("kind"), max_length=20, default="daily_digest")
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
            models.UniqueConstraint(
                fields=["recipient", "kind", "date"], name="reminder_once_a_day"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="reminder_status")]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")

    def __str__(self):
        return f"{self.recipient} {self.date} ({self.status})"

    def summary(self) -> str:
        """The digest in one line, in the active language, e.g. "Due soon: 2, overdue: 1"."""
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


class StandardPriority(models.Model):
    """The priority rule's verdict on a standard, stored so ministry queries stay fast (reviews.priority)."""

    standard = models.OneToOneField(
        "standards.Standard", on_delete=models.CASCADE, related_name="priority"
    )
    is_priority = models.BooleanField(_("priority"), default=False)
    reasons = models.JSONField(_("reasons"), default=list)
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        indexes = [models.Index(fields=["is_priority"], name="standard_priority_flag")]
        verbose_name = _("standard priority")
        verbose_name_plural = _("standard priorities")

    def __str__(self):
        return f"{self.standard_id}: {', '.join(self.reasons) or '—'}"


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
        return (
            self.due_on is not None
            and self.due_on < today
            and self.status in (self.Status.OPEN, self.Status.IN_PROGRESS)
        )
