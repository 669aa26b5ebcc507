"""The reviewer's questionnaire page and its services: changing one's mind, a failed submit.

Answers to questions that are not shown are no answers: dropped, never a reason to refuse. A failed
submit lists its problems at the top of the page and writes nothing (no draft in the history)."""

import re

import pytest
from django.core.exceptions import ValidationError

from reviews.models import Assignment, Response, Transition
from reviews.survey import services as survey_services
from tests.reviews.data import COMPLETE

pytestmark = pytest.mark.django_db

PROCURER_QUESTIONS = {"procurers", "procurers_detail", "procurement_use"}


def form_data(answers: dict, version: int, action="save") -> dict:
    data = {"version": version, "action": action}
    for key, value in answers.items():
        data[key] = ("true" if value else "false") if isinstance(value, bool) else value
    return data


def page_of(assignment) -> str:
    return f"/reviews/assignments/{assignment.pk}/"


def test_a_reviewer_who_changes_their_mind_saves_and_submits(client, reviewer, assignment):
    """The issue's walk, as a browser without the page's script sends it: はい, a procuring body
    ticked, then いいえ — the ticked body is still in the request."""
    client.force_login(reviewer)
    page = page_of(assignment)
    said_yes = {**COMPLETE, "used_in_procurement": "yes", "procurers": ["local_governments"]}
    assert client.post(page + "answer/", form_data(said_yes, 0)).status_code == 302
    changed = {**said_yes, "used_in_procurement": "no", "could_be_used": "with_conditions"}

    saved = client.post(page + "answer/", form_data(changed, 1))
    assert saved.status_code == 302
    answers = Response.objects.get(assignment=assignment).answers
    assert answers["used_in_procurement"] == "no"
    assert not PROCURER_QUESTIONS & set(answers)

    submitted = client.post(page + "answer/", form_data(changed, 2, "submit"))
    assert submitted.status_code == 302
    assignment.refresh_from_db()
    assert assignment.state == "submitted"
    assert not PROCURER_QUESTIONS & set(assignment.response.answers)


def test_a_hidden_question_is_not_checked_even_when_its_leftover_is_invalid(
    client, reviewer, assignment
):
    # a count typed while JIS-mark certification was yes, then certification switched to no
    client.force_login(reviewer)
    data = form_data({**COMPLETE, "jis_mark_certification": False}, 0, "submit")
    data["certificate_count"] = "about a hundred"
    assert client.post(page_of(assignment) + "answer/", data).status_code == 302
    assert "certificate_count" not in Response.objects.get(assignment=assignment).answers


def test_the_api_drops_answers_to_hidden_questions(token_client, reviewer, assignment):
    client = token_client(reviewer)
    changed = {**COMPLETE, "used_in_procurement": "unknown", "could_be_used": "no"}
    put = client.put(
        f"/api/assignments/{assignment.pk}/response/",
        {"answers": changed, "version": 0},
        format="json",
    )
    assert put.status_code == 200, put.content
    assert not PROCURER_QUESTIONS & set(put.json()["answers"])
    assert client.post(f"/api/assignments/{assignment.pk}/submit/").status_code == 200


def test_a_failed_submit_lists_each_problem_at_the_top_and_writes_nothing(
    client, reviewer, assignment
):
    client.force_login(reviewer)
    client.cookies["django_language"] = "en"
    incomplete = {k: v for k, v in COMPLETE.items() if k not in ("confidence", "market_use")}
    response = client.post(page_of(assignment) + "answer/", form_data(incomplete, 0, "submit"))

    assert response.status_code == 400
    body = response.content.decode()
    summary = re.search(r'<section class="error-summary".*?</section>', body, re.S)
    assert summary, "no error summary on the page"
    assert "2 problems to fix" in summary[0]
    assert summary.start() < body.index('<form method="post" action="/reviews/assignments/')
    for key in ("market_use", "confidence"):
        assert f'href="#q-{key}"' in summary[0]
        assert f'id="q-{key}"' in body
    assert "data-focus-on-load" in summary[0]
    assert "nothing was saved" in summary[0]
    assert 'value="国土交通省 共通仕様書"' in body  # what was typed is still in the form
    assert not Response.objects.filter(assignment=assignment).exists()
    assert not Transition.objects.filter(assignment=assignment).exists()
    assert Assignment.objects.get(pk=assignment.pk).state == "assigned"


def test_failed_submits_leave_no_draft_rows_in_the_history(client, reviewer, assignment):
    client.force_login(reviewer)
    page = page_of(assignment)
    assert client.post(page + "answer/", form_data({"market_use": "widely"}, 0)).status_code == 302
    for _attempt in range(3):
        assert client.post(page + "answer/", form_data({}, 1, "submit")).status_code == 400
    assert client.post(page + "answer/", form_data(COMPLETE, 1, "submit")).status_code == 302
    history = Transition.objects.filter(assignment=assignment).order_by("at", "id")
    assert [t.action for t in history] == ["save_draft", "submit"]


def test_response_submit_refuses_an_incomplete_set_and_writes_nothing(reviewer, assignment):
    with pytest.raises(ValidationError) as refused:
        survey_services.response_submit(
            assignment=assignment, answers={"market_use": "widely"}, based_on=0, by=reviewer
        )
    assert "confidence" in refused.value.message_dict
    assert not Response.objects.filter(assignment=assignment).exists()
    assert not Transition.objects.filter(assignment=assignment).exists()

    survey_services.response_submit(
        assignment=assignment, answers=COMPLETE, based_on=0, by=reviewer
    )
    assignment.refresh_from_db()
    assert assignment.state == "submitted" and assignment.response.answers == COMPLETE
    assert [t.action for t in assignment.transitions.all()] == ["submit"]
