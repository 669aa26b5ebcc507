"""The benchmark and load scripts: they stop, restart and drop only what they made themselves, and
`make bench` fails when a figure misses its target."""

import copy
import importlib
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from scripts.local_services import NotOurs, PrivatePostgres, ScratchDatabases

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"


@pytest.fixture
def bench(monkeypatch):
    """scripts/bench.py as a module; it imports its neighbours in scripts/ as top-level modules."""
    monkeypatch.syspath_prepend(str(SCRIPTS))
    return importlib.import_module("bench")


def databases_on(url: str) -> set[str]:
    with psycopg.connect(url, autocommit=True) as conn:
        return {row[0] for row in conn.execute("SELECT datname FROM pg_database")}


@pytest.mark.postgres
def test_a_run_drops_only_the_databases_it_created():
    # On a private server, so that even a broken refusal cannot touch a real database.
    with PrivatePostgres() as server:
        with psycopg.connect(server.url(), autocommit=True) as conn:
            conn.execute("CREATE DATABASE someone_elses")
            conn.execute("CREATE DATABASE jisreview_bench_0badf00d")  # looks generated, is not ours
        run = ScratchDatabases(server.url(), prefix="jisreview_bench")
        ours = run.create().rsplit("/", 1)[1]
        assert ScratchDatabases.generated(ours, "jisreview_bench")

        for name in ("someone_elses", "jisreview_bench_0badf00d", "postgres"):
            with pytest.raises(NotOurs, match=f"refusing to drop database '{name}'"):
                run.drop(name)
        run.drop_all()

        left = databases_on(server.url())
        assert {"someone_elses", "jisreview_bench_0badf00d", "postgres"} <= left
        assert ours not in left


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_private_postgres_restarts_without_touching_the_machines_and_leaves_nothing_behind():
    def machine_started():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_postmaster_start_time()")
            return cursor.fetchone()[0]

    machine_before = machine_started()
    with PrivatePostgres() as server:
        directory = server.directory
        url = ScratchDatabases(server.url(), prefix="jisreview_test").create()
        held = psycopg.connect(url, autocommit=True)
        server.restart()
        with pytest.raises(psycopg.OperationalError):
            held.execute("SELECT 1")  # the restart cut this server's connections…
        with psycopg.connect(url) as again:  # …and it answers again at once
            assert again.execute("SELECT 1").fetchone() == (1,)
    assert machine_started() == machine_before
    assert not directory.exists() and not server.answers()


def test_a_measurement_refuses_a_database_the_bench_did_not_make():
    # Nothing listens on port 1: should the refusal go, the child fails for another reason.
    environment = {**os.environ, "DATABASE_URL": "postgres://postgres@127.0.0.1:1/jisreview"}
    child = subprocess.run(
        [sys.executable, str(SCRIPTS / "bench.py"), "child", "import"],
        env=environment,
        capture_output=True,
        text=True,
    )
    assert child.returncode != 0
    assert "refusing to measure on database 'jisreview'" in child.stderr


def test_a_ceiling_is_printed_and_checked_from_one_number(bench):
    figure = bench.at_most("import", "import.seconds", 1.5, "s")
    assert figure.target == "≤ 1.5 s"
    assert figure.shown({"import": {"seconds": 1.5}}) == "1.50 s"
    assert figure.met({"import": {"seconds": 1.5}})
    assert not figure.met({"import": {"seconds": 1.51}})


