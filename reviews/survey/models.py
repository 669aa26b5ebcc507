"""The survey: published questionnaire versions, routing rules, batches, assignments with their
answers and state changes, and the outcome an accepted response writes on its standard."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from reviews.plan.models import Programme
from reviews.survey.workflow import Action, State
from standards.dates import fiscal_year_label


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

    @property
    def label(self) -> str:
        """The name in the active language (令和8年度 全件 #1, FY2026 all #1); the stored name
        (FY2026 all #1) is the same in every language, so numbering continues whoever cuts."""
        number = self.name.rpartition(" #")[2]
        if not (self.name.startswith(f"FY{self.fiscal_year} ") and number.isdigit()):
            return self.name  # named by hand (the admin)
        return batch_label(self.fiscal_year, self.criteria or {}, int(number))


def batch_name(fiscal_year: int, criteria: dict, number: int) -> str:
    """The stored name of a cut's batch: FY2026 METI / B #3, FY2026 all #1."""
    what = " / ".join(str(v) for v in criteria.values()) or "all"
    return f"FY{fiscal_year} {what} #{number}"


def batch_label(fiscal_year: int, criteria: dict, number: int) -> str:
    """batch_name() in the active language: the fiscal year as its readers name it."""
    what = " / ".join(str(v) for v in criteria.values()) or str(_("all"))
    return f"{fiscal_year_label(fiscal_year)} {what} #{number}"


class Assignment(models.Model):
    """One standard's questionnaire for one reviewer. Its state changes only through
    reviews.survey.workflow."""

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


class ComputedAnswer(models.Model):
    """An answer the system worked out for a question of an assignment, with its evidence, kept
    beside the reviewer's own answer (Response.answers), which may differ: the questionnaire is
    pre-filled with `value`, the reviewer decides. Refreshed each time the response is saved, so
    it records what the reviewer was shown."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="computed_answers"
    )
    question = models.CharField(_("question"), max_length=50)
    value = models.CharField(_("computed answer"), max_length=50, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "question"], name="computed_answer_unique"
            )
        ]
        verbose_name = _("computed answer")
        verbose_name_plural = _("computed answers")

    def __str__(self):
        return f"{self.assignment_id} {self.question}: {self.value}"
