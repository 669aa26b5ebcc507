"""The coordinator's plan work in Chromium, at 1280 px and 375 px, in Japanese and English: the
standards new in the catalog are counted as not in the plan; re-planning from the screen waits for
the worker, then the page follows the run by itself to its end; a capacity preview saves nothing;
locking a year asks first, and the year can be unlocked; a refused move lists its errors at the top
of the page with the focus there, then the corrected move goes through. The page never scrolls
sideways. Screenshots of each step go to var/screenshots/plan/ for a person to look at."""

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from jisreview.celery import app
from reviews.models import PlanEntry, PlanRun, PlanYear, Programme
from reviews.plan import services as plan_services
from scripts.local_services import PrivateRedis
from standards.dates import fiscal_year_label
from tests.standards.factories import StandardFactory

pytestmark = [pytest.mark.e2e, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "plan"
JST = dt.timezone(dt.timedelta(hours=9))
# FY2026 is under way (locked), the four years after it are open
NOW = dt.datetime(2026, 6, 1, 10, 0, tzinfo=JST)
TITLES = [
    "ロボット及びロボティックデバイス－生活支援ロボットの安全要求事項",
    "電磁両立性－第4-2部：試験及び測定技術－静電気放電イミュニティ試験",
    "レディーミクストコンクリート",
]


@pytest.fixture
def broker(tmp_path, monkeypatch):
    """A redis-server of the test's own as the broker: the re-plan is queued there, and nothing
    queued by another run reaches the worker started below."""
    redis = PrivateRedis(tmp_path / "redis")
    (tmp_path / "redis").mkdir()
    redis.start()
    monkeypatch.setenv("CELERY_BROKER_URL", redis.url(0))
    monkeypatch.setattr(app.conf, "broker_url", redis.url(0))
    app.conf.task_always_eager = False
    _forget_broker_connections()
    try:
        yield redis
    finally:
        redis.stop()
        _forget_broker_connections()


def _forget_broker_connections() -> None:
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def planned(coordinator):
    """Thirty standards planned at eight a year before FY2026, then three new in the catalog."""
    for i in range(30):
        StandardFactory(
            number=f"JIS B {8400 + i}",
            title_ja=TITLES[i % 3],
            established_on=dt.date(2016 + i % 10, 6, 1),
            ministries=["METI"] if i % 3 else ["MLIT", "METI"],
        )
    with time_machine.travel(dt.datetime(2026, 3, 1, 10, 0, tzinfo=JST), tick=False):
        programme = plan_services.programme_get_or_create(start_fy=2026, years=5, capacity=8)
        plan_services.programme_plan(programme=programme, today=dt.date(2026, 3, 1))
    for i in range(3):
        StandardFactory(number=f"JIS C {9100 + i}", established_on=dt.date(2023, 6, 1))
    return programme


def _log_in(page, base: str, user) -> None:
    page.goto(f"{base}{reverse('login')}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", f"pw-{user.username}")
    page.click("main button[type=submit]")
    expect(page.locator("header .who")).to_have_text(user.username)


def _fits(page, where: str) -> None:
    width, viewport = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert width <= viewport, f"{where} scrolls sideways: {width} px wide in {viewport} px"


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("width", [1280, 375])
def test_the_coordinators_plan_journey(
    live_server, browser, broker, coordinator, planned, width, language
):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="ja-JP")
    context.set_default_timeout(15_000)
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    page = context.new_page()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    plan_url = f"{live_server.url}{reverse('reviews:plan')}"

    def shot(step: str) -> None:
        """Save the page as it is (a person looks at these), then check it does not scroll sideways."""
        page.wait_for_load_state("load")  # measured before its stylesheet applies, a page is wider
        page.screenshot(path=str(SCREENSHOTS / f"{language}-{width}-{step}.png"), full_page=True)
        _fits(page, f"{language} {width} px {step}")

    try:
        with time_machine.travel(NOW, tick=True):
            _log_in(page, live_server.url, coordinator)
            expect(page.locator("html")).to_have_attribute("lang", language)

            # Given three standards new in the catalog, the plan screen counts them
            page.goto(plan_url)
            expect(page.locator("[data-not-in-plan]")).to_have_attribute("data-not-in-plan", "3")
            expect(page.locator(".plan-gap")).to_contain_text("3")
            shot("1-not-in-plan")

            # When the coordinator re-plans, the page shows the run waiting for the worker …
            page.locator(".replan-form button[type=submit]").click()
            run_panel = page.locator("[data-plan-run-url]")
            expect(run_panel).to_be_visible()
            expect(run_panel.locator("progress")).to_have_attribute("value", "0")
            shot("2-replan-waiting")
            # … and once a worker takes it, follows it to its end without a reload by hand
            with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
                expect(page.locator(".plan-run-done")).to_be_visible(timeout=30_000)
            expect(page.locator("[data-not-in-plan]")).to_have_attribute("data-not-in-plan", "0")
            assert PlanRun.objects.get().state == "done"
            assert PlanEntry.objects.filter(standard__number__startswith="JIS C 91").count() == 3
            shot("3-replan-done")
            late = int(page.locator("[data-late]").get_attribute("data-late"))
            assert late > int(page.locator("[data-unavoidable]").get_attribute("data-unavoidable"))

            # A preview at the least on-time capacity: on time, and nothing saved
            least = page.locator("[data-min-capacity]").inner_text().replace(",", "")
            page.fill("#id_capacity", least)
            page.locator(".capacity-preview button[type=submit]").click()
            expect(page.locator(".preview-note")).to_be_visible()
            # only what FY2026's lock makes late is late, surveyed as early as the locks allow
            late = page.locator("[data-late]").get_attribute("data-late")
            assert late == page.locator("[data-unavoidable]").get_attribute("data-unavoidable")
            assert Programme.objects.get().yearly_capacity == 8
            shot("4-preview")

            # Locking FY2028 asks first; the year is locked only once confirmed
            page.goto(plan_url)
            page.locator('tr[data-year="2028"] a.button').click()
            expect(page.locator(".confirm h1")).to_contain_text(fiscal_year_label(2028, language))
            assert PlanYear.objects.get(fiscal_year=2028).locked_at is None
            shot("5-lock-confirm")
            page.locator(".confirm button[type=submit]").click()
            expect(page.locator("#lock-history")).to_be_visible()
            assert PlanYear.objects.get(fiscal_year=2028).locked_at is not None

            # and a coordinator unlocks it, which the history keeps too
            page.locator('tr[data-year="2028"] a.button').click()
            shot("6-unlock-confirm")
            page.locator(".confirm button[type=submit]").click()
            expect(page.locator("#lock-history tbody tr")).to_have_count(2)
            assert PlanYear.objects.get(fiscal_year=2028).locked_at is None
            shot("7-lock-history")

            # A move of a mistyped number is refused: the errors open the page, focused there
            entry = PlanEntry.objects.filter(fiscal_year=2029, locked=False).first()
            assert page.locator("#id_fiscal_year option[value='2026']").count() == 0  # under way
            page.fill("#id_number", entry.standard.number.replace("JIS B 84", "JIS B 94"))
            page.select_option("#id_fiscal_year", "2030")
            page.fill("#id_note", "原案作成団体の依頼")
            page.locator(".move-form button[type=submit]").click()
            summary = page.locator(".error-summary")
            expect(summary).to_be_focused()
            expect(summary).to_be_in_viewport()
            expect(summary.locator("a[href='#q-number']")).to_be_visible()
            shot("8-move-refused")
            # the person follows the summary to the field, corrects it, and the move goes through
            summary.locator("a[href='#q-number']").click()
            expect(page.locator("#id_number")).to_be_focused()
            page.fill("#id_number", entry.standard.number)
            page.locator(".move-form button[type=submit]").click()
            expect(page.locator(".messages li")).to_contain_text(entry.standard.number)
            entry.refresh_from_db()
            assert (entry.fiscal_year, entry.locked) == (2030, True)
            shot("9-moved")
    finally:
        context.close()
