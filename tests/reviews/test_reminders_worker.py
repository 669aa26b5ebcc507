"""Reminders through a real Celery worker on the real Redis broker (CI): delivered exactly once,
even when a task is delivered twice or Redis is down during the sweep."""

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail
from django.utils import timezone

from jisreview.celery import app
from reviews import reminders
from reviews.models import Reminder
from reviews.tasks import redeliver_reminders, send_reminder
from tests.reviews.data import SEVEN_BEFORE

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]
REDIS_START = [
    "redis-server",
    "--daemonize",
    "yes",
    "--bind",
    "127.0.0.1",
    "-::1",
    "--port",
    "6379",
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    "/var/lib/redis",
    "--logfile",
    "/var/log/redis/ci.log",
]


def wait_for(condition, seconds=20.0):
    """Poll until the worker has done its part (bounded)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def worker():
    app.conf.task_always_eager = False
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield


def test_sweep_delivers_each_digest_once_even_when_delivered_twice(
    open_work, worker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        rows = reminders.reminders_sweep(today=SEVEN_BEFORE)
        for row in rows:  # the broker hands each task over a second time, racing the first
            send_reminder.delay(row.pk)
    assert wait_for(lambda: Reminder.objects.filter(status="sent").count() == len(rows))
    for row in rows:  # and a third time, after the send
        send_reminder.delay(row.pk)
    wait_for(lambda: False, seconds=2)  # give the worker time to (not) send again
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.recipient for r in rows)


def test_redis_down_during_the_sweep_loses_nothing(open_work, django_capture_on_commit_callbacks):
    subprocess.run(
        ["redis-cli", "-p", "6379", "shutdown", "nosave"], check=False, capture_output=True
    )
    try:
        assert (
            subprocess.run(["redis-cli", "-p", "6379", "ping"], capture_output=True).returncode != 0
        )
        with django_capture_on_commit_callbacks(execute=True):
            rows = reminders.reminders_sweep(today=SEVEN_BEFORE)
        assert {r.status for r in Reminder.objects.all()} == {"pending"} and mail.outbox == []
    finally:
        subprocess.run(REDIS_START, check=True)
        assert wait_for(
            lambda: subprocess.run(["redis-cli", "ping"], capture_output=True).returncode == 0
        )
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        redeliver_reminders()  # the periodic pass, once Redis is back
        assert wait_for(lambda: Reminder.objects.filter(status="sent").count() == len(rows))
        redeliver_reminders()  # and again: nothing is pending, nothing is sent twice
        wait_for(lambda: False, seconds=1)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.recipient for r in rows)


def _worker_process(tmp_path, **env) -> subprocess.Popen:
    """A real `celery worker` process on the test database and the real Redis."""
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
    rows = reminders.reminders_sweep(today=SEVEN_BEFORE, enqueue=False)
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
    rows = reminders.reminders_sweep(today=SEVEN_BEFORE, enqueue=False)
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
