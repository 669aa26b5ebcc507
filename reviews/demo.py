"""The demo data set behind `seed_demo`: the demo catalog, one user per role, the plan and a survey
under way. It spans every step of the review, so it sits beside them at the app's level."""

import datetime as dt
import json
import os
import random
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count

from accounts.roles import Role
from reviews.plan import services as plan_services
from reviews.priority.services import priorities_recompute
from reviews.survey import questionnaire
from reviews.survey import services as survey_services
from reviews.survey.models import Assignment, Batch, RoutingRule
from standards import selectors, services
from standards.models import DraftingBody, Ministry

DEMO_CATALOG = Path(__file__).resolve().parent.parent / "fixtures" / "demo_catalog.csv"
DEFAULT_DEMO_PASSWORD = "jisreview-demo"
DEMO_START_FY = 2026
# reviewer1–4 sit in ministries; reviewer5–8 in the four largest drafting bodies (METI's remit).
REVIEWER_MINISTRIES = ("METI", "MLIT", "MHLW", "MAFF", "METI", "METI", "METI", "METI")


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    ministry: str | None = None
    drafting_body: str | None = None
    superuser: bool = False


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD


def demo_users() -> list[DemoUser]:
    bodies = list(
        DraftingBody.objects.annotate(n=Count("standards"))
        .order_by("-n", "name")
        .values_list("name", flat=True)[:4]
    )
    users = [DemoUser("coordinator", Role.COORDINATOR)]
    for index, ministry in enumerate(REVIEWER_MINISTRIES, start=1):
        body = bodies[index - 5] if index > 4 and len(bodies) >= index - 4 else None
        users.append(DemoUser(f"reviewer{index}", Role.REVIEWER, ministry, body))
    users += [
        DemoUser("meti", Role.MINISTRY_VIEWER, "METI"),
        DemoUser("mlit", Role.MINISTRY_VIEWER, "MLIT"),
        DemoUser("admin", Role.COORDINATOR, superuser=True),
    ]
    return users


def demo_catalog_load(path: Path = DEMO_CATALOG):
    report = selectors.catalog_read(path.read_bytes(), filename=path.name)
    if report.errors:
        raise ValueError(
            f"The demo catalog has {len(report.errors)} invalid rows, first: {report.errors[0]}"
        )
    return services.standards_import(
        records=report.records, columns=report.columns, reason="demo catalog"
    )


def demo_plan_create(*, today):
    """FY2026–FY2030 at 2,200 a year; re-running re-plans, which moves nothing if nothing changed."""
    programme = plan_services.programme_get_or_create(
        start_fy=DEMO_START_FY, years=5, capacity=2200
    )
    return plan_services.programme_plan(programme=programme, today=today)


@transaction.atomic
def demo_users_create(password: str) -> list[DemoUser]:
    User = get_user_model()
    users = demo_users()
    ministries = {m.code: m for m in Ministry.objects.all()}
    bodies = {
        b.name: b for b in DraftingBody.objects.filter(name__in=[u.drafting_body for u in users])
    }
    for spec in users:
        user, _ = User.objects.update_or_create(
            username=spec.username,
            defaults={
                "email": f"{spec.username}@example.jp",
                "ministry": ministries.get(spec.ministry),
                "drafting_body": bodies.get(spec.drafting_body),
                "is_staff": spec.superuser,
                "is_superuser": spec.superuser,
            },
        )
        user.set_password(password)
        user.save(update_fields=["password"])
        user.groups.set([Group.objects.get(name=spec.role)])
    return users


QUESTIONNAIRE = Path(__file__).resolve().parent.parent / "fixtures" / "questionnaire_fy2026.json"
# Rules that route the demo's FY2026 standards: specific drafting bodies first, then ministries.
MINISTRY_POOLS = {
    "METI": ["reviewer1", "reviewer5", "reviewer6"],
    "MLIT": ["reviewer2"],
    "MHLW": ["reviewer3"],
    "MAFF": ["reviewer4"],
    "MIC": ["reviewer1"],
    "MEXT": ["reviewer1"],
    "MOE": ["reviewer7"],
    "CAO": ["reviewer8"],
}


