"""Who hears of an import, and where: a small import's followers in its request, a large one's on
the worker (with the page saying so), and at once when the broker is down."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.dispatch import receiver

from standards import import_followers, selectors, services
from standards.signals import catalog_changed
from tests.conftest import in_english

HEADER = "number,title_ja,established_on,status"


def _csv(count: int, title: str = "規格") -> bytes:
    rows = [f"JIS Z {8000 + i},{title}{i},2020-04-01,active" for i in range(count)]
    return ("\n".join([HEADER, *rows]) + "\n").encode()


@pytest.fixture
def heard():
    """The numbers each catalog-change signal sent in this process carried."""
    calls = []

    @receiver(catalog_changed, weak=False)
    def listen(sender, numbers=(), **kwargs):
        calls.append(sorted(numbers))

    yield calls
    catalog_changed.disconnect(listen)


@pytest.fixture
def queued(monkeypatch):
    """What was handed to the worker (the broker is not read in these tests)."""
    calls = []
    monkeypatch.setattr(
        import_followers.catalog_changed_send,
        "apply_async",
        lambda args, **options: calls.append(sorted(args[0])),
    )
    return calls


def _post(client, data: bytes):
    return client.post(
        "/standards/import/", {"file": SimpleUploadedFile("catalog.csv", data)}, follow=True
    )


@pytest.mark.django_db
def test_a_small_import_is_followed_within_its_request(
    client, coordinator, heard, queued, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "FOLLOW_AT_ONCE_UP_TO", 3)
    in_english(client)
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, _csv(3))
    assert heard == [["JIS Z 8000", "JIS Z 8001", "JIS Z 8002"]] and queued == []
    assert "in the background" not in response.content.decode()


@pytest.mark.django_db
def test_a_large_import_hands_its_followers_to_the_worker_and_says_so(
    client, coordinator, heard, queued, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "FOLLOW_AT_ONCE_UP_TO", 3)
    in_english(client)
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, _csv(4))
    assert heard == [] and queued == [["JIS Z 8000", "JIS Z 8001", "JIS Z 8002", "JIS Z 8003"]]
    assert "brought up to date in the background" in response.content.decode()
    # on the worker, the task sends the signal with the same numbers
    import_followers.catalog_changed_send(queued[0])
    assert heard == queued


@pytest.mark.django_db
def test_with_the_broker_down_a_large_import_is_followed_at_once(
    coordinator, heard, monkeypatch, django_capture_on_commit_callbacks
):
    def unreachable(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(services, "FOLLOW_AT_ONCE_UP_TO", 1)
    monkeypatch.setattr(import_followers.catalog_changed_send, "apply_async", unreachable)
    report = selectors.catalog_read(_csv(2), filename="catalog.csv")
    with django_capture_on_commit_callbacks(execute=True):
        services.standards_import(records=report.records, columns=report.columns, by=coordinator)
    assert heard == [["JIS Z 8000", "JIS Z 8001"]]
