"""What an import would change: each record of a file compared with the stored catalog, field by
field (reads only). A dry run shows this; standards.services.standards_import writes it.

The rules: a blank cell changes nothing (the reader lists the blank columns of each record); an
older edition than the stored one is reported and not applied; an amendment is recorded on its
standard, or reported when the standard is neither stored nor in the file.
"""

import datetime as dt
import json
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from operator import attrgetter, itemgetter

from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from standards.exports import LIST_SEPARATOR, yes_no
from standards.importing import AmendmentRecord, RowError, StandardRecord
from standards.models import (
    Degree,
    InternationalCorrespondence,
    Kind,
    Ministry,
    Standard,
    Status,
)

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
ALL_COLUMNS = frozenset(
    {*COLUMN_FIELDS, "ministry", "international", "international_text", "edition"}
)


@dataclass(frozen=True)
class Change:
    """One field of one standard, before and after, as a person reads it; a new standard is one
    change with no field."""

    number: str
    field: str
    old: str
    new: str


@dataclass
class Pending:
    """The writes for one standard: created (`row`) or updated (`values` that change)."""

    number: str
    pk: int | None = None  # the stored standard's, or the new one's once inserted
    row: dict | None = None  # the new standard's fields
    stored: dict | None = None  # the stored standard's fields as read (STORED_FIELDS)
    values: dict = field(default_factory=dict)  # the stored standard's fields that change
    ministries: list[str] | None = None  # the new set, or None: unchanged
    bodies: list[int] | None = None
    correspondences: dict[str, str] | None = None


@dataclass
class ImportPlan:
    pending: list[Pending] = field(default_factory=list)
    unchanged_numbers: set[str] = field(default_factory=set)
    changes: list[Change] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    older: list[str] = field(default_factory=list)  # rows of an older edition than stored
    not_planned: int = 0  # TS and TR documents in the file
    amendments: int = 0  # amendments newly recorded

    @property
    def unchanged(self) -> int:
        return len(self.unchanged_numbers)

    @property
    def created(self) -> list[str]:
        return [p.number for p in self.pending if p.row is not None]

    @property
    def updated(self) -> list[str]:
        return [p.number for p in self.pending if p.row is None]


# What is read of each stored standard to compare: plain values in lists, not model objects nor
# dicts (a re-import of 19,000 unchanged rows would spend most of its time building them).
STORED_FIELDS = (
    *("id", "number", "edition_year", "amendments", "international_text"),
    *COLUMN_FIELDS.values(),
)
_AT = {name: index for index, name in enumerate(STORED_FIELDS)}
_ID, _EDITION, _BODY = _AT["id"], _AT["edition_year"], _AT["drafting_body_id"]
# Read as their JSON text and decoded once per different text: a catalog's lists of ICS codes,
# strategic fields and amendments are a few hundred different ones.
_JSON_FIELDS = tuple(
    name
    for name in STORED_FIELDS
    if Standard._meta.get_field(name.removesuffix("_id")).get_internal_type() == "JSONField"
)


class _Catalog:
    """The stored catalog, read once: standards by number, their links and correspondences."""

    def __init__(self, body_names: dict[int, str]):
        self.standards: dict[str, list] = {row[1]: row for row in _stored_rows()}
        self.ministries = _links(Standard.ministries.through, "ministry_id")
        self.bodies = _links(Standard.drafting_bodies.through, "draftingbody_id")
        self.correspondences: dict[int, dict[str, str]] = {}
        rows = InternationalCorrespondence.objects.order_by("id").values_list(
            "standard_id", "designation", "degree"
        )
        for standard_id, designation, degree in rows:
            self.correspondences.setdefault(standard_id, {})[designation] = degree
        self.ministry_names = dict(Ministry.objects.values_list("code", "name_ja"))
        self.body_names = body_names
        self.shown = _Shown(self.ministry_names, body_names)


def _stored_rows() -> Iterator[list]:
    """Every standard's STORED_FIELDS, in that order. The lists of two standards that hold the
    same are one object: compare them, never change them in place (stored_dict copies them)."""
    texts = {f"{name}_text": Cast(name, TextField()) for name in _JSON_FIELDS}
    selected = [f"{name}_text" if name in _JSON_FIELDS else name for name in STORED_FIELDS]
    rows = Standard.objects.order_by().annotate(**texts).values_list(*selected)
    positions = [_AT[name] for name in _JSON_FIELDS]
    decoded: dict[str, list] = {}
    for row in rows:
        row = list(row)
        for position in positions:
            text = row[position]
            value = decoded.get(text)
            if value is None:
                value = decoded[text] = json.loads(text)
            row[position] = value
        yield row


def stored_dict(row: list) -> dict:
    """A stored row as field → value, with lists of its own."""
    return {
        name: list(value) if isinstance(value, list) else value
        for name, value in zip(STORED_FIELDS, row, strict=True)
    }


def _links(through, target: str) -> dict[int, list]:
    links: dict[int, list] = {}
    for standard_id, other in through.objects.order_by("id").values_list("standard_id", target):
        links.setdefault(standard_id, []).append(other)
    return links


