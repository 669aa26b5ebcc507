"""The demo data set behind `seed_demo`: the demo catalog and one user per role."""

import os
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Count

from accounts.roles import Role
from reviews import services as review_services
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
    programme = review_services.programme_get_or_create(
        start_fy=DEMO_START_FY, years=5, capacity=2200
    )
    return review_services.programme_plan(programme=programme, today=today)


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
