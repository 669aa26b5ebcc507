"""Fast inserts for large imports: COPY on PostgreSQL, bulk_create elsewhere.

Django's bulk_create builds a model instance per row and prepares every value through the ORM,
about 70 µs a row; COPY with ids drawn from the table's sequence writes the same rows in a
fraction of that. Rows are given as plain values keyed by attribute name.
"""

from django.db import connection, models

# Batches for the portable path: large enough to amortise round trips, small enough for SQLite.
BATCH_SIZE = 1000


def insert(model: type[models.Model], rows: list[dict]) -> list[int]:
    """Insert rows (attname → value) and return their new primary keys, in order. No signals run."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        created = model.objects.bulk_create([model(**row) for row in rows], batch_size=BATCH_SIZE)
        return [obj.pk for obj in created]
    return _copy(model, rows)


def _copy(model: type[models.Model], rows: list[dict]) -> list[int]:
    from psycopg.types.json import Jsonb

    names = list(rows[0])
    fields = [model._meta.get_field(name) for name in names]
    wrap = [isinstance(field, models.JSONField) for field in fields]
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
                values = [row[n] for n in names]
                copy.write_row(
                    [pk, *(Jsonb(v) if w else v for v, w in zip(values, wrap, strict=True))]
                )
    return ids
