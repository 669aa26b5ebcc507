"""API fuzzing: every operation in /api/schema/, called in-process as each role (and anonymously)
with inputs generated from the schema, over a catalog with a plan, batches and survey results.

No answer may be a server error, and every answer must match the schema: its status code, content
type and body. Beside the generated inputs, every JSON operation gets bodies no schema generates:
100,000 nested brackets and lone surrogates. Derandomized, so a failure repeats, and bounded: on two cores `pytest -m fuzz` takes
about a minute and a half on SQLite, two and a half on PostgreSQL. A deeper search before a
release adds examples and the coverage phase (every parameter at its boundaries), about eight
minutes: JISREVIEW_FUZZ_EXAMPLES=60 JISREVIEW_FUZZ_COVERAGE=1 pytest -m fuzz
"""

import datetime as dt
import json
import os

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.api_tokens import api_token_create
from reviews.follow_ups import services as follow_up_services
from reviews.models import Assignment, Batch, FollowUp, PlanEntry
from reviews.plan import services as plan_services
from reviews.priority import services as priority_services
from reviews.survey import services as survey_services
from standards.models import SpecificationDocument, Standard
from standards.specifications import services as specification_services
from tests.conftest import in_english
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


@pytest.fixture
def client(client):
    return in_english(client)


@pytest.fixture
def api_client(api_client):
    return in_english(api_client)


@pytest.fixture
def token_client(token_client):
    return lambda user: in_english(token_client(user))


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
    programme = plan_services.programme_get_or_create(start_fy=2026, years=5, capacity=12)
    plan_services.programme_plan(programme=programme, today=TODAY)
    survey_services.questionnaire_publish(definition=FORM)
    [mine] = survey_services.batches_create(
        programme=programme,
        fiscal_year=2026,
        due_on=dt.date(2026, 12, 25),
        max_size=20,
        by=coordinator,
        reviewer=reviewer,
        ministry="METI",
        today=TODAY,
    )
    survey_services.batches_create(
        programme=programme,
        fiscal_year=2026,
        due_on=dt.date(2026, 9, 30),
        max_size=20,
        by=coordinator,
        reviewer=other_reviewer,
        today=TODAY,
    )
    draft, submitted, accepted, returned, *_rest = mine.assignments.order_by("pk")
    for assignment in (draft, submitted, accepted, returned):
        survey_services.response_save_draft(
            assignment=assignment,
            answers=COMPLETE if assignment != draft else {"recommended_action": "revise"},
            based_on=0,
            by=reviewer,
        )
    for assignment in (submitted, accepted, returned):
        survey_services.assignment_submit(assignment=assignment, by=reviewer)
    survey_services.assignment_accept(assignment=accepted, by=coordinator)
    survey_services.assignment_return(assignment=returned, by=coordinator, comment="根拠を追記")
    priority_services.priorities_recompute(today=TODAY)
    priority = accepted.standard
    follow_up_services.follow_up_create(
        standard=priority,
        action="調達仕様書の引用を改める",
        ministry=priority.ministries.first(),
        due_on=None,
        by=coordinator,
    )
    document, _new = specification_services.specification_upload(
        ministry=priority.ministries.first(),
        file_name="shiyosho.txt",
        content="鉄筋は JIS B 8440:2019 による。".encode(),
    )
    specification_services.specification_scan_run(document_id=document.pk)


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
    _token, key = api_token_create(user=user)
    return {"Authorization": f"Token {key}"}


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
    "/api/specifications/": SpecificationDocument,
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


# Bodies a schema never generates, sent to every operation that reads JSON: nesting deep enough
# to exhaust the recursion limit (100,000 brackets), and lone surrogates, which neither PostgreSQL
# nor the UTF-8 encoder of an error message echoing them can take.
DEEP = b"[" * 100_000 + b"]" * 100_000
LONE_SURROGATES = ("\ud800", "\udfff", "ab\udc00cd", "\ud83d")  # the last: half of a pair


def _json_operations() -> list:
    operations = [result.ok() for result in schema.get_all_operations()]
    return [op for op in operations if any(b.media_type == "application/json" for b in op.body)]


def _json_fields(operation) -> list[str]:
    """The properties of the operation's JSON body, as the schema names them."""
    body = schema.raw_schema["paths"][operation.path][operation.method.lower()]["requestBody"]
    reference = body["content"]["application/json"]["schema"]["$ref"]
    component = schema.raw_schema["components"]["schemas"][reference.rsplit("/", 1)[1]]
    return sorted(component.get("properties", {}))


def _hostile_bodies(operation):
    yield "deep", DEEP
    fields = _json_fields(operation) or ["value"]
    for text in LONE_SURROGATES:
        # every field at once, as a string, in a list and as a key of an object (answers are one);
        # json.dumps writes the surrogates as \u escapes, which is how they arrive over HTTP
        for shape in (text, [text], {text: text}):
            yield (
                f"surrogate {text!r} as {type(shape).__name__}",
                json.dumps({field: shape for field in fields}).encode(),
            )


def test_hostile_json_is_refused_as_documented(caller, wsgi_app):
    """Each role (and no one) sends each hostile body to each operation that reads JSON, aimed at
    a real row: a 400 for whoever may write there, else the 401/403 the role gets anyway, and
    never a server error or an answer the schema does not describe."""
    failures = []
    for operation in _json_operations():
        path_parameters = None
        if "{id}" in operation.path:
            model = next(m for prefix, m in ROWS.items() if operation.path.startswith(prefix))
            path_parameters = {"id": model.objects.order_by("pk").values_list("pk", flat=True)[0]}
        for name, body in _hostile_bodies(operation):
            case = operation.Case(
                body=body, media_type="application/json", path_parameters=path_parameters
            )
            response = case.call(app=wsgi_app, headers=caller)
            label = f"{operation.method.upper()} {operation.path} with {name}"
            if response.status_code not in (400, 401, 403):
                failures.append(f"{label}: {response.status_code}")
                continue
            if response.status_code == 400 and "detail" not in response.json():
                failures.append(f"{label}: 400 without a detail: {response.json()}")
            try:
                case.validate_response(response, checks=CHECKS)
            except Exception as exc:  # schemathesis raises one error naming every failed check
                failures.append(f"{label}: {exc}")
    assert not failures, "\n".join(failures)


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
