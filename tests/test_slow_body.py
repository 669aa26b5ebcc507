"""A request that declares a longer body than it sends, against gunicorn as shipped
(deploy/gunicorn.conf.py): it is answered in bounded time (a JSON 408 under /api/) and other
requests are served meanwhile. It used to hold a sync worker for gunicorn's 30 s, then get an
HTML 500."""

import http.client
import json
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest

# gunicorn, another process, serves the test database: PostgreSQL's (a SQLite test database lives in
# this process's memory)
pytestmark = pytest.mark.postgres
ROOT = Path(__file__).resolve().parents[1]
BODY_SECONDS = 2


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _test_database_url() -> str:
    """The test database (made by pytest-django), for the gunicorn process to use too."""
    from django.db import connection

    db = connection.settings_dict
    return (
        f"postgres://{quote(db['USER'] or '')}:{quote(db['PASSWORD'] or '')}"
        f"@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory, django_db_setup):
    port = _free_port()
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jisreview.settings",
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": _test_database_url(),
        "JISREVIEW_VAR_DIR": str(log.parent / "var"),
        # one process, so a request holding it would hold the whole server
        "JISREVIEW_WEB_WORKERS": "1",
        "JISREVIEW_REQUEST_BODY_SECONDS": str(BODY_SECONDS),
    }
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "jisreview.wsgi:application"),
            *("--config", "deploy/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"),
            *("--error-logfile", str(log), "--no-control-socket"),
        ],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                _get(port, "/accounts/login/")
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail(f"gunicorn did not start: {log.read_text()[-2000:]}")
                time.sleep(0.2)  # waiting for a process to listen, not for an outcome
        yield port
    finally:
        process.terminate()
        process.wait(timeout=20)


def _get(port: int, path: str) -> tuple[int, float]:
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        status = connection.getresponse().status
    finally:
        connection.close()
    return status, time.monotonic() - started


def _short_body(port: int, path: str, content_type: str) -> tuple[int, dict, bytes, float]:
    """Declare 1,000 bytes, send 11, and wait for the answer without closing."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=15) as client:
        client.sendall(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
            "Accept-Language: en\r\nContent-Length: 1000\r\n\r\n".encode()
            + b'{"username"'
        )
        response = http.client.HTTPResponse(client)
        response.begin()
        body = response.read()
        return response.status, dict(response.getheaders()), body, time.monotonic() - started


def test_a_short_body_is_a_json_408_in_bounded_time(gunicorn):
    status, headers, body, seconds = _short_body(gunicorn, "/api/auth/token/", "application/json")
    assert status == 408
    assert headers["Content-Type"] == "application/json"
    assert "did not arrive within 2 seconds" in json.loads(body)["detail"]
    assert BODY_SECONDS <= seconds < BODY_SECONDS + 3


def test_a_short_form_body_is_a_408_page(gunicorn):
    form = "application/x-www-form-urlencoded"
    status, _headers, _body, seconds = _short_body(gunicorn, "/accounts/login/", form)
    assert status == 408
    assert seconds < BODY_SECONDS + 3


def test_other_requests_are_served_while_a_body_is_awaited(gunicorn):
    held = threading.Thread(
        target=_short_body, args=(gunicorn, "/api/auth/token/", "application/json")
    )
    held.start()
    try:
        time.sleep(0.3)  # let the held request reach its thread first
        status, seconds = _get(gunicorn, "/accounts/login/")
        assert status == 200
        assert seconds < 1.5
    finally:
        held.join()


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", b'{"username": "USER", "password": "wrong"}'),
        (
            "multipart/form-data; boundary=b",
            b'--b\r\nContent-Disposition: form-data; name="username"'
            b'\r\n\r\nUSER\r\n--b\r\nContent-Disposition: form-data; name="password"\r\n\r\nwrong'
            b"\r\n--b--\r\n",
        ),
    ],
    ids=["json", "multipart"],
)
def test_a_whole_body_is_read_and_answered_as_before(gunicorn, content_type, body):
    # a name never seen, so no earlier run's failed attempts lock it out
    body = body.replace(b"USER", secrets.token_hex(8).encode())
    connection = http.client.HTTPConnection("127.0.0.1", gunicorn, timeout=10)
    try:
        connection.request(
            "POST", "/api/auth/token/", body=body, headers={"Content-Type": content_type}
        )
        response = connection.getresponse()
        answer = json.loads(response.read())
    finally:
        connection.close()
    assert response.status == 400, answer  # wrong credentials, read from the body
    assert "non_field_errors" in answer or "detail" in answer, answer
