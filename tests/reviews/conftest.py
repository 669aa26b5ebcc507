import datetime as dt

import pytest

from reviews.plan import services as plan_services
from reviews.survey import services as survey_services
from standards.models import Ministry
from tests.reviews.data import DUE, FORM
from tests.standards.factories import StandardFactory


@pytest.fixture
def batches(coordinator, reviewer, other_reviewer):
    for i in range(8):
        StandardFactory(
            number=f"JIS C {6000 + i}",
            established_on=dt.date(2021, 6, 1),
            ministries=["METI"] if i < 4 else ["MLIT"],
        )
    programme = plan_services.programme_get_or_create(start_fy=2026, years=5, capacity=10)
    plan_services.programme_plan(programme=programme, today=dt.date(2026, 3, 1))
    survey_services.questionnaire_publish(definition=FORM)
    mine = survey_services.batches_create(
        programme=programme,
        fiscal_year=2026,
        due_on=dt.date(2026, 12, 25),
        today=dt.date(2026, 3, 1),
        max_size=10,
        by=coordinator,
        reviewer=reviewer,
        ministry="METI",
    )
    theirs = survey_services.batches_create(
        programme=programme,
        fiscal_year=2026,
        due_on=dt.date(2026, 12, 25),
        today=dt.date(2026, 3, 1),
        max_size=10,
        by=coordinator,
        reviewer=other_reviewer,
        ministry="MLIT",
    )
    return mine[0], theirs[0]


@pytest.fixture
def open_work(coordinator, reviewer, other_reviewer):
    coordinator.email, reviewer.email, other_reviewer.email = (
        "coord@example.jp",
        "rev@example.jp",
        "rev2@example.jp",
    )
    for user in (coordinator, reviewer, other_reviewer):
        user.save()
    Ministry.objects.filter(code="METI").update(contact_email="meti-contact@example.jp")
    for i in range(6):
        StandardFactory(number=f"JIS F {1000 + i}", established_on=dt.date(2021, 6, 1))
    programme = plan_services.programme_get_or_create(start_fy=2026, years=5, capacity=10)
    plan_services.programme_plan(programme=programme, today=dt.date(2026, 3, 1))
    survey_services.questionnaire_publish(definition=FORM)
    _first, second = survey_services.batches_create(
        programme=programme,
        fiscal_year=2026,
        due_on=DUE,
        today=dt.date(2026, 3, 1),
        max_size=3,
        by=coordinator,
        reviewer=reviewer,
    )
    survey_services.batch_reassign(batch=second, reviewer=other_reviewer, by=coordinator)
    return programme


@pytest.fixture
def programme():
    for i in range(12):
        StandardFactory(
            number=f"JIS B {7900 + i}",
            established_on=dt.date(2021, 6, 1),
            ministries=["METI"] if i % 2 else ["MLIT"],
        )
    programme = plan_services.programme_get_or_create(start_fy=2026, years=5, capacity=20)
    plan_services.programme_plan(programme=programme, today=dt.date(2026, 3, 1))
    survey_services.questionnaire_publish(definition=FORM)
    return programme


@pytest.fixture
def assignment(programme, coordinator, reviewer):
    [batch] = survey_services.batches_create(
        programme=programme,
        fiscal_year=2026,
        due_on=dt.date(2026, 12, 25),
        today=dt.date(2026, 3, 1),
        max_size=50,
        by=coordinator,
        reviewer=reviewer,
    )
    return batch.assignments.first()
