"""The coordinators' reminder log: what was sent (recipient, kind, items, sent at, status), a failed
e-mail sent again, what the next sweep will send (computed, written nowhere); and notifications
whose every part opens the assignments list filtered to the assignments it counts."""

import datetime as dt
from unittest import mock

import pytest
from django import forms
from django.core import mail
from django.utils import timezone

from reviews.models import Assignment, Notification, Reminder, SweepRun
from reviews.reminders import selectors
from reviews.reminders import services as reminders
from reviews.survey.filters import IdRangesField, id_ranges
from tests.reviews.data import DUE, SEVEN_BEFORE

pytestmark = pytest.mark.django_db
JST = dt.timezone(dt.timedelta(hours=9))


def at(time_machine, day: dt.date, hour: int = 10) -> None:
    time_machine.move_to(dt.datetime(day.year, day.month, day.day, hour, tzinfo=JST), tick=False)


@pytest.fixture
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _failed_digest() -> Reminder:
    row = Reminder.objects.get(recipient="rev@example.jp")
    Reminder.objects.filter(pk=row.pk).update(
        status=Reminder.Status.FAILED, attempts=5, last_error="SMTPServerDisconnected: down"
    )
    row.refresh_from_db()
    return row


# ---- ids in links, without a database ---------------------------------------------------------


@pytest.mark.parametrize(
    ("ids", "text"),
    [([3], "3"), ([3, 5, 6, 7, 9], "3,5-7,9"), ([9, 8, 7, 7], "7-9"), ([], "")],
)
def test_ids_are_written_as_ranges_and_read_back(ids, text):
    assert id_ranges(ids) == text
    assert IdRangesField(required=False).clean(text) == (sorted(set(ids)) or None)


@pytest.mark.parametrize("text", ["3,x", "-4", "5-", "1-20000"])
def test_a_bad_id_list_is_refused_naming_it(text):
    with pytest.raises(forms.ValidationError):
        IdRangesField(required=False).clean(text)


# ---- the log ----------------------------------------------------------------------------------


def test_the_log_says_who_was_sent_what_of_which_kind_when(
    english, open_work, coordinator, time_machine
):
    at(time_machine, SEVEN_BEFORE)
    rows = reminders.reminders_sweep(today=SEVEN_BEFORE)
    sent = next(r for r in rows if r.recipient == "rev2@example.jp")
    reminders.reminder_send(reminder_id=sent.pk)
    english.force_login(coordinator)
    response = english.get("/reviews/reminders/")
    page = response.content.decode()
    logged = {r.recipient: r for r in response.context["page"]}
    numbers = sorted(
        Assignment.objects.filter(reviewer__email="rev2@example.jp").values_list(
            "standard__number", flat=True
        )
    )
    assert sorted(logged["rev2@example.jp"].items) == numbers
    for shown in ("Daily digest", "3 due soon", "Sent", "Pending", *numbers):
        assert shown in page, shown
    assert timezone.localtime(logged["rev2@example.jp"].sent_at).strftime("%Y-%m-%d %H:%M") in page


def test_a_coordinator_sends_a_failed_e_mail_again(
    english, open_work, coordinator, django_capture_on_commit_callbacks
):
    reminders.reminders_sweep(today=SEVEN_BEFORE)
    row = _failed_digest()
    english.force_login(coordinator)
    page = english.get("/reviews/reminders/").content.decode()
    assert f'action="/reviews/reminders/{row.pk}/resend/"' in page
    with (
        mock.patch("reviews.tasks.send_reminder.apply_async") as doorbell,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = english.post(f"/reviews/reminders/{row.pk}/resend/", follow=True)
    doorbell.assert_called_once_with((row.pk,), retry=False)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Reminder.Status.PENDING, 0)
    assert "is on its way again" in response.content.decode()
    assert reminders.reminder_send(reminder_id=row.pk) == "sent"
    assert [m.to for m in mail.outbox] == [["rev@example.jp"]]


def test_sending_again_rings_the_doorbell_only_once_committed(
    open_work, coordinator, django_capture_on_commit_callbacks
):
    reminders.reminders_sweep(today=SEVEN_BEFORE)
    row = _failed_digest()
    rung: list[int] = []
    with django_capture_on_commit_callbacks() as callbacks:
        reminders.reminder_resend(reminder_id=row.pk, by=coordinator, enqueue=rung.extend)
        assert rung == []
    [ring] = callbacks
    ring()
    assert rung == [row.pk]


