"""The ministry viewer's first hour, in Chromium at 1280 px and 375 px, in Japanese and English: sign
in, open the priority standards, press apply on the untouched filters (the count stays), filter,
leave out the standards due for review only, download the list as CSV and XLSX (the rows shown,
in the order shown), then read the dashboard. The page never scrolls sideways; screenshots of each
step go to var/screenshots/ministry/ for a person to look at."""

import csv
import io
import re
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.reviews.test_untouched_filters import world  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "ministry"
WORDS = {
    "ja": {
        "apply": "適用",
        "priorities": "優先規格",
        "dashboard": "ダッシュボード",
        "menu": "メニュー",
    },
    "en": {
        "apply": "Apply",
        "priorities": "Priority standards",
        "dashboard": "Dashboard",
        "menu": "Menu",
    },
}
# world: METI's JIS B 7900 has an accepted survey (usable, cited in procurement) and is due for
# review, like the other four of METI's, which are priorities only because they are due.
RANKED = ["JIS B 7900", "JIS B 7901", "JIS B 7902", "JIS B 7903", "JIS B 7904"]


def _fits(page, where: str) -> None:
    width, viewport = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert width <= viewport, f"{where} scrolls sideways: {width} px wide in {viewport} px"


def _count(page) -> int:
    return int(re.findall(r"[\d,]+", page.locator("h1 small").inner_text())[-1].replace(",", ""))


def _listed(page) -> list[str]:
    return page.locator("table.priorities tbody tr td:first-child a").all_inner_texts()


def _go(page, width: int, label: str) -> None:
    """Through the header, as a person does: on a phone, the menu button first."""
    if width < 768:
        page.locator("header .menu-toggle").click()
    with page.expect_navigation():
        page.locator("header nav").get_by_role("link", name=label, exact=True).click()


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("width", [1280, 375])
def test_the_ministry_viewers_first_hour(
    live_server,
    browser,
    world,  # noqa: F811
    ministry_viewer,
    width,
    language,
):
    words = WORDS[language]
    context = browser.new_context(
        viewport={"width": width, "height": 900}, locale="ja-JP", accept_downloads=True
    )
    context.set_default_timeout(10_000)
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    page = context.new_page()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def shot(step: str) -> None:
        page.screenshot(path=str(SCREENSHOTS / f"{language}-{width}-{step}.png"), full_page=True)
        _fits(page, f"{step} ({language}, {width} px)")

    try:
        # Given the viewer signs in and opens the priority standards
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", "meti-viewer")
        page.fill("#id_password", "pw-meti-viewer")
        page.click("main button[type=submit]")
        expect(page.locator("html")).to_have_attribute("lang", language)
        _go(page, width, words["priorities"])
        shot("1-priorities")
        shown = _count(page)
        assert shown == len(RANKED)
        assert _listed(page) == RANKED  # the surveyed standard first, then by number

        # When they press apply without touching a filter, the list stays as it was
        page.click("form.filters summary")
        with page.expect_navigation():
            page.locator("form.filters details").get_by_role(
                "button", name=words["apply"], exact=True
            ).click()
        assert _count(page) == shown and _listed(page) == RANKED
        shot("2-applied-untouched")

        # When they leave out the standards that are priorities only because they are due
        page.locator("input[name=exclude_due_soon]").check()
        with page.expect_navigation():
            page.locator("form.filters details").get_by_role(
                "button", name=words["apply"], exact=True
            ).click()
        assert _listed(page) == ["JIS B 7900"]
        expect(page.locator("table.priorities li.strongest")).to_have_count(1)
        shot("3-without-due-only")

        # And filter on the survey: cited in procurement today
        page.select_option("select[name=cited]", "true")
        with page.expect_navigation():
            page.locator("form.filters details").get_by_role(
                "button", name=words["apply"], exact=True
            ).click()
        expect(page.locator("input[name=exclude_due_soon]")).to_be_checked()
        assert _listed(page) == ["JIS B 7900"]
        shot("4-cited")

        # Then each download holds the rows shown, in their order
        with page.expect_download() as download:
            page.click("a[href*='export.csv']")
        raw = Path(download.value.path()).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        _header, *rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        assert [row[0] for row in rows] == ["JIS B 7900"]
        with page.expect_download() as download:
            page.click("a[href*='export.xlsx']")
        book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
        numbers = [row[0] for row in book.active.iter_rows(min_row=2, values_only=True)]
        assert numbers == ["JIS B 7900"]

        # And the whole ranking downloads in the order of the screen
        page.goto(f"{live_server.url}/reviews/priorities/")
        with page.expect_download() as download:
            page.click("a[href*='export.xlsx']")
        book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
        numbers = [row[0] for row in book.active.iter_rows(min_row=2, values_only=True)]
        assert numbers == RANKED

        # Then the dashboard, for their ministry only
        _go(page, width, words["dashboard"])
        expect(page.locator("svg[role=img]").first).to_be_visible()
        expect(page.locator("#burndown svg.burndown")).to_be_visible()
        shot("5-dashboard")
    finally:
        context.close()
