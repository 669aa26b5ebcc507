"""What the survey tells the later steps of the review, which subscribe (the survey knows none).

`outcome_accepted` is sent once accepted responses have committed, with `standard_ids`: the
standards whose outcome is new (reviews.priority recomputes their verdicts).

`responses_decided` is sent inside the transaction that accepts or returns responses, with
`transitions`: the Transition rows just written, their assignments (and standards) loaded. What a
receiver writes commits or rolls back with the decision: reviews.reminders records the reviewer's
notice in its outbox, and sends it once the decision has committed."""

from django.dispatch import Signal

outcome_accepted = Signal()
responses_decided = Signal()
