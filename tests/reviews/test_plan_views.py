"""The plan screen, its exports and the plan API: who may see and change what, and query counts."""

import csv
import datetime as dt
import io

import openpyxl
import pytest

from reviews.models import PlanEntry, PlanReason
from reviews.plan import services as plan_services
from tests.standards.factories import StandardFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 1)


@pytest.fixture
def programme(time_machine):
    time_machine.move_to(
        dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=9))), tick=False
    )
    for i in range(30):
        StandardFactory(
            number=f"JIS K {2000 + i}",
            established_on=dt.date(2016 + i % 10, 6, 1),
            ministries=["METI"] if i % 2 else ["MLIT"],
            fast_track=i == 0,
            title_ja='=HYPERLINK("http://evil")' if i == 5 else f"試験方法{i}",
        )
    programme = plan_services.programme_get_or_create(start_fy=2026, years=5, capacity=8)
    plan_services.programme_plan(programme=programme, today=TODAY)
    return programme


@pytest.mark.parametrize(
    ("user", "status"), [("coordinator", 200), ("ministry_viewer", 200), ("reviewer", 403)]
)
def test_who_sees_the_plan(client, request, programme, user, status):
    client.force_login(request.getfixturevalue(user))
    assert client.get("/reviews/plan/").status_code == status
    assert client.get("/api/plan/").status_code == status


def test_plan_screen_shows_counts_per_year_ministry_and_division(client, coordinator, programme):
    client.force_login(coordinator)
    page = client.get("/reviews/plan/").content.decode()
    for year in range(2026, 2031):
        assert f"FY{year}" in page
    assert "経済産業大臣" in page and "国土交通大臣" in page  # lead ministries
    assert "<svg" in page


def test_plan_screen_queries_do_not_grow(
    client, coordinator, programme, django_assert_max_num_queries
):
    client.force_login(coordinator)
    client.get("/reviews/plan/")
    with django_assert_max_num_queries(8):
        assert client.get("/reviews/plan/").status_code == 200


def roomiest_year(programme) -> int:
    counts = {y: PlanEntry.objects.filter(fiscal_year=y).count() for y in range(2027, 2031)}
    return min(counts, key=counts.get)


def test_coordinator_moves_a_standard_with_a_reason(client, coordinator, programme):
    client.force_login(coordinator)
    target = roomiest_year(programme)
    entry = PlanEntry.objects.exclude(fiscal_year=target).exclude(standard__fast_track=True).first()
    response = client.post(
        "/reviews/plan/move/",
        {
            "number": entry.standard.number.lower().replace(" ", ""),
            "fiscal_year": target,
            "note": "要望により",
        },
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.fiscal_year, entry.reason, entry.locked) == (target, PlanReason.MANUAL, True)


def test_move_without_reason_is_refused_and_nothing_changes(client, coordinator, programme):
    client.force_login(coordinator)
    entry = PlanEntry.objects.exclude(fiscal_year=2030).exclude(standard__fast_track=True).first()
    response = client.post(
        "/reviews/plan/move/", {"number": entry.standard.number, "fiscal_year": 2030, "note": ""}
    )
    assert response.status_code == 400
    entry.refresh_from_db()
    assert entry.fiscal_year != 2030


def test_ministry_viewer_cannot_move_or_lock(client, ministry_viewer, programme):
    client.force_login(ministry_viewer)
    entry = PlanEntry.objects.exclude(fiscal_year=2030).first()
    year = entry.fiscal_year
    assert (
        client.post(
            "/reviews/plan/move/",
            {"number": entry.standard.number, "fiscal_year": 2030, "note": "x"},
        ).status_code
        == 403
    )
    assert client.post("/reviews/plan/lock/2028/").status_code == 403
    entry.refresh_from_db()
    assert entry.fiscal_year == year
    assert not programme.plan_years.exclude(locked_at=None).exists()


def test_lock_a_year(client, coordinator, programme):
    client.force_login(coordinator)
    assert client.post("/reviews/plan/lock/2028/").status_code == 302
    assert programme.plan_years.get(fiscal_year=2028).locked_at is not None


def test_csv_export_is_excel_friendly_and_formula_safe(client, coordinator, programme):
    client.force_login(coordinator)
    response = client.get("/reviews/plan/export.csv")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body[1:])))
    assert len(rows) == 30
    assert {r["title_ja"] for r in rows} >= {"試験方法1", '\'=HYPERLINK("http://evil")'}


def test_xlsx_export(client, coordinator, programme):
    client.force_login(coordinator)
    response = client.get("/reviews/plan/export.xlsx")
    workbook = openpyxl.load_workbook(
        io.BytesIO(b"".join(response.streaming_content)), read_only=True
    )
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:3] == ("number", "title_ja", "fiscal_year")
    assert len(rows) == 31
    # a string cell is never run: the text is written as it is, with no apostrophe
    assert '=HYPERLINK("http://evil")' in [r[1] for r in rows]


@pytest.mark.parametrize(
    ("query", "check"),
    [
        ("fiscal_year=2026", lambda rows: rows and all(r["fiscal_year"] == 2026 for r in rows)),
        ("ministry=MLIT", lambda rows: len(rows) == 15),
        ("lead_ministry=METI", lambda rows: len(rows) == 15),
        ("division=K", lambda rows: len(rows) == 30),
        ("division=A", lambda rows: rows == []),
        ("reason=fast_track", lambda rows: [r["number"] for r in rows] == ["JIS K 2000"]),
    ],
)
def test_plan_api_filters(token_client, ministry_viewer, programme, query, check):
    body = token_client(ministry_viewer).get(f"/api/plan/?page_size=200&{query}").json()
    assert check(body["results"]), body


@pytest.mark.parametrize("page_size", [5, 200])
def test_plan_api_queries_do_not_grow(
    token_client, ministry_viewer, programme, django_assert_max_num_queries, page_size
):
    client = token_client(ministry_viewer)
    # token + user, roles, programme, count, page
    with django_assert_max_num_queries(5):
        response = client.get(f"/api/plan/?page_size={page_size}")
    assert len(response.json()["results"]) == min(page_size, 30)
