"""The assignments list: filters by reviewer, batch, ministry and standard number, paging that keeps
them, and an untouched form that filters nothing."""

import datetime as dt
import re
from urllib.parse import parse_qs, urlparse

import pytest
import time_machine

from reviews.plan import services as plan_services
from reviews.survey import services as survey_services
from tests.standards.factories import StandardFactory
from tests.untouched_forms import untouched_query

pytestmark = pytest.mark.django_db
JST = dt.timezone(dt.timedelta(hours=9))


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 6, 1, 10, 0, tzinfo=JST), tick=False):
        yield


def numbers(response) -> list[str]:
    assert response.status_code == 200, response.content[:300]
    return [a.standard.number for a in response.context["page"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", [f"JIS C {6000 + i}" for i in range(8)]),
        ("reviewer={rev}", [f"JIS C {6000 + i}" for i in range(4)]),
        ("batch={theirs}", [f"JIS C {6000 + i}" for i in range(4, 8)]),
        ("ministry=MLIT", [f"JIS C {6000 + i}" for i in range(4, 8)]),
        ("number=C+6005", ["JIS C 6005"]),
        ("number=ＪＩＳ　Ｃ　６００５", ["JIS C 6005"]),  # as typed with a Japanese keyboard
        ("number=6002", ["JIS C 6002"]),
        ("ministry=METI&reviewer={rev2}", []),
        ("batch={mine}&number=C+6001&ministry=METI", ["JIS C 6001"]),
    ],
)
def test_the_coordinator_narrows_the_list(client, coordinator, reviewer, batches, query, expected):
    mine, theirs = batches
    client.force_login(coordinator)
    url = "/reviews/assignments/?sort=number&" + query.format(
        rev=reviewer.pk, rev2=mine.reviewer_id + 1, mine=mine.pk, theirs=theirs.pk
    )
    assert numbers(client.get(url)) == expected


def test_an_untouched_form_filters_nothing_and_offers_every_filter(client, coordinator, batches):
    client.force_login(coordinator)
    first = client.get("/reviews/assignments/")
    body = first.content.decode()
    for name in ("number", "reviewer", "batch", "ministry", "state", "overdue"):
        assert f'name="{name}"' in body, name
    query = untouched_query(first.content)
    applied = client.get(f"/reviews/assignments/?{query}")
    assert applied.context["page"].paginator.count == first.context["page"].paginator.count == 8
    assert not applied.context["filters"].errors


def test_a_reviewer_filters_only_their_own_and_sees_no_reviewer_filter(client, reviewer, batches):
    mine, theirs = batches
    client.force_login(reviewer)
    page = client.get("/reviews/assignments/")
    assert 'name="reviewer"' not in page.content.decode()
    offered = [b.pk for b in page.context["filters"].form.fields["batch"].queryset]
    assert offered == [mine.pk]
    assert numbers(client.get("/reviews/assignments/?ministry=MLIT")) == []
    # another's batch is no choice of theirs: refused at the field, the list left whole
    refused = client.get(f"/reviews/assignments/?batch={theirs.pk}")
    assert "batch" in refused.context["filters"].errors
    assert len(numbers(refused)) == 4


def test_pages_keep_the_filters(client, coordinator, reviewer, batches):
    programme = plan_services.programme_get_or_create(start_fy=2026, years=5, capacity=100)
    for i in range(60):
        StandardFactory(
            number=f"JIS E {3000 + i}", established_on=dt.date(2021, 6, 1), ministries=["METI"]
        )
    plan_services.programme_plan(programme=programme, today=dt.date(2026, 3, 1))
    survey_services.batches_create(
        programme=programme,
        fiscal_year=2026,
        due_on=dt.date(2026, 12, 25),
        max_size=100,
        by=coordinator,
        reviewer=reviewer,
        division="E",
    )
    client.force_login(coordinator)
    first = client.get(f"/reviews/assignments/?ministry=METI&reviewer={reviewer.pk}")
    assert first.context["page"].paginator.count == 64
    links = re.findall(r'href="\?([^"]*page=2)"', first.content.decode())
    assert links
    query = parse_qs(urlparse("?" + links[0].replace("&amp;", "&")).query)
    assert query["ministry"] == ["METI"] and query["reviewer"] == [str(reviewer.pk)]
    second = client.get("/reviews/assignments/?" + links[0].replace("&amp;", "&"))
    assert len(second.context["page"]) == 14


@pytest.mark.parametrize("extra", [0, 40])
def test_the_filtered_list_costs_the_same_queries_however_long(
    client, coordinator, reviewer, batches, extra, django_assert_max_num_queries
):
    programme = plan_services.programme_get_or_create(start_fy=2026, years=5, capacity=100)
    for i in range(extra):
        StandardFactory(number=f"JIS E {1000 + i}", established_on=dt.date(2021, 6, 1))
    if extra:
        plan_services.programme_plan(programme=programme, today=dt.date(2026, 3, 1))
        survey_services.batches_create(
            programme=programme,
            fiscal_year=2026,
            due_on=dt.date(2026, 12, 25),
            max_size=50,
            by=coordinator,
            reviewer=reviewer,
            division="E",
        )
    client.force_login(coordinator)
    url = f"/reviews/assignments/?reviewer={reviewer.pk}&ministry=METI&number=JIS"
    assert client.get(url).context["page"].paginator.count == 4 + extra
    # the session's user and their roles; the chosen reviewer checked; count and page; the
    # reviewer and batch choices drawn. Nothing per row.
    with django_assert_max_num_queries(7):
        assert client.get(url).status_code == 200
