"""Outages of the services the web leans on. With Redis (cache and broker) really down, a reviewer
still signs in, saves and submits, /healthz names the broker quickly, and reminders wait in their
rows until the broker is back. With PostgreSQL unreachable, requests get a short 503, never a
traceback, and the next request after it returns succeeds by itself.

Redis here is a private redis-server on a free port, started and stopped by the test: the shared
one on 6379 is left alone.
"""

import datetime as dt
import socket
import time

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import connection
from django.test import Client

from jisreview.celery import app
from reviews.models import Assignment, Reminder, Transition
from reviews.plan import services as plan_services
from reviews.reminders import services as reminders
from reviews.survey import services as survey_services
from reviews.tasks import enqueue_sends, redeliver_reminders, send_reminder
from scripts.local_services import PrivateRedis, free_port, wait_for
from standards.models import Ministry
from tests.reviews.data import COMPLETE, DUE, FORM, SEVEN_BEFORE
from tests.reviews.task_ledger import TaskLedger
from tests.standards.factories import StandardFactory

HEALTHZ_BOUND_SECONDS = 2.0
JST = dt.timezone(dt.timedelta(hours=9))


@pytest.fixture
def private_redis(tmp_path, settings, monkeypatch):
    """Cache and Celery broker both on a private Redis, as in production (one server, two dbs)."""
    if settings.CACHES["default"]["BACKEND"] != "django_redis.cache.RedisCache":
        pytest.skip("needs the Redis cache: set CACHE_URL=redis://…")
    redis = PrivateRedis(tmp_path)
    redis.start()
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": redis.url(0)}}
    # Celery reads CELERY_BROKER_URL from the environment before its configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", redis.url(1))
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


def open_assignments(*, coordinator, reviewer, count: int) -> list[Assignment]:
    """`count` assignments of the reviewer's, due on DUE, with e-mail addresses for reminders."""
    coordinator.email, reviewer.email = "coord@example.jp", "rev@example.jp"
    coordinator.save()
    reviewer.save()
    Ministry.objects.filter(code="METI").update(contact_email="meti-contact@example.jp")
    for i in range(count):
        StandardFactory(number=f"JIS Z {8100 + i}", established_on=dt.date(2021, 6, 1))
    programme = plan_services.programme_get_or_create(start_fy=2026, years=5, capacity=10)
    plan_services.programme_plan(programme=programme, today=dt.date(2026, 3, 1))
    survey_services.questionnaire_publish(definition=FORM)
    survey_services.batches_create(
        programme=programme,
        fiscal_year=2026,
        due_on=DUE,
        today=dt.date(2026, 3, 1),
        max_size=count,
        by=coordinator,
        reviewer=reviewer,
    )
    return list(Assignment.objects.filter(reviewer=reviewer).order_by("pk"))


def form_data(answers: dict, version: int, action: str = "save") -> dict:
    data = {"version": version, "action": action}
    for key, value in answers.items():
        data[key] = ("true" if value else "false") if isinstance(value, bool) else value
    return data


def submissions(assignment: Assignment) -> int:
    return Transition.objects.filter(assignment=assignment, action="submit").count()


@pytest.mark.redis
@pytest.mark.django_db
def test_with_redis_down_a_reviewer_signs_in_loads_pages_saves_and_submits(
    private_redis, coordinator, reviewer, token_client
):
    by_page, by_api = open_assignments(coordinator=coordinator, reviewer=reviewer, count=2)
    before = Client()
    assert (
        before.post("/accounts/login/", {"username": "rev", "password": "pw-rev"}).status_code
        == 302
    )

    private_redis.stop()

    # Signed in before the outage: the session's cached copy is gone, the database still has it.
    assert before.get("/reviews/assignments/").status_code == 200
    # Signing in during the outage works too.
    during = Client()
    assert (
        during.post("/accounts/login/", {"username": "rev", "password": "pw-rev"}).status_code
        == 302
    )
    for client in (before, during):
        page = client.get(f"/reviews/assignments/{by_page.pk}/")
        assert page.status_code == 200 and by_page.standard.number in page.content.decode()
    answer = f"/reviews/assignments/{by_page.pk}/answer/"
    assert during.post(answer, form_data(COMPLETE, 0)).status_code == 302
    assert during.get(f"/reviews/assignments/{by_page.pk}/").status_code == 200
    assert during.post(answer, form_data(COMPLETE, 1, "submit")).status_code == 302
    api = token_client(reviewer)
    saved = api.put(
        f"/api/assignments/{by_api.pk}/response/",
        {"answers": COMPLETE, "version": 0},
        format="json",
    )
    assert saved.status_code == 200 and saved.json()["version"] == 1
    assert api.post(f"/api/assignments/{by_api.pk}/submit/").status_code == 200

    for assignment in (by_page, by_api):
        assignment.refresh_from_db()
        assert assignment.state == "submitted" and submissions(assignment) == 1
    assert by_page.response.version == 2 and by_api.response.version == 1


