"""Cutting batches as a coordinator does it: preview, change of mind, create, withdraw; and the
batch page's bulk accept. Services first, then the pages."""

import datetime as dt
import html
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import override_settings

from reviews.models import Assignment, Batch, RoutingRule
from reviews.survey import selectors
from reviews.survey import services as survey_services
from standards.selectors import ministry_choices
from tests.reviews.data import COMPLETE

pytestmark = pytest.mark.django_db
JST = dt.timezone(dt.timedelta(hours=9))
TODAY = dt.datetime(2026, 6, 1, 10, 0, tzinfo=JST)
DUE = "2026-12-25"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def routed(programme, reviewer, other_reviewer):
    """The 12 standards of `programme` (JIS B 7900–7911; METI for odd, MLIT for even numbers),
    routed by ministry: METI to rev, MLIT to rev2."""
    for code, person in (("METI", reviewer), ("MLIT", other_reviewer)):
        rule = RoutingRule.objects.create(kind=RoutingRule.Kind.MINISTRY, value=code)
        rule.reviewers.set([person])
    return programme


def selection(**extra) -> dict:
    return {"fiscal_year": "2026", "max_size": "4", "due_on": DUE, "reviewer": "", **extra}


def ministry(code: str) -> str:
    """The ministry's name as the catalog shows it in the active language."""
    return dict(ministry_choices())[code]


def text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


# ---- services -----------------------------------------------------------------------------------


def test_the_plan_writes_nothing_and_creating_makes_exactly_it(routed, coordinator):
    plan = selectors.batch_plan(
        programme=routed, fiscal_year=2026, due_on=dt.date(2026, 12, 25), max_size=4
    )
    assert not Batch.objects.exists()
    assert (len(plan.batches), plan.n_standards) == (4, 12)  # 6 per ministry: 4 + 2, twice
    created = survey_services.batches_create(
        programme=routed,
        fiscal_year=2026,
        due_on=dt.date(2026, 12, 25),
        max_size=4,
        by=coordinator,
        expected=plan.digest,
    )
    made = [
        (b.reviewer.username, sorted(b.assignments.values_list("standard_id", flat=True)))
        for b in created
    ]
    shown = [(b.reviewer.username, sorted(s.pk for s in b.standards)) for b in plan.batches]
    assert made == shown


def test_each_batch_keeps_to_one_routing_rule_and_says_which(routed):
    plan = selectors.batch_plan(
        programme=routed, fiscal_year=2026, due_on=dt.date(2026, 12, 25), max_size=50
    )
    rows = [
        (b.reviewer.username, b.rules, {s.ministries.get().code for s in b.standards})
        for b in plan.batches
    ]
    assert sorted(rows) == [
        ("rev", [f"Ministry: {ministry('METI')}"], {"METI"}),
        ("rev2", [f"Ministry: {ministry('MLIT')}"], {"MLIT"}),
    ]


def test_a_plan_that_changed_since_it_was_shown_is_not_made(routed, coordinator, reviewer):
    shown = selectors.batch_plan(
        programme=routed, fiscal_year=2026, due_on=dt.date(2026, 12, 25), max_size=4
    )
    # meanwhile another coordinator batches METI's standards
    survey_services.batches_create(
        programme=routed,
        fiscal_year=2026,
        due_on=dt.date(2026, 12, 25),
        max_size=50,
        by=coordinator,
        reviewer=reviewer,
        ministry="METI",
    )
    with pytest.raises(survey_services.PlanChanged) as caught:
        survey_services.batches_create(
            programme=routed,
            fiscal_year=2026,
            due_on=dt.date(2026, 12, 25),
            max_size=4,
            by=coordinator,
            expected=shown.digest,
        )
    assert caught.value.plan.n_standards == 6
    assert Batch.objects.count() == 1


def test_a_second_cut_of_the_same_selection_goes_on_numbering(routed, coordinator, reviewer):
    def cut(ministry):
        return survey_services.batches_create(
            programme=routed,
            fiscal_year=2026,
            due_on=dt.date(2026, 12, 25),
            max_size=4,
            by=coordinator,
            reviewer=reviewer,
            ministry=ministry,
        )

    first = cut("METI")
    second = cut("MLIT")
    assert [b.name for b in first] == ["FY2026 METI #1", "FY2026 METI #2"]
    assert [b.name for b in second] == ["FY2026 MLIT #1", "FY2026 MLIT #2"]
    survey_services.batch_withdraw(batch=first[0], by=coordinator)
    assert [b.name for b in cut("METI")] == ["FY2026 METI #3"]


