"""Re-planning from the screen: a run record the worker claims, re-plans with its steps recorded, and
closes with what it did; one run at a time; a lost or unqueued run says so. Then the same through a
real Celery worker on a Redis broker of the test's own."""

import datetime as dt

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.utils import timezone

from jisreview.celery import app
from reviews.models import PlanEntry, PlanReason, PlanRun
from reviews.plan import selectors
from reviews.plan import services as plan_services
from reviews.tasks import replan
from scripts.local_services import PrivateRedis, wait_for
from standards.models import Standard
from tests.standards.factories import StandardFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 1)


def _catalog(n=20):
    for i in range(n):
        StandardFactory(
            number=f"JIS B {1000 + i}",
            established_on=dt.date(2016 + i % 10, 6, 1),
            ministries=["METI"] if i % 2 else ["MLIT"],
        )


@pytest.fixture
def programme():
    _catalog()
    programme = plan_services.programme_get_or_create(start_fy=2026, years=5, capacity=6)
    plan_services.programme_plan(programme=programme, today=TODAY)
    return programme


def _request(programme, user, enqueue=lambda run_id: None, now=None):
    return plan_services.plan_run_request(programme=programme, by=user, enqueue=enqueue, now=now)


def test_a_run_re_plans_what_is_new_and_keeps_locks_and_moves(programme, coordinator):
    """New standards are placed, what the review does not plan (withdrawn, TS, TR) is not, an entry
    of a standard no longer planned is removed; a locked year and a manual move stay put."""
    plan_services.plan_year_lock(programme=programme, year=2027, by=coordinator)
    fy2027 = set(PlanEntry.objects.filter(fiscal_year=2027).values_list("standard_id", flat=True))
    moved = PlanEntry.objects.filter(fiscal_year=2029).first()
    plan_services.plan_entry_move(
        entry=moved, fiscal_year_to=2030, note="body asked", by=coordinator, today=TODAY
    )
    for i in range(3):
        StandardFactory(number=f"JIS B {5000 + i}", established_on=dt.date(2022, 6, 1))
    StandardFactory(number="TS B 0001", established_on=dt.date(2022, 6, 1))
    StandardFactory(number="TR B 0002", established_on=dt.date(2022, 6, 1))
    StandardFactory(number="JIS B 5999", status="withdrawn")
    gone = PlanEntry.objects.filter(fiscal_year=2028).first().standard
    Standard.objects.filter(pk=gone.pk).update(status="withdrawn")

    run, new = _request(programme, coordinator)
    assert new and run.state == "queued"
    done = plan_services.plan_run_execute(run_id=run.pk, today=TODAY)

    assert (done.state, done.step, done.created, done.removed) == ("done", 4, 3, 1)
    assert done.started_at and done.finished_at and done.error == ""
    planned = set(PlanEntry.objects.values_list("standard__number", flat=True))
    assert {"JIS B 5000", "JIS B 5001", "JIS B 5002"} <= planned
    assert not planned & {"TS B 0001", "TR B 0002", "JIS B 5999", gone.number}
    assert (
        set(PlanEntry.objects.filter(fiscal_year=2027).values_list("standard_id", flat=True))
        == fy2027
    )
    moved.refresh_from_db()
    assert (moved.fiscal_year, moved.reason) == (2030, PlanReason.MANUAL)
    latest = PlanEntry.objects.get(standard__number="JIS B 5000").history.latest()
    assert latest.history_user == coordinator  # the run writes as whoever asked for it


def test_the_planner_reports_each_step_as_it_begins(programme):
    steps = []
    plan_services.programme_plan(programme=programme, today=TODAY, progress=steps.append)
    assert steps == [PlanRun.Step.READING, PlanRun.Step.SOLVING, PlanRun.Step.WRITING]
    steps.clear()
    plan_services.programme_plan(
        programme=programme, today=TODAY, dry_run=True, progress=steps.append
    )
    assert steps == [PlanRun.Step.READING, PlanRun.Step.SOLVING]


