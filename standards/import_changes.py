"""What an import would change: each record of a file compared with the stored catalog, field by
field (reads only). A dry run shows this; standards.services.standards_import writes it.

The rules: a blank cell changes nothing (the reader lists the blank columns of each record); an
older edition than the stored one is reported and not applied; an amendment is recorded on its
standard, or reported when the standard is neither stored nor in the file.
"""

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field

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


# What is read of each stored standard to compare: plain values, not model objects (a re-import
# of 19,000 unchanged rows would spend most of its time building them).
STORED_FIELDS = (
    *("id", "number", "edition_year", "amendments", "international_text"),
    *COLUMN_FIELDS.values(),
)


class _Catalog:
    """The stored catalog, read once: standards by number, their links and correspondences."""

    def __init__(self, body_names: dict[int, str]):
        rows = Standard.objects.order_by().values(*STORED_FIELDS)
        self.standards = {row["number"]: row for row in rows}
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
        self.shown = _Shown(self)


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
    created = _("new standard")  # translated once, not per row
    by_number: dict[str, Pending] = {}
    for record in records:
        stored = catalog.standards.get(record.number)
        if stored is None:
            pending = _creation(record, body_ids)
            plan.changes.append(Change(record.number, "", "", created))
        else:
            pending = _update(stored, record, present, body_ids, catalog, plan, number_column)
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


def _update(stored: dict, record, present, body_ids, catalog: _Catalog, plan, number_column):
    """The pending writes for a stored standard, or None when the record changes nothing."""
    if record.edition_year and (stored["edition_year"] or 0) > record.edition_year:
        plan.older.append(record.number)
        plan.warnings.append(
            RowError(
                record.line,
                number_column,
                f"{record.number}:{record.edition_year}",
                _("an older edition than the stored one (%(stored)d); the row is not applied")
                % {"stored": stored["edition_year"]},
            )
        )
        return None
    given = present - record.blank
    pending = Pending(record.number, pk=stored["id"], stored=stored)
    values = _values(record, body_ids)
    for column in given & COLUMN_FIELDS.keys() - {"drafting_body"}:
        name = COLUMN_FIELDS[column]
        _set(pending, stored, name, values[name], catalog, plan)
    if record.edition_year:
        _set(pending, stored, "edition_year", record.edition_year, catalog, plan)
    text_column = "international_text" if "international_text" in present else "international"
    if text_column in given:
        _set(pending, stored, "international_text", record.international_text, catalog, plan)
    _relations(pending, stored, record, given, body_ids, catalog, plan)
    if pending.values or pending.correspondences is not None:
        return pending
    if pending.ministries is not None or pending.bodies is not None:
        return pending
    plan.unchanged_numbers.add(record.number)
    return None


def _set(pending: Pending, stored: dict, name: str, value, catalog: _Catalog, plan) -> None:
    old = stored[name]
    if old != value:
        shown = catalog.shown
        plan.changes.append(
            Change(
                pending.number, shown.label(name), shown.value(name, old), shown.value(name, value)
            )
        )
        pending.values[name] = value


def _relations(pending, stored, record, given, body_ids, catalog: _Catalog, plan) -> None:
    shown, pk = catalog.shown, stored["id"]
    if "ministry" in given:
        old = catalog.ministries.get(pk, [])
        if set(old) != set(record.ministry_codes):
            pending.ministries = record.ministry_codes
            plan.changes.append(
                Change(
                    pending.number,
                    shown.label("ministries"),
                    shown.ministries(old),
                    shown.ministries(record.ministry_codes),
                )
            )
    if "drafting_body" in given:
        _bodies(pending, stored, record, body_ids, catalog, plan)
    if "international" in given:
        old = catalog.correspondences.get(pk, {})
        new = dict(record.international)
        if old != new:
            pending.correspondences = new
            plan.changes.append(
                Change(
                    pending.number,
                    str(InternationalCorrespondence._meta.verbose_name_plural),
                    shown.correspondences(old),
                    shown.correspondences(new),
                )
            )


def _bodies(pending, stored, record, body_ids, catalog: _Catalog, plan) -> None:
    """The bodies in order, the first being the standard's drafting_body: one change when the list
    as read differs (another body, or another first)."""
    linked = catalog.bodies.get(stored["id"], [])
    first = stored["drafting_body_id"]
    old = list(dict.fromkeys([first, *linked] if first else linked))
    new = [body_ids[name] for name in record.drafting_bodies]
    if set(linked) != set(new):
        pending.bodies = new
    if old != new:
        shown = catalog.shown
        plan.changes.append(
            Change(
                pending.number, shown.label("drafting_bodies"), shown.bodies(old), shown.bodies(new)
            )
        )
        if (new[0] if new else None) != first:
            pending.values["drafting_body_id"] = new[0] if new else None


def _amend(amendments, catalog: _Catalog, by_number: dict[str, Pending], plan, number_column):
    """Record each amendment on its standard (stored, or created by this file)."""
    for amendment in amendments:
        pending = by_number.get(amendment.number)
        stored = catalog.standards.get(amendment.number)
        if pending is None and stored is None:
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
            recorded = stored["amendments"]
        if amendment.designation in recorded:
            continue
        new = sorted([*recorded, amendment.designation])
        plan.amendments += 1
        if pending is not None and pending.row is not None:
            pending.row["amendments"] = new
            continue
        if pending is None:
            pending = Pending(amendment.number, pk=stored["id"], stored=stored)
            plan.pending.append(pending)
            by_number[amendment.number] = pending
            plan.unchanged_numbers.discard(amendment.number)
        _set(pending, {**stored, "amendments": recorded}, "amendments", new, catalog, plan)


class _Shown:
    """Values as the change list shows them."""

    def __init__(self, catalog: _Catalog):
        self.catalog = catalog

    @staticmethod
    def label(name: str) -> str:
        return str(Standard._meta.get_field(name.removesuffix("_id")).verbose_name)

    def value(self, name: str, value) -> str:
        if value is None or value == "":
            return ""
        if name == "drafting_body_id":
            return self.catalog.body_names.get(value, "")
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
        return LIST_SEPARATOR.join(self.catalog.ministry_names.get(c, c) for c in codes)

    def bodies(self, ids) -> str:
        return LIST_SEPARATOR.join(self.catalog.body_names.get(i, "") for i in ids)

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