def test_withdrawing_an_unanswered_batch_unbatches_its_standards_and_is_recorded(
    routed, coordinator, reviewer
):
    [batch] = survey_services.batches_create(
        programme=routed,
        fiscal_year=2026,
        due_on=dt.date(2026, 12, 25),
        max_size=50,
        by=coordinator,
        reviewer=reviewer,
        ministry="METI",
    )
    assert survey_services.batch_withdraw(batch=batch, by=coordinator) == 6
    assert not Batch.objects.exists() and not Assignment.objects.exists()
    again = selectors.batch_plan(
        programme=routed, fiscal_year=2026, due_on=dt.date(2026, 12, 25), max_size=50
    )
    assert again.n_standards == 12  # the six are free to be cut again
    [record] = selectors.batches_withdrawn()
    assert (record.name, record.history_user, record.history_change_reason) == (
        batch.name,
        coordinator,
        "withdrawn, 6 standard(s)",
    )
    assert Assignment.history.filter(history_type="-", history_user=coordinator).count() == 6


def test_a_batch_with_an_answer_cannot_be_withdrawn(routed, coordinator, reviewer):
    [batch] = survey_services.batches_create(
        programme=routed,
        fiscal_year=2026,
        due_on=dt.date(2026, 12, 25),
        max_size=50,
        by=coordinator,
        reviewer=reviewer,
        ministry="METI",
    )
    draft = batch.assignments.order_by("standard__number").first()
    survey_services.response_save_draft(
        assignment=draft, answers={"confidence": 3}, based_on=0, by=reviewer
    )
    with pytest.raises(
        ValidationError, match=r"1 standard\(s\) of this batch already have answers \(JIS B 7901\)"
    ):
        survey_services.batch_withdraw(batch=batch, by=coordinator)
    assert batch.assignments.count() == 6


# ---- the batches page: preview, change of mind, create -------------------------------------------


def test_the_form_says_what_its_number_means_and_how_reviewers_are_chosen(
    client, english, coordinator, routed
):
    client.force_login(coordinator)
    page = text(client.get("/reviews/batches/"))
    assert "Standards per batch, at most" in page
    assert "this number only decides how many batches they are cut into" in page
    assert "How reviewers are chosen" in page
    assert f"Ministry: {ministry('METI')}</td><td>rev</td>" in page.replace("> <", "><")


def test_preview_shows_batches_standards_reviewers_and_rules_and_writes_nothing(
    client, english, coordinator, routed
):
    client.force_login(coordinator)
    response = client.post("/reviews/batches/", {**selection(), "action": "preview"})
    assert response.status_code == 200
    page = text(response)
    assert "4 batches, 12 standards of FY2026" in page
    assert f"Ministry: {ministry('METI')}" in page and f"Ministry: {ministry('MLIT')}" in page
    assert re.search(r"<td>rev</td><td class=\"num\">2</td><td class=\"num\">6</td>", page)
    assert "Create 4 batches" in page
    assert not Batch.objects.exists()


def test_creating_without_the_preview_creates_nothing(client, english, coordinator, routed):
    """The old one-step form: a post that never saw a preview is shown one."""
    client.force_login(coordinator)
    response = client.post("/reviews/batches/", {**selection(), "action": "create"})
    assert response.status_code == 409
    assert "4 batches, 12 standards of FY2026" in text(response)
    assert not Batch.objects.exists()


def test_change_of_mind_back_to_the_form_then_a_new_size_then_create(
    client, english, coordinator, routed
):
    client.force_login(coordinator)
    first = client.post("/reviews/batches/", {**selection(max_size="2"), "action": "preview"})
    assert "6 batches, 12 standards" in text(first)
    back = client.post("/reviews/batches/", {**selection(max_size="2"), "action": "change"})
    assert back.status_code == 200 and not Batch.objects.exists()
    # the form again, to edit, with what was chosen
    assert '<input type="number" name="max_size" value="2"' in text(back)
    assert "Preview the batches" in text(back) and "Create 6 batches" not in text(back)
    second = client.post("/reviews/batches/", {**selection(max_size="6"), "action": "preview"})
    assert "2 batches, 12 standards" in text(second)
    digest = second.context["plan"].digest
    done = client.post(
        "/reviews/batches/", {**selection(max_size="6"), "action": "create", "plan": digest}
    )
    assert done.status_code == 302
    assert sorted(b.assignments.count() for b in Batch.objects.all()) == [6, 6]
    assert "2 batches of 12 standards created." in text(client.get(done.url))


def test_the_plan_changing_between_preview_and_create_shows_the_new_one(
    client, english, coordinator, reviewer, routed
):
    client.force_login(coordinator)
    shown = client.post("/reviews/batches/", {**selection(), "action": "preview"})
    survey_services.batches_create(
        programme=routed,
        fiscal_year=2026,
        due_on=dt.date(2026, 12, 25),
        max_size=50,
        by=coordinator,
        reviewer=reviewer,
        ministry="MLIT",
    )
    response = client.post(
        "/reviews/batches/",
        {**selection(), "action": "create", "plan": shown.context["plan"].digest},
    )
    assert response.status_code == 409
    page = text(response)
    assert "These batches are not the ones you were shown" in page
    assert "2 batches, 6 standards of FY2026" in page
    assert Batch.objects.count() == 1


