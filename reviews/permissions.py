"""Who sees which assignments and batches: the one scoping rule used by pages, API and exports."""

from accounts.roles import Role, has_role, is_coordinator
from reviews.models import Assignment, Batch


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
