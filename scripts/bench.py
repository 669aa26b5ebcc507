"""`make bench`: every speed figure the issues ask for, measured on PostgreSQL, beside its target.
Exits non-zero when a figure misses its target. FIGURES is the table, declared once: each figure's
name, where its value comes from, its unit and its target, used both to print and to judge.

Each measurement runs in its own process, on one database made for this run (jisreview_bench_<8 hex>)
on the server of BENCH_DATABASE_URL or else DATABASE_URL (only its user, host, port and options are
used; default postgres://postgres@127.0.0.1:5432/postgres) and dropped at the end; no other database
is ever dropped. The catalog is the demo CSV in fixtures/. The load and outage runs (scripts/load.py)
bring their own PostgreSQL and Redis servers.
"""

import csv
import importlib
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

# Neighbours in scripts/, which Python puts on the path when it runs this file.
from api_tokens import make_token
from local_services import ScratchDatabases

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
DATABASE_PREFIX = "jisreview_bench"


def server_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or DEFAULT_SERVER


def setup_django() -> None:
    """In a measurement's process: Django on the run's database, which main() passes down as
    DATABASE_URL. Measurements truncate and rewrite tables, so any other database is refused."""
    name = urlsplit(os.environ.get("DATABASE_URL", "")).path.lstrip("/")
    if not ScratchDatabases.generated(name, DATABASE_PREFIX):
        sys.exit(
            f"refusing to measure on database {name!r}: measurements run only on the database "
            f"bench.py makes for its run ({DATABASE_PREFIX}_<8 hex>); run scripts/bench.py itself"
        )
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("JISREVIEW_VAR_DIR", str(ROOT / "var" / "bench"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "jisreview.settings"
    import django

    django.setup()


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


def copy_seconds(path: Path, runs: int = IMPORT_RUNS) -> float:
    """PostgreSQL's own COPY of the file into a table of text columns, committed: the floor an
    import is compared with (issue #18), the median of `runs`."""
    from django.db import connection, transaction

    data = path.read_bytes()
    with path.open(encoding="utf-8-sig", newline="") as handle:
        width = len(next(csv.reader(handle)))
    columns = ", ".join(f"c{i} text" for i in range(width))
    timings = []
    for _ in range(runs):
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS copy_baseline")
            cursor.execute(f"CREATE TABLE copy_baseline ({columns})")
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            statement = "COPY copy_baseline FROM STDIN (FORMAT csv, HEADER true)"
            with cursor.cursor.copy(statement) as copy:
                copy.write(data)
        timings.append(time.perf_counter() - started)
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE copy_baseline")
    return statistics.median(timings)


def child_import() -> dict:
    """Import the demo CSV into an empty catalog, in-process, IMPORT_RUNS times (emptying the catalog
    in between); report the median time and the process's peak memory, and PostgreSQL's own COPY of
    the same file in this run."""
    import resource

    from django.db import connection

    from standards import selectors, services

    path = ROOT / "fixtures" / "demo_catalog.csv"
    copy = copy_seconds(path)
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
    report = selectors.catalog_read(path.read_bytes(), filename=path.name)
    unchanged = services.standards_import(
        records=report.records, columns=report.columns, reason="bench"
    )
    reimport = time.perf_counter() - again
    assert unchanged.unchanged == len(report.records), "the re-import changed something"
    return {
        "runs": IMPORT_RUNS,
        "rows": len(report.records),
        "created": len(result.created),
        "seconds": statistics.median(timings),
        "worst_seconds": max(timings),
        "peak_mb": peak_mb,
        "reimport_seconds": reimport,
        "copy_seconds": copy,
        "copy_ratio": statistics.median(timings) / copy,
        "reimport_copy_ratio": reimport / copy,
    }


def child_catalog_api() -> dict:
    """Median latency of a catalog API page of 50 with a filter and a search, token-authenticated."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    _analyze()
    user, _ = get_user_model().objects.get_or_create(username="bench-reader")
    client = Client(HTTP_AUTHORIZATION=f"Token {make_token(user)}", HTTP_HOST="127.0.0.1")
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

    from reviews.plan import planning, selectors, services
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
    from django.test import Client
    from django.utils import timezone

    from reviews import demo
    from reviews.models import Assignment

    demo.demo_users_create("bench-password-not-used-elsewhere")
    # Today, not a fixed day: a batch may not be created already past due.
    demo.demo_survey_create(today=timezone.localdate())
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

    from reviews.models import Assignment, Reminder
    from reviews.reminders import services as reminders

    Assignment.objects.filter(fiscal_year=2026).update(state="assigned")
    due = Assignment.objects.order_by("due_on").values_list("due_on", flat=True).last()
    day = due - dt.timedelta(days=7)
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    Reminder.objects.filter(date=day).delete()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        rows = reminders.reminders_sweep(today=day)
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

    from reviews import demo
    from reviews.models import Assignment, Response, StandardOutcome
    from reviews.priority.services import priorities_recompute
    from reviews.survey import selectors, services

    rng = random.Random(7)
    definition = selectors.questionnaire_current().definition
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
    priorities_recompute(today=timezone.localdate())
    _analyze()
    return StandardOutcome.objects.count()


def _token_client(username: str):
    from django.contrib.auth import get_user_model
    from django.test import Client

    token = make_token(get_user_model().objects.get(username=username))
    return Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_HOST="127.0.0.1")


def _queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


DOWNLOADS = 3


def _download(client, url: str) -> tuple[float, int, float, float]:
    """Seconds to stream the whole file (the median of DOWNLOADS after the process's first, as a
    server that has answered before streams it), its size, the peak Python memory while doing so,
    and the seconds the first download took."""
    import tracemalloc

    timings = []
    for _ in range(DOWNLOADS + 1):
        started = time.perf_counter()
        response = client.get(url)
        size = sum(len(chunk) for chunk in response.streaming_content)
        timings.append(time.perf_counter() - started)
    seconds = statistics.median(timings[1:])
    tracemalloc.start()
    response = client.get(url)
    for _chunk in response.streaming_content:
        pass
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return seconds, size, peak / 1e6, timings[0]


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
    csv_s, csv_bytes, csv_mb, csv_first_s = _download(coordinator, "/api/standards/?format=csv")
    xlsx_s, xlsx_bytes, xlsx_mb, xlsx_first_s = _download(
        coordinator, "/api/standards/?format=xlsx"
    )
    survey_csv_s, *_rest = _download(coordinator, "/api/priorities/?priority=&format=csv")
    survey_xlsx_s, *_rest = _download(coordinator, "/api/priorities/?priority=&format=xlsx")
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
        "csv_first_s": csv_first_s,
        "csv_mb": csv_bytes / 1e6,
        "csv_peak_mb": csv_mb,
        "xlsx_s": xlsx_s,
        "xlsx_first_s": xlsx_first_s,
        "xlsx_mb": xlsx_bytes / 1e6,
        "xlsx_peak_mb": xlsx_mb,
        "survey_csv_s": survey_csv_s,
        "survey_xlsx_s": survey_xlsx_s,
    }


# In the order they run: each builds on the data the ones before it left. A measurement kept in a
# file of its own (scripts/bench_<topic>.py) is named "module.function": adding one is a line here
# and its rows in FIGURES.
CHILDREN = {
    "migrate": child_migrate,
    "import": child_import,
    "catalog_api": child_catalog_api,
    "plan": child_plan,
    "plan_screen": child_plan_screen,
    "survey_pages": child_survey_pages,
    "ministry": child_ministry,
    "reads": "bench_reads.child_reads",
    "sweep": child_sweep,
    "precheck": "bench_precheck.child_precheck",
    "import_updates": "bench_import_updates.child_import_updates",  # changes the demo catalog
    "international": "bench_international.child_international",
    "scan": "bench_scan.child_scan",
    "xlsx_scan": "bench_xlsx_scan.child_xlsx_scan",
    "specifications": "bench_specifications.child_specifications",
    "roster": "bench_roster.child_roster",
    "invitations": "bench_invitations.child_invitations",
    "real_import": "bench_real_import.child_real_import",  # empties the catalog: last but one
    "real_plan": "bench_real_plan.child_real_plan",  # plans the real catalog real_import left
}


def child(name: str) -> Callable[[], dict]:
    """The measurement CHILDREN names, imported from its module if it has one."""
    target = CHILDREN[name]
    if callable(target):
        return target
    module, function = target.rsplit(".", 1)
    return getattr(importlib.import_module(module), function)


def run_alone(script: str, measure: Callable[[], dict], report: Callable[[dict], int]) -> int:
    """A measurement file run by itself (`python scripts/bench_<topic>.py`): it makes a scratch
    database, runs `script child` on it — Django set up, the database migrated, the figures printed
    as JSON — drops the database and reports. The child's part is the same call, with "child"."""
    if sys.argv[1:] == ["child"]:
        setup_django()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        print(json.dumps(measure()))
        return 0
    databases = ScratchDatabases(server_url(), prefix=DATABASE_PREFIX)
    env = {**os.environ, "DATABASE_URL": databases.create()}
    try:
        done = subprocess.run(
            [sys.executable, script, "child"], env=env, capture_output=True, text=True
        )
    finally:
        databases.drop_all()
    if done.returncode:
        sys.exit(done.stderr)
    return report(json.loads(done.stdout.strip().splitlines()[-1]))


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


def measure() -> dict:
    """Every measurement's results by name ("import", …, "load")."""
    results = {name: run_child(name) for name in CHILDREN}
    results["load"] = run_load()
    return results


# --- the figures -------------------------------------------------------------------------------


def _no_target(results: dict) -> bool:
    return True


@dataclass(frozen=True)
class Figure:
    """One row of the table. `name` may quote results (format fields such as "{sweep[open]}");
    `shown` is the measured value as printed, with its unit; `met` judges it against `target`.
    A figure with no target is reported only and never fails the run."""

    name: str
    shown: Callable[[dict], str]
    target: str = "—"
    met: Callable[[dict], bool] = _no_target
    # by how much a missed target is missed, in words ("" when the figure cannot say)
    gap: Callable[[dict], str] = lambda results: ""


def _reader(source: str) -> Callable[[dict], float]:
    """ "plan.solve_seconds" reads results["plan"]["solve_seconds"]."""
    keys = source.split(".")

    def read(results: dict) -> float:
        for key in keys:
            results = results[key]
        return results

    return read


def _quantity(value: float, unit: str, digits: int | None) -> str:
    number = f"{value:g}" if digits is None else f"{value:.{digits}f}"
    return f"{number} {unit}".rstrip()


def at_most(name: str, source: str, limit: float, unit: str = "", digits: int = 2) -> Figure:
    """A figure with a ceiling; the one `limit` is both printed and checked."""
    read = _reader(source)
    return Figure(
        name,
        shown=lambda results: _quantity(read(results), unit, digits),
        target="none" if limit == 0 else f"≤ {_quantity(limit, unit, None)}",
        met=lambda results: read(results) <= limit,
        gap=lambda results: _over(read(results), limit, unit, digits),
    )


def at_least(name: str, source: str, floor: float, unit: str = "", digits: int = 2) -> Figure:
    """A figure with a floor; the one `floor` is both printed and checked."""
    read = _reader(source)
    return Figure(
        name,
        shown=lambda results: _quantity(read(results), unit, digits),
        target=f"≥ {_quantity(floor, unit, None)}",
        met=lambda results: read(results) >= floor,
        gap=lambda results: (
            f"short by {_quantity(floor - read(results), unit, digits)} "
            f"({read(results) / floor:.0%} of the target)"
        ),
    )


def _over(value: float, limit: float, unit: str, digits: int) -> str:
    if limit == 0:
        return f"{_quantity(value, unit, digits)} where none may be"
    return f"over by {_quantity(value - limit, unit, digits)} ({value / limit:.1f}× the target)"


def reported(name: str, source: str, unit: str = "", digits: int = 2, note: str = "—") -> Figure:
    """A figure shown for the record, without a target (`note` says what is expected of it)."""
    read = _reader(source)
    return Figure(name, shown=lambda results: _quantity(read(results), unit, digits), target=note)


def no_lost_answers(name: str, run: str) -> Figure:
    """Answers lost or duplicated in a load run, counted in its database afterwards."""
    return Figure(
        name,
        shown=lambda r: f"{r['load'][run]['lost']} / {r['load'][run]['duplicated']}",
        target="0 lost / 0 duplicated",
        met=lambda r: r["load"][run]["lost"] == 0 and r["load"][run]["duplicated"] == 0,
    )


def _restart_clean(run: dict) -> bool:
    return (
        run["clean_failures"] == run["errors"]
        and run["missing_retry_after"] == 0
        and run["tracebacks"] == 0
    )


def _healthz(run: dict) -> str:
    answers = run["healthz_during_outage"]
    said = "503 broker" if answers == ["503 broker=unreachable"] else ", ".join(answers) or "none"
    return f"{said}, {run['healthz_max_ms']:.0f} ms"


def _reminders_once(run: dict) -> bool:
    sent = run["reminders"]["sent"]
    return sent == run["reminder_rows"] == run["mails"] and run["mails_twice"] == 0


STEADY, RESTART, REDIS = "load.steady", "load.pg-restart", "load.redis-down"
FIGURES = [
    at_most(
        "#2 import 11,000-row demo CSV (in-process, median of {import[runs]})",
        "import.seconds",
        1.5,
        "s",
    ),
    reported("#2   slowest of those imports", "import.worst_seconds", "s"),
    at_most("#2 import peak memory (process RSS)", "import.peak_mb", 250, "MB", 0),
    reported("#2 re-import unchanged demo CSV (read + compare)", "import.reimport_seconds", "s"),
    reported("#18 PostgreSQL's own COPY of the demo CSV, same run", "import.copy_seconds", "s", 3),
    at_most("#18 demo import ÷ COPY of the same file", "import.copy_ratio", 10, "×", 1),
    at_most(
        "#2 catalog API page of 50, filter + search, median", "catalog_api.median_ms", 50, "ms", 1
    ),
    reported("#2 catalog API page, p95", "catalog_api.p95_ms", "ms", 1),
    at_most("#2 SQL queries per catalog API request", "catalog_api.queries", 5, digits=0),
    at_most("#3 plan 11,000-standard catalog (solver only)", "plan.solve_seconds", 1, "s"),
    at_most("#3 plan 11,000-standard catalog (solve + write)", "plan.plan_seconds", 1, "s"),
    at_most("#3 re-plan after 200 changes (solve + write)", "plan.replan_seconds", 1, "s"),
    reported("#3   standards moved by that re-plan", "plan.moved", digits=0),
    at_most("#3 plan screen, median", "plan_screen.median_ms", 200, "ms", 0),
    at_most(
        "#4 reviewer's assignment list ({survey_pages[assignments]} assignments), median",
        "survey_pages.list_ms",
        100,
        "ms",
        0,
    ),
    at_most("#4 questionnaire page, median", "survey_pages.form_ms", 100, "ms", 0),
    at_most(
        "#5 reminder sweep over {sweep[open]} open assignments ({sweep[digests]} digests)",
        "sweep.seconds",
        2,
        "s",
    ),
    reported("#5   SQL queries in that sweep", "sweep.queries", digits=0, note="constant (a test)"),
    at_most(
        "#6 METI priority list, API page of 50 ({ministry[outcomes]} accepted responses)",
        "ministry.list_ms",
        50,
        "ms",
        1,
    ),
    at_most("#6   SQL queries per request", "ministry.list_queries", 6, digits=0),
    at_most(
        "#6 METI priority list filtered to usable in procurement", "ministry.usable_ms", 50, "ms", 1
    ),
    at_most("#6   SQL queries per request", "ministry.usable_queries", 6, digits=0),
    reported("#6 METI priority screen (page), median", "ministry.screen_ms", "ms", 1),
    at_most("#6 progress report, METI viewer", "ministry.progress_ms", 50, "ms", 1),
    at_most("#6   SQL queries per request", "ministry.progress_queries", 6, digits=0),
    at_most(
        "#6 progress report, coordinator (every ministry)", "ministry.progress_all_ms", 50, "ms", 1
    ),
    reported("#6 METI dashboard page, median", "ministry.dashboard_ms", "ms", 0),
    at_most(
        "#6 export all 11,000 standards, CSV ({ministry[csv_mb]:.1f} MB), median of 3",
        "ministry.csv_s",
        2,
        "s",
    ),
    at_most("#18   the same CSV, against #18's target", "ministry.csv_s", 0.5, "s"),
    reported("#6   the process's first CSV download", "ministry.csv_first_s", "s"),
    reported("#6   peak Python memory while streaming", "ministry.csv_peak_mb", "MB", 0, "bounded"),
    at_most(
        "#6 export all 11,000 standards, XLSX ({ministry[xlsx_mb]:.1f} MB), median of 3",
        "ministry.xlsx_s",
        5,
        "s",
    ),
    at_most("#18   the same XLSX, against #18's target", "ministry.xlsx_s", 2, "s"),
    reported("#6   the process's first XLSX download", "ministry.xlsx_first_s", "s"),
    reported("#6   peak Python memory while writing", "ministry.xlsx_peak_mb", "MB", 0, "bounded"),
    at_most("#6 export all 11,000 with survey columns, CSV", "ministry.survey_csv_s", 2, "s"),
    at_most("#6 export all 11,000 with survey columns, XLSX", "ministry.survey_xlsx_s", 5, "s"),
    # scripts/bench_precheck.py
    at_most(
        "#16 route FY{precheck[fiscal_year]} ({precheck[standards]} standards) after the pre-check "
        "({precheck[marks]} re-routed), median of {precheck[runs]}",
        "precheck.seconds",
        2,
        "s",
    ),
    reported("#16   make its {precheck[batches]} batches", "precheck.create_seconds", "s"),
    # scripts/bench_reads.py: over HTTP, gunicorn as shipped, token authentication
    at_most("#18 catalog page of 50 over HTTP, median", "reads.catalog.median_ms", 20, "ms", 1),
    at_most("#18   p95", "reads.catalog.p95_ms", 40, "ms", 1),
    at_most("#18   SQL queries per request", "reads.catalog.queries", 5, digits=0),
    at_most("#18 METI priority list over HTTP, median", "reads.priorities.median_ms", 20, "ms", 1),
    at_most("#18   p95", "reads.priorities.p95_ms", 40, "ms", 1),
    at_most("#18   SQL queries per request", "reads.priorities.queries", 5, digits=0),
    at_most(
        "#18 progress report, METI viewer over HTTP, median",
        "reads.progress.median_ms",
        20,
        "ms",
        1,
    ),
    at_most("#18   p95", "reads.progress.p95_ms", 40, "ms", 1),
    at_most("#18   SQL queries per request", "reads.progress.queries", 5, digits=0),
    at_most(
        "#18 progress report, coordinator over HTTP, median",
        "reads.progress_all.median_ms",
        20,
        "ms",
        1,
    ),
    at_most("#18   p95", "reads.progress_all.p95_ms", 40, "ms", 1),
    at_most("#18   SQL queries per request", "reads.progress_all.queries", 5, digits=0),
    at_most("#18 plan summary over HTTP, median", "reads.plan_summary.median_ms", 20, "ms", 1),
    at_most("#18   p95", "reads.plan_summary.p95_ms", 40, "ms", 1),
    at_most("#18   SQL queries per request", "reads.plan_summary.queries", 5, digits=0),
    # scripts/bench_import_updates.py: after the ones above, as it changes the demo catalog
    at_most(
        "#12 import form, {import_updates[updated]} standards updated ({import_updates[withdrawn]} "
        "withdrawn, {import_updates[assignments_withdrawn]} assignments), whole request",
        "import_updates.seconds",
        5,
        "s",
    ),
    reported(
        "#12   what follows, on the worker (assignments withdrawn, verdicts, alignments)",
        "import_updates.followers_seconds",
        "s",
    ),
    # scripts/bench_international.py
    at_most(
        "#19 import {international[rows]} international rows ({international[file_mb]} MB), "
        "read + write",
        "international.import_seconds",
        5,
        "s",
    ),
    reported("#19   of which reading the file", "international.read_seconds", "s"),
    reported(
        "#19   re-import with {international[updated]} changed",
        "international.reimport_seconds",
        "s",
    ),
    reported(
        "#19   recompute {international[alignments]} alignments",
        "international.recompute_seconds",
        "s",
    ),
    # scripts/bench_scan.py
    at_most("#17 scan a {scan[pages]}-page specification PDF", "scan.seconds", 3, "s"),
    reported("#17   pages per second", "scan.pages_per_second", "pages/s", 0),
    at_most("#17   peak memory (process)", "scan.peak_mb", 300, "MB", 0),
    # scripts/bench_xlsx_scan.py
    at_most(
        "#12 hostile XLSX (wide, no dimension; 2M-cell row; rows beyond the limit): slowest refusal",
        "xlsx_scan.slowest_refusal_seconds",
        2,
        "s",
    ),
    at_most("#12   peak memory (process)", "xlsx_scan.peak_mb", 200, "MB", 0),
    reported(
        "#12   sheet check's share of reading the real-shaped XLSX ({xlsx_scan[real_sheet_mb]} MB)",
        "xlsx_scan.scan_share_percent",
        "%",
        1,
    ),
    # scripts/bench_specifications.py
    reported(
        "#17 upload and scan on the worker, {specifications[pages]} pages, "
        "{specifications[citations_stored]} citations stored",
        "specifications.scan_and_store_seconds",
        "s",
    ),
    reported(
        "#17   same file uploaded again (answered)", "specifications.duplicate_seconds", "s", 3
    ),
    # scripts/bench_roster.py, scripts/bench_invitations.py
    at_most(
        "#16 import a roster of {roster[people]} people (median of {roster[runs]})",
        "roster.seconds",
        2,
        "s",
    ),
    reported("#16   unchanged re-import", "roster.reimport_seconds", "s"),
    at_most(
        "#16 invitation sweep, {invitations[people]} people: record and enqueue",
        "invitations.seconds",
        5,
        "s",
    ),
    # scripts/bench_real_import.py: last of the children, as it empties the catalog
    at_most(
        "#15 import real-shaped catalog ({real_import[rows]} rows), median of {real_import[runs]}",
        "real_import.seconds",
        2.5,
        "s",
    ),
    reported("#15   slowest of those imports", "real_import.worst_seconds", "s"),
    at_most("#15   peak memory (process)", "real_import.peak_mb", 300, "MB", 0),
    at_most(
        "#15 re-import it unchanged (read + compare)", "real_import.reimport_seconds", 1.5, "s"
    ),
    at_most("#15   rows written by that re-import", "real_import.reimport_writes", 0, digits=0),
    reported(
        "#18 PostgreSQL's own COPY of that file, same run", "real_import.copy_seconds", "s", 3
    ),
    at_most(
        "#18 unchanged re-import ÷ COPY of the same file",
        "real_import.reimport_copy_ratio",
        3,
        "×",
        1,
    ),
    # scripts/bench_real_plan.py: the real catalog real_import left
    at_most(
        "#15 plan the real-shaped catalog ({real_plan[standards]} standards; read + solve)",
        "real_plan.plan_seconds",
        1,
        "s",
    ),
    reported(
        "#15   surveyed late at 2,200 a year; on time from {real_plan[min_on_time_capacity]} a year",
        "real_plan.late",
        digits=0,
    ),
    # scripts/load.py
    reported(
        "#7 load: {load[config][clients]} reviewers for {load[config][seconds]:.0f} s, "
        "gunicorn {load[config][gunicorn]}: throughput",
        f"{STEADY}.rps",
        "req/s",
        0,
        "as measured",
    ),
    at_least(
        "#18   what the servers could answer on two cores of their own (2 cores ÷ CPU per request)",
        f"{STEADY}.servers_rps_on_two_cores",
        200,
        "req/s",
        0,
    ),
    Figure(
        "#7   latency p50 / p95 / p99",
        shown=lambda r: "{p50_ms:.0f} / {p95_ms:.0f} / {p99_ms:.0f} ms".format(
            **r["load"]["steady"]
        ),
        target="as measured",
    ),
    at_most("#7   failed requests", f"{STEADY}.errors", 0, digits=0),
    no_lost_answers("#7   lost / duplicated answers (counted in the database)", "steady"),
    Figure(
        "#7 PostgreSQL restarted mid-load: failed requests (503 + Retry-After, no traceback)",
        shown=lambda r: "{errors} ({clean_failures} clean)".format(**r["load"]["pg-restart"]),
        target="clean",
        met=lambda r: _restart_clean(r["load"]["pg-restart"]),
    ),
    Figure(
        "#7   requests failed for (first to last failure); then answered by itself",
        shown=lambda r: "{error_window_s:.1f} s".format(**r["load"]["pg-restart"]),
        target="recovers",
        met=lambda r: r["load"]["pg-restart"]["answered_after_restart"],
    ),
    no_lost_answers("#7   lost / duplicated answers after the restart", "pg-restart"),
    at_most(
        "#7 Redis stopped for {load[redis-down][down_s]:.0f} s: failed requests",
        f"{REDIS}.errors",
        0,
        digits=0,
    ),
    Figure(
        "#7   submissions accepted during the outage",
        shown=lambda r: str(r["load"]["redis-down"]["submits_during_outage"]),
        target="succeed",
        met=lambda r: (
            r["load"]["redis-down"]["submits_during_outage"] > 0
            and r["load"]["redis-down"]["errors_during_outage"] == 0
        ),
    ),
    Figure(
        "#7   latency p95 before / during the outage",
        shown=lambda r: "{before_outage_p95_ms:.0f} / {outage_p95_ms:.0f} ms".format(
            **r["load"]["redis-down"]
        ),
        target="as measured",
    ),
    Figure(
        "#7   /healthz during the outage (slowest)",
        shown=lambda r: _healthz(r["load"]["redis-down"]),
        target="503 ≤ 2 s",
        met=lambda r: (
            r["load"]["redis-down"]["healthz_during_outage"] == ["503 broker=unreachable"]
            and r["load"]["redis-down"]["healthz_max_ms"] <= 2000
        ),
    ),
    Figure(
        "#7   enqueueing {load[redis-down][reminder_rows]} reminders with the broker down",
        shown=lambda r: "{enqueue_ms_while_down:.0f} ms".format(**r["load"]["redis-down"]),
        target="fails fast, rows pending",
        met=lambda r: (
            r["load"]["redis-down"]["enqueued_while_down"] == 0
            and r["load"]["redis-down"]["pending_after_sweep"]
            == r["load"]["redis-down"]["reminder_rows"]
        ),
    ),
    Figure(
        "#7   reminders sent by the worker after Redis returned (mails, twice)",
        shown=lambda r: "{sent}/{rows} ({mails}, {twice})".format(
            sent=r["load"]["redis-down"]["reminders"]["sent"],
            rows=r["load"]["redis-down"]["reminder_rows"],
            mails=r["load"]["redis-down"]["mails"],
            twice=r["load"]["redis-down"]["mails_twice"],
        ),
        target="each once",
        met=lambda r: _reminders_once(r["load"]["redis-down"]),
    ),
    no_lost_answers("#7   lost / duplicated answers", "redis-down"),
]


def report(results: dict, figures: list[Figure] = FIGURES) -> int:
    """Print the table of `figures`; the exit status is 1 when any misses its target."""
    rows = [
        (figure.name.format(**results), figure.shown(results), figure.target, figure.met(results))
        for figure in figures
    ]
    gaps = [
        (figure.name.format(**results).strip(), figure.gap(results))
        for figure in figures
        if not figure.met(results)
    ]
    width = max(len(row[0]) for row in rows)
    print(f"\n{'benchmark':<{width}}  {'measured':>10}  {'target':>10}  ok")
    print("-" * (width + 30))
    for name, shown, target, met in rows:
        print(f"{name:<{width}}  {shown:>10}  {target:>10}  {'yes' if met else 'NO'}")
    missed = [name for name, _shown, _target, met in rows if not met]
    if missed:
        print("\nby how much:")
        for name, gap in gaps:
            print(f"  {name}: {gap or 'see the table'}")
        print(f"\n{len(missed)} figure(s) missed the target: {'; '.join(missed)}")
    return 1 if missed else 0


# The last run's measurements, for reading beside the table (var/ is not tracked).
RESULTS = ROOT / "var" / "bench" / "results.json"


def main() -> int:
    databases = ScratchDatabases(server_url(), prefix=DATABASE_PREFIX)
    os.environ["DATABASE_URL"] = databases.create()  # the measurements' processes inherit it
    try:
        results = measure()
    finally:
        databases.drop_all()
    server = urlsplit(server_url())
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=1, default=str))
    status = report(results)
    print(f"\n({results['import']['rows']} rows; PostgreSQL at {server.hostname}:{server.port})")
    return status


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "child":
        setup_django()
        print(json.dumps(child(sys.argv[2])()))
    else:
        sys.exit(main())