def test_a_refused_form_opens_on_its_problems_at_the_top(client, english, coordinator, routed):
    client.force_login(coordinator)
    response = client.post(
        "/reviews/batches/", {**selection(due_on="2020-04-01"), "action": "preview"}
    )
    assert response.status_code == 400
    page = text(response)
    summary = page.index('class="error-summary"')
    assert summary < page.index('<table class="data batch-list">')  # above the list of batches
    assert "data-focus-on-load" in page[summary : summary + 200]
    assert '<a href="#q-due_on">Due date</a>: The due date 2020-04-01 is in the past' in page
    assert "Nothing was created." in page
    assert 'id="q-due_on"' in page  # the link's target holds the field
    assert not Batch.objects.exists()


def test_a_selection_with_nothing_left_is_a_problem_at_the_top(
    client, english, coordinator, routed
):
    client.force_login(coordinator)
    response = client.post("/reviews/batches/", {**selection(division="X"), "action": "preview"})
    assert response.status_code == 400
    page = text(response)
    assert page.index("No standard of FY2026 matches this selection") < page.index(
        '<table class="data batch-list">'
    )


# ---- one batch's page -----------------------------------------------------------------------------


@pytest.fixture
def batch(routed, coordinator, reviewer):
    [made] = survey_services.batches_create(
        programme=routed,
        fiscal_year=2026,
        due_on=dt.date(2026, 12, 25),
        max_size=50,
        by=coordinator,
        reviewer=reviewer,
        ministry="METI",
    )
    return made


def submit(assignment, reviewer):
    survey_services.response_save_draft(
        assignment=assignment, answers=COMPLETE, based_on=0, by=reviewer
    )
    survey_services.assignment_submit(assignment=assignment, by=reviewer)


def test_withdrawing_from_the_page(client, english, coordinator, batch):
    client.force_login(coordinator)
    page = text(client.get(f"/reviews/batches/{batch.pk}/"))
    assert "Withdraw the batch" in page
    done = client.post(f"/reviews/batches/{batch.pk}/", {"action": "withdraw"})
    assert done.status_code == 302 and done.url == "/reviews/batches/"
    after = text(client.get(done.url))
    assert f"Batch {batch.name} withdrawn; its 6 standards can go into a new batch." in after
    assert "Withdrawn batches" in after and "coord" in after
    assert not Batch.objects.exists()


def test_a_batch_with_answers_offers_no_withdrawal_and_refuses_one(
    client, english, coordinator, reviewer, batch
):
    submit(batch.assignments.first(), reviewer)
    client.force_login(coordinator)
    page = text(client.get(f"/reviews/batches/{batch.pk}/"))
    assert "Withdraw the batch" not in page and "cannot be withdrawn" in page
    response = client.post(f"/reviews/batches/{batch.pk}/", {"action": "withdraw"}, follow=True)
    assert "already have answers" in text(response)
    assert batch.assignments.count() == 6


def test_accepting_with_nothing_ticked_says_so_and_accepts_nothing(
    client, english, coordinator, reviewer, batch
):
    submit(batch.assignments.first(), reviewer)
    client.force_login(coordinator)
    response = client.post(f"/reviews/batches/{batch.pk}/", {"action": "bulk_accept"}, follow=True)
    page = text(response)
    assert "0 response(s) accepted" not in page
    assert "Nothing was accepted: tick the responses to accept first." in page
    assert not batch.assignments.filter(state="accepted").exists()


def test_the_batch_page_offers_select_all_and_says_overdue_in_words(
    client, english, coordinator, reviewer, batch
):
    submit(batch.assignments.order_by("standard__number").first(), reviewer)
    client.force_login(coordinator)
    page = text(client.get(f"/reviews/batches/{batch.pk}/"))
    assert 'data-select-all="assignment"' in page and "js/select-all.js" in page
    assert '<span class="badge hot">overdue</span>' not in page
    with time_machine.travel(dt.datetime(2027, 1, 5, 10, 0, tzinfo=JST), tick=False):
        client.force_login(coordinator)  # signed in on that day: the session of today has ended
        late = text(client.get(f"/reviews/batches/{batch.pk}/"))
        listed = text(client.get("/reviews/batches/"))
    assert '<td class="num hot">5 overdue</td>' in listed
    # five still open past the due date, each said in words beside its date, and in the heading
    assert late.count('<span class="badge hot">overdue</span>') == 5
    assert "5 overdue" in late


def test_no_accept_button_when_nothing_is_submitted(client, english, coordinator, batch):
    client.force_login(coordinator)
    page = text(client.get(f"/reviews/batches/{batch.pk}/"))
    assert "Accept the selected responses" not in page
    assert "No response of this batch is waiting to be accepted." in page


@override_settings(LANGUAGE_CODE="ja")
def test_the_batches_page_still_draws_in_japanese(client, coordinator, batch):
    client.force_login(coordinator)
    assert client.get("/reviews/batches/").status_code == 200
    assert client.get(f"/reviews/batches/{batch.pk}/").status_code == 200
