"""Fast inserts for large imports: COPY on PostgreSQL, bulk_create elsewhere.

Django's bulk_create builds a model instance per row and prepares every value through the ORM,
about 70 µs a row; COPY with ids drawn from the table's sequence writes the same rows in a
fraction of that. Rows are given as plain values keyed by attribute name.
"""

import gc
import json
from contextlib import contextmanager

from django.db import connection, models

# Batches for the portable path: large enough to amortise round trips, small enough for SQLite.
BATCH_SIZE = 1000


@contextmanager
def paused_gc():
    """Without the cyclic garbage collector for the block. An import builds tens of thousands of
    objects that all live to its end; the collector's passes over them find nothing to free and
    cost a third of the import's time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def insert(model: type[models.Model], rows: list[dict], *, ids: bool = True) -> list[int]:
    """Insert rows (attname → value) and return their new primary keys, in order. No signals run.
    Without `ids`, the database numbers the rows itself and nothing is returned (links need none)."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        created = model.objects.bulk_create([model(**row) for row in rows], batch_size=BATCH_SIZE)
        return [obj.pk for obj in created] if ids else []
    return _copy(model, rows) if ids else _copy_without_ids(model, rows)


def _json(value) -> str:
    """JSON as COPY's text format takes it; most imported lists are empty."""
    return "[]" if value == [] else json.dumps(value, ensure_ascii=False)


def _copy(model: type[models.Model], rows: list[dict]) -> list[int]:
    names = list(rows[0])
    fields = [model._meta.get_field(name) for name in names]
    json_columns = [i + 1 for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
    table = model._meta.db_table
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, len(rows)],
        )
        ids = [pk for (pk,) in cursor.fetchall()]
        columns = ", ".join(quote(c) for c in ["id", *(f.column for f in fields)])
        with cursor.cursor.copy(f"COPY {quote(table)} ({columns}) FROM STDIN") as copy:
            for pk, row in zip(ids, rows, strict=True):
                values = [pk, *map(row.__getitem__, names)]
                for index in json_columns:
                    values[index] = _json(values[index])
                copy.write_row(values)
    return ids


def _copy_without_ids(model: type[models.Model], rows: list[dict]) -> list[int]:
    names = list(rows[0])
    fields = [model._meta.get_field(name) for name in names]
    json_names = {f.name for f in fields if isinstance(f, models.JSONField)}
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    statement = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([_json(row[n]) if n in json_names else row[n] for n in names])
    return []
