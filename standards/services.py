"""Writes to the catalog. Each function is one transaction and records history, bulk writes included."""

from collections.abc import Collection
from dataclasses import dataclass, field

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from standards import bulk, history
from standards.bodies import body_key
from standards.import_changes import Change, ImportPlan, Pending, body_names, import_plan
from standards.import_followers import catalog_changed_notify
from standards.import_writes import standards_upsert
from standards.importing import AmendmentRecord, RowError, StandardRecord
from standards.models import DraftingBody, InternationalCorrespondence, Standard

BATCH_SIZE = bulk.BATCH_SIZE  # chosen, and explained, once for every bulk write
# Up to this many standards changed, the catalog's followers (open survey assignments of withdrawn
# standards, priority verdicts, alignments) hear of an import within its request, so the next page
# shows what follows; past it the worker tells them, and the page says so: their work grows with
# the standards changed (a thousand withdrawals took 20 s of a request that gunicorn stops at 30).
FOLLOW_AT_ONCE_UP_TO = 500


# The PostgreSQL advisory lock every catalog import takes: any number, the same in every process.
CATALOG_IMPORT_LOCK = 0x4A495331  # "JIS1"
_LOCK_NOT_AVAILABLE = "55P03"


class ImportInProgress(Exception):
    """Another catalog import is running; this one wrote nothing."""


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    changes: list[Change] = field(default_factory=list)  # every field changed, standard by standard
    warnings: list[RowError] = field(default_factory=list)  # found against the stored catalog
    older: list[str] = field(default_factory=list)  # older editions than stored: not applied
    not_planned: int = 0  # TS and TR documents stored, which the five-year plan leaves out
    amendments: int = 0  # amendments newly recorded on their standards
    dry_run: bool = False
    followed_on_worker: bool = False  # what follows from the changes is done in the background

    def summary(self) -> dict[str, int]:
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": self.unchanged,
        }

    def details(self) -> dict[str, int]:
        """The counts beyond created / updated / unchanged, for the summary line."""
        return {
            "older": len(self.older),
            "not_planned": self.not_planned,
            "amendments": self.amendments,
        }


@transaction.atomic
def standards_import(
    *,
    records: list[StandardRecord],
    columns: Collection[str] | None = None,
    amendments: Collection[AmendmentRecord] = (),
    by=None,
    reason: str = "import",
    lock_wait: float | None = None,
    dry_run: bool = False,
    number_column: str = "number",
    follow_on_worker: bool | None = None,
) -> ImportResult:
    """Create or update (by number) one standard per record, with history for every change, and
    record each amendment on its standard. With `dry_run`, say what would change and write nothing.

    `columns` names the columns the file had (all, if not given): an update changes only those, and
    of those only the cells that are not blank. `number_column` names the number's column in
    warnings. Imports run one at a time: this one waits up to `lock_wait` seconds (by default
    IMPORT_LOCK_WAIT_SECONDS) for another to finish, then raises ImportInProgress.

    What follows from the changes (catalog_changed's followers) runs once committed: on the worker
    past FOLLOW_AT_ONCE_UP_TO standards changed, else at once; `follow_on_worker` decides instead
    when given (the import_standards command follows at once: it has no request to hold up, and
    may run where no worker does)."""
    if not dry_run:
        _lock_catalog_imports(settings.IMPORT_LOCK_WAIT_SECONDS if lock_wait is None else lock_wait)
    names = {name for record in records for name in record.drafting_bodies}
    stored_bodies = dict(DraftingBody.objects.values_list("id", "name"))
    body_ids = _drafting_body_ids(names, stored_bodies, create=not dry_run)
    with bulk.paused_gc():
        plan = import_plan(
            records=records,
            columns=columns,
            amendments=amendments,
            body_ids=body_ids,
            body_names=body_names(body_ids, stored_bodies),
            number_column=number_column,
        )
    result = ImportResult(
        created=plan.created,
        updated=plan.updated,
        unchanged=plan.unchanged,
        changes=plan.changes,
        warnings=plan.warnings,
        older=plan.older,
        not_planned=plan.not_planned,
        amendments=plan.amendments,
        dry_run=dry_run,
    )
    if not dry_run and plan.pending:
        with bulk.paused_gc():
            _write(plan, by=by, reason=reason, now=timezone.now())
        changed = [p.number for p in plan.pending]
        result.followed_on_worker = (
            len(changed) > FOLLOW_AT_ONCE_UP_TO if follow_on_worker is None else follow_on_worker
        )
        # once committed; should the broker refuse it, it was followed at once after all
        transaction.on_commit(
            lambda: setattr(
                result,
                "followed_on_worker",
                catalog_changed_notify(changed, on_worker=result.followed_on_worker),
            )
        )
    return result


