"""Specification documents kept: an upload once per ministry and content, its scan claimed and
run (citations with status, place and sentence; unreadable files skipped with the reason), ZIPs
taken apart with bombs refused, and the command storing what it reads."""

import datetime as dt
import io
import zipfile

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from standards.models import Ministry
from standards.specifications import services
from standards.specifications.models import SCAN_LOST_AFTER, ScanState, SpecificationDocument
from tests.conftest import in_english
from tests.standards.specifications import CORPUS, UNREADABLE, load_test_catalog

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def catalog(db):
    load_test_catalog()


@pytest.fixture
def meti(db):
    return Ministry.objects.get(code="METI")


def upload(ministry, path, **kwargs):
    return services.specification_upload(
        ministry=ministry, file_name=path.name, content=path.read_bytes(), **kwargs
    )


def test_an_upload_is_kept_once_per_ministry_and_content(meti, django_capture_on_commit_callbacks):
    queued = []
    path = CORPUS / "chotatsu_kokuji.txt"
    with django_capture_on_commit_callbacks(execute=True):
        first, created = upload(meti, path, enqueue=queued.append)
    assert created and first.state == ScanState.QUEUED and queued == [first.pk]
    with django_capture_on_commit_callbacks(execute=True):
        again, created_again = upload(meti, path, enqueue=queued.append)
    assert (again.pk, created_again, queued) == (first.pk, False, [first.pk])
    # another ministry's copy of the same file is its own document
    mlit = Ministry.objects.get(code="MLIT")
    other, created_other = upload(mlit, path)
    assert created_other and other.pk != first.pk
    assert SpecificationDocument.objects.count() == 2


def test_the_scan_keeps_every_citation_with_status_place_and_sentence(catalog, meti):
    document, _created = upload(meti, CORPUS / "kenchiku_hyojun_shiyosho.pdf")
    scanned = services.specification_scan_run(document_id=document.pk)
    assert scanned.state == ScanState.DONE and scanned.pages >= 1
    citations = list(scanned.citations.order_by("position"))
    assert citations, "the corpus PDF cites JIS"
    first = citations[0]
    assert first.page == 1 and first.place == "1"
    assert first.standard is not None and first.standard.number == first.number
    assert first.context
    # a second delivery of the task scans nothing again
    assert services.specification_scan_run(document_id=document.pk).state == ScanState.DONE
    assert scanned.citations.count() == len(citations)


def test_a_scan_another_worker_holds_is_asked_again_once_it_counts_as_lost(meti, monkeypatch):
    """A task given back at once when its worker died finds the scan still held: it is retried
    when the scan would count as lost, and then takes it over."""
    from standards import tasks

    start = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)
    document, _created = upload(meti, CORPUS / "chotatsu_kokuji.txt")
    SpecificationDocument.objects.filter(pk=document.pk).update(
        state=ScanState.SCANNING, started_at=start
    )
    asked = []

    def retry(countdown):
        asked.append(countdown)
        return RuntimeError("retried")

    monkeypatch.setattr(tasks.scan_specification, "retry", retry)
    with time_machine.travel(start + dt.timedelta(minutes=1), tick=False):
        with pytest.raises(RuntimeError, match="retried"):
            tasks.scan_specification.run(document.pk)
    assert asked == [(SCAN_LOST_AFTER - dt.timedelta(minutes=1)).total_seconds() + 1]
    assert SpecificationDocument.objects.get(pk=document.pk).state == ScanState.SCANNING
    with time_machine.travel(start + SCAN_LOST_AFTER + dt.timedelta(seconds=1), tick=False):
        assert tasks.scan_specification.run(document.pk) == ScanState.DONE


