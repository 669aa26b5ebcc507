"""API fuzzing: every operation in /api/schema/, called in-process as each role (and anonymously)
with inputs generated from the schema, over a catalog with a plan, batches and survey results.

No answer may be a server error, and every answer must match the schema: its status code, content
type and body. Derandomized, so a failure repeats, and bounded: on two cores `pytest -m fuzz` takes
about a minute and a half on SQLite, two and a half on PostgreSQL. A deeper search before a
release adds examples and the coverage phase (every parameter at its boundaries), about eight
minutes: JISREVIEW_FUZZ_EXAMPLES=60 JISREVIEW_FUZZ_COVERAGE=1 pytest -m fuzz
"""

import datetime as dt
import os

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from reviews import services
from reviews.models import Assignment, Batch, FollowUp, PlanEntry
from standards.models import Standard
from tests.reviews.data import COMPLETE, FORM
from tests.standards.factories import StandardFactory

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
ROLES = ("coordinator", "reviewer", "ministry_viewer", "anonymous")
TODAY = dt.date(2026, 6, 1)


def _catalog() -> None:
    """Twelve standards: METI's and MLIT's, with correspondences, ICS codes and strategic fields."""
    for i in range(12):
        StandardFactory(
            number=f"JIS B {8440 + i}",
            established_on=dt.date(2019 + i % 4, 6, 1),
            ministries=["METI"] if i % 3 else ["MLIT", "METI"] if i % 2 else ["MLIT"],
            correspondences=[(f"ISO {9000 + i}", "MOD")] if i % 2 else [],
            ics_codes=[f"25.{100 + i}"],
            strategic_fields=["quantum"] if i % 4 == 0 else [],
            fast_track=i < 2,
        )


def _survey(*, coordinator, reviewer, other_reviewer) -> None:
    """A planned programme, a published form, one batch each, and assignments in every state."""
    programme = services.programme_get_or_create(start_fy=2026, years=5, capacity=12)
    services.programme_plan(programme=programme, today=TODAY)
    services.questionnaire_publish(definition=FORM)
    [mine] = services.batches_create(
        programme=programme,
        fiscal_year=2026,
        due_on=dt.date(2026, 12, 25),
        max_size=20,
        by=coordinator,
        reviewer=reviewer,
        ministry="METI",
    )
    services.batches_create(
        programme=programme,
        fiscal_year=2026,
        due_on=dt.date(2026, 9, 30),
        max_size=20,
        by=coordinator,
        reviewer=other_reviewer,
    )
    draft, submitted, accepted, returned, *_rest = mine.assignments.order_by("pk")
    for assignment in (draft, submitted, accepted, returned):
        services.response_save_draft(
            assignment=assignment,
            answers=COMPLETE if assignment != draft else {"recommended_action": "revise"},
            based_on=0,
            by=reviewer,
        )
    for assignment in (submitted, accepted, returned):
        services.assignment_submit(assignment=assignment, by=reviewer)
    services.assignment_accept(assignment=accepted, by=coordinator)
    services.assignment_return(assignment=returned, by=coordinator, comment="根拠を追記")
    services.priorities_recompute(today=TODAY)
    priority = accepted.standard
    services.follow_up_create(
        standard=priority,
        action="調達仕様書の引用を改める",
        ministry=priority.ministries.first(),
        due_on=None,
        by=coordinator,
    )


@pytest.fixture
def survey(coordinator, reviewer, other_reviewer, ministry_viewer) -> dict:
    """The data, and the user of each role by name."""
    _catalog()
    _survey(coordinator=coordinator, reviewer=reviewer, other_reviewer=other_reviewer)
    return {
        "coordinator": coordinator,
        "reviewer": reviewer,
        "ministry_viewer": ministry_viewer,
    }


def _token_header(user) -> dict[str, str]:
    return {"Authorization": f"Token {Token.objects.get_or_create(user=user)[0].key}"}


@pytest.fixture(params=ROLES)
def caller(request, survey) -> dict[str, str]:
    """The headers a role's user sends (an API token), or none for an anonymous caller."""
    user = survey.get(request.param)
    return _token_header(user) if user else {}


@pytest.fixture
def wsgi_app():
    """Django's WSGI handler inside the test's transaction: a server closes the database connection
    after each request, which here would end the transaction the test data lives in."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _served_schema() -> dict:
    """The document /api/schema/ serves, built the same way: the view needs a signed-in user and the
    database, and tests are generated before either exists."""
    return SchemaGenerator().get_schema(request=None, public=True)


schema = schemathesis.openapi.from_dict(
    _served_schema(),
    config=schemathesis.Config.from_dict(
        {"phases": {"coverage": {"enabled": bool(os.environ.get("JISREVIEW_FUZZ_COVERAGE"))}}}
    ),
)

# The rows each path's {id} names.
ROWS = {
    "/api/assignments/": Assignment,
    "/api/batches/": Batch,
    "/api/follow-ups/": FollowUp,
    "/api/plan/": PlanEntry,
    "/api/priorities/": Standard,
    "/api/standards/": Standard,
}


def _aim_at_real_rows(case) -> None:
    """A generated id hardly ever exists: swap three in four integer ids for ids of real rows,
    picked by the generated value so a run repeats; the rest mostly test not found."""
    generated = (case.path_parameters or {}).get("id")
    if not isinstance(generated, int) or generated % 4 == 0:
        return
    model = next(model for prefix, model in ROWS.items() if case.path.startswith(prefix))
    ids = sorted(model.objects.values_list("pk", flat=True))
    case.path_parameters["id"] = ids[generated % len(ids)]


@schema.parametrize()
@settings(
    max_examples=int(os.environ.get("JISREVIEW_FUZZ_EXAMPLES", "15")),
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,  # the data is meant to be shared by the examples
    ],
)
def test_api_answers_as_documented(case, caller, wsgi_app):
    _aim_at_real_rows(case)
    case.call_and_validate(app=wsgi_app, headers=caller, checks=CHECKS)


def _operations(document: dict) -> dict:
    return {
        (method, path): (
            sorted(operation["responses"]),
            sorted(p["name"] for p in operation.get("parameters", [])),
            sorted(operation.get("requestBody", {}).get("content", {})),
        )
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
    }


def test_the_fuzzed_schema_is_the_served_one(client, coordinator):
    client.force_login(coordinator)
    served = client.get("/api/schema/?format=json").json()
    assert _operations(served) == _operations(schema.raw_schema)
