"""The labelled corpus of specification documents (tests/fixtures/specifications/) and its test
catalog, for the scanner's tests."""

import csv
import datetime as dt
from pathlib import Path

from tests.standards.factories import StandardFactory

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "specifications"
CORPUS = FIXTURES / "corpus"
UNREADABLE = FIXTURES / "unreadable"


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def load_test_catalog() -> int:
    """catalog.csv into the database: the standards the corpus is labelled against."""
    with (FIXTURES / "catalog.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        StandardFactory(
            number=row["number"],
            title_ja=row["title_ja"],
            status=row["status"],
            established_on=_date(row["established_on"]),
            revised_on=_date(row["revised_on"]),
        )
    return len(rows)


def expected_citations() -> dict[tuple[str, str, int | None], str]:
    """(document, number, cited edition) → status, as labelled by hand in expected.csv."""
    with (FIXTURES / "expected.csv").open(encoding="utf-8") as handle:
        return {
            (row["document"], row["number"], int(row["edition_year"] or 0) or None): row["status"]
            for row in csv.DictReader(handle)
        }
