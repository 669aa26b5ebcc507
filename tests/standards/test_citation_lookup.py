"""The catalog's record of cited numbers: status and current edition, in one query."""

import datetime as dt

import pytest

from standards.citation_lookup import catalog_entries
from standards.citations import CatalogEntry
from tests.standards.factories import StandardFactory

pytestmark = pytest.mark.django_db


def test_edition_is_the_edition_year_else_the_last_revision_else_establishment(
    django_assert_num_queries,
):
    StandardFactory(number="JIS A 5308", edition_year=2019, revised_on=dt.date(2024, 3, 21))
    StandardFactory(number="JIS G 3112", revised_on=dt.date(2020, 3, 23))
    StandardFactory(number="JIS Y 17100", established_on=dt.date(2021, 3, 22))
    StandardFactory(number="JIS K 6911", status="withdrawn", established_on=None)
    with django_assert_num_queries(1):
        entries = catalog_entries(
            ["JIS A 5308", "JIS G 3112", "JIS Y 17100", "JIS K 6911", "JIS Z 9999"]
        )
    assert entries == {
        "JIS A 5308": CatalogEntry("JIS A 5308", True, 2019),
        "JIS G 3112": CatalogEntry("JIS G 3112", True, 2020),
        "JIS Y 17100": CatalogEntry("JIS Y 17100", True, 2021),
        "JIS K 6911": CatalogEntry("JIS K 6911", False, None),
    }


def test_no_numbers_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert catalog_entries([]) == {}
