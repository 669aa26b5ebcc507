"""International alignment as people meet it, in Chromium at 1280 px and 375 px, in Japanese and
English, with a real Celery worker: the coordinator imports an international data file on the
screen, the worker recomputes the alignments, the catalog filtered to "revised" shows the JIS with
the newer ISO edition, METI's viewer exports that list, and the reviewer finds the questionnaire's
"has the international standard been revised?" pre-filled with its evidence. The page never
scrolls sideways; screenshots go to var/screenshots/international/ for a person to look at."""

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from jisreview.celery import app
from reviews.plan import services as plan_services
from reviews.survey import services as survey_services
from scripts.local_services import wait_for
from standards.models import StandardAlignment
from tests.reviews.data import FORM
from tests.standards.factories import StandardFactory

pytestmark = [pytest.mark.e2e, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "international"
DATA = (
    "reference,published_on,status,replaced_by\n"
    "ISO 13482:2014,2014-02-01,withdrawn,ISO 13482:2025\n"
    "ISO 13482:2025,2025-03-01,current,\n"
    "ISO 17100:2015,2015-05-01,current,\n"
)
WORDS = {
    "ja": {
        "menu": "メニュー",
        "data": "国際規格データ",
        "upload": "アップロード",
        "apply": "適用",
        "revised": "国際規格が改正済み",
        "computed": "国際規格データによる自動判定：",
        "created": "新規 3 件",
    },
    "en": {
        "menu": "Menu",
        "data": "International data",
        "upload": "Upload",
        "apply": "Apply",
        "revised": "International standard revised",
        "computed": "Computed from the international data:",
        "created": "3 created",
    },
}


@pytest.fixture
def world(coordinator, reviewer, ministry_viewer):
    robot = StandardFactory(
        number="JIS B 8445",
        title_ja="ロボット及びロボティックデバイス－生活支援ロボットの安全要求事項",
        established_on=dt.date(2021, 6, 1),
        correspondences=[("ISO 13482:2014", "IDT")],
    )
    StandardFactory(
        number="JIS Y 17100",
        title_ja="翻訳サービス－翻訳サービスの要求事項",
        established_on=dt.date(2021, 6, 7),
        correspondences=[("ISO 17100:2015", "IDT")],
    )
    programme = plan_services.programme_get_or_create(start_fy=2026, years=5, capacity=10)
    plan_services.programme_plan(programme=programme, today=dt.date(2026, 3, 1))
    survey_services.questionnaire_publish(definition=FORM)
    survey_services.batches_create(
        programme=programme,
        fiscal_year=2026,
        due_on=dt.date(2026, 12, 25),
        today=dt.date(2026, 3, 1),
        max_size=10,
        by=coordinator,
        reviewer=reviewer,
        ministry="METI",
    )
    return robot.assignments.get()


def _fits(page, where: str) -> None:
    width, viewport = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert width <= viewport, f"{where} scrolls sideways: {width} px wide in {viewport} px"


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("width", [1280, 375])
def test_import_filter_export_and_the_prefilled_answer(
    live_server, browser, world, tmp_path, width, language
):
    words = WORDS[language]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    data = tmp_path / "iec-and-iso.csv"
    data.write_text(DATA, encoding="utf-8")
    app.conf.task_always_eager = False

    def browse(user: str):
        context = browser.new_context(
            viewport={"width": width, "height": 900}, locale="ja-JP", accept_downloads=True
        )
        context.set_default_timeout(15_000)
        context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
        )
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", user)
        page.fill("#id_password", f"pw-{user}")
        page.click("main button[type=submit]")
        expect(page.locator("html")).to_have_attribute("lang", language)
        return page

    def shot(page, step: str) -> None:
        page.screenshot(path=str(SCREENSHOTS / f"{language}-{width}-{step}.png"), full_page=True)
        _fits(page, f"{step} ({language}, {width} px)")

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        # Given the coordinator opens International data from the import page and uploads the file
        page = browse("coord")
        if width < 768:
            page.locator("header .menu-toggle").click()
        with page.expect_navigation():
            page.locator(f"header nav a[href='{reverse('standards:import')}']").click()
        with page.expect_navigation():
            page.locator("main").get_by_role("link", name=words["data"], exact=True).click()
        page.set_input_files("input[type=file]", str(data))
        with page.expect_navigation():
            page.get_by_role("button", name=words["upload"], exact=True).click()
        expect(page.locator("#import-summary")).to_contain_text(words["created"])
        shot(page, "1-imported")
        # Then the worker recomputes the alignments
        # (a recompute the catalog's own import queued may run first: wait for the data's result)
        assert wait_for(
            lambda: StandardAlignment.objects.filter(
                standard__number="JIS B 8445", newer_reference="ISO 13482:2025"
            ).exists(),
            seconds=30,
        )

        # When the coordinator filters the catalog to "revised"
        page.goto(f"{live_server.url}/standards/")
        page.click("form.filters summary")
        page.select_option("select[name=alignment]", "revised")
        with page.expect_navigation():
            page.locator("form.filters details").get_by_role(
                "button", name=words["apply"], exact=True
            ).click()
        rows = page.locator("table.data tbody tr")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("JIS B 8445")
        expect(rows.first).to_contain_text("ISO 13482:2025 (2025-03-01)")
        expect(rows.first).to_contain_text(words["revised"])
        shot(page, "2-catalog-revised")

        # And the standard's page names each counterpart; the follow-up form suggests revising
        with page.expect_navigation():
            rows.first.get_by_role("link", name="JIS B 8445").click()
        panel = page.locator("#alignment")
        expect(panel).to_contain_text("ISO 13482:2014")
        expect(panel).to_contain_text("ISO 13482:2025")
        expect(page.locator("#id_fu_action")).to_have_value(re.compile("ISO 13482:2025"))
        panel.scroll_into_view_if_needed()
        shot(page, "2b-standard-page")
        page.context.close()

        # And METI's viewer exports that list from the priority standards
        page = browse("meti-viewer")
        page.goto(f"{live_server.url}/reviews/priorities/?priority=&alignment=revised")
        expect(page.locator("table.priorities tbody tr")).to_have_count(1)
        shot(page, "3-priorities-revised")
        with page.expect_download() as download:
            page.click("a[href*='export.csv']")
        text = Path(download.value.path()).read_bytes().decode("utf-8-sig")
        _header, *rows = list(csv.reader(io.StringIO(text)))
        assert [row[0] for row in rows] == ["JIS B 8445"]
        assert "ISO 13482:2025 (2025-03-01)" in rows[0]

        # And the dashboard counts their ministry's standards by alignment
        page.goto(f"{live_server.url}/reviews/dashboard/")
        table = page.locator("#alignment table.alignment-ministry")
        expect(table.locator("tbody tr")).to_have_count(1)
        expect(table.locator("a[href*='alignment=revised']")).to_have_text("1")
        page.locator("#alignment").scroll_into_view_if_needed()
        shot(page, "3b-dashboard")
        page.context.close()

        # And the reviewer finds the question answered from the data, with the evidence
        page = browse("rev")
        page.goto(f"{live_server.url}/reviews/assignments/{world.pk}/")
        question = page.locator("#q-international_revised")
        expect(question.locator("input[value=yes]")).to_be_checked()
        expect(question.locator(".prefill")).to_contain_text(words["computed"])
        expect(question.locator(".prefill")).to_contain_text("ISO 13482:2025")
        question.scroll_into_view_if_needed()
        shot(page, "4-prefilled")
        page.context.close()
