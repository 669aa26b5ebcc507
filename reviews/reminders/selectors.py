"""Reads for the reminder sweep and the reminder screens."""

from reviews.plan.models import Programme
from reviews.plan.selectors import current_programme
from reviews.reminders.models import Notification, Reminder
from reviews.reminders.rules import OpenItem, Rules
from reviews.survey.models import Assignment
from reviews.survey.workflow import OPEN_STATES


def sweep_rules(programme: Programme | None = None) -> Rules:
    """The reminder rules of the programme (by default the current one), or the defaults."""
    programme = programme or current_programme()
    if programme is None:
        return Rules()
    return Rules(
        days_before=tuple(programme.reminder_days_before or Rules.days_before),
        overdue_every=programme.overdue_every_days,
        escalate_coordinator_after=programme.escalate_coordinator_days,
        escalate_ministry_after=programme.escalate_ministry_days,
    )


def open_items() -> list[OpenItem]:
    """Every assignment still waiting for an answer, as the reminder rules see it (three queries)."""
    assignments = (
        Assignment.objects.filter(state__in=OPEN_STATES)
        .select_related("reviewer", "batch__coordinator", "standard")
        .prefetch_related("standard__ministries")
    )
    items = []
    for a in assignments:
        ministries = sorted(a.standard.ministries.all(), key=lambda m: (m.sort_order, m.code))
        contact = next((m.contact_email for m in ministries if m.contact_email), "")
        coordinator = a.batch.coordinator.email if a.batch.coordinator else ""
        items.append(
            OpenItem(a.pk, a.standard.number, a.due_on, a.reviewer.email, coordinator, contact)
        )
    return items


def still_open(assignment_ids) -> set[int]:
    """Those of these assignments still waiting for an answer."""
    return set(
        Assignment.objects.filter(pk__in=assignment_ids, state__in=OPEN_STATES).values_list(
            "pk", flat=True
        )
    )


def reminder_log(status: str = ""):
    """Every reminder row, newest first, of one status if a known one is given."""
    queryset = Reminder.objects.order_by("-date", "recipient")
    if status in Reminder.Status.values:
        queryset = queryset.filter(status=status)
    return queryset


def failed_count() -> int:
    return Reminder.objects.filter(status=Reminder.Status.FAILED).count()


def notifications_for(user, limit: int = 100) -> list[Notification]:
    return list(Notification.objects.filter(user=user).select_related("reminder")[:limit])
