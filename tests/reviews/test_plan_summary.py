"""/api/plan/summary/: the backlog against the capacity, as the plan stands or previewed at another
capacity, for coordinators and ministry systems; and the same figures on the plan screen."""

import datetime as dt

import pytest

from reviews.models import PlanEntry, Programme
from reviews.plan import services as plan_services
from standards.models import Standard
from tests.standards.factories import StandardFactory

pytestmark = pytest.mark.django_db
JST = dt.timezone(dt.timedelta(hours=9))
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}  # the API speaks Japanese unless asked otherwise


@pytest.fixture
def backlog(time_machine):
    """Twenty overdue standards (ten METI, six MLIT, four without a competent ministry), four due
    in FY2028 and four in FY2030, planned at eight a year: twelve overdue ones must wait."""
    time_machine.move_to(dt.datetime(2026, 3, 1, 9, 0, tzinfo=JST), tick=False)
    for i in range(20):
        ministries = ["METI"] if i < 10 else ["MLIT"] if i < 16 else []
        StandardFactory(number=f"JIS A {1000 + i}", established_on=dt.date(2015, 6, 1))
        Standard.objects.get(number=f"JIS A {1000 + i}").ministries.set(ministries)
    for i in range(4):
        StandardFactory(number=f"JIS A {2000 + i}", established_on=dt.date(2023, 6, 1))
        StandardFactory(
            number=f"JIS A {3000 + i}", established_on=dt.date(2025, 6, 1), ministries=["MLIT"]
        )
    programme = plan_services.programme_get_or_create(start_fy=2026, years=5, capacity=8)
    plan_services.programme_plan(programme=programme, today=dt.date(2026, 3, 1))
    return programme


def test_the_summary_of_the_plan_as_it_stands(token_client, coordinator, backlog):
    body = token_client(coordinator).get("/api/plan/summary/", **ENGLISH).json()
    assert {k: body[k] for k in ("capacity", "limit", "preview", "not_in_plan")} == {
        "capacity": 8,
        "limit": 8,
        "preview": False,
        "not_in_plan": 0,
    }
    # all twenty overdue in FY2026 means twenty a year: capacity 20 (limit 21 with 5 %); 19 gives 19
    assert (body["min_on_time_capacity"], body["min_on_time_limit"]) == (20, 20)
    assert (body["due_by_first_year"], body["late"], body["late_at_any_capacity"]) == (20, 12, 0)
    assert body["per_year"][:3] == [
        {"fiscal_year": 2026, "planned": 8, "due": 20, "late": 0},
        {"fiscal_year": 2027, "planned": 8, "due": 0, "late": 8},
        {"fiscal_year": 2028, "planned": 8, "due": 4, "late": 4},
    ]
    assert [row["due"] for row in body["per_year"]] == [20, 0, 4, 0, 4]
    assert body["years_late"] == [{"years": 1, "standards": 8}, {"years": 2, "standards": 4}]
    by_ministry = {row["ministry"]: row for row in body["by_ministry"]}
    assert set(by_ministry) == {"METI", "MLIT", None}
    assert by_ministry[None]["name"] == "No competent ministry"
    assert sum(row["late"] for row in body["by_ministry"]) == 12
    assert sum(row["planned"] for row in body["by_ministry"]) == 28
    for row in body["by_ministry"]:
        assert sum(y["late"] for y in row["late_by_year"]) == row["late"]