def demo_survey_create(*, today) -> dict[str, int]:
    """Publish the FY2026 form, route FY2026 into batches, and put some assignments in every state.
    Due dates count from `today`, so the batches are made whatever day the demo is seeded."""
    form = survey_services.questionnaire_publish(
        definition=json.loads(QUESTIONNAIRE.read_text("utf-8"))
    )
    users = {
        u.username: u for u in get_user_model().objects.filter(username__startswith="reviewer")
    }
    for code, names in MINISTRY_POOLS.items():
        rule, _ = RoutingRule.objects.get_or_create(kind=RoutingRule.Kind.MINISTRY, value=code)
        rule.reviewers.set([users[n] for n in names])
    for user in users.values():
        if user.drafting_body_id:
            rule, _ = RoutingRule.objects.get_or_create(
                kind=RoutingRule.Kind.DRAFTING_BODY, value=user.drafting_body.name
            )
            rule.reviewers.add(user)
    programme = plan_services.programme_get_or_create(
        start_fy=DEMO_START_FY, years=5, capacity=2200
    )
    coordinator = get_user_model().objects.get(username="coordinator")
    if not Batch.objects.filter(programme=programme, fiscal_year=DEMO_START_FY).exists():
        for ministry in MINISTRY_POOLS:
            try:
                survey_services.batches_create(
                    programme=programme,
                    fiscal_year=DEMO_START_FY,
                    due_on=today,
                    max_size=60,
                    by=coordinator,
                    ministry=ministry,
                    today=today,
                )
            except ValidationError:
                continue  # none of that ministry's standards is left in FY2026
        _demo_due_dates(programme, today)
        _demo_progress(form, coordinator)
    priorities_recompute(today=today)
    states = Assignment.objects.filter(fiscal_year=DEMO_START_FY).values_list("state", flat=True)
    return {state: list(states).count(state) for state in set(states)}


def _demo_due_dates(programme, today) -> None:
    """A third of the batches already past due, a third due soon, a third later."""
    offsets = (-20, 10, 60)
    for index, batch in enumerate(Batch.objects.filter(programme=programme).order_by("id")):
        due = today + dt.timedelta(days=offsets[index % 3])
        Batch.objects.filter(pk=batch.pk).update(due_on=due)
        Assignment.objects.filter(batch=batch).update(due_on=due)


def _demo_progress(form, coordinator) -> None:
    """Drafts, submissions, acceptances and returns, the same on every run of a fresh database."""
    rng = random.Random(2026)
    for assignment in (
        Assignment.objects.filter(fiscal_year=DEMO_START_FY)
        .select_related("reviewer", "standard")
        .order_by("id")
    ):
        roll = rng.random()
        if roll < 0.55:
            continue  # still only assigned
        answers = _demo_answers(rng, form.definition)
        draft = answers if roll >= 0.65 else {k: answers[k] for k in list(answers)[:4]}
        survey_services.response_save_draft(
            assignment=assignment, answers=draft, based_on=0, by=assignment.reviewer
        )
        if roll < 0.65:
            continue  # a draft
        survey_services.assignment_submit(assignment=assignment, by=assignment.reviewer)
        if roll < 0.8:
            continue  # waiting for the coordinator
        if roll < 0.85:
            survey_services.assignment_return(
                assignment=assignment,
                by=coordinator,
                comment="公共調達での使われ方（調達者と用途）を具体的に記入してください。",
            )
            continue
        survey_services.assignment_accept(assignment=assignment, by=coordinator)


def _demo_answers(rng, definition) -> dict:
    answers = {
        "recommended_action": rng.choices(
            ["confirm", "revise", "withdraw", "undecided"], [70, 20, 5, 5]
        )[0],
        "used_in_procurement": rng.choices(["yes", "no", "unknown"], [30, 50, 20])[0],
        "cited_by_regulations": rng.random() < 0.3,
        "market_use": rng.choice(["widely", "partly", "rarely", "not_used"]),
        "cited_standards_status": rng.choices(
            ["all_current", "some_revised", "some_withdrawn"], [70, 25, 5]
        )[0],
        "jis_mark_certification": rng.random() < 0.25,
        "revision_within_three_years": rng.random() < 0.6,
        "stakeholders_consulted": rng.sample(
            ["manufacturers", "users", "procurers", "consumers", "testing_bodies"], 2
        ),
        "confidence": rng.randint(2, 5),
    }
    if answers["recommended_action"] in ("revise", "withdraw"):
        answers["action_reason"] = "引用規格の改正に追従する必要がある。"
    if answers["used_in_procurement"] == "yes":
        answers["procurers"] = rng.sample(
            ["national_ministries", "local_governments", "independent_agencies"], 2
        )
        answers["procurement_use"] = ["specification_reference"]
        answers["procurers_detail"] = "国土交通省 公共建築工事標準仕様書"
    else:
        answers["could_be_used"] = rng.choice(["yes", "with_conditions", "no"])
    if answers["cited_by_regulations"]:
        answers["regulation_citations"] = "告示で引用"
    if answers["jis_mark_certification"]:
        answers["certificate_count"] = rng.randint(1, 300)
    assert questionnaire.validate_answers(definition, answers, complete=True) == {}
    return answers
