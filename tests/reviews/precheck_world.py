"""A small FY2026 for the pre-check and hand-over tests: two drafting bodies with their people, a
ministry pool, a plan and the questionnaire."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import Group

from accounts.roles import Role
from reviews.models import Programme, RoutingRule
from reviews.plan import services as plan_services
from reviews.survey import services as survey_services
from standards.models import DraftingBody, Standard
from tests.reviews.data import FORM
from tests.standards.factories import StandardFactory

JST = dt.timezone(dt.timedelta(hours=9))
JULY = dt.datetime(2026, 7, 6, 10, 0, tzinfo=JST)  # the pre-check month, before batches go out
BODY_A = "一般社団法人日本機械工業連合会"
BODY_B = "一般社団法人日本電機工業会"
BODY_C = "一般社団法人日本化学工業協会"  # in the catalog, nobody to answer for it


@dataclass
class World:
    programme: Programme
    a: list[Standard]  # drafted by body A
    b: list[Standard]  # drafted by body B
    body_c: DraftingBody
    colleague: object  # a second reviewer of body A


def build(
    django_user_model, *, reviewer, other_reviewer, n_a: int = 4, n_b: int = 2, capacity: int = 50
) -> World:
    """Body A's standards go to `reviewer` and a colleague, body B's to `other_reviewer`; METI's
    pool (reviewer) catches a standard whose body has nobody."""
    body_a, _ = DraftingBody.objects.get_or_create(name=BODY_A)
    body_b, _ = DraftingBody.objects.get_or_create(name=BODY_B)
    body_c, _ = DraftingBody.objects.get_or_create(name=BODY_C)
    a = [
        StandardFactory(
            number=f"JIS B {8400 + i}", drafting_body=body_a, established_on=dt.date(2021, 6, 1)
        )
        for i in range(n_a)
    ]
    b = [
        StandardFactory(
            number=f"JIS C {8200 + i}", drafting_body=body_b, established_on=dt.date(2021, 6, 1)
        )
        for i in range(n_b)
    ]
    colleague = django_user_model.objects.filter(username="rev3").first()
    if colleague is None:  # built a second time, larger: the same people and pools
        colleague = django_user_model.objects.create_user(username="rev3", password="pw-rev3")
        colleague.groups.add(Group.objects.get(name=Role.REVIEWER))
    for kind, value, people in (
        (RoutingRule.Kind.DRAFTING_BODY, BODY_A, [reviewer, colleague]),
        (RoutingRule.Kind.DRAFTING_BODY, BODY_B, [other_reviewer]),
        (RoutingRule.Kind.MINISTRY, "METI", [reviewer]),
    ):
        RoutingRule.objects.get_or_create(kind=kind, value=value)[0].reviewers.set(people)
    programme = plan_services.programme_get_or_create(start_fy=2026, years=5, capacity=capacity)
    plan_services.programme_plan(programme=programme, today=dt.date(2026, 3, 1))
    survey_services.questionnaire_publish(definition=FORM)
    assert programme.entries.filter(fiscal_year=2026).count() == n_a + n_b
    return World(programme, a, b, body_c, colleague)
