"""The survey workflow through its services: publish, batch, draft, submit, return, accept, reassign."""

import copy
import datetime as dt
import json

import pytest
import time_machine
from django.core.exceptions import ValidationError

from reviews.models import (
    Assignment,
    QuestionnaireVersion,
    Response,
    RoutingRule,
    StandardOutcome,
    Transition,
)
from reviews.survey import services as survey_services
from reviews.survey.workflow import InvalidTransition, State
from tests.reviews.data import COMPLETE, FORM

pytestmark = pytest.mark.django_db
JST = dt.timezone(dt.timedelta(hours=9))


def test_publishing_the_same_form_twice_is_one_version_and_versions_are_immutable():
    first = survey_services.questionnaire_publish(definition=FORM)
    assert survey_services.questionnaire_publish(definition=copy.deepcopy(FORM)) == first
    changed = copy.deepcopy(FORM)
    changed["questions"][0]["help"]["ja"] += "（改訂）"
    second = survey_services.questionnaire_publish(definition=changed)
    assert (first.version, second.version) == (1, 2) and first.content_hash != second.content_hash
    first.title_ja = "changed"
    with pytest.raises(ValueError, match="never changes"):
        first.save()
    assert QuestionnaireVersion.objects.get(pk=first.pk).title_ja == FORM["title"]["ja"]


def test_the_fixture_form_is_valid_and_the_complete_answers_pass():
    from reviews.survey.questionnaire import check_definition, validate_answers

    check_definition(FORM)
    assert validate_answers(FORM, COMPLETE, complete=True) == {}


def test_batches_respect_selection_and_maximum_size(programme, coordinator, reviewer):
    batches = survey_services.batches_create(
        programme=programme,
        fiscal_year=2026,
        due_on=dt.date(2026, 12, 25),
        today=dt.date(2026, 3, 1),
        max_size=4,
        by=coordinator,
        reviewer=reviewer,
        ministry="MLIT",
    )
    sizes = [b.assignments.count() for b in batches]
    assert max(sizes) <= 4
    standards = Assignment.objects.values_list("standard__ministries__code", flat=True)
    assert set(standards) == {"MLIT"}
    with pytest.raises(ValidationError, match="already in batches"):
        survey_services.batches_create(
            programme=programme,
            fiscal_year=2026,
            due_on=dt.date(2026, 12, 25),
            today=dt.date(2026, 3, 1),
            max_size=4,
            by=coordinator,
            reviewer=reviewer,
            ministry="MLIT",
        )


def test_routing_balances_open_work_across_the_pool(
    programme, coordinator, reviewer, other_reviewer
):
    rule = RoutingRule.objects.create(kind=RoutingRule.Kind.DIVISION, value="B")
    rule.reviewers.set([reviewer, other_reviewer])
    batches = survey_services.batches_create(
        programme=programme,
        fiscal_year=2026,
        due_on=dt.date(2026, 12, 25),
        today=dt.date(2026, 3, 1),
        max_size=3,
        by=coordinator,
    )
    load = {}
    for batch in batches:
        load[batch.reviewer.username] = (
            load.get(batch.reviewer.username, 0) + batch.assignments.count()
        )
    assert set(load) == {"rev", "rev2"}
    assert abs(load["rev"] - load["rev2"]) <= 3


def test_no_routing_rule_and_no_reviewer_is_a_clear_error(programme, coordinator):
    with pytest.raises(ValidationError, match="No routing rule covers JIS B"):
        survey_services.batches_create(
            programme=programme,
            fiscal_year=2026,
            due_on=dt.date(2026, 12, 25),
            today=dt.date(2026, 3, 1),
            max_size=3,
            by=coordinator,
        )


