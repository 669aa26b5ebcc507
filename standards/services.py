"""Writes to the catalog. Each function is one transaction and records history, bulk writes included."""

from collections.abc import Collection
from dataclasses import dataclass, field

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from standards import bulk, history
from standards.importing import StandardRecord
from standards.models import DraftingBody, InternationalCorrespondence, Standard
from standards.signals import catalog_changed

# Fields an import sets on the standard row itself; relations are handled separately.
IMPORTED_FIELDS = (
    "title_ja",
    "title_en",
    "status",
    "established_on",
    "revised_on",
    "confirmed_on",
    "drafting_body_id",
    "ics_codes",
    "fast_track",
    "strategic_fields",
    "is_generated",
    "source_url",
)
DERIVED_FIELDS = ("division", "review_due_on", "review_due_fy", "search_text")
# Large enough to amortise round trips, small enough to stay under SQLite's variable limit.
BATCH_SIZE = 1000


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

    def summary(self) -> dict[str, int]:
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": self.unchanged,
        }


# Import columns → the Standard fields they set. A column absent from a file leaves its field alone.
COLUMN_FIELDS = {
    "title_ja": "title_ja",
    "title_en": "title_en",
    "established_on": "established_on",
    "revised_on": "revised_on",
    "confirmed_on": "confirmed_on",
    "drafting_body": "drafting_body_id",
    "ics": "ics_codes",
    "status": "status",
    "fast_track": "fast_track",
    "strategic_fields": "strategic_fields",
    "generated": "is_generated",
    "source": "source_url",
}


@transaction.atomic
def standards_import(
    *,
    records: list[StandardRecord],
    columns: Collection[str] | None = None,
    by=None,
    reason: str = "import",
    lock_wait: float | None = None,
) -> ImportResult:
    """Create or update (by number) one standard per record, with history for every change.

    `columns` names the columns the file had (all, if not given): an update changes only those.
    Imports run one at a time: this one waits up to `lock_wait` seconds (by default
    IMPORT_LOCK_WAIT_SECONDS) for another to finish, then raises ImportInProgress."""
    _lock_catalog_imports(settings.IMPORT_LOCK_WAIT_SECONDS if lock_wait is None else lock_wait)
    now = timezone.now()
    present = (
        set(COLUMN_FIELDS) | {"ministry", "international"} if columns is None else set(columns)
    )
    fields = {COLUMN_FIELDS[c] for c in present if c in COLUMN_FIELDS}
    body_ids = _drafting_body_ids({r.drafting_body for r in records if r.drafting_body})
    existing = {s.number: s for s in Standard.objects.all()}
    links, correspondences = _current_links(), _current_correspondences()
    with_links = "ministry" in present

    result, new_rows, new_records, updated, changed_links = ImportResult(), [], [], [], []
    for record in records:
        values = _row_values(record, body_ids)
        standard = existing.get(record.number)
        if standard is None:
            new_rows.append(_creation_row(record.number, values, now))
            new_records.append(record)
            result.created.append(record.number)
            continue
        links_changed = with_links and links.get(standard.pk, set()) != set(record.ministry_codes)
        if _apply(standard, {k: v for k, v in values.items() if k in fields}) or links_changed:
            updated.append(standard)
            if links_changed:
                changed_links.append((standard.pk, record))
            result.updated.append(record.number)
        elif "international" in present and correspondences.get(standard.pk, {}) != dict(
            record.international
        ):
            result.updated.append(record.number)
        else:
            result.unchanged += 1

    created_ids = bulk.insert(Standard, new_rows)
    for standard in updated:
        standard.updated_at = now
    Standard.objects.bulk_update(
        updated, [*IMPORTED_FIELDS, *DERIVED_FIELDS, "updated_at"], batch_size=BATCH_SIZE
    )
    _sync_ministries([*zip(created_ids, new_records, strict=True), *changed_links], links)
    _record_history(created_ids, [s.pk for s in updated], by=by, reason=reason, now=now)
    ids = dict(zip(result.created, created_ids, strict=True))
    if "international" in present:
        ids.update({number: s.pk for number, s in existing.items()})
    _sync_correspondences(
        [r for r in records if r.number in ids], ids, correspondences, by=by, reason=reason, now=now
    )
    changed = [*result.created, *result.updated]
    transaction.on_commit(lambda: catalog_changed.send(sender=Standard, numbers=changed))
    return result


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
    history.record_m2m(Standard, "ministries", [*created_ids, *updated_ids], date=now)


