"""python manage.py scan_specifications: folders and files, the CSV of citations, the summary, and
the exit code when some documents could not be read."""

import csv
import io
import shutil

import pytest
from django.core.management import CommandError, ManagementUtility, call_command

from standards.management.commands import scan_specifications
from standards.specifications.models import SpecificationDocument
from tests.standards.specifications import CORPUS, UNREADABLE, load_test_catalog

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

COLUMNS = ["document", "page", "citation", "number", "edition_year", "status", "context"]


@pytest.fixture
def catalog(db):
    load_test_catalog()


@pytest.fixture
def folder(tmp_path):
    """The corpus in one folder, the unreadable files in a sub-folder."""
    root = tmp_path / "specs"
    shutil.copytree(CORPUS, root)
    shutil.copytree(UNREADABLE, root / "bad")
    (root / ".DS_Store").write_bytes(b"\0\0")
    (root / "~$it_chotatsu_shiyosho.docx").write_bytes(b"\0lock")
    return root


def scan(*args) -> tuple[str, CommandError | None]:
    out = io.StringIO()
    try:
        call_command("scan_specifications", *map(str, args), stdout=out, stderr=io.StringIO())
    except CommandError as exc:
        return out.getvalue(), exc
    return out.getvalue(), None


def read_csv(path) -> list[dict]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with a BOM, for Excel"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames[:7] == COLUMNS
        return list(reader)


def test_a_folder_with_unreadable_files_is_read_to_the_end(catalog, folder, tmp_path):
    output, error = scan(folder, "--dry-run", "--output", tmp_path / "citations.csv")
    assert error is not None and error.returncode == 1
    assert "5 document(s) could not be read" in str(error)
    assert "Documents read: 10; skipped: 5." in output
    for line in [
        "  bad/scanned.pdf: [no_text_layer] The PDF has no text layer: it looks like a scanned "
        "image.",
        "  bad/encrypted.pdf: [encrypted] The PDF is encrypted with a password",
        "  bad/corrupt.pdf: [corrupt] The PDF is damaged and cannot be read",
        "  bad/zip_bomb.docx: [archive_bomb] Part word/media/padding.bin of the archive is "
        "compressed",
        "  bad/undecodable.txt: [encoding] The text is neither UTF-8 nor Shift_JIS",
    ]:
        assert line in output
    rows = read_csv(tmp_path / "citations.csv")
    assert len(rows) == 79
    assert "Citations: 79 — current 62, superseded 10, withdrawn 3, unknown 4." in output
    assert {row["document"] for row in rows} == {path.name for path in CORPUS.iterdir()}


def test_one_row_per_citation_with_its_page_and_status(catalog, tmp_path):
    out = tmp_path / "citations.csv"
    output, error = scan(CORPUS / "kenchiku_hyojun_shiyosho.pdf", "--output", out)
    assert error is None
    rows = read_csv(out)
    g3112 = [row for row in rows if row["number"] == "JIS G 3112"]
    assert [{k: row[k] for k in COLUMNS} for row in g3112] == [
        {
            "document": "kenchiku_hyojun_shiyosho.pdf",
            "page": "1",
            "citation": "JIS G 3112:2020",
            "number": "JIS G 3112",
            "edition_year": "2020",
            "status": "current",
            "context": "鉄筋は、JIS G 3112:2020 に規定する SD345 とする。",
        },
        {
            "document": "kenchiku_hyojun_shiyosho.pdf",
            "page": "3",
            "citation": "G 3112 :2010",
            "number": "JIS G 3112",
            "edition_year": "2010",
            "status": "superseded",
            "context": "G 3112 :2010 鉄筋コンクリート用棒鋼",
        },
    ]
    assert g3112[1]["current_edition_year"] == "2020"
    no_edition = next(row for row in rows if row["number"] == "JIS B 1186")
    assert (no_edition["edition_year"], no_edition["status"]) == ("", "current")
    assert "Documents read: 1; skipped: 0." in output


def test_every_file_read_exits_zero_through_manage_py(catalog, capsys):
    utility = ManagementUtility(
        ["manage.py", "scan_specifications", str(CORPUS / "chotatsu_kokuji.txt")]
    )
    utility.execute()  # returns: exit status 0
    assert "Citations: 3 — current 3" in capsys.readouterr().out


def test_a_skipped_file_exits_one_through_manage_py(catalog, capsys):
    utility = ManagementUtility(
        [
            "manage.py",
            "scan_specifications",
            str(CORPUS / "chotatsu_kokuji.txt"),
            str(UNREADABLE / "scanned.pdf"),
        ]
    )
    with pytest.raises(SystemExit) as excinfo:
        utility.execute()
    assert excinfo.value.code == 1
    assert "scanned.pdf: [no_text_layer]" in capsys.readouterr().out


def test_too_large_and_missing_files_are_reported(catalog, tmp_path, settings):
    settings.SCAN_MAX_BYTES = 2048
    big = tmp_path / "big.txt"
    big.write_text("鉄筋は JIS G 3112 による。\n" * 200, encoding="utf-8")
    output, error = scan(big, tmp_path / "nowhere.pdf", CORPUS / "chotatsu_kokuji.txt")
    assert error.returncode == 1
    assert "big.txt: [too_large] The file is 6.6\xa0KB; the limit is 2.0\xa0KB." in output
    assert "nowhere.pdf: [missing] No such file or folder." in output
    assert "Documents read: 1; skipped: 2." in output


def test_each_document_read_is_handed_to_store(catalog, monkeypatch):
    stored = []
    monkeypatch.setattr(
        scan_specifications.Command,
        "store",
        staticmethod(
            lambda scan, **kw: stored.append((scan.name, kw["ministry"].code, kw["title"]))
        ),
    )
    scan(
        CORPUS / "chotatsu_kokuji.txt",
        CORPUS / "honyaku_shiyosho.html",
        "--ministry",
        "meti",
        "--title",
        "令和8年度 調達",
    )
    assert stored == [
        ("chotatsu_kokuji.txt", "METI", "令和8年度 調達"),
        ("honyaku_shiyosho.html", "METI", "令和8年度 調達"),
    ]


def test_dry_run_stores_nothing_even_with_a_ministry(catalog):
    output, error = scan(CORPUS / "chotatsu_kokuji.txt", "--ministry", "METI", "--dry-run")
    assert error is None and "Documents read: 1" in output and "Stored" not in output
    assert not SpecificationDocument.objects.exists()


def test_an_unknown_ministry_is_refused_before_reading(catalog):
    output, error = scan(CORPUS / "chotatsu_kokuji.txt", "--ministry", "XYZ")
    assert "No ministry has the code XYZ; the codes are" in str(error)
    assert output == ""
