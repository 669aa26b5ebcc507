"""What the survey tells the later steps of the review, which subscribe (the survey knows none).

`outcome_accepted` is sent once accepted responses have committed, with `standard_ids`: the
standards whose outcome is new (reviews.priority recomputes their verdicts)."""

from django.dispatch import Signal

outcome_accepted = Signal()
