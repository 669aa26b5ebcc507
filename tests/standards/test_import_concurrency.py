"""Two catalog imports at once: the second waits for the first, or is told that it is running.
Never a 500, never half an import. Real PostgreSQL, a connection per thread."""

import threading
import time
from contextlib import contextmanager

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError
from django.db import connection, connections, transaction
from django.urls import reverse

from standards import selectors, services
from standards.models import DraftingBody, Standard
from tests.standards.test_importing import ROWS, csv_bytes, run_import

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BOUND = 20  # seconds any wait in these tests may take before it counts as a failure


def _records():
    report = selectors.catalog_read(csv_bytes(), filename="catalog.csv")
    assert report.ok
    return report


def _waiting_on_a_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return bool(row) and row[0] == "Lock"


def _until(condition, what: str) -> None:
    deadline = time.monotonic() + BOUND
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting: {what}"
        time.sleep(0.02)


def _in_thread(name: str, work, outcome: dict) -> threading.Thread:
    def run():
        try:
            outcome[name] = work()
        except Exception as exc:  # reported by the test, which runs in the main thread
            outcome[name] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, name=name)
    thread.start()
    return thread


def test_two_imports_at_once_run_one_after_the_other(monkeypatch):
    """The first import stops after its inserts, uncommitted, until the second is seen waiting on
    a lock; then it commits. Without serialising, the second collides with the first's drafting
    bodies and standards (IntegrityError); with it, the second waits and finds them there."""
    report, outcome, second = _records(), {}, {}
    first_paused, second_started = threading.Event(), threading.Event()
    original = services._sync_links

    def paused_after_inserts(*args, **kwargs):
        original(*args, **kwargs)
        if threading.current_thread().name == "first":
            first_paused.set()
            assert second_started.wait(BOUND)
            _until(lambda: _waiting_on_a_lock(second["pid"]), "the second import to wait")

    monkeypatch.setattr(services, "_sync_links", paused_after_inserts)

    def run_second():
        connection.ensure_connection()
        second["pid"] = connection.connection.info.backend_pid
        second_started.set()
        return services.standards_import(
            records=report.records, columns=report.columns, lock_wait=BOUND
        )

    def run_first():
        return services.standards_import(
            records=report.records, columns=report.columns, lock_wait=BOUND
        )

    threads = [_in_thread("first", run_first, outcome)]
    assert first_paused.wait(BOUND), outcome
    threads.append(_in_thread("second", run_second, outcome))
    for thread in threads:
        thread.join(BOUND * 2)
    first, then = outcome["first"], outcome["second"]
    assert not isinstance(first, Exception), first
    assert not isinstance(then, Exception), then
    assert first.summary() == {"created": 3, "updated": 0, "unchanged": 0}
    assert then.summary() == {"created": 0, "updated": 0, "unchanged": 3}
    assert Standard.objects.count() == 3
    assert DraftingBody.objects.count() == 3


@contextmanager
def import_running():
    """Another process in the middle of an import: it holds the import lock until the block ends."""
    holding, done, outcome = threading.Event(), threading.Event(), {}

    def hold():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [services.CATALOG_IMPORT_LOCK])
            holding.set()
            done.wait(BOUND)

    thread = _in_thread("holder", hold, outcome)
    try:
        assert holding.wait(BOUND), outcome
        yield
    finally:
        done.set()
        thread.join(BOUND)


def test_the_command_says_another_import_is_running(tmp_path, settings):
    settings.IMPORT_LOCK_WAIT_SECONDS = 0.2
    with import_running(), pytest.raises(CommandError) as refused:
        run_import(tmp_path, csv_bytes())
    assert "Another catalog import is running; nothing was imported" in str(refused.value)
    assert not Standard.objects.exists()
    assert not DraftingBody.objects.exists()
    out, _err = run_import(tmp_path, csv_bytes())  # once it has finished, the same file imports
    assert "3 created" in out


def test_the_upload_screen_says_another_import_is_running(client, coordinator, settings):
    settings.IMPORT_LOCK_WAIT_SECONDS = 0.2
    client.force_login(coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with import_running():
        response = client.post(
            reverse("standards:import"), {"file": SimpleUploadedFile("c.csv", csv_bytes())}
        )
    assert response.status_code == 200
    assert "Another catalog import is running; nothing was imported" in response.content.decode()
    assert not Standard.objects.exists()


def test_a_refused_import_is_not_answered_with_the_rejects_download(client, coordinator, settings):
    settings.IMPORT_LOCK_WAIT_SECONDS = 0.2
    client.force_login(coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    data = csv_bytes(rows=[*ROWS, "JIS Z 9999,何か,,,,,農水大臣,,,,"])
    form = {
        "file": SimpleUploadedFile("c.csv", data),
        "skip_invalid": "on",
        "download_rejects": "on",
    }
    with import_running():
        response = client.post(reverse("standards:import"), form)
    assert response["Content-Type"].startswith("text/html")
    assert "Another catalog import is running; nothing was imported" in response.content.decode()
    assert not Standard.objects.exists()


def test_an_import_waits_for_a_short_one_to_finish(tmp_path, settings):
    settings.IMPORT_LOCK_WAIT_SECONDS = BOUND
    report, outcome = _records(), {}
    with import_running():
        waiting = _in_thread(
            "waiting",
            lambda: services.standards_import(records=report.records, columns=report.columns),
            outcome,
        )
        _until(lambda: "waiting" in outcome or _any_waiting_on_a_lock(), "the import to wait")
        assert "waiting" not in outcome, outcome
    waiting.join(BOUND)
    assert outcome["waiting"].summary()["created"] == 3


def _any_waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND "
            "datname = current_database()"
        )
        return cursor.fetchone()[0] > 0


def test_the_bounded_wait_ends_with_the_lock():
    # the import's short lock_timeout must not cut short the later statements of the transaction
    report = _records()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL lock_timeout = '7s'")
        services.standards_import(records=report.records, columns=report.columns, lock_wait=0.5)
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone()[0] == "7s"
