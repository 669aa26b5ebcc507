"""Survey pages: the reviewer's list and form, the coordinator's decisions and batches, and scoping."""

import datetime as dt
import html
import threading
from unittest import mock

import pytest
import time_machine
from django.db import connection
from django.utils import translation

from reviews.models import Assignment, Response, StandardOutcome, Transition
from reviews.plan import services as plan_services
from reviews.survey import services as survey_services
from reviews.survey.workflow import InvalidTransition
from scripts.local_services import wait_for
from tests.reviews.data import COMPLETE
from tests.standards.factories import StandardFactory

pytestmark = pytest.mark.django_db
JST = dt.timezone(dt.timedelta(hours=9))


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
    # a failed submit writes nothing: no draft, no row in the history
    assert not Response.objects.filter(assignment=assignment).exists()
    assert not Transition.objects.filter(assignment=assignment).exists()
    assert client.post(page + "answer/", form_data(COMPLETE, 0, "submit")).status_code == 302
    client.force_login(coordinator)
    client.post(page + "decide/", {"decision": "return", "comment": "調達での使われ方を具体的に"})
    client.force_login(reviewer)
    assert "調達での使われ方を具体的に" in client.get(page).content.decode()
    assert client.post(page + "answer/", form_data(COMPLETE, 1, "submit")).status_code == 302
    client.force_login(coordinator)
    client.post(page + "decide/", {"decision": "accept"})
    assert Assignment.objects.get(pk=assignment.pk).state == "accepted"
    assert StandardOutcome.objects.get(standard=assignment.standard).recommended_action == "confirm"
    history = Transition.objects.filter(assignment=assignment).order_by("at", "id")
    assert [t.action for t in history] == ["submit", "return", "submit", "accept"]


