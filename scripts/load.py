"""Load and outage runs against a real gunicorn on loopback, counted afterwards in the database.

    python scripts/load.py [--clients 20] [--viewers 5] [--seconds 60] [--runs steady,pg-restart,redis-down] [--json] [--statements]

Each run gives its own N reviewers a stack of assignments; N client threads save drafts through the
API (GET the version, PUT with it, now and then the questionnaire page with a session cookie, their
list of assignments before each one) and submit each assignment, for a bounded time. Beside them,
--viewers ministry viewers read METI's priority list, the progress report and burn-down, and now and
then the dashboard page, for the same time. Afterwards the database must hold every client's last
acknowledged draft at the version it was acknowledged with, and exactly one submission per submitted
assignment. gunicorn runs with the shipped deploy/gunicorn.conf.py (workers and threads from
JISREVIEW_WEB_WORKERS and JISREVIEW_WEB_THREADS, as in production). Runs:

- steady: no faults; throughput and latency percentiles, overall and per kind of request.
- pg-restart: PostgreSQL is restarted a third of the way in. Failed requests must be clean (503, no
  traceback) and the service must answer again by itself.
- redis-down: the cache/broker Redis is stopped a quarter of the way in and started again later.
  Requests must keep succeeding, /healthz must name the broker quickly, reminder rows written during
  the outage stay pending and a real Celery worker sends each once after Redis is back.

Everything runs on servers of its own, started for the run and removed after it: a PostgreSQL
(initdb in a temporary folder, on a free port) holding one database made for the run, and a
redis-server. The machine's PostgreSQL and Redis are never touched, let alone restarted. The last line
of output is JSON (scripts/bench.py reads it).
"""

import argparse
import datetime as dt
import http.client
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

# Neighbours in scripts/, which Python puts on the path when it runs this file.
from api_tokens import make_token
from local_services import PrivatePostgres, PrivateRedis, ScratchDatabases, free_port, wait_for

ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY = "load-" + secrets.token_urlsafe(48)
DUE = dt.date(2026, 12, 9)  # a Wednesday; the reminder sweep runs a week before
SWEEP_DAY = dt.date(2026, 12, 2)
ASSIGNMENTS_PER_CLIENT = 150  # more than a client gets through in 60 s on a small machine
IDLE_REVIEWERS = 5  # reviewers no client drives: their reminders cannot be cancelled by a submit
REQUEST_TIMEOUT = 10.0
GRACE_SECONDS = 60.0  # after the deadline, how long a client may keep retrying to finish cleanly
# pg_stat_statements in the private server (--statements): the application's statements, not
# BEGIN, COMMIT or the ANALYZE before the run
STATEMENTS = {
    "shared_preload_libraries": "'pg_stat_statements'",
    "pg_stat_statements.track": "all",
    "pg_stat_statements.track_utility": "off",
}
# One catalog division per run, so each run batches only its own standards.
DIVISIONS = {"steady": "K", "pg-restart": "L", "redis-down": "M", "redis-idle": "P"}


# --- services: a private PostgreSQL and Redis, gunicorn, a Celery worker ------------------------


@dataclass
class Services:
    postgres: PrivatePostgres
    redis: PrivateRedis
    database_url: str = ""


def app_environment(services: Services, var_dir: Path, *, debug: bool) -> dict:
    """Production-like settings for gunicorn (debug off); the parent and the worker use debug on
    for file e-mail. All share the secret key, so sessions made here are valid there."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jisreview.settings",
        "DJANGO_DEBUG": "1" if debug else "0",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": services.database_url,
        "CACHE_URL": services.redis.url(0),
        "CELERY_BROKER_URL": services.redis.url(1),
        "EMAIL_HOST": "" if debug else "127.0.0.1",
        "JISREVIEW_VAR_DIR": str(var_dir),
        "LOG_LEVEL": "WARNING",
    }


def setup_django(services: Services, var_dir: Path) -> None:
    """A database made for this run on the private server, migrated; Django set up on it. It is
    never dropped: the whole server is removed after the run."""
    services.database_url = ScratchDatabases(
        services.postgres.url(), prefix="jisreview_load"
    ).create()
    os.environ.update(app_environment(services, var_dir, debug=True))
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def collect_static(environment: dict) -> None:
    """Debug off serves pages through the manifest storage, which needs collectstatic."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=environment,
        check=True,
    )