def test_only_a_failed_e_mail_is_sent_again_and_only_by_a_coordinator(
    english, open_work, coordinator, reviewer, ministry_viewer
):
    [first, second] = reminders.reminders_sweep(today=SEVEN_BEFORE)
    reminders.reminder_send(reminder_id=second.pk)  # sent
    english.force_login(coordinator)
    response = english.post(f"/reviews/reminders/{second.pk}/resend/", follow=True)
    assert "Only a reminder that could not be sent can be sent again" in response.content.decode()
    second.refresh_from_db()
    assert (second.status, second.attempts) == (Reminder.Status.SENT, 1)
    assert english.get(f"/reviews/reminders/{first.pk}/resend/").status_code == 405
    failed = _failed_digest()
    for someone in (reviewer, ministry_viewer):
        english.force_login(someone)
        assert english.post(f"/reviews/reminders/{failed.pk}/resend/").status_code == 403
    failed.refresh_from_db()
    assert failed.status == Reminder.Status.FAILED


# ---- scheduled next ---------------------------------------------------------------------------


def test_the_next_sweep_is_listed_and_nothing_is_written(
    english, open_work, coordinator, time_machine
):
    # Wednesday 25 November: nothing is due until 14 days before DUE (9 December), the 25th itself
    at(time_machine, dt.date(2026, 11, 25), hour=8)
    english.force_login(coordinator)
    before = (Reminder.objects.count(), Notification.objects.count(), SweepRun.objects.count())
    response = english.get("/reviews/reminders/")
    assert (
        Reminder.objects.count(),
        Notification.objects.count(),
        SweepRun.objects.count(),
    ) == before
    assert response.context["next_day"] == dt.date(2026, 11, 25)  # today's sweep, not run yet
    listed = {d["recipient"]: d for d in response.context["next_digests"]}
    assert set(listed) == {"rev@example.jp", "rev2@example.jp"}
    assert [p["text"] for p in listed["rev@example.jp"]["parts"]] == ["3 due soon"]
    assert "Scheduled for 2026-11-25" in response.content.decode()


def test_once_today_s_sweep_ran_the_next_business_day_with_something_to_send_is_listed(
    open_work, time_machine
):
    at(time_machine, dt.date(2026, 11, 25))
    reminders.reminders_sweep(today=dt.date(2026, 11, 25))
    upcoming = selectors.next_sweep(today=dt.date(2026, 11, 25))
    assert upcoming.day == SEVEN_BEFORE  # 2 December: 7 days before DUE
    assert {r: [n.kind for n in ns] for r, ns in upcoming.digests.items()} == {
        "rev@example.jp": ["due_soon"] * 3,
        "rev2@example.jp": ["due_soon"] * 3,
    }
    assert Reminder.objects.filter(date=SEVEN_BEFORE).count() == 0


# ---- notifications lead to the list they describe ---------------------------------------------


def test_each_part_of_a_notification_opens_the_list_of_those_assignments(
    english, open_work, reviewer, time_machine
):
    # the day before DUE: two due tomorrow, and one due a week ago
    day = DUE - dt.timedelta(days=1)
    mine = list(Assignment.objects.filter(reviewer=reviewer).order_by("pk"))
    Assignment.objects.filter(pk=mine[0].pk).update(due_on=day - dt.timedelta(days=7))
    at(time_machine, day)
    reminders.reminders_sweep(today=day)
    english.force_login(reviewer)
    response = english.get("/reviews/notifications/")
    [notification] = response.context["notifications"]
    parts = {part["text"]: part["url"] for part in notification.parts}
    assert set(parts) == {"2 due soon", "1 overdue"}
    overdue = english.get(parts["1 overdue"])
    assert [a.pk for a in overdue.context["page"]] == [mine[0].pk]
    due_soon = english.get(parts["2 due soon"])
    assert sorted(a.pk for a in due_soon.context["page"]) == [mine[1].pk, mine[2].pk]
    html = response.content.decode()
    assert f'href="{parts["1 overdue"]}"' in html and "?overdue=1" not in html


def test_the_log_s_queries_do_not_grow_with_its_rows(
    client, open_work, coordinator, django_assert_num_queries, time_machine
):
    at(time_machine, SEVEN_BEFORE)
    for day in (dt.date(2026, 11, 25), SEVEN_BEFORE, dt.date(2026, 12, 8)):
        reminders.reminders_sweep(today=day)
    assert Reminder.objects.count() == 6
    client.force_login(coordinator)
    client.get("/reviews/reminders/")  # the session and the questionnaire cached
    # user, roles (the session is cached); the log's count and page; the page's standard numbers;
    # the next sweep: has today's run, the last run, open assignments and their ministries, the
    # programme's rules; the failed count
    with django_assert_num_queries(11):
        client.get("/reviews/reminders/")
