"""Deployment hardening: Django's deploy checks, security headers and the content security policy,
secure cookies, login throttling with lock-out (django-axes) on the login page and the API and
behind the reverse proxy, and the limits on what a request may carry (depth, text, size), with
errors under /api/ answered in JSON."""

import datetime as dt
import json
import runpy
import subprocess
import sys

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tests.conftest import in_english
from tests.standards.factories import StandardFactory
from tests.test_project import PRODUCTION, ROOT, clean_env


@pytest.fixture
def client(client):
    return in_english(client)


@pytest.fixture
def api_client(api_client):
    return in_english(api_client)


@pytest.fixture
def token_client(token_client):
    return lambda user: in_english(token_client(user))


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


# --- The client address behind the reverse proxy ------------------------------------------------

PROXY = "172.18.0.5"  # the proxy container, the address every request arrives from


def _settings_with(monkeypatch, **environment) -> dict:
    """The settings module as it evaluates under these environment variables."""
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "jisreview" / "settings.py"))


def _trust(settings, monkeypatch, proxies: str) -> None:
    evaluated = _settings_with(monkeypatch, JISREVIEW_TRUSTED_PROXIES=proxies)
    for name in ("AXES_IPWARE_META_PRECEDENCE_ORDER", "AXES_IPWARE_PROXY_COUNT", "IPWARE_STRICT"):
        setattr(settings, name, evaluated.get(name))  # None: the library's default


def _fail_behind_proxy(client, username: str, forwarded_for: str, times: int):
    for _ in range(times):
        response = client.post(
            "/accounts/login/",
            {"username": username, "password": "wrong"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=forwarded_for,
        )
    return response


def _sign_in_behind_proxy(client, username: str, forwarded_for: str):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": f"pw-{username}"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("attacker", "victim"),
    [
        ("10.20.0.7", "10.20.0.9"),  # two desks on the ministry's network
        ("8.8.4.4", "1.1.1.1"),
        # the attacker writes the victim's address into X-Forwarded-For; the proxy appends its own
        ("10.20.0.9, 10.20.0.7", "10.20.0.9"),
    ],
)
def test_behind_the_proxy_a_lock_out_is_per_client(
    client, reviewer, settings, monkeypatch, attacker, victim
):
    _trust(settings, monkeypatch, "1")
    locked = _fail_behind_proxy(client, "rev", attacker, settings.AXES_FAILURE_LIMIT)
    assert locked.status_code == 429
    # the attacker's address stays locked, whatever else it writes in front of it
    again = _sign_in_behind_proxy(client, "rev", f"10.99.0.1, {attacker.split(', ')[-1]}")
    assert again.status_code == 429
    # the victim, behind the same proxy, signs in
    assert _sign_in_behind_proxy(Client(), "rev", victim).status_code == 302


@pytest.mark.django_db
def test_without_a_proxy_x_forwarded_for_is_not_read(client, reviewer, settings, monkeypatch):
    """With no proxy configured (development), a client cannot dodge the lock-out by writing a new
    address into the header on each try."""
    _trust(settings, monkeypatch, "0")
    for number in range(settings.AXES_FAILURE_LIMIT):
        last = _fail_behind_proxy(client, "rev", f"10.20.0.{number}", 1)
    assert last.status_code == 429
    assert _sign_in_behind_proxy(client, "rev", "10.20.0.200").status_code == 429


def test_trusted_proxies_setting_is_checked(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="JISREVIEW_TRUSTED_PROXIES"):
        _settings_with(monkeypatch, JISREVIEW_TRUSTED_PROXIES="-1")


# --- Bodies the API cannot read: nesting, lone surrogates, bytes that are not UTF-8 ------------

DEEP = "[" * 100_000 + "]" * 100_000


