"""Writes: the international data imported, and every standard's alignment recomputed from it."""

from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from standards import bulk
from standards.alignment import rule
from standards.alignment.files import EditionRecord
from standards.alignment.signals import alignment_changed
from standards.models import (
    InternationalCorrespondence,
    InternationalStandard,
    Standard,
    StandardAlignment,
)

# The PostgreSQL advisory lock international imports take (any number, the same everywhere).
INTERNATIONAL_IMPORT_LOCK = 0x4A495332  # "JIS2"
ALIGNMENT_RECOMPUTE_LOCK = 0x4A495333  # "JIS3"
# What an import compares and writes of each edition.
_FIELDS = ("body", "document", "year", "edition", "published_on", "status", "replaced_by")


@dataclass
class InternationalImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    dry_run: bool = False

    def summary(self) -> dict[str, int]:
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": self.unchanged,
        }


@transaction.atomic
def international_import(
    *, records: list[EditionRecord], dry_run: bool = False, on_commit=None
) -> InternationalImportResult:
    """Create or update (by reference) one edition per record. Editions the file does not name are
    kept: one body's file leaves the others' as they were. After commit `on_commit()` runs (the
    caller enqueues the recompute of every alignment)."""
    if not dry_run:
        _lock(INTERNATIONAL_IMPORT_LOCK)
    stored = {
        row[0]: row
        for row in InternationalStandard.objects.values_list("reference", "id", *_FIELDS)
    }
    result = InternationalImportResult(dry_run=dry_run)
    new_rows, changed_rows = [], []
    now = timezone.now()
    with bulk.paused_gc():
        for record in records:
            values = tuple(getattr(record, name) for name in _FIELDS)
            have = stored.get(record.reference)
            if have is None:
                result.created.append(record.reference)
                new_rows.append(
                    {"reference": record.reference, **dict(zip(_FIELDS, values, strict=True))}
                    | {"updated_at": now}
                )
            elif tuple(have[2:]) != values:
                result.updated.append(record.reference)
                changed_rows.append((have[1], values))
            else:
                result.unchanged += 1
        if not dry_run:
            bulk.insert(InternationalStandard, new_rows, ids=False)
            _update(changed_rows, now)
    if not dry_run and on_commit is not None and (result.created or result.updated):
        transaction.on_commit(on_commit)
    return result


def _lock(key: int) -> None:
    """Wait for the other holder of this transaction-scoped lock to commit (then read what it
    wrote): two imports at once would insert the same references. SQLite writes one at a time."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _update(rows: list[tuple[int, tuple]], now) -> None:
    """Changed editions: through a temporary table and one UPDATE on PostgreSQL (a re-import may
    change tens of thousands), bulk_update elsewhere."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        objects = []
        for pk, values in rows:
            objects.append(
                InternationalStandard(
                    id=pk, updated_at=now, **dict(zip(_FIELDS, values, strict=True))
                )
            )
        InternationalStandard.objects.bulk_update(
            objects, [*_FIELDS, "updated_at"], batch_size=bulk.BATCH_SIZE
        )
        return
    table = InternationalStandard._meta.db_table
    columns = ["id", *_FIELDS]
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE international_changes ON COMMIT DROP AS "
            f"SELECT {', '.join(columns)} FROM {table} WITH NO DATA"
        )
        with cursor.cursor.copy(
            f"COPY international_changes ({', '.join(columns)}) FROM STDIN"
        ) as copy:
            for pk, values in rows:
                copy.write_row([pk, *values])
        assignments = ", ".join(f"{name} = c.{name}" for name in _FIELDS)
        cursor.execute(
            f"UPDATE {table} AS t SET {assignments}, updated_at = %s "
            "FROM international_changes AS c WHERE t.id = c.id",
            [now],
        )
        cursor.execute("DROP TABLE international_changes")


@transaction.atomic
def alignments_recompute(*, standard_ids: list[int] | None = None) -> int:
    """Compute the alignment of these standards (all, if None) from their correspondences and the
    international data, and store it: a row per standard with a correspondence, none without.
    Recomputes run one at a time (two tasks at once would write the same rows)."""
    _lock(ALIGNMENT_RECOMPUTE_LOCK)
    correspondences = InternationalCorrespondence.objects.all()
    standards = Standard.objects.all()
    stored = StandardAlignment.objects.all()
    if standard_ids is not None:
        correspondences = correspondences.filter(standard_id__in=standard_ids)
        standards = standards.filter(pk__in=standard_ids)
        stored = stored.filter(standard_id__in=standard_ids)
    by_standard: dict[int, dict[str, str]] = {}
    for standard_id, designation, degree in correspondences.order_by("id").values_list(
        "standard_id", "designation", "degree"
    ):
        by_standard.setdefault(standard_id, {})[designation] = degree
    years = _edition_years(standards.filter(pk__in=list(by_standard)))
    index = rule.Index(_editions(by_standard.values() if standard_ids is not None else None))
    now = timezone.now()
    rows = []
    for standard_id, cited in by_standard.items():
        verdicts = {
            designation: (
                degree,
                rule.counterpart(designation, index, jis_year=years.get(standard_id)),
            )
            for designation, degree in cited.items()
        }
        worst = rule.overall(v for _degree, v in verdicts.values())
        rows.append(
            {
                "standard_id": standard_id,
                "status": worst.status,
                "newer_reference": worst.newer,
                "newer_published_on": worst.newer_published_on,
                "counterparts": rule.as_rows(verdicts),
                "computed_at": now,
            }
        )
    stored.delete()
    with bulk.paused_gc():
        bulk.insert(StandardAlignment, rows, ids=False)
    ids = None if standard_ids is None else list(standard_ids)  # None: every standard
    transaction.on_commit(
        lambda: alignment_changed.send(sender=StandardAlignment, standard_ids=ids), robust=True
    )
    return len(rows)


def _edition_years(standards) -> dict[int, int | None]:
    """Each standard's edition year: as recorded, else the year of its last revision or of its
    establishment (an undated reference cites the edition in force then)."""
    years = {}
    for pk, edition, revised, established in standards.values_list(
        "id", "edition_year", "revised_on", "established_on"
    ):
        day = revised or established
        years[pk] = edition or (day.year if day else None)
    return years


def _editions(cited_sets) -> list[rule.Edition]:
    """The editions of the documents cited (every edition, for a full recompute)."""
    queryset = InternationalStandard.objects.all()
    if cited_sets is not None:
        documents = set()
        for cited in cited_sets:
            for designation in cited:
                try:
                    documents.add(rule.normalise_reference(designation).document)
                except rule.InvalidReference:
                    continue
        queryset = queryset.filter(document__in=documents)
    return [
        rule.Edition(reference, document, year, status, published_on, replaced_by)
        for reference, document, year, status, published_on, replaced_by in queryset.values_list(
            "reference", "document", "year", "status", "published_on", "replaced_by"
        )
    ]
