"""`make bench`: every speed figure the issues ask for, measured on PostgreSQL, beside its target.

Uses its own database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/jisreview_bench),
rebuilt on each run, and the demo catalog in fixtures/.
"""

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/jisreview_bench"
)


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = BENCH_DB
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("JISREVIEW_VAR_DIR", str(ROOT / "var" / "bench"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "jisreview.settings"
    import django

    django.setup()


def recreate_database() -> None:
    import psycopg

    name = BENCH_DB.rsplit("/", 1)[1]
    admin_url = BENCH_DB.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    subprocess.run([sys.executable, __file__, "child", "migrate"], check=True)


def child_migrate() -> dict:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return {}


def child_import() -> dict:
    """Import the demo CSV into an empty catalog, in-process; report time and peak memory."""
    import resource

    from standards import selectors, services

    path = ROOT / "fixtures" / "demo_catalog.csv"
    started = time.perf_counter()
    report = selectors.catalog_read(path.read_bytes(), filename=path.name)
    result = services.standards_import(
        records=report.records, columns=report.columns, reason="bench"
    )
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    again = time.perf_counter()
    services.standards_import(records=report.records, columns=report.columns, reason="bench")
    return {
        "rows": len(report.records),
        "created": len(result.created),
        "seconds": elapsed,
        "peak_mb": peak_mb,
        "reimport_seconds": time.perf_counter() - again,
    }


def child_catalog_api() -> dict:
    """Median latency of a catalog API page of 50 with a filter and a search, token-authenticated."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from rest_framework.authtoken.models import Token

    user, _ = get_user_model().objects.get_or_create(username="bench-reader")
    token, _ = Token.objects.get_or_create(user=user)
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_HOST="127.0.0.1")
    url = "/api/standards/?page_size=50&division=K&q=試験&ordering=-review_due_on"
    for _ in range(10):
        assert client.get(url).status_code == 200
    timings = []
    for _ in range(200):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return {
        "median_ms": statistics.median(timings),
        "p95_ms": sorted(timings)[189],
        "queries": len(queries),
    }


CHILDREN = {"migrate": child_migrate, "import": child_import, "catalog_api": child_catalog_api}


def run_child(name: str) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "child", name], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    recreate_database()
    imported = run_child("import")
    api = run_child("catalog_api")
    rows = [
        (
            "#2 import 11,000-row demo CSV (in-process)",
            f"{imported['seconds']:.2f} s",
            "≤ 1.5 s",
            imported["seconds"] <= 1.5,
        ),
        (
            "#2 import peak memory (process RSS)",
            f"{imported['peak_mb']:.0f} MB",
            "≤ 250 MB",
            imported["peak_mb"] <= 250,
        ),
        (
            "#2 re-import unchanged demo CSV (writes only)",
            f"{imported['reimport_seconds']:.2f} s",
            "—",
            True,
        ),
        (
            "#2 catalog API page of 50, filter + search, median",
            f"{api['median_ms']:.1f} ms",
            "≤ 50 ms",
            api["median_ms"] <= 50,
        ),
        ("#2 catalog API page, p95", f"{api['p95_ms']:.1f} ms", "—", True),
        ("#2 SQL queries per catalog API request", str(api["queries"]), "≤ 5", api["queries"] <= 5),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"\n{'benchmark':<{width}}  {'measured':>10}  {'target':>10}  ok")
    print("-" * (width + 30))
    for label, measured, target, ok in rows:
        print(f"{label:<{width}}  {measured:>10}  {target:>10}  {'yes' if ok else 'NO'}")
    print(f"\n({imported['rows']} rows; PostgreSQL at {BENCH_DB.split('@')[-1]})")


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "child":
        setup_django()
        print(json.dumps(CHILDREN[sys.argv[2]]()))
    else:
        main()
