"""The plan screen, its exports and the plan API: who may see and change what, and query counts."""

import csv
import datetime as dt
import io
import re

import openpyxl
import pytest
from django.conf import settings

from reviews.models import PlanEntry, PlanReason, PlanRun, PlanYear
from reviews.plan import services as plan_services
from tests.standards.factories import StandardFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 1)
JST = dt.timezone(dt.timedelta(hours=9))


@pytest.fixture
def english(client):
    """Pages in English, the messages' source language: the site speaks Japanese by default."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


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


@pytest.mark.japanese
def test_plan_screen_shows_counts_per_year_ministry_and_division(client, coordinator, programme):
    client.force_login(coordinator)
    page = client.get("/reviews/plan/").content.decode()
    for era_year in range(8, 13):  # FY2026–FY2030, named as Japanese readers name them
        assert f"令和{era_year}年度" in page
    assert "経済産業大臣" in page and "国土交通大臣" in page  # lead ministries
    assert "<svg" in page


def test_the_english_plan_screen_names_ministries_and_divisions_in_english(
    client, english, coordinator, programme
):
    client.force_login(coordinator)
    page = client.get("/reviews/plan/").content.decode()
    assert "Minister of Economy, Trade and Industry" in page and "経済産業大臣" not in page
    assert "K Chemical engineering" in page


def test_plan_screen_queries_do_not_grow(
    client, coordinator, programme, django_assert_max_num_queries
):
    client.force_login(coordinator)
    client.get("/reviews/plan/")
    # user, roles, the programme with its years' locks, totals per year, the standards the review
    # plans and their lead ministries (for the backlog and the not-in-plan count), counts per lead
    # ministry, per division, the latest re-plan run, the lock history, the manual moves
    with django_assert_max_num_queries(11):
        assert client.get("/reviews/plan/").status_code == 200
    for i in range(20):  # more standards, some not in the plan yet: no more queries
        StandardFactory(number=f"JIS K {3000 + i}", ministries=["MHLW"] if i % 2 else [])
    with django_assert_max_num_queries(11):
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
    assert client.post("/reviews/plan/lock/2028/", {"confirm": "yes"}).status_code == 302
    assert programme.plan_years.get(fiscal_year=2028).locked_at is not None


def test_locking_asks_for_confirmation_first(client, english, coordinator, programme):
    """The plan screen's Lock leads to a page that says what locking does; only its button locks.
    A post that skips it (a stale form, a double click elsewhere) shows that page and locks nothing."""
    client.force_login(coordinator)
    plan_page = client.get("/reviews/plan/").content.decode()
    assert 'href="/reviews/plan/lock/2028/"' in plan_page
    assert 'action="/reviews/plan/lock/2028/"' not in plan_page  # no one-click lock
    for response in (
        client.get("/reviews/plan/lock/2028/"),
        client.post("/reviews/plan/lock/2028/"),
    ):
        page = response.content.decode()
        assert response.status_code == 200
        assert "Lock FY2028?" in page and 'name="confirm" value="yes"' in page
        assert "Re-planning will leave the" in page
    assert programme.plan_years.get(fiscal_year=2028).locked_at is None


def test_a_coordinator_unlocks_a_year_and_both_enter_the_history(
    client, english, coordinator, programme
):
    client.force_login(coordinator)
    client.post("/reviews/plan/lock/2028/", {"confirm": "yes"})
    assert "Unlock FY2028?" in client.get("/reviews/plan/unlock/2028/").content.decode()
    assert (
        programme.plan_years.get(fiscal_year=2028).locked_at is not None
    )  # asking changes nothing
    response = client.post("/reviews/plan/unlock/2028/", {"confirm": "yes"})
    assert response.status_code == 302
    year = programme.plan_years.get(fiscal_year=2028)
    assert (year.locked_at, year.locked_by) == (None, None)
    changes = [
        (h.history_user, h.locked_at is not None, h.history_change_reason)
        for h in year.history.filter(history_type="~").order_by("history_date")
    ]
    assert changes == [(coordinator, True, "locked"), (coordinator, False, "unlocked")]
    page = client.get("/reviews/plan/").content.decode()
    history = page[page.index('id="lock-history"') :]
    assert history.index("unlocked") < history.index("locked</td>")  # newest first
    assert history.count("coord") == 2


def test_asking_to_lock_a_locked_year_or_unlock_an_open_one_says_so(
    client, english, coordinator, programme
):
    client.force_login(coordinator)
    response = client.get("/reviews/plan/unlock/2029/", follow=True)
    assert "FY2029 is not locked." in response.content.decode()
    client.post("/reviews/plan/lock/2029/", {"confirm": "yes"})
    response = client.get("/reviews/plan/lock/2029/", follow=True)
    assert "FY2029 is locked already." in response.content.decode()
    assert PlanYear.history.filter(fiscal_year=2029, history_type="~").count() == 1


def test_a_year_under_way_cannot_be_unlocked(client, english, coordinator, programme, time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 30, 9, 0, tzinfo=JST), tick=False)
    client.force_login(coordinator)  # signed in on that day (a session from another day may end)
    response = client.post("/reviews/plan/unlock/2026/", {"confirm": "yes"}, follow=True)
    assert "under way: it stays locked" in response.content.decode()
    assert not PlanYear.history.filter(fiscal_year=2026, history_type="~").exists()


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


def _new_in_catalog():
    """After the plan: three active JIS, and what the review does not plan (TS, TR, withdrawn)."""
    for i in range(3):
        StandardFactory(number=f"JIS K {4000 + i}", ministries=[])
    StandardFactory(number="TS K 0001")
    StandardFactory(number="TR K 0002")
    StandardFactory(number="JIS K 4999", status="withdrawn")


def test_the_plan_screen_counts_active_standards_not_in_the_plan(
    client, english, coordinator, programme
):
    page = _plan_page(client, coordinator)
    assert 'data-not-in-plan="0"' in page and "Every active standard is in the plan." in page
    _new_in_catalog()
    page = _plan_page(client, coordinator)
    assert 'data-not-in-plan="3"' in page
    assert "3 active standards are not in the plan" in page
    assert "Re-plan now" in page


def test_ministry_viewers_see_the_count_but_cannot_re_plan(
    client, english, ministry_viewer, programme
):
    _new_in_catalog()
    page = _plan_page(client, ministry_viewer)
    assert "3 active standards are not in the plan" in page and "Re-plan now" not in page
    assert client.post("/reviews/plan/replan/").status_code == 403
    assert not PlanRun.objects.exists()


def test_re_plan_from_the_screen_queues_one_run_and_the_page_follows_it(
    client, english, coordinator, programme, django_capture_on_commit_callbacks, monkeypatch
):
    """The button asks the worker (after commit) and the page shows the run's progress; a second
    click while it runs asks for nothing more."""
    _new_in_catalog()
    rung = []
    monkeypatch.setattr("reviews.plan.views.services.plan_run_request", _spy(rung))
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post("/reviews/plan/replan/")
    assert response.status_code == 302 and response["Location"] == "/reviews/plan/#replan"
    (run,) = PlanRun.objects.all()
    assert (run.state, run.requested_by, len(callbacks)) == ("queued", coordinator, 1)
    assert rung == [run.pk]  # the doorbell was rung with the run, once committed
    page = client.get("/reviews/plan/").content.decode()
    assert f'data-plan-run-url="/reviews/plan/runs/{run.pk}/"' in page
    assert "Waiting for the worker" in page and "Re-plan now" not in page
    assert 'src="/static/js/plan.js"' in page
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post("/reviews/plan/replan/", follow=True)
    assert "already under way" in again.content.decode()
    assert PlanRun.objects.count() == 1 and rung == [run.pk]
    status = client.get(f"/reviews/plan/runs/{run.pk}/").json()
    assert status == {
        "id": run.pk,
        "state": "queued",
        "state_label": "waiting for the worker",
        "step": 0,
        "steps": 4,
        "step_label": "Waiting for the worker",
        "finished": False,
    }


def _spy(rung):
    """plan_run_request with a doorbell that notes which run it was rung for."""
    real = plan_services.plan_run_request

    def request(*, programme, by, enqueue):
        return real(programme=programme, by=by, enqueue=rung.append)

    return request


@pytest.mark.parametrize(
    ("user", "status"), [("coordinator", 200), ("ministry_viewer", 200), ("reviewer", 403)]
)
def test_who_may_follow_a_run(client, request, programme, coordinator, user, status):
    run, _new = plan_services.plan_run_request(
        programme=programme, by=coordinator, enqueue=lambda run_id: None
    )
    client.force_login(request.getfixturevalue(user))
    assert client.get(f"/reviews/plan/runs/{run.pk}/").status_code == status
    assert client.get(f"/reviews/plan/runs/{run.pk + 1}/").status_code in (404, 403)


def test_a_finished_run_says_what_it_did(client, english, coordinator, programme):
    _new_in_catalog()
    run, _new = plan_services.plan_run_request(
        programme=programme, by=coordinator, enqueue=lambda run_id: None
    )
    plan_services.plan_run_execute(run_id=run.pk, today=TODAY)
    page = _plan_page(client, coordinator)
    assert re.search(r"3 newly planned, \d+ moved, 0 removed, \d+ unchanged", page)
    assert 'data-not-in-plan="0"' in page


def test_a_refused_move_lists_its_errors_at_the_top_and_takes_the_focus(
    client, english, coordinator, programme
):
    """The move form sits at the bottom of a long page: its errors open the page instead, each
    linked to its field, whether the form refused them or the plan did."""
    client.force_login(coordinator)
    for posted, problems in [
        ({"number": "JIS K 2001", "fiscal_year": 2031, "note": ""}, ["fiscal_year", "note"]),
        ({"number": "JIS Q 0000", "fiscal_year": 2030, "note": "x"}, ["number"]),
    ]:
        response = client.post("/reviews/plan/move/", posted)
        page = response.content.decode()
        assert response.status_code == 400
        summary = page.index('class="error-summary"')
        assert summary < page.index("Standards per fiscal year")  # before the first card
        assert "data-focus-on-load" in page[summary : summary + 200]
        assert f"{len(problems)} problem" in page[summary : summary + 400]
        for field in problems:  # each links to its field, which carries the id
            assert f'href="#q-{field}"' in page and f'id="q-{field}"' in page
        assert 'src="/static/js/error-summary.js"' in page
    assert "JIS Q 0000 is not in the plan." in page[summary:]


def test_the_backlog_states_the_least_capacity_on_time(client, english, coordinator, programme):
    page = _plan_page(client, coordinator)
    backlog = page[page.index('id="backlog"') :]
    assert "standards are due by FY2026, the overdue ones included" in backlog
    assert "The smallest yearly capacity that surveys every standard on time is" in backlog
    least = int(backlog.split("data-min-capacity>")[1].split("<")[0].replace(",", ""))
    assert least >= 1


def test_the_capacity_preview_writes_nothing(client, english, coordinator, programme):
    before = list(PlanEntry.objects.values_list("standard_id", "fiscal_year", "updated_at"))
    page = _plan_page(client, coordinator, "?capacity=3")
    assert "Preview at 3 standards a year (at most 3 with the tolerance)" in page
    assert "No plan fits" in page or "standards to place but only" in page  # 30 in 5 × 3
    page = _plan_page(client, coordinator, "?capacity=30")
    assert "Preview at 30 standards a year" in page
    assert "No standard is surveyed after its due year." in page
    assert list(PlanEntry.objects.values_list("standard_id", "fiscal_year", "updated_at")) == before
    programme.refresh_from_db()
    assert programme.yearly_capacity == 8 and not PlanRun.objects.exists()


@pytest.mark.parametrize("value", ["0", "-4", "abc", "1e9", "100001"])
def test_a_bad_capacity_is_named_and_the_plan_shown_as_it_stands(
    client, english, coordinator, programme, value
):
    page = _plan_page(client, coordinator, f"?capacity={value}")
    assert "Preview at" not in page
    backlog = page[page.index('id="backlog"') :]
    assert 'role="alert"' in backlog and "errorlist" in backlog


def test_an_untouched_preview_form_shows_the_plan_as_it_stands(
    client, english, coordinator, programme
):
    def backlog(page):
        return page[
            page.index('id="backlog"') : page.index("</section>", page.index('id="backlog"'))
        ]

    untouched = backlog(_plan_page(client, coordinator, "?capacity="))
    assert untouched == backlog(_plan_page(client, coordinator))
    assert "Preview at" not in untouched and "errorlist" not in untouched


def test_standards_without_a_competent_ministry_have_their_own_row(
    client, english, coordinator, programme
):
    for i in range(2):
        StandardFactory(number=f"JIS K {5000 + i}", established_on=dt.date(2015, 6, 1))
    from standards.models import Standard

    Standard.ministries.through.objects.filter(standard__number__startswith="JIS K 500").delete()
    plan_services.programme_plan(programme=programme, today=TODAY)
    page = _plan_page(client, coordinator)
    assert page.count("No competent ministry") >= 2  # the plan's table and the backlog's


def _plan_page(client, user, query: str = "") -> str:
    client.force_login(user)
    response = client.get(f"/reviews/plan/{query}")
    assert response.status_code == 200
    return response.content.decode()
