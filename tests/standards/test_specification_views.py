"""The specification screens and API: who may upload for which ministry, several files at once,
the same file not kept twice ("already uploaded", with a link), the result page with each citation's
status and place, the progress endpoint, the fix-it list and its exports, and query counts."""

import csv
import io

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.roles import Role
from standards.models import Ministry
from standards.specifications import services
from standards.specifications.models import SpecificationDocument
from tests.conftest import in_english
from tests.standards.specifications import CORPUS, load_test_catalog

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

FIX_IT_DOC = "chotatsu_kokuji.txt"


@pytest.fixture
def catalog(db):
    load_test_catalog()


@pytest.fixture
def no_worker(monkeypatch):
    """Uploads are queued, not sent to a broker: the tests call the worker's step themselves."""
    queued = []
    monkeypatch.setattr("standards.specifications.views.enqueue_scan", queued.append)
    monkeypatch.setattr("standards.specifications.api.enqueue_scan", queued.append)
    return queued


def _file(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, content if content is not None else (CORPUS / name).read_bytes()
    )


def _scanned(ministry_code: str, *names: str) -> list[SpecificationDocument]:
    ministry = Ministry.objects.get(code=ministry_code)
    documents = []
    for name in names:
        document, _new = services.specification_upload(
            ministry=ministry, file_name=name, content=(CORPUS / name).read_bytes()
        )
        documents.append(services.specification_scan_run(document_id=document.pk))
    return documents


def test_a_viewer_uploads_several_files_for_their_ministry(
    client, catalog, ministry_viewer, no_worker, django_capture_on_commit_callbacks
):
    client.force_login(in_english(client) and ministry_viewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/standards/specifications/",
            {
                "ministry": "METI",
                "files": [_file("chotatsu_kokuji.txt"), _file("honyaku_shiyosho.html")],
            },
        )
    documents = list(SpecificationDocument.objects.order_by("pk"))
    assert [d.file_name for d in documents] == ["chotatsu_kokuji.txt", "honyaku_shiyosho.html"]
    assert {d.ministry_id for d in documents} == {"METI"} and no_worker == [d.pk for d in documents]
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "2 documents uploaded: they are being scanned." in page
    assert "Just uploaded" in page and 'data-scan-ids="' in page


def test_a_viewer_may_not_upload_for_another_ministry(client, ministry_viewer, no_worker):
    client.force_login(ministry_viewer)
    response = client.post(
        "/standards/specifications/", {"ministry": "MLIT", "files": [_file("chotatsu_kokuji.txt")]}
    )
    assert response.status_code == 400 and not SpecificationDocument.objects.exists()


@pytest.mark.parametrize("who", ["reviewer", "outsider"])
def test_only_coordinators_and_ministry_viewers_reach_the_screens(request, client, who):
    client.force_login(request.getfixturevalue(who))
    for url in ("/standards/specifications/", "/standards/specifications/fix-it/"):
        assert client.get(url).status_code == 403


@pytest.mark.parametrize(
    ("who", "ministry", "allowed"), [("viewer", "METI", True), ("viewer", None, False)]
)
def test_the_menu_offers_the_screen_exactly_to_those_it_lets_in(
    client, django_user_model, who, ministry, allowed
):
    user = django_user_model.objects.create_user(username=who, ministry_id=ministry)
    user.groups.add(Group.objects.get(name=Role.MINISTRY_VIEWER))
    client.force_login(user)
    menu = client.get("/standards/").content.decode()
    assert ('href="/standards/specifications/"' in menu) is allowed
    assert client.get("/standards/specifications/").status_code == (200 if allowed else 403)


def test_the_same_file_again_is_not_kept_twice_and_links_to_the_first(
    client, catalog, ministry_viewer, no_worker
):
    [first] = _scanned("METI", "chotatsu_kokuji.txt")
    client.force_login(in_english(client) and ministry_viewer)
    response = client.post(
        "/standards/specifications/", {"ministry": "METI", "files": [_file("chotatsu_kokuji.txt")]}
    )
    page = client.get(response["Location"]).content.decode()
    assert "chotatsu_kokuji.txt: already uploaded as" in page
    assert f'href="/standards/specifications/{first.pk}/"' in page
    assert SpecificationDocument.objects.count() == 1 and no_worker == []


