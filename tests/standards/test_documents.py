"""Text out of each document format, chunk by chunk with its location, and every way a document can
be unreadable: each raises UnreadableDocument with its reason and a message that says what to do."""

import io
import zipfile
from pathlib import Path

import docx
import openpyxl
import pypdf
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from standards import documents
from standards.documents import Limits, Location, Reason, UnreadableDocument, read_chunks

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "specifications"
LIMITS = Limits(max_bytes=10 * 1024 * 1024, max_pages=50)


def chunks(path: Path, limits: Limits = LIMITS) -> list[tuple[str, str]]:
    return [(str(chunk.location), chunk.text) for chunk in read_chunks(path, limits=limits)]


def unreadable(path: Path, limits: Limits = LIMITS) -> UnreadableDocument:
    with pytest.raises(UnreadableDocument) as excinfo:
        list(read_chunks(path, limits=limits))
    return excinfo.value


def text_pdf(path: Path, pages: list[list[str]]) -> Path:
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for lines in pages:
        pdf.setFont("Helvetica", 10)
        for number, line in enumerate(lines):
            pdf.drawString(50, 800 - 14 * number, line)
        pdf.showPage()
    pdf.save()
    return path


def test_pdf_page_by_page(tmp_path):
    pages = [["Rebar: JIS G 3112:2020"], [], ["Concrete: JIS A 5308"]]
    path = text_pdf(tmp_path / "spec.pdf", pages)
    assert [(location, text.strip()) for location, text in chunks(path)] == [
        ("1", "Rebar: JIS G 3112:2020"),
        ("2", ""),
        ("3", "Concrete: JIS A 5308"),
    ]


def test_pdf_with_japanese_text():
    first = next(read_chunks(FIXTURES / "corpus" / "kenchiku_hyojun_shiyosho.pdf", limits=LIMITS))
    assert "(1) セメントは、JIS R 5210（ポルトランドセメント）に適合するものとする。" in first.text


def test_pdf_restricted_but_openable_without_a_password_is_read():
    path = FIXTURES / "corpus" / "atsusa_shisukei.pdf"
    assert pypdf.PdfReader(path).is_encrypted
    assert "JIS B 7922 に基づく校正証明書" in chunks(path)[0][1]


def test_pdf_memory_stays_flat_page_after_page(tmp_path, monkeypatch):
    """Each page's content is let go once read, so a long PDF needs no more memory than a short one."""
    path = text_pdf(tmp_path / "long.pdf", [[f"page {n}: JIS A 5308"] for n in range(40)])
    readers = []

    class Spy(pypdf.PdfReader):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            readers.append(self)

    monkeypatch.setattr(pypdf, "PdfReader", Spy)
    pages = read_chunks(path, limits=LIMITS)
    next(pages)
    after_one = len(readers[0].resolved_objects)
    assert len(list(pages)) == 39
    assert len(readers[0].resolved_objects) == after_one


def test_docx_paragraphs_and_table_rows_in_document_order(tmp_path):
    document = docx.Document()
    document.add_paragraph("日本産業規格")
    document.add_paragraph("")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "規格番号", "名称"
    table.cell(1, 0).text, table.cell(1, 1).text = "A 5308 :2024", "レディー\nミクスト"
    document.add_paragraph("鉄筋は JIS G 3112 による。")
    document.save(tmp_path / "spec.docx")
    found = list(read_chunks(tmp_path / "spec.docx", limits=LIMITS))
    assert [(str(c.location), c.text, c.table) for c in found] == [
        ("paragraph 1", "日本産業規格", None),
        ("table 1, row 1", "規格番号\t名称", "table 1"),
        ("table 1, row 2", "A 5308 :2024\tレディー ミクスト", "table 1"),
        ("paragraph 3", "鉄筋は JIS G 3112 による。", None),
    ]


