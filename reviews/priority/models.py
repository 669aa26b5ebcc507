"""The priority rule's verdict on each standard, stored."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StandardPriority(models.Model):
    """The priority rule's verdict on a standard, stored so ministry queries stay fast
    (reviews.priority.rule)."""

    standard = models.OneToOneField(
        "standards.Standard", on_delete=models.CASCADE, related_name="priority"
    )
    is_priority = models.BooleanField(_("priority"), default=False)
    reasons = models.JSONField(_("reasons"), default=list)
    # reviews.priority.rule.strength(reasons): the list's rank, highest first, kept as a column so
    # the ranking is an ORDER BY
    strength = models.PositiveSmallIntegerField(_("strength"), default=0)
    # specification documents citing the standard, behind the "cited in procurement
    # specifications" reason (its count is shown with it)
    cited_documents = models.PositiveIntegerField(_("citing specifications"), default=0)
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        indexes = [models.Index(fields=["is_priority"], name="standard_priority_flag")]
        # and on PostgreSQL, standard_priority_rank (migration 0015): the priority list's ranking
        # (reviews.priority.selectors.RANKED), strongest first, read from an index
        verbose_name = _("standard priority")
        verbose_name_plural = _("standard priorities")

    def __str__(self):
        return f"{self.standard_id}: {', '.join(self.reasons) or '—'}"