def test_second_saver_sees_both_versions_and_nothing_is_overwritten(client, reviewer, batches):
    assignment = batches[0].assignments.first()
    survey_services.response_save_draft(
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
    survey_services.response_save_draft(
        assignment=assignment, answers=COMPLETE, based_on=0, by=reviewer
    )
    survey_services.assignment_submit(assignment=assignment, by=reviewer)
    response = client.post(
        f"/reviews/batches/{batches[0].pk}/",
        # a crafted value that str.isdigit() accepts but int() refuses, or beyond any id, is
        # ignored, not a 500
        {"action": "bulk_accept", "assignment": [assignment.pk, "²", "9" * 30]},
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
        plan_services.programme_plan(programme=programme, today=dt.date(2026, 3, 1))
        survey_services.batches_create(
            programme=programme,
            fiscal_year=2026,
            due_on=dt.date(2026, 12, 25),
            today=dt.date(2026, 3, 1),
            max_size=100,
            by=coordinator,
            reviewer=reviewer,
        )
    assignment = batches[0].assignments.first()
    survey_services.response_save_draft(
        assignment=assignment, answers=COMPLETE, based_on=0, by=reviewer
    )
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
    survey_services.response_save_draft(
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


# ---- reassigning: a reviewer that is not one is a form error, not a 500 -----------------------


@pytest.fixture
def english(client, settings):
    """Pages in English, whatever the translations say (the language cookie outranks the default)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


NOT_A_REVIEWER = [
    ("abc", "Choose a reviewer from the list; 「abc」 is not one."),
    ("", "Choose the reviewer to reassign to."),
    ("99999999999999999999999", "「99999999999999999999…」 is not one."),
    ("1.5", "「1.5」 is not one."),
]


@pytest.mark.parametrize(("value", "message"), NOT_A_REVIEWER)
def test_reassigning_an_assignment_to_no_reviewer_is_a_form_error(
    client, english, coordinator, reviewer, batches, value, message
):
    assignment = batches[0].assignments.first()
    client.force_login(coordinator)
    response = client.post(
        f"/reviews/assignments/{assignment.pk}/decide/", {"decision": "reassign", "reviewer": value}
    )
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    assert Assignment.objects.get(pk=assignment.pk).reviewer == reviewer


@pytest.mark.parametrize(("value", "message"), NOT_A_REVIEWER)
def test_reassigning_a_batch_to_no_reviewer_is_a_form_error(
    client, english, coordinator, reviewer, batches, value, message
):
    batch = batches[0]
    client.force_login(coordinator)
    response = client.post(
        f"/reviews/batches/{batch.pk}/", {"action": "reassign", "reviewer": value}
    )
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    assert set(batch.assignments.values_list("reviewer", flat=True)) == {reviewer.pk}


def test_a_coordinator_is_not_a_reviewer_to_reassign_to(
    client, english, coordinator, reviewer, batches
):
    batch = batches[0]
    client.force_login(coordinator)
    response = client.post(
        f"/reviews/batches/{batch.pk}/", {"action": "reassign", "reviewer": coordinator.pk}
    )
    assert response.status_code == 400
    assert f"「{coordinator.pk}」 is not one" in html.unescape(response.content.decode())


def test_reassigning_a_batch_moves_its_assignments(
    client, english, coordinator, other_reviewer, batches
):
    batch = batches[0]
    client.force_login(coordinator)
    response = client.post(
        f"/reviews/batches/{batch.pk}/",
        {"action": "reassign", "reviewer": other_reviewer.pk},
        follow=True,
    )
    assert "Batch reassigned to rev2" in response.content.decode()
    assert set(batch.assignments.values_list("reviewer", flat=True)) == {other_reviewer.pk}


# ---- bulk accept --------------------------------------------------------------------------------


def submit(assignments, reviewer):
    for assignment in assignments:
        survey_services.response_save_draft(
            assignment=assignment, answers=COMPLETE, based_on=0, by=reviewer
        )
        survey_services.assignment_submit(assignment=assignment, by=reviewer)


def test_bulk_accept_says_which_rows_had_changed_since_the_list_was_shown(
    client, english, coordinator, reviewer, batches
):
    batch = batches[0]
    first, second, draft, _rest = batch.assignments.order_by("standard__number")
    submit([first, second], reviewer)
    survey_services.response_save_draft(assignment=draft, answers=COMPLETE, based_on=0, by=reviewer)
    client.force_login(coordinator)
    assert (
        f'name="assignment" value="{second.pk}"'
        in client.get(f"/reviews/batches/{batch.pk}/").content.decode()
    )
    # another coordinator returns one of the listed rows before this one presses the button,
    # and a crafted request adds a row that was never submitted
    survey_services.assignment_return(assignment=second, by=coordinator, comment="要確認")
    response = client.post(
        f"/reviews/batches/{batch.pk}/",
        {"action": "bulk_accept", "assignment": [first.pk, second.pk, draft.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "1 response(s) accepted." in page
    assert (
        f"2 had changed since the list was shown and were left as they are: "
        f"{second.standard.number} (returned), {draft.standard.number} (draft saved)."
    ) in page
    states = dict(batch.assignments.values_list("pk", "state"))
    assert (states[first.pk], states[second.pk], states[draft.pk]) == (
        "accepted",
        "returned",
        "in_progress",
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_return_racing_a_bulk_accept_neither_breaks_it_nor_half_applies(
    client, coordinator, reviewer, batches, django_user_model
):
    """Another coordinator returns a row while the bulk accept is half-way through its rows."""
    batch = batches[0]
    rows = list(batch.assignments.order_by("standard__number")[:3])
    submit(rows, reviewer)
    colleague = django_user_model.objects.create_user("coord2", password="pw-coord2")
    race = ReturnDuringAccept(rows[-1], by=colleague)
    client.force_login(coordinator)
    with mock.patch("reviews.survey.services._transition", race.transition):
        response = client.post(
            f"/reviews/batches/{batch.pk}/",
            {"action": "bulk_accept", "assignment": [a.pk for a in rows]},
        )
    race.thread.join(timeout=20)
    assert response.status_code == 302 and race.started
    states = [Assignment.objects.get(pk=a.pk).state for a in rows]
    # the return waited for the bulk accept's locks, then found the row accepted and was refused
    assert states == ["accepted"] * 3
    assert isinstance(race.error, InvalidTransition) and "accepted" in str(race.error)


class ReturnDuringAccept:
    """Wraps survey_services._transition: at the first accept, another coordinator (own thread, own
    connection) returns `target`; the accept goes on once that return has finished or is waiting
    for a lock the accepting transaction holds."""

    def __init__(self, target, *, by):
        self.target, self.by = target, by
        self.started, self.error, self.pid = False, None, None
        self.thread = threading.Thread(target=self._return)
        self._pid_known = threading.Event()
        self._original = survey_services._transition

    def transition(self, assignment, action, **kwargs):
        if action == "accept" and not self.started:
            self.started = True
            self.thread.start()
            assert self._pid_known.wait(10)
            assert wait_for(lambda: not self.thread.is_alive() or self._blocked(), seconds=20)
        return self._original(assignment, action, **kwargs)

    def _blocked(self) -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT cardinality(pg_blocking_pids(%s)) > 0", [self.pid])
            return cursor.fetchone()[0]

    def _return(self):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.pid = cursor.fetchone()[0]
            self._pid_known.set()
            with translation.override("en"):
                survey_services.assignment_return(
                    assignment=self.target, by=self.by, comment="差し戻し"
                )
        except Exception as exc:
            self.error = exc
        finally:
            self._pid_known.set()
            connection.close()


# ---- date answers on the form ---------------------------------------------------------------


@pytest.mark.parametrize("typed", ["2026-W01-1", "20260101", "2026-13-01"])
def test_a_date_typed_in_another_form_is_refused_on_the_page(
    client, english, reviewer, batches, typed
):
    assignment = batches[0].assignments.first()
    client.force_login(reviewer)
    response = client.post(
        f"/reviews/assignments/{assignment.pk}/answer/",
        form_data({"market_use": "widely", "last_checked_on": typed}, 0),
    )
    assert response.status_code == 400
    assert f"「{typed}」 is not" in html.unescape(response.content.decode())
    assert not Response.objects.filter(assignment=assignment).exists()


@pytest.mark.parametrize("typed", ["2026-04-01", "2026/4/1", "令和8年4月1日"])
def test_a_date_on_the_page_is_stored_as_an_iso_date(client, reviewer, batches, typed):
    assignment = batches[0].assignments.first()
    client.force_login(reviewer)
    response = client.post(
        f"/reviews/assignments/{assignment.pk}/answer/",
        form_data({"last_checked_on": typed}, 0),
    )
    assert response.status_code == 302
    assert Response.objects.get(assignment=assignment).answers == {"last_checked_on": "2026-04-01"}


# ---- batch due dates on the page ----------------------------------------------------------------


@time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, tzinfo=JST), tick=False)
def test_a_batch_due_in_the_past_is_refused_on_the_page(client, english, coordinator, programme):
    client.force_login(coordinator)
    data = {"fiscal_year": 2026, "max_size": 50, "reviewer": "", "due_on": "2019-04-01"}
    response = client.post("/reviews/batches/", data)
    assert response.status_code == 400
    assert (
        "The due date 2019-04-01 is in the past (today is 2026-12-01); choose today or a later day."
    ) in html.unescape(response.content.decode())
    assert not Assignment.objects.exists()
