"""Issue #12's slow import, as a coordinator meets it: the catalog page's import form posted with a
file that updates 3,000 standards of the demo catalog (new titles; 1,000 of them withdrawn, those
with open survey assignments first), timed from the request to the rendered answer, the
post-commit work included (the catalog-change signal's followers: assignments withdrawn, priority
verdicts and alignments recomputed, or all of it handed to the worker past
standards.services.FOLLOW_AT_ONCE_UP_TO, which is then timed on its own). gunicorn answers 500
after 30 s.

scripts/bench.py runs child_import_updates() in a process of its own, after the demo survey exists
(it changes the catalog: it runs after the figures that read the demo as it was).
"""

import csv
import io
import time

UPDATED = 3000
WITHDRAWN = 1000


def _update_file(withdraw_first: set[str]) -> tuple[bytes, int]:
    """The demo CSV with UPDATED rows changed; returns it and how many rows it withdraws."""
    from bench import ROOT

    with (ROOT / "fixtures" / "demo_catalog.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    number, title, status = (header.index(name) for name in ("number", "title_ja", "status"))
    active = [row for row in body if row[status] == "active"]
    chosen = [row for row in active if row[number] in withdraw_first][:WITHDRAWN]
    chosen += [row for row in active if row[number] not in withdraw_first][
        : WITHDRAWN - len(chosen)
    ]
    for row in chosen:
        row[status] = "withdrawn"
    withdrawn = {id(row) for row in chosen}
    others = [row for row in body if id(row) not in withdrawn][: UPDATED - len(chosen)]
    for row in [*chosen, *others]:
        row[title] += "（改正案）"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *body])
    return out.getvalue().encode(), len(chosen)


def child_import_updates() -> dict:
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from reviews.models import Assignment
    from reviews.survey import workflow
    from standards.import_followers import catalog_changed_send
    from standards.models import Standard
    from standards.services import FOLLOW_AT_ONCE_UP_TO

    open_assignments = Assignment.objects.exclude(state__in=workflow.CLOSED_STATES)
    with_open = set(open_assignments.values_list("standard__number", flat=True))
    data, withdrawn = _update_file(with_open)
    before = open_assignments.count()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username="coordinator"))
    upload = SimpleUploadedFile("updates.csv", data, content_type="text/csv")
    started = time.perf_counter()
    response = client.post("/standards/import/", {"file": upload})
    seconds = time.perf_counter() - started
    assert response.status_code == 200, response.status_code
    numbers = list(
        Standard.objects.filter(title_ja__endswith="（改正案）").values_list("number", flat=True)
    )
    assert len(numbers) == UPDATED, f"{len(numbers)} standards updated, not {UPDATED}"
    # What the worker then does for them (the request handed it over past FOLLOW_AT_ONCE_UP_TO).
    started = time.perf_counter()
    catalog_changed_send.run(numbers)
    followers_seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "updated": len(numbers),
        "withdrawn": withdrawn,
        "assignments_withdrawn": before - open_assignments.count(),
        "on_worker": len(numbers) > FOLLOW_AT_ONCE_UP_TO,
        "followers_seconds": followers_seconds,
    }
