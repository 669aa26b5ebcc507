"""Issue #16's pre-check figure: routing a year of the plan (about 2,200 standards of the demo
catalog) after the pre-check — every drafting body's pool has confirmed its list, 100 standards
were marked "not ours" and re-routed to another body — target ≤ 2 s. The figure is the batch
preview (reviews.survey.selectors.batch_plan: read the year, route every standard, re-routes
pinned, cut and balance); also measured: making those batches (the same plus writing every
assignment), the pre-check's own routing of the year (the overview's lists) and "confirm all".

`child_precheck()` runs in a process already set up for Django on a migrated scratch database, as
scripts/bench.py's measurements are; it imports the demo catalog and plans it when there is no
plan. Run this file for the figure alone; like bench.py it makes its own database
(jisreview_bench_<8 hex>) on the server of BENCH_DATABASE_URL or DATABASE_URL and drops it:

    .venv/bin/python scripts/bench_precheck.py
"""

import datetime as dt
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 3
MARKS = 100
TARGET_SECONDS = 2.0
NOBODY_EVERY = 10  # one drafting body in ten has no pool: its standards fall to the ministry's


def _programme():
    """The current plan, made from the demo catalog when there is none."""
    from reviews.demo import demo_catalog_load
    from reviews.plan import services as plan_services
    from reviews.plan.selectors import current_programme
    from reviews.survey import services as survey_services
    from standards.models import Standard

    if not Standard.objects.exists():
        demo_catalog_load()
    programme = current_programme()
    if programme is None or not programme.entries.exists():
        programme = plan_services.programme_get_or_create(start_fy=2026, years=5, capacity=2200)
        plan_services.programme_plan(programme=programme, today=dt.date(2026, 3, 1))
    form = json.loads((ROOT / "fixtures" / "questionnaire_fy2026.json").read_text("utf-8"))
    survey_services.questionnaire_publish(definition=form)
    return programme


def _pools(bodies: list[str]) -> None:
    """A reviewer pool of two for nine drafting bodies in ten, and one for each ministry."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from accounts.roles import Role
    from reviews.survey.models import RoutingRule
    from standards.models import Ministry

    user_model = get_user_model()
    pools = [("drafting_body", b) for i, b in enumerate(bodies) if i % NOBODY_EVERY]
    pools += [("ministry", code) for code in Ministry.objects.values_list("code", flat=True)]
    people = user_model.objects.bulk_create(
        [
            user_model(username=f"bench-pool{i:04d}-{n}", email=f"pool{i}-{n}@bench.example.jp")
            for i in range(len(pools))
            for n in range(2)
        ]
    )
    reviewer = Group.objects.get(name=Role.REVIEWER)
    user_model.groups.through.objects.bulk_create(
        [user_model.groups.through(user_id=u.pk, group_id=reviewer.pk) for u in people]
    )
    rules = RoutingRule.objects.bulk_create(
        [RoutingRule(kind=kind, value=value) for kind, value in pools], ignore_conflicts=True
    )
    rules = {(r.kind, r.value): r for r in RoutingRule.objects.all()}
    through = RoutingRule.reviewers.through
    through.objects.bulk_create(
        [
            through(routingrule_id=rules[pool].pk, user_id=people[2 * i + n].pk)
            for i, pool in enumerate(pools)
            for n in range(2)
        ],
        ignore_conflicts=True,
    )


def _precheck(programme, year: int) -> dict:
    """Every pool confirms its list, after MARKS standards were marked "not ours" and re-routed
    to the next body's pool (all as the coordinator would, through the services)."""
    from django.contrib.auth import get_user_model

    from reviews.precheck import selectors, services
    from standards.models import Standard

    by, _ = get_user_model().objects.get_or_create(username="bench-coordinator")
    routing = selectors.year_routing(programme, year)
    bodies = [org for org in routing.organisations() if org[0] == "drafting_body"]
    marked = 0
    started = time.perf_counter()
    for index, org in enumerate(bodies):
        if marked >= MARKS:
            break
        standard = Standard.objects.get(pk=routing.lists[org][0])
        answer = services.precheck_answer(
            programme=programme,
            fiscal_year=year,
            organisation=org,
            standard=standard,
            verdict="not_ours",
            comment="bench",
            by=by,
        )
        services.mark_resolve(answer=answer, to=bodies[(index + 1) % len(bodies)], by=by)
        marked += 1
    marking = time.perf_counter() - started
    started = time.perf_counter()
    confirmed = sum(
        services.precheck_confirm_all(
            programme=programme, fiscal_year=year, organisation=org, by=by
        )
        for org in selectors.year_routing(programme, year).organisations()[:20]
    )
    confirm_20 = time.perf_counter() - started
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        routing = selectors.year_routing(programme, year)
        timings.append(time.perf_counter() - started)
    return {
        "organisations": len(routing.lists),
        "marks": marked,
        "mark_and_reroute_seconds_each": marking / max(marked, 1),
        "confirm_all_20_organisations_seconds": confirm_20,
        "confirmed": confirmed,
        "precheck_routing_seconds": statistics.median(timings),
        "unrouted": len(routing.unrouted),
    }


def child_precheck() -> dict:
    """For scripts/bench.py: the year of the plan with the most standards, pre-checked, then routed RUNS times (median, slowest) and cut into batches once."""
    from django.db import transaction
    from django.db.models import Count

    from reviews.survey import selectors as survey_selectors
    from reviews.survey import services as survey_services
    from standards.models import DraftingBody

    programme = _programme()
    _pools(list(DraftingBody.objects.order_by("name").values_list("name", flat=True)))
    year, size = (
        programme.entries.values("fiscal_year")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("fiscal_year", "n")
        .first()
    )
    precheck = _precheck(programme, year)
    selection = {
        "programme": programme,
        "fiscal_year": year,
        "due_on": dt.date(year, 10, 9),
        "today": dt.date(year, 7, 1),
        "max_size": 50,
    }
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        plan = survey_selectors.batch_plan(**selection)
        timings.append(time.perf_counter() - started)
    started = time.perf_counter()
    with transaction.atomic():
        batches = survey_services.batches_create(by=None, **selection)
        created = time.perf_counter() - started
        transaction.set_rollback(True)  # leave the year unbatched for the other measurements
    return {
        "fiscal_year": year,
        "standards": plan.n_standards,
        "planned": size,
        "batches": len(batches),
        "runs": RUNS,
        "seconds": statistics.median(timings),
        "worst_seconds": max(timings),
        "create_seconds": created,
        **precheck,
    }


def report(figures: dict) -> int:
    met = figures["seconds"] <= TARGET_SECONDS
    print(
        f"routing FY{figures['fiscal_year']} after the pre-check ({figures['standards']} standards, "
        f"{figures['organisations']} organisations, {figures['marks']} re-routed): "
        f"{figures['seconds']:.2f} s median of {figures['runs']} (worst "
        f"{figures['worst_seconds']:.2f} s; target ≤ {TARGET_SECONDS} s) {'yes' if met else 'NO'}"
    )
    print(
        f"  making its {figures['batches']} batches {figures['create_seconds']:.2f} s; the "
        f"pre-check's routing of the year {figures['precheck_routing_seconds']:.2f} s; "
        f"mark + re-route {figures['mark_and_reroute_seconds_each'] * 1000:.0f} ms each; "
        f"confirm all for 20 organisations {figures['confirm_all_20_organisations_seconds']:.2f} s"
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "scripts"))
    from bench import run_alone

    sys.exit(run_alone(__file__, child_precheck, report))