@dataclass
class Gunicorn:
    """gunicorn as shipped: deploy/gunicorn.conf.py, which reads workers and threads from the
    environment; only the address, the log and a short graceful stop are given here."""

    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def workers(self) -> str:
        return os.environ.get("JISREVIEW_WEB_WORKERS", "") or f"{max(2, os.cpu_count() or 1)}"

    @property
    def threads(self) -> str:
        return os.environ.get("JISREVIEW_WEB_THREADS", "") or "2"

    def start(self, environment: dict, log: Path) -> None:
        command = [
            *(sys.executable, "-m", "gunicorn", "--config", "deploy/gunicorn.conf.py"),
            *("--bind", f"127.0.0.1:{self.port}", "--graceful-timeout", "5"),
            *("--error-logfile", str(log), "--no-control-socket", "jisreview.wsgi:application"),
        ]
        output = log.with_suffix(".out").open("a")  # Django's own log: tracebacks of 503s, etc.
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT
        )
        if not wait_for(lambda: Http(self.port).request("GET", "/healthz")[0] != 0, 30, 0.3):
            raise RuntimeError(f"gunicorn did not start; see {log}")

    def stop(self) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=20)


def start_worker(environment: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            *(sys.executable, "-m", "celery", "-A", "jisreview", "worker", "--pool", "solo"),
            *("--loglevel", "WARNING", "--without-heartbeat", "--without-mingle"),
            "--without-gossip",
        ],
        cwd=ROOT,
        env=environment,
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
    )


# --- the HTTP client -----------------------------------------------------------------------------


