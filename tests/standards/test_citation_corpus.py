"""The scanner against the labelled corpus: precision and recall of the JIS each document cites
(document, number) and the status of each citation, in every format; and the unreadable files,
each refused with its reason."""

import pytest

from standards.citations import CitationStatus
from standards.documents import Limits, Reason, UnreadableDocument
from standards.scanning import specification_scan
from tests.standards.specifications import (
    CORPUS,
    UNREADABLE,
    expected_citations,
    load_test_catalog,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

LIMITS = Limits(max_bytes=10 * 1024 * 1024, max_pages=100)


@pytest.fixture
def scans(db):
    load_test_catalog()
    return [specification_scan(path, limits=LIMITS) for path in sorted(CORPUS.iterdir())]


def test_the_corpus_covers_every_format_and_status():
    expected = expected_citations()
    suffixes = {path.suffix for path in CORPUS.iterdir()}
    assert suffixes == {".pdf", ".docx", ".xlsx", ".html", ".txt"}
    assert set(expected.values()) == {str(status) for status in CitationStatus}
    assert {document for document, _, _ in expected} == {path.name for path in CORPUS.iterdir()}
    texts = {path.name: path.read_bytes() for path in CORPUS.glob("*.txt")}
    assert any(data.startswith(b"\xef\xbb\xbf") for data in texts.values()), "UTF-8 with BOM"
    assert any(_only_cp932(data) for data in texts.values()), "Shift_JIS"


def _only_cp932(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def test_precision_and_recall_of_cited_standards(scans):
    expected = {(document, number) for document, number, _ in expected_citations()}
    found = {(scan.name, item.citation.number) for scan in scans for item in scan.citations}
    true = expected & found
    precision, recall = len(true) / len(found), len(true) / len(expected)
    assert min(precision, recall) >= 0.98, (
        f"precision {precision:.3f}, recall {recall:.3f}; "
        f"not cited: {sorted(found - expected)}; missed: {sorted(expected - found)}"
    )


def test_status_of_each_citation(scans):
    """Each labelled (document, number, edition) is found with its status: current, superseded,
    withdrawn or unknown."""
    statuses: dict[tuple, set[str]] = {}
    for scan in scans:
        for item in scan.citations:
            key = (scan.name, item.citation.number, item.citation.edition_year)
            statuses.setdefault(key, set()).add(str(item.status))
    expected = expected_citations()
    right = [key for key, status in expected.items() if statuses.get(key) == {status}]
    wrong = {
        key: (status, statuses.get(key)) for key, status in expected.items() if key not in right
    }
    assert len(right) / len(expected) >= 0.98, f"wrong statuses (expected, found): {wrong}"


def test_one_catalog_query_per_document(db, django_assert_num_queries):
    load_test_catalog()
    with django_assert_num_queries(1):
        scan = specification_scan(CORPUS / "it_chotatsu_shiyosho.docx", limits=LIMITS)
    assert len(scan.citations) == 11


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("scanned.pdf", Reason.NO_TEXT_LAYER),
        ("encrypted.pdf", Reason.ENCRYPTED),
        ("corrupt.pdf", Reason.CORRUPT),
        ("zip_bomb.docx", Reason.ARCHIVE_BOMB),
        ("undecodable.txt", Reason.ENCODING),
    ],
)
def test_unreadable_documents_are_refused_with_their_reason(name, reason):
    with pytest.raises(UnreadableDocument) as excinfo:
        specification_scan(UNREADABLE / name, limits=LIMITS)
    assert excinfo.value.reason == reason


def test_too_large_is_refused_before_reading(tmp_path):
    path = CORPUS / "kenchiku_hyojun_shiyosho.pdf"
    with pytest.raises(UnreadableDocument) as excinfo:
        specification_scan(path, limits=Limits(max_bytes=1024, max_pages=100))
    assert excinfo.value.reason == Reason.TOO_LARGE