def import_plan(
    *,
    records: list[StandardRecord],
    columns: Collection[str] | None,
    amendments: Collection[AmendmentRecord],
    body_ids: dict[str, int],
    body_names: dict[int, str],
    number_column: str,
) -> ImportPlan:
    """Compare the records with the stored catalog. `body_ids` maps every body name of the records
    to its id (not yet stored: a negative stand-in), `body_names` ids to names."""
    present = ALL_COLUMNS if columns is None else frozenset(columns)
    catalog, plan = _Catalog(body_names), ImportPlan()
    compare = _Comparison(present, body_ids, catalog, plan, number_column)
    created = _("new standard")  # translated once, not per row
    by_number: dict[str, Pending] = {}
    for record in records:
        stored = catalog.standards.get(record.number)
        if stored is None:
            pending = _creation(record, body_ids)
            plan.changes.append(Change(record.number, "", "", created))
        else:
            pending = compare.update(stored, record)
        if pending is not None:
            plan.pending.append(pending)
            by_number[record.number] = pending
        if record.kind != Kind.JIS:
            plan.not_planned += 1
    _amend(amendments, catalog, by_number, plan, number_column)
    return plan


def _values(record: StandardRecord, body_ids: dict[str, int]) -> dict:
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


def _creation(record: StandardRecord, body_ids: dict[str, int]) -> Pending:
    values = _values(record, body_ids)
    derived = Standard.derived_values(
        number=record.number,
        title_ja=values["title_ja"],
        title_en=values["title_en"],
        established_on=values["established_on"],
        revised_on=values["revised_on"],
        confirmed_on=values["confirmed_on"],
    )
    row = {
        "number": record.number,
        **values,
        **derived,
        "edition_year": record.edition_year,
        "international_text": record.international_text,
        "amendments": [],
    }
    return Pending(
        record.number,
        row=row,
        ministries=record.ministry_codes,
        bodies=[body_ids[name] for name in record.drafting_bodies],
        correspondences=dict(record.international),
    )


def _getter(make, keys: list):
    """make(*keys) (attrgetter, itemgetter) that returns a tuple for any number of keys."""
    if len(keys) == 1:
        one = make(keys[0])
        return lambda item: (one(item),)
    return make(*keys) if keys else lambda item: ()


class _Comparison:
    """A record against its stored standard, for the columns the file has. The fields a record
    sets are compared at once, as tuples; only when they differ is each looked at (a blank cell
    changes nothing, so a field the tuples differ in may be left as stored)."""

    def __init__(self, present, body_ids, catalog: _Catalog, plan: ImportPlan, number_column):
        self.present, self.body_ids, self.catalog, self.plan = present, body_ids, catalog, plan
        self.number_column = number_column
        # in COLUMN_FIELDS' order: the order of a standard's changes in the list
        self.columns = [c for c in COLUMN_FIELDS if c in present and c != "drafting_body"]
        self.names = [COLUMN_FIELDS[c] for c in self.columns]
        self.new_values = _getter(attrgetter, self.names)  # StandardRecord: the same names
        self.old_values = _getter(itemgetter, [_AT[name] for name in self.names])
        self.text_column = (
            "international_text" if "international_text" in present else "international"
        )

    def update(self, stored: list, record: StandardRecord) -> Pending | None:
        """The pending writes for a stored standard, or None when the record changes nothing."""
        plan = self.plan
        if record.edition_year and (stored[_EDITION] or 0) > record.edition_year:
            plan.older.append(record.number)
            plan.warnings.append(
                RowError(
                    record.line,
                    self.number_column,
                    f"{record.number}:{record.edition_year}",
                    _("an older edition than the stored one (%(stored)d); the row is not applied")
                    % {"stored": stored[_EDITION]},
                )
            )
            return None
        blank, present, number = record.blank, self.present, record.number
        values: dict = {}
        new = self.new_values(record)
        if new != self.old_values(stored):
            for column, name, value in zip(self.columns, self.names, new, strict=True):
                if column not in blank:
                    self._set(values, number, name, stored[_AT[name]], value)
        if record.edition_year:
            self._set(values, number, "edition_year", stored[_EDITION], record.edition_year)
        if self.text_column in present and self.text_column not in blank:
            text = stored[_AT["international_text"]]
            self._set(values, number, "international_text", text, record.international_text)
        pk = stored[_ID]
        ministries = bodies = correspondences = None
        if "ministry" in present and "ministry" not in blank:
            ministries = self._ministries(pk, record)
        if "drafting_body" in present and "drafting_body" not in blank:
            bodies = self._bodies(values, stored, record)
        if "international" in present and "international" not in blank:
            correspondences = self._correspondences(pk, record)
        if values or ministries is not None or bodies is not None or correspondences is not None:
            return Pending(
                number,
                pk=pk,
                stored=stored_dict(stored),
                values=values,
                ministries=ministries,
                bodies=bodies,
                correspondences=correspondences,
            )
        plan.unchanged_numbers.add(number)
        return None

    def _set(self, values: dict, number: str, name: str, old, value) -> None:
        _set(values, number, name, old, value, self.catalog, self.plan)

    def _ministries(self, pk: int, record: StandardRecord) -> list[str] | None:
        """The new set of ministries, or None when it is the stored one."""
        old, new = self.catalog.ministries.get(pk, []), record.ministry_codes
        if old == new or set(old) == set(new):
            return None
        shown = self.catalog.shown
        self.plan.changes.append(
            Change(
                record.number,
                shown.label("ministries"),
                shown.ministries(old),
                shown.ministries(new),
            )
        )
        return new

    def _bodies(self, values: dict, stored: list, record: StandardRecord) -> list[int] | None:
        """The bodies in order, the first being the standard's drafting_body: one change when the
        list as read differs (another body, or another first). Returns the new set of links, or
        None when it is the stored one."""
        linked = self.catalog.bodies.get(stored[_ID], [])
        first = stored[_BODY]
        new = [self.body_ids[name] for name in record.drafting_bodies]
        if new == linked and first == (new[0] if new else None):
            return None  # the usual case: as stored (a record's bodies are each once)
        old = list(dict.fromkeys([first, *linked] if first else linked))
        relinked = new if set(linked) != set(new) else None
        if old != new:
            shown = self.catalog.shown
            self.plan.changes.append(
                Change(
                    record.number,
                    shown.label("drafting_bodies"),
                    shown.bodies(old),
                    shown.bodies(new),
                )
            )
            if (new[0] if new else None) != first:
                values["drafting_body_id"] = new[0] if new else None
        return relinked

    def _correspondences(self, pk: int, record: StandardRecord) -> dict[str, str] | None:
        """The new correspondences, or None when they are the stored ones."""
        old = self.catalog.correspondences.get(pk, {})
        if not old and not record.international:
            return None
        new = dict(record.international)
        if old == new:
            return None
        shown = self.catalog.shown
        self.plan.changes.append(
            Change(
                record.number,
                str(InternationalCorrespondence._meta.verbose_name_plural),
                shown.correspondences(old),
                shown.correspondences(new),
            )
        )
        return new