def test_the_preview_at_the_least_capacity_is_on_time_and_one_less_is_not(
    token_client, ministry_viewer, backlog
):
    client = token_client(ministry_viewer)
    at_least = client.get("/api/plan/summary/?capacity=20").json()
    assert (at_least["preview"], at_least["capacity"], at_least["limit"]) == (True, 20, 21)
    assert at_least["late"] == 0 and at_least["years_late"] == []
    assert at_least["per_year"][0] == {"fiscal_year": 2026, "planned": 20, "due": 20, "late": 0}
    one_less = client.get("/api/plan/summary/?capacity=19").json()
    assert (one_less["limit"], one_less["late"]) == (19, 1)
    assert one_less["years_late"] == [{"years": 1, "standards": 1}]
    # the preview wrote nothing
    assert Programme.objects.get().yearly_capacity == 8
    assert PlanEntry.objects.filter(fiscal_year=2026).count() == 8


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("capacity=5", "28 standards to place but only 25 places"),
        ("capacity=0", "greater than or equal to 1"),
        ("capacity=abc", "valid integer"),
        ("capacity=100001", "less than or equal to 100000"),
    ],
)
def test_a_capacity_without_a_plan_is_a_400_naming_the_field(
    token_client, coordinator, backlog, query, message
):
    response = token_client(coordinator).get(f"/api/plan/summary/?{query}", **ENGLISH)
    assert response.status_code == 400
    assert message in response.json()["capacity"][0]


@pytest.mark.parametrize(
    ("user", "status"),
    [("coordinator", 200), ("ministry_viewer", 200), ("reviewer", 403), ("outsider", 403)],
)
def test_who_may_read_the_summary(token_client, request, backlog, user, status):
    client = token_client(request.getfixturevalue(user))
    assert client.get("/api/plan/summary/").status_code == status


def test_anonymous_callers_are_refused(api_client, backlog):
    assert api_client.get("/api/plan/summary/").status_code == 401


def test_no_programme_is_a_404(token_client, coordinator):
    assert token_client(coordinator).get("/api/plan/summary/").status_code == 404


@pytest.mark.parametrize("query", ["", "?capacity=20"])
def test_the_summary_queries_do_not_grow(
    token_client, coordinator, backlog, django_assert_max_num_queries, query
):
    client = token_client(coordinator)
    client.get(f"/api/plan/summary/{query}")  # the ministries' names are cached after this
    # token + user, roles, the programme with its years' locks, the standards the review plans
    # (with their year), their lead ministries
    with django_assert_max_num_queries(5):
        assert client.get(f"/api/plan/summary/{query}").status_code == 200
    for i in range(30):
        StandardFactory(number=f"JIS A {4000 + i}", established_on=dt.date(2022, 6, 1))
    with django_assert_max_num_queries(5):
        body = client.get(f"/api/plan/summary/{query}").json()
    assert body["not_in_plan"] == 30


def test_locked_years_and_manual_moves_count_in_the_least_capacity(
    token_client, coordinator, backlog
):
    """An overdue standard moved by hand to FY2029 is late at any capacity and leaves FY2026's
    twenty to the other nineteen; locking FY2027 keeps its eight overdue there, late at any capacity."""
    entry = PlanEntry.objects.filter(fiscal_year=2026).first()
    plan_services.plan_entry_move(
        entry=entry, fiscal_year_to=2029, note="asked", by=coordinator, today=dt.date(2026, 3, 1)
    )
    body = token_client(coordinator).get("/api/plan/summary/").json()
    assert (body["min_on_time_limit"], body["late_at_any_capacity"]) == (19, 1)
    plan_services.plan_year_lock(programme=backlog, year=2027, by=coordinator)
    body = token_client(coordinator).get("/api/plan/summary/").json()
    assert (body["min_on_time_limit"], body["late_at_any_capacity"]) == (11, 9)


def test_the_screen_says_which_standards_the_least_capacity_keeps_on_time(
    client, coordinator, backlog
):
    """With none late at any capacity the least capacity surveys every standard on time; once a
    standard is late whatever the capacity, the sentence says it counts only those that can be."""
    from tests.conftest import in_english

    in_english(client)
    client.force_login(coordinator)
    every = "The smallest yearly capacity that surveys every standard on time is"
    still = "surveys on time every standard that can still be on time is"
    page = client.get("/reviews/plan/").content.decode()
    assert every in page and still not in page
    entry = PlanEntry.objects.filter(fiscal_year=2026).first()
    plan_services.plan_entry_move(
        entry=entry, fiscal_year_to=2029, note="asked", by=coordinator, today=dt.date(2026, 3, 1)
    )
    page = client.get("/reviews/plan/").content.decode()
    assert still in page and every not in page
    assert 'data-unavoidable="1"' in page
