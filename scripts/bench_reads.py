"""Reads over HTTP (issue #18, item 2): the catalog page, METI's priority list, the progress report
and the plan summary, each through gunicorn as shipped (deploy/gunicorn.conf.py, debug off) with
token authentication, one keep-alive connection, sequential requests. Targets: ≤ 20 ms median,
≤ 40 ms p95, ≤ 5 queries each (counted in-process with Django's test client on the same URL and
user, as a request through gunicorn makes the same queries).

scripts/bench.py can run child_reads() after its "ministry" measurement (the demo catalog planned,
the demo survey with a year of accepted responses). Run alone, this file makes its own database on
the bench server (scripts/bench.py's rules), fills it the same way, measures and drops it:

    .venv/bin/python scripts/bench_reads.py [--keep | --database URL]   (BENCH_READS_REQUESTS=200)
"""

import http.client
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

# Neighbours in scripts/, which Python puts on the path when it runs this file.
from api_tokens import make_token
from local_services import PrivateRedis, free_port, wait_for

ROOT = Path(__file__).resolve().parent.parent
REQUESTS = int(os.environ.get("BENCH_READS_REQUESTS", "200"))
WARM_UP = 20
# name → (user, URL): what each page's users ask for
PAGES = {
    "catalog": ("meti", "/api/standards/?page_size=50&division=K&q=試験&ordering=-review_due_on"),
    "priorities": ("meti", "/api/priorities/?page_size=50"),
    "progress": ("meti", "/api/reports/progress/"),
    "progress_all": ("coordinator", "/api/reports/progress/"),
    "plan_summary": ("coordinator", "/api/plan/summary/"),
}


class Keepalive:
    """One HTTP/1.1 connection kept open, as an API client keeps it; X-Forwarded-Proto is what the
    TLS proxy in front of gunicorn sends."""

    def __init__(self, port: int, token: str):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.headers = {"Authorization": f"Token {token}", "X-Forwarded-Proto": "https"}

    def get(self, path: str) -> tuple[int, bytes]:
        self.conn.request("GET", quote(path, safe="/?&=-_.,"), headers=self.headers)
        response = self.conn.getresponse()
        body = response.read()
        if response.will_close:
            self.conn.close()
        return response.status, body


def start_gunicorn(port: int, environment: dict, log: Path) -> subprocess.Popen:
    """gunicorn with the shipped configuration file; workers and threads from the environment."""
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "--config", "deploy/gunicorn.conf.py"),
            *("--bind", f"127.0.0.1:{port}", "--error-logfile", str(log)),
            "jisreview.wsgi:application",
        ],
        cwd=ROOT,
        env=environment,
        stdout=log.with_suffix(".out").open("a"),
        stderr=subprocess.STDOUT,
    )

    def up() -> bool:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz", headers={"X-Forwarded-Proto": "https"})
            return conn.getresponse().status in (200, 503)
        except OSError:
            return False

    if not wait_for(up, 60, 0.3):
        process.terminate()
        output = log.with_suffix(".out").read_text(errors="replace")[-3000:]
        raise RuntimeError(f"gunicorn did not start:\n{output}")
    return process


def _ensure_accepted_year() -> None:
    """The data child_ministry leaves (a year of accepted responses), made here when run alone."""
    from reviews.models import StandardOutcome

    if not StandardOutcome.objects.exists():
        import bench

        bench._a_year_of_responses()


def _queries(username: str, url: str) -> int:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(
        HTTP_AUTHORIZATION=f"Token {make_token(get_user_model().objects.get(username=username))}",
        HTTP_HOST="127.0.0.1",
    )
    client.get(url)  # the first request fills per-process caches (questionnaire, programme …)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def child_reads() -> dict:
    from django.contrib.auth import get_user_model

    _ensure_accepted_year()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    users = get_user_model().objects
    tokens = {name: make_token(users.get(username=name)) for name in {u for u, _ in PAGES.values()}}
    results: dict = {"load_average_before": _load_average()}
    with tempfile.TemporaryDirectory(prefix="jisreview-reads-") as directory:
        tmp = Path(directory)
        redis = PrivateRedis(tmp)  # the cache and the (idle) broker, as in production
        redis.start()
        environment = {
            **os.environ,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "reads-" + secrets.token_urlsafe(48),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "CACHE_URL": redis.url(0),
            "CELERY_BROKER_URL": redis.url(1),
            "EMAIL_HOST": "127.0.0.1",  # required with debug off; nothing is sent here
            "JISREVIEW_VAR_DIR": str(tmp / "var"),
            "LOG_LEVEL": "WARNING",
        }
        port = free_port()
        server = start_gunicorn(port, environment, tmp / "gunicorn.log")
        try:
            for name, (user, url) in PAGES.items():
                client = Keepalive(port, tokens[user])
                for _ in range(WARM_UP):
                    status, body = client.get(url)
                    assert status == 200, (name, status, body[:300])
                timings = []
                for _ in range(REQUESTS):
                    started = time.perf_counter()
                    status, _body = client.get(url)
                    timings.append((time.perf_counter() - started) * 1000)
                    assert status == 200, (name, status)
                cuts = statistics.quantiles(timings, n=100, method="inclusive")
                results[name] = {
                    "median_ms": statistics.median(timings),
                    "p95_ms": cuts[94],
                    "queries": _queries(user, url),
                }
        finally:
            server.terminate()
            server.wait(timeout=30)
            redis.stop()
    results["load_average_after"] = _load_average()
    results["gunicorn"] = (
        f"{os.environ.get('JISREVIEW_WEB_WORKERS', f'{max(2, os.cpu_count() or 1)} (default)')} "
        f"workers × {os.environ.get('JISREVIEW_WEB_THREADS', '2 (default)')} threads"
    )
    return results


def main() -> None:
    """Alone: a bench database filled as scripts/bench.py fills it up to "ministry", then this.
    With --keep the database is left for the next run, which --database <its URL> reuses."""
    import argparse

    import bench
    from local_services import ScratchDatabases

    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--keep", action="store_true", help="leave the database (prints its URL)")
    parser.add_argument("--database", help="a database an earlier --keep run left")
    args = parser.parse_args()
    databases = ScratchDatabases(bench.server_url(), prefix=bench.DATABASE_PREFIX)
    if args.database:
        os.environ["DATABASE_URL"] = args.database
    else:
        os.environ["DATABASE_URL"] = databases.create()
        print(f"database: {os.environ['DATABASE_URL']}", file=sys.stderr)
    try:
        for name in () if args.database else ("migrate", "import", "plan", "survey_pages"):
            bench.run_child(name)
        result = subprocess.run(
            [sys.executable, __file__, "child"],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            sys.exit(result.stderr[-5000:])
        print(result.stdout.strip().splitlines()[-1])
    finally:
        if not args.keep:
            databases.drop_all()


if __name__ == "__main__":
    if sys.argv[1:] == ["child"]:
        import bench

        bench.setup_django()
        print(json.dumps(child_reads()))
    else:
        main()
