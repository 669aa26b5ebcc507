"""An import's writes to the standards table, set-based: every standard the import creates or
changes goes in one statement, not one per row.

On PostgreSQL the rows are copied (COPY) into a temporary staging table, then one
`INSERT … SELECT … ON CONFLICT (number) DO UPDATE … WHERE (…) IS DISTINCT FROM (…)` creates the new
ones and updates the changed ones; a row that is already as staged is not touched. Elsewhere
(SQLite, the zero-set-up default) the plain path inserts the new rows in batches and updates each
changed one by id; both leave the same table.
"""

import json
from collections.abc import Iterable
from operator import itemgetter

from django.db import connection

from standards import bulk
from standards.models import Standard

# Fields an import may change on the standard row itself; relations are handled separately.
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
    "edition_year",
    "international_text",
    "amendments",
)
DERIVED_FIELDS = ("kind", "division", "review_due_on", "review_due_fy", "search_text")
# Every column a written row carries (`id` aside): an INSERT needs them all.
WRITTEN_FIELDS = ("number", *IMPORTED_FIELDS, *DERIVED_FIELDS, "updated_at")
STAGE = "standards_import_stage"


def standards_upsert(rows: list[dict]) -> dict[str, int]:
    """Create or update, by number, one standard per row (WRITTEN_FIELDS, and `id`: the stored
    standard's, None for a new one). Returns number → id of each standard written; a stored
    standard whose imported fields already hold the row's values is not written nor returned."""
    if not rows:
        return {}
    if connection.vendor == "postgresql":
        return _upsert_staged(rows)
    return _upsert_plain(rows)


def _columns(names: Iterable[str]) -> list[str]:
    return [Standard._meta.get_field(name).column for name in names]


def _upsert_staged(rows: list[dict]) -> dict[str, int]:
    quote = connection.ops.quote_name
    table = quote(Standard._meta.db_table)
    columns = _columns(WRITTEN_FIELDS)
    listed = ", ".join(map(quote, columns))
    compared = _columns(IMPORTED_FIELDS)
    json_fields = {
        i
        for i, name in enumerate(WRITTEN_FIELDS)
        if Standard._meta.get_field(name).get_internal_type() == "JSONField"
    }
    with connection.cursor() as cursor:
        # The staging table has the standards' column types and nothing else (no constraint, no
        # index); it is dropped below, or with the transaction if anything fails before.
        cursor.execute(
            f"CREATE TEMPORARY TABLE {STAGE} AS SELECT {listed} FROM {table} WITH NO DATA"
        )
        values_of, as_json = itemgetter(*WRITTEN_FIELDS), _JsonTexts()
        with cursor.cursor.copy(f"COPY {STAGE} ({listed}) FROM STDIN") as copy:
            for row in rows:
                values = list(values_of(row))
                for index in json_fields:
                    values[index] = as_json(values[index])
                copy.write_row(values)
        updates = ", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}" for c in columns if c != "number")
        cursor.execute(
            f"INSERT INTO {table} AS s ({listed}) SELECT {listed} FROM {STAGE} "
            f"ON CONFLICT (number) DO UPDATE SET {updates} "
            f"WHERE ({', '.join(f's.{quote(c)}' for c in compared)}) IS DISTINCT FROM "
            f"({', '.join(f'EXCLUDED.{quote(c)}' for c in compared)}) "
            "RETURNING s.id, s.number"
        )
        written = {number: pk for pk, number in cursor.fetchall()}
        cursor.execute(f"DROP TABLE {STAGE}")
    return written


class _JsonTexts:
    """json.dumps of a list, written once per different list of strings: a catalog's lists of ICS
    codes, strategic fields and amendments are a few hundred different ones."""

    def __init__(self):
        self.texts: dict[tuple[str, ...], str] = {}

    def __call__(self, value) -> str:
        if value.__class__ is not list or not all(item.__class__ is str for item in value):
            return json.dumps(value, ensure_ascii=False)  # not a list of strings: no key for it
        key = tuple(value)
        text = self.texts.get(key)
        if text is None:
            text = self.texts[key] = json.dumps(value, ensure_ascii=False)
        return text


def _upsert_plain(rows: list[dict]) -> dict[str, int]:
    new = [row for row in rows if row["id"] is None]
    changed = [row for row in rows if row["id"] is not None]
    written = {}
    if new:
        ids = bulk.insert(Standard, [{n: row[n] for n in WRITTEN_FIELDS} for row in new])
        written |= {row["number"]: pk for row, pk in zip(new, ids, strict=True)}
    if changed:
        fields = [Standard._meta.get_field(name) for name in WRITTEN_FIELDS if name != "number"]
        quote = connection.ops.quote_name
        assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
        statement = f"UPDATE {quote(Standard._meta.db_table)} SET {assignments} WHERE id = %s"
        params = [
            [*(f.get_db_prep_save(row[f.attname], connection) for f in fields), row["id"]]
            for row in changed
        ]
        with connection.cursor() as cursor:
            cursor.executemany(statement, params)
        written |= {row["number"]: row["id"] for row in changed}
    return written
