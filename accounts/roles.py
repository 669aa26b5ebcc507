"""Roles are Django groups; these helpers read them once per request-bound user object."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    REVIEWER = "reviewer", _("Reviewer")
    MINISTRY_VIEWER = "ministry_viewer", _("Ministry viewer")


def role_names(user) -> frozenset[str]:
    """The names of the user's role groups, cached on the user object (one query at most)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._role_names = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(role_names(user) & set(roles))


def is_coordinator(user) -> bool:
    """Coordinators and administrators may change the catalog."""
    return bool(getattr(user, "is_superuser", False)) or has_role(user, Role.COORDINATOR)