def test_the_result_shows_every_citation_with_status_and_page(client, catalog, ministry_viewer):
    [document] = _scanned("METI", "kenchiku_hyojun_shiyosho.pdf")
    client.force_login(in_english(client) and ministry_viewer)
    page = client.get(f"/standards/specifications/{document.pk}/").content.decode()
    rows = list(document.citations.all())
    assert rows
    for citation in rows:
        assert citation.cited_as in page
    assert page.count('<tr class="citation-') == len(rows)
    assert 'data-label="Page or place">1</td>' in page  # page 1 of the PDF


def test_another_ministrys_document_is_not_found(client, catalog, ministry_viewer):
    [document] = _scanned("MLIT", "chotatsu_kokuji.txt")
    client.force_login(ministry_viewer)
    assert client.get(f"/standards/specifications/{document.pk}/").status_code == 404
    progress = client.get(f"/standards/specifications/progress/?id={document.pk}").json()
    assert progress == {"documents": []}


def test_progress_says_where_each_scan_is(
    client, catalog, ministry_viewer, django_assert_num_queries
):
    [done] = _scanned("METI", "chotatsu_kokuji.txt")
    queued, _new = services.specification_upload(
        ministry=Ministry.objects.get(code="METI"), file_name="x.txt", content=b"JIS A 5308"
    )
    SpecificationDocument.objects.filter(pk=queued.pk).update(state="scanning", pages_read=40)
    client.force_login(in_english(client) and ministry_viewer)
    client.get("/standards/specifications/progress/")  # the session is recorded on the first
    # user, role groups, the documents' states
    with django_assert_num_queries(3):
        answer = client.get(
            f"/standards/specifications/progress/?id={done.pk}&id={queued.pk}"
        ).json()
    states = {
        row["id"]: (row["state"], row["finished"], row["pages_label"])
        for row in answer["documents"]
    }
    assert states == {
        done.pk: ("done", True, f"{done.pages} pages read"),
        queued.pk: ("scanning", False, "40 pages read"),
    }


def _fix_it_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_the_fix_it_list_holds_only_withdrawn_and_superseded_citations_of_ones_own(
    client, catalog, ministry_viewer
):
    mine = _scanned("METI", *[p.name for p in sorted(CORPUS.iterdir())])
    _scanned("MLIT", "kenchiku_hyojun_shiyosho.pdf")
    wanted = sorted(
        (c.document.title, c.number, c.status)
        for d in mine
        for c in d.citations.all()
        if c.status in ("withdrawn", "superseded")
    )
    assert wanted, "the corpus cites withdrawn and superseded JIS"
    client.force_login(in_english(client) and ministry_viewer)
    header, *rows = _fix_it_rows(client.get("/standards/specifications/fix-it.csv"))
    assert header[:5] == ["Ministry", "Document", "File", "Page or place", "Citation"]
    assert sorted((r[1], r[5], r[7]) for r in rows) == [
        (title, number, status) for title, number, status in wanted
    ]
    book = openpyxl.load_workbook(
        io.BytesIO(b"".join(client.get("/standards/specifications/fix-it.xlsx").streaming_content))
    )
    assert book.active.max_row == len(rows) + 1
    superseded = client.get("/standards/specifications/fix-it.csv?status=superseded")
    assert {r[7] for r in _fix_it_rows(superseded)[1:]} == {"superseded"}


def test_the_api_uploads_and_answers_a_duplicate_with_the_document_kept(
    token_client, catalog, ministry_viewer, no_worker, django_capture_on_commit_callbacks
):
    api = token_client(ministry_viewer)
    with django_capture_on_commit_callbacks(execute=True):
        first = api.post(
            "/api/specifications/",
            {"ministry": "METI", "files": [_file("chotatsu_kokuji.txt")]},
            format="multipart",
        )
    assert first.status_code == 201 and first.json()[0]["created"] is True
    again = api.post(
        "/api/specifications/",
        {"ministry": "METI", "files": [_file("chotatsu_kokuji.txt")]},
        format="multipart",
    )
    assert again.status_code == 200
    assert again.json()[0]["document"]["id"] == first.json()[0]["document"]["id"]
    assert again.json()[0]["created"] is False
    other = api.post(
        "/api/specifications/",
        {"ministry": "MLIT", "files": [_file("chotatsu_kokuji.txt")]},
        format="multipart",
    )
    assert other.status_code == 403


