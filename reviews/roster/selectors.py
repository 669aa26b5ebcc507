"""Reads for the roster: the spellings an import accepts, the people a roster names, and the
coverage of the catalog's drafting bodies by people who answer for them."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.utils import translation

from accounts.roles import Role
from reviews.plan.selectors import current_programme
from reviews.roster.rows import header_key
from reviews.survey.models import RoutingRule
from standards.bodies import body_key
from standards.dates import fiscal_year
from standards.models import Division, DraftingBody, Standard, Status
from standards.selectors import ministry_lookup


def body_lookup() -> dict[str, str]:
    """body_key(name) → the catalog's name of every drafting body."""
    return {body_key(name): name for name in DraftingBody.objects.values_list("name", flat=True)}


def division_lookup() -> dict[str, str]:
    """Each division's letter and its name in Japanese and English → its letter."""
    lookup = {}
    for language in ("en", "ja"):
        with translation.override(language):
            lookup |= {header_key(label): letter for letter, label in Division.choices}
    lookup |= {header_key(letter): letter for letter in Division.values}
    # "B 一般機械" as the catalog's lists write a division
    with translation.override("ja"):
        lookup |= {header_key(f"{v} {v.label}"): v.value for v in Division}
    return lookup


def roster_lookups() -> dict[str, dict[str, str]]:
    return {
        "ministries": ministry_lookup(),
        "bodies": body_lookup(),
        "divisions": division_lookup(),
    }


def people_by_email(emails) -> dict[str, object]:
    """The users with these e-mails (lower case, compared case-insensitively), with their drafting
    body, groups and routing rules, by lower-case e-mail. Three queries."""
    users = (
        get_user_model()
        .objects.annotate(email_key=Lower("email"))
        .filter(email_key__in=list(emails))
        .select_related("drafting_body")
        .prefetch_related("groups", "routing_rules")
        .order_by("pk")
    )
    return {user.email_key: user for user in users}


def roster_population():
    """Active people a roster speaks for: those with a role. Administrators are never among them."""
    return (
        get_user_model()
        .objects.filter(is_active=True, is_superuser=False, groups__name__in=Role.values)
        .annotate(email_key=Lower("email"))
        .distinct()
        .order_by("email_key")
    )


@dataclass(frozen=True)
class Gap:
    """A drafting body of the catalog whose standards nobody answers for."""

    pk: int
    name: str
    this_year: int
    next_year: int
    standards: int


@dataclass(frozen=True)
class Coverage:
    fiscal_year: int  # the current one; the counts are for it and the next
    bodies: int  # drafting bodies that route at least one active standard
    gaps: list[Gap]

    @property
    def covered(self) -> int:
        return self.bodies - len(self.gaps)

    @property
    def gap_standards_this_year(self) -> int:
        return sum(g.this_year for g in self.gaps)

    @property
    def gap_standards_next_year(self) -> int:
        return sum(g.next_year for g in self.gaps)


def coverage(*, today: dt.date) -> Coverage:
    """The drafting bodies that route active standards (each standard's first body) and have no
    active person in their routing rule, with how many of their standards the current programme's
    plan puts in the current and the next fiscal year: most standards in the two years first, then
    most in the current one. Three queries."""
    year = fiscal_year(today)
    programme = current_programme()
    routing = Exists(Standard.objects.filter(drafting_body=OuterRef("pk"), status=Status.ACTIVE))
    covered = RoutingRule.objects.filter(
        kind=RoutingRule.Kind.DRAFTING_BODY, reviewers__is_active=True
    ).values("value")
    bodies = DraftingBody.objects.filter(routing)
    planned = Q(standards__plan_entries__programme=programme) if programme else Q(pk=None)

    def in_year(fy: int):
        return Count(
            "standards__plan_entries",
            filter=planned & Q(standards__plan_entries__fiscal_year=fy),
            distinct=True,
        )

    rows = (
        bodies.exclude(name__in=covered)
        .annotate(
            this_year=in_year(year),
            next_year=in_year(year + 1),
            active=Count("standards", filter=Q(standards__status=Status.ACTIVE), distinct=True),
        )
        .values_list("pk", "name", "this_year", "next_year", "active")
    )
    gaps = [Gap(*row) for row in rows]
    gaps.sort(key=lambda g: (-(g.this_year + g.next_year), -g.this_year, -g.standards, g.name))
    return Coverage(fiscal_year=year, bodies=bodies.count(), gaps=gaps)


def body_ids(names) -> dict[str, int]:
    return dict(DraftingBody.objects.filter(name__in=list(names)).values_list("name", "pk"))


def routing_rule_ids(keys) -> dict[tuple[str, str], int]:
    """(kind, value) → id of the routing rules with these keys."""
    values = {value for _kind, value in keys}
    rules = RoutingRule.objects.filter(value__in=values).values_list("kind", "value", "pk")
    return {(kind, value): pk for kind, value, pk in rules if (kind, value) in keys}
