"""A redis-server of the test's own as the Celery broker, for tests that run a real worker: nothing
queued elsewhere (an earlier run, another person's tests) reaches this worker, and the shared Redis
is never touched. Use it with `@pytest.mark.usefixtures("private_broker")` after importing it."""

import pytest

from jisreview.celery import app
from scripts.local_services import PrivateRedis


@pytest.fixture
def private_broker(tmp_path, monkeypatch):
    (tmp_path / "redis").mkdir()
    redis = PrivateRedis(tmp_path / "redis")
    redis.start()
    monkeypatch.setenv("CELERY_BROKER_URL", redis.url(0))
    monkeypatch.setattr(app.conf, "broker_url", redis.url(0))
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    _forget_broker_connections()
    try:
        yield redis
    finally:
        redis.stop()
        app.conf.task_always_eager = eager
        _forget_broker_connections()


def _forget_broker_connections() -> None:
    """Celery keeps pooled connections to the broker it first saw; make it open new ones."""
    app._pool = None
    app.amqp._producer_pool = None
