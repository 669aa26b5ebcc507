"""Every model of the review app, gathered so Django finds them; each domain package owns its own.

- reviews.plan.models: Programme, PlanYear, PlanReason, PlanEntry, PlanRun (and
  validate_days_list, which the migrations name as reviews.models.validate_days_list)
- reviews.survey.models: QuestionnaireVersion, RoutingRule, Batch, Assignment, Response,
  Transition, Usability, StandardOutcome
- reviews.priority.models: StandardPriority
- reviews.follow_ups.models: FollowUp
- reviews.reminders.models: Reminder, Notification, SweepRun

Code inside reviews imports a model from the package that owns it; this module is for Django, the
admin, migrations, tests and scripts.
"""

from reviews.follow_ups.models import FollowUp
from reviews.plan.models import (
    PlanEntry,
    PlanReason,
    PlanRun,
    PlanYear,
    Programme,
    validate_days_list,
)
from reviews.priority.models import StandardPriority
from reviews.reminders.models import Notification, Reminder, SweepRun
from reviews.survey.models import (
    Assignment,
    Batch,
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
    "FollowUp",
    "Notification",
    "PlanEntry",
    "PlanReason",
    "PlanRun",
    "PlanYear",
    "Programme",
    "QuestionnaireVersion",
    "Reminder",
    "Response",
    "RoutingRule",
    "StandardOutcome",
    "StandardPriority",
    "SweepRun",
    "Transition",
    "Usability",
    "validate_days_list",
]
