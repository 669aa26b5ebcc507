"""`?ordering=` on every list and export: a known field sorts, anything else is ignored (never a 500)."""

import csv
import io
import re
from urllib.parse import urlencode

import openpyxl
import pytest

from reviews.priority import services as priority_services
from standards.selectors import today
from tests.standards.factories import StandardFactory

pytestmark = pytest.mark.django_db

NUMBERS = ["JIS B 1001", "JIS B 1002", "JIS B 1003"]

# Each of these once reached `order_by()` and raised FieldError.
HOSTILE = [
    "--number",
    "---number",
    "-",
    "--",
    "+number",
    " number",
    "number ",
    "-number-",
    "number,title_ja",
    "pk",
    "drafting_body__name",
    "ministries__name_ja",
    "?",
    "number\x00",
    "-\u200bnumber",
]


@pytest.fixture
def catalog():
    for number in NUMBERS:
        StandardFactory(number=number, fast_track=True)  # fast-track: a priority standard
    priority_services.priorities_recompute(today=today())


def _page_numbers(response) -> list[str]:
    return [n for n in re.findall(r"JIS B \d{4}", response.content.decode()) if n in NUMBERS]


def _csv_numbers(response) -> list[str]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return [row[0] for row in list(csv.reader(io.StringIO(body)))[1:]]


def _xlsx_numbers(response) -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [row[0] for row in book.active.iter_rows(min_row=2, values_only=True)]


def _json_numbers(response) -> list[str]:
    return [row["number"] for row in response.json()["results"]]


def _unique(numbers: list[str]) -> list[str]:
    """A page mentions a number more than once (link and text): keep the first of each."""
    return list(dict.fromkeys(numbers))


URLS = [
    ("/standards/", _page_numbers),
    ("/reviews/priorities/", _page_numbers),
    ("/reviews/priorities/export.csv", _csv_numbers),
    ("/reviews/priorities/export.xlsx", _xlsx_numbers),
    ("/api/standards/", _json_numbers),
    ("/api/priorities/", _json_numbers),
    ("/api/standards/?format=csv", _csv_numbers),
]


def _get(client, url: str, ordering: str):
    separator = "&" if "?" in url else "?"
    return client.get(url + separator + urlencode({"ordering": ordering}))


@pytest.mark.parametrize(("url", "numbers"), URLS)
def test_unknown_orderings_are_ignored(client, coordinator, catalog, url, numbers):
    client.force_login(coordinator)
    for ordering in HOSTILE:
        response = _get(client, url, ordering)
        assert response.status_code == 200, (url, ordering)
        assert _unique(numbers(response)) == NUMBERS, (url, ordering)


@pytest.mark.parametrize(("url", "numbers"), URLS)
def test_known_orderings_still_sort(client, coordinator, catalog, url, numbers):
    client.force_login(coordinator)
    assert _unique(numbers(_get(client, url, "-number"))) == NUMBERS[::-1]
    assert _unique(numbers(_get(client, url, "number"))) == NUMBERS