def test_a_lost_scan_may_be_scanned_again_from_the_screen_and_one_going_on_may_not(
    client, meti, ministry_viewer
):
    document, _created = upload(meti, CORPUS / "chotatsu_kokuji.txt")
    queued = []
    client.force_login(ministry_viewer)
    for minutes, offered in ((1, False), (11, True)):
        SpecificationDocument.objects.filter(pk=document.pk).update(
            state=ScanState.SCANNING, started_at=timezone.now() - dt.timedelta(minutes=minutes)
        )
        page = client.get(f"/standards/specifications/{document.pk}/").content.decode()
        assert ("/rescan/" in page) is offered
        services.specification_rescan(document=document, enqueue=queued.append)
        state = SpecificationDocument.objects.get(pk=document.pk).state
        assert state == (ScanState.QUEUED if offered else ScanState.SCANNING)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("scanned.pdf", "no_text_layer"),
        ("encrypted.pdf", "encrypted"),
        ("zip_bomb.docx", "archive_bomb"),
    ],
)
def test_an_unreadable_document_is_skipped_with_its_reason(meti, name, reason):
    document, _created = upload(meti, UNREADABLE / name)
    scanned = services.specification_scan_run(document_id=document.pk)
    assert (scanned.state, scanned.skipped_reason) == (ScanState.SKIPPED, reason)
    assert scanned.error and not scanned.citations.exists()


def _zip(members: dict[str, bytes]) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return SimpleUploadedFile("specs.zip", buffer.getvalue())


def test_a_zip_is_taken_apart_and_a_bomb_refused(meti):
    text = (CORPUS / "chotatsu_kokuji.txt").read_bytes()
    folder = _zip({"2026/kokuji.txt": text, "__MACOSX/._kokuji.txt": b"x", "notes.exe": b"x"})
    bomb = _zip({"huge.txt": b"\0" * (30 * 1024 * 1024)})
    outcomes = services.specifications_upload(ministry=meti, files=[folder, bomb])
    assert [(o.name, o.created) for o in outcomes[:1]] == [("specs.zip/2026/kokuji.txt", True)]
    assert outcomes[1].document is None and "zip bomb" in outcomes[1].problem
    assert len(outcomes) == 2


def test_zip_names_read_as_paths_inside_it_and_other_formats_are_refused_not_kept(meti):
    text = (CORPUS / "chotatsu_kokuji.txt").read_bytes()
    folder = _zip(
        {"../../etc/a.txt": text, "/abs/./b.txt": text + b" ", "C:\\x\\c.txt": text + b"  "}
    )
    photo = SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff")
    lock = SimpleUploadedFile("~$spec.docx", b"lock")
    outcomes = services.specifications_upload(ministry=meti, files=[folder, photo, lock])
    assert [o.name for o in outcomes] == [
        "specs.zip/etc/a.txt",
        "specs.zip/abs/b.txt",
        "specs.zip/x/c.txt",
        "photo.jpg",
    ]
    assert outcomes[3].document is None and "“.jpg” are not read" in outcomes[3].problem
    assert SpecificationDocument.objects.count() == 3


def test_the_documents_of_an_upload_do_not_keep_their_content_in_memory(meti):
    folder = _zip({f"{n}.txt": f"JIS A 5308 {n}".encode() for n in range(3)})
    outcomes = services.specifications_upload(ministry=meti, files=[folder])
    assert [o.created for o in outcomes] == [True] * 3
    assert all("content" in o.document.get_deferred_fields() for o in outcomes)


def _damaged_zip() -> SimpleUploadedFile:
    """good.txt as it is, locked.txt marked encrypted, broken.txt with its deflate stream broken."""
    text = b"JIS A 5308 " * 200
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in ("good.txt", "locked.txt", "broken.txt"):
            archive.writestr(name, text + name.encode())
    data = bytearray(buffer.getvalue())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        locked, broken = archive.getinfo("locked.txt"), archive.getinfo("broken.txt")
    # the "encrypted" flag, in the member's local header and in its entry of the central directory
    data[locked.header_offset + 6] |= 1
    central = [i for i in range(len(data)) if data[i : i + 4] == b"PK\x01\x02"]
    data[central[1] + 8] |= 1
    start = broken.header_offset + 30 + len("broken.txt")
    data[start : start + 8] = b"\xff" * 8
    return SimpleUploadedFile("damaged.zip", bytes(data))


