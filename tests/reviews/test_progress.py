"""/api/reports/progress/: counts by fiscal year, lead ministry and division, scoped to the ministry."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from reviews.common import scope
from reviews.plan import services as plan_services
from reviews.survey import services as survey_services
from tests.reviews.data import COMPLETE
from tests.standards.factories import StandardFactory

pytestmark = pytest.mark.django_db


def row(report, dimension, key):
    return next(r for r in report[dimension] if r[dimension] == key)


def test_progress_counts_each_state(token_client, coordinator, reviewer, batches):
    mine = list(batches[0].assignments.all())  # the four METI standards
    survey_services.response_save_draft(
        assignment=mine[0], answers=COMPLETE, based_on=0, by=reviewer
    )
    survey_services.assignment_submit(assignment=mine[0], by=reviewer)
    survey_services.assignment_accept(assignment=mine[0], by=coordinator)
    survey_services.response_save_draft(
        assignment=mine[1], answers={"market_use": "partly"}, based_on=0, by=reviewer
    )
    report = token_client(coordinator).get("/api/reports/progress/").json()
    year = row(report, "fiscal_year", 2026)
    assert (year["planned"], year["assigned"], year["in_progress"], year["accepted"]) == (
        8,
        6,
        1,
        1,
    )
    assert row(report, "ministry", "METI")["accepted"] == 1
    assert row(report, "ministry", "MLIT")["assigned"] == 4
    assert row(report, "division", "C")["planned"] == 8


def test_ministry_viewer_sees_only_their_ministry(token_client, ministry_viewer, batches):
    report = token_client(ministry_viewer).get("/api/reports/progress/?ministry=MLIT").json()
    assert [r["ministry"] for r in report["ministry"]] == ["METI"]
    assert row(report, "fiscal_year", 2026)["planned"] == 4


def test_reviewers_may_not_read_the_report(token_client, reviewer, batches):
    assert token_client(reviewer).get("/api/reports/progress/").status_code == 403


def test_a_year_narrows_the_ministry_and_division_rows(token_client, coordinator, batches):
    client = token_client(coordinator)
    report = client.get("/api/reports/progress/?fiscal_year=2027").json()
    assert row(report, "fiscal_year", 2026)["planned"] == 8
    assert report["ministry"] == [] and report["division"] == []
    assert (
        row(client.get("/api/reports/progress/?fiscal_year=2026").json(), "division", "C")[
            "assigned"
        ]
        == 8
    )
    refused = client.get("/api/reports/progress/?fiscal_year=1999")
    assert refused.status_code == 400 and "fiscal_year" in refused.json()


def test_report_query_count(
    token_client, coordinator, ministry_viewer, batches, django_assert_max_num_queries
):
    # token with its user and roles, programme, plan entries grouped, assignments grouped
    for user in (coordinator, ministry_viewer):
        client = token_client(user)
        with django_assert_max_num_queries(5):
            assert client.get("/api/reports/progress/").status_code == 200


def test_query_count_does_not_grow_with_the_plan(
    token_client, coordinator, batches, django_assert_num_queries
):
    client = token_client(coordinator)
    with django_assert_num_queries(4) as before:
        client.get("/api/reports/progress/")
    for i in range(20):
        StandardFactory(number=f"JIS K {3000 + i}", ministries=["MHLW" if i % 2 else "MOE"])
    plan_services.programme_plan(programme=batches[0].programme, today=dt.date(2026, 3, 1))
    with django_assert_num_queries(len(before)):
        report = client.get("/api/reports/progress/").json()
    assert sum(r["planned"] for r in report["fiscal_year"]) == 28


@pytest.mark.parametrize("report", ["progress", "burndown", "answers"])
def test_a_viewers_own_remit_is_tested_once_in_each_query(
    token_client, ministry_viewer, batches, report
):
    with CaptureQueriesContext(connection) as queries:
        response = token_client(ministry_viewer).get(f"/api/reports/{report}/")
    assert response.status_code == 200, response.content
    counted = [q["sql"] for q in queries.captured_queries if '"reviews_assignment"' in q["sql"]]
    assert counted
    for statement in counted:
        assert statement.count('"standards_standard_ministries"') == 1, statement


def test_a_viewer_who_also_reviews_counts_their_remit_and_no_more(
    token_client, ministry_viewer, batches
):
    # METI's four standards; being a reviewer of MLIT's adds nothing to METI's figures
    ministry_viewer.groups.add(Group.objects.get(name=Role.REVIEWER))
    batches[1].assignments.update(reviewer=ministry_viewer)
    report = token_client(ministry_viewer).get("/api/reports/progress/").json()
    assert [r["ministry"] for r in report["ministry"]] == ["METI"]
    assert row(report, "fiscal_year", 2026)["assigned"] == 4


def test_who_sees_a_ministrys_whole_remit(coordinator, ministry_viewer, reviewer):
    assert scope.sees_whole_remit(coordinator, "MLIT")
    assert scope.sees_whole_remit(ministry_viewer, "METI")
    assert not scope.sees_whole_remit(ministry_viewer, "MLIT")
    assert not scope.sees_whole_remit(reviewer, "METI")  # only their own assignments' standards
