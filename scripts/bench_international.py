"""The international data import's speed (issue #19): 100,000 editions in ISO's open data format
(JSON lines, with titles as the real file has them) read, checked and written into an empty table,
then imported again with a tenth of them changed; and the recompute of every standard's alignment.
Target: 100,000 rows in ≤ 5 s.

scripts/bench.py runs child_international() in a process of its own after its setup_django().
Run alone, it measures on the configured database inside a transaction that is rolled back, so
it leaves nothing behind:

    DATABASE_URL=postgres://…/db .venv/bin/python scripts/bench_international.py [ROWS]
"""

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROWS = 100_000


def iso_lines(rows: int, *, changed_every: int = 0) -> bytes:
    """`rows` deliverables: documents of three editions each (two withdrawn, replaced by the next,
    and the current one). With `changed_every`, every so many rows has another publication date."""
    lines = []
    for n in range(rows):
        document, edition = 1000 + n // 3, n % 3
        year = 1990 + 10 * edition + document % 7
        day = 10 + (n % changed_every == 0 if changed_every else 0)
        record = {
            "id": n + 1,
            "deliverableType": "IS",
            "supplementType": None,
            "reference": f"ISO {document}-{1 + document % 4}:{year}",
            "publicationDate": f"{year}-03-{day:02d}",
            "edition": edition + 1,
            "icsCode": ["25.160.20"],
            "ownerCommittee": "ISO/TC 44/SC 3",
            "currentStage": 6060 if edition == 2 else 9599,
            "replaces": [n] if edition else [],
            "replacedBy": [n + 2] if edition < 2 else [],
            "languages": ["en", "fr"],
            "pages": {"en": 29},
            "title": {
                "en": "Welding consumables — Covered electrodes for manual metal arc welding"
            },
        }
        lines.append(json.dumps(record, ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode("utf-8")


def measure(rows: int = ROWS) -> dict:
    from django.db import connection, transaction

    from standards.alignment import selectors, services

    first, again = iso_lines(rows), iso_lines(rows, changed_every=10)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM standards_internationalstandard")
        started, cpu = time.perf_counter(), time.process_time()
        report = selectors.international_read(first, filename="iso.jsonl")
        read_seconds = time.perf_counter() - started
        created = services.international_import(records=report.records)
        import_seconds = time.perf_counter() - started
        import_cpu_seconds = time.process_time() - cpu
        started = time.perf_counter()
        report = selectors.international_read(again, filename="iso.jsonl")
        updated = services.international_import(records=report.records)
        reimport_seconds = time.perf_counter() - started
        started = time.perf_counter()
        alignments = services.alignments_recompute()
        recompute_seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return {
        "rows": rows,
        "file_mb": round(len(first) / 1_048_576, 1),
        "read_seconds": round(read_seconds, 2),
        "import_seconds": round(import_seconds, 2),
        # this process's processor time: on a shared machine, wall time also counts the waits
        "import_cpu_seconds": round(import_cpu_seconds, 2),
        "created": len(created.created),
        "reimport_seconds": round(reimport_seconds, 2),
        "updated": len(updated.updated),
        "recompute_seconds": round(recompute_seconds, 2),
        "alignments": alignments,
        "errors": report.problem_count,
    }


def child_international() -> dict:
    """For scripts/bench.py, in a process of its own after Django is set up on its database."""
    return measure()


def main() -> int:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else ROWS
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jisreview.settings")
    import django

    django.setup()
    result = measure(rows)
    print(json.dumps(result))
    print(
        f"{result['rows']} editions ({result['file_mb']} MB): imported in "
        f"{result['import_seconds']:.2f} s (reading {result['read_seconds']:.2f} s; "
        f"{result['import_cpu_seconds']:.2f} s of processor time), re-imported "
        f"with {result['updated']} changed in {result['reimport_seconds']:.2f} s; "
        f"{result['alignments']} alignments recomputed in {result['recompute_seconds']:.2f} s"
    )
    return 0 if result["import_seconds"] <= 5 else 1


if __name__ == "__main__":
    sys.exit(main())