def test_a_task_delivered_twice_re_plans_once(programme, coordinator):
    StandardFactory(number="JIS B 6000", established_on=dt.date(2022, 6, 1))
    run, _new = _request(programme, coordinator)
    first = plan_services.plan_run_execute(run_id=run.pk, today=TODAY)
    history = PlanEntry.history.count()
    second = plan_services.plan_run_execute(run_id=run.pk, today=TODAY)
    assert (first.state, second.state, second.finished_at) == ("done", "done", first.finished_at)
    assert PlanEntry.history.count() == history
    assert plan_services.plan_run_execute(run_id=run.pk + 99, today=TODAY) is None


def test_one_run_at_a_time_and_a_lost_one_is_replaced(programme, coordinator):
    rung = []
    now = timezone.now()
    run, new = _request(programme, coordinator, rung.append, now=now)
    again, new_again = _request(programme, coordinator, rung.append, now=now)
    assert (new, new_again, again.pk) == (True, False, run.pk)
    later = now + plan_services.RUN_LOST_AFTER + dt.timedelta(seconds=1)
    replacement, replaced = _request(programme, coordinator, rung.append, now=later)
    assert replaced and replacement.pk != run.pk
    run.refresh_from_db()
    assert (run.state, run.error) == ("failed", plan_services.RUN_LOST)
    # a delivery of the lost run arriving late does nothing
    assert plan_services.plan_run_execute(run_id=run.pk, today=TODAY).state == "failed"
    assert selectors.plan_run_latest(programme) == replacement


def test_a_plan_that_cannot_fit_closes_the_run_with_the_numbers(programme, coordinator):
    programme.yearly_capacity = 1
    programme.save()
    run, _new = _request(programme, coordinator)
    done = plan_services.plan_run_execute(run_id=run.pk, today=TODAY)
    assert done.state == "failed" and "standards to place but only" in done.error
    assert not done.is_open


def test_an_unexpected_error_closes_the_run_and_reaches_the_log(
    programme, coordinator, monkeypatch
):
    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(plan_services, "programme_plan", broken)
    run, _new = _request(programme, coordinator)
    with pytest.raises(RuntimeError):
        plan_services.plan_run_execute(run_id=run.pk, today=TODAY)
    run.refresh_from_db()
    assert (run.state, run.error) == ("failed", plan_services.RUN_CRASHED)


def test_with_the_broker_down_the_run_is_closed_at_once(
    client, programme, coordinator, monkeypatch, django_capture_on_commit_callbacks
):
    def refused(*args, **kwargs):
        raise ConnectionRefusedError("redis down")

    monkeypatch.setattr(replan, "apply_async", refused)
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/reviews/plan/replan/")
    run = PlanRun.objects.get()
    assert (run.state, run.error) == ("failed", plan_services.RUN_NOT_QUEUED)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/reviews/plan/").content.decode()
    assert "The worker could not be reached" in page and "Re-plan now" in page


# --- through a real worker ------------------------------------------------------------------


@pytest.fixture
def private_broker(tmp_path, monkeypatch):
    """A redis-server of the test's own as the broker: nothing queued elsewhere reaches this worker."""
    redis = PrivateRedis(tmp_path / "redis")
    (tmp_path / "redis").mkdir()
    redis.start()
    monkeypatch.setenv("CELERY_BROKER_URL", redis.url(0))
    monkeypatch.setattr(app.conf, "broker_url", redis.url(0))
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


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_the_worker_re_plans_a_run_asked_for_on_the_screen(
    private_broker, client, coordinator, django_capture_on_commit_callbacks
):
    _catalog()
    programme = plan_services.programme_get_or_create(start_fy=2026, years=5, capacity=6)
    plan_services.programme_plan(programme=programme, today=TODAY)
    for i in range(4):
        StandardFactory(number=f"JIS B {7000 + i}", established_on=dt.date(2023, 6, 1))
    app.conf.task_always_eager = False
    client.force_login(coordinator)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/reviews/plan/replan/")
        run = PlanRun.objects.get()
        assert wait_for(lambda: not PlanRun.objects.get(pk=run.pk).is_open, seconds=30)
    run.refresh_from_db()
    assert (run.state, run.created) == ("done", 4), run.error
    assert PlanEntry.objects.filter(standard__number__startswith="JIS B 70").count() == 4
    status = client.get(f"/reviews/plan/runs/{run.pk}/").json()
    assert (status["state"], status["step"], status["finished"]) == ("done", 4, True)
