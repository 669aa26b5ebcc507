"""The priority rule, case by case (no database)."""

import datetime as dt

import pytest

from reviews.priority.rule import Facts, priority

TODAY = dt.date(2026, 11, 28)  # FY2026


@pytest.mark.parametrize(
    ("facts", "reasons"),
    [
        (Facts(active=True), ()),
        (Facts(active=True, fast_track=True), ("fast_track",)),
        (
            Facts(active=True, usability="usable", cited_in_procurement=True),
            ("cited_in_procurement", "usable"),  # strongest first
        ),
        (Facts(active=True, usability="with_conditions"), ("usable_with_conditions",)),
        (Facts(active=True, usability="not_usable", cited_in_procurement=False), ()),
        (Facts(active=True, strategic_fields=("quantum",)), ("strategic_field",)),
        (Facts(active=True, recommended_action="revise"), ("revision_recommended",)),
        (Facts(active=True, recommended_action="confirm"), ()),
        (Facts(active=True, review_due_on=dt.date(2020, 1, 1)), ("review_due_soon",)),  # overdue
        (Facts(active=True, review_due_on=dt.date(2028, 3, 31)), ("review_due_soon",)),  # FY2027
        (Facts(active=True, review_due_on=dt.date(2028, 4, 1)), ()),  # FY2028
        (Facts(active=False, fast_track=True, usability="usable"), ()),  # withdrawn: never
    ],
)
def test_priority_reasons(facts, reasons):
    result = priority(facts, TODAY)
    assert result.reasons == reasons
    assert result.is_priority is bool(reasons)


@pytest.mark.django_db
def test_accepting_a_response_makes_the_standard_a_priority(
    assignment, reviewer, coordinator, django_capture_on_commit_callbacks
):
    from reviews.models import StandardPriority
    from reviews.survey import services as survey_services
    from tests.reviews.data import COMPLETE

    survey_services.response_save_draft(
        assignment=assignment, answers=COMPLETE, based_on=0, by=reviewer
    )
    survey_services.assignment_submit(assignment=assignment, by=reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        survey_services.assignment_accept(assignment=assignment, by=coordinator)
    verdict = StandardPriority.objects.get(standard=assignment.standard)
    assert verdict.is_priority and {"usable", "cited_in_procurement"} <= set(verdict.reasons)


@pytest.mark.django_db
def test_recompute_covers_every_standard_and_is_idempotent():
    from reviews.models import StandardPriority
    from reviews.priority import services as priority_services
    from tests.standards.factories import StandardFactory

    StandardFactory(number="JIS B 8445", fast_track=True, established_on=dt.date(2016, 3, 22))
    StandardFactory(number="JIS Z 8301", established_on=dt.date(2024, 1, 1))
    assert priority_services.priorities_recompute(today=TODAY) == 2
    assert priority_services.priorities_recompute(today=TODAY) == 2
    flags = dict(StandardPriority.objects.values_list("standard__number", "is_priority"))
    assert flags == {"JIS B 8445": True, "JIS Z 8301": False}


@pytest.mark.django_db
def test_an_import_asks_the_worker_to_refresh_priorities(django_capture_on_commit_callbacks):
    from unittest import mock

    from standards import selectors, services

    report = selectors.catalog_read(
        "number,title_ja\nJIS B 8445,ロボット\n".encode(), filename="c.csv"
    )
    # more rows than are recomputed at once in the request (a one-row file stands in for 11,000)
    with (
        mock.patch("reviews.priority.receivers.RECOMPUTE_AT_ONCE_UP_TO", 0),
        mock.patch("reviews.tasks.refresh_priorities.apply_async") as enqueue,
    ):
        with django_capture_on_commit_callbacks(execute=True):
            services.standards_import(records=report.records, columns=report.columns)
    enqueue.assert_called_once()