def _assert_json_error(response, status: int) -> dict:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert isinstance(body, dict) and body
    assert "Traceback" not in response.content.decode()
    return body


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        DEEP,
        '{"username": ' + "[" * 100_000 + "]" * 100_000 + ', "password": "x"}',
        "{" + '"a": {' * 50_000 + "}" * 50_001,
    ],
    ids=["array", "in-a-field", "objects"],
)
def test_deeply_nested_json_is_a_400_even_unauthenticated(api_client, body):
    response = api_client.post("/api/auth/token/", body, content_type="application/json")
    assert "deeper than 64 levels" in _assert_json_error(response, 400)["detail"]


@pytest.mark.django_db
def test_deeply_nested_json_is_a_400_on_a_write(token_client, coordinator):
    standard = StandardFactory()
    client = token_client(coordinator)
    for method, url in (("post", "/api/standards/"), ("patch", f"/api/standards/{standard.pk}/")):
        response = getattr(client, method)(url, DEEP, content_type="application/json")
        _assert_json_error(response, 400)


@pytest.mark.django_db
def test_nesting_within_the_limit_is_read(api_client):
    """64 levels are parsed (and refused by the serializer for what they are, not for depth)."""
    nested = "[" * 63 + "]" * 63
    body = '{"username": ' + nested + ', "password": "x"}'
    response = api_client.post("/api/auth/token/", body, content_type="application/json")
    assert list(_assert_json_error(response, 400)) == ["username"]


LONE = '"\\ud800"'  # as JSON text: the escape of a lone (high) surrogate


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "where"),
    [
        ('{"username": ' + LONE + ', "password": "x"}', "username"),
        ('{"username": "rev", "password": "a\\udfffb"}', "password"),
        ('{"username": "rev", ' + LONE + ': "x"}', "$"),
    ],
)
def test_a_lone_surrogate_in_json_is_a_400_that_does_not_echo_it(api_client, reviewer, body, where):
    response = api_client.post("/api/auth/token/", body, content_type="application/json")
    detail = _assert_json_error(response, 400)["detail"]
    assert f"The text at {where} holds a lone surrogate" in detail
    assert "\\ud800" not in detail.replace("(\\ud800–\\udfff)", "")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields",
    [
        {"ministry_codes": ["METI", "\ud800"]},
        {"title_ja": "規格\udc00"},
        {"correspondences": [{"designation": "ISO \ud83d", "degree": "IDT"}]},
        {"number": "JIS B \udfff"},
    ],
)
def test_a_lone_surrogate_in_a_catalog_write_is_a_400(token_client, coordinator, fields):
    standard = StandardFactory(number="JIS B 8445")
    body = json.dumps(fields)  # ASCII, so the surrogates are written as \u escapes
    response = token_client(coordinator).patch(
        f"/api/standards/{standard.pk}/", body, content_type="application/json"
    )
    assert "lone surrogate" in _assert_json_error(response, 400)["detail"]
    standard.refresh_from_db()
    assert standard.number == "JIS B 8445"


@pytest.mark.django_db
def test_a_surrogate_pair_is_one_character_and_welcome(api_client):
    body = '{"username": "\\ud83d\\ude00", "password": "x"}'  # 😀, written as its pair
    response = api_client.post("/api/auth/token/", body, content_type="application/json")
    assert list(_assert_json_error(response, 400)) == ["non_field_errors"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "q=%ED%A0%80",  # a lone surrogate, UTF-8-encoded
        "q=%82%A0",  # Shift_JIS あ
        "ministry=METI&q=%FF",
    ],
)
def test_a_query_string_that_is_not_utf8_is_a_400(token_client, client, reviewer, query):
    _assert_json_error(token_client(reviewer).get(f"/api/standards/?{query}"), 400)
    client.force_login(reviewer)
    page = client.get(f"/standards/?{query}")
    assert page.status_code == 400
    assert "not valid UTF-8" in page.content.decode()


