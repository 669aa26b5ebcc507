"""The review programme and its five-year plan: the programme's years and yearly capacity, each
year's lock, and the year each standard is surveyed in, with why."""

import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from reviews.plan.planning import Reason
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


def default_programme_name(start_fy: int, years: int) -> str:
    return f"JIS総ざらいレビュー FY{start_fy}–FY{start_fy + years - 1}"


class Programme(models.Model):
    """A multi-year review: which fiscal years, how many standards a year, and its reminder rules
    (read by reviews.reminders)."""

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

    @property
    def label(self) -> str:
        """The name in the active language when it is the one given at creation (stored in
        Japanese, JIS総ざらいレビュー FY2026–FY2030); a name given by hand as it is."""
        if self.name != default_programme_name(self.start_fy, self.years):
            return self.name
        return _("JIS review %(first)s–%(last)s") % {
            "first": fiscal_year_label(self.start_fy),
            "last": fiscal_year_label(self.start_fy + self.years - 1),
        }

    @property
    def fiscal_years(self) -> range:
        return range(self.start_fy, self.start_fy + self.years)

    @property
    def capacity_limit(self) -> int:
        """The most a year may hold: the capacity plus its tolerance (2,200 ± 5 % → 2,310)."""
        return math.floor(self.yearly_capacity * (100 + self.tolerance_percent) / 100)


class PlanYear(models.Model):
    """One fiscal year of a programme; a locked year is never changed by re-planning. Each lock
    and unlock is kept in its history, with who and why."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="plan_years")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    locked_at = models.DateTimeField(_("locked"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

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


REASON_LABELS = {
    Reason.FAST_TRACK: _("Fast-track"),
    Reason.OVERDUE: _("Overdue"),
    Reason.DUE: _("Due that year"),
    Reason.LEVELLING: _("Levelling"),
    Reason.MANUAL: _("Moved by hand"),
}
# The planner's reasons (reviews.plan.planning.Reason), labelled, as the choices of a plan entry.
PlanReason = models.TextChoices(
    "PlanReason", [(reason.name, (reason.value, REASON_LABELS[reason])) for reason in Reason]
)


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


class PlanRun(models.Model):
    """One re-plan asked for on the plan screen and run by the worker: the record the screen polls
    for its progress, and what the run did. At most one run of a programme is open at a time."""

    class State(models.TextChoices):
        QUEUED = "queued", _("waiting for the worker")
        RUNNING = "running", _("running")
        DONE = "done", _("finished")
        FAILED = "failed", _("failed")

    class Step(models.IntegerChoices):
        WAITING = 0, _("Waiting for the worker")
        READING = 1, _("Reading the catalog and the plan")
        SOLVING = 2, _("Computing the plan")
        WRITING = 3, _("Writing the plan")
        FINISHED = 4, _("Finished")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="runs")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.QUEUED)
    step = models.PositiveSmallIntegerField(_("step"), choices=Step.choices, default=Step.WAITING)
    created = models.PositiveIntegerField(_("newly planned"), default=0)
    moved = models.PositiveIntegerField(_("moved"), default=0)
    removed = models.PositiveIntegerField(_("removed"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ("-requested_at", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=["programme"],
                condition=models.Q(finished_at=None),
                name="plan_run_one_open_per_programme",
            )
        ]
        verbose_name = _("re-plan run")
        verbose_name_plural = _("re-plan runs")

    def __str__(self):
        return f"{self.programme} {self.requested_at:%Y-%m-%d %H:%M} {self.state}"

    @property
    def is_open(self) -> bool:
        return self.finished_at is None
