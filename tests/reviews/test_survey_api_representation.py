"""AssignmentSerializer's written-out to_representation gives what DRF's generic one gives from the
same declared fields, for assignments in every state, read every way the API reads them."""

import datetime as dt
import json
import zoneinfo

import pytest
from django.utils import timezone
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from reviews.models import Assignment
from reviews.survey import services as survey_services
from reviews.survey.api import LISTED_COLUMNS, AssignmentSerializer
from tests.reviews.data import COMPLETE

pytestmark = pytest.mark.django_db


def generic(assignment) -> dict:
    serializer = AssignmentSerializer(assignment)
    return serializers.ModelSerializer.to_representation(serializer, assignment)


def assert_same(assignment) -> None:
    """Equal keys in the same order, and values of the same types (a workflow State member is
    equal to its string, but is not what the generic path gives)."""
    written, expected = AssignmentSerializer(assignment).data, generic(assignment)
    assert [(k, type(v), v) for k, v in written.items()] == [
        (k, type(v), v) for k, v in expected.items()
    ]


@pytest.fixture
def varied(batches, reviewer, coordinator):
    """Assignments assigned, in progress, submitted, returned (a comment with markup and lines),
    accepted; as the services return them (state a workflow member, times just set)."""
    _assigned, b, c, d = batches[0].assignments.select_related("questionnaire").order_by("pk")[:4]
    saved = survey_services.response_save_draft(assignment=b, answers={}, based_on=0, by=reviewer)
    in_hand = [saved.assignment]
    for target in (c, d):
        survey_services.response_save_draft(
            assignment=target, answers=COMPLETE, based_on=0, by=reviewer
        )
        in_hand.append(survey_services.assignment_submit(assignment=target, by=reviewer))
    comment = '<b>"根拠"</b> & 出典を\n追記してください'
    in_hand.append(survey_services.assignment_return(assignment=c, by=coordinator, comment=comment))
    in_hand.append(survey_services.assignment_accept(assignment=d, by=coordinator))
    return in_hand


def test_the_varied_assignments_cover_every_field_form(varied):
    rows = Assignment.objects.all()
    assert {r.state for r in rows} >= {"assigned", "in_progress", "returned", "accepted"}
    assert any(r.submitted_at for r in rows) and any(r.decided_at for r in rows)
    assert any(r.return_comment for r in rows) and any(not r.submitted_at for r in rows)


@pytest.mark.parametrize("zone", ["Asia/Tokyo", "UTC", "America/St_Johns"])
def test_the_written_out_representation_is_the_generic_one(varied, zone):
    read_for_the_list = Assignment.objects.select_related(
        "standard", "reviewer", "questionnaire"
    ).only(*LISTED_COLUMNS)
    read_whole = Assignment.objects.select_related("standard", "reviewer", "questionnaire")
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        for assignment in [*varied, *read_for_the_list, *read_whole]:
            assert_same(assignment)


def test_times_with_and_without_microseconds_and_a_naive_date(varied):
    assignment = Assignment.objects.select_related("standard", "reviewer", "questionnaire").first()
    for moment in (
        dt.datetime(2026, 12, 1, 0, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 12, 1, 9, 30, 15, 123456, tzinfo=dt.UTC),
        dt.datetime(2027, 3, 31, 23, 59, 59, tzinfo=zoneinfo.ZoneInfo("Asia/Tokyo")),
    ):
        assignment.submitted_at = assignment.decided_at = moment
        assignment.due_on = moment.date()
        for zone in ("Asia/Tokyo", "UTC"):
            with timezone.override(zoneinfo.ZoneInfo(zone)):
                assert_same(assignment)


def test_the_list_gives_the_same_rows_through_the_api(token_client, coordinator, varied):
    listed = token_client(coordinator).get("/api/assignments/?page_size=100").json()["results"]
    rows = Assignment.objects.select_related("standard", "reviewer", "questionnaire")
    by_id = {a.pk: a for a in rows}
    assert len(listed) == len(by_id) == 8
    for row in listed:
        assert row == json.loads(JSONRenderer().render(generic(by_id[row["id"]])))
