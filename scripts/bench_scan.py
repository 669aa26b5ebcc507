"""The specification scanner's speed and memory (issue #17): a generated 300-page text PDF in Japanese,
scanned in-process — text page by page, citations, statuses — in pages per second and peak memory.
Targets: 300 pages in ≤ 3 s, peak ≤ 300 MB.

scripts/bench.py can run child_scan() in a process of its own (after its setup_django(), so the
statuses come from its database). Run alone, this file needs no database: the catalog is empty and
every citation is "unknown", which costs the same.

    .venv/bin/python scripts/bench_scan.py [PAGES]
"""

import json
import os
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = 300
# A4 set as Japanese documents usually are: 40 characters a line, 36 lines a page, 10.5 pt.
COLUMNS, LINES = 40, 36
FONT = "HeiseiMin-W3"  # an Adobe-Japan1 font every PDF reader has: nothing to embed

_BODY = [
    "{n}. 使用する材料は、JIS {a}:{y}（{t}）に適合するものとし、監督職員の承諾を受けるものとする。",
    "試験は JIS {a} に規定する方法により行い、結果を記録して監督職員に提出する。",
    "受注者は、施工計画書に基づき品質管理を行い、その記録を整備して工事完成時に提出すること。",
    "なお、同等品を用いる場合は、JIS {a} と同等以上の性能を有することを試験成績書により示す。",
    "作業は関係法令を遵守し、安全に十分配慮して行うものとする。ISO 9001 の認証は問わない。",
]
_STANDARDS = [
    ("A 5308", "レディーミクストコンクリート"),
    ("G 3112", "鉄筋コンクリート用棒鋼"),
    ("R 5210", "ポルトランドセメント"),
    ("A 6201", "コンクリート用フライアッシュ"),
    ("C 8201-2-1", "低圧開閉装置及び制御装置"),
    ("X 8341-3", "ウェブコンテンツ"),
    ("Q 15001", "個人情報保護マネジメントシステム"),
]


def _lines(page: int) -> list[str]:
    """One page of text: paragraphs citing JIS, or every tenth page a list of applied standards."""
    if page % 10 == 9:
        rows = ["付録 適用基準等一覧", "1. 日本産業規格（JIS）"]
        for i in range(LINES - 2):
            number, title = _STANDARDS[(page + i) % len(_STANDARDS)]
            rows.append(f"{number} :{2010 + i % 15} {title}")
        return rows
    text, i = "", 0
    while len(text) < LINES * COLUMNS:  # a full page: 36 lines of mostly full-width text
        number, title = _STANDARDS[(page + i) % len(_STANDARDS)]
        template = _BODY[(page + i) % len(_BODY)]
        text += template.format(n=i + 1, a=number, y=2015 + i % 10, t=title)
        i += 1
    return _wrap(text)[:LINES]


def _wrap(text: str) -> list[str]:
    lines, line, used = [], "", 0.0
    for char in text:
        width = 1.0 if unicodedata.east_asian_width(char) in "WF" else 0.5
        if used + width > COLUMNS:
            lines.append(line)
            line, used = "", 0.0
        line += char
        used += width
    return [*lines, line]


def write_specification_pdf(path: Path, pages: int = PAGES) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for page in range(pages):
        pdf.setFont(FONT, 10.5)
        for number, line in enumerate(_lines(page)):
            pdf.drawString(56, 790 - 20 * number, line)
        pdf.showPage()
    pdf.save()


def measure(path: Path, *, lookup=None) -> dict:
    """Scan `path` in this process; seconds of wall and processor time, and the process's peak
    memory (resident set), which includes Python and Django."""
    from standards.documents import Limits
    from standards.scanning import specification_scan

    options = {"lookup": lookup} if lookup else {}
    limits = Limits(max_bytes=path.stat().st_size + 1, max_pages=10 * PAGES)
    started, cpu = time.perf_counter(), time.process_time()
    scan = specification_scan(path, limits=limits, **options)
    seconds = time.perf_counter() - started
    return {
        "pages": scan.chunks,
        "seconds": round(seconds, 3),
        "cpu_seconds": round(time.process_time() - cpu, 3),
        "pages_per_second": round(scan.chunks / seconds, 1),
        "peak_mb": round(_peak_kilobytes() / 1024),
        "citations": len(scan.citations),
        "file_kb": round(path.stat().st_size / 1024),
    }


def child_scan(pages: int = PAGES) -> dict:
    """For scripts/bench.py, in a process of its own after Django is set up on its database."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "specification.pdf"
        write_specification_pdf(path, pages)
        return measure(path)


def _peak_kilobytes() -> int:
    """This process's own peak (VmHWM): ru_maxrss carries over the size of a forked parent."""
    with open("/proc/self/status") as status:
        return int(next(line.split()[1] for line in status if line.startswith("VmHWM")))


def main() -> int:
    pages = int(sys.argv[1]) if len(sys.argv) > 1 else PAGES
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jisreview.settings")
    import django

    django.setup()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "specification.pdf"
        write_specification_pdf(path, pages)
        result = measure(path, lookup=lambda numbers: {})
    print(json.dumps(result))
    print(
        f"{result['pages']} pages in {result['seconds']:.2f} s ({result['pages_per_second']:.0f} "
        f"pages/s, {result['cpu_seconds']:.2f} s of processor time); peak memory "
        f"{result['peak_mb']} MB; {result['citations']} citations",
        file=sys.stderr,
    )
    return 0 if result["seconds"] <= 3 * pages / PAGES and result["peak_mb"] <= 300 else 1


if __name__ == "__main__":
    sys.exit(main())
