"""Where a request of the load run spends its CPU: each kind the load run sends (scripts/load.py),
through Django's whole handler (middleware, authentication, the view, the template or serializer) in
this one process, without HTTP or other threads. Prints the CPU per request of each kind, median and
mean, and what share of the run's CPU it is; with --profile KIND, a cProfile of that kind.

    .venv/bin/python scripts/profile_requests.py [--cycles 20] [--profile put] [--keep | --database URL]

The data is the load run's (20 reviewers with 150 assignments each, 5 METI viewers), made in a
database of its own on the bench server (scripts/bench.py's rules: BENCH_DATABASE_URL, else
DATABASE_URL) and dropped at the end unless --keep; --database reuses one kept before. The shared
cache is a private redis-server, as in production (the figures are cached only in a shared cache).
Each cycle is what a reviewer and a viewer do in the load run: the reviewer's list, the response,
five drafts (the questionnaire page before the third), the submit; the viewer reads the priority
list, the progress report and the burn-down after each draft, and the dashboard page once.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

# Neighbours in scripts/, which Python puts on the path when it runs this file.
import load
from api_tokens import make_token
from local_services import PrivateRedis, ScratchDatabases

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("list", "get", "put", "page", "submit", "priorities", "progress", "burndown", "dashboard")


def make_world() -> None:
    """The load run's reviewers, viewers and assignments, and the planner's statistics."""
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    load.make_reviewers("steady", 20, load.ASSIGNMENTS_PER_CLIENT)
    load.make_viewers("steady", 5)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


class Run:
    """One reviewer (the one with the most open assignments) and one viewer, as test clients."""

    def __init__(self):
        from django.test import Client

        from reviews.models import Assignment

        users = {user.username: user for user in _users()}
        reviewer = max(
            (u for name, u in users.items() if "viewer" not in name and name[-2:].isdigit()),
            key=lambda u: Assignment.objects.filter(reviewer=u, state__in=OPEN).count(),
        )
        viewer = next(u for name, u in users.items() if "viewer" in name)
        self.open = list(
            Assignment.objects.filter(reviewer=reviewer, state__in=OPEN)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        https = {"HTTP_X_FORWARDED_PROTO": "https"}
        self.api = Client(HTTP_AUTHORIZATION=f"Token {make_token(reviewer)}", **https)
        self.page = Client(**https)
        self.page.cookies["sessionid"] = load._session_for(reviewer)
        self.viewer_api = Client(HTTP_AUTHORIZATION=f"Token {make_token(viewer)}", **https)
        self.viewer_page = Client(**https)
        self.viewer_page.cookies["sessionid"] = load._session_for(viewer)
        self.answers = load._complete()
        self.spent: dict[str, list[float]] = {kind: [] for kind in KINDS}
        self.profile_kind: str | None = None
        self.profiler = cProfile.Profile()

    def cycle(self, assignment: int) -> None:
        self.timed("list", self.api.get, "/api/assignments/?page_size=50")
        url = f"/api/assignments/{assignment}/response/"
        version = self.timed("get", self.api.get, url).json()["version"]
        for n in range(5):
            if n == 2:
                self.timed("page", self.page.get, f"/reviews/assignments/{assignment}/")
            body = {"answers": {**self.answers, "procurers_detail": f"#{n}"}, "version": version}
            saved = self.timed("put", self.api.put, url, body, content_type="application/json")
            version = saved.json()["version"]
            self.timed("priorities", self.viewer_api.get, "/api/priorities/?page_size=50")
            self.timed("progress", self.viewer_api.get, "/api/reports/progress/")
            self.timed("burndown", self.viewer_api.get, "/api/reports/burndown/")
        self.timed("dashboard", self.viewer_page.get, "/reviews/dashboard/")
        self.timed("submit", self.api.post, f"/api/assignments/{assignment}/submit/")

    def timed(self, kind: str, call, *args, **kwargs):
        profiled = kind == self.profile_kind
        if profiled:
            self.profiler.enable()
        started = time.process_time()
        response = call(*args, **kwargs)
        self.spent[kind].append(time.process_time() - started)
        if profiled:
            self.profiler.disable()
        if response.status_code != 200:
            raise SystemExit(f"{kind}: {args[0]} answered {response.status_code}")
        return response


OPEN = ("assigned", "in_progress")


def _users():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(username__startswith="load-steady-")


def report(spent: dict[str, list[float]]) -> None:
    total = sum(sum(times) for times in spent.values())
    print(f"{'request':<11} {'count':>5} {'median':>9} {'mean':>9} {'share':>6}")
    for kind, times in spent.items():
        print(
            f"{kind:<11} {len(times):>5} {statistics.median(times) * 1000:>6.2f} ms"
            f" {statistics.fmean(times) * 1000:>6.2f} ms {100 * sum(times) / total:>5.1f}%"
        )
    count = sum(len(times) for times in spent.values())
    print(f"{'all':<11} {count:>5} {'':>9} {total * 1000 / count:>6.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--cycles", type=int, default=20)
    parser.add_argument("--profile", choices=KINDS, help="print a cProfile of this kind")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--keep", action="store_true", help="keep the database made")
    where.add_argument("--database", help="a database kept by an earlier --keep")
    args = parser.parse_args()

    import bench

    databases = ScratchDatabases(bench.server_url(), prefix="jisreview_profile")
    url = args.database or databases.create()
    with tempfile.TemporaryDirectory(prefix="jisreview-profile-") as directory:
        redis = PrivateRedis(Path(directory))
        redis.start()
        try:
            os.environ.update(
                DJANGO_SETTINGS_MODULE="jisreview.settings",
                DJANGO_DEBUG="0",
                DJANGO_SECRET_KEY="profile-" + "x" * 56,
                DJANGO_ALLOWED_HOSTS="127.0.0.1,testserver",
                DATABASE_URL=url,
                CACHE_URL=redis.url(0),
                CELERY_BROKER_URL=redis.url(1),
                EMAIL_HOST="127.0.0.1",
                JISREVIEW_VAR_DIR=str(Path(directory) / "var"),
                LOG_LEVEL="WARNING",
            )
            sys.path.insert(0, str(ROOT))
            import django

            django.setup()
            if not args.database:
                make_world()
            run = Run()
            if len(run.open) < args.cycles + 3:
                raise SystemExit(f"{len(run.open)} open assignments left: make a new database")
            for assignment in run.open[:3]:  # warm: the first requests fill caches
                run.cycle(assignment)
            run.spent = {kind: [] for kind in KINDS}
            run.profile_kind = args.profile
            for assignment in run.open[3 : 3 + args.cycles]:
                run.cycle(assignment)
            report(run.spent)
            if args.profile:
                pstats.Stats(run.profiler).sort_stats("cumulative").print_stats(40)
        finally:
            redis.stop()
            if args.keep or args.database:
                print(f"database kept: {url}", file=sys.stderr)
            else:
                databases.drop_all()


if __name__ == "__main__":
    main()
