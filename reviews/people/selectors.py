"""Reads of the people step: everyone with their state, last sign-in and open work (the people
screen), and what an invitation link opens."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    CharField,
    Count,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import pgettext_lazy

from accounts.roles import Role
from reviews.people import tokens
from reviews.people.models import Invitation
from reviews.survey.models import Assignment
from reviews.survey.workflow import OPEN_STATES


class State:
    """A person's state on the people screen, worked out from their account and invitations."""

    INVITED = "invited"
    ACTIVE = "active"
    NEVER_LOGGED_IN = "never_logged_in"
    DEACTIVATED = "deactivated"
    CHOICES = (
        (INVITED, pgettext_lazy("person state", "Invited")),
        (ACTIVE, pgettext_lazy("person state", "Active")),
        (NEVER_LOGGED_IN, pgettext_lazy("person state", "Never logged in")),
        (DEACTIVATED, pgettext_lazy("person state", "Deactivated")),
    )


def people():
    """Every user with `state`, `invited_at`, `invitation_accepted_at` and `open_assignments`
    (the answers they still owe), computed in the one query; groups, ministry and drafting body
    come with it."""
    latest = Invitation.objects.filter(user=OuterRef("pk")).order_by("-id")
    owed = (
        Assignment.objects.filter(reviewer=OuterRef("pk"), state__in=OPEN_STATES)
        .order_by()
        .values("reviewer")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        get_user_model()
        .objects.select_related("ministry", "drafting_body")
        .prefetch_related("groups")
        .annotate(
            invited_at=Subquery(latest.values("created_at")[:1]),
            invitation_accepted_at=Subquery(latest.values("accepted_at")[:1]),
            open_assignments=Coalesce(Subquery(owed, output_field=IntegerField()), Value(0)),
        )
        .annotate(
            state=Case(
                When(is_active=False, then=Value(State.DEACTIVATED)),
                When(last_login__isnull=False, then=Value(State.ACTIVE)),
                When(
                    Q(invited_at__isnull=False, invitation_accepted_at__isnull=True),
                    then=Value(State.INVITED),
                ),
                default=Value(State.NEVER_LOGGED_IN),
                output_field=CharField(),
            )
        )
        .order_by("username")
    )


def may_be_invited(user) -> bool:
    """An invitation sets a first password: for active people who have never signed in."""
    return user.is_active and user.last_login is None


def may_manage(by, person) -> bool:
    """Whether `by` (a coordinator; None is the command line) may invite or deactivate `person`:
    an administrator anyone; a coordinator who is not an administrator neither an administrator
    nor another coordinator, as in the roster import. Reads the person's prefetched groups."""
    if by is None or by.is_superuser:
        return True
    return not person.is_superuser and all(g.name != Role.COORDINATOR for g in person.groups.all())


@dataclass(frozen=True)
class OpenedLink:
    """What an invitation link opens: the invitation, or the reason it opens nothing (invalid,
    expired, used, superseded, deactivated)."""

    invitation: Invitation | None = None
    problem: str = ""


def invitation_open(token: str) -> OpenedLink:
    try:
        pk, fingerprint = tokens.token_read(token, max_age_days=settings.INVITATION_DAYS)
    except tokens.TokenProblem as problem:
        return OpenedLink(problem=problem.reason)
    invitation = Invitation.objects.select_related("user").filter(pk=pk).first()
    if invitation is None:
        return OpenedLink(problem="invalid")
    user = invitation.user
    if not user.is_active:
        return OpenedLink(problem="deactivated")
    if invitation.accepted_at is not None or not tokens.fingerprint_matches(user, fingerprint):
        return OpenedLink(problem="used")
    newest = Invitation.objects.filter(user=user).order_by("-id").values_list("pk", flat=True)
    if newest.first() != invitation.pk:
        return OpenedLink(problem="superseded")
    return OpenedLink(invitation=invitation)
