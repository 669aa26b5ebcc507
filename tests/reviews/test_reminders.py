"""Reminders end to end through the services: recorded once, sent once, retried, never lost."""

import datetime as dt
import smtplib
import threading
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test import override_settings
from django.urls import include, path
from django.utils import timezone

from reviews.models import Assignment, Notification, Reminder, SweepRun
from reviews.plan import services as plan_services
from reviews.reminders import rules as reminder_rules
from reviews.reminders import selectors
from reviews.reminders import services as reminders
from reviews.survey import services as survey_services
from reviews.tasks import enqueue_sends
from tests.reviews.data import COMPLETE, DUE, SEVEN_BEFORE
from tests.standards.factories import StandardFactory

pytestmark = pytest.mark.django_db
JST = dt.timezone(dt.timedelta(hours=9))


def sweep_and_send(day):
    rows = reminders.reminders_sweep(today=day)
    return {row.recipient: reminders.reminder_send(reminder_id=row.pk) for row in rows}


def test_one_digest_per_reviewer_with_links_in_both_languages(open_work):
    assert sweep_and_send(SEVEN_BEFORE) == {"rev@example.jp": "sent", "rev2@example.jp": "sent"}
    assert len(mail.outbox) == 2
    message = next(m for m in mail.outbox if m.to == ["rev@example.jp"])
    text, (html, kind) = message.body, message.alternatives[0]
    assert kind == "text/html"
    assert text.count("回答期限まであと 7 日") == 3 and text.count("due in 7 day(s)") == 3
    assert "/reviews/assignments/" in html
    assert Notification.objects.filter(user__email="rev@example.jp").count() == 1


# The review pages mounted elsewhere, for the test below.
urlpatterns = [path("survey-work/", include("reviews.urls"))]


@override_settings(ROOT_URLCONF=__name__, SITE_URL="https://jis.example.go.jp/")
def test_digest_links_lead_to_each_assignment_wherever_its_page_is(open_work):
    sweep_and_send(SEVEN_BEFORE)
    message = next(m for m in mail.outbox if m.to == ["rev@example.jp"])
    ids = Assignment.objects.filter(reviewer__email="rev@example.jp").values_list("pk", flat=True)
    assert len(ids) == 3
    for pk in ids:
        link = f"https://jis.example.go.jp/survey-work/assignments/{pk}/"
        assert link in message.body and f'href="{link}"' in message.alternatives[0][0]


def test_a_second_sweep_or_a_second_delivery_sends_nothing_more(open_work):
    sweep_and_send(SEVEN_BEFORE)
    assert sweep_and_send(SEVEN_BEFORE) == {
        "rev@example.jp": "not pending",
        "rev2@example.jp": "not pending",
    }
    row = Reminder.objects.first()
    assert reminders.reminder_send(reminder_id=row.pk) == "not pending"  # the task delivered twice
    assert len(mail.outbox) == 2 and Reminder.objects.count() == 2


def test_reminders_stop_on_submit_and_resume_on_return(open_work, reviewer, coordinator):
    mine = list(Assignment.objects.filter(reviewer=reviewer))
    for assignment in mine:
        survey_services.response_save_draft(
            assignment=assignment, answers=COMPLETE, based_on=0, by=reviewer
        )
        survey_services.assignment_submit(assignment=assignment, by=reviewer)
    assert "rev@example.jp" not in sweep_and_send(SEVEN_BEFORE)
    survey_services.assignment_return(assignment=mine[0], by=coordinator, comment="再確認")
    day = dt.date(2026, 12, 16)  # 7 days overdue
    assert sweep_and_send(day)["rev@example.jp"] == "sent"
    digest = next(m for m in mail.outbox if m.to == ["rev@example.jp"])
    assert digest.body.count("回答期限を 7 日過ぎています") == 1


def test_submitting_after_the_sweep_still_stops_the_reminder(open_work, reviewer):
    rows = {r.recipient: r for r in reminders.reminders_sweep(today=SEVEN_BEFORE)}
    for assignment in Assignment.objects.filter(reviewer=reviewer):
        survey_services.response_save_draft(
            assignment=assignment, answers=COMPLETE, based_on=0, by=reviewer
        )
        survey_services.assignment_submit(assignment=assignment, by=reviewer)
    assert reminders.reminder_send(reminder_id=rows["rev@example.jp"].pk) == "nothing left"
    assert mail.outbox == []


def test_escalations_go_to_the_coordinator_and_the_ministry(open_work):
    sent = sweep_and_send(dt.date(2026, 12, 23))  # 14 days overdue
    assert "coord@example.jp" in sent
    sent = sweep_and_send(dt.date(2027, 1, 8))  # day 30 is 8 January 2027
    assert "meti-contact@example.jp" in sent


