"""A response accepted or returned tells its reviewer at once, through the reminders' outbox: the
notice is recorded in the decision's transaction, enqueued after commit, sent once, and shown in
the app — not left for the next daily digest."""

import datetime as dt
from unittest import mock

import pytest
from django.core import mail
from django.db import transaction

from reviews.models import Assignment, Notification, Reminder
from reviews.reminders import services as reminders
from reviews.survey import services as survey_services
from tests.reviews.data import COMPLETE

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(assignment, reviewer):
    reviewer.email = "rev@example.jp"
    reviewer.save()
    survey_services.response_submit(
        assignment=assignment, answers=COMPLETE, based_on=0, by=reviewer
    )
    return assignment


def test_a_return_is_recorded_with_the_decision_and_sent_once_after_commit(
    submitted, coordinator, django_capture_on_commit_callbacks
):
    with mock.patch("reviews.tasks.send_reminder.apply_async") as enqueue:
        with django_capture_on_commit_callbacks(execute=False) as after_commit:
            survey_services.assignment_return(
                assignment=submitted, by=coordinator, comment="調達者の例を追記してください"
            )
            # written in the decision's transaction, before anything leaves the process
            [row] = Reminder.objects.filter(kind="decision")
            assert (row.recipient, row.status, row.user_id) == (
                "rev@example.jp",
                "pending",
                submitted.reviewer_id,
            )
            assert row.notices[0]["kind"] == "returned"
            assert Notification.objects.filter(user=submitted.reviewer, reminder=row).exists()
            enqueue.assert_not_called()
        for callback in after_commit:
            callback()
    assert [call.args[0] for call in enqueue.call_args_list] == [(row.pk,)]

    assert reminders.reminder_send(reminder_id=row.pk) == "sent"
    assert reminders.reminder_send(reminder_id=row.pk) == "not pending"  # delivered twice
    [message] = mail.outbox
    assert message.to == ["rev@example.jp"]
    assert "差し戻されました" in message.body and "returned by the coordinator" in message.body
    assert "調達者の例を追記してください" in message.body
    assert f"/reviews/assignments/{submitted.pk}/" in message.alternatives[0][0]


def test_an_acceptance_is_sent_although_nothing_is_open_any_more(submitted, coordinator):
    survey_services.assignment_accept(assignment=submitted, by=coordinator)
    [row] = Reminder.objects.filter(kind="decision")
    assert reminders.reminder_send(reminder_id=row.pk) == "sent"
    [message] = mail.outbox
    assert "受理されました" in message.body and "accepted" in message.body


def test_a_decision_rolled_back_leaves_no_notice(submitted, coordinator):
    with pytest.raises(RuntimeError), transaction.atomic():
        survey_services.assignment_return(assignment=submitted, by=coordinator, comment="再確認")
        raise RuntimeError("the request failed after the decision")
    assert not Reminder.objects.exists() and not Notification.objects.exists()
    assert Assignment.objects.get(pk=submitted.pk).state == "submitted"


def test_two_decisions_the_same_day_are_two_notices(submitted, coordinator, reviewer):
    survey_services.assignment_return(assignment=submitted, by=coordinator, comment="再確認")
    survey_services.response_submit(assignment=submitted, answers=COMPLETE, based_on=1, by=reviewer)
    survey_services.assignment_accept(assignment=submitted, by=coordinator)
    kinds = [r.notices[0]["kind"] for r in Reminder.objects.order_by("pk")]
    assert kinds == ["returned", "accepted"]


def test_a_bulk_accept_sends_each_reviewer_one_notice_listing_their_responses(
    programme, coordinator, reviewer, other_reviewer
):
    reviewer.email, other_reviewer.email = "rev@example.jp", "rev2@example.jp"
    reviewer.save()
    other_reviewer.save()
    mine, theirs = (
        survey_services.batches_create(
            programme=programme,
            fiscal_year=2026,
            due_on=dt.date(2026, 12, 25),
            today=dt.date(2026, 3, 1),
            max_size=10,
            by=coordinator,
            reviewer=person,
            ministry=ministry,
        )[0]
        for person, ministry in ((reviewer, "METI"), (other_reviewer, "MLIT"))
    )
    ids = []
    for batch in (mine, theirs):
        for assignment in batch.assignments.all():
            survey_services.response_submit(
                assignment=assignment, answers=COMPLETE, based_on=0, by=assignment.reviewer
            )
            ids.append(assignment.pk)
    survey_services.responses_bulk_accept(ids=ids, by=coordinator)
    rows = {r.recipient: r for r in Reminder.objects.filter(kind="decision")}
    assert set(rows) == {"rev@example.jp", "rev2@example.jp"}
    mine_numbers = set(mine.assignments.values_list("standard__number", flat=True))
    assert {n["number"] for n in rows["rev@example.jp"].notices} == mine_numbers
    assert len(mine_numbers) == 6


def test_the_reviewer_sees_the_notice_in_the_app_at_once_in_their_language(
    client, submitted, coordinator, reviewer, settings
):
    survey_services.assignment_return(assignment=submitted, by=coordinator, comment="再確認")
    client.force_login(reviewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/reviews/notifications/").content.decode()
    number = submitted.standard.number
    assert f"Returned for changes: {number}" in page
    assert f'href="/reviews/assignments/{submitted.pk}/"' in page
    assert '<span class="badge hot">1</span>' in page
    assert number in Notification.objects.get(user=reviewer).message


def test_a_reviewer_without_an_address_is_told_in_the_app_only(assignment, reviewer, coordinator):
    survey_services.response_submit(
        assignment=assignment, answers=COMPLETE, based_on=0, by=reviewer
    )
    survey_services.assignment_return(assignment=assignment, by=coordinator, comment="再確認")
    [row] = Reminder.objects.filter(kind="decision")
    assert row.status == "cancelled" and Notification.objects.filter(reminder=row).exists()
    assert reminders.reminder_send(reminder_id=row.pk) == "not pending"
    assert mail.outbox == []
