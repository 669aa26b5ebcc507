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


IMPORT_RUNS = 3
CATALOG_TABLES = (
    "standards_standard",
    "standards_standard_ministries",
    "standards_internationalcorrespondence",
    "standards_historicalstandard",
    "standards_historicalstandard_ministries",
    "standards_historicalinternationalcorrespondence",
    "standards_draftingbody",
)


def child_import() -> dict:
    """Import the demo CSV into an empty catalog, in-process, IMPORT_RUNS times (emptying the catalog
    in between); report the median time and the process's peak memory."""
    import resource

    from django.db import connection

    from standards import selectors, services

    path = ROOT / "fixtures" / "demo_catalog.csv"
    timings = []
    for _ in range(IMPORT_RUNS):
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(CATALOG_TABLES)} RESTART IDENTITY CASCADE")
        started = time.perf_counter()
        report = selectors.catalog_read(path.read_bytes(), filename=path.name)
        result = services.standards_import(
            records=report.records, columns=report.columns, reason="bench"
        )
        timings.append(time.perf_counter() - started)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    again = time.perf_counter()
    services.standards_import(records=report.records, columns=report.columns, reason="bench")
    return {
        "rows": len(report.records),
        "created": len(result.created),
        "seconds": statistics.median(timings),
        "worst_seconds": max(timings),
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

    _analyze()
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


def child_plan() -> dict:
    """Plan the demo catalog from scratch, then re-plan after 200 catalog changes."""
    import datetime as dt

    from reviews import planning, selectors, services
    from standards.models import Standard

    today = dt.date(2026, 11, 28)
    programme = services.programme_get_or_create(start_fy=2026, years=5, capacity=2200)
    locked = selectors.locked_years(programme, today)
    items, _ = selectors.planning_items(programme, locked)
    problem = planning.Problem(2026, 5, programme.capacity_limit, items, locked)
    started = time.perf_counter()
    planning.solve(problem)
    solve_seconds = time.perf_counter() - started
    started = time.perf_counter()
    services.programme_plan(programme=programme, today=today)
    plan_seconds = time.perf_counter() - started
    _change_200_standards(Standard)
    started = time.perf_counter()
    outcome = services.programme_plan(programme=programme, today=today)
    replan_seconds = time.perf_counter() - started
    return {
        "solve_seconds": solve_seconds,
        "plan_seconds": plan_seconds,
        "replan_seconds": replan_seconds,
        "moved": len(outcome.moved),
        "created": outcome.created,
        "removed": len(outcome.removed),
    }


def _change_200_standards(Standard) -> None:
    """50 withdrawn, 50 new, 100 re-dated: a busy month in the catalog."""
    import datetime as dt

    from standards.models import Ministry

    active = list(Standard.objects.filter(status="active").order_by("number"))
    for standard in active[100:5100:100]:
        standard.status = "withdrawn"
        standard.save()
    for standard in active[150:10150:100]:
        standard.revised_on = dt.date(2024, 6, 1)
        standard.save()
    meti = Ministry.objects.get(code="METI")
    taken = set(Standard.objects.values_list("number", flat=True))
    free = [n for n in (f"JIS Y {9000 + i}" for i in range(1000)) if n not in taken][:50]
    for index, number in enumerate(free):
        standard = Standard.objects.create(
            number=number, title_ja=f"新規規格{index}", established_on=dt.date(2023, 4, 1)
        )
        standard.ministries.add(meti)


def child_plan_screen() -> dict:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    user, _ = get_user_model().objects.get_or_create(username="bench-coordinator")
    user.groups.add(Group.objects.get(name="coordinator"))
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return {"median_ms": _median_ms(client, "/reviews/plan/")}


def _median_ms(client, url: str, runs: int = 50) -> float:
    for _ in range(5):
        assert client.get(url).status_code == 200
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        assert client.get(url).status_code == 200
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def child_survey_pages() -> dict:
    """The demo's FY2026 survey, then reviewer1's assignment list and one questionnaire page."""
    import datetime as dt

    from django.test import Client

    from reviews import demo
    from reviews.models import Assignment

    demo.demo_users_create("bench-password-not-used-elsewhere")
    demo.demo_survey_create(today=dt.date(2026, 11, 28))
    _analyze()
    assignment = Assignment.objects.filter(
        reviewer__username="reviewer1", state="in_progress"
    ).first()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(assignment.reviewer)
    return {
        "assignments": Assignment.objects.filter(reviewer=assignment.reviewer).count(),
        "list_ms": _median_ms(client, "/reviews/assignments/"),
        "form_ms": _median_ms(client, f"/reviews/assignments/{assignment.pk}/"),
    }


def child_sweep() -> dict:
    """The reminder sweep with every FY2026 assignment open (the demo's batches)."""
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reviews import reminders
    from reviews.models import Assignment, Reminder

    Assignment.objects.filter(fiscal_year=2026).update(state="assigned")
    due = Assignment.objects.order_by("due_on").values_list("due_on", flat=True).last()
    day = due - dt.timedelta(days=7)
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    Reminder.objects.filter(date=day).delete()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        rows = reminders.reminders_sweep(today=day, enqueue=False)
    return {
        "seconds": time.perf_counter() - started,
        "open": Assignment.objects.filter(state="assigned").count(),
        "digests": len(rows),
        "queries": len(queries),
    }


def _analyze() -> None:
    """Refresh the planner's statistics after a bulk load, as autovacuum would within a minute."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _a_year_of_responses() -> int:
    """Every FY2026 assignment answered and accepted (bench data only: written in bulk)."""
    import random

    from django.utils import timezone

    from reviews import demo, services
    from reviews.models import Assignment, Response, StandardOutcome

    rng = random.Random(7)
    definition = services.questionnaire_current().definition
    coordinator = Assignment.objects.first().batch.coordinator
    open_ones = list(
        Assignment.objects.filter(fiscal_year=2026).exclude(state__in=["accepted", "withdrawn"])
    )
    Response.objects.filter(assignment__in=open_ones).delete()
    responses = Response.objects.bulk_create(
        Response(assignment=a, answers=demo._demo_answers(rng, definition), version=1)
        for a in open_ones
    )
    now = timezone.now()
    StandardOutcome.objects.bulk_create(
        StandardOutcome(
            standard_id=r.assignment.standard_id,
            response=r,
            accepted_at=now,
            accepted_by=coordinator,
            **services.outcome_from_answers(r.answers),
        )
        for r in responses
    )
    Assignment.objects.filter(pk__in=[a.pk for a in open_ones]).update(state="accepted")
    services.priorities_recompute(today=timezone.localdate())
    _analyze()
    return StandardOutcome.objects.count()


def _token_client(username: str):
    from django.contrib.auth import get_user_model
    from django.test import Client
    from rest_framework.authtoken.models import Token

    token, _ = Token.objects.get_or_create(user=get_user_model().objects.get(username=username))
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_HOST="127.0.0.1")


def _queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _download(client, url: str) -> tuple[float, int, float]:
    """Seconds to stream the whole file, its size, and the peak Python memory while doing so."""
    import tracemalloc

    started = time.perf_counter()
    response = client.get(url)
    size = sum(len(chunk) for chunk in response.streaming_content)
    seconds = time.perf_counter() - started
    tracemalloc.start()
    response = client.get(url)
    for _chunk in response.streaming_content:
        pass
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return seconds, size, peak / 1e6


def child_ministry() -> dict:
    """Issue 6 with a year of accepted responses: METI's priority list, the progress report, the
    dashboard, and exports of the whole catalog."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from reviews.models import StandardPriority

    outcomes = _a_year_of_responses()
    meti = _token_client("meti")
    coordinator = _token_client("coordinator")
    priorities = "/api/priorities/?page_size=50"
    usable = priorities + "&usability=usable&usability=with_conditions"
    progress = "/api/reports/progress/"
    page = Client(HTTP_HOST="127.0.0.1")
    page.force_login(get_user_model().objects.get(username="meti"))
    csv_s, csv_bytes, csv_mb = _download(coordinator, "/api/standards/?format=csv")
    xlsx_s, xlsx_bytes, xlsx_mb = _download(coordinator, "/api/standards/?format=xlsx")
    survey_csv_s, _size, _mb = _download(coordinator, "/api/priorities/?priority=&format=csv")
    survey_xlsx_s, _size, _mb = _download(coordinator, "/api/priorities/?priority=&format=xlsx")
    return {
        "outcomes": outcomes,
        "priorities": StandardPriority.objects.filter(is_priority=True).count(),
        "list_ms": _median_ms(meti, priorities),
        "list_queries": _queries(meti, priorities),
        "usable_ms": _median_ms(meti, usable),
        "usable_queries": _queries(meti, usable),
        "screen_ms": _median_ms(page, "/reviews/priorities/?usability=usable"),
        "progress_ms": _median_ms(meti, progress),
        "progress_queries": _queries(meti, progress),
        "progress_all_ms": _median_ms(coordinator, progress),
        "dashboard_ms": _median_ms(page, "/reviews/dashboard/"),
        "csv_s": csv_s,
        "csv_mb": csv_bytes / 1e6,
        "csv_peak_mb": csv_mb,
        "xlsx_s": xlsx_s,
        "xlsx_mb": xlsx_bytes / 1e6,
        "xlsx_peak_mb": xlsx_mb,
        "survey_csv_s": survey_csv_s,
        "survey_xlsx_s": survey_xlsx_s,
    }


CHILDREN = {
    "ministry": child_ministry,
    "sweep": child_sweep,
    "survey_pages": child_survey_pages,
    "migrate": child_migrate,
    "import": child_import,
    "catalog_api": child_catalog_api,
    "plan": child_plan,
    "plan_screen": child_plan_screen,
}


def run_child(name: str) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "child", name], capture_output=True, text=True
    )
    if result.returncode != 0:
        sys.exit(f"benchmark {name} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def run_load() -> dict:
    """scripts/load.py in its own process: gunicorn under load, then PostgreSQL and Redis outages."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "load.py"), "--json"],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        sys.exit(f"benchmark load failed:\n{result.stderr[-5000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def load_rows(load: dict) -> list[tuple[str, str, str, bool]]:
    config, steady = load["config"], load["steady"]
    rows = [
        (
            f"#7 load: {config['clients']} reviewers for {config['seconds']:.0f} s, gunicorn "
            f"{config['gunicorn']}: throughput",
            f"{steady['rps']:.0f} req/s",
            "as measured",
            True,
        ),
        (
            "#7   latency p50 / p95 / p99",
            f"{steady['p50_ms']:.0f} / {steady['p95_ms']:.0f} / {steady['p99_ms']:.0f} ms",
            "as measured",
            True,
        ),
        ("#7   failed requests", str(steady["errors"]), "no errors", steady["errors"] == 0),
        _lost_row("#7   lost / duplicated answers (counted in the database)", steady),
    ]
    return rows + _pg_restart_rows(load["pg-restart"]) + _redis_down_rows(load["redis-down"])


def _lost_row(label: str, run: dict) -> tuple[str, str, str, bool]:
    return (
        label,
        f"{run['lost']} / {run['duplicated']}",
        "0 lost / 0 duplicated",
        run["lost"] == 0 and run["duplicated"] == 0,
    )


def _pg_restart_rows(run: dict) -> list[tuple[str, str, str, bool]]:
    if "skipped" in run:
        return [("#7 PostgreSQL restarted mid-load", "skipped", run["skipped"], False)]
    clean = run["clean_failures"] == run["errors"] and run["missing_retry_after"] == 0
    return [
        (
            "#7 PostgreSQL restarted mid-load: failed requests (503 + Retry-After, no traceback)",
            f"{run['errors']} ({run['clean_failures']} clean)",
            "clean",
            clean and run["tracebacks"] == 0,
        ),
        (
            "#7   requests failed for (first to last failure); then answered by itself",
            f"{run['error_window_s']:.1f} s",
            "recovers",
            run["answered_after_restart"],
        ),
        _lost_row("#7   lost / duplicated answers after the restart", run),
    ]


def _redis_down_rows(run: dict) -> list[tuple[str, str, str, bool]]:
    healthz_ok = run["healthz_during_outage"] == ["503 broker=unreachable"]
    sent = run["reminders"]["sent"]
    return [
        (
            f"#7 Redis stopped for {run['down_s']:.0f} s: failed requests",
            str(run["errors"]),
            "no errors",
            run["errors"] == 0,
        ),
        (
            "#7   submissions accepted during the outage",
            str(run["submits_during_outage"]),
            "succeed",
            run["submits_during_outage"] > 0 and run["errors_during_outage"] == 0,
        ),
        (
            "#7   latency p95 before / during the outage",
            f"{run['before_outage_p95_ms']:.0f} / {run['outage_p95_ms']:.0f} ms",
            "as measured",
            True,
        ),
        (
            "#7   /healthz during the outage (slowest)",
            f"503 broker, {run['healthz_max_ms']:.0f} ms",
            "503 ≤ 2 s",
            healthz_ok and run["healthz_max_ms"] <= 2000,
        ),
        (
            f"#7   enqueueing {run['reminder_rows']} reminders with the broker down",
            f"{run['enqueue_ms_while_down']:.0f} ms",
            "fails fast, rows pending",
            run["enqueued_while_down"] == 0 and run["pending_after_sweep"] == run["reminder_rows"],
        ),
        (
            "#7   reminders sent by the worker after Redis returned (mails, twice)",
            f"{sent}/{run['reminder_rows']} ({run['mails']}, {run['mails_twice']})",
            "each once",
            sent == run["reminder_rows"] == run["mails"] and run["mails_twice"] == 0,
        ),
        _lost_row("#7   lost / duplicated answers", run),
    ]


def main() -> None:
    recreate_database()
    imported = run_child("import")
    api = run_child("catalog_api")
    plan = run_child("plan")
    screen = run_child("plan_screen")
    survey = run_child("survey_pages")
    ministry = run_child("ministry")
    sweep = run_child("sweep")
    load = run_load()
    rows = [
        (
            f"#2 import 11,000-row demo CSV (in-process, median of {IMPORT_RUNS})",
            f"{imported['seconds']:.2f} s",
            "≤ 1.5 s",
            imported["seconds"] <= 1.5,
        ),
        ("#2   slowest of those imports", f"{imported['worst_seconds']:.2f} s", "—", True),
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
        (
            "#3 plan 11,000-standard catalog (solver only)",
            f"{plan['solve_seconds']:.2f} s",
            "≤ 1 s",
            plan["solve_seconds"] <= 1,
        ),
        (
            "#3 plan 11,000-standard catalog (solve + write)",
            f"{plan['plan_seconds']:.2f} s",
            "≤ 1 s",
            plan["plan_seconds"] <= 1,
        ),
        (
            "#3 re-plan after 200 changes (solve + write)",
            f"{plan['replan_seconds']:.2f} s",
            "≤ 1 s",
            plan["replan_seconds"] <= 1,
        ),
        ("#3   standards moved by that re-plan", str(plan["moved"]), "—", True),
        (
            "#3 plan screen, median",
            f"{screen['median_ms']:.0f} ms",
            "≤ 200 ms",
            screen["median_ms"] <= 200,
        ),
        (
            f"#4 reviewer's assignment list ({survey['assignments']} assignments), median",
            f"{survey['list_ms']:.0f} ms",
            "≤ 100 ms",
            survey["list_ms"] <= 100,
        ),
        (
            "#4 questionnaire page, median",
            f"{survey['form_ms']:.0f} ms",
            "≤ 100 ms",
            survey["form_ms"] <= 100,
        ),
        (
            f"#5 reminder sweep over {sweep['open']} open assignments ({sweep['digests']} digests)",
            f"{sweep['seconds']:.2f} s",
            "≤ 2 s",
            sweep["seconds"] <= 2,
        ),
        ("#5   SQL queries in that sweep", str(sweep["queries"]), "constant (a test)", True),
        (
            f"#6 METI priority list, API page of 50 ({ministry['outcomes']} accepted responses)",
            f"{ministry['list_ms']:.1f} ms",
            "≤ 50 ms",
            ministry["list_ms"] <= 50,
        ),
        (
            "#6   SQL queries per request",
            str(ministry["list_queries"]),
            "≤ 6",
            ministry["list_queries"] <= 6,
        ),
        (
            "#6 METI priority list filtered to usable in procurement",
            f"{ministry['usable_ms']:.1f} ms",
            "≤ 50 ms",
            ministry["usable_ms"] <= 50,
        ),
        (
            "#6   SQL queries per request",
            str(ministry["usable_queries"]),
            "≤ 6",
            ministry["usable_queries"] <= 6,
        ),
        ("#6 METI priority screen (page), median", f"{ministry['screen_ms']:.1f} ms", "—", True),
        (
            "#6 progress report, METI viewer",
            f"{ministry['progress_ms']:.1f} ms",
            "≤ 50 ms",
            ministry["progress_ms"] <= 50,
        ),
        (
            "#6   SQL queries per request",
            str(ministry["progress_queries"]),
            "≤ 6",
            ministry["progress_queries"] <= 6,
        ),
        (
            "#6 progress report, coordinator (every ministry)",
            f"{ministry['progress_all_ms']:.1f} ms",
            "≤ 50 ms",
            ministry["progress_all_ms"] <= 50,
        ),
        ("#6 METI dashboard page, median", f"{ministry['dashboard_ms']:.0f} ms", "—", True),
        (
            f"#6 export all 11,000 standards, CSV ({ministry['csv_mb']:.1f} MB)",
            f"{ministry['csv_s']:.2f} s",
            "≤ 2 s",
            ministry["csv_s"] <= 2,
        ),
        (
            "#6   peak Python memory while streaming",
            f"{ministry['csv_peak_mb']:.0f} MB",
            "bounded",
            True,
        ),
        (
            f"#6 export all 11,000 standards, XLSX ({ministry['xlsx_mb']:.1f} MB)",
            f"{ministry['xlsx_s']:.2f} s",
            "≤ 5 s",
            ministry["xlsx_s"] <= 5,
        ),
        (
            "#6   peak Python memory while writing",
            f"{ministry['xlsx_peak_mb']:.0f} MB",
            "bounded",
            True,
        ),
        (
            "#6 export all 11,000 with survey columns, CSV",
            f"{ministry['survey_csv_s']:.2f} s",
            "≤ 2 s",
            ministry["survey_csv_s"] <= 2,
        ),
        (
            "#6 export all 11,000 with survey columns, XLSX",
            f"{ministry['survey_xlsx_s']:.2f} s",
            "≤ 5 s",
            ministry["survey_xlsx_s"] <= 5,
        ),
    ]
    rows += load_rows(load)
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
