"""Survey pages: the reviewer's list and form, the coordinator's decisions and batches, and scoping."""

import datetime as dt

import pytest

from reviews import services
from reviews.models import Assignment, Response, StandardOutcome
from tests.reviews.data import COMPLETE
from tests.standards.factories import StandardFactory

pytestmark = pytest.mark.django_db


def form_data(answers: dict, version: int, action="save") -> dict:
    data = {"version": version, "action": action}
    for key, value in answers.items():
        data[key] = ("true" if value else "false") if isinstance(value, bool) else value
    return data


def test_reviewer_list_shows_only_their_assignments(client, reviewer, batches):
    mine, theirs = batches
    client.force_login(reviewer)
    page = client.get("/reviews/assignments/").content.decode()
    for a in mine.assignments.all():
        assert a.standard.number in page
    for a in theirs.assignments.all():
        assert a.standard.number not in page


def test_other_reviewers_assignment_is_404_everywhere(client, reviewer, batches):
    other = batches[1].assignments.first()
    client.force_login(reviewer)
    assert client.get(f"/reviews/assignments/{other.pk}/").status_code == 404
    assert (
        client.post(f"/reviews/assignments/{other.pk}/answer/", form_data(COMPLETE, 0)).status_code
        == 404
    )
    assert not Response.objects.filter(assignment=other).exists()


def test_ministry_viewer_and_outsider_change_nothing(client, ministry_viewer, outsider, batches):
    target = batches[0].assignments.first()
    client.force_login(ministry_viewer)
    assert client.get(f"/reviews/assignments/{target.pk}/").status_code == 200
    assert (
        client.post(f"/reviews/assignments/{target.pk}/answer/", form_data(COMPLETE, 0)).status_code
        == 403
    )
    assert (
        client.post(f"/reviews/assignments/{target.pk}/decide/", {"decision": "accept"}).status_code
        == 403
    )
    assert client.get("/reviews/batches/").status_code == 403
    client.force_login(outsider)
    assert client.get(f"/reviews/assignments/{target.pk}/").status_code == 404
    assert Assignment.objects.get(pk=target.pk).state == "assigned"


def test_round_trip_through_the_pages(client, reviewer, coordinator, batches):
    assignment = batches[0].assignments.first()
    page = f"/reviews/assignments/{assignment.pk}/"
    client.force_login(reviewer)
    form_page = client.get(page)
    assert (
        form_page.status_code == 200
        and "本規格について推奨する見直しの措置" in form_page.content.decode()
    )
    response = client.post(
        page + "answer/", form_data({**COMPLETE, "recommended_action": "revise"}, 0, "submit")
    )
    assert response.status_code == 400  # the reason for revising is missing
    body = response.content.decode()
    assert "国土交通省 共通仕様書" in body  # what was typed is still there
    assert Assignment.objects.get(pk=assignment.pk).response.version == 1  # and saved as a draft
    assert client.post(page + "answer/", form_data(COMPLETE, 1, "submit")).status_code == 302
    client.force_login(coordinator)
    client.post(page + "decide/", {"decision": "return", "comment": "調達での使われ方を具体的に"})
    client.force_login(reviewer)
    assert "調達での使われ方を具体的に" in client.get(page).content.decode()
    assert client.post(page + "answer/", form_data(COMPLETE, 2, "submit")).status_code == 302
    client.force_login(coordinator)
    client.post(page + "decide/", {"decision": "accept"})
    assert Assignment.objects.get(pk=assignment.pk).state == "accepted"
    assert StandardOutcome.objects.get(standard=assignment.standard).recommended_action == "confirm"


def test_second_saver_sees_both_versions_and_nothing_is_overwritten(client, reviewer, batches):
    assignment = batches[0].assignments.first()
    services.response_save_draft(
        assignment=assignment, answers={"market_use": "widely"}, based_on=0, by=reviewer
    )
    client.force_login(reviewer)
    response = client.post(
        f"/reviews/assignments/{assignment.pk}/answer/", form_data({"market_use": "rarely"}, 0)
    )
    assert response.status_code == 409
    assert Assignment.objects.get(pk=assignment.pk).response.answers == {"market_use": "widely"}
    body = response.content.decode()
    assert 'value="rarely" id="id_market_use_2" checked' in body  # yours, in the form
    assert 'name="version" value="1"' in body


def test_coordinator_makes_batches_and_bulk_accepts(client, coordinator, reviewer, batches):
    client.force_login(coordinator)
    assert client.get("/reviews/batches/").status_code == 200
    assignment = batches[0].assignments.first()
    services.response_save_draft(assignment=assignment, answers=COMPLETE, based_on=0, by=reviewer)
    services.assignment_submit(assignment=assignment, by=reviewer)
    response = client.post(
        f"/reviews/batches/{batches[0].pk}/",
        # a crafted value that str.isdigit() accepts but int() refuses is ignored, not a 500
        {"action": "bulk_accept", "assignment": [assignment.pk, "²"]},
    )
    assert response.status_code == 302
    assert Assignment.objects.get(pk=assignment.pk).state == "accepted"


@pytest.mark.parametrize("extra", [0, 40])
@pytest.mark.parametrize("url", ["/reviews/assignments/", "/reviews/assignments/{pk}/"])
def test_reviewer_pages_queries_do_not_grow(
    client, reviewer, coordinator, batches, django_assert_max_num_queries, url, extra
):
    programme = batches[0].programme
    for i in range(extra):
        StandardFactory(number=f"JIS E {1000 + i}", established_on=dt.date(2021, 6, 1))
    if extra:
        services.programme_plan(programme=programme, today=dt.date(2026, 3, 1))
        services.batches_create(
            programme=programme,
            fiscal_year=2026,
            due_on=dt.date(2026, 12, 25),
            max_size=100,
            by=coordinator,
            reviewer=reviewer,
        )
    assignment = batches[0].assignments.first()
    services.response_save_draft(assignment=assignment, answers=COMPLETE, based_on=0, by=reviewer)
    client.force_login(reviewer)
    target = url.format(pk=assignment.pk)
    client.get(target)
    # user, roles, count, page (list) — or assignment, response, transitions (form)
    with django_assert_max_num_queries(6):
        assert client.get(target).status_code == 200


def test_coordinator_reassigns_one_assignment_and_answers_stay(
    client, coordinator, reviewer, other_reviewer, batches
):
    assignment = batches[0].assignments.first()
    services.response_save_draft(
        assignment=assignment, answers={"market_use": "partly"}, based_on=0, by=reviewer
    )
    client.force_login(coordinator)
    response = client.post(
        f"/reviews/assignments/{assignment.pk}/decide/",
        {"decision": "reassign", "reviewer": other_reviewer.pk},
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.reviewer == other_reviewer and assignment.response.answers == {
        "market_use": "partly"
    }


def test_survey_admin_pages(client, django_user_model, batches):
    admin = django_user_model.objects.create_superuser("root", "root@example.jp", "pw")
    client.force_login(admin)
    for model in (
        "batch",
        "assignment",
        "response",
        "questionnaireversion",
        "routingrule",
        "standardoutcome",
    ):
        assert client.get(f"/admin/reviews/{model}/").status_code == 200, model
    assignment = batches[0].assignments.first()
    assert client.get(f"/admin/reviews/assignment/{assignment.pk}/change/").status_code == 200