def passing_results() -> dict:
    """Results of every measurement the table reads, each within its target."""
    load_run = {"errors": 0, "lost": 0, "duplicated": 0, "tracebacks": 0}
    return {
        "migrate": {},
        "import": {
            **{"runs": 3, "rows": 11000, "seconds": 1.0, "worst_seconds": 1.1},
            **{"peak_mb": 200, "reimport_seconds": 0.4},
            **{"copy_seconds": 0.05, "copy_ratio": 8.0, "reimport_copy_ratio": 4.0},
        },
        "catalog_api": {"median_ms": 20.0, "p95_ms": 30.0, "queries": 3},
        "plan": {"solve_seconds": 0.5, "plan_seconds": 0.8, "replan_seconds": 0.7, "moved": 12},
        "plan_screen": {"median_ms": 90.0},
        "survey_pages": {"assignments": 40, "list_ms": 30.0, "form_ms": 40.0},
        "sweep": {"seconds": 0.5, "open": 2000, "digests": 40, "queries": 9},
        "ministry": {
            **{"outcomes": 2000, "list_ms": 20.0, "list_queries": 4, "usable_ms": 20.0},
            **{"usable_queries": 4, "screen_ms": 60.0, "progress_ms": 10.0, "progress_queries": 3},
            **{
                "progress_all_ms": 15.0,
                "dashboard_ms": 50.0,
                "csv_s": 0.4,
                "csv_mb": 3.2,
                "csv_first_s": 0.6,
            },
            **{
                "csv_peak_mb": 2,
                "xlsx_s": 1.5,
                "xlsx_mb": 1.8,
                "xlsx_peak_mb": 30,
                "xlsx_first_s": 2.1,
            },
            **{"survey_csv_s": 1.2, "survey_xlsx_s": 3.5},
        },
        "import_updates": {
            **{"seconds": 2.0, "updated": 3000, "withdrawn": 1000, "assignments_withdrawn": 900},
            **{"on_worker": True, "followers_seconds": 9.0},
        },
        "international": {
            **{"rows": 100000, "file_mb": 38.8, "import_seconds": 4.0, "read_seconds": 2.0},
            **{"updated": 10000, "reimport_seconds": 3.0, "alignments": 4063},
            "recompute_seconds": 1.0,
        },
        "scan": {"pages": 300, "seconds": 2.0, "pages_per_second": 150.0, "peak_mb": 120},
        "xlsx_scan": {
            **{"slowest_refusal_seconds": 0.3, "peak_mb": 120, "real_sheet_mb": 16.6},
            "scan_share_percent": 2.3,
        },
        "specifications": {
            **{"pages": 300, "citations_stored": 5610, "scan_and_store_seconds": 4.0},
            "duplicate_seconds": 0.002,
        },
        "reads": {
            "catalog": {"median_ms": 10.0, "p95_ms": 30.0, "queries": 5},
            "priorities": {"median_ms": 10.0, "p95_ms": 30.0, "queries": 5},
            "progress": {"median_ms": 10.0, "p95_ms": 30.0, "queries": 5},
            "progress_all": {"median_ms": 10.0, "p95_ms": 30.0, "queries": 5},
            "plan_summary": {"median_ms": 10.0, "p95_ms": 30.0, "queries": 5},
        },
        "precheck": {
            **{"fiscal_year": 2026, "standards": 2310, "marks": 50, "runs": 3, "seconds": 0.8},
            **{"batches": 82, "create_seconds": 2.3},
        },
        "roster": {"people": 2000, "runs": 3, "seconds": 1.0, "reimport_seconds": 0.8},
        "invitations": {"people": 2000, "seconds": 1.0},
        "real_import": {
            **{"runs": 3, "rows": 19642, "seconds": 2.0, "worst_seconds": 2.2, "peak_mb": 220},
            **{"reimport_seconds": 0.9, "reimport_writes": 0, "copy_seconds": 0.1},
            "reimport_copy_ratio": 2.5,
        },
        "real_plan": {
            **{"standards": 10670, "plan_seconds": 0.4},
            **{"late": 1566, "min_on_time_capacity": 3876},
        },
        "load": {
            "config": {"clients": 20, "seconds": 30.0, "gunicorn": "3 workers × 4 threads"},
            "steady": {
                **load_run,
                "servers_rps_on_two_cores": 250.0,
                "rps": 300.0,
                "p50_ms": 20.0,
                "p95_ms": 60.0,
                "p99_ms": 90.0,
            },
            "pg-restart": {
                **load_run,
                **{"errors": 12, "clean_failures": 12, "missing_retry_after": 0},
                **{"error_window_s": 1.5, "answered_after_restart": True},
            },
            "redis-down": {
                **load_run,
                **{"down_s": 12.0, "submits_during_outage": 30, "errors_during_outage": 0},
                **{"before_outage_p95_ms": 60.0, "outage_p95_ms": 70.0},
                **{"healthz_during_outage": ["503 broker=unreachable"], "healthz_max_ms": 1010.0},
                **{"reminder_rows": 25, "enqueued_while_down": 0, "enqueue_ms_while_down": 40.0},
                **{"pending_after_sweep": 25, "mails": 25, "mails_twice": 0},
                "reminders": {"sent": 25, "pending": 0},
            },
        },
    }


