"""The invitation sweep's speed (issue #16): 2,000 people who have never signed in, invited in one
call — each invitation and its outbox row recorded in one transaction, then the rows' send tasks
handed to the broker after commit. Target: ≤ 5 s for the whole.

The broker is a private redis-server started for the measurement, so the tasks (one per 100
invitations) reach no worker and no one else's queue. scripts/bench.py can run child_invitations() in a process of its
own (after its setup_django()); run alone, this file makes its own scratch database (as bench.py
does, on BENCH_DATABASE_URL or DATABASE_URL's server), migrates it, measures and drops it:

    .venv/bin/python scripts/bench_invitations.py [PEOPLE]
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEOPLE = 2000
TARGET_SECONDS = 5.0
PREFIX = "bench-invite-"


def _people(count: int):
    """`count` reviewers fresh from a roster: no usable password, never signed in."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    from accounts.roles import Role

    User = get_user_model()
    User.objects.filter(username__startswith=PREFIX).delete()
    users = User.objects.bulk_create(
        User(
            username=f"{PREFIX}{i:05d}",
            email=f"{PREFIX}{i:05d}@example.or.jp",
            password=make_password(None),
        )
        for i in range(count)
    )
    Group.objects.get(name=Role.REVIEWER).user_set.add(*users)
    coordinator, _created = User.objects.get_or_create(username=f"{PREFIX}coordinator")
    return list(User.objects.filter(pk__in=[u.pk for u in users])), coordinator


def child_invitations(people: int = PEOPLE) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jisreview.celery import app
    from reviews.models import Invitation, Reminder
    from reviews.people import services
    from reviews.people.tasks import enqueue_invitation_sends
    from scripts.local_services import PrivateRedis

    users, coordinator = _people(people)
    with tempfile.TemporaryDirectory() as folder:
        broker = PrivateRedis(Path(folder))
        broker.start()
        os.environ["CELERY_BROKER_URL"] = broker.url(0)  # Celery reads it before its settings
        app._pool = None
        app.amqp._producer_pool = None
        try:
            enqueued = []
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                invitations = services.invitations_send(
                    users=users,
                    by=coordinator,
                    enqueue=lambda ids: enqueued.append(enqueue_invitation_sends(ids)),
                )
            seconds = time.perf_counter() - started
            queued = subprocess.run(
                ["redis-cli", "-p", str(broker.port), "llen", "celery"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
        finally:
            broker.stop()
    recorded = Reminder.objects.filter(kind="invitation", invitation__in=invitations).count()
    Invitation.objects.filter(user__username__startswith=PREFIX).delete()
    Reminder.objects.filter(kind="invitation", recipient__startswith=PREFIX).delete()
    users[0].__class__.objects.filter(username__startswith=PREFIX).delete()
    return {
        "seconds": seconds,
        "people": people,
        "recorded": recorded,
        "enqueued": sum(enqueued),
        "in_queue": int(queued),
        "queries": len(queries),
    }


def main() -> int:
    people = int(sys.argv[1]) if len(sys.argv) > 1 else PEOPLE
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "scripts"))
    from bench import DATABASE_PREFIX, server_url, setup_django
    from local_services import ScratchDatabases

    databases = ScratchDatabases(server_url(), prefix=DATABASE_PREFIX)
    os.environ["DATABASE_URL"] = databases.create()
    try:
        setup_django()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        result = child_invitations(people)
        from django.db import connections

        connections.close_all()
    finally:
        databases.drop_all()
    print(json.dumps(result))
    print(
        f"{result['people']} invitations recorded and enqueued in {result['seconds']:.2f} s "
        f"({result['queries']} queries; {result['in_queue']} tasks in the queue); "
        f"target ≤ {TARGET_SECONDS:.0f} s",
        file=sys.stderr,
    )
    return 0 if result["seconds"] <= TARGET_SECONDS * people / PEOPLE else 1


if __name__ == "__main__":
    sys.exit(main())