def _drafting_body_ids(names: set[str]) -> dict[str, int]:
    known = dict(DraftingBody.objects.filter(name__in=names).values_list("name", "id"))
    missing = [DraftingBody(name=name) for name in sorted(names - known.keys())]
    for body in DraftingBody.objects.bulk_create(missing, batch_size=BATCH_SIZE):
        known[body.name] = body.id
    return known


def _row_values(record: StandardRecord, body_ids: dict[str, int]) -> dict:
    return {
        "title_ja": record.title_ja,
        "title_en": record.title_en,
        "status": record.status,
        "established_on": record.established_on,
        "revised_on": record.revised_on,
        "confirmed_on": record.confirmed_on,
        "drafting_body_id": body_ids.get(record.drafting_body),
        "ics_codes": record.ics_codes,
        "fast_track": record.fast_track,
        "strategic_fields": record.strategic_fields,
        "is_generated": record.is_generated,
        "source_url": record.source_url,
    }


def _creation_row(number: str, values: dict, now) -> dict:
    derived = Standard.derived_values(
        number=number,
        title_ja=values["title_ja"],
        title_en=values["title_en"],
        established_on=values["established_on"],
        revised_on=values["revised_on"],
        confirmed_on=values["confirmed_on"],
    )
    return {"number": number, **values, **derived, "updated_at": now}


def _apply(standard: Standard, values: dict) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(standard, name) != value:
            setattr(standard, name, value)
            changed = True
    if changed:
        standard.refresh_derived_fields()
    return changed


def _current_links() -> dict[int, set[str]]:
    links: dict[int, set[str]] = {}
    for standard_id, ministry_id in Standard.ministries.through.objects.values_list(
        "standard_id", "ministry_id"
    ):
        links.setdefault(standard_id, set()).add(ministry_id)
    return links


def _current_correspondences() -> dict[int, dict[str, str]]:
    current: dict[int, dict[str, str]] = {}
    rows = InternationalCorrespondence.objects.values_list("standard_id", "designation", "degree")
    for standard_id, designation, degree in rows:
        current.setdefault(standard_id, {})[designation] = degree
    return current


def _sync_ministries(pairs: list[tuple[int, StandardRecord]], links: dict[int, set[str]]) -> None:
    """Replace the ministry links of standards whose set changed."""
    through = Standard.ministries.through
    stale = {pk for pk, record in pairs if links.get(pk, set()) - set(record.ministry_codes)}
    if stale:
        through.objects.filter(standard_id__in=stale).delete()
    new_links = []
    for pk, record in pairs:
        kept = set() if pk in stale else links.get(pk, set())
        new_links += [
            {"standard_id": pk, "ministry_id": code}
            for code in sorted(set(record.ministry_codes) - kept)
        ]
    bulk.insert(through, new_links)


def _sync_correspondences(records, ids: dict[str, int], current, *, by, reason, now) -> None:
    removed, added = [], []
    for record in records:
        pk = ids[record.number]
        have, want = current.get(pk, {}), dict(record.international)
        removed += [(pk, d) for d, g in have.items() if want.get(d) != g]
        added += [
            {"standard_id": pk, "designation": d, "degree": g}
            for d, g in want.items()
            if have.get(d) != g
        ]
    for pk, designation in removed:
        # Row by row so each deletion is recorded in the history; imports rarely remove any.
        for row in InternationalCorrespondence.objects.filter(
            standard_id=pk, designation=designation
        ):
            row._change_reason = reason
            row._history_user = by
            row.delete()
    history.record_rows(
        InternationalCorrespondence,
        bulk.insert(InternationalCorrespondence, added),
        history_type="+",
        date=now,
        user_id=getattr(by, "pk", None),
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
    history.record_m2m(Standard, "ministries", [standard.pk], date=now)


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
