"""An import that withdraws standards withdraws their open survey assignments in a few statements,
writing what withdrawing them one standard at a time writes (issue #15: a thousand withdrawals took
8,000 queries and up to half a minute)."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from reviews.models import Assignment, Notification, Reminder, Transition
from reviews.survey import services as survey_services
from reviews.survey.workflow import State
from standards.models import Standard

pytestmark = pytest.mark.django_db

# every state an assignment can be in, open and closed, round the standards of the programme
STATES = [
    State.ASSIGNED,
    State.IN_PROGRESS,
    State.SUBMITTED,
    State.RETURNED,
    State.ACCEPTED,
    State.WITHDRAWN,
]


@pytest.fixture
def assigned(programme, coordinator, reviewer):
    """The programme's twelve standards, each assigned, in states round STATES."""
    survey_services.batches_create(
        programme=programme,
        fiscal_year=2026,
        due_on=dt.date(2026, 12, 25),
        today=dt.date(2026, 3, 1),
        max_size=50,
        by=coordinator,
        reviewer=reviewer,
    )
    assignments = list(Assignment.objects.order_by("standard__number"))
    assert len(assignments) == 12
    for index, assignment in enumerate(assignments):
        Assignment.objects.filter(pk=assignment.pk).update(state=STATES[index % len(STATES)])
    return assignments


def _withdraw_in_catalog(numbers) -> None:
    """As the set-based import does: one UPDATE, no save() and so no per-standard receiver."""
    Standard.objects.filter(number__in=numbers).update(status="withdrawn")


def _written() -> tuple:
    """Everything the withdrawal writes or might write, without ids and times."""
    history_fields = [f.attname for f in Assignment.history.model.tracked_fields]
    return (
        sorted(Assignment.objects.values_list("pk", "state")),
        sorted(
            Transition.objects.values_list(
                "assignment_id", "action", "from_state", "to_state", "by_id", "comment"
            )
        ),
        sorted(
            tuple(row.values())
            for row in Assignment.history.values(
                *history_fields, "history_type", "history_user_id", "history_change_reason"
            )
        ),
        Notification.objects.count(),
        Reminder.objects.count(),
    )


class _Undo(Exception):
    pass


def test_the_set_based_withdrawal_writes_what_withdrawing_standard_by_standard_writes(
    assigned, coordinator
):
    withdrawn = [a.standard.number for a in assigned[:9]]  # open, closed and active ones left
    _withdraw_in_catalog(withdrawn)
    try:
        with transaction.atomic():
            one_by_one = sum(
                survey_services.assignments_withdraw_for_standard(standard=standard, by=coordinator)
                for standard in Standard.objects.filter(number__in=withdrawn)
            )
            expected = _written()
            raise _Undo
    except _Undo:
        pass
    before = _written()
    assert before != expected  # the undo undid, and there was something to withdraw

    count = survey_services.assignments_withdraw_for_withdrawn(by=coordinator)

    assert count == one_by_one == 7  # the nine's open ones: all but one accepted, one withdrawn
    assert _written() == expected
    # …and each withdrawn assignment has one transition and one history row saying so
    for transition in Transition.objects.select_related("assignment"):
        [row] = transition.assignment.history.filter(history_type="~")
        assert row.state == State.WITHDRAWN and row.history_change_reason == "standard withdrawn"


def test_the_withdrawal_takes_the_same_few_queries_for_two_standards_as_for_ten(assigned):
    numbers = [a.standard.number for a in assigned]
    counts = []
    for chosen in (numbers[:2], numbers[2:12]):
        _withdraw_in_catalog(chosen)
        with CaptureQueriesContext(connection) as queries:
            withdrawn = survey_services.assignments_withdraw_for_withdrawn()
        counts.append((withdrawn, len(queries)))
    # savepoint, select (locking), transitions, update, history, release; the transitions go in by
    # COPY on PostgreSQL, which the capture does not see
    assert [withdrawn for withdrawn, _ in counts] == [2, 6]
    assert counts[0][1] == counts[1][1] <= 6, counts


def test_nothing_open_on_withdrawn_standards_writes_nothing(assigned, django_assert_num_queries):
    _withdraw_in_catalog([assigned[4].standard.number, assigned[5].standard.number])  # closed ones
    with django_assert_num_queries(3):  # savepoint, select, release
        assert survey_services.assignments_withdraw_for_withdrawn() == 0
    assert not Transition.objects.exists()