def test_full_round_trip_draft_submit_return_resubmit_accept(assignment, reviewer, coordinator):
    draft = survey_services.response_save_draft(
        assignment=assignment, answers={"recommended_action": "revise"}, based_on=0, by=reviewer
    )
    assert draft.version == 1
    with pytest.raises(ValidationError) as excinfo:
        survey_services.assignment_submit(assignment=assignment, by=reviewer)
    assert (
        "action_reason" in excinfo.value.message_dict
        and "used_in_procurement" in excinfo.value.message_dict
    )
    survey_services.response_save_draft(
        assignment=assignment, answers=COMPLETE, based_on=1, by=reviewer
    )
    survey_services.assignment_submit(assignment=assignment, by=reviewer)
    with pytest.raises(ValidationError, match="Say what needs fixing"):
        survey_services.assignment_return(assignment=assignment, by=coordinator, comment=" ")
    survey_services.assignment_return(
        assignment=assignment, by=coordinator, comment="調達者を具体的に"
    )
    assignment.refresh_from_db()
    assert (assignment.state, assignment.return_comment) == (State.RETURNED, "調達者を具体的に")
    survey_services.response_save_draft(
        assignment=assignment,
        answers={**COMPLETE, "procurers_detail": "国交省 土木工事共通仕様書"},
        based_on=2,
        by=reviewer,
    )
    survey_services.assignment_submit(assignment=assignment, by=reviewer)
    survey_services.assignment_accept(assignment=assignment, by=coordinator)
    outcome = StandardOutcome.objects.get(standard=assignment.standard)
    assert (outcome.usability, outcome.cited_in_procurement, outcome.recommended_action) == (
        "usable",
        True,
        "confirm",
    )
    assert (
        outcome.procurers_detail == "国交省 土木工事共通仕様書"
        and outcome.response.assignment == assignment
    )
    trail = list(
        Transition.objects.filter(assignment=assignment).values_list(
            "from_state", "to_state", "by__username"
        )
    )
    assert trail == [
        ("assigned", "in_progress", "rev"),
        ("in_progress", "in_progress", "rev"),
        ("in_progress", "submitted", "rev"),
        ("submitted", "returned", "coord"),
        ("returned", "in_progress", "rev"),
        ("in_progress", "submitted", "rev"),
        ("submitted", "accepted", "coord"),
    ]


def test_stale_save_is_refused_and_keeps_the_newer_answers(assignment, reviewer, coordinator):
    survey_services.response_save_draft(
        assignment=assignment, answers={"market_use": "widely"}, based_on=0, by=reviewer
    )
    with pytest.raises(survey_services.StaleResponse) as excinfo:
        survey_services.response_save_draft(
            assignment=assignment, answers={"market_use": "rarely"}, based_on=0, by=coordinator
        )
    assert excinfo.value.response.answers == {"market_use": "widely"}
    assert assignment.response.answers == {"market_use": "widely"}


def test_invalid_answers_in_a_draft_name_the_question(assignment, reviewer):
    with pytest.raises(ValidationError) as excinfo:
        survey_services.response_save_draft(
            assignment=assignment,
            answers={"confidence": 9, "market_use": "often"},
            based_on=0,
            by=reviewer,
        )
    assert set(excinfo.value.message_dict) == {"confidence", "market_use"}
    assert not Response.objects.filter(assignment=assignment).exists()  # nothing half-written


def test_transitions_outside_the_table_are_refused(assignment, coordinator):
    with pytest.raises(InvalidTransition, match="Cannot accept an assignment that is assigned"):
        survey_services.assignment_accept(assignment=assignment, by=coordinator)
    assert Assignment.objects.get(pk=assignment.pk).state == State.ASSIGNED


def test_reassigning_keeps_the_answers(assignment, reviewer, other_reviewer, coordinator):
    survey_services.response_save_draft(
        assignment=assignment, answers={"market_use": "partly"}, based_on=0, by=reviewer
    )
    survey_services.batch_reassign(batch=assignment.batch, reviewer=other_reviewer, by=coordinator)
    assignment.refresh_from_db()
    assert assignment.reviewer == other_reviewer and assignment.response.answers == {
        "market_use": "partly"
    }


def test_withdrawn_standard_withdraws_its_open_assignments(assignment):
    assert survey_services.assignments_withdraw_for_standard(standard=assignment.standard) == 1
    assert Assignment.objects.get(pk=assignment.pk).state == State.WITHDRAWN


def test_withdrawing_a_standard_in_the_catalog_withdraws_its_assignment(assignment):
    standard = assignment.standard
    standard.status = "withdrawn"
    standard.save()
    assert Assignment.objects.get(pk=assignment.pk).state == State.WITHDRAWN


