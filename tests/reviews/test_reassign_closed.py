"""An accepted (or withdrawn) assignment stays with the reviewer who answered it: the workflow
table refuses to reassign it, on the screen as a message beside the form (409), never a 500; a
batch reassigned moves only what is still open."""

import html

import pytest

from reviews.survey import services as survey_services
from reviews.survey.models import Assignment, Transition
from reviews.survey.workflow import Action, InvalidTransition, State
from tests.conftest import in_english
from tests.reviews.data import COMPLETE

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(assignment, reviewer, coordinator):
    survey_services.response_submit(
        assignment=assignment, answers=COMPLETE, based_on=0, by=reviewer
    )
    return survey_services.assignment_accept(assignment=assignment, by=coordinator)


def test_an_accepted_assignment_cannot_be_reassigned(accepted, other_reviewer, coordinator):
    with pytest.raises(InvalidTransition, match="Cannot reassign an assignment that is accepted"):
        survey_services.assignment_reassign(
            assignment=accepted, reviewer=other_reviewer, by=coordinator
        )
    assert Assignment.objects.get(pk=accepted.pk).reviewer != other_reviewer


def test_reassigning_an_open_one_is_recorded(assignment, other_reviewer, coordinator):
    survey_services.assignment_reassign(
        assignment=assignment, reviewer=other_reviewer, by=coordinator
    )
    assert Assignment.objects.get(pk=assignment.pk).reviewer == other_reviewer
    transition = Transition.objects.get(assignment=assignment, action=Action.REASSIGN)
    assert (transition.from_state, transition.to_state) == (State.ASSIGNED, State.ASSIGNED)


def test_the_screen_refuses_with_a_message_not_a_500(
    client, accepted, reviewer, other_reviewer, coordinator
):
    in_english(client)
    client.force_login(coordinator)
    response = client.post(
        f"/reviews/assignments/{accepted.pk}/decide/",
        {"decision": "reassign", "reviewer": other_reviewer.pk},
    )
    assert response.status_code == 409
    page = html.unescape(response.content.decode())
    assert "Cannot reassign an assignment that is accepted; allowed: nothing." in page
    assert Assignment.objects.get(pk=accepted.pk).reviewer == reviewer


def test_the_screen_offers_no_reassigning_once_accepted(client, accepted, coordinator):
    client.force_login(coordinator)
    page = client.get(f"/reviews/assignments/{accepted.pk}/").content.decode()
    assert 'value="reassign"' not in page


def test_a_batch_reassigned_keeps_its_accepted_answers_with_their_reviewer(
    accepted, reviewer, other_reviewer, coordinator
):
    survey_services.batch_reassign(batch=accepted.batch, reviewer=other_reviewer, by=coordinator)
    reviewers = dict(accepted.batch.assignments.values_list("pk", "reviewer"))
    assert reviewers.pop(accepted.pk) == reviewer.pk
    assert set(reviewers.values()) == {other_reviewer.pk}
