"""Reminders through a real Celery worker on the real Redis broker (CI): delivered exactly once,
even when a task is delivered twice or Redis is down during the sweep."""

import subprocess
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

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
    assert wait_for(lambda: Reminder.objects.filter(status="sent").count() == len(rows))
    for row in rows:  # the broker hands the same task over again
        send_reminder.delay(row.pk)
    assert wait_for(lambda: False, seconds=2) is False  # give the worker time to (not) send again
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
