"""Reminders through a real Celery worker on the real Redis broker (CI): delivered exactly once,
even when a task is delivered twice, a worker dies mid-send or SMTP refuses. (Redis down during the
sweep is in tests/test_resilience.py, on a private redis-server, never the shared one.)"""

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail
from django.utils import timezone

from jisreview.celery import app
from reviews.models import Reminder
from reviews.reminders import services as reminders
from reviews.tasks import enqueue_sends, send_reminder
from scripts.local_services import PrivateRedis, wait_for
from tests.reviews.data import SEVEN_BEFORE
from tests.reviews.task_ledger import TaskLedger

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def private_broker(tmp_path, monkeypatch):
    """A redis-server of each test's own as the broker, so that nothing an earlier test or run left
    queued or unacknowledged (a killed worker's message comes back after the visibility timeout)
    is delivered into this one, and the shared Redis is never touched."""
    redis = PrivateRedis(tmp_path / "redis")
    (tmp_path / "redis").mkdir()
    redis.start()
    # Celery reads CELERY_BROKER_URL from the environment before its configuration; the worker
    # processes inherit the environment
    monkeypatch.setenv("CELERY_BROKER_URL", redis.url(0))
    _forget_broker_connections()
    try:
        yield redis
    finally:
        redis.stop()
        _forget_broker_connections()


def _forget_broker_connections() -> None:
    """Celery keeps pooled connections to the broker it first saw; make it open new ones."""
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def worker():
    app.conf.task_always_eager = False
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield


def test_sweep_delivers_each_digest_once_even_when_delivered_twice(
    open_work, worker, django_capture_on_commit_callbacks
):
    with TaskLedger(send_reminder) as ledger:
        with django_capture_on_commit_callbacks(execute=True):
            rows = reminders.reminders_sweep(today=SEVEN_BEFORE, enqueue=enqueue_sends)
            for row in rows:  # the broker hands each task over a second time, racing the first
                send_reminder.delay(row.pk)
        assert wait_for(ledger.settled)
        for row in rows:  # and a third time, after the send
            send_reminder.delay(row.pk)
        assert wait_for(ledger.settled)  # every delivery has run, however late it came
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.recipient for r in rows)
    assert ledger.outcomes() == sorted(["sent"] * len(rows) + ["not pending"] * 2 * len(rows))


def _worker_process(tmp_path, **env) -> subprocess.Popen:
    """A real `celery worker` process on the test database and the test's Redis broker."""
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    environment = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "jisreview.settings",
        "JISREVIEW_VAR_DIR": str(tmp_path),
        **env,
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "jisreview",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "WARNING",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
        ],
        env=environment,
        cwd=Path(__file__).resolve().parents[2],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.mark.postgres
def test_a_worker_killed_between_claim_and_send_delivers_once_after_redelivery(open_work, tmp_path):
    # An SMTP server that accepts connections and never answers: the worker claims its row, then hangs.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    rows = reminders.reminders_sweep(today=SEVEN_BEFORE)
    stuck = _worker_process(
        tmp_path,
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(silent.getsockname()[1]),
        EMAIL_USE_TLS="0",
        EMAIL_TIMEOUT="60",
    )
    try:
        send_reminder.delay(rows[0].pk)
        assert wait_for(lambda: Reminder.objects.get(pk=rows[0].pk).status == "sending", seconds=30)
        stuck.send_signal(signal.SIGKILL)  # the worker dies between claim and send
        stuck.wait(timeout=10)
    finally:
        stuck.kill()
        silent.close()
    assert Reminder.objects.get(pk=rows[0].pk).status == "sending"
    later = timezone.now() + reminders.CLAIM_LEASE + dt.timedelta(minutes=1)
    assert rows[0].pk in reminders.reminders_redeliver(now=later)
    healthy = _worker_process(tmp_path)  # files under tmp_path/mail
    try:
        for reminder_id in reminders.reminders_redeliver(now=later):
            send_reminder.delay(reminder_id)
        assert wait_for(
            lambda: Reminder.objects.filter(status="sent").count() == len(rows), seconds=30
        )
    finally:
        healthy.terminate()
        healthy.wait(timeout=20)
    mails = [p.read_text(encoding="utf-8", errors="replace") for p in (tmp_path / "mail").iterdir()]
    recipients = sorted(
        line.split(": ", 1)[1]
        for text in mails
        for line in text.splitlines()
        if line.startswith("To: ")
    )
    assert recipients == sorted(r.recipient for r in rows)  # each digest exactly once


@pytest.mark.postgres
def test_a_failing_smtp_server_is_retried_later_never_marked_sent(open_work, tmp_path):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there: every connection is refused
    rows = reminders.reminders_sweep(today=SEVEN_BEFORE)
    worker = _worker_process(
        tmp_path, EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(port), EMAIL_USE_TLS="0"
    )
    try:
        for row in rows:
            send_reminder.delay(row.pk)
        assert wait_for(lambda: all(r.attempts == 1 for r in Reminder.objects.all()), seconds=30)
    finally:
        worker.terminate()
        worker.wait(timeout=20)
    for row in Reminder.objects.all():
        assert (row.status, row.sent_at) == ("pending", None)
        assert "ConnectionRefusedError" in row.last_error and row.next_attempt_at > row.claimed_at


def test_a_decision_reaches_its_reviewer_through_the_worker_at_once_and_once(
    open_work, worker, reviewer, coordinator
):
    from reviews.models import Assignment
    from reviews.survey import services as survey_services
    from tests.reviews.data import COMPLETE

    assignment = Assignment.objects.filter(reviewer=reviewer).first()
    survey_services.response_submit(
        assignment=assignment, answers=COMPLETE, based_on=0, by=reviewer
    )
    with TaskLedger(send_reminder) as ledger:
        # committed as it returns: the notice's row, then the doorbell, with no sweep involved
        survey_services.assignment_return(assignment=assignment, by=coordinator, comment="再確認")
        assert wait_for(lambda: ledger.published and ledger.settled())
        [row] = Reminder.objects.filter(kind="decision")
        send_reminder.delay(row.pk)  # the broker hands it over a second time
        assert wait_for(ledger.settled)
    assert ledger.outcomes() == ["not pending", "sent"]
    assert [m.to for m in mail.outbox] == [["rev@example.jp"]]
    assert Reminder.objects.get(pk=row.pk).status == "sent"
