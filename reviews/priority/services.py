"""Writes of the priority verdicts: the rule applied to standards, the verdicts stored."""

from django.db.models import Count
from django.utils import timezone

from reviews.priority import rule
from reviews.priority.models import StandardPriority
from reviews.survey.models import StandardOutcome
from standards import bulk
from standards.models import (
    Alignment,
    SpecificationCitation,
    Standard,
    StandardAlignment,
    Status,
)


def priorities_recompute(*, today, standard_ids: list[int] | None = None) -> int:
    """Re-apply the priority rule to these standards (all, if None) and store the verdicts."""
    standards = (
        Standard.objects.all()
        if standard_ids is None
        else Standard.objects.filter(pk__in=standard_ids)
    )
    outcomes = {
        row[0]: row[1:]
        for row in StandardOutcome.objects.filter(standard__in=standards).values_list(
            "standard_id", "usability", "cited_in_procurement", "recommended_action"
        )
    }
    revised = set(
        StandardAlignment.objects.filter(
            standard__in=standards, status=Alignment.REVISED
        ).values_list("standard_id", flat=True)
    )
    citing_documents = dict(
        SpecificationCitation.objects.filter(standard__in=standards)
        .order_by()
        .values("standard_id")
        .annotate(n=Count("document", distinct=True))
        .values_list("standard_id", "n")
    )
    now = timezone.now()
    rows = []
    for pk, status, fast, fields, due in standards.values_list(
        "id", "status", "fast_track", "strategic_fields", "review_due_on"
    ):
        usability, cited, action = outcomes.get(pk, (None, None, ""))
        facts = rule.Facts(
            status == Status.ACTIVE,
            fast,
            tuple(fields or ()),
            due,
            usability,
            cited,
            action,
            international_revised=pk in revised,
            cited_documents=citing_documents.get(pk, 0),
        )
        verdict = rule.priority(facts, today)
        rows.append(
            StandardPriority(
                standard_id=pk,
                is_priority=verdict.is_priority,
                reasons=list(verdict.reasons),
                strength=verdict.strength,
                cited_documents=citing_documents.get(pk, 0),
                computed_at=now,
            )
        )
    StandardPriority.objects.bulk_create(
        rows,
        batch_size=bulk.BATCH_SIZE,
        update_conflicts=True,
        unique_fields=["standard"],
        update_fields=["is_priority", "reasons", "strength", "cited_documents", "computed_at"],
    )
    return len(rows)