def test_nothing_on_a_holiday(open_work):
    # 30 December, in the year-end closure, is 21 days past DUE: an "overdue" notice falls on it
    holiday, next_day = dt.date(2026, 12, 30), dt.date(2027, 1, 4)
    assert (holiday - DUE).days == 21
    items = selectors.open_items()
    assert reminder_rules.decide(items, holiday).digests == {}
    assert reminders.reminders_sweep(today=holiday) == []
    assert not Reminder.objects.exists() and not SweepRun.objects.exists()
    # the notice is not lost but waits for the first business day of the new year
    waiting = reminder_rules.decide(items, next_day).digests["rev@example.jp"]
    assert {(n.kind, n.days) for n in waiting} == {("overdue", 26)}


def test_a_notice_falling_on_a_holiday_goes_out_the_next_business_day(open_work):
    # due Tuesday 12 January 2027: "1 day before" is Monday 11 January, 成人の日
    Assignment.objects.update(due_on=dt.date(2027, 1, 12))
    assert reminders.reminders_sweep(today=dt.date(2027, 1, 8)) == []
    assert reminders.reminders_sweep(today=dt.date(2027, 1, 11)) == []
    rows = reminders.reminders_sweep(today=dt.date(2027, 1, 12))
    assert {r.recipient: [(n["kind"], n["days"]) for n in r.notices] for r in rows} == {
        "rev@example.jp": [("due_soon", 0)] * 3,
        "rev2@example.jp": [("due_soon", 0)] * 3,
    }


def test_failing_smtp_is_retried_with_back_off_then_marked_failed(open_work):
    [row, _] = reminders.reminders_sweep(today=SEVEN_BEFORE)
    start = dt.datetime(2026, 12, 2, 9, 0, tzinfo=JST)
    with mock.patch(
        "django.core.mail.EmailMultiAlternatives.send",
        side_effect=smtplib.SMTPServerDisconnected("down"),
    ):
        for attempt in range(1, reminders.MAX_ATTEMPTS + 1):
            now = start + dt.timedelta(hours=attempt)
            assert reminders.reminders_redeliver(now=now) == [row.pk, _.pk]
            outcome = reminders.reminder_send(reminder_id=row.pk, now=now)
            row.refresh_from_db()
            assert row.attempts == attempt and row.sent_at is None
            if attempt < reminders.MAX_ATTEMPTS:
                assert outcome == "retry later" and row.next_attempt_at == now + reminders.backoff(
                    attempt
                )
                assert (
                    reminders.reminder_send(reminder_id=row.pk, now=now) == "not pending"
                )  # not before its time
    assert (row.status, outcome) == (
        "failed",
        "failed",
    ) and "SMTPServerDisconnected" in row.last_error


def test_a_worker_killed_between_claim_and_send_is_redelivered_once(open_work):
    [row, _] = reminders.reminders_sweep(today=SEVEN_BEFORE)
    claimed_at = timezone.now() - reminders.CLAIM_LEASE - dt.timedelta(minutes=1)
    Reminder.objects.filter(pk=row.pk).update(status="sending", claimed_at=claimed_at, attempts=1)
    assert row.pk in reminders.reminders_redeliver(now=timezone.now())
    assert reminders.reminder_send(reminder_id=row.pk) == "sent"
    assert reminders.reminder_send(reminder_id=row.pk) == "not pending"
    assert [m.to for m in mail.outbox] == [[row.recipient]]


def test_a_broker_outage_loses_nothing(open_work, django_capture_on_commit_callbacks):
    with mock.patch(
        "reviews.tasks.send_reminder.apply_async", side_effect=ConnectionError("broker down")
    ):
        with django_capture_on_commit_callbacks(execute=True):
            rows = reminders.reminders_sweep(today=SEVEN_BEFORE, enqueue=enqueue_sends)
    assert {r.status for r in Reminder.objects.all()} == {"pending"}
    with mock.patch("reviews.tasks.send_reminder.apply_async") as enqueue:
        from reviews.tasks import redeliver_reminders

        assert redeliver_reminders() == len(rows)
    assert sorted(call.args[0][0] for call in enqueue.call_args_list) == sorted(r.pk for r in rows)


@time_machine.travel(dt.datetime(2026, 12, 2, 9, 0, tzinfo=JST), tick=False)
def test_send_reminders_command_for_today(open_work):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert "rev@example.jp: 3 due_soon — sent" in out.getvalue()
    call_command("send_reminders", "--date", "2026-12-02", stdout=out)
    assert len(mail.outbox) == 2


@pytest.mark.parametrize("extra", [0, 20])
def test_sweep_query_count_does_not_grow(
    open_work, coordinator, reviewer, django_assert_max_num_queries, extra
):
    for i in range(extra):
        StandardFactory(number=f"JIS G {2000 + i}", established_on=dt.date(2021, 6, 1))
    if extra:
        plan_services.programme_plan(programme=open_work, today=dt.date(2026, 3, 1))
        survey_services.batches_create(
            programme=open_work,
            fiscal_year=2026,
            due_on=DUE,
            today=dt.date(2026, 3, 1),
            max_size=100,
            by=coordinator,
            reviewer=reviewer,
        )
    # programme, last sweep, open assignments, their ministries, sweep day (get or create), users,
    # insert, rows, notifications, and savepoints
    with django_assert_max_num_queries(14):
        reminders.reminders_sweep(today=SEVEN_BEFORE)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_record_each_digest_once(open_work):
    errors = []

    def sweep():
        try:
            reminders.reminders_sweep(today=SEVEN_BEFORE)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Reminder.objects.count() == 2
    sent = [
        reminders.reminder_send(reminder_id=r.pk) for r in Reminder.objects.all() for _ in range(2)
    ]
    assert sent.count("sent") == 2 and len(mail.outbox) == 2


