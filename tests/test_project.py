"""Project wiring: configuration from the environment, the health check, the schema."""

import json
import os
import subprocess
import sys
from pathlib import Path

import dj_database_url
import pytest
from django.db import connection
from kombu import Connection

from jisreview.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent


def clean_env(**env) -> dict:
    """This process's environment without the project's variables, plus exactly these."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "CELERY_", "EMAIL_", "CACHE_URL"))
    }
    return {
        **clean,
        "DJANGO_SETTINGS_MODULE": "jisreview.settings",
        "JISREVIEW_VAR_DIR": "/tmp/jisreview-settings-test",
        **env,
    }


def settings_import(**env) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter with exactly these variables set."""
    code = (
        "import django; django.setup(); from django.conf import settings; print(settings.TIME_ZONE)"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        env=clean_env(**env),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


PRODUCTION = {
    "DJANGO_SECRET_KEY": "x" * 50,
    "DJANGO_ALLOWED_HOSTS": "jis.example.jp",
    "EMAIL_HOST": "smtp.example.jp",
    "DATABASE_URL": "postgres://jis@db.example.jp:5432/jisreview",
    "CELERY_BROKER_URL": "redis://redis.example.jp:6379/0",
}


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "DJANGO_SECRET_KEY is not set"),
        ({**PRODUCTION, "DJANGO_SECRET_KEY": "short"}, "shorter than 32"),
        ({**PRODUCTION, "DJANGO_SECRET_KEY": "change-me-to-a-long-random-string"}, "placeholder"),
        ({**PRODUCTION, "DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG='maybe' is not a boolean"),
        ({**PRODUCTION, "DJANGO_ALLOWED_HOSTS": ""}, "DJANGO_ALLOWED_HOSTS is empty"),
        (
            {**PRODUCTION, "DATABASE_URL": "nonsense://x"},
            "DATABASE_URL is not a valid database URL",
        ),
        (
            {**PRODUCTION, "CELERY_BROKER_URL": "amqp://guest@localhost//"},
            "CELERY_BROKER_URL='amqp://guest@localhost//' is not supported",
        ),
        ({**PRODUCTION, "EMAIL_PORT": "smtp"}, "EMAIL_PORT='smtp' is not an integer"),
        ({**PRODUCTION, "EMAIL_HOST": ""}, "EMAIL_HOST is not set"),
        ({**PRODUCTION, "CACHE_URL": "memcached://x"}, "CACHE_URL='memcached://x' must be"),
        ({**PRODUCTION, "DATABASE_URL": ""}, "DATABASE_URL is not set"),
        ({**PRODUCTION, "DATABASE_URL": "postgres://db.example.jp"}, "names no database"),
        ({**PRODUCTION, "CELERY_BROKER_URL": ""}, "CELERY_BROKER_URL is not set"),
        ({**PRODUCTION, "EMAIL_PORT": "99999"}, "must be at most 65535"),
    ],
)
def test_bad_configuration_fails_at_start_with_a_message(env, message):
    result = settings_import(**env)
    assert result.returncode != 0
    assert message in result.stderr


def test_good_production_configuration_starts():
    result = settings_import(**PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Asia/Tokyo"


def test_development_defaults_need_nothing():
    result = settings_import(DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
def test_healthz_ok_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_healthz_names_an_unreachable_broker(client, monkeypatch):
    # Nothing listens on port 1.
    monkeypatch.setattr(
        celery_app, "connection_for_write", lambda: Connection("redis://127.0.0.1:1/0")
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "ok" and body["broker"] != "ok" and body["status"] == "unavailable"


@pytest.mark.django_db
def test_healthz_names_an_unreachable_database(client, monkeypatch):
    def broken(*args, **kwargs):
        raise connection.Database.OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] != "ok"


@pytest.mark.redis
@pytest.mark.django_db
def test_healthz_uses_the_real_redis_broker(client):
    assert celery_app.conf.broker_url.startswith("redis://")
    assert client.get("/healthz").json()["broker"] == "ok"


@pytest.mark.django_db
def test_runs_on_postgresql(settings):
    """Not the marker's precondition again: the server the app really talks to is the one in
    DATABASE_URL (its test copy), and a PostgreSQL that Django supports."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://…")
    named = dj_database_url.parse(url)
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT version(), current_database(), current_user, inet_server_port()")
        version, database, user, port = cursor.fetchone()
    assert version.startswith("PostgreSQL ") and connection.pg_version >= 140000
    assert (database, user) == (f"test_{named['NAME']}", named["USER"])
    assert port in (None, int(named["PORT"] or 5432))  # None over a Unix socket


@pytest.mark.django_db
def test_schema_requires_login_and_validates(client, api_client, reviewer):
    assert api_client.get("/api/schema/").status_code in (401, 403)
    client.force_login(reviewer)
    assert client.get("/api/schema/?format=json").status_code == 200


@pytest.mark.django_db
def test_an_api_url_matching_no_route_is_answered_in_json(client, token_client, reviewer):
    # the router's {id} takes no dot, so this never reaches a view
    response = token_client(reviewer).get("/api/standards/1.5/", HTTP_ACCEPT_LANGUAGE="en")
    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_schema_generates_without_warnings():
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "spectacular",
            "--validate",
            "--fail-on-warn",
            "--format",
            "openapi-json",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DJANGO_DEBUG": "1"},
    )
    assert result.returncode == 0, result.stderr
    assert "/api/standards/" in json.loads(result.stdout)["paths"]
