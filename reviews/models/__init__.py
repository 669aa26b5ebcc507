"""Every model of the review app, gathered so Django finds them; each domain package owns its own.

- reviews.plan.models: Programme, PlanYear, PlanReason, PlanEntry, PlanRun (and
  validate_days_list, which the migrations name as reviews.models.validate_days_list)
- reviews.survey.models: QuestionnaireVersion, RoutingRule, Batch, Assignment, Response,
  Transition, Usability, StandardOutcome
- reviews.precheck.models: PrecheckAnswer, Reroute, HandOver
- reviews.priority.models: StandardPriority
- reviews.follow_ups.models: FollowUp
- reviews.reminders.models: Reminder, Notification, SweepRun
- reviews.people.models: Invitation

Code inside reviews imports a model from the package that owns it; this module is for Django, the
admin, migrations, tests and scripts.
"""

from reviews.follow_ups.models import FollowUp
from reviews.people.models import Invitation
from reviews.plan.models import (
    PlanEntry,
    PlanReason,
    PlanRun,
    PlanYear,
    Programme,
    validate_days_list,
)
from reviews.precheck.models import HandOver, PrecheckAnswer, Reroute
from reviews.priority.models import StandardPriority
from reviews.reminders.models import Notification, Reminder, SweepRun
from reviews.survey.models import (
    Assignment,
    Batch,
    ComputedAnswer,
    QuestionnaireVersion,
    Response,
    RoutingRule,
    StandardOutcome,
    Transition,
    Usability,
)

__all__ = [
    "Assignment",
    "Batch",
    "ComputedAnswer",
    "FollowUp",
    "HandOver",
    "Invitation",
    "Notification",
    "PlanEntry",
    "PlanReason",
    "PlanRun",
    "PlanYear",
    "PrecheckAnswer",
    "Programme",
    "QuestionnaireVersion",
    "Reminder",
    "Reroute",
    "Response",
    "RoutingRule",
    "StandardOutcome",
    "StandardPriority",
    "SweepRun",
    "Transition",
    "Usability",
    "validate_days_list",
]