@pytest.mark.parametrize(
    ("measurement", "key", "value", "row"),
    [
        (None, None, None, None),
        ("import", "seconds", 1.6, "#2 import 11,000-row demo CSV (in-process, median of 3)"),
        ("catalog_api", "queries", 6, "#2 SQL queries per catalog API request"),
        ("import", "copy_ratio", 12.0, "#18 demo import ÷ COPY of the same file"),
        ("import_updates", "seconds", 31.0, "#12 import form, 3000 standards updated"),
        ("international", "import_seconds", 5.5, "#19 import 100000 international rows"),
        ("scan", "peak_mb", 400, "#17   peak memory (process)"),
        ("real_import", "reimport_writes", 1, "#15   rows written by that re-import"),
        ("real_import", "reimport_copy_ratio", 3.5, "#18 unchanged re-import ÷ COPY"),
        ("precheck", "seconds", 2.1, "#16 route FY2026 (2310 standards) after the pre-check"),
        ("reads.priorities", "median_ms", 25.0, "#18 METI priority list over HTTP, median"),
        ("xlsx_scan", "slowest_refusal_seconds", 2.5, "#12 hostile XLSX"),
        ("roster", "seconds", 2.5, "#16 import a roster of 2000 people (median of 3)"),
        ("invitations", "seconds", 6.0, "#16 invitation sweep, 2000 people"),
        ("real_plan", "plan_seconds", 1.5, "#15 plan the real-shaped catalog (10670 standards"),
        ("plan", "replan_seconds", 1.2, "#3 re-plan after 200 changes (solve + write)"),
        ("ministry", "xlsx_s", 2.5, "#18   the same XLSX, against #18's target"),
        ("ministry", "csv_s", 0.6, "#18   the same CSV, against #18's target"),
        ("load.steady", "servers_rps_on_two_cores", 95.0, "#18   what the servers could answer"),
        ("load.steady", "lost", 1, "#7   lost / duplicated answers (counted in the database)"),
        ("load.pg-restart", "tracebacks", 1, "#7 PostgreSQL restarted mid-load: failed requests"),
        ("load.pg-restart", "answered_after_restart", False, "#7   requests failed for"),
        ("load.redis-down", "healthz_max_ms", 2500.0, "#7   /healthz during the outage"),
        ("load.redis-down", "mails_twice", 1, "#7   reminders sent by the worker"),
    ],
)
def test_bench_exits_non_zero_when_a_figure_misses_its_target(
    bench, capsys, measurement, key, value, row
):
    results = copy.deepcopy(passing_results())
    if measurement:
        where = results
        for part in measurement.split("."):
            where = where[part]
        where[key] = value

    status = bench.report(results)

    table = capsys.readouterr().out
    missed = [line for line in table.splitlines() if line.endswith("  NO")]
    if row is None:
        assert status == 0 and missed == []
    else:
        assert status == 1
        assert len(missed) == 1 and missed[0].startswith(row)


def test_every_measurement_is_found_and_the_one_that_empties_the_catalog_runs_last(bench):
    assert all(callable(bench.child(name)) for name in bench.CHILDREN)
    # the real catalog replaces the demo one: only what plans the real catalog comes after it
    assert list(bench.CHILDREN)[-2:] == ["real_import", "real_plan"]


def test_bench_says_by_how_much_a_target_is_missed(bench, capsys):
    results = copy.deepcopy(passing_results())
    results["import"]["copy_ratio"] = 25.0
    results["load"]["steady"]["servers_rps_on_two_cores"] = 150.0
    assert bench.report(results) == 1
    out = capsys.readouterr().out
    assert "#18 demo import ÷ COPY of the same file: over by 15.0 × (2.5× the target)" in out
    assert "what the servers could answer on two cores of their own" in out
    assert "short by 50 req/s (75% of the target)" in out
