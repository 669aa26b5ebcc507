"""Who sees which assignments and batches: the one scoping rule used by pages, API and exports."""

from django.db.models import Exists, OuterRef, Q

from accounts.roles import Role, has_role, is_coordinator
from reviews.models import Assignment, Batch, FollowUp
from standards.models import Standard


def visible_assignments(user):
    """Coordinators see all; reviewers their own; ministry viewers those of their ministry (read only)."""
    queryset = Assignment.objects.all()
    if is_coordinator(user):
        return queryset
    if has_role(user, Role.REVIEWER):
        return queryset.filter(reviewer=user)
    if has_role(user, Role.MINISTRY_VIEWER) and user.ministry_id:
        return queryset.filter(standard__ministries__code=user.ministry_id).distinct()
    return queryset.none()


def visible_batches(user):
    queryset = Batch.objects.all()
    if is_coordinator(user):
        return queryset
    if has_role(user, Role.REVIEWER):
        return queryset.filter(assignments__reviewer=user).distinct()
    return queryset.none()


def can_read_plan(user) -> bool:
    """The plan and progress figures are for coordinators and ministry viewers."""
    return is_coordinator(user) or has_role(user, Role.MINISTRY_VIEWER)


def can_answer(user, assignment) -> bool:
    return assignment.reviewer_id == user.pk


def can_decide(user) -> bool:
    return is_coordinator(user)


def survey_ministry(user) -> str | None:
    """The ministry a user's survey queries are limited to; None for coordinators (every ministry)."""
    return None if is_coordinator(user) else user.ministry_id


def can_query_survey(user) -> bool:
    """Priorities, answers, follow-ups and dashboards: coordinators, and viewers tied to a ministry."""
    return is_coordinator(user) or (has_role(user, Role.MINISTRY_VIEWER) and bool(user.ministry_id))


def visible_standards(user, queryset):
    """Standards whose survey results the user may read: all for coordinators, else their ministry's."""
    if not can_query_survey(user):
        return queryset.none()
    ministry = survey_ministry(user)
    if ministry is None:
        return queryset
    return queryset.filter(
        Exists(
            Standard.ministries.through.objects.filter(standard=OuterRef("pk"), ministry=ministry)
        )
    )


def visible_follow_ups(user):
    """Coordinators see all; ministry viewers those their ministry owns or on standards in its remit."""
    queryset = FollowUp.objects.all()
    if not can_query_survey(user):
        return queryset.none()
    ministry = survey_ministry(user)
    if ministry is None:
        return queryset
    return queryset.filter(
        Q(ministry_id=ministry) | Q(standard__in=visible_standards(user, Standard.objects.all()))
    )


def can_edit_follow_up(user, *, standard, ministry) -> bool:
    """Coordinators for any ministry; a ministry viewer only for their own, on a standard in its remit.

    `ministry` is a Ministry or its code. The standard's ministries are read from its prefetch cache
    when the caller has one (the standard page does), so the check adds no query there.
    """
    if not can_query_survey(user):
        return False
    own = survey_ministry(user)
    if own is None:
        return True
    code = getattr(ministry, "pk", ministry)
    return code == own and any(m.pk == own for m in standard.ministries.all())
