"""Who is reminded of what, on which day (plain data in and out; `today` is passed in).

Business days are those of Japan's administrative organs: not Saturdays, Sundays, national holidays
(from jpholiday) or the year-end closure of 29 December – 3 January. Nothing is sent on other days,
and a due date that falls on one is treated as the next business day. A rule whose day falls on a
non-business day fires on the next business day, so nothing is skipped over a weekend.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import jpholiday

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Rules:
    days_before: tuple[int, ...] = (14, 7, 1)
    overdue_every: int = 7
    escalate_coordinator_after: int = 14
    escalate_ministry_after: int = 30

    def __post_init__(self):
        numbers = (
            *self.days_before,
            self.overdue_every,
            self.escalate_coordinator_after,
            self.escalate_ministry_after,
        )
        if any(not isinstance(n, int) or n < 1 for n in numbers) or len(
            set(self.days_before)
        ) != len(self.days_before):
            raise ValueError(f"Reminder rules need distinct positive whole numbers of days: {self}")


@dataclass(frozen=True)
class OpenItem:
    """An assignment still waiting for its reviewer's answer."""

    assignment_id: int
    number: str
    due_on: dt.date
    reviewer: str  # e-mail addresses identify recipients
    coordinator: str = ""
    ministry_contact: str = ""


@dataclass(frozen=True)
class Notice:
    assignment_id: int
    kind: str  # due_soon, overdue, escalated_coordinator, escalated_ministry
    days: int  # days left until the due date, or days overdue
    due: str  # the effective due date (ISO), as shown to the recipient


@dataclass
class Decision:
    """For one day: recipient → the notices of their digest."""

    day: dt.date
    digests: dict[str, list[Notice]] = field(default_factory=dict)


def is_business_day(day: dt.date) -> bool:
    if day.weekday() >= 5 or jpholiday.is_holiday(day):
        return False
    return not ((day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3))


def next_business_day(day: dt.date) -> dt.date:
    while not is_business_day(day):
        day += ONE_DAY
    return day


def previous_business_day(day: dt.date) -> dt.date:
    day -= ONE_DAY
    while not is_business_day(day):
        day -= ONE_DAY
    return day


def effective_due(due_on: dt.date) -> dt.date:
    """A due date on a weekend or holiday is the next business day."""
    return next_business_day(due_on)


def decide(
    items: list[OpenItem], today: dt.date, rules: Rules = Rules(), *, since: dt.date | None = None
) -> Decision:
    """The digests to send today: empty on a non-business day. A rule fires today when its day lies
    after `since` (the last day swept; by default the previous business day) and not after today,
    so days on which no sweep ran are caught up, not lost."""
    decision = Decision(today)
    if not is_business_day(today):
        return decision
    since = since or previous_business_day(today)
    digests: dict[str, list[Notice]] = defaultdict(list)
    for item in items:
        for recipient, notice in _notices(item, since, today, rules):
            if recipient:
                digests[recipient].append(notice)
    decision.digests = {
        r: sorted(n, key=lambda x: (x.kind, x.assignment_id)) for r, n in sorted(digests.items())
    }
    return decision


def _notices(item: OpenItem, since: dt.date, today: dt.date, rules: Rules):
    due = effective_due(item.due_on)
    shown = due.isoformat()

    def fires(day: dt.date) -> bool:
        return since < day <= today

    # Several before-due rules can land on one day (after a long weekend): one notice, with the real gap.
    if any(fires(due - dt.timedelta(days=days)) for days in rules.days_before) and today <= due:
        yield item.reviewer, Notice(item.assignment_id, "due_soon", (due - today).days, shown)
    overdue = (today - due).days
    if overdue > 0 and any(
        fires(due + dt.timedelta(days=n))
        for n in range(rules.overdue_every, overdue + 1, rules.overdue_every)
    ):
        yield item.reviewer, Notice(item.assignment_id, "overdue", overdue, shown)
    if fires(due + dt.timedelta(days=rules.escalate_coordinator_after)):
        yield item.coordinator, Notice(item.assignment_id, "escalated_coordinator", overdue, shown)
    if fires(due + dt.timedelta(days=rules.escalate_ministry_after)):
        yield (
            item.ministry_contact,
            Notice(item.assignment_id, "escalated_ministry", overdue, shown),
        )
