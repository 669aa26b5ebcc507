"""Reads for the reminder sweep and the reminder screens."""

import datetime as dt
from dataclasses import dataclass

from reviews.plan.models import Programme
from reviews.plan.selectors import current_programme
from reviews.reminders import rules
from reviews.reminders.models import Notification, Reminder, SweepRun
from reviews.reminders.rules import Notice, OpenItem, Rules
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


def standard_numbers(reminders) -> dict[int, str]:
    """assignment id → its standard's number, for every notice of these reminders (one query)."""
    ids = {n["assignment_id"] for r in reminders for n in r.notices if "assignment_id" in n}
    return dict(
        Assignment.objects.filter(pk__in=ids).values_list("pk", "standard__number").order_by()
    )


@dataclass(frozen=True)
class NextSweep:
    """What the next daily sweep would send, computed now and written nowhere."""

    day: dt.date
    digests: dict[str, list[Notice]]
    numbers: dict[int, str]  # assignment id → standard number


def next_sweep(*, today: dt.date, look_ahead_days: int = 31) -> NextSweep:
    """The next digests the daily sweep will send, decided by the pure rules on today's open
    assignments: from today's sweep if it has not run yet (before its hour, or missed), else the
    next business day's, the first day within `look_ahead_days` with anything to send (the last
    day looked at, if none has). Open work may still change before then: a submission stops its
    reminders."""
    if rules.is_business_day(today) and not SweepRun.objects.filter(date=today).exists():
        day = today
    else:
        day = rules.next_business_day(today + rules.ONE_DAY)
    since = (
        SweepRun.objects.filter(date__lt=day)
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )
    items = open_items()
    numbers = {item.assignment_id: item.number for item in items}
    plan_rules = sweep_rules()
    while True:
        decision = rules.decide(items, day, plan_rules, since=since)
        following = rules.next_business_day(day + rules.ONE_DAY)
        if decision.digests or (following - today).days > look_ahead_days:
            return NextSweep(day, decision.digests, numbers)
        since, day = day, following  # that day's sweep will have run by the next one
