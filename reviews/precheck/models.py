"""The pre-check of each organisation's list (the July step) and hand-overs between colleagues.

An organisation is a routing pool, named as reviews.survey.models.RoutingRule names it (a kind and a
value: a drafting body's people, a division pool or a ministry pool). Each answers for the standards
of a fiscal year routed to it: confirmed, or "not ours". A coordinator resolves each "not ours" by
re-routing the standard to another pool (a Reroute, the last of which routes the year's batches) or
by keeping it where it is."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from reviews.plan.models import Programme


class Verdict(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    NOT_OURS = "not_ours", _("Not ours")


class Resolution(models.TextChoices):
    REROUTED = "rerouted", _("Re-routed")
    KEPT = "kept", _("Kept with this organisation")


class PrecheckAnswer(models.Model):
    """One organisation's answer on one standard of its list for a fiscal year."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    standard = models.ForeignKey(
        "standards.Standard", on_delete=models.CASCADE, related_name="precheck_answers"
    )
    route_kind = models.CharField(_("organisation kind"), max_length=20)
    route_value = models.CharField(_("organisation"), max_length=200)
    verdict = models.CharField(_("answer"), max_length=10, choices=Verdict.choices)
    right_body = models.ForeignKey(
        "standards.DraftingBody",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("the right drafting body"),
    )
    comment = models.TextField(_("comment"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"))
    resolution = models.CharField(
        _("resolution"), max_length=10, choices=Resolution.choices, blank=True
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolution_note = models.TextField(_("coordinator's note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ("fiscal_year", "route_kind", "route_value", "standard__number")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "fiscal_year", "standard", "route_kind", "route_value"],
                name="precheck_answer_once_per_organisation",
            )
        ]
        indexes = [
            models.Index(fields=["programme", "fiscal_year"], name="precheck_answer_year"),
        ]
        verbose_name = _("pre-check answer")
        verbose_name_plural = _("pre-check answers")

    def __str__(self):
        return f"FY{self.fiscal_year} {self.route_value}: {self.standard_id} {self.verdict}"

    @property
    def is_open_mark(self) -> bool:
        return self.verdict == Verdict.NOT_OURS and not self.resolution


class Reroute(models.Model):
    """A standard of a fiscal year sent from one routing pool to another by a coordinator. The
    latest one of a standard and year is where its batch goes; the earlier ones are its history."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    standard = models.ForeignKey(
        "standards.Standard", on_delete=models.CASCADE, related_name="reroutes"
    )
    from_kind = models.CharField(_("from (kind)"), max_length=20)
    from_value = models.CharField(_("from"), max_length=200)
    to_kind = models.CharField(_("to (kind)"), max_length=20)
    to_value = models.CharField(_("to"), max_length=200)
    answer = models.ForeignKey(
        PrecheckAnswer, on_delete=models.SET_NULL, null=True, blank=True, related_name="reroutes"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ("at", "id")
        indexes = [models.Index(fields=["programme", "fiscal_year"], name="reroute_year")]
        verbose_name = _("re-route")
        verbose_name_plural = _("re-routes")

    def __str__(self):
        return f"FY{self.fiscal_year} {self.standard_id}: {self.from_value} → {self.to_value}"


class HandOver(models.Model):
    """A reviewer gave an assignment to a colleague of the same organisation; the workflow
    transition that recorded it is in the assignment's history."""

    assignment = models.ForeignKey(
        "reviews.Assignment", on_delete=models.CASCADE, related_name="hand_overs"
    )
    transition = models.OneToOneField(
        "reviews.Transition", on_delete=models.CASCADE, related_name="hand_over"
    )
    from_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("from"),
    )
    to_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("to"),
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ("-at", "-id")
        verbose_name = _("hand-over")
        verbose_name_plural = _("hand-overs")

    def __str__(self):
        return f"{self.assignment_id}: {self.from_reviewer_id} → {self.to_reviewer_id}"
