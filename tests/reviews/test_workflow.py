import itertools

import pytest

from reviews.survey.workflow import (
    Action,
    InvalidTransition,
    State,
    next_state,
)

EXPECTED = {
    (State.ASSIGNED, Action.SAVE_DRAFT): State.IN_PROGRESS,
    (State.IN_PROGRESS, Action.SAVE_DRAFT): State.IN_PROGRESS,
    (State.RETURNED, Action.SAVE_DRAFT): State.IN_PROGRESS,
    (State.ASSIGNED, Action.SUBMIT): State.SUBMITTED,
    (State.IN_PROGRESS, Action.SUBMIT): State.SUBMITTED,
    (State.RETURNED, Action.SUBMIT): State.SUBMITTED,
    (State.SUBMITTED, Action.ACCEPT): State.ACCEPTED,
    (State.SUBMITTED, Action.RETURN): State.RETURNED,
    (State.ASSIGNED, Action.WITHDRAW): State.WITHDRAWN,
    (State.IN_PROGRESS, Action.WITHDRAW): State.WITHDRAWN,
    (State.SUBMITTED, Action.WITHDRAW): State.WITHDRAWN,
    (State.RETURNED, Action.WITHDRAW): State.WITHDRAWN,
    (State.ASSIGNED, Action.HAND_OVER): State.ASSIGNED,
    (State.IN_PROGRESS, Action.HAND_OVER): State.IN_PROGRESS,
    (State.SUBMITTED, Action.HAND_OVER): State.SUBMITTED,
    (State.RETURNED, Action.HAND_OVER): State.RETURNED,
    (State.ASSIGNED, Action.REASSIGN): State.ASSIGNED,
    (State.IN_PROGRESS, Action.REASSIGN): State.IN_PROGRESS,
    (State.SUBMITTED, Action.REASSIGN): State.SUBMITTED,
    (State.RETURNED, Action.REASSIGN): State.RETURNED,
}


@pytest.mark.parametrize(("state", "action"), list(itertools.product(State.values, Action.values)))
def test_every_pair_is_allowed_or_refused_as_the_table_says(state, action):
    if (state, action) in EXPECTED:
        assert next_state(state, action) == EXPECTED[state, action]
    else:
        with pytest.raises(InvalidTransition) as excinfo:
            next_state(state, action)
        assert str(State(state).label).lower() in str(excinfo.value)


def test_message_names_what_is_allowed():
    with pytest.raises(
        InvalidTransition,
        match=(
            "Cannot accept an assignment that is draft saved; "
            "allowed: hand over to a colleague, reassign, save a draft, submit, withdraw"
        ),
    ):
        next_state(State.IN_PROGRESS, Action.ACCEPT)
    with pytest.raises(InvalidTransition, match="allowed: nothing"):
        next_state(State.ACCEPTED, Action.SUBMIT)