def _write(plan: ImportPlan, *, by, reason: str, now) -> None:
    """Every standard created or changed in one set-based write (import_writes), then their links,
    history rows and correspondences, each also in a statement or two whatever the row count."""
    written = standards_upsert([_written_row(p, now) for p in plan.pending if p.row or p.values])
    created, updated, relinked = [], [], []
    for pending in plan.pending:
        if pending.row is not None:
            pending.pk = written[pending.number]
            created.append(pending.pk)
        elif pending.number in written:
            updated.append(pending.pk)
        elif pending.ministries is not None or pending.bodies is not None:
            relinked.append(pending.pk)
    for through, target, attribute in (
        (Standard.ministries.through, "ministry_id", "ministries"),
        (Standard.drafting_bodies.through, "draftingbody_id", "bodies"),
    ):
        _sync_links(through, target, [(p, getattr(p, attribute)) for p in plan.pending])
    _record_history(created, updated + relinked, by=by, reason=reason, now=now)
    _sync_correspondences(
        [p for p in plan.pending if p.correspondences is not None], by=by, reason=reason, now=now
    )


def _written_row(pending: Pending, now) -> dict:
    """The standard's whole row as the import leaves it: a new one's, or the stored one's with the
    changed values and what derives from them."""
    if pending.row is not None:
        return {**pending.row, "id": None, "updated_at": now}
    row = {**pending.stored, **pending.values}
    derived = Standard.derived_values(
        number=row["number"],
        title_ja=row["title_ja"],
        title_en=row["title_en"],
        established_on=row["established_on"],
        revised_on=row["revised_on"],
        confirmed_on=row["confirmed_on"],
    )
    return {**row, **derived, "id": pending.pk, "updated_at": now}