def test_coordinator_sees_the_reminder_log_and_failures(client, open_work, coordinator, reviewer):
    [row, _] = reminders.reminders_sweep(today=SEVEN_BEFORE)
    Reminder.objects.filter(pk=row.pk).update(
        status="failed", last_error="SMTPServerDisconnected: down"
    )
    client.force_login(coordinator)
    page = client.get("/reviews/reminders/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "SMTPServerDisconnected: down" in page and row.recipient in page
    client.force_login(reviewer)
    assert client.get("/reviews/reminders/").status_code == 403


def test_in_app_notifications_with_unread_count(
    client, open_work, reviewer, django_capture_on_commit_callbacks
):
    client.force_login(reviewer)
    assert '<span class="badge hot">' not in client.get("/reviews/notifications/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        reminders.reminders_sweep(today=SEVEN_BEFORE)
    page = client.get("/reviews/notifications/").content.decode()
    assert '<span class="badge hot">1</span>' in page and "期限間近 3件" in page
    with django_capture_on_commit_callbacks(execute=True):  # the request's commit
        client.post("/reviews/notifications/")
    assert '<span class="badge hot">' not in client.get("/reviews/notifications/").content.decode()


def test_a_notification_reads_in_the_readers_language_and_is_stored_in_the_sites(
    client, open_work, reviewer, coordinator, settings
):
    from django.utils import translation

    day = dt.date(2026, 12, 23)  # 14 days overdue: the coordinator is told too
    with translation.override("en"):  # a sweep started from an English screen
        reminders.reminders_sweep(today=day)
    mine = Notification.objects.get(user=coordinator)
    assert mine.message.startswith("事務局へ連絡 ")  # stored in settings.LANGUAGE_CODE
    client.force_login(coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/reviews/notifications/").content.decode()
    assert "late, for the coordinator" in english and "事務局へ連絡" not in english
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"
    japanese = client.get("/reviews/notifications/").content.decode()
    with translation.override("en"):
        assert mine.reminder.summary() in english
    assert "事務局へ連絡" in japanese and "late, for the coordinator" not in japanese


def test_a_bug_while_sending_marks_the_row_for_retry_not_stuck(open_work):
    [row, _] = reminders.reminders_sweep(today=SEVEN_BEFORE)
    with mock.patch("reviews.reminders.services._message", side_effect=KeyError("title")):
        assert reminders.reminder_send(reminder_id=row.pk) == "retry later"
    row.refresh_from_db()
    assert row.status == "pending" and "KeyError" in row.last_error


def test_a_row_abandoned_too_often_is_marked_failed(open_work):
    [row, _] = reminders.reminders_sweep(today=SEVEN_BEFORE)
    long_ago = timezone.now() - reminders.CLAIM_LEASE * 2
    Reminder.objects.filter(pk=row.pk).update(
        status="sending", claimed_at=long_ago, attempts=reminders.MAX_ATTEMPTS
    )
    assert row.pk not in reminders.reminders_redeliver(now=timezone.now())
    assert Reminder.objects.get(pk=row.pk).status == "failed"


@time_machine.travel(dt.datetime(2026, 12, 2, 10, 0, tzinfo=JST), tick=False)
def test_the_redelivery_pass_runs_a_missed_daily_sweep(
    open_work, django_capture_on_commit_callbacks
):
    from reviews.models import SweepRun
    from reviews.tasks import redeliver_reminders

    with mock.patch("reviews.tasks.send_reminder.apply_async") as enqueue:
        with django_capture_on_commit_callbacks(execute=True):
            redeliver_reminders()  # beat could not run the 09:00 sweep; this pass does
        assert Reminder.objects.filter(date=SEVEN_BEFORE).count() == 2
        assert SweepRun.objects.filter(date=SEVEN_BEFORE).exists()
        with django_capture_on_commit_callbacks(execute=True):
            redeliver_reminders()  # and only once
    assert Reminder.objects.count() == 2 and enqueue.call_count >= 2


def test_cancelled_digest_clears_its_notification(open_work, reviewer):
    rows = {r.recipient: r for r in reminders.reminders_sweep(today=SEVEN_BEFORE)}
    for assignment in Assignment.objects.filter(reviewer=reviewer):
        survey_services.response_save_draft(
            assignment=assignment, answers=COMPLETE, based_on=0, by=reviewer
        )
        survey_services.assignment_submit(assignment=assignment, by=reviewer)
    reminders.reminder_send(reminder_id=rows["rev@example.jp"].pk)
    assert not Notification.objects.filter(user=reviewer, read_at=None).exists()
