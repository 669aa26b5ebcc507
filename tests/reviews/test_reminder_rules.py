"""Reminder rules on Japanese business days, with `today` passed in (no clock, no database)."""

import datetime as dt

import pytest

from reviews.reminders.rules import OpenItem, Rules, decide, effective_due, is_business_day

D = dt.date


def item(due, aid=1, reviewer="rev@example.jp"):
    return OpenItem(aid, f"JIS B {aid:04d}", due, reviewer, "coord@example.jp", "meti@example.jp")


def kinds(decision, recipient="rev@example.jp"):
    return [(n.kind, n.days) for n in decision.digests.get(recipient, [])]


@pytest.mark.parametrize(
    ("day", "business"),
    [
        (D(2026, 11, 27), True),  # Friday
        (D(2026, 11, 28), False),  # Saturday
        (D(2026, 11, 29), False),  # Sunday
        (D(2026, 11, 23), False),  # 勤労感謝の日
        (D(2027, 5, 3), False),  # Golden Week: 憲法記念日
        (D(2027, 5, 4), False),  # みどりの日
        (D(2027, 5, 5), False),  # こどもの日
        (D(2027, 5, 6), True),
        (D(2026, 12, 28), True),
        (D(2026, 12, 29), False),  # year-end closure of government offices
        (D(2027, 1, 1), False),  # 元日
        (D(2027, 1, 4), True),  # first business day of the year
        (D(2027, 3, 31), True),  # last day of FY2026
        (D(2027, 4, 1), True),  # first day of FY2027
    ],
)
def test_business_days(day, business):
    assert is_business_day(day) is business


def test_due_date_on_a_holiday_is_the_next_business_day():
    assert effective_due(D(2027, 5, 3)) == D(2027, 5, 6)  # Golden Week
    assert effective_due(D(2026, 12, 31)) == D(2027, 1, 4)  # New Year closure
    assert effective_due(D(2027, 3, 31)) == D(2027, 3, 31)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2027, 2, 15), [("due_soon", 14)]),  # due Monday 1 March 2027
        (D(2027, 2, 22), [("due_soon", 7)]),
        (D(2027, 2, 26), []),  # "1 day before" is Sunday 28 February …
        (D(2027, 3, 1), [("due_soon", 0)]),  # … so it fires on the next business day: due today
        (D(2027, 3, 2), []),
    ],
)
def test_reminders_before_the_due_date(today, expected):
    assert kinds(decide([item(D(2027, 3, 1))], today)) == expected


def test_nothing_is_sent_on_a_weekend_or_holiday():
    items = [
        item(D(2026, 12, 12))
    ]  # due Saturday → treated as Monday 14 Dec; 14 days before is Monday 30 Nov
    assert decide(items, D(2026, 11, 28)).digests == {}
    assert decide(items, D(2026, 11, 29)).digests == {}
    # "1 day before" is Sunday 13 Dec: it is due that day, yet waits for Monday
    assert decide(items, D(2026, 12, 13)).digests == {}
    assert kinds(decide(items, D(2026, 12, 14))) == [("due_soon", 0)]
    # due Wednesday 2 Dec: 28 days overdue is 30 Dec, in the year-end closure; it waits for 4 Jan
    late = [item(D(2026, 12, 2))]
    assert decide(late, D(2026, 12, 30)).digests == {}
    assert kinds(decide(late, D(2027, 1, 4))) == [("overdue", 33)]


def test_overdue_every_seven_days_and_escalations():
    due = D(2026, 10, 1)  # Thursday
    overdue_days = {}
    for offset in range(0, 40):
        today = due + dt.timedelta(days=offset)
        decision = decide([item(due)], today)
        for recipient, notices in decision.digests.items():
            for notice in notices:
                overdue_days.setdefault((recipient, notice.kind), []).append((today - due).days)
    assert overdue_days[("rev@example.jp", "overdue")] == [7, 14, 21, 28, 35]
    assert overdue_days[("coord@example.jp", "escalated_coordinator")] == [14]
    # Day 30 is Saturday 31 October: the ministry hears on Monday 2 November (day 32).
    assert overdue_days[("meti@example.jp", "escalated_ministry")] == [32]


def test_one_digest_per_person_per_day():
    decision = decide(
        [item(D(2027, 3, 1), aid=1), item(D(2027, 3, 1), aid=2), item(D(2027, 2, 1), aid=3)],
        D(2027, 2, 15),
    )
    assert list(decision.digests) == ["coord@example.jp", "rev@example.jp"]
    assert kinds(decision) == [("due_soon", 14), ("due_soon", 14), ("overdue", 14)]


def test_fiscal_year_boundary():
    # Due 31 March 2027 (Wednesday, last day of FY2026); overdue from 1 April, the first day of FY2027.
    assert kinds(decide([item(D(2027, 3, 31))], D(2027, 3, 30))) == [("due_soon", 1)]
    assert kinds(decide([item(D(2027, 3, 31))], D(2027, 4, 7))) == [("overdue", 7)]


def test_rules_are_configurable():
    rules = Rules(
        days_before=(3,), overdue_every=2, escalate_coordinator_after=4, escalate_ministry_after=6
    )
    assert kinds(decide([item(D(2026, 12, 4))], D(2026, 12, 1), rules)) == [("due_soon", 3)]
    assert kinds(decide([item(D(2026, 12, 4))], D(2026, 12, 8), rules), "coord@example.jp") == [
        ("escalated_coordinator", 4)
    ]


def test_two_rules_on_one_day_give_one_notice_with_the_real_gap():
    # Due Tuesday 5 January 2027: "7 days before" fell in the year-end closure, "1 day before" is the 4th.
    decision = decide([item(D(2027, 1, 5))], D(2027, 1, 4))
    assert kinds(decision) == [("due_soon", 1)]
    assert decision.digests["rev@example.jp"][0].due == "2027-01-05"


def test_a_missed_sweep_is_caught_up_the_next_time():
    # No sweep ran on Monday 15 February (the 14-day reminder); Tuesday's sweep, knowing the last swept
    # day was Friday the 12th, still sends it.
    assert kinds(decide([item(D(2027, 3, 1))], D(2027, 2, 16))) == []
    assert kinds(decide([item(D(2027, 3, 1))], D(2027, 2, 16), since=D(2027, 2, 12))) == [
        ("due_soon", 13)
    ]


def test_the_shown_due_date_is_the_next_business_day():
    [notice] = decide([item(D(2027, 5, 3))], D(2027, 4, 30)).digests[
        "rev@example.jp"
    ]  # Golden Week
    assert (notice.due, notice.days) == ("2027-05-06", 6)


@pytest.mark.parametrize(
    "bad", [{"overdue_every": 0}, {"days_before": (7, 7)}, {"days_before": (0,)}]
)
def test_impossible_rules_are_refused(bad):
    with pytest.raises(ValueError, match="distinct positive"):
        Rules(**bad)


def test_programme_rule_fields_refuse_impossible_values():
    from django.core.exceptions import ValidationError

    from reviews.models import validate_days_list

    validate_days_list([14, 7, 1])
    for bad in ([7, 7], [0], ["7"], [True], "14,7"):
        with pytest.raises(ValidationError):
            validate_days_list(bad)