class Http:
    """A connection per request (no keep-alive, so an idle connection the server closed cannot pass
    for a failure); a transport failure is status 0. X-Forwarded-Proto is what the TLS proxy in
    front of gunicorn sends."""

    def __init__(self, port: int, headers: dict | None = None):
        self.port = port
        self.headers = {"X-Forwarded-Proto": "https", "Connection": "close", **(headers or {})}
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: dict | None = None):
        headers = dict(self.headers)
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=REQUEST_TIMEOUT
                )
            self.conn.request(method, path, body=payload, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
            if response.will_close:
                self.close()
            return response.status, data, response.headers
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            return 0, f"{type(exc).__name__}: {exc}".encode(), {}

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


@dataclass
class Sample:
    started: float  # seconds since the run began
    ms: float
    kind: str
    status: int
    traceback: bool = False
    retry_after: bool = False


@dataclass
class Ledger:
    """What one client was told: acknowledged saves and submissions, per assignment."""

    saves: dict = field(default_factory=dict)  # assignment id → acknowledged saves
    answers: dict = field(default_factory=dict)  # assignment id → answers last acknowledged
    submitted: set = field(default_factory=set)
    in_doubt_landed: int = 0  # failed saves that, asked again, had been stored
    in_doubt_lost: int = 0  # failed saves that had not: the client knew they were not saved
    anomalies: list = field(default_factory=list)


class Client(threading.Thread):
    """One reviewer: for each assignment, GET the version, PUT several drafts, submit."""

    def __init__(self, *, name, port, token, session, assignments, run_started, deadline):
        super().__init__(name=name, daemon=True)
        self.api = Http(port, {"Authorization": f"Token {token}"})
        self.page = Http(port, {"Cookie": f"sessionid={session}"})
        self.assignments = assignments
        self.run_started, self.deadline = run_started, deadline
        self.rng = random.Random(name)
        self.samples: list[Sample] = []
        self.ledger = Ledger()

    def run(self) -> None:
        self.call(self.api, "GET", "/api/assignments/?state=assigned", kind="list")
        for assignment_id in self.assignments:
            if time.monotonic() >= self.deadline:
                break
            self.call(self.api, "GET", "/api/assignments/?page_size=50", kind="list")
            self.answer(assignment_id)

    def call(self, http: Http, method: str, path: str, body=None, *, kind: str):
        started = time.monotonic()
        status, data, headers = http.request(method, path, body)
        failed = status == 0 or status >= 500
        self.samples.append(
            Sample(
                started=started - self.run_started,
                ms=(time.monotonic() - started) * 1000,
                kind=kind,
                status=status,
                traceback=failed and (b"Traceback" in data or b'File "' in data),
                retry_after=bool(headers.get("Retry-After")) if headers else False,
            )
        )
        if failed:
            time.sleep(0.2)  # a real client backs off; short, to see the recovery closely
        return status, data

    def answer(self, assignment_id: int) -> None:
        version, _answers = self.current(assignment_id)
        for n in range(self.rng.randint(3, 8)):
            if n % 3 == 2:
                self.call(self.page, "GET", f"/reviews/assignments/{assignment_id}/", kind="page")
            version = self.save(assignment_id, version, n)
            if time.monotonic() >= self.deadline:
                break
        # Submitting needs a complete draft: if every save failed (an outage), save until one lands.
        while assignment_id not in self.ledger.saves:
            if time.monotonic() >= self.deadline + GRACE_SECONDS:
                return
            version = self.save(assignment_id, version, n + 1)
        self.submit(assignment_id)

    def current(self, assignment_id: int) -> tuple[int, dict]:
        """GET the response until it answers (bounded by the grace period)."""
        url = f"/api/assignments/{assignment_id}/response/"
        while time.monotonic() < self.deadline + GRACE_SECONDS:
            status, data = self.call(self.api, "GET", url, kind="get")
            if status == 200:
                body = json.loads(data)
                return body["version"], body["answers"]
        raise RuntimeError(f"{self.name}: {url} did not answer within the grace period")

    def save(self, assignment_id: int, version: int, n: int) -> int:
        answers = {**_complete(), "procurers_detail": f"{self.name} {assignment_id} #{n}"}
        url = f"/api/assignments/{assignment_id}/response/"
        status, data = self.call(
            self.api, "PUT", url, {"answers": answers, "version": version}, kind="put"
        )
        if status == 200:
            body = json.loads(data)
            self.acknowledge(assignment_id, body["answers"])
            return body["version"]
        if status == 409:
            self.ledger.anomalies.append(f"409 on {assignment_id} at version {version}")
            return json.loads(data)["version"]
        return self.reconcile(assignment_id, version, answers)

    def reconcile(self, assignment_id: int, version: int, sent: dict) -> int:
        """The save failed without an answer we can trust: ask what the server holds."""
        now, stored = self.current(assignment_id)
        if now == version + 1 and stored.get("procurers_detail") == sent["procurers_detail"]:
            self.ledger.in_doubt_landed += 1
            self.acknowledge(assignment_id, stored)
        elif now == version:
            self.ledger.in_doubt_lost += 1
        else:
            self.ledger.anomalies.append(f"{assignment_id}: version {version} → {now}")
        return now

    def acknowledge(self, assignment_id: int, answers: dict) -> None:
        self.ledger.saves[assignment_id] = self.ledger.saves.get(assignment_id, 0) + 1
        self.ledger.answers[assignment_id] = answers

    def submit(self, assignment_id: int) -> None:
        url = f"/api/assignments/{assignment_id}/"
        while time.monotonic() < self.deadline + GRACE_SECONDS:
            status, data = self.call(self.api, "POST", url + "submit/", kind="submit")
            if status == 200:
                self.ledger.submitted.add(assignment_id)
                return
            if 400 <= status < 500 and status != 409:
                self.ledger.anomalies.append(f"{assignment_id}: submit answered {status}")
                return
            status, data = self.call(self.api, "GET", url, kind="get")
            if status == 200 and json.loads(data)["state"] == "submitted":
                self.ledger.submitted.add(assignment_id)  # the failed submit had landed
                return
        self.ledger.anomalies.append(f"{assignment_id}: could not submit within the grace period")


class Viewer(threading.Thread):
    """A ministry viewer: METI's priority list, the progress report, the burn-down through the
    API, and every fourth round the dashboard page, until the deadline."""

    READS = (
        ("priorities", "/api/priorities/?page_size=50"),
        ("progress", "/api/reports/progress/"),
        ("burndown", "/api/reports/burndown/"),
    )

    def __init__(self, *, name, port, token, session, run_started, deadline):
        super().__init__(name=name, daemon=True)
        self.api = Http(port, {"Authorization": f"Token {token}"})
        self.page = Http(port, {"Cookie": f"sessionid={session}"})
        self.run_started, self.deadline = run_started, deadline
        self.samples: list[Sample] = []

    def run(self) -> None:
        rounds = 0
        while time.monotonic() < self.deadline:
            for kind, path in self.READS:
                self.call(self.api, path, kind)
            if rounds % 4 == 3:
                self.call(self.page, "/reviews/dashboard/", "dashboard")
            rounds += 1

    def call(self, http: Http, path: str, kind: str) -> None:
        started = time.monotonic()
        status, data, _headers = http.request("GET", path)
        failed = status == 0 or status >= 500
        self.samples.append(
            Sample(
                started=started - self.run_started,
                ms=(time.monotonic() - started) * 1000,
                kind=kind,
                status=status,
                traceback=failed and (b"Traceback" in data or b'File "' in data),
            )
        )
        if failed:
            time.sleep(0.2)


def _complete() -> dict:
    from tests.reviews.data import COMPLETE

    return COMPLETE


# --- data ------------------------------------------------------------------------------------------


@dataclass
class Reviewer:
    username: str
    token: str
    session: str
    assignments: list[int]


def make_reviewers(run: str, count: int, per_reviewer: int) -> list[Reviewer]:
    """`count` reviewers, each with `per_reviewer` FY2026 assignments due on DUE."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from accounts.roles import Role
    from reviews.models import Assignment
    from reviews.plan import services as plan_services
    from reviews.survey import services as survey_services
    from tests.reviews.data import FORM

    coordinator, _ = get_user_model().objects.get_or_create(
        username="load-coordinator", defaults={"email": "load-coordinator@example.jp"}
    )
    coordinator.groups.add(Group.objects.get(name=Role.COORDINATOR))
    division = DIVISIONS[run]
    _import_standards(division, count * per_reviewer)
    programme = plan_services.programme_get_or_create(start_fy=2026, years=5, capacity=10_000)
    plan_services.programme_plan(programme=programme, today=dt.date(2026, 3, 1))
    survey_services.questionnaire_publish(definition=FORM)
    users = []
    for index in range(count):
        user = get_user_model().objects.create_user(
            username=f"load-{run}-{index:02d}",
            password=secrets.token_urlsafe(16),
            email=f"load-{run}-{index:02d}@example.jp",
            ministry_id="METI",
        )
        user.groups.add(Group.objects.get(name=Role.REVIEWER))
        users.append(user)
    batches = survey_services.batches_create(
        programme=programme,
        fiscal_year=2026,
        due_on=DUE,
        today=SWEEP_DAY,  # the run's own calendar: DUE stays ahead of it whatever the clock says
        max_size=per_reviewer,
        by=coordinator,
        reviewer=users[0],
        division=division,
    )
    for batch, user in zip(batches, users, strict=True):
        if batch.reviewer_id != user.pk:
            survey_services.batch_reassign(batch=batch, reviewer=user, by=coordinator)
    return [
        Reviewer(
            username=user.username,
            token=make_token(user),
            session=_session_for(user),
            assignments=list(
                Assignment.objects.filter(reviewer=user).order_by("pk").values_list("pk", flat=True)
            ),
        )
        for user in users
    ]


@dataclass
class MinistryViewer:
    username: str
    token: str
    session: str


def make_viewers(run: str, count: int) -> list[MinistryViewer]:
    """`count` METI ministry viewers, with a token and a signed-in session each."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from accounts.roles import Role

    viewers = []
    for index in range(count):
        user = get_user_model().objects.create_user(
            username=f"load-{run}-viewer-{index}",
            password=secrets.token_urlsafe(16),
            email=f"load-{run}-viewer-{index}@example.jp",
            ministry_id="METI",
        )
        user.groups.add(Group.objects.get(name=Role.MINISTRY_VIEWER))
        viewers.append(MinistryViewer(user.username, make_token(user), _session_for(user)))
    return viewers


def _import_standards(division: str, count: int) -> None:
    """Standards established in June 2021, so their five-year review falls in FY2026."""
    from standards import selectors, services

    lines = ["number,title_ja,established_on,ministry"]
    lines += [f"JIS {division} {5000 + i},負荷試験用規格{i},2021-06-01,METI" for i in range(count)]
    report = selectors.catalog_read("\n".join(lines).encode(), filename="load.csv")
    if report.errors:
        raise RuntimeError(f"load catalog: {report.errors[0]}")
    services.standards_import(records=report.records, columns=report.columns, reason="load")


def _session_for(user) -> str:
    """A signed-in session, as the login page would make it (cached_db: database and cache)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return session.session_key


def count_in_database(clients: list[Client]) -> dict:
    """Compare what each client was told with what the database holds."""
    from django.db import connection
    from django.db.models import Count, Q

    from reviews.models import Assignment, Response

    connection.close()  # the database may have restarted under this process's connection
    lost = duplicated = 0
    problems = []
    for client in clients:
        rows = {
            a.pk: a
            for a in Assignment.objects.filter(pk__in=client.assignments).annotate(
                drafts=Count("transitions", filter=Q(transitions__action="save_draft")),
                submits=Count("transitions", filter=Q(transitions__action="submit")),
            )
        }
        stored = {r.assignment_id: r for r in Response.objects.filter(assignment__in=rows)}
        for assignment_id, row in rows.items():
            found = _differences(row, stored.get(assignment_id), client.ledger)
            lost += sum(kind == "lost" for kind, _ in found)
            duplicated += sum(kind == "duplicated" for kind, _ in found)
            problems += [f"{assignment_id}: {text}" for _, text in found]
    return {
        "lost": lost,
        "duplicated": duplicated,
        "problems": problems[:10],
        "saves": sum(sum(c.ledger.saves.values()) for c in clients),
        "submitted": sum(len(c.ledger.submitted) for c in clients),
        "in_doubt_landed": sum(c.ledger.in_doubt_landed for c in clients),
        "in_doubt_lost": sum(c.ledger.in_doubt_lost for c in clients),
        "anomalies": [a for c in clients for a in c.ledger.anomalies][:10],
    }


def _differences(row, response, ledger: Ledger) -> list[tuple[str, str]]:
    """("lost" | "duplicated", what) for one assignment: its draft against the acknowledged saves
    (version, answers, one save_draft transition per save), its submissions against the client's."""
    found = []
    acknowledged = ledger.saves.get(row.pk, 0)
    version = response.version if response else 0
    saved = f"v{version} with {row.drafts} save_draft transitions, {acknowledged} acknowledged"
    if min(version, row.drafts) < acknowledged or (
        acknowledged and response.answers != ledger.answers[row.pk]
    ):
        found.append(("lost", saved))
    if max(version, row.drafts) > acknowledged:
        found.append(("duplicated", saved))
    expected = 1 if row.pk in ledger.submitted else 0
    if row.submits != expected or (row.state == "submitted") != bool(expected):
        kind = "duplicated" if row.submits > expected else "lost"
        found.append((kind, f"{row.submits} submissions, state {row.state}, expected {expected}"))
    return found


# --- runs ------------------------------------------------------------------------------------------


def drive(
    reviewers: list[Reviewer],
    port: int,
    seconds: float,
    during=None,
    viewers: list[MinistryViewer] = (),
) -> dict:
    """Run one client per reviewer and per ministry viewer for `seconds`, with
    `during(run_started)` in a side thread."""
    _analyze()
    run_started = time.monotonic()
    clients = [
        Client(
            name=r.username,
            port=port,
            token=r.token,
            session=r.session,
            assignments=r.assignments,
            run_started=run_started,
            deadline=run_started + seconds,
        )
        for r in reviewers
    ]
    readers = [
        Viewer(
            name=v.username,
            port=port,
            token=v.token,
            session=v.session,
            run_started=run_started,
            deadline=run_started + seconds,
        )
        for v in viewers
    ]
    side = threading.Thread(target=during, args=(run_started,), daemon=True) if during else None
    for thread in [*clients, *readers, *([side] if side else [])]:
        thread.start()
    for thread in [*clients, *readers]:
        thread.join()
    elapsed = time.monotonic() - run_started
    if side:
        side.join()
    samples = [s for c in [*clients, *readers] for s in c.samples]
    return {"clients": clients, "samples": samples, "elapsed": elapsed}


def _analyze() -> None:
    """The planner's statistics for the rows just made, as autovacuum gathers them within a minute
    of a bulk load on a server: the run measures the steady state, not that first minute."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def latency(samples: list[Sample]) -> dict:
    if len(samples) < 2:
        return {"p50_ms": 0.0, "p95_ms": 0.0, "p99_ms": 0.0}
    cuts = statistics.quantiles([s.ms for s in samples], n=100, method="inclusive")
    return {"p50_ms": cuts[49], "p95_ms": cuts[94], "p99_ms": cuts[98]}


def summary(outcome: dict) -> dict:
    samples = outcome["samples"]
    failed = [s for s in samples if s.status != 200]
    statuses: dict[str, int] = {}
    for s in failed:
        statuses[str(s.status)] = statuses.get(str(s.status), 0) + 1
    return {
        "requests": len(samples),
        "seconds": outcome["elapsed"],
        "rps": len(samples) / outcome["elapsed"],
        **latency(samples),
        "errors": len(failed),
        "error_statuses": statuses,
        "tracebacks": sum(s.traceback for s in samples),
        "by_kind": {
            kind: {
                "requests": len(some),
                **{k: round(v, 1) for k, v in latency(some).items() if k != "p99_ms"},
            }
            for kind in sorted({s.kind for s in samples})
            for some in [[s for s in samples if s.kind == kind]]
        },
        **count_in_database(outcome["clients"]),
    }


def run_steady(
    *,
    port: int,
    clients: int,
    viewers: int,
    seconds: float,
    services: Services,
    gunicorn,
    statements: bool = False,
    **_,
) -> dict:
    """The load of issue #18: reviewers saving and reading their lists, ministry viewers reading.
    Besides throughput, the CPU the servers spent per request (gunicorn's processes and the private
    PostgreSQL's, read from /proc): on a machine others share, that figure, unlike requests per
    second, does not depend on how much CPU they left, and 2 cores / (CPU per request) is what the
    servers could answer on two cores of their own (the clients' CPU given apart). With
    `statements`, where PostgreSQL's time went during the run (pg_stat_statements)."""
    reviewers = make_reviewers("steady", clients, ASSIGNMENTS_PER_CLIENT)
    readers = make_viewers("steady", viewers)
    if statements:
        _statements_reset()
    roots = {"gunicorn": gunicorn.process.pid, "postgres": _postmaster(services.postgres)}
    before = {name: cpu_seconds(pid) for name, pid in roots.items()}
    clients_before = sum(os.times()[:2])
    result = summary(drive(reviewers, port, seconds, viewers=readers))
    spent = {name: cpu_seconds(pid) - before[name] for name, pid in roots.items()}
    requests = max(result["requests"], 1)
    server_ms = sum(spent.values()) * 1000 / requests
    return {
        **result,
        "cpu_ms_per_request": {
            **{name: round(seconds * 1000 / requests, 2) for name, seconds in spent.items()},
            "clients": round((sum(os.times()[:2]) - clients_before) * 1000 / requests, 2),
        },
        "servers_rps_on_two_cores": round(2000 / server_ms, 1) if server_ms else None,
        **({"statements": _statements_top()} if statements else {}),
    }


def _statements_reset() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        cursor.execute("SELECT pg_stat_statements_reset()")


def _statements_top(count: int = 12) -> dict:
    """PostgreSQL's execution time in all, and the statements that took most of it."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT sum(total_exec_time), sum(calls) FROM pg_stat_statements")
        total_ms, calls = cursor.fetchone()
        cursor.execute(
            "SELECT total_exec_time, calls, left(regexp_replace(query, '\\s+', ' ', 'g'), 160)"
            " FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT %s",
            [count],
        )
        top = [
            {"ms": round(ms), "calls": n, "ms_per_call": round(ms / n, 3), "query": query}
            for ms, n, query in cursor.fetchall()
        ]
    return {"total_ms": round(total_ms or 0), "calls": int(calls or 0), "top": top}


def _postmaster(postgres: PrivatePostgres) -> int:
    return int((postgres.data / "postmaster.pid").read_text().split()[0])


def cpu_seconds(root: int) -> float:
    """User and system CPU of a process and all its descendants, living or reaped (/proc)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents.setdefault(int(fields[1]), []).append(int(entry.name))
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
        stack += parents.get(pid, [])
    return total / os.sysconf("SC_CLK_TCK")


def run_pg_restart(*, port: int, clients: int, seconds: float, services: Services, **_) -> dict:
    reviewers = make_reviewers("pg-restart", clients, ASSIGNMENTS_PER_CLIENT)
    restart: dict = {}

    def fault(run_started: float) -> None:
        time.sleep(seconds / 3)
        restart["issued"] = time.monotonic() - run_started
        services.postgres.restart()  # the private server: nobody else's connections are cut
        restart["back"] = time.monotonic() - run_started

    outcome = drive(reviewers, port, seconds, during=fault)
    result = summary(outcome)
    failed = [s for s in outcome["samples"] if s.status != 200]
    ends = [s.started + s.ms / 1000 for s in failed]
    return {
        **result,
        "restart_at_s": restart["issued"],
        "postgres_back_at_s": restart["back"],
        "clean_failures": sum(s.status in (500, 503) and not s.traceback for s in failed),
        "missing_retry_after": sum(s.status == 503 and not s.retry_after for s in failed),
        "error_window_s": (max(ends) - min(s.started for s in failed)) if failed else 0.0,
        "recovered_s_after_postgres_back": max(0.0, max(ends) - restart["back"]) if failed else 0.0,
        "answered_after_restart": any(
            s.status == 200 and s.started > restart["back"] for s in outcome["samples"]
        ),
    }


def run_redis_down(
    *, port: int, clients: int, seconds: float, services: Services, tmp: Path, **_
) -> dict:
    from django.utils import timezone

    from reviews.models import Reminder

    reviewers = make_reviewers("redis-down", clients, ASSIGNMENTS_PER_CLIENT)
    make_reviewers("redis-idle", IDLE_REVIEWERS, 2)
    mail_dir = tmp / "worker" / "mail"
    worker = start_worker(app_environment(services, tmp / "worker", debug=True), tmp / "worker.log")
    outage: dict = {"health": []}
    try:

        def during(run_started: float) -> None:
            watcher = threading.Thread(
                target=watch_health, args=(port, run_started, outage), daemon=True
            )
            watcher.start()
            redis_outage(services.redis, seconds, run_started, outage)
            watcher.join()

        outcome = drive(reviewers, port, seconds, during=during)
        result = summary(outcome)
        from reviews.reminders import services as reminders
        from reviews.tasks import enqueue_sends

        started = time.monotonic()
        enqueue_sends(reminders.reminders_redeliver(now=timezone.now()))
        ids = outage["reminder_ids"]
        wait_for(
            lambda: (
                not Reminder.objects.filter(pk__in=ids, status__in=["pending", "sending"]).exists()
            ),
            120,
            0.5,
        )
        delivered_s = time.monotonic() - started
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    down, up = outage["down_at"], outage["up_at"]
    before = [s for s in outcome["samples"] if s.started < down]
    during = [s for s in outcome["samples"] if down <= s.started < up]
    # /healthz calls wholly inside the outage (Redis answers a moment before `up` is noted)
    health = [h for h in outage["health"] if down <= h[0] and h[0] + h[2] / 1000 < up - 0.5]
    statuses = dict.fromkeys(("pending", "sending", "sent", "cancelled", "failed"), 0)
    for status in Reminder.objects.filter(pk__in=ids).values_list("status", flat=True):
        statuses[status] += 1
    recipients = mail_recipients(mail_dir)
    return {
        **result,
        "down_s": outage["up_at"] - outage["down_at"],
        "requests_during_outage": len(during),
        "errors_during_outage": sum(s.status != 200 for s in during),
        "submits_during_outage": sum(s.kind == "submit" and s.status == 200 for s in during),
        **{f"before_outage_{k}": v for k, v in latency(before).items()},
        **{f"outage_{k}": v for k, v in latency(during).items()},
        "healthz_during_outage": sorted({f"{h[1]} broker={h[3]}" for h in health}),
        "healthz_max_ms": max((h[2] for h in health), default=0.0),
        "reminder_rows": len(ids),
        "enqueued_while_down": outage["enqueued_while_down"],
        "enqueue_ms_while_down": outage["enqueue_ms"],
        "pending_after_sweep": outage["pending_after_sweep"],
        "reminders": statuses,
        "mails": len(recipients),
        "mails_twice": len(recipients) - len(set(recipients)),
        "reminders_done_s_after_redelivery": delivered_s,
    }


def redis_outage(redis: PrivateRedis, seconds: float, run_started: float, outage: dict) -> None:
    """Stop Redis a quarter in; during the outage run the daily sweep (its doorbell fails); start
    Redis again at two thirds."""
    from reviews.models import Reminder
    from reviews.reminders import services as reminders
    from reviews.tasks import enqueue_sends

    time.sleep(seconds / 4)
    redis.stop()
    outage["down_at"] = time.monotonic() - run_started
    # The sweep's own after-commit step, timed apart from the sweep (which shares the CPUs).
    rows = reminders.reminders_sweep(today=SWEEP_DAY)
    outage["reminder_ids"] = [r.pk for r in rows]
    started = time.monotonic()
    outage["enqueued_while_down"] = enqueue_sends(outage["reminder_ids"])
    outage["enqueue_ms"] = (time.monotonic() - started) * 1000
    outage["pending_after_sweep"] = Reminder.objects.filter(
        pk__in=outage["reminder_ids"], status="pending"
    ).count()
    time.sleep(max(0.0, run_started + seconds * 2 / 3 - time.monotonic()))
    redis.start()
    outage["up_at"] = time.monotonic() - run_started


def watch_health(port: int, run_started: float, outage: dict) -> None:
    """GET /healthz every half second until Redis is back: (when, status, ms, broker)."""
    http = Http(port)
    while "up_at" not in outage:
        began = time.monotonic()
        status, data, _headers = http.request("GET", "/healthz")
        broker = json.loads(data).get("broker") if status in (200, 503) else None
        took = (time.monotonic() - began) * 1000
        outage["health"].append((began - run_started, status, took, broker))
        time.sleep(0.5)


def mail_recipients(mail_dir: Path) -> list[str]:
    if not mail_dir.exists():
        return []
    return [
        line.split(": ", 1)[1]
        for path in mail_dir.iterdir()
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines()
        if line.startswith("To: ")
    ]


# --- main --------------------------------------------------------------------------------------------

RUNS = {"steady": run_steady, "pg-restart": run_pg_restart, "redis-down": run_redis_down}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--viewers", type=int, default=5, help="ministry viewers (steady run)")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--runs", default=",".join(RUNS))
    parser.add_argument("--json", action="store_true", help="print only the JSON line")
    parser.add_argument(
        "--statements",
        action="store_true",
        help="steady run: where PostgreSQL's time went (pg_stat_statements, top statements)",
    )
    args = parser.parse_args()
    runs = [r.strip() for r in args.runs.split(",") if r.strip()]
    unknown = set(runs) - set(RUNS)
    if unknown:
        parser.error(f"unknown runs: {', '.join(sorted(unknown))}; choose from {', '.join(RUNS)}")
    with (
        tempfile.TemporaryDirectory(prefix="jisreview-load-") as directory,
        PrivatePostgres(settings=STATEMENTS if args.statements else None) as postgres,
    ):
        tmp = Path(directory)
        results = {
            "config": {"clients": args.clients, "viewers": args.viewers, "seconds": args.seconds}
        }
        services = Services(postgres=postgres, redis=PrivateRedis(tmp))
        services.redis.start()
        gunicorn = Gunicorn()
        try:
            setup_django(services, tmp / "parent")
            web = app_environment(services, tmp / "web", debug=False)
            collect_static(web)
            gunicorn.start(web, tmp / "gunicorn.log")
            results["config"]["gunicorn"] = (
                f"{gunicorn.workers} workers × {gunicorn.threads} threads"
            )
            results["config"]["load_average_before"] = _load_average()
            for run in runs:
                results[run] = RUNS[run](
                    port=gunicorn.port,
                    clients=args.clients,
                    viewers=args.viewers,
                    seconds=args.seconds,
                    services=services,
                    tmp=tmp,
                    gunicorn=gunicorn,
                    statements=args.statements,
                )
                if not args.json:
                    print(f"{run}: {json.dumps(results[run], ensure_ascii=False)}", file=sys.stderr)
        finally:
            gunicorn.stop()
            services.redis.stop()
    results["config"]["load_average_after"] = _load_average()
    print(json.dumps(results, ensure_ascii=False))


def _load_average() -> str:
    """The machine's 1, 5 and 15 minute load averages: a figure measured on a busy machine says so."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


if __name__ == "__main__":
    main()
