"""Survey progress in numbers: planned, assigned, … accepted, overdue, by fiscal year, ministry, division."""

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.utils import timezone

from reviews.models import Assignment, PlanEntry
from reviews.workflow import OPEN_STATES, State

# dimension → the plan entry's field for it (assignments are grouped the same way)
DIMENSIONS = {
    "fiscal_year": "fiscal_year",
    "ministry": "ministry_id",
    "division": "standard__division",
}


def progress(*, programme, ministry: str | None = None) -> dict[str, list[dict]]:
    """Counts per dimension; a ministry sees only the standards in its remit (two queries a dimension)."""
    today = timezone.localdate()
    entries = PlanEntry.objects.filter(programme=programme)
    assignments = Assignment.objects.filter(batch__programme=programme)
    if ministry:
        entries = entries.filter(standard__ministries__code=ministry)
        assignments = assignments.filter(standard__ministries__code=ministry)
    states = {s: Count("id", filter=Q(state=s)) for s in State.values}
    overdue = Count("id", filter=Q(state__in=OPEN_STATES, due_on__lt=today))
    report = {}
    for name, entry_field in DIMENSIONS.items():
        planned = dict(
            entries.values(group=F(entry_field))
            .annotate(n=Count("id", distinct=True))
            .values_list("group", "n")
        )
        group = _lead_ministry() if name == "ministry" else F(entry_field)
        assignments_by = assignments.annotate(group=group).values("group")
        counted = {row["group"]: row for row in assignments_by.annotate(**states, overdue=overdue)}
        report[name] = [
            {
                name: key,
                "planned": planned.get(key, 0),
                **{s: counted.get(key, {}).get(s, 0) for s in State.values},
                "overdue": counted.get(key, {}).get("overdue", 0),
            }
            for key in sorted(set(planned) | set(counted), key=lambda k: (k is None, k))
        ]
    return report


def _lead_ministry():
    """An assignment counts toward its standard's lead ministry in the plan, as in levelling."""
    lead = PlanEntry.objects.filter(
        standard=OuterRef("standard"), programme=OuterRef("batch__programme")
    )
    return Subquery(lead.values("ministry_id")[:1])