@pytest.mark.django_db
def test_a_form_that_is_not_utf8_is_a_400(client, reviewer):
    response = client.post(
        "/accounts/login/",
        "username=r%ED%A0%80&password=x",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert "not valid UTF-8" in response.content.decode()
    api = client.post(
        "/api/auth/token/",
        "username=%ED%A0%80&password=x",
        content_type="application/x-www-form-urlencoded",
    )
    _assert_json_error(api, 400)


@pytest.mark.django_db
def test_utf8_text_passes(token_client, reviewer):
    response = token_client(reviewer).get("/api/standards/?q=%E8%A6%8F%E6%A0%BC+%F0%9F%98%80")
    assert response.status_code == 200


# --- Errors under /api/ are JSON; bodies are bounded by the application --------------------------

TOO_BIG = 5 * 1024 * 1024 + 1  # one byte over DATA_UPLOAD_MAX_MEMORY_SIZE


@pytest.mark.django_db
def test_an_oversized_api_body_is_a_json_413_before_it_is_read(api_client, reviewer):
    body = '{"username": "rev", "password": "pw-rev", "pad": "' + "x" * TOO_BIG + '"}'
    response = api_client.post("/api/auth/token/", body, content_type="application/json")
    assert "accepts at most 5.0" in _assert_json_error(response, 413)["detail"]


@pytest.mark.django_db
def test_an_oversized_form_is_a_413_page(client):
    response = client.post(
        "/accounts/login/",
        "username=" + "x" * TOO_BIG,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    assert "accepts at most 5.0" in response.content.decode()


@pytest.mark.django_db
def test_an_upload_may_be_as_large_as_an_import_file_and_no_larger(client, coordinator, settings):
    settings.UPLOAD_MAX_BYTES = 64 * 1024
    client.force_login(coordinator)

    def upload(size: int):
        data = SimpleUploadedFile("catalog.csv", b"x" * size, content_type="text/csv")
        return client.post("/standards/import/", {"file": data})

    assert upload(32 * 1024).status_code != 413  # read, and judged by the import itself
    refused = upload(96 * 1024)
    assert refused.status_code == 413
    assert "accepts at most 64.0" in refused.content.decode()


@pytest.mark.django_db
def test_a_form_field_over_djangos_limit_is_a_413_too(token_client, client, coordinator, settings):
    """Within the upload limit, a multipart body whose fields (not files) exceed
    DATA_UPLOAD_MAX_MEMORY_SIZE makes Django raise RequestDataTooBig: a 413, not a 400."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    api = token_client(coordinator).post(
        "/api/standards/", {"title_ja": "x" * 4096}, format="multipart"
    )
    _assert_json_error(api, 413)
    client.force_login(coordinator)
    page = client.post("/accounts/saved-searches/", {"name": "x" * 4096}, format="multipart")
    assert page.status_code == 413
    assert page["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_every_api_error_is_json(api_client, token_client, reviewer, monkeypatch):
    client = token_client(reviewer)
    _assert_json_error(client.get("/api/no-such-thing/"), 404)
    _assert_json_error(client.get("/api/standards/1.5/"), 404)
    _assert_json_error(client.delete("/api/auth/token/"), 405)
    _assert_json_error(client.put("/api/auth/logout/"), 405)
    _assert_json_error(api_client.get("/api/standards/"), 401)
    _assert_json_error(client.get("/api/standards/", HTTP_HOST="evil.example"), 400)
    _assert_json_error(
        client.post("/api/standards/", "{", content_type="application/json"), 403
    )  # a reviewer may not write; the body is not even read


@pytest.mark.django_db
def test_an_api_server_error_is_json_without_details(token_client, reviewer, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("secret detail: /etc/jisreview and a connection string")

    monkeypatch.setattr("standards.api.StandardViewSet.list", fail)
    client = token_client(reviewer)
    client.raise_request_exception = False
    response = client.get("/api/standards/", HTTP_ACCEPT_LANGUAGE="en")
    assert _assert_json_error(response, 500) == {"detail": "A server error occurred."}
    assert b"secret" not in response.content


@pytest.mark.django_db
def test_a_page_server_error_stays_a_page(client, reviewer, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("secret detail")

    monkeypatch.setattr("jisreview.views.redirect", fail)
    client.force_login(reviewer)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert "secret detail" not in response.content.decode()