def _lock_catalog_imports(wait: float) -> None:
    """Two imports at once would both create the same drafting bodies and standards and one would
    fail half-way: take a transaction-scoped advisory lock first (released at commit or rollback).
    SQLite lets one transaction write at a time anyway, so there is nothing to take there."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('lock_timeout')")
        (previous,) = cursor.fetchone()
        # lock_timeout bounds the wait; 0 would mean no bound at all, hence at least 1 ms
        timeout = f"{max(1, round(wait * 1000))}ms"
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [timeout])
        try:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CATALOG_IMPORT_LOCK])
        except OperationalError as exc:
            if getattr(exc.__cause__, "sqlstate", None) != _LOCK_NOT_AVAILABLE:
                raise
            raise ImportInProgress(
                _(
                    "Another catalog import is running; nothing was imported. Try again when it "
                    "has finished."
                )
            ) from None
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])


def _record_history(created_ids: list[int], updated_ids: list[int], *, by, reason, now) -> None:
    user_id = getattr(by, "pk", None)
    for ids, kind in ((created_ids, "+"), (updated_ids, "~")):
        history.record_rows(
            Standard, ids, history_type=kind, date=now, user_id=user_id, reason=reason
        )
    for name in ("ministries", "drafting_bodies"):
        history.record_m2m(Standard, name, [*created_ids, *updated_ids], date=now)


def _drafting_body_ids(
    names: set[str], stored_bodies: dict[int, str], *, create: bool
) -> dict[str, int]:
    """Each name's body: the stored one spelt any way (bodies.body_key), else a new one. Without
    `create`, a new body gets a negative stand-in id, for a dry run to show."""
    stored = {body_key(name): pk for pk, name in stored_bodies.items()}
    ids, missing = {}, {}
    for name in sorted(names):
        key = body_key(name)
        if key in stored:
            ids[name] = stored[key]
        else:
            missing.setdefault(key, []).append(name)
    if create:
        new = [DraftingBody(name=spellings[0]) for spellings in missing.values()]
        made = DraftingBody.objects.bulk_create(new, batch_size=BATCH_SIZE)
        for body, spellings in zip(made, missing.values(), strict=True):
            ids.update(dict.fromkeys(spellings, body.pk))
    else:
        for stand_in, spellings in enumerate(missing.values(), start=1):
            ids.update(dict.fromkeys(spellings, -stand_in))
    return ids


def _sync_links(through, target: str, wanted: list[tuple[Pending, list | None]]) -> None:
    """Replace the links (ministries or drafting bodies) of standards whose set changed; None:
    leave them. New standards have none to replace."""
    wanted = [(p, items) for p, items in wanted if items is not None]
    stale = [p.pk for p, _items in wanted if p.row is None]
    if stale:
        through.objects.filter(standard_id__in=stale).delete()
    rows = [
        {"standard_id": p.pk, target: item} for p, items in wanted for item in dict.fromkeys(items)
    ]
    bulk.insert(through, rows, ids=False)


def _sync_correspondences(wanted: list[Pending], *, by, reason, now) -> None:
    """Replace the correspondences that differ: the removed ones recorded as deleted in the history
    and deleted, the new ones inserted and recorded as created, each in one statement or two."""
    current: dict[int, dict[str, tuple[int, str]]] = {}
    stale = [p.pk for p in wanted if p.row is None]
    rows = InternationalCorrespondence.objects.filter(standard_id__in=stale).values_list(
        "standard_id", "designation", "degree", "id"
    )
    for standard_id, designation, degree, pk in rows if stale else ():
        current.setdefault(standard_id, {})[designation] = (pk, degree)
    removed, added = [], []
    for pending in wanted:
        pk, want, have = pending.pk, pending.correspondences, current.get(pending.pk, {})
        removed += [row_id for d, (row_id, g) in have.items() if want.get(d) != g]
        added += [
            {"standard_id": pk, "designation": d, "degree": g}
            for d, g in want.items()
            if have.get(d, (None, None))[1] != g
        ]
    user_id = getattr(by, "pk", None)
    history.delete_rows(
        InternationalCorrespondence, removed, date=now, user_id=user_id, reason=reason
    )
    history.record_rows(
        InternationalCorrespondence,
        bulk.insert(InternationalCorrespondence, added),
        history_type="+",
        date=now,
        user_id=user_id,
        reason=reason,
    )


@transaction.atomic
def standard_save(
    *,
    standard: Standard,
    by=None,
    ministries=None,
    correspondences: list[dict] | None = None,
    reason: str = "",
) -> Standard:
    """Create or update one standard with its relations, recorded as one history entry."""
    adding = standard._state.adding
    standard.skip_history_when_saving = True  # one entry below, not one per step of .set()
    try:
        standard.save()
        if ministries is not None:
            standard.ministries.set(ministries)
    finally:
        del standard.skip_history_when_saving
    standard_history_record(standard=standard, by=by, reason=reason, created=adding)
    if correspondences is not None:
        _replace_correspondences(standard, correspondences, by=by, reason=reason)
    return standard


def standard_history_record(*, standard: Standard, by, reason: str, created: bool = False) -> None:
    """Write one history entry with the standard's current fields and ministries."""
    now = timezone.now()
    history.record_rows(
        Standard,
        [standard.pk],
        history_type="+" if created else "~",
        date=now,
        user_id=getattr(by, "pk", None),
        reason=reason,
    )
    for name in ("ministries", "drafting_bodies"):
        history.record_m2m(Standard, name, [standard.pk], date=now)


def _replace_correspondences(standard: Standard, items: list[dict], *, by, reason: str) -> None:
    want = {item["designation"]: item.get("degree", "") for item in items}
    for row in standard.correspondences.all():
        if want.get(row.designation) == row.degree:
            del want[row.designation]
            continue
        row._history_user, row._change_reason = by, reason
        row.delete()
    for designation, degree in want.items():
        row = InternationalCorrespondence(standard=standard, designation=designation, degree=degree)
        row._history_user, row._change_reason = by, reason
        row.save()