def test_docx_merged_cells_count_once(tmp_path):
    document = docx.Document()
    table = document.add_table(rows=1, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "JIS A 5308"
    table.cell(0, 2).text = "備考"
    document.save(tmp_path / "merged.docx")
    assert chunks(tmp_path / "merged.docx") == [("table 1, row 1", "JIS A 5308\t備考")]


def test_xlsx_every_sheet_row_by_row(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.title = "判断の基準"
    workbook.active["A1"] = "品目"
    workbook.active["B4"] = "JIS S 1032 に\n適合"
    workbook.active["C4"] = 2016.0
    workbook.create_sheet("適用規格")["A2"] = "A 5308:2024"
    workbook.save(tmp_path / "green.xlsx")
    found = list(read_chunks(tmp_path / "green.xlsx", limits=LIMITS))
    assert [(str(c.location), c.text, c.section) for c in found] == [
        ("判断の基準, row 1", "品目", "sheet 判断の基準"),
        ("判断の基準, row 4", "\tJIS S 1032 に 適合\t2016", "sheet 判断の基準"),
        ("適用規格, row 2", "A 5308:2024", "sheet 適用規格"),
    ]


def test_html_blocks_rows_and_declared_shift_jis(tmp_path):
    page = (
        '<html><head><meta charset="Shift_JIS"><script>var x = "JIS A 1234";</script></head>\n'
        "<body><h2>主要資材</h2>\n<p>鉄筋は JIS G\n3112 による。<br>以上。</p>\n"
        "<table><tr><th>資材<th>JIS番号\n<tr><td>生コン<td>A 5308:2019</table></body></html>"
    )
    (tmp_path / "notice.html").write_bytes(page.encode("cp932"))
    assert chunks(tmp_path / "notice.html") == [
        ("line 2", "主要資材"),
        ("line 3", "鉄筋は JIS G 3112 による。\n以上。"),
        ("line 5", "資材\tJIS番号"),
        ("line 6", "生コン\tA 5308:2019"),
    ]


@pytest.mark.parametrize(
    ("data", "name"),
    [
        ("鉄筋は JIS G 3112 による。".encode(), "utf8.txt"),
        ("鉄筋は JIS G 3112 による。".encode("utf-8-sig"), "bom.txt"),
        ("鉄筋は JIS G 3112 による。".encode("cp932"), "sjis.txt"),
        ("鉄筋は JIS G 3112 による。".encode("utf-16"), "utf16.txt"),
    ],
)
def test_text_in_each_encoding(tmp_path, data, name):
    (tmp_path / name).write_bytes(data)
    assert chunks(tmp_path / name) == [("line 1", "鉄筋は JIS G 3112 による。")]


def test_text_paragraphs_start_where_they_start(tmp_path):
    (tmp_path / "spec.txt").write_text("題名\n\n\n第1条 本文\n続き\r\n\n第2条", encoding="utf-8")
    assert chunks(tmp_path / "spec.txt") == [
        ("line 1", "題名"),
        ("line 4", "第1条 本文\n続き"),
        ("line 7", "第2条"),
    ]


def test_text_without_blank_lines_is_cut_into_bounded_chunks(tmp_path):
    lines = [f"{n} JIS A 5308" for n in range(1, documents.MAX_LINES_PER_CHUNK + 11)]
    (tmp_path / "long.txt").write_text("\n".join(lines), encoding="utf-8")
    found = chunks(tmp_path / "long.txt")
    assert [location for location, _ in found] == [
        "line 1",
        f"line {documents.MAX_LINES_PER_CHUNK + 1}",
    ]
    assert "\n".join(text for _, text in found) == "\n".join(lines)


# --- documents that cannot be read --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "reason", "says"),
    [
        ("scanned.pdf", Reason.NO_TEXT_LAYER, "scanned image"),
        ("encrypted.pdf", Reason.ENCRYPTED, "password"),
        ("corrupt.pdf", Reason.CORRUPT, "damaged"),
        ("zip_bomb.docx", Reason.ARCHIVE_BOMB, "zip bomb"),
        ("undecodable.txt", Reason.ENCODING, "neither UTF-8 nor Shift_JIS"),
    ],
)
def test_unreadable_fixtures(name, reason, says):
    error = unreadable(FIXTURES / "unreadable" / name)
    assert (error.reason, says in error.message) == (reason, True), error.message


def test_too_many_bytes(tmp_path):
    (tmp_path / "big.txt").write_bytes(b"JIS A 5308\n" * 200)
    error = unreadable(tmp_path / "big.txt", Limits(max_bytes=1024, max_pages=10))
    assert (error.reason, error.message) == (
        Reason.TOO_LARGE,
        "The file is 2.1\xa0KB; the limit is 1.0\xa0KB.",
    )


def test_too_many_pages(tmp_path):
    path = text_pdf(tmp_path / "long.pdf", [["JIS A 5308"]] * 4)
    error = unreadable(path, Limits(max_bytes=LIMITS.max_bytes, max_pages=3))
    assert (error.reason, error.message) == (
        Reason.TOO_LARGE,
        "The PDF has 4 pages; the limit is 3.",
    )


def test_a_docx_that_would_inflate_past_the_limit(tmp_path):
    document = docx.Document()
    document.add_paragraph("JIS A 5308 " * 20000)  # about 200 kB of XML, ordinary compression
    document.save(tmp_path / "large.docx")
    limits = Limits(max_bytes=LIMITS.max_bytes, max_pages=10, max_uncompressed=100_000)
    error = unreadable(tmp_path / "large.docx", limits)
    assert error.reason == Reason.ARCHIVE_BOMB
    assert "; the limit is 97.7\xa0KB in 10000 parts. It may be a zip bomb." in error.message


def test_archive_is_judged_before_it_is_opened(tmp_path, monkeypatch):
    opened = []
    monkeypatch.setattr(docx, "Document", lambda *a: opened.append(a))
    unreadable(FIXTURES / "unreadable" / "zip_bomb.docx")
    assert opened == []


@pytest.mark.parametrize(
    ("name", "data", "reason", "says"),
    [
        ("fake.pdf", b"<html>not a pdf</html>", Reason.CORRUPT, "not a PDF"),
        ("fake.docx", b"plain text", Reason.CORRUPT, "no zip archive"),
        (
            "protected.xlsx",
            b"\xd0\xcf\x11\xe0" + b"\0" * 600,
            Reason.ENCRYPTED,
            "password-protected",
        ),
        ("empty.txt", b"", Reason.CORRUPT, "empty"),
        ("binary.txt", b"JIS A 5308\x00\x01\x02", Reason.CORRUPT, "binary data"),
        ("old.doc", b"\xd0\xcf\x11\xe0", Reason.UNSUPPORTED, "save the document as .docx"),
        ("old.xls", b"\xd0\xcf\x11\xe0", Reason.UNSUPPORTED, "save the document as .xlsx"),
        ("picture.jpg", b"\xff\xd8\xff", Reason.UNSUPPORTED, ".docx, .htm, .html, .pdf"),
    ],
)
def test_files_that_are_not_what_they_say(tmp_path, name, data, reason, says):
    (tmp_path / name).write_bytes(data)
    error = unreadable(tmp_path / name)
    assert (error.reason, says in error.message) == (reason, True), error.message


def test_a_zip_that_is_not_a_workbook(tmp_path):
    with zipfile.ZipFile(tmp_path / "other.xlsx", "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    error = unreadable(tmp_path / "other.xlsx")
    assert (error.reason, error.message) == (
        Reason.CORRUPT,
        "The file is a zip archive but not an Excel workbook (XLSX).",
    )


def test_a_damaged_workbook(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook><sheets><sheet")
    (tmp_path / "broken.xlsx").write_bytes(buffer.getvalue())
    error = unreadable(tmp_path / "broken.xlsx")
    assert error.reason == Reason.CORRUPT
    assert error.message.startswith("The Excel workbook is damaged and cannot be read")


def test_location_labels():
    assert [
        str(Location(page=3)),
        str(Location(sheet="一覧", row=4)),
        str(Location(table=2, row=5)),
        str(Location(paragraph=7)),
        str(Location(line=9).lines_down(2)),
    ] == ["3", "一覧, row 4", "table 2, row 5", "paragraph 7", "line 11"]