def test_an_import_that_withdraws_a_standard_withdraws_its_assignment(
    assignment, django_capture_on_commit_callbacks
):
    from standards import selectors as catalog
    from standards import services as catalog_services

    data = f"number,title_ja,status\n{assignment.standard.number},{assignment.standard.title_ja},廃止\n".encode()
    report = catalog.catalog_read(data, filename="withdrawals.csv")
    with django_capture_on_commit_callbacks(execute=True):
        catalog_services.standards_import(records=report.records, columns=report.columns)
    assert Assignment.objects.get(pk=assignment.pk).state == State.WITHDRAWN


def test_standard_page_shows_the_accepted_outcome(client, assignment, reviewer, coordinator):
    survey_services.response_save_draft(
        assignment=assignment, answers=COMPLETE, based_on=0, by=reviewer
    )
    survey_services.assignment_submit(assignment=assignment, by=reviewer)
    client.force_login(reviewer)
    assert "usability-" not in client.get(assignment.standard.get_absolute_url()).content.decode()
    survey_services.assignment_accept(assignment=assignment, by=coordinator)
    page = client.get(assignment.standard.get_absolute_url()).content.decode()
    assert "usability-usable" in page and "国土交通省 共通仕様書" in page


def test_publish_command_publishes_a_new_version_only_when_the_content_changes(tmp_path):
    import io

    from django.core.management import CommandError, call_command

    path = tmp_path / "form.json"
    path.write_text(json.dumps(FORM, ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()
    call_command("publish_questionnaire", str(path), stdout=out)
    call_command("publish_questionnaire", str(path), stdout=out)
    assert QuestionnaireVersion.objects.count() == 1
    broken = copy.deepcopy(FORM)
    broken["questions"][1]["when"] = {"key": "confidence", "in": [1]}
    path.write_text(json.dumps(broken), encoding="utf-8")
    with pytest.raises(CommandError, match="earlier"):
        call_command("publish_questionnaire", str(path), stdout=out)
    assert QuestionnaireVersion.objects.count() == 1


# ---- batch due dates ------------------------------------------------------------------------


def test_a_batch_due_in_the_past_is_refused_and_nothing_is_created(
    programme, coordinator, reviewer
):
    with pytest.raises(ValidationError) as caught:
        survey_services.batches_create(
            programme=programme,
            fiscal_year=2026,
            due_on=dt.date(2019, 4, 1),
            max_size=50,
            by=coordinator,
            reviewer=reviewer,
            today=dt.date(2026, 6, 1),
        )
    assert caught.value.message_dict == {
        "due_on": [
            "The due date 2019-04-01 is in the past (today is 2026-06-01); "
            "choose today or a later day."
        ]
    }
    assert not Assignment.objects.exists()
    [batch] = survey_services.batches_create(  # due today is fine
        programme=programme,
        fiscal_year=2026,
        due_on=dt.date(2026, 6, 1),
        max_size=50,
        by=coordinator,
        reviewer=reviewer,
        today=dt.date(2026, 6, 1),
    )
    assert batch.due_on == dt.date(2026, 6, 1) and batch.assignments.exists()


@time_machine.travel(dt.datetime(2026, 12, 1, 0, 30, tzinfo=JST), tick=False)
def test_the_due_date_is_checked_against_today_in_tokyo(programme, coordinator, reviewer):
    # 00:30 on 1 December in Tokyo is still 30 November in UTC: yesterday is in the past here
    with pytest.raises(ValidationError, match="today is 2026-12-01"):
        survey_services.batches_create(
            programme=programme,
            fiscal_year=2026,
            due_on=dt.date(2026, 11, 30),
            max_size=50,
            by=coordinator,
            reviewer=reviewer,
        )


# ---- bulk accept ------------------------------------------------------------------------------


def submitted(assignments, reviewer):
    for assignment in assignments:
        survey_services.response_save_draft(
            assignment=assignment, answers=COMPLETE, based_on=0, by=reviewer
        )
        survey_services.assignment_submit(assignment=assignment, by=reviewer)
    return assignments


def test_bulk_accept_takes_only_what_is_still_submitted_and_says_what_changed(
    programme, coordinator, reviewer, django_user_model
):
    [batch] = survey_services.batches_create(
        programme=programme,
        fiscal_year=2026,
        due_on=dt.date(2026, 12, 25),
        max_size=50,
        by=coordinator,
        reviewer=reviewer,
        today=dt.date(2026, 3, 1),
    )
    waiting, returned, draft, *_ = batch.assignments.order_by("pk")
    submitted([waiting, returned], reviewer)
    survey_services.response_save_draft(assignment=draft, answers=COMPLETE, based_on=0, by=reviewer)
    survey_services.assignment_return(assignment=returned, by=coordinator, comment="出典を確認")

    outcome = survey_services.responses_bulk_accept(
        ids=[waiting.pk, returned.pk, draft.pk], batch=batch, by=coordinator
    )

    assert [a.pk for a in outcome.accepted] == [waiting.pk]
    assert [(a.pk, a.state) for a in outcome.changed] == [
        (returned.pk, State.RETURNED),
        (draft.pk, State.IN_PROGRESS),
    ]
    states = dict(Assignment.objects.values_list("pk", "state"))
    assert (states[waiting.pk], states[returned.pk], states[draft.pk]) == (
        State.ACCEPTED,
        State.RETURNED,
        State.IN_PROGRESS,
    )
    assert StandardOutcome.objects.get(standard=waiting.standard).accepted_by == coordinator
    assert not StandardOutcome.objects.filter(standard__in=[returned.standard, draft.standard])


def test_bulk_accept_keeps_to_its_batch(batches, coordinator, reviewer, other_reviewer):
    mine, theirs = batches
    [own] = submitted([mine.assignments.first()], reviewer)
    [other] = submitted([theirs.assignments.first()], other_reviewer)
    outcome = survey_services.responses_bulk_accept(
        ids=[own.pk, other.pk], batch=mine, by=coordinator
    )
    assert [a.pk for a in outcome.accepted] == [own.pk] and outcome.changed == []
    assert Assignment.objects.get(pk=other.pk).state == State.SUBMITTED


# ---- date answers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("2026-04-01", "2026-04-01"), ("2026/4/1", "2026-04-01"), ("令和8年4月1日", "2026-04-01")],
)
def test_a_date_answer_is_stored_as_an_iso_date(assignment, reviewer, typed, stored):
    response = survey_services.response_save_draft(
        assignment=assignment, answers={"last_checked_on": typed}, based_on=0, by=reviewer
    )
    assert Response.objects.get(pk=response.pk).answers == {"last_checked_on": stored}


@pytest.mark.parametrize("typed", ["2026-W01-1", "20260101", "2026-02-30", "R8.13.1"])
def test_a_date_answer_in_another_form_is_refused_naming_the_value(assignment, reviewer, typed):
    with pytest.raises(ValidationError) as caught:
        survey_services.response_save_draft(
            assignment=assignment, answers={"last_checked_on": typed}, based_on=0, by=reviewer
        )
    [message] = caught.value.message_dict["last_checked_on"]
    assert f"「{typed}」" in message
    assert not Response.objects.filter(assignment=assignment).exists()


def test_a_draft_writes_the_assignment_only_when_its_state_changes(batches, reviewer, coordinator):
    assignment = batches[0].assignments.order_by("pk").first()

    def draft(version, detail):
        answers = {**COMPLETE, "procurers_detail": detail}
        survey_services.response_save_draft(
            assignment=assignment, answers=answers, based_on=version, by=reviewer
        )

    def written():
        stored = Assignment.objects.get(pk=assignment.pk)
        return stored.state, stored.updated_at, assignment.history.count()

    draft(0, "first")  # assigned → in progress
    after_first = written()
    assert after_first[0] == State.IN_PROGRESS
    draft(1, "second")
    draft(2, "third")
    assert written() == after_first  # nothing of the assignment changed: no write, no history row
    drafts = Transition.objects.filter(assignment=assignment, action="save_draft")
    assert drafts.count() == 3  # every draft is still on the record, by whom and when
    assert Response.objects.get(assignment=assignment).answers["procurers_detail"] == "third"

    survey_services.assignment_submit(assignment=assignment, by=reviewer)
    survey_services.assignment_return(assignment=assignment, by=coordinator, comment="more")
    returned = written()
    draft(3, "again")  # returned → in progress: written, with a history row
    state, _updated, history = written()
    assert state == State.IN_PROGRESS and history == returned[2] + 1