def _amend(amendments, catalog: _Catalog, by_number: dict[str, Pending], plan, number_column):
    """Record each amendment on its standard (stored, or created by this file)."""
    for amendment in amendments:
        pending = by_number.get(amendment.number)
        row = catalog.standards.get(amendment.number)
        if pending is None and row is None:
            plan.warnings.append(
                RowError(
                    amendment.line,
                    number_column,
                    amendment.designation,
                    _(
                        "%(number)s is neither in the catalog nor in this file; the amendment is "
                        "not recorded"
                    )
                    % {"number": amendment.number},
                )
            )
            continue
        if pending is not None and pending.row is not None:
            recorded = pending.row["amendments"]
        elif pending is not None and "amendments" in pending.values:
            recorded = pending.values["amendments"]
        else:
            recorded = row[_AT["amendments"]]
        if amendment.designation in recorded:
            continue
        new = sorted([*recorded, amendment.designation])
        plan.amendments += 1
        if pending is not None and pending.row is not None:
            pending.row["amendments"] = new
            continue
        if pending is None:
            pending = Pending(amendment.number, pk=row[_ID], stored=stored_dict(row))
            plan.pending.append(pending)
            by_number[amendment.number] = pending
            plan.unchanged_numbers.discard(amendment.number)
        _set(pending.values, pending.number, "amendments", recorded, new, catalog, plan)


def _set(values: dict, number: str, name: str, old, value, catalog: _Catalog, plan) -> None:
    """`value` in `values` when it is not `old`, and the change in the plan's list."""
    if old != value:
        shown = catalog.shown
        plan.changes.append(
            Change(number, shown.label(name), shown.value(name, old), shown.value(name, value))
        )
        values[name] = value


class _Shown:
    """Values as the change list shows them."""

    def __init__(self, ministry_names: dict[str, str], body_names: dict[int, str]):
        self.ministry_names, self.body_names = ministry_names, body_names

    @staticmethod
    def label(name: str) -> str:
        return str(Standard._meta.get_field(name.removesuffix("_id")).verbose_name)

    def value(self, name: str, value) -> str:
        if value is None or value == "":
            return ""
        if name == "drafting_body_id":
            return self.body_names.get(value, "")
        if name == "status":
            return str(Status(value).label)
        if isinstance(value, bool):
            return yes_no(value)
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, list):
            return "; ".join(map(str, value))
        return str(value)

    def ministries(self, codes) -> str:
        return LIST_SEPARATOR.join(self.ministry_names.get(c, c) for c in codes)

    def bodies(self, ids) -> str:
        return LIST_SEPARATOR.join(self.body_names.get(i, "") for i in ids)

    @staticmethod
    def correspondences(items: dict[str, str]) -> str:
        degrees = {k: str(v) for k, v in Degree.choices}
        return "; ".join(
            f"{designation} ({degrees[degree]})" if degree else designation
            for designation, degree in items.items()
        )


def body_names(ids: dict[str, int], stored: dict[int, str]) -> dict[int, str]:
    """Names of the bodies by id: the `stored` ones (id → name) and those of the file (stand-ins
    included)."""
    return {**stored, **{pk: name for name, pk in ids.items()}}
