"""The survey API: scoping (404 for other reviewers' work), the workflow actions and optimistic locking."""

import datetime as dt

import pytest

from reviews.models import Assignment, StandardOutcome
from reviews.plan import services as plan_services
from reviews.survey import services as survey_services
from tests.reviews.data import COMPLETE
from tests.standards.factories import StandardFactory

pytestmark = pytest.mark.django_db


def url(assignment, suffix=""):
    return f"/api/assignments/{assignment.pk}/{suffix}"


def test_reviewer_sees_only_their_own(token_client, reviewer, batches):
    mine, theirs = batches
    client = token_client(reviewer)
    listed = client.get("/api/assignments/?page_size=100").json()["results"]
    assert {a["id"] for a in listed} == set(mine.assignments.values_list("id", flat=True))
    other = theirs.assignments.first()
    for path in ("", "response/"):
        assert client.get(url(other, path)).status_code == 404
    assert (
        client.put(
            url(other, "response/"), {"answers": {}, "version": 0}, format="json"
        ).status_code
        == 404
    )
    assert client.post(url(other, "submit/")).status_code == 404
    assert [b["id"] for b in client.get("/api/batches/").json()["results"]] == [mine.pk]


def test_ministry_viewer_reads_their_ministry_and_changes_nothing(
    token_client, ministry_viewer, batches
):
    mine, _ = batches
    client = token_client(ministry_viewer)
    listed = client.get("/api/assignments/?page_size=100").json()["results"]
    assert {a["number"] for a in listed} == set(
        mine.assignments.values_list("standard__number", flat=True)
    )
    target = mine.assignments.first()
    assert (
        client.put(
            url(target, "response/"), {"answers": {}, "version": 0}, format="json"
        ).status_code
        == 403
    )
    assert client.post(url(target, "submit/")).status_code == 403
    assert client.post(url(target, "accept/")).status_code == 403
    assert Assignment.objects.get(pk=target.pk).state == "assigned"


def test_anonymous_gets_401(api_client, batches):
    assert api_client.get("/api/assignments/").status_code == 401


def test_round_trip_through_the_api(token_client, reviewer, coordinator, batches):
    assignment = batches[0].assignments.first()
    me, boss = token_client(reviewer), token_client(coordinator)
    body = me.get(url(assignment, "response/")).json()
    assert (body["answers"], body["version"]) == ({}, 0)
    saved = me.put(
        url(assignment, "response/"),
        {"answers": {"recommended_action": "revise"}, "version": 0},
        format="json",
    )
    assert saved.status_code == 200 and saved.json()["version"] == 1
    refused = me.post(url(assignment, "submit/"))
    assert refused.status_code == 400 and "action_reason" in refused.json()
    me.put(url(assignment, "response/"), {"answers": COMPLETE, "version": 1}, format="json")
    assert me.post(url(assignment, "submit/")).json()["state"] == "submitted"
    assert me.post(url(assignment, "accept/")).status_code == 403
    assert boss.post(url(assignment, "return/"), {"comment": ""}, format="json").status_code == 400
    returned = boss.post(
        url(assignment, "return/"), {"comment": "根拠を追記してください"}, format="json"
    ).json()
    assert (returned["state"], returned["return_comment"]) == ("returned", "根拠を追記してください")
    me.put(url(assignment, "response/"), {"answers": COMPLETE, "version": 2}, format="json")
    me.post(url(assignment, "submit/"))
    assert boss.post(url(assignment, "accept/"), {}, format="json").json()["state"] == "accepted"
    assert StandardOutcome.objects.get(standard=assignment.standard).usability == "usable"
    again = boss.post(url(assignment, "accept/"), {}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 409 and "Cannot accept" in again.json()["detail"]


def test_stale_version_gets_409_with_the_current_answers(token_client, reviewer, batches):
    assignment = batches[0].assignments.first()
    client = token_client(reviewer)
    client.put(
        url(assignment, "response/"),
        {"answers": {"market_use": "widely"}, "version": 0},
        format="json",
    )
    stale = client.put(
        url(assignment, "response/"),
        {"answers": {"market_use": "rarely"}, "version": 0},
        format="json",
    )
    assert stale.status_code == 409
    assert stale.json()["answers"] == {"market_use": "widely"} and stale.json()["version"] == 1


def test_field_errors_name_the_question(token_client, reviewer, batches):
    assignment = batches[0].assignments.first()
    response = token_client(reviewer).put(
        url(assignment, "response/"), {"answers": {"confidence": 7}, "version": 0}, format="json"
    )
    assert response.status_code == 400 and list(response.json()) == ["confidence"]


def test_answers_that_cannot_be_checked_or_stored_name_the_question(
    token_client, reviewer, batches
):
    # a 400-digit whole number overflowed float(); PostgreSQL's JSON cannot hold a NUL
    assignment = batches[0].assignments.first()
    answers = {"recommended_action": "revise", "action_reason": "a\x00b", "confidence": 10**400}
    response = token_client(reviewer).put(
        url(assignment, "response/"), {"answers": answers, "version": 0}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"action_reason", "confidence"}


@pytest.mark.parametrize("extra", [0, 30])
def test_assignment_list_queries_do_not_grow(
    token_client, coordinator, batches, django_assert_max_num_queries, extra
):
    programme = batches[0].programme
    for i in range(extra):
        StandardFactory(number=f"JIS D {1000 + i}", established_on=dt.date(2021, 6, 1))
    if extra:
        plan_services.programme_plan(programme=programme, today=dt.date(2026, 3, 1))
        survey_services.batches_create(
            programme=programme,
            fiscal_year=2026,
            due_on=dt.date(2026, 12, 25),
            today=dt.date(2026, 3, 1),
            max_size=100,
            by=coordinator,
            reviewer=coordinator,
        )
    client = token_client(coordinator)
    # token + user, roles, count, page
    with django_assert_max_num_queries(4):
        assert client.get("/api/assignments/?page_size=200").status_code == 200


@pytest.mark.parametrize("typed", ["2026-W01-1", "20260101"])
def test_a_date_answer_not_in_a_date_form_is_refused_naming_question_and_value(
    token_client, reviewer, batches, typed
):
    assignment = batches[0].assignments.first()
    response = token_client(reviewer).put(
        url(assignment, "response/"),
        {"answers": {"last_checked_on": typed}, "version": 0},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    [message] = response.json()["last_checked_on"]
    assert message.startswith(f"「{typed}」 is not a date")
    assert Assignment.objects.get(pk=assignment.pk).state == "assigned"  # nothing was saved


@pytest.mark.parametrize("typed", ["2026/4/1", "令和8年4月1日", "2026-04-01"])
def test_a_date_answer_is_stored_and_returned_as_an_iso_date(
    token_client, reviewer, batches, typed
):
    assignment = batches[0].assignments.first()
    client = token_client(reviewer)
    saved = client.put(
        url(assignment, "response/"),
        {"answers": {"last_checked_on": typed}, "version": 0},
        format="json",
    )
    assert saved.status_code == 200 and saved.json()["answers"] == {"last_checked_on": "2026-04-01"}
