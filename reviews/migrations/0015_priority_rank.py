"""The priority list's ranking read from an index on PostgreSQL: `strength DESC NULLS LAST` for the
verdicts that are priorities (reviews.priority.selectors.RANKED). SQLite, the development default,
cannot create an index with NULLS LAST and needs none for its small catalogs."""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS standard_priority_rank ON reviews_standardpriority "
    "(strength DESC NULLS LAST) WHERE is_priority"
)
DROP = "DROP INDEX IF EXISTS standard_priority_rank"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0014_international_alignment"),
    ]

    operations = [migrations.RunPython(create, drop)]
