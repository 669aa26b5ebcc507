"""Issue #16's roster figure: a 2,000-person roster (CSV, Japanese headers, every drafting body of
the demo catalog, ministry and division pools) imported in-process — read, validated, people,
roles and routing rules written, new people's invitations recorded in the outbox — target ≤ 2 s.
Also its dry run, and the same file imported again unchanged (which writes nothing).

`child_roster()` runs in a process already set up for Django on a migrated scratch database with
the demo catalog, as scripts/bench.py's measurements are (after its catalog import); it imports
the demo catalog itself when the catalog is empty. Run this file for the figure alone; like
bench.py it makes its own database (jisreview_bench_<8 hex>) on the server of BENCH_DATABASE_URL
or DATABASE_URL and drops it at the end:

    .venv/bin/python scripts/bench_roster.py
"""

import csv
import inspect
import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEOPLE = 2000
RUNS = 3
TARGET_SECONDS = 2.0
HEADER = ["メールアドレス", "氏名", "所属", "役割", "主務大臣", "原案作成団体", "部門", "言語"]
MINISTERS = ("経済産業大臣", "国土交通大臣", "厚生労働大臣", "農林水産大臣", "総務大臣", "環境大臣")


def roster_bytes(bodies: list[str], run: int, people: int = PEOPLE) -> bytes:
    """`people` rows: nine in ten answer for a drafting body (one in ten of those for two), the
    rest are ministry reviewers, division pools and ministry viewers. `run` makes the addresses new."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for n in range(people):
        email = f"person{n:05d}.run{run}@bench.example.jp"
        body = bodies[n % len(bodies)]
        minister = MINISTERS[n % len(MINISTERS)]
        if n % 10 == 9:
            kind = n // 10 % 3
            role = "府省閲覧者" if kind == 2 else "調査回答者"
            cells = [minister, "", "BCQ"[n % 3] if kind == 1 else ""]
            organisation = minister.replace("大臣", "省")
        else:
            second = f"、{bodies[(n + 7) % len(bodies)]}" if n % 10 == 0 else ""
            role, cells, organisation = "調査回答者", ["", body + second, ""], body
        language = "en" if n % 11 == 0 else "ja"
        writer.writerow([email, f"試験 太郎{n}", organisation, role, *cells, language])
    return out.getvalue().encode("utf-8-sig")


def _catalog_bodies() -> list[str]:
    from standards.models import DraftingBody

    if not DraftingBody.objects.exists():
        from reviews.demo import demo_catalog_load

        demo_catalog_load()
    return list(DraftingBody.objects.order_by("name").values_list("name", flat=True))


class _Stopwatch:
    """Times the invitations the import records (reviews.people, its own figure in the issue) and
    the doorbells rung for them after commit, inside the import's total."""

    def __init__(self, people_services):
        self.invite = people_services.invitations_send
        self.recording = self.ringing = 0.0

    def invitations_send(self, *, users, by):
        enqueue = inspect.signature(self.invite).parameters["enqueue"].default

        def ring(ids):
            started = time.perf_counter()
            try:
                return enqueue(ids)
            finally:
                self.ringing += time.perf_counter() - started

        started = time.perf_counter()
        try:
            return self.invite(users=users, by=by, enqueue=ring)
        finally:
            self.recording += time.perf_counter() - started


def child_roster() -> dict:
    """For scripts/bench.py: RUNS imports of a new 2,000-person roster each (median and slowest,
    and how much of it the invitations took), the dry run of one more, and an unchanged re-import
    with the invitations it recorded (none)."""
    from django.db import connection

    from reviews.roster import services

    bodies = _catalog_bodies()
    timings, recording, ringing = [], [], []
    real = services.people_services.invitations_send
    for run in range(RUNS):
        data = roster_bytes(bodies, run)
        watch = _Stopwatch(services.people_services)
        services.people_services.invitations_send = watch.invitations_send
        try:
            started = time.perf_counter()
            result = services.roster_import(rows_or_file=data, by=None, filename="roster.csv")
            timings.append(time.perf_counter() - started)
        finally:
            services.people_services.invitations_send = real
        recording.append(watch.recording)
        ringing.append(watch.ringing)
        assert result.written and len(result.created) == PEOPLE, result.report.errors[:3]
    started = time.perf_counter()
    dry = services.roster_import(rows_or_file=roster_bytes(bodies, RUNS), by=None, dry_run=True)
    dry_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM reviews_reminder")
        (outbox_before,) = cursor.fetchone()
    started = time.perf_counter()
    again = services.roster_import(rows_or_file=roster_bytes(bodies, 0), by=None)
    reimport_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM reviews_reminder")
        (outbox_after,) = cursor.fetchone()
    return {
        "people": PEOPLE,
        "runs": RUNS,
        "bodies": len(bodies),
        "seconds": statistics.median(timings),
        "worst_seconds": max(timings),
        "seconds_to_commit": statistics.median(
            t - r for t, r in zip(timings, ringing, strict=True)
        ),
        "invitations_record_seconds": statistics.median(recording),
        "invitations_enqueue_seconds": statistics.median(ringing),
        "dry_run_seconds": dry_seconds,
        "dry_run_created": len(dry.created),
        "reimport_seconds": reimport_seconds,
        "reimport_unchanged": again.unchanged,
        "reimport_changed": len(again.updated),
        "reimport_invitations": outbox_after - outbox_before,
        "coverage_gaps": len(again.coverage.gaps),
    }


def report(figures: dict) -> int:
    met = figures["seconds"] <= TARGET_SECONDS
    print(
        f"roster of {figures['people']} people over {figures['bodies']} drafting bodies: "
        f"{figures['seconds']:.2f} s median of {figures['runs']} (worst "
        f"{figures['worst_seconds']:.2f} s; target ≤ {TARGET_SECONDS} s) {'yes' if met else 'NO'}"
    )
    print(
        f"  to commit (people, roles, routing, invitations recorded) "
        f"{figures['seconds_to_commit']:.2f} s, of which invitations "
        f"{figures['invitations_record_seconds']:.2f} s; then the doorbells after commit "
        f"{figures['invitations_enqueue_seconds']:.2f} s"
    )
    print(
        f"  dry run {figures['dry_run_seconds']:.2f} s; unchanged re-import "
        f"{figures['reimport_seconds']:.2f} s ({figures['reimport_unchanged']} unchanged, "
        f"{figures['reimport_changed']} changed, {figures['reimport_invitations']} invitations); "
        f"{figures['coverage_gaps']} bodies without anyone"
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "scripts"))
    from bench import run_alone

    sys.exit(run_alone(__file__, child_roster, report))
