"""Issue #15's import figures, on a catalog file shaped like the public JIS list
(fixtures/build_real_catalog.py: ~19,600 rows, valid and withdrawn, TS/TR, amendments, free-text
international column, no ministry column): read and import it into an empty catalog in-process,
the process's peak memory, and re-import the same file unchanged, which must write nothing.

`measure()` runs in a process already set up for Django on a migrated scratch database, as
scripts/bench.py's measurements are (it can call it as one of its children). Run this file for
these figures alone; like bench.py it makes its own database (jisreview_bench_<8 hex>) on the
server of BENCH_DATABASE_URL or DATABASE_URL and drops it at the end:

    .venv/bin/python scripts/bench_real_import.py
"""

import csv
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 3
# (figure, target, unit): the targets.
TARGETS = {
    "seconds": (2.5, "s"),
    "peak_mb": (300, "MB"),
    "reimport_seconds": (1.5, "s"),
    "reimport_writes": (0, "rows"),
    "reimport_copy_ratio": (3, "×"),  # issue #18: PostgreSQL's own COPY of the file, same run
}
CATALOG_TABLES = (
    "standards_standard",
    "standards_standard_ministries",
    "standards_standard_drafting_bodies",
    "standards_internationalcorrespondence",
    "standards_historicalstandard",
    "standards_historicalstandard_ministries",
    "standards_historicalstandard_drafting_bodies",
    "standards_historicalinternationalcorrespondence",
    "standards_draftingbody",
)
# Rows an unchanged re-import must leave as they are: history tables grow with every write.
HISTORY_TABLES = (
    "standards_historicalstandard",
    "standards_historicalstandard_ministries",
    "standards_historicalstandard_drafting_bodies",
    "standards_historicalinternationalcorrespondence",
)


def build_file(directory: Path) -> Path:
    """The catalog file, written by a process of its own so its rows do not count in our memory."""
    path = directory / "real_catalog.csv"
    generator = ROOT / "fixtures" / "build_real_catalog.py"
    subprocess.run([sys.executable, str(generator), str(path)], check=True, capture_output=True)
    return path


def _counts(cursor, tables) -> dict[str, int]:
    found = {}
    for table in tables:
        cursor.execute(f"SELECT count(*) FROM {table}")
        found[table] = cursor.fetchone()[0]
    return found


def _import(path: Path):
    from standards import selectors, services

    report = selectors.catalog_read(path.read_bytes(), filename=path.name)
    result = services.standards_import(
        records=report.records,
        columns=report.columns,
        amendments=report.amendments,
        reason="bench",
        number_column=report.headers["number"],
    )
    return report, result


def measure(path: Path | None = None) -> dict:
    """Import the file RUNS times into an emptied catalog (median and slowest), then once more
    unchanged: its time, and the rows it wrote (history rows and standards updated)."""
    import resource

    from bench import copy_seconds
    from django.db import connection

    with tempfile.TemporaryDirectory() as directory:
        path = path or build_file(Path(directory))
        copy = copy_seconds(path, RUNS)
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = sum(1 for _row in csv.reader(handle)) - 1  # the header
        timings = []
        for _ in range(RUNS):
            with connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {', '.join(CATALOG_TABLES)} RESTART IDENTITY CASCADE")
            started = time.perf_counter()
            report, result = _import(path)
            timings.append(time.perf_counter() - started)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        with connection.cursor() as cursor:
            before = _counts(cursor, HISTORY_TABLES)
            cursor.execute("SELECT max(updated_at) FROM standards_standard")
            (last_update,) = cursor.fetchone()
        started = time.perf_counter()
        _again, unchanged = _import(path)
        reimport_seconds = time.perf_counter() - started
        with connection.cursor() as cursor:
            after = _counts(cursor, HISTORY_TABLES)
            cursor.execute(
                "SELECT count(*) FROM standards_standard WHERE updated_at > %s", [last_update]
            )
            (touched,) = cursor.fetchone()
    return {
        "runs": RUNS,
        "rows": rows,
        "created": len(result.created),
        "withdrawn": sum(r.status == "withdrawn" for r in report.records),
        "not_planned": result.not_planned,
        "amendments": result.amendments,
        "warnings": report.warning_count + len(result.warnings),
        "rejected": len(report.rejected),
        "seconds": statistics.median(timings),
        "worst_seconds": max(timings),
        "peak_mb": peak_mb,
        "reimport_seconds": reimport_seconds,
        "reimport_unchanged": unchanged.unchanged,
        "reimport_writes": sum(after.values()) - sum(before.values()) + touched,
        "copy_seconds": copy,
        "reimport_copy_ratio": reimport_seconds / copy,
    }


def report(figures: dict) -> int:
    """Print the figures beside their targets; 1 when one misses."""
    print(
        f"real-shaped catalog: {figures['rows']} rows, {figures['created']} standards created "
        f"({figures['withdrawn']} withdrawn, {figures['not_planned']} TS/TR not planned), "
        f"{figures['amendments']} amendments, {figures['warnings']} warnings, "
        f"{figures['rejected']} rejected"
    )
    missed = 0
    for name, (target, unit) in TARGETS.items():
        value, met = figures[name], figures[name] <= target
        missed += not met
        print(f"  {name:<18} {value:>8.2f} {unit:<4} (target ≤ {target}) {'yes' if met else 'NO'}")
    print(
        f"  {'worst_seconds':<18} {figures['worst_seconds']:>8.2f} s    (of {figures['runs']} runs)"
    )
    print(f"  {'copy_seconds':<18} {figures['copy_seconds']:>8.3f} s    (COPY of the same file)")
    return 1 if missed else 0


def child_real_import() -> dict:
    """For scripts/bench.py, in a process of its own on its migrated database. It empties the
    catalog (and everything that refers to it): bench.py runs it last."""
    return measure()


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "scripts"))
    from bench import run_alone

    sys.exit(run_alone(__file__, measure, report))