@pytest.mark.redis
@pytest.mark.django_db
def test_with_redis_down_healthz_names_the_broker_quickly(private_redis, client):
    assert client.get("/healthz").status_code == 200

    private_redis.stop()
    started = time.monotonic()
    response = client.get("/healthz")
    elapsed = time.monotonic() - started

    assert response.status_code == 503 and elapsed <= HEALTHZ_BOUND_SECONDS
    body = response.json()
    assert body["database"] == "ok" and body["broker"] != "ok"


@pytest.mark.redis
@pytest.mark.django_db
def test_a_broker_that_accepts_but_never_answers_is_reported_within_the_bound(client, monkeypatch):
    silent = socket.socket()  # the kernel accepts connections into the backlog; nobody replies
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    url = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
    monkeypatch.setenv("CELERY_BROKER_URL", url)  # Celery reads it before its configuration
    try:
        started = time.monotonic()
        response = client.get("/healthz")
        elapsed = time.monotonic() - started
    finally:
        silent.close()
    assert response.status_code == 503 and response.json()["broker"] != "ok"
    assert elapsed <= HEALTHZ_BOUND_SECONDS


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_reminders_wait_in_their_rows_while_redis_is_down_and_go_out_once_after(
    private_redis, coordinator, reviewer, django_capture_on_commit_callbacks
):
    open_assignments(coordinator=coordinator, reviewer=reviewer, count=3)
    private_redis.stop()

    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        rows = reminders.reminders_sweep(today=SEVEN_BEFORE, enqueue=enqueue_sends)
    enqueue_seconds = time.monotonic() - started

    assert rows and enqueue_seconds <= HEALTHZ_BOUND_SECONDS  # the doorbell failed fast
    assert set(Reminder.objects.values_list("status", flat=True)) == {"pending"}
    assert mail.outbox == []

    private_redis.start()
    # the clock on the sweep's day, so the pass's catch-up of a missed sweep finds it done
    with (
        time_machine.travel(dt.datetime(2026, 12, 2, 10, 0, tzinfo=JST), tick=True),
        TaskLedger(send_reminder) as ledger,
        start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10),
    ):
        assert redeliver_reminders() == len(rows)  # beat's re-delivery pass, once Redis is back
        assert wait_for(ledger.settled)
        assert redeliver_reminders() == 0  # nothing is pending now, so nothing is offered again
        assert wait_for(ledger.settled)  # and whatever was offered, however late, has run
    assert ledger.outcomes() == ["sent"] * len(rows)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.recipient for r in rows)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_with_the_database_unreachable_requests_get_a_clean_503_and_recover_by_themselves(
    coordinator, reviewer, token_client
):
    assignment = open_assignments(coordinator=coordinator, reviewer=reviewer, count=1)[0]
    page = Client(raise_request_exception=False)
    page.force_login(reviewer)
    api = token_client(reviewer)
    api.raise_request_exception = False
    api_url = f"/api/assignments/{assignment.pk}/response/"
    assert page.get("/reviews/assignments/").status_code == 200

    real_port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = free_port()  # nothing listens there: a database that is away
    try:
        down_page = page.get("/reviews/assignments/")
        down_api = api.put(api_url, {"answers": COMPLETE, "version": 0}, format="json")
    finally:
        connection.close()
        connection.settings_dict["PORT"] = real_port

    for response in (down_page, down_api):
        assert response.status_code == 503 and response["Retry-After"].isdigit()
        assert b"Traceback" not in response.content and b"psycopg" not in response.content
    assert "データベース" in down_page.content.decode() and "detail" in down_api.json()
    # Back again: the very next requests succeed, with nothing restarted.
    assert page.get("/reviews/assignments/").status_code == 200
    assert api.put(api_url, {"answers": COMPLETE, "version": 0}, format="json").status_code == 200
