"""Invitations through a real Celery worker on a private Redis broker: each invitation e-mail is
sent exactly once however often the broker delivers its task, and the link in the file a worker
process writes (var/mail in development) sets the password."""

import re

import pytest
from celery.contrib.testing.worker import start_worker
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client

from accounts.roles import Role
from jisreview.celery import app
from reviews.models import Invitation, Reminder
from reviews.people import services, tasks
from reviews.tasks import send_reminder
from scripts.local_services import wait_for
from tests.reviews.task_ledger import TaskLedger

# private_broker (autouse): a redis-server of each test's own as the broker; _worker_process: a
# real `celery worker` process on the test database and that broker
from tests.reviews.test_reminders_worker import _worker_process, private_broker  # noqa: F401

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]
LINK = re.compile(r"https?://[^/\s]+(/reviews/invitation/[^/\s]+/)")


@pytest.fixture
def newcomers(django_user_model):
    reviewers = Group.objects.get(name=Role.REVIEWER)
    people = []
    for i in range(3):
        user = django_user_model.objects.create_user(
            username=f"new{i}", email=f"new{i}@example.or.jp"
        )
        user.groups.add(reviewers)
        people.append(user)
    return people


def test_each_invitation_is_sent_once_even_when_delivered_twice(
    newcomers, coordinator, monkeypatch
):
    monkeypatch.setattr(tasks, "PER_TASK", 2)  # two chunks: [new0, new1], [new2]
    app.conf.task_always_eager = False
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        with TaskLedger(tasks.send_invitations) as chunks, TaskLedger(send_reminder) as singles:
            # committed as it returns, then the doorbell rings for each chunk
            invitations = services.invitations_send(users=newcomers, by=coordinator)
            ids = [invitation.reminder_id for invitation in invitations]
            tasks.send_invitations.delay(ids)  # the broker hands them over a second time
            for reminder_id in ids:  # and the redelivery pass offers each once more
                send_reminder.delay(reminder_id)
            assert wait_for(lambda: len(chunks.published) == 3 and chunks.settled())
            assert wait_for(lambda: len(singles.published) == 3 and singles.settled())
    assert sorted(m.to[0] for m in mail.outbox) == [u.email for u in newcomers]
    sent = [o for _id, outcomes in chunks.finished.items() for o in outcomes]
    sent += list(singles.finished.values())
    assert sorted(sent) == ["not pending"] * 6 + ["sent"] * 3
    assert set(Reminder.objects.values_list("status", flat=True)) == {"sent"}


@pytest.mark.postgres
def test_the_link_in_the_mail_file_sets_the_password(newcomers, coordinator, tmp_path):
    [invitation] = services.invitations_send(users=newcomers[:1], by=coordinator, enqueue=None)
    worker = _worker_process(tmp_path, EMAIL_HOST="")  # e-mail to files
    try:
        tasks.enqueue_invitation_sends([invitation.reminder_id])
        assert wait_for(
            lambda: Reminder.objects.get(pk=invitation.reminder_id).status == "sent", seconds=30
        )
    finally:
        worker.terminate()
        worker.wait(timeout=20)
    [message] = [p.read_text(encoding="utf-8") for p in (tmp_path / "mail").iterdir()]
    (link,) = set(LINK.findall(message))
    browser = Client()
    password = "a-long-first-password-42"
    response = browser.post(link, {"new_password1": password, "new_password2": password})
    assert (response.status_code, response["Location"]) == (302, "/reviews/assignments/")
    newcomers[0].refresh_from_db()
    assert newcomers[0].check_password(password)
    assert Invitation.objects.get().accepted_at is not None
