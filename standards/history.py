"""A standard's history: written for bulk writes inside the database, and read back in words.

Building a Python object per history row doubles the cost of an 11,000-row import; an
INSERT … SELECT writes the same rows that simple-history would, straight from the source table.
Read back, each change names its field by its label and shows values as the pages do (状態 有効 →
廃止, not status active → withdrawn).
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db import connection, models
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from standards.models import Degree, StrategicField

# Bounded so an IN (…) list stays well under SQLite's limit on query parameters.
CHUNK = 900


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _id_batches(ids: list[int]) -> Iterable[tuple[str, list]]:
    """(SQL condition on h.id / id, parameters): one array on PostgreSQL, bounded IN lists elsewhere."""
    if connection.vendor == "postgresql":
        # A subquery over unnest() lets the planner hash the ids; "= ANY(%s)" scans the array per row.
        if ids:
            yield "IN (SELECT unnest(%s::bigint[]))", [list(ids)]
        return
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        yield f"IN ({', '.join(['%s'] * len(chunk))})", chunk


def _execute_for_ids(sql: str, params: list, ids: list[int]) -> None:
    """Run `sql`, whose {condition} restricts an id column, over `ids` in as few statements as fit."""
    with connection.cursor() as cursor:
        for condition, id_params in _id_batches(ids):
            cursor.execute(sql.format(condition=condition), [*params, *id_params])


def record_rows(
    model: type[models.Model],
    ids: list[int],
    *,
    history_type: str,
    date: dt.datetime,
    user_id,
    reason: str,
) -> None:
    """Write one history row per id, as simple-history would on save (history_type "+" or "~")."""
    history = model.history.model
    columns = ", ".join(_quote(field.column) for field in history.tracked_fields)
    sql = (
        f"INSERT INTO {_quote(history._meta.db_table)} ({columns}, history_date, history_change_reason, "
        f"history_type, history_user_id) SELECT {columns}, %s, %s, %s, %s "
        f"FROM {_quote(model._meta.db_table)} WHERE id {{condition}}"
    )
    stamp = connection.ops.adapt_datetimefield_value(date)
    _execute_for_ids(sql, [stamp, reason, history_type, user_id], ids)


def delete_rows(
    model: type[models.Model], ids: list[int], *, date: dt.datetime, user_id, reason: str
) -> None:
    """Delete these rows, each recorded first as simple-history would on delete (history_type "-");
    no signal runs, so nothing is recorded twice."""
    record_rows(model, ids, history_type="-", date=date, user_id=user_id, reason=reason)
    _execute_for_ids(f"DELETE FROM {_quote(model._meta.db_table)} WHERE id {{condition}}", [], ids)


def record_m2m(
    model: type[models.Model], field_name: str, ids: list[int], *, date: dt.datetime
) -> None:
    """Snapshot the many-to-many links of each history row written at `date` for these ids."""
    through = getattr(model, field_name).through
    history = model.history.model
    m2m_history = getattr(history, field_name).model
    source, target = (f.column for f in through._meta.fields if f.is_relation)
    # The id condition is on the link table, where PostgreSQL can use it as an index condition.
    sql = (
        f"INSERT INTO {_quote(m2m_history._meta.db_table)} (id, {source}, {target}, history_id) "
        f"SELECT t.id, t.{source}, t.{target}, h.history_id FROM {_quote(through._meta.db_table)} t "
        f"JOIN {_quote(history._meta.db_table)} h ON h.id = t.{source} AND h.history_date = %s "
        f"WHERE t.{source} {{condition}}"
    )
    _execute_for_ids(sql, [connection.ops.adapt_datetimefield_value(date)], ids)


# --- reading it back ---------------------------------------------------------------------------

CHANGE_TYPES = {
    "+": pgettext_lazy("history", "Created"),
    "~": pgettext_lazy("history", "Changed"),
    "-": pgettext_lazy("history", "Deleted"),
}
# JSON lists whose items are codes of a fixed list, shown by their labels
_LIST_LABELS = {"strategic_fields": StrategicField}


@dataclass
class Entry:
    """One line of the history: when, who, what kind of change, why, and each field changed."""

    at: dt.datetime
    user: object
    change_type: str
    reason: str
    history_id: int
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (label, old, new)


def entry(record, changes: list[tuple[str, str, str]] | None = None) -> Entry:
    return Entry(
        at=record.history_date,
        user=record.history_user,
        change_type=str(CHANGE_TYPES.get(record.history_type, record.history_type)),
        reason=record.history_change_reason or "",
        history_id=record.history_id,
        changes=changes or [],
    )


def readable_changes(model: type[models.Model], delta, names: Mapping[str, Mapping]) -> list:
    """(label, old, new) for each change of a simple-history diff (foreign keys as ids), with the
    related rows named through `names`: field name → {id or code: name}."""
    rows = []
    for change in delta.changes:
        model_field = model._meta.get_field(change.field)
        label = capfirst(str(model_field.verbose_name))
        known = names.get(change.field, {})
        rows.append(
            (label, shown(model_field, change.old, known), shown(model_field, change.new, known))
        )
    return rows


def shown(model_field, value, names: Mapping | None = None) -> str:
    """A stored value as a page shows it; empty for no value."""
    names = names or {}
    if value is None or value == "" or value == []:
        return ""
    separator = pgettext("list separator", ", ")
    if model_field.many_to_many:  # through rows: {"standard": 1, "ministry": "METI"}
        targets = [next(v for k, v in row.items() if k != "standard") for row in value]
        return separator.join(str(names.get(t, t)) for t in targets)
    if model_field.is_relation:
        return str(names.get(value, value))
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        labels = (
            dict(_LIST_LABELS[model_field.name].choices) if model_field.name in _LIST_LABELS else {}
        )
        return separator.join(str(labels.get(item, item)) for item in value)
    return str(value)


def correspondence_entry(record) -> Entry:
    """An international correspondence added, changed or removed, as one line."""
    degree = dict(Degree.choices).get(record.degree, record.degree)
    text = f"{record.designation} ({degree})" if degree else record.designation
    old, new = ("", text) if record.history_type != "-" else (text, "")
    return entry(record, [(str(CORRESPONDENCE_LABEL), old, new)])


CORRESPONDENCE_LABEL = gettext_lazy("International standard")
