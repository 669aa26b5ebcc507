"""Invitations through a real Celery worker on a private Redis broker: each invitation e-mail is
sent exactly once however often the broker delivers its task, and the link in the file a worker
process writes (var/mail in development) sets the password."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client

from accounts.roles import Role
from jisreview.celery import app
from reviews.models import Invitation, Reminder
from reviews.people import services, tasks
from reviews.tasks import send_reminder
from scripts.local_services import PrivateRedis, wait_for
from tests.reviews.task_ledger import TaskLedger

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]
LINK = re.compile(r"https?://[^/\s]+(/reviews/invitation/[^/\s]+/)")


@pytest.fixture(autouse=True)
def private_broker(tmp_path, monkeypatch):
    """A redis-server of this test's own as the broker (see test_reminders_worker)."""
    redis = PrivateRedis(tmp_path / "redis")
    (tmp_path / "redis").mkdir()
    redis.start()
    monkeypatch.setenv("CELERY_BROKER_URL", redis.url(0))
    _forget_broker_connections()
    try:
        yield redis
    finally:
        redis.stop()
        _forget_broker_connections()


def _forget_broker_connections() -> None:
    app._pool = None
    app.amqp._producer_pool = None


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


def _worker_process(tmp_path) -> subprocess.Popen:
    db = settings.DATABASES["default"]
    environment = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DJANGO_DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "jisreview.settings",
        "JISREVIEW_VAR_DIR": str(tmp_path),
    }
    environment.pop("EMAIL_HOST", None)
    return subprocess.Popen(
        [
            *(sys.executable, "-m", "celery", "-A", "jisreview", "worker", "--pool", "solo"),
            *(
                "--loglevel",
                "WARNING",
                "--without-heartbeat",
                "--without-mingle",
                "--without-gossip",
            ),
        ],
        env=environment,
        cwd=Path(__file__).resolve().parents[2],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.mark.postgres
def test_the_link_in_the_mail_file_sets_the_password(newcomers, coordinator, tmp_path):
    [invitation] = services.invitations_send(users=newcomers[:1], by=coordinator, enqueue=None)
    worker = _worker_process(tmp_path)
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
