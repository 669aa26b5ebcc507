"""How the priority list is read: the viewer's remit is checked once per query, the ranking is read
from the stored column (standards the rule has not judged come last), and the list's total is kept
in the shared cache until a write to what it counts commits — never stale."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reviews.common import figures
from reviews.models import Reminder, StandardPriority
from reviews.priority import services as priority_services
from standards.models import Standard
from tests.reviews.test_priority_queries import (
    TODAY,
    surveyed,  # noqa: F401 (a fixture)
)
from tests.standards.factories import StandardFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("surveyed")]


def listing_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    sql = [q["sql"] for q in queries.captured_queries if "reviews_standardpriority" in q["sql"]]
    return response.json(), sql


def test_the_viewers_remit_is_one_exists_in_each_query(token_client, ministry_viewer):
    body, sql = listing_queries(token_client(ministry_viewer), "/api/priorities/?page_size=50")
    assert sql
    for statement in sql:
        assert statement.count('"standards_standard_ministries"') == 1, statement
    assert {"METI"} == {code for row in body["results"] for code in row["ministries"]}
    assert "JIS C 6004" not in {row["number"] for row in body["results"]}  # MLIT's


def test_the_screen_keeps_the_remit_too(client, ministry_viewer):
    client.force_login(ministry_viewer)
    response = client.get("/reviews/priorities/?ministry=MLIT")
    assert response.status_code == 200
    assert "JIS C 6004" not in response.content.decode()
    assert "JIS C 6000" in response.content.decode()


def test_standards_not_yet_judged_come_after_every_judged_one(token_client, coordinator):
    judged = set(StandardPriority.objects.values_list("standard__number", flat=True))
    StandardFactory(number="JIS A 0001", ministries=["METI"])  # no verdict row yet
    client = token_client(coordinator)
    rows = client.get("/api/priorities/?priority=&page_size=200").json()["results"]
    numbers = [row["number"] for row in rows]
    assert numbers[-1] == "JIS A 0001"
    assert set(numbers[:-1]) == judged
    strengths = [StandardPriority.objects.get(standard__number=n).strength for n in numbers[:-1]]
    assert strengths == sorted(strengths, reverse=True)


@pytest.mark.django_db(transaction=True)
@pytest.mark.redis
def test_the_total_is_cached_and_follows_a_new_verdict_at_once(token_client, ministry_viewer):
    if not figures.shared():
        pytest.fail("this test needs the shared cache: set CACHE_URL=redis://…")
    client = token_client(ministry_viewer)

    def total() -> tuple[int, bool]:
        with CaptureQueriesContext(connection) as queries:
            count = client.get("/api/priorities/").json()["count"]
        return count, any(q["sql"].startswith("SELECT COUNT(*)") for q in queries.captured_queries)

    before, counted = total()
    assert counted
    assert total() == (before, False)  # the second read takes the cached total
    robot = Standard.objects.get(number="JIS C 6003")
    StandardPriority.objects.filter(standard=robot).update(is_priority=False)
    assert total() == (before - 1, True)
    priority_services.priorities_recompute(today=TODAY)
    assert total()[0] == before


@pytest.mark.django_db(transaction=True)
@pytest.mark.redis
def test_a_count_over_a_table_whose_writes_are_not_watched_is_never_cached():
    assert "reviews_reminder" not in figures.TABLES
    expected = Reminder.objects.count()
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert figures.counted(Reminder.objects.all()) == expected
        assert any(q["sql"].startswith("SELECT COUNT(*)") for q in queries.captured_queries)


def test_a_filter_nothing_can_match_counts_nothing(token_client, coordinator):
    body = token_client(coordinator).get("/api/priorities/?review_due_fy=16092654007961").json()
    assert (body["count"], body["results"]) == (0, [])
