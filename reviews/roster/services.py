"""The roster import: one file makes and updates the people, their roles and the routing rules
that send standards to them, all or nothing, in one transaction; new people are invited."""

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import Role
from reviews.people import services as people_services
from reviews.roster import selectors
from reviews.roster.rows import (
    COORDINATOR,
    REVIEWER,
    Person,
    RosterReport,
    RowError,
    read_roster,
)
from reviews.survey.models import RoutingRule
from standards import bulk
from standards.catalog_files import check_size, table_rows

# A roster of every person of 581 bodies and the ministries is a few thousand rows and well under
# a megabyte; these bounds keep an upload (kept in the cache between preview and confirmation) small.
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
# The roster import's PostgreSQL advisory lock (any number no other lock of the project uses).
ADVISORY_LOCK = 160_016
# What a change is called on the preview, by field.
FIELD_LABELS = {
    "name": gettext_lazy("Name"),
    "organisation": gettext_lazy("Organisation"),
    "role": gettext_lazy("Role"),
    "ministry": gettext_lazy("Ministry"),
    "drafting_bodies": gettext_lazy("Drafting bodies"),
    "divisions": gettext_lazy("Divisions"),
    "language": gettext_lazy("Language"),
    "active": gettext_lazy("Active"),
    "routing": gettext_lazy("Routing rules"),
}
# The routing rule kinds a roster sets: a reviewer joins one rule per drafting body, division and
# ministry written on their row.
_KINDS = RoutingRule.Kind


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str

    @property
    def label(self) -> str:
        return str(FIELD_LABELS[self.field])


@dataclass
class Update:
    """An existing person the roster changes."""

    person: Person
    user: object
    changes: list[Change]


@dataclass
class RosterResult:
    report: RosterReport
    dry_run: bool
    created: list[Person] = field(default_factory=list)
    updated: list[Update] = field(default_factory=list)
    unchanged: int = 0
    deactivated: list[object] = field(default_factory=list)  # users
    missing_kept: int = 0  # people not in the file, kept (no --deactivate-missing)
    coverage: selectors.Coverage | None = None
    written: bool = False

    @property
    def ok(self) -> bool:
        return self.report.ok


class _DryRun(Exception):
    """Rolls back the dry run's writes, carrying what they would have been."""

    def __init__(self, result: RosterResult):
        self.result = result


def roster_read(*, data: bytes, filename: str = "") -> RosterReport:
    """Read and validate a roster file (CSV or XLSX) against the catalog. Raises CatalogFileError
    when the file as a whole cannot be read."""
    check_size(len(data), min(MAX_BYTES, settings.IMPORT_MAX_BYTES))
    rows = table_rows(data, filename, min(MAX_ROWS, settings.IMPORT_MAX_ROWS))
    return read_roster(rows, **selectors.roster_lookups())


def roster_import(
    *,
    rows_or_file: bytes | RosterReport,
    by,
    dry_run: bool = False,
    deactivate_missing: bool = False,
    filename: str = "",
    today: dt.date | None = None,
) -> RosterResult:
    """Import a roster: the file's bytes, or a report already read. `by` is the coordinator who
    uploads (None: the command line, with an administrator's rights). Nothing is written when a
    row is invalid, or when a coordinator who is not an administrator would grant or take away the
    coordinator role. A dry run writes nothing either and says what the import would do, with the
    coverage it would leave."""
    with bulk.paused_gc():  # thousands of objects that all live to the end
        return _import(
            rows_or_file,
            by=by,
            dry_run=dry_run,
            deactivate_missing=deactivate_missing,
            filename=filename,
            today=today or timezone.localdate(),
        )


def _import(rows_or_file, *, by, dry_run, deactivate_missing, filename, today) -> RosterResult:
    report = rows_or_file
    if not isinstance(report, RosterReport):
        report = roster_read(data=rows_or_file, filename=filename)
    result = RosterResult(report=report, dry_run=dry_run)
    if not report.ok:
        return result
    try:
        with transaction.atomic():
            _one_at_a_time()
            existing = selectors.people_by_email(p.email for p in report.people)
            plan = _Plan(report.people, existing)
            if refusals := _refusals(plan, report, by):
                report.fail(refusals)
                return result
            _write(plan, result, by=by, dry_run=dry_run, deactivate_missing=deactivate_missing)
            result.coverage = selectors.coverage(today=today)
            if dry_run:
                raise _DryRun(result)
    except _DryRun as rolled_back:
        return rolled_back.result
    result.written = True
    return result


