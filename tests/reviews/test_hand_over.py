"""A reviewer hands an assignment to a colleague of the same organisation: the service, the page,
the API, and the coordinators' list of hand-overs."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from reviews.models import Assignment, HandOver, Notification, Reminder, Transition
from reviews.precheck import selectors, services
from reviews.reminders.services import reminder_send
from reviews.survey import services as survey_services
from reviews.survey.workflow import Action, State
from tests.conftest import in_english
from tests.reviews import precheck_world
from tests.reviews.data import COMPLETE
from tests.reviews.precheck_world import JULY
from tests.untouched_forms import untouched_query

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _july():
    with time_machine.travel(JULY, tick=False):
        yield


@pytest.fixture
def world(django_user_model, reviewer, other_reviewer, coordinator):
    world = precheck_world.build(
        django_user_model, reviewer=reviewer, other_reviewer=other_reviewer
    )
    survey_services.batches_create(
        programme=world.programme,
        fiscal_year=2026,
        due_on=dt.date(2026, 10, 9),
        max_size=50,
        by=coordinator,
    )
    return world


@pytest.fixture
def mine(world, reviewer):
    """One of body A's assignments, given to rev (rev and rev3 share body A's pool)."""
    assignment = Assignment.objects.filter(standard__in=world.a).order_by("standard__number")[0]
    survey_services.assignment_reassign(assignment=assignment, reviewer=reviewer, by=None)
    return Assignment.objects.get(pk=assignment.pk)


def test_colleagues_are_the_active_reviewers_of_the_same_organisation(
    world, reviewer, other_reviewer, django_user_model
):
    assert list(selectors.colleagues(reviewer)) == [world.colleague]
    # the same ministry makes a colleague too (a ministry's reviewers are one pool)
    same_ministry = django_user_model.objects.create_user(username="meti2", ministry_id="METI")
    same_ministry.groups.add(*reviewer.groups.all())
    assert list(selectors.colleagues(reviewer)) == [same_ministry, world.colleague]
    world.colleague.is_active = False
    world.colleague.save()
    assert list(selectors.colleagues(reviewer)) == [same_ministry]
    assert other_reviewer not in selectors.colleagues(reviewer)


def test_handing_over_gives_the_assignment_and_records_it_in_its_history(world, reviewer, mine):
    survey_services.response_save_draft(
        assignment=mine, answers={"confidence": 3}, based_on=0, by=reviewer
    )
    hand_over = services.assignment_hand_over(
        assignment=mine, to=world.colleague, comment="出張のため", by=reviewer
    )
    mine.refresh_from_db()
    assert (mine.reviewer, mine.state) == (world.colleague, State.IN_PROGRESS)
    assert mine.response.answers == {"confidence": 3}  # answers go with it
    last = mine.transitions.order_by("-id").first()
    assert (last.action, last.from_state, last.to_state, last.by) == (
        Action.HAND_OVER,
        State.IN_PROGRESS,
        State.IN_PROGRESS,
        reviewer,
    )
    assert last.comment == "rev → rev3: 出張のため"
    assert (hand_over.from_reviewer, hand_over.to_reviewer, hand_over.transition) == (
        reviewer,
        world.colleague,
        last,
    )


def test_nobody_outside_the_organisation_can_take_it(world, reviewer, other_reviewer, mine):
    with pytest.raises(ValidationError) as refused:
        services.assignment_hand_over(assignment=mine, to=other_reviewer, by=reviewer)
    assert "to" in refused.value.message_dict
    mine.refresh_from_db()
    assert mine.reviewer == reviewer
    assert not HandOver.objects.exists()
    assert not Transition.objects.filter(action=Action.HAND_OVER).exists()


def test_only_its_reviewer_hands_it_over(world, reviewer, mine):
    with pytest.raises(ValidationError, match="Only the reviewer"):
        services.assignment_hand_over(assignment=mine, to=reviewer, by=world.colleague)


def _accept(assignment, reviewer, coordinator):
    survey_services.response_submit(
        assignment=assignment, answers=COMPLETE, based_on=0, by=reviewer
    )
    survey_services.assignment_accept(assignment=assignment, by=coordinator)


def _withdraw(assignment, reviewer, coordinator):
    survey_services.assignments_withdraw_for_standard(standard=assignment.standard, by=coordinator)


@pytest.mark.parametrize("close", [_accept, _withdraw])
def test_an_accepted_or_withdrawn_assignment_is_not_handed_over(
    world, reviewer, coordinator, mine, close
):
    close(mine, reviewer, coordinator)
    with pytest.raises(ValidationError, match="Cannot hand over"):
        services.assignment_hand_over(assignment=mine, to=world.colleague, by=reviewer)
    mine.refresh_from_db()
    assert mine.reviewer == reviewer


def test_a_submitted_assignment_can_be_handed_over(world, reviewer, mine):
    survey_services.response_submit(assignment=mine, answers=COMPLETE, based_on=0, by=reviewer)
    services.assignment_hand_over(assignment=mine, to=world.colleague, by=reviewer)
    mine.refresh_from_db()
    assert (mine.reviewer, mine.state) == (world.colleague, State.SUBMITTED)


# ---- the page ---------------------------------------------------------------------------------


def test_the_page_offers_only_colleagues_and_hands_over(
    client, world, reviewer, other_reviewer, mine
):
    in_english(client)
    client.force_login(reviewer)
    url = reverse("reviews:assignment-hand-over", args=[mine.pk])
    assignment_page = client.get(reverse("reviews:assignment", args=[mine.pk])).content.decode()
    assert url in assignment_page
    page = client.get(url).content.decode()
    assert "rev3" in page and f'value="{other_reviewer.pk}"' not in page
    response = client.post(url, {"to": world.colleague.pk, "comment": "お願いします"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.reviewer == world.colleague


def test_the_page_refuses_an_outsider_with_a_form_error(client, reviewer, other_reviewer, mine):
    in_english(client)
    client.force_login(reviewer)
    url = reverse("reviews:assignment-hand-over", args=[mine.pk])
    response = client.post(url, {"to": other_reviewer.pk})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    mine.refresh_from_db()
    assert mine.reviewer == reviewer


def test_the_page_of_an_accepted_assignment_says_it_cannot_be_handed_over(
    client, world, reviewer, coordinator, mine
):
    _accept(mine, reviewer, coordinator)
    in_english(client)
    client.force_login(reviewer)
    url = reverse("reviews:assignment-hand-over", args=[mine.pk])
    response = client.post(url, {"to": world.colleague.pk})
    assert response.status_code == 400
    assert "can no longer be handed over" in response.content.decode()
    assert not HandOver.objects.exists()


def test_someone_elses_assignment_is_not_found(client, world, mine):
    client.force_login(world.colleague)
    url = reverse("reviews:assignment-hand-over", args=[mine.pk])
    assert client.post(url, {"to": world.colleague.pk}).status_code == 404


# ---- the API ----------------------------------------------------------------------------------


def test_the_api_hands_over_and_refuses_with_400(token_client, world, reviewer, coordinator, mine):
    api = token_client(reviewer)
    url = f"/api/assignments/{mine.pk}/hand-over/"
    outsider = api.post(url, {"to": "rev2"}, format="json")
    assert outsider.status_code == 400 and "to" in outsider.json()
    unknown = api.post(url, {"to": "nobody-here"}, format="json")
    assert unknown.status_code == 400 and "to" in unknown.json()
    missing = api.post(url, {}, format="json")
    assert missing.status_code == 400 and "to" in missing.json()
    too_long = api.post(url, {"to": "rev3", "comment": "x" * 2001}, format="json")
    assert too_long.status_code == 400 and "comment" in too_long.json()
    done = api.post(url, {"to": "rev3", "comment": "休暇"}, format="json")
    assert done.status_code == 201
    assert done.json()["to_reviewer"] == "rev3"
    # no longer theirs
    assert api.post(url, {"to": "rev3"}, format="json").status_code == 404


def test_a_signed_in_browser_hands_over_only_with_the_csrf_token(world, reviewer, mine):
    """The page and the API alike: a session without the token (another site's form) is refused."""
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(reviewer)
    page = reverse("reviews:assignment-hand-over", args=[mine.pk])
    assert browser.post(page, {"to": world.colleague.pk}).status_code == 403
    api = f"/api/assignments/{mine.pk}/hand-over/"
    response = browser.post(api, {"to": "rev3"}, content_type="application/json")
    assert response.status_code == 403
    mine.refresh_from_db()
    assert mine.reviewer == reviewer and not HandOver.objects.exists()


def test_the_api_refuses_an_accepted_assignment_with_400(
    token_client, world, reviewer, coordinator, mine
):
    _accept(mine, reviewer, coordinator)
    response = token_client(reviewer).post(
        f"/api/assignments/{mine.pk}/hand-over/",
        {"to": "rev3"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "Cannot hand over" in str(response.json())


# ---- the coordinators' list -------------------------------------------------------------------


def _hand_overs(world, reviewer, n):
    for assignment in Assignment.objects.filter(standard__in=world.a).order_by("pk")[:n]:
        survey_services.assignment_reassign(assignment=assignment, reviewer=reviewer, by=None)
        services.assignment_hand_over(assignment=assignment, to=world.colleague, by=reviewer)


def test_coordinators_list_and_filter_hand_overs(client, world, reviewer, coordinator):
    _hand_overs(world, reviewer, 2)
    in_english(client)
    client.force_login(coordinator)
    url = reverse("reviews:hand-overs")
    page = client.get(url).content.decode()
    assert page.count("rev → rev3") == 2
    assert "rev → rev3" not in client.get(url, {"person": "rev2"}).content.decode()
    assert client.get(url, {"person": "rev3"}).content.decode().count("rev → rev3") == 2
    # the assignment's history shows it to the coordinator
    assignment = HandOver.objects.first().assignment
    history = client.get(reverse("reviews:assignment", args=[assignment.pk])).content.decode()
    assert "Hand over to a colleague" in history and "rev → rev3" in history


def test_the_hand_over_list_is_for_coordinators(client, reviewer):
    client.force_login(reviewer)
    assert client.get(reverse("reviews:hand-overs")).status_code == 403


def test_an_untouched_filter_form_lists_everything(client, world, reviewer, coordinator):
    _hand_overs(world, reviewer, 2)
    client.force_login(coordinator)
    url = reverse("reviews:hand-overs")
    plain = client.get(url).content.decode()
    query = untouched_query(plain)
    assert client.get(f"{url}?{query}").content.decode().count("rev → rev3") == 2


def test_the_hand_over_list_costs_the_same_queries_for_one_or_five(
    client, world, reviewer, coordinator, django_assert_num_queries
):
    client.force_login(coordinator)
    url = reverse("reviews:hand-overs")
    _hand_overs(world, reviewer, 1)
    client.get(url)
    # the user, their roles (the session and the unread badge are cached); the count, and the page
    # of hand-overs with their standards, people and transitions in one query
    with django_assert_num_queries(4):
        client.get(url)
    _hand_overs(world, reviewer, 4)
    with django_assert_num_queries(4):
        assert client.get(url).content.decode().count("rev → rev3") == 5


# ---- the colleague's notice through the outbox --------------------------------------------------


def test_the_colleague_is_told_through_the_outbox_once_committed(
    world, reviewer, mine, mailoutbox, django_capture_on_commit_callbacks
):
    world.colleague.email = "rev3@example.jp"
    world.colleague.save()
    rung = []
    with django_capture_on_commit_callbacks(execute=True):
        services.assignment_hand_over(
            assignment=mine,
            to=world.colleague,
            comment="10月まで出張",
            by=reviewer,
            enqueue=rung.append,
        )
    [reminder] = Reminder.objects.filter(kind=Reminder.Kind.HAND_OVER)
    assert rung == [[reminder.pk]]
    assert (reminder.recipient, reminder.user, reminder.status) == (
        "rev3@example.jp",
        world.colleague,
        Reminder.Status.PENDING,
    )
    assert reminder.summary() == f"Handed over to you: {mine.standard.number}"
    assert Notification.objects.get(reminder=reminder).user == world.colleague
    assert reminder_send(reminder_id=reminder.pk) == "sent"
    [mail] = mailoutbox
    assert mail.to == ["rev3@example.jp"]
    assert mine.standard.number in mail.body and "10月まで出張" in mail.body
    assert reverse("reviews:assignment", args=[mine.pk]) in mail.body
    # sent once: a second claim finds nothing pending
    assert reminder_send(reminder_id=reminder.pk) == "not pending"
    assert len(mailoutbox) == 1


def test_a_colleague_without_an_address_gets_the_in_app_copy_only(world, reviewer, mine, client):
    rung = []
    services.assignment_hand_over(
        assignment=mine, to=world.colleague, by=reviewer, enqueue=rung.append
    )
    reminder = Reminder.objects.get(kind=Reminder.Kind.HAND_OVER)
    assert reminder.status == Reminder.Status.CANCELLED
    in_english(client)
    client.force_login(world.colleague)
    page = client.get(reverse("reviews:notifications")).content.decode()
    assert f"Handed over to you: {mine.standard.number}" in page


def test_nothing_is_told_when_the_hand_over_is_refused(world, reviewer, other_reviewer, mine):
    with pytest.raises(ValidationError):
        services.assignment_hand_over(assignment=mine, to=other_reviewer, by=reviewer)
    assert not Reminder.objects.exists() and not Notification.objects.exists()
