"""The assignment workflow: every allowed state change, in one table. Screens, API and tasks all ask here."""

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy


class State(models.TextChoices):
    ASSIGNED = "assigned", gettext_lazy("Assigned")
    IN_PROGRESS = "in_progress", gettext_lazy("Draft saved")
    SUBMITTED = "submitted", gettext_lazy("Submitted")
    RETURNED = "returned", gettext_lazy("Returned")
    ACCEPTED = "accepted", gettext_lazy("Accepted")
    WITHDRAWN = "withdrawn", pgettext_lazy("assignment state", "Withdrawn")


class Action(models.TextChoices):
    SAVE_DRAFT = "save_draft", gettext_lazy("save a draft")
    SUBMIT = "submit", gettext_lazy("submit")
    ACCEPT = "accept", gettext_lazy("accept")
    RETURN = "return", gettext_lazy("return")
    WITHDRAW = "withdraw", gettext_lazy("withdraw")
    HAND_OVER = "hand_over", gettext_lazy("hand over to a colleague")
    REASSIGN = "reassign", gettext_lazy("reassign")


# (state, action) → new state. Nothing else is allowed.
TRANSITIONS: dict[tuple[str, str], str] = {
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
    # a reviewer gives the assignment to a colleague (reviews.precheck); its state stays
    (State.ASSIGNED, Action.HAND_OVER): State.ASSIGNED,
    (State.IN_PROGRESS, Action.HAND_OVER): State.IN_PROGRESS,
    (State.SUBMITTED, Action.HAND_OVER): State.SUBMITTED,
    (State.RETURNED, Action.HAND_OVER): State.RETURNED,
    # a coordinator gives it to another reviewer, answers kept; once accepted or withdrawn the
    # answers are someone's record, so it stays with them
    (State.ASSIGNED, Action.REASSIGN): State.ASSIGNED,
    (State.IN_PROGRESS, Action.REASSIGN): State.IN_PROGRESS,
    (State.SUBMITTED, Action.REASSIGN): State.SUBMITTED,
    (State.RETURNED, Action.REASSIGN): State.RETURNED,
}
# The states in groups, each defined here once. The reviewer still owes an answer (reminders go out,
# and past the due date it is overdue):
OPEN_STATES = (State.ASSIGNED, State.IN_PROGRESS, State.RETURNED)
# The reviewer may edit the answers:
EDITABLE_STATES = OPEN_STATES
# The reviewer has answered, most advanced first:
ANSWERED_STATES = (State.ACCEPTED, State.SUBMITTED)
# Nothing more happens:
CLOSED_STATES = (State.ACCEPTED, State.WITHDRAWN)


class InvalidTransition(ValueError):
    """The action is not allowed in the assignment's current state; the message says why."""


def allows(state: str, action: str) -> bool:
    return (state, action) in TRANSITIONS


def next_state(state: str, action: str) -> str:
    try:
        return TRANSITIONS[state, action]
    except KeyError:
        allowed = sorted(str(Action(a).label) for (s, a) in TRANSITIONS if s == state)
        raise InvalidTransition(
            _("Cannot %(action)s an assignment that is %(state)s; allowed: %(allowed)s.")
            % {
                "action": Action(action).label if action in Action.values else action,
                "state": str(State(state).label).lower() if state in State.values else state,
                "allowed": ", ".join(allowed) or _("nothing"),
            }
        ) from None
