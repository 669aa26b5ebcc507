"""The coordinator's roster in Chromium, at 1280 px and 375 px, in Japanese and English: upload a
roster, read the dry run (who would be created, a drafting body the catalog does not know, the
coverage it would leave), confirm, land on the coverage page with the bodies still without anyone.
The page never scrolls sideways. Screenshots go to var/screenshots/roster/ for a person to look at."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect

from tests.reviews.roster_data import ELECTRICAL, JA, ROBOTS, catalog, csv_bytes, row

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "roster"
TEXT = {
    "ja": {
        "dry": "検査のみで、何も登録していません",
        "confirm": "この名簿を取り込む",
        "imported": "名簿を取り込みました",
        "gaps": "2 / 3 の原案作成団体",
    },
    "en": {
        "dry": "Dry run",
        "confirm": "Import this roster",
        "imported": "Roster imported",
        "gaps": "2 of 3 drafting bodies",
    },
}


def _fits(page, where: str) -> None:
    width, viewport = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert width <= viewport, f"{where} scrolls sideways: {width} px wide in {viewport} px"


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("width", [1280, 375])
def test_the_coordinators_roster_journey(
    live_server, browser, coordinator, tmp_path, width, language
):
    catalog()
    roster = tmp_path / "名簿.csv"
    roster.write_bytes(
        csv_bytes(
            row(
                "robo@example.jp",
                "佐藤 花子",
                "調査回答者",
                org="日本ロボット工業会",
                bodies=ROBOTS,
            ),
            row(
                "viewer@example.jp",
                "鈴木 健一",
                "府省閲覧者",
                org="経済産業省",
                ministry="経済産業大臣",
            ),
            row(
                "typo@example.jp",
                "高橋 誠",
                "調査回答者",
                org="一般社団法人日本電機工業協会（表記ゆれ）",
                bodies="日本電機工業協会",
                language="en",
            ),
            header=JA,
        )
    )
    text = TEXT[language]
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="ja-JP")
    context.set_default_timeout(15_000)
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    page = context.new_page()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def shot(step: str) -> None:
        page.screenshot(path=str(SCREENSHOTS / f"{language}-{width}-{step}.png"), full_page=True)
        _fits(page, f"{language} {width} px {step}")

    try:
        page.goto(f"{live_server.url}{reverse('login')}")
        page.fill("#id_username", coordinator.username)
        page.fill("#id_password", f"pw-{coordinator.username}")
        page.click("main button[type=submit]")
        expect(page.locator("header .who")).to_have_text(coordinator.username)
        if width == 1280:  # on a phone the menu is folded; the link is the same
            page.click(f"#site-nav a[href='{reverse('reviews:people')}']")
            page.click(f"main a[href='{reverse('reviews:roster')}']")
        else:
            page.goto(f"{live_server.url}{reverse('reviews:roster')}")
        expect(page.locator("html")).to_have_attribute("lang", language)
        shot("1-form")

        page.set_input_files("#id_file", str(roster))
        page.click("main form button[type=submit]")
        expect(page.locator("#roster-summary")).to_contain_text(text["dry"])
        expect(page.locator("#roster-created")).to_be_visible()
        expect(page.locator("#roster-warnings")).to_be_visible()
        expect(page.locator("main")).to_contain_text(ELECTRICAL)  # the closest catalog name
        expect(page.locator("#coverage-summary")).to_contain_text(text["gaps"])
        shot("2-preview")
        assert not get_user_model().objects.filter(email="robo@example.jp").exists()

        page.click(f"#roster-confirm button:has-text('{text['confirm']}')")
        expect(page.locator("main")).to_contain_text(text["imported"])
        expect(page.locator("#coverage-gaps")).to_contain_text(ELECTRICAL)
        expect(page.locator("#coverage-gaps")).not_to_contain_text(ROBOTS)
        shot("3-coverage")
        assert (
            get_user_model().objects.get(email="robo@example.jp").routing_rules.get().value
            == ROBOTS
        )
    finally:
        context.close()