def test_a_damaged_or_encrypted_part_of_a_zip_is_refused_and_the_rest_kept(meti):
    outcomes = services.specifications_upload(ministry=meti, files=[_damaged_zip()])
    assert [(o.name, o.created, bool(o.problem)) for o in outcomes] == [
        ("damaged.zip/good.txt", True, False),
        ("damaged.zip/locked.txt", False, True),
        ("damaged.zip/broken.txt", False, True),
    ]
    assert "encrypted" in outcomes[1].problem


def test_the_command_stores_what_it_reads_for_the_ministry(catalog, capsys):
    call_command(
        "scan_specifications",
        str(CORPUS / "chotatsu_kokuji.txt"),
        "--ministry",
        "meti",
        "--title",
        "令和8年度 調達",
    )
    call_command("scan_specifications", str(CORPUS / "chotatsu_kokuji.txt"), "--ministry", "METI")
    out = capsys.readouterr().out
    assert "Stored: 1 new document(s); 0 already kept for the ministry." in out
    assert "Stored: 0 new document(s); 1 already kept for the ministry." in out
    [document] = SpecificationDocument.objects.all()
    assert (document.title, document.ministry_id, document.state) == (
        "令和8年度 調達",
        "METI",
        "done",
    )
    assert document.citations.count() == 3


def test_without_a_ministry_the_command_stores_nothing_and_says_so(catalog, capsys):
    call_command("scan_specifications", str(CORPUS / "chotatsu_kokuji.txt"))
    assert "Nothing was stored: give --ministry CODE" in capsys.readouterr().out
    assert not SpecificationDocument.objects.exists()


def test_the_command_stores_a_folder_and_skips_what_it_cannot_read(catalog, tmp_path, capsys):
    folder = tmp_path / "specs"
    folder.mkdir()
    for name in ("chotatsu_kokuji.txt", "honyaku_shiyosho.html"):
        (folder / name).write_bytes((CORPUS / name).read_bytes())
    (folder / "scan.pdf").write_bytes((UNREADABLE / "scanned.pdf").read_bytes())
    with pytest.raises(CommandError) as error:
        call_command("scan_specifications", str(folder), "--ministry", "MLIT")
    assert error.value.returncode == 1
    assert "Stored: 2 new document(s)" in capsys.readouterr().out
    stored = SpecificationDocument.objects.order_by("file_name")
    assert [(d.file_name, d.ministry_id, d.state) for d in stored] == [
        ("chotatsu_kokuji.txt", "MLIT", "done"),
        ("honyaku_shiyosho.html", "MLIT", "done"),
    ]


def test_a_zip_uploaded_on_the_screen_is_kept_document_by_document(
    client, ministry_viewer, monkeypatch
):
    monkeypatch.setattr("standards.specifications.views.enqueue_scan", lambda pk: None)
    folder = _zip(
        {
            "a/kokuji.txt": (CORPUS / "chotatsu_kokuji.txt").read_bytes(),
            "b/honyaku.html": (CORPUS / "honyaku_shiyosho.html").read_bytes(),
        }
    )
    broken = SimpleUploadedFile("broken.zip", b"PK not really")
    in_english(client).force_login(ministry_viewer)
    response = client.post(
        "/standards/specifications/", {"ministry": "METI", "files": [folder, broken]}
    )
    page = client.get(response["Location"]).content.decode()
    assert sorted(SpecificationDocument.objects.values_list("file_name", flat=True)) == [
        "specs.zip/a/kokuji.txt",
        "specs.zip/b/honyaku.html",
    ]
    assert "broken.zip: The file is named .zip but is not a zip archive." in page
