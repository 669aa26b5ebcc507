"""Deployment hardening: Django's deploy checks, security headers and the content security policy,
secure cookies, and login throttling with lock-out (django-axes) on the login page and the API."""

import datetime as dt
import subprocess
import sys

import pytest
import time_machine
from django.utils import timezone

from tests.test_project import PRODUCTION, ROOT, clean_env


def test_check_deploy_is_clean_under_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        env=clean_env(
            **{
                **PRODUCTION,
                "DJANGO_SECRET_KEY": "k3#Vq9zR!t7wLp2@Xf6Hs8Jd4Gm1Nc5Bv0Yr3Ue7Ia2Ko9Pl4Zx6Wq8",
            }
        ),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_cookies_and_transport_are_secure():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS > 0, s.DEBUG, s.DEMO_MODE)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=clean_env(**PRODUCTION),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True", "True", "True", "False", "False"]


@pytest.mark.django_db
def test_pages_carry_security_headers_and_a_strict_policy(client, reviewer):
    client.force_login(reviewer)
    response = client.get("/standards/")
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    # the page itself needs nothing the policy forbids: no inline scripts or handlers
    body = response.content.decode()
    assert "<script>" not in body and "onchange=" not in body and "onclick=" not in body


@pytest.mark.django_db
def test_api_docs_load_their_script_from_a_file(client, reviewer):
    client.force_login(reviewer)
    page = client.get("/api/docs/")
    assert page.status_code == 200
    assert "<script>" not in page.content.decode()
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")


def _fail_login(client, username: str, times: int):
    for _ in range(times):
        response = client.post("/accounts/login/", {"username": username, "password": "wrong"})
        assert response.status_code == 200  # the form again, with its error


@pytest.mark.django_db
def test_repeated_failures_lock_the_login_out(client, reviewer, other_reviewer, settings):
    _fail_login(client, "rev", settings.AXES_FAILURE_LIMIT - 1)
    locked = client.post("/accounts/login/", {"username": "rev", "password": "wrong"})
    assert locked.status_code == 429
    # now even the right password is refused, with a page that says why and for how long
    again = client.post("/accounts/login/", {"username": "rev", "password": "pw-rev"})
    assert again.status_code == 429
    assert int(again["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()
    assert "_auth_user_id" not in client.session
    # another user at the same address is not affected
    ok = client.post("/accounts/login/", {"username": "rev2", "password": "pw-rev2"})
    assert ok.status_code == 302
    # after the cool-off the right password works again
    later = timezone.now() + settings.AXES_COOLOFF_TIME + dt.timedelta(minutes=1)
    with time_machine.travel(later):
        client.logout()
        back = client.post("/accounts/login/", {"username": "rev", "password": "pw-rev"})
        assert back.status_code == 302


@pytest.mark.django_db
def test_a_success_resets_the_count(client, reviewer, settings):
    _fail_login(client, "rev", settings.AXES_FAILURE_LIMIT - 1)
    assert (
        client.post("/accounts/login/", {"username": "rev", "password": "pw-rev"}).status_code
        == 302
    )
    client.logout()
    _fail_login(client, "rev", settings.AXES_FAILURE_LIMIT - 1)
    assert (
        client.post("/accounts/login/", {"username": "rev", "password": "pw-rev"}).status_code
        == 302
    )


@pytest.mark.django_db
def test_the_token_endpoint_is_throttled_too(api_client, reviewer, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = api_client.post(
            "/api/auth/token/", {"username": "rev", "password": "wrong"}, format="json"
        )
    assert response.status_code == 429
    locked = api_client.post(
        "/api/auth/token/", {"username": "rev", "password": "pw-rev"}, format="json"
    )
    assert locked.status_code == 429
    assert locked["Content-Type"] == "application/json"
    assert "detail" in locked.json() and "token" not in locked.json()
