"""Every role's main pages at 1280 px and 375 px, in Japanese and English: the page never scrolls
sideways (a wide table scrolls inside itself), no header label breaks across lines, and Log out
is reachable, behind the menu button on a phone. Screenshots of each page go to var/screenshots/
for a person to look at."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from reviews.plan import services as plan_services
from reviews.priority import services as priority_services
from reviews.survey import services as survey_services
from tests.e2e.test_survey_flow import due_date
from tests.reviews.data import COMPLETE, FORM
from tests.standards.factories import StandardFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
LOG_OUT = {"ja": "ログアウト", "en": "Log out"}

# Long titles in both languages and a standard of several ministries, as the real catalog has.
TITLES = [
    (
        "ロボット及びロボティックデバイス－生活支援ロボットの安全要求事項",
        "Robots and robotic devices",
    ),
    ("電子式湿球黒球温度（WBGT）指数計", "Electronic wet-bulb globe temperature (WBGT) meters"),
    ("レディーミクストコンクリート", "Ready-mixed concrete"),
    ("電磁両立性－第4-2部：試験及び測定技術－静電気放電イミュニティ試験", ""),
    ("翻訳サービス－翻訳サービスに対する要求事項", "Translation services"),
]


@pytest.fixture
def survey(coordinator, reviewer, ministry_viewer):
    """A planned year, a batch for the reviewer with one accepted answer, priorities computed."""
    for i, (title_ja, title_en) in enumerate(TITLES * 2):
        StandardFactory(
            number=f"JIS B {8440 + i}",
            title_ja=title_ja,
            title_en=title_en,
            established_on=dt.date(2021, 6, 1),
            ministries=["METI", "MLIT", "MHLW"] if i % 3 == 0 else ["METI"],
            fast_track=i == 0,
        )
    programme = plan_services.programme_get_or_create(start_fy=2026, years=5, capacity=20)
    plan_services.programme_plan(programme=programme, today=dt.date(2026, 3, 1))
    survey_services.questionnaire_publish(definition=FORM)
    (batch,) = survey_services.batches_create(
        programme=programme,
        fiscal_year=2026,
        due_on=due_date(),
        max_size=20,
        by=coordinator,
        reviewer=reviewer,
        ministry="METI",
    )
    first = batch.assignments.order_by("standard__number").first()
    survey_services.response_save_draft(assignment=first, answers=COMPLETE, based_on=0, by=reviewer)
    survey_services.assignment_submit(assignment=first, by=reviewer)
    survey_services.assignment_accept(assignment=first, by=coordinator)
    priority_services.priorities_recompute(today=dt.date(2026, 11, 28))
    return {"batch": batch, "assignment": first, "standard": first.standard}


def _main_pages(role: str, survey) -> list[tuple[str, str]]:
    """(name, URL) of the pages each role works in."""
    standard = survey["standard"].get_absolute_url()
    shared = [("catalog", reverse("standards:list")), ("standard", standard)]
    shared.append(("catalog-search", reverse("standards:list") + "?q=ロボット"))
    if role == "reviewer":
        return [
            ("assignments", reverse("reviews:assignments")),
            ("assignment", reverse("reviews:assignment", args=[survey["assignment"].pk])),
            *shared,
            ("notifications", reverse("reviews:notifications")),
            ("api-tokens", reverse("accounts:api-tokens")),
        ]
    viewer = [
        ("priorities", reverse("reviews:priorities")),
        ("dashboard", reverse("reviews:dashboard")),
        ("plan", reverse("reviews:plan")),
        ("follow-ups", reverse("reviews:follow-ups")),
        *shared,
    ]
    if role == "ministry_viewer":
        return viewer
    return [
        ("batches", reverse("reviews:batches")),
        ("batch", reverse("reviews:batch", args=[survey["batch"].pk])),
        ("assignments", reverse("reviews:assignments")),
        ("assignment", reverse("reviews:assignment", args=[survey["assignment"].pk])),
        ("reminders", reverse("reviews:reminders")),
        ("import", reverse("standards:import")),
        *viewer,
    ]


def _log_in(page, base: str, user) -> None:
    page.goto(f"{base}{reverse('login')}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", f"pw-{user.username}")
    page.click("main button[type=submit]")
    expect(page.locator("header .who")).to_have_text(user.username)


def _labels_on_more_than_one_line(page) -> list[str]:
    """Header labels whose text occupies more than one line box."""
    return page.evaluate(
        """() => [...document.querySelectorAll("header nav a, header .session button")]
            .filter((label) => {
              const range = document.createRange();
              range.selectNodeContents(label);
              const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
              return tops.size > 1;
            })
            .map((label) => label.textContent.trim())"""
    )


def _assert_fits(page, where: str) -> None:
    width, viewport = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert width <= viewport, f"{where} scrolls sideways: {width} px wide in {viewport} px"


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("role", ["reviewer", "coordinator", "ministry_viewer"])
def test_main_pages_fit_the_screen(live_server, browser, request, survey, role, width, language):
    user = request.getfixturevalue(role)
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="ja-JP")
    context.set_default_timeout(10_000)
    # the language the header's menu would set
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    page = context.new_page()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        _log_in(page, live_server.url, user)
        expect(page.locator("html")).to_have_attribute("lang", language)
        log_out = page.get_by_role("button", name=LOG_OUT[language])
        for name, url in _main_pages(role, survey):
            where = f"{role} {language} {width} px {url}"
            response = page.goto(f"{live_server.url}{url}")
            assert response.ok, f"{where}: {response.status}"
            page.screenshot(
                path=str(SCREENSHOTS / f"{role}-{language}-{width}-{name}.png"), full_page=True
            )
            _assert_fits(page, where)
            if width >= 1280:
                assert _labels_on_more_than_one_line(page) == [], where
                expect(log_out).to_be_in_viewport()
            else:
                # the header folds into a menu button; opening it reaches every link and Log out
                expect(page.locator("header nav")).to_be_hidden()
                expect(log_out).to_be_hidden()
                page.locator("header .menu-toggle").click()
                expect(page.locator("header nav a").first).to_be_in_viewport()
                expect(log_out).to_be_in_viewport()
                _assert_fits(page, f"{where} with the menu open")
                if name == "catalog":
                    page.screenshot(path=str(SCREENSHOTS / f"{role}-{language}-{width}-menu.png"))
        log_out.click()
        expect(page.locator("#id_username")).to_be_visible()
    finally:
        context.close()
