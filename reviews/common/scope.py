"""Who sees what: the one rule for survey data that every page, panel, API, export and chart showing
survey results goes through, and the role checks the screens of each step share."""

import operator
from functools import reduce

from django.db.models import Exists, OuterRef

from accounts.roles import Role, has_role, is_coordinator
from reviews.survey.models import Assignment
from standards.models import Standard


def survey_visible_standards(user, queryset, *, standard: str = "pk"):
    """The rule for survey data (accepted outcome, priority verdict and reasons, answers, and every
    figure counted from them): coordinators see every standard's; a ministry viewer those of the
    standards their ministry is a competent minister of; a reviewer those of the standards they hold
    an assignment on; anyone else none. A user with several roles sees the union.

    `queryset` holds standards, or rows that point at one through `standard` (e.g. "standard" for
    plan entries and assignments, "assignment__standard" for responses). The rule is a filter in the
    same query (EXISTS), never a list of ids.
    """
    if is_coordinator(user):
        return queryset
    ref = OuterRef(standard)
    allowed = []
    ministry = _viewer_ministry(user)
    if ministry:
        remit = Standard.ministries.through.objects.filter(standard=ref, ministry=ministry)
        allowed.append(Exists(remit))
    if has_role(user, Role.REVIEWER):
        allowed.append(Exists(Assignment.objects.filter(standard=ref, reviewer=user.pk)))
    if not allowed:
        return queryset.none()
    return queryset.filter(reduce(operator.or_, allowed))


def sees_whole_remit(user, ministry: str) -> bool:
    """Whether `user` may read the survey data of every standard in `ministry`'s remit: a
    coordinator, or a viewer of that ministry. Narrowed to that remit, what the user sees is then the
    remit itself, and survey_visible_standards has nothing to add."""
    return is_coordinator(user) or _viewer_ministry(user) == ministry


def can_see_survey_data(user, standard) -> bool:
    """The same rule for one standard (one query at most)."""
    return survey_visible_standards(user, Standard.objects.filter(pk=standard.pk)).exists()


def _viewer_ministry(user) -> str | None:
    return user.ministry_id if has_role(user, Role.MINISTRY_VIEWER) else None


def can_query_survey(user) -> bool:
    """Which screens, not which data: the ministry query screens (priorities, survey filters,
    dashboards, reports, follow-ups) are for coordinators and viewers tied to a ministry. What they
    show is cut by survey_visible_standards."""
    return is_coordinator(user) or bool(_viewer_ministry(user))


def survey_ministry(user) -> str | None:
    """The ministry a viewer's query screens are fixed to (shown as such, and preselected in their
    forms); None for coordinators, who may pick any."""
    return None if is_coordinator(user) else user.ministry_id


def can_read_plan(user) -> bool:
    """The plan and progress figures are for coordinators and ministry viewers."""
    return is_coordinator(user) or has_role(user, Role.MINISTRY_VIEWER)


def can_answer(user, assignment) -> bool:
    return assignment.reviewer_id == user.pk


def can_decide(user) -> bool:
    return is_coordinator(user)