def _one_at_a_time() -> None:
    """Two imports at once would both create a person new to each: the second waits for the first
    to commit and then reads the people it made (PostgreSQL; SQLite writes one at a time anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK])


class _Plan:
    """What the roster means for each person: who is new, who changes and how."""

    def __init__(self, people: Sequence[Person], existing: dict):
        self.new = [p for p in people if p.email not in existing]
        self.updates: list[Update] = []
        self.unchanged = 0
        self.existing = existing
        for person in people:
            user = existing.get(person.email)
            if user is None:
                continue
            changes = _changes(person, user)
            if changes:
                self.updates.append(Update(person, user, changes))
            else:
                self.unchanged += 1
        self.people = list(people)


def _role_of(user) -> str:
    roles = sorted({g.name for g in user.groups.all()} & set(Role.values))
    return ",".join(roles)


def _routing_of(user) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {kind: [] for kind in _KINDS.values}
    for rule in user.routing_rules.all():
        found[rule.kind].append(rule.value)
    return {kind: sorted(values) for kind, values in found.items()}


def _wanted_routing(person: Person) -> dict[str, list[str]]:
    if person.role != REVIEWER:
        return {kind: [] for kind in _KINDS.values}
    return {
        _KINDS.DRAFTING_BODY: sorted(person.drafting_bodies),
        _KINDS.DIVISION: sorted(person.divisions),
        _KINDS.MINISTRY: [person.ministry] if person.ministry else [],
    }


def _changes(person: Person, user) -> list[Change]:
    have_routing, want_routing = _routing_of(user), _wanted_routing(person)
    have_bodies, want_bodies = have_routing[_KINDS.DRAFTING_BODY], sorted(person.drafting_bodies)
    if person.role != REVIEWER:  # one body, kept on the account; no routing
        fk = [user.drafting_body.name] if user.drafting_body is not None else []
        have_bodies, want_bodies = have_bodies or fk, person.drafting_bodies[:1]
    pairs = [
        ("name", user.get_full_name(), person.name),
        ("organisation", user.organisation, person.organisation),
        ("role", _role_of(user), person.role),
        ("ministry", user.ministry_id or "", person.ministry),
        ("drafting_bodies", "、".join(have_bodies), "、".join(want_bodies)),
        (
            "divisions",
            " ".join(have_routing[_KINDS.DIVISION]),
            " ".join(want_routing[_KINDS.DIVISION]),
        ),
        ("language", user.language, person.language),
        ("active", _("Active") if user.is_active else _("Deactivated"), _("Active")),
    ]
    changes = [Change(name, str(before), str(after)) for name, before, after in pairs]
    changes = [c for c in changes if c.before != c.after]
    if person.role == REVIEWER and have_routing[_KINDS.MINISTRY] != want_routing[_KINDS.MINISTRY]:
        if not any(c.field == "ministry" for c in changes):
            changes.append(
                Change(
                    "ministry",
                    " ".join(have_routing[_KINDS.MINISTRY]),
                    " ".join(want_routing[_KINDS.MINISTRY]),
                )
            )
    if person.role != REVIEWER and any(have_routing.values()):  # only reviewers are routed to
        rules = " ".join(v for values in have_routing.values() for v in values)
        changes.append(Change("routing", rules, ""))
    return changes


def _is_admin(by) -> bool:
    return by is None or bool(getattr(by, "is_superuser", False))


def _refusals(plan: _Plan, report: RosterReport, by) -> list[RowError]:
    """Only an administrator grants, takes away or gives back (by reactivating) the coordinator
    role, or changes an administrator's account."""
    if _is_admin(by):
        return []
    role_column = report.headers.get("role", "role")
    refused = [
        RowError(
            p.line,
            role_column,
            p.role,
            _("only an administrator may grant the coordinator role"),
        )
        for p in plan.new
        if p.role == COORDINATOR
    ]
    refused += filter(None, (_refusal(u, report.headers) for u in plan.updates))
    return sorted(refused, key=lambda e: e.line)


def _refusal(update: Update, headers: dict[str, str]) -> RowError | None:
    """Why a coordinator who is not an administrator may not make this change, if they may not."""
    person, changed = update.person, {c.field: c for c in update.changes}
    if update.user.is_superuser:
        return RowError(
            person.line,
            headers.get("email", "email"),
            person.email,
            _("an administrator's account; only an administrator may change it"),
        )
    role = changed.get("role")
    if role is not None and COORDINATOR in [*role.before.split(","), role.after]:
        reason = _("only an administrator may grant or take away the coordinator role")
    elif person.role == COORDINATOR and "active" in changed:
        reason = _("a deactivated coordinator; only an administrator may reactivate them")
    else:
        return None
    return RowError(person.line, headers.get("role", "role"), person.role, reason)


