"""Standing users (one per role plus an outsider), API clients, and the real-service guard.

Tests marked `postgres` or `redis` skip on a machine without those services, except when
JISREVIEW_REQUIRE_SERVICES is set (as in CI): there a missing service fails the test.
"""

import importlib
import os

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.utils import translation
from rest_framework.test import APIClient

from accounts.api_tokens import api_token_create
from accounts.roles import Role

REQUIRE_SERVICES = bool(os.environ.get("JISREVIEW_REQUIRE_SERVICES"))


def _unavailable(reason: str):
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (JISREVIEW_REQUIRE_SERVICES is set, so this may not skip)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _real_services(request):
    if request.node.get_closest_marker("postgres") and settings.DATABASES["default"]["ENGINE"] != (
        "django.db.backends.postgresql"
    ):
        _unavailable("needs PostgreSQL: set DATABASE_URL=postgres://…")
    if request.node.get_closest_marker("redis") and not settings.CELERY_BROKER_URL.startswith(
        "redis://"
    ):
        _unavailable("needs Redis: set CELERY_BROKER_URL=redis://…")


@pytest.fixture(autouse=True)
def _local_cache_emptied():
    """The per-process cache of a run without Redis emptied after each test: on SQLite the ids of
    rows rolled back come again, and a count cached under one must not reach the next test."""
    yield
    if isinstance(caches["default"], LocMemCache):
        caches["default"].clear()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_SERVICES and report.skipped and call.when in ("setup", "call"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where every service is available: {report.longrepr}"


def _user(django_user_model, username: str, role: str | None, **extra):
    user = django_user_model.objects.create_user(
        username=username, password="pw-" + username, **extra
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def coordinator(db, django_user_model):
    return _user(django_user_model, "coord", Role.COORDINATOR)


@pytest.fixture
def reviewer(db, django_user_model):
    return _user(django_user_model, "rev", Role.REVIEWER, ministry_id="METI")


@pytest.fixture
def other_reviewer(db, django_user_model):
    return _user(django_user_model, "rev2", Role.REVIEWER, ministry_id="MLIT")


@pytest.fixture
def ministry_viewer(db, django_user_model):
    return _user(django_user_model, "meti-viewer", Role.MINISTRY_VIEWER, ministry_id="METI")


@pytest.fixture
def outsider(db, django_user_model):
    return _user(django_user_model, "outsider", None)


def in_english(client):
    """A client whose pages and API answers are in English, the messages' source language (pages
    follow the language cookie, the API also Accept-Language); without it the site speaks Japanese."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def token_client(db):
    def make(user):
        client = APIClient()
        _token, key = api_token_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return make


@pytest.fixture(autouse=True)
def _english_messages(request):
    """Assert on the English source messages unless a test asks for Japanese (@pytest.mark.japanese)."""
    if request.node.get_closest_marker("japanese"):
        with translation.override("ja"):
            yield
    else:
        with translation.override("en"):
            yield


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Ministries and role groups come from data migrations, which a transactional test's flush
    removes: put them back for each transactional test."""
    marker = request.node.get_closest_marker("django_db")
    if not (marker and marker.kwargs.get("transaction")):
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps

    for module in ("standards.migrations.0002_ministries", "accounts.migrations.0003_role_groups"):
        importlib.import_module(module).forwards(apps, None)
