"""The catalog's record of the JIS numbers a document cites, read in one query."""

from collections.abc import Iterable

from standards.citations import CatalogEntry
from standards.models import Standard, Status


def catalog_entries(numbers: Iterable[str]) -> dict[str, CatalogEntry]:
    """Canonical number → its catalog record, for the numbers the catalog has (one query; none for
    no numbers). The current edition is the standard's edition year; where the catalog has none,
    the year it was last revised, else established (confirming a standard keeps its edition)."""
    wanted = set(numbers)
    if not wanted:
        return {}
    rows = Standard.objects.filter(number__in=wanted).values_list(
        "number", "status", "edition_year", "revised_on", "established_on"
    )
    return {
        number: CatalogEntry(
            number=number,
            active=status == Status.ACTIVE,
            edition_year=edition or _year(revised or established),
        )
        for number, status, edition, revised, established in rows
    }


def _year(date) -> int | None:
    return date.year if date else None
