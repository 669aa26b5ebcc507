"""An upload from the screen is scanned by a real Celery worker on a Redis broker of the test's
own: the progress endpoint follows each document to "done", and the citations are kept."""

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.files.uploadedfile import SimpleUploadedFile

from jisreview.celery import app
from scripts.local_services import wait_for
from standards.specifications.models import SpecificationDocument
from tests.brokers import private_broker  # noqa: F401 (the fixture)
from tests.standards.specifications import CORPUS, load_test_catalog


def _progress(client, ids) -> dict[int, dict]:
    query = "&".join(f"id={pk}" for pk in ids)
    answer = client.get(f"/standards/specifications/progress/?{query}").json()
    return {row["id"]: row for row in answer["documents"]}


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("private_broker")
def test_the_worker_scans_an_upload_and_its_progress_ends_done(
    client, ministry_viewer, django_capture_on_commit_callbacks
):
    load_test_catalog()
    names = ["kenchiku_hyojun_shiyosho.pdf", "it_chotatsu_shiyosho.docx", "green_kounyu_kijun.xlsx"]
    client.force_login(ministry_viewer)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/standards/specifications/",
                {
                    "ministry": "METI",
                    "files": [SimpleUploadedFile(n, (CORPUS / n).read_bytes()) for n in names],
                },
            )
        assert response.status_code == 302
        ids = list(SpecificationDocument.objects.values_list("pk", flat=True))
        assert len(ids) == 3
        assert wait_for(
            lambda: all(row["finished"] for row in _progress(client, ids).values()), seconds=60
        )
    rows = _progress(client, ids)
    assert {(row["state"], row["finished"]) for row in rows.values()} == {("done", True)}
    for document in SpecificationDocument.objects.all():
        assert document.citations.exists(), document.file_name
        assert document.pages and document.pages_read == document.pages