def _write(plan: _Plan, result: RosterResult, *, by, dry_run: bool, deactivate_missing: bool):
    bodies = selectors.body_ids({b for p in plan.people for b in p.drafting_bodies})
    created = _create(plan.new, bodies)
    for update in plan.updates:
        _apply(update.person, update.user, bodies)
    get_user_model().objects.bulk_update(
        [u.user for u in plan.updates],
        [
            "first_name",
            "last_name",
            "organisation",
            "language",
            "ministry",
            "drafting_body",
            "is_active",
        ],
        batch_size=500,
    )
    users = {**{u.email_key: u for u in plan.existing.values()}, **created}
    _set_roles(plan.people, users)
    _set_routing(plan.people, users)
    result.created, result.updated, result.unchanged = plan.new, plan.updates, plan.unchanged
    missing = _missing(plan, by)
    if deactivate_missing:
        result.deactivated = missing
    else:
        result.missing_kept = len(missing)
    if dry_run:
        return
    if created:
        people_services.invitations_send(users=list(created.values()), by=by)
    for user in result.deactivated:
        people_services.person_deactivate(user=user, by=by)


def _apply(person: Person, user, bodies: dict[str, int]) -> None:
    user.first_name, user.last_name = person.name, ""
    user.organisation = person.organisation
    user.language = person.language
    user.ministry_id = person.ministry or None
    user.drafting_body_id = (
        bodies.get(person.drafting_bodies[0]) if person.drafting_bodies else None
    )
    user.is_active = True


def _create(people: Sequence[Person], bodies: dict[str, int]) -> dict[str, object]:
    """New users, signed in by their e-mail; no password until they accept their invitation."""
    if not people:
        return {}
    User = get_user_model()
    taken = set(
        User.objects.filter(username__in=[p.email for p in people]).values_list(
            "username", flat=True
        )
    )
    users = []
    for person in people:
        user = User(username=_free_username(person.email, taken), email=person.email)
        taken.add(user.username)
        _apply(person, user, bodies)
        # what set_unusable_password() writes, without its slower random string
        user.password = UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)
        user.email_key = person.email
        users.append(user)
    fields = [f.attname for f in User._meta.concrete_fields if not f.primary_key]
    ids = bulk.insert(User, [{name: getattr(u, name) for name in fields} for u in users])
    for user, pk in zip(users, ids, strict=True):
        user.pk = user.id = pk
        user._state.adding, user._state.db = False, "default"
    return {u.email_key: u for u in users}


def _free_username(email: str, taken: set[str]) -> str:
    if email not in taken:
        return email
    number = 2
    while f"{email}-{number}" in taken:
        number += 1
    return f"{email}-{number}"


def _set_roles(people: Sequence[Person], users: dict) -> None:
    """Each person's role group is the roster's; their other groups stay."""
    groups = dict(Group.objects.filter(name__in=Role.values).values_list("name", "pk"))
    through = get_user_model().groups.through
    ids = [users[p.email].pk for p in people]
    wanted = {(users[p.email].pk, groups[p.role]) for p in people}
    have = set(
        through.objects.filter(user_id__in=ids, group_id__in=groups.values()).values_list(
            "user_id", "group_id"
        )
    )
    _replace(through, "user_id", "group_id", have - wanted, wanted - have)


def _set_routing(people: Sequence[Person], users: dict) -> None:
    """Each reviewer is in the rule of each of their drafting bodies, divisions and ministry, and
    in no other; other people are in none. Rules are made as needed and never deleted."""
    wanted_keys = {
        (users[p.email].pk, kind, value)
        for p in people
        for kind, values in _wanted_routing(p).items()
        for value in values
    }
    keys = {(kind, value) for _user, kind, value in wanted_keys}
    RoutingRule.objects.bulk_create(
        [RoutingRule(kind=kind, value=value) for kind, value in keys],
        ignore_conflicts=True,
        batch_size=500,
    )
    rules = selectors.routing_rule_ids(keys)
    wanted = {(user, rules[(kind, value)]) for user, kind, value in wanted_keys}
    through = RoutingRule.reviewers.through
    ids = [users[p.email].pk for p in people]
    have = set(through.objects.filter(user_id__in=ids).values_list("user_id", "routingrule_id"))
    _replace(through, "user_id", "routingrule_id", have - wanted, wanted - have)


def _replace(through, left: str, right: str, gone: set, new: set) -> None:
    by_left: dict[int, list[int]] = {}
    for a, b in gone:
        by_left.setdefault(b, []).append(a)
    for b, lefts in by_left.items():
        through.objects.filter(**{f"{left}__in": lefts, right: b}).delete()
    bulk.insert(through, [{left: a, right: b} for a, b in new], ids=False)


def _missing(plan: _Plan, by) -> list:
    """Active people with a role whom this roster does not name (never the uploader; a coordinator
    who is not an administrator leaves other coordinators alone)."""
    named = {p.email for p in plan.people}
    population = selectors.roster_population()
    if by is not None:
        population = population.exclude(pk=by.pk)
        if not _is_admin(by):
            population = population.exclude(groups__name=Role.COORDINATOR)
    return [user for user in population if user.email_key not in named]
