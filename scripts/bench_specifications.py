"""A specification kept and scanned as an upload is (issue #17): the worker's step — the stored
file written to a temporary file, scanned page by page, every citation written with its status — on
the generated 300-page text PDF of bench_scan.py, in seconds, pages per second, citations written
and the process's peak memory. Then the same file uploaded again: answered by the document kept.

scripts/bench.py can run child_specifications() in a process of its own after setup_django() (its
database, migrated). Run alone, it makes a throw-away SQLite database of its own, or migrates and
uses the one BENCH_DATABASE_URL names:

    [BENCH_DATABASE_URL=postgres://…/scratch] .venv/bin/python scripts/bench_specifications.py [PAGES]
"""

import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.bench_scan import PAGES, _peak_kilobytes, write_specification_pdf  # noqa: E402


def child_specifications(pages: int = PAGES) -> dict:
    from standards.models import Ministry
    from standards.specifications import services
    from standards.specifications.models import SpecificationDocument

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "specification.pdf"
        write_specification_pdf(path, pages)
        content = path.read_bytes()
    ministry = Ministry.objects.get(code="METI")
    SpecificationDocument.objects.filter(
        ministry=ministry, content_hash=services.content_hash(content)
    ).delete()
    started = time.perf_counter()
    document, _new = services.specification_upload(
        ministry=ministry, file_name="specification.pdf", content=content
    )
    uploaded = time.perf_counter()
    scanned = services.specification_scan_run(document_id=document.pk)
    finished = time.perf_counter()
    _again, created = services.specification_upload(
        ministry=ministry, file_name="again.pdf", content=content
    )
    duplicate = time.perf_counter() - finished
    citations = scanned.citations.count()
    scanned.delete()
    seconds = finished - uploaded
    return {
        "pages": scanned.pages,
        "state": scanned.state,
        "upload_seconds": round(uploaded - started, 3),
        "scan_and_store_seconds": round(seconds, 3),
        "pages_per_second": round(scanned.pages / seconds, 1),
        "citations_stored": citations,
        "duplicate_kept_twice": created,
        "duplicate_seconds": round(duplicate, 3),
        "peak_mb": round(_peak_kilobytes() / 1024),
        "file_kb": round(len(content) / 1024),
    }


def main() -> int:
    pages = int(sys.argv[1]) if len(sys.argv) > 1 else PAGES
    with tempfile.TemporaryDirectory() as folder:
        # a database of its own unless one is named (BENCH_DATABASE_URL: PostgreSQL, as deployed)
        os.environ["DATABASE_URL"] = os.environ.get(
            "BENCH_DATABASE_URL", f"sqlite:///{folder}/bench.sqlite3"
        )
        os.environ.setdefault("DJANGO_DEBUG", "1")
        os.environ.setdefault("JISREVIEW_VAR_DIR", folder)
        os.environ["DJANGO_SETTINGS_MODULE"] = "jisreview.settings"
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        result = child_specifications(pages)
    print(json.dumps(result))
    print(
        f"{result['pages']} pages scanned and {result['citations_stored']} citations stored in "
        f"{result['scan_and_store_seconds']:.2f} s ({result['pages_per_second']:.0f} pages/s); "
        f"peak memory {result['peak_mb']} MB",
        file=sys.stderr,
    )
    ok = result["state"] == "done" and not result["duplicate_kept_twice"]
    return 0 if ok and result["peak_mb"] <= 300 else 1


if __name__ == "__main__":
    sys.exit(main())
