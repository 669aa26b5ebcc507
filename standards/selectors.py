"""Reads of the catalog shared by pages, the API and the importer."""

import datetime as dt

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from standards import history
from standards.importing import CatalogReport, read_catalog
from standards.models import (
    DraftingBody,
    InternationalCorrespondence,
    Ministry,
    Standard,
    english_or_japanese,
)
from standards.numbers import InvalidJisNumber, normalize_width, parse_jis_number, search_key

_MINISTRY_CHOICES_KEY = "standards:ministry-choices:v2"


def ministry_choices() -> list[tuple[str, str]]:
    """(code, name in the active language) of every ministry. The names are cached in both
    languages: the table changes a few times a decade."""
    names = cache.get(_MINISTRY_CHOICES_KEY)
    if names is None:
        names = list(Ministry.objects.values_list("code", "name_ja", "name_en"))
        cache.set(_MINISTRY_CHOICES_KEY, names, timeout=3600)
    return [(code, english_or_japanese(ja, en)) for code, ja, en in names]


def ministry_choices_clear() -> None:
    cache.delete(_MINISTRY_CHOICES_KEY)


def ministry_lookup() -> dict[str, str]:
    """Every accepted spelling of a ministry (normalised) → its code, for the importer."""
    lookup = {}
    for ministry in Ministry.objects.all():
        for spelling in ministry.spellings():
            lookup[search_key(spelling)] = ministry.code
    return lookup


def json_list_contains(field: str, value: str) -> Q:
    """Rows whose JSON list `field` holds the string `value`, on PostgreSQL and SQLite alike."""
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__contains": [value]})
    # SQLite has no JSON containment; the stored text holds each element in quotes.
    return Q(**{f"{field}__icontains": f'"{value}"'})


def standard_search(queryset, text: str):
    """Width- and case-insensitive search over number and titles.

    A JIS number, in any spelling, matches as written (「B8445」 finds JIS B 8445 and JIS B 84450);
    a citation of an edition (「JIS B 8445:2016」, 「ＪＩＳ　Ｂ　８４４５：２０１６」) finds exactly that
    standard, whose number names every edition. Anything else is words, split on ASCII and
    ideographic spaces, and a standard matches when it holds every word.
    """
    text = (text or "").strip()
    if not text:
        return queryset
    try:
        number = parse_jis_number(text)
    except InvalidJisNumber:
        number = None
    if number is not None and (number.year or number.amendment):
        return queryset.filter(number=number.canonical)
    if number is not None:
        return queryset.filter(search_text__contains=search_key(number.canonical))
    for word in normalize_width(text).split():
        queryset = queryset.filter(search_text__contains=search_key(word))
    return queryset


def standards_with_degree(queryset, degree: str):
    matching = InternationalCorrespondence.objects.filter(standard=OuterRef("pk"), degree=degree)
    return queryset.filter(Exists(matching))


def _by_designation():
    """A standard's correspondences by designation, as the model's ordering puts them, without the
    join to the standard that ordering by "standard" adds."""
    return InternationalCorrespondence.objects.order_by("designation")


def standard_detail_queryset():
    return Standard.objects.select_related("drafting_body", "alignment").prefetch_related(
        "ministries", Prefetch("correspondences", queryset=_by_designation())
    )


def standard_read_queryset():
    """standard_detail_queryset() for reading only (the API's GET): the ministries and the
    correspondences prefetched into plain lists, `ministry_list` and `correspondence_list`, which a
    page of 50 reads without a manager and a queryset per standard."""
    return Standard.objects.select_related("drafting_body", "alignment").prefetch_related(
        Prefetch("ministries", to_attr="ministry_list"),
        Prefetch("correspondences", queryset=_by_designation(), to_attr="correspondence_list"),
    )


def standard_history(*, standard: Standard) -> list[history.Entry]:
    """The standard's change history and its international correspondences', in one list, newest
    first, each change in words: field labels, values as the pages show them."""
    records = list(
        standard.history.select_related("history_user").order_by("-history_date", "-history_id")
    )
    deltas = [
        newer.diff_against(older, foreign_keys_are_objs=False) if older is not None else None
        for newer, older in zip(records, [*records[1:], None], strict=True)
    ]
    names = _history_names(d for d in deltas if d is not None)
    entries = [
        history.entry(record, history.readable_changes(Standard, delta, names) if delta else [])
        for record, delta in zip(records, deltas, strict=True)
    ]
    correspondences = InternationalCorrespondence.history.filter(standard_id=standard.pk)
    entries += [
        history.correspondence_entry(record)
        for record in correspondences.select_related("history_user")
    ]
    return sorted(entries, key=lambda e: (e.at, e.history_id), reverse=True)


def _history_names(deltas) -> dict[str, dict]:
    """The names of the ministries and drafting bodies the history refers to (two queries)."""
    body_ids = set()
    for delta in deltas:
        for change in delta.changes:
            if change.field == "drafting_body":
                body_ids |= {change.old, change.new} - {None}
            elif change.field == "drafting_bodies":
                body_ids |= {row["draftingbody"] for row in (change.old or []) + (change.new or [])}
    ministries = {m.code: m.name for m in Ministry.objects.all()}
    bodies = dict(DraftingBody.objects.filter(pk__in=body_ids).values_list("pk", "name"))
    return {"ministries": ministries, "drafting_body": bodies, "drafting_bodies": bodies}


def today() -> dt.date:
    return timezone.localdate()


def catalog_read(data: bytes, *, filename: str, progress=None) -> CatalogReport:
    """Read and validate a catalog file with the configured limits and the current ministries."""
    return read_catalog(
        data,
        filename=filename,
        ministries=ministry_lookup(),
        today=today(),
        max_bytes=settings.IMPORT_MAX_BYTES,
        max_rows=settings.IMPORT_MAX_ROWS,
        max_seconds=settings.IMPORT_MAX_SECONDS,
        progress=progress,
    )