def test_the_api_reads_a_document_with_its_citations(token_client, catalog, ministry_viewer):
    [document] = _scanned("METI", "chotatsu_kokuji.txt")
    body = token_client(ministry_viewer).get(f"/api/specifications/{document.pk}/").json()
    assert body["state"] == "done"
    assert [c["number"] for c in body["citations"]] == list(
        document.citations.values_list("number", flat=True)
    )


def test_list_and_api_query_counts(
    client, token_client, catalog, ministry_viewer, django_assert_num_queries
):
    _scanned("METI", "chotatsu_kokuji.txt", "honyaku_shiyosho.html", "kenchiku_hyojun_shiyosho.pdf")
    api = token_client(ministry_viewer)
    # token with its user and role groups, count, one page of documents with their counts
    with django_assert_num_queries(3):
        assert len(api.get("/api/specifications/").json()["results"]) == 3
    # the same, the page of citations to fix joined to document, ministry and standard
    with django_assert_num_queries(3):
        api.get("/api/specifications/fix-it/")
    client.force_login(ministry_viewer)
    client.get("/standards/specifications/")  # the first page of a session also records it
    # user, role groups, the ministries for the form, the count, one page of documents with their
    # counts by status
    with django_assert_num_queries(5):
        assert client.get("/standards/specifications/").status_code == 200
    # user, role groups, the count, one page of citations to fix with document, ministry, standard
    with django_assert_num_queries(4):
        assert client.get("/standards/specifications/fix-it/").status_code == 200


def test_a_documents_page_reads_its_citations_in_one_query(
    client, catalog, ministry_viewer, django_assert_num_queries
):
    [document] = _scanned("METI", "kenchiku_hyojun_shiyosho.pdf")
    client.force_login(ministry_viewer)
    client.get(f"/standards/specifications/{document.pk}/")
    # user, role groups, the document with its ministry and uploader, its citations
    with django_assert_num_queries(4):
        assert client.get(f"/standards/specifications/{document.pk}/").status_code == 200


def test_the_admin_shows_documents_and_citations_without_reading_the_files(
    admin_client, catalog, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    [document] = _scanned("METI", "chotatsu_kokuji.txt")
    citation = document.citations.first()
    urls = [
        "/admin/standards/specificationdocument/",
        f"/admin/standards/specificationdocument/{document.pk}/change/",
        "/admin/standards/specificationcitation/",
        f"/admin/standards/specificationcitation/{citation.pk}/change/",
    ]
    with CaptureQueriesContext(connection) as queries:
        for url in urls:
            response = admin_client.get(url)
            assert response.status_code == 200, url
            assert document.title in response.content.decode()
    assert not [q["sql"] for q in queries if '."content"' in q["sql"]]
    assert admin_client.get("/admin/standards/specificationdocument/add/").status_code == 403


def test_no_list_page_export_or_api_reads_the_files_kept(
    client, token_client, catalog, coordinator
):
    """The files stay in their rows: a join from the citations does not go through the documents'
    manager, so every read that joins them must leave the files out itself."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    [document] = _scanned("METI", FIX_IT_DOC)
    cited = document.citations.exclude(standard=None).first().standard_id
    client.force_login(coordinator)
    api = token_client(coordinator)
    with CaptureQueriesContext(connection) as queries:
        for url in (
            "/standards/specifications/",
            f"/standards/specifications/{document.pk}/",
            "/standards/specifications/fix-it/",
            f"/standards/{cited}/",
        ):
            assert client.get(url).status_code == 200, url
        for fmt in ("csv", "xlsx"):
            b"".join(client.get(f"/standards/specifications/fix-it.{fmt}").streaming_content)
        for url in (
            "/api/specifications/",
            f"/api/specifications/{document.pk}/",
            "/api/specifications/fix-it/",
        ):
            assert api.get(url).status_code == 200, url
    assert len(queries) > 10
    assert not [q["sql"] for q in queries if '."content"' in q["sql"]]
