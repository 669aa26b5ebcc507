"""Reads of the catalog shared by pages, the API and the importer."""

from django.core.cache import cache
from django.db import connection
from django.db.models import Exists, OuterRef, Q

from standards.models import InternationalCorrespondence, Ministry, Standard
from standards.numbers import search_key

_MINISTRY_CHOICES_KEY = "standards:ministry-choices:v1"


def ministry_choices() -> list[tuple[str, str]]:
    """(code, Japanese name) of every ministry, cached: the table changes a few times a decade."""
    choices = cache.get(_MINISTRY_CHOICES_KEY)
    if choices is None:
        choices = [(m.code, m.name_ja) for m in Ministry.objects.all()]
        cache.set(_MINISTRY_CHOICES_KEY, choices, timeout=3600)
    return choices


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
    """Partial, width-, case- and space-insensitive search over number and titles."""
    key = search_key(text or "")
    return queryset.filter(search_text__contains=key) if key else queryset


def standards_with_degree(queryset, degree: str):
    matching = InternationalCorrespondence.objects.filter(standard=OuterRef("pk"), degree=degree)
    return queryset.filter(Exists(matching))


def standard_detail_queryset():
    return Standard.objects.select_related("drafting_body").prefetch_related(
        "ministries", "correspondences"
    )
