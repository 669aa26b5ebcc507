"""A reviewer's first hour, in Chromium at 1280 px and 375 px, in Japanese and English.

They log in and land on their assignments, open one, answer 「公共調達で使用されていますか」 はい and
tick a procuring body, then change their mind to いいえ; the draft saves and holds no procuring body.
A submit with a question left out lists the problem at the top, focus on it, and writes nothing; its
link leads to the question; fixed, the submit goes through. The coordinator returns it: the reviewer
is told at once in the app, and the standard's page shows the plan year and the returned state. No
page scrolls sideways; screenshots of each step go to var/screenshots/reviewer/."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from reviews.models import Assignment, Transition
from reviews.plan import services as plan_services
from reviews.survey import services as survey_services
from tests.e2e.test_survey_flow import due_date
from tests.reviews.data import FORM
from tests.standards.factories import StandardFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "reviewer"
TITLE = (
    "ロボット及びロボティックデバイス－生活支援ロボットの安全要求事項",
    "Robots and robotic devices",
)
WORDS = {
    "ja": {
        "landing": "担当の調査",
        "questionnaire": "令和8年度",
        "fiscal_year": "令和8年度",
        "returned": "差戻し",
        "title": TITLE[0],
    },
    "en": {
        "landing": "My assignments",
        "questionnaire": "JIS review questionnaire (FY2026)",
        "fiscal_year": "FY2026",
        "returned": "Returned",
        "title": TITLE[1],
    },
}
# every required question but the confidence scale, which the reviewer forgets at first
ANSWERS = [
    ("recommended_action", "confirm"),
    ("cited_by_regulations", "false"),
    ("market_use", "widely"),
    ("cited_standards_status", "all_current"),
    ("jis_mark_certification", "false"),
    ("revision_within_three_years", "true"),
]


@pytest.fixture
def work(coordinator, reviewer):
    reviewer.email = "rev@example.jp"
    reviewer.save()
    for i in range(3):
        StandardFactory(
            number=f"JIS B {8445 + i}",
            title_ja=TITLE[0],
            title_en=TITLE[1],
            established_on=dt.date(2021, 6, 1),
        )
    programme = plan_services.programme_get_or_create(start_fy=2026, years=5, capacity=5)
    plan_services.programme_plan(programme=programme, today=dt.date(2026, 3, 1))
    survey_services.questionnaire_publish(definition=FORM)
    survey_services.batches_create(
        programme=programme,
        fiscal_year=2026,
        due_on=due_date(),
        max_size=10,
        by=coordinator,
        reviewer=reviewer,
    )
    return programme


def fits(page, where: str) -> None:
    width, viewport = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert width <= viewport, f"{where} scrolls sideways: {width} px wide in {viewport} px"


def shot(page, language: str, width: int, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{language}-{width}-{name}.png"), full_page=True)
    fits(page, f"{name} ({language}, {width} px)")


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("width", [1280, 375])
def test_reviewer_journey(live_server, browser, work, reviewer, coordinator, width, language):
    words, base = WORDS[language], live_server.url
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="ja-JP")
    context.set_default_timeout(10_000)
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base}])
    page = context.new_page()
    try:
        # log in: the reviewer lands on their assignments
        page.goto(f"{base}/accounts/login/")
        page.fill("#id_username", reviewer.username)
        page.fill("#id_password", f"pw-{reviewer.username}")
        page.click("main button[type=submit]")
        expect(page.locator("h1")).to_contain_text(words["landing"])
        assert page.url.endswith("/reviews/assignments/")
        shot(page, language, width, "1-assignments")

        page.locator("table.data tbody a").first.click()
        assignment = Assignment.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[1]))
        expect(page.locator("h1")).to_contain_text(words["title"])
        expect(page.locator("p.sub").first).to_contain_text(words["questionnaire"])
        form = page.locator("form.questionnaire")
        for key, value in ANSWERS:
            form.locator(f'input[name={key}][value="{value}"]').check()

        # はい, a procuring body ticked … then いいえ
        form.locator("input[name=used_in_procurement][value=yes]").check()
        procurer = form.locator("input[name=procurers][value=local_governments]")
        procurer.check()
        form.locator("input[name=procurers_detail]").fill("国土交通省 共通仕様書")
        shot(page, language, width, "2-said-yes")
        form.locator("input[name=used_in_procurement][value=no]").check()
        expect(procurer).to_be_hidden()
        expect(procurer).to_be_disabled()
        form.locator("input[name=could_be_used][value=with_conditions]").check()
        shot(page, language, width, "3-changed-mind")

        # 下書き保存 goes through and keeps no procuring body
        page.click("button[value=save]")
        expect(page.locator(".messages .success")).to_be_visible()
        answers = Assignment.objects.get(pk=assignment.pk).response.answers
        assert answers["used_in_procurement"] == "no" and "procurers" not in answers
        assert "procurers_detail" not in answers

        # 提出 with the confidence left out: the problem at the top, focused, nothing written
        page.click("button[value=submit]")
        summary = page.locator(".error-summary")
        expect(summary).to_be_visible()
        expect(summary).to_be_focused()
        expect(summary.locator("li")).to_have_count(1)
        link = summary.locator('a[href="#q-confidence"]')
        expect(link).to_be_visible()
        assert summary.bounding_box()["y"] < form.bounding_box()["y"]
        shot(page, language, width, "4-submit-refused")
        actions = list(Transition.objects.filter(assignment=assignment).values_list("action"))
        assert actions == [("save_draft",)]

        # the link leads to the question; answered, the submit goes through
        link.click()
        expect(page.locator("input[name=confidence]").first).to_be_focused()
        page.locator("input[name=confidence][value='4']").check()
        page.click("button[value=submit]")
        expect(page.locator(".messages .success")).to_be_visible()
        assert page.url.endswith("/reviews/assignments/")
        assignment.refresh_from_db()
        assert assignment.state == "submitted" and "procurers" not in assignment.response.answers
        history = Transition.objects.filter(assignment=assignment).order_by("at", "id")
        assert [t.action for t in history] == ["save_draft", "submit"]

        # returned by the coordinator: told at once, in the app
        survey_services.assignment_return(
            assignment=assignment, by=coordinator, comment="調達者の具体例を追記してください"
        )
        page.reload()
        expect(page.locator("header .bell .badge")).to_have_text("1")
        page.goto(f"{base}/reviews/notifications/")
        notice = page.locator("table.data tbody tr").first
        expect(notice).to_contain_text(assignment.standard.number)
        shot(page, language, width, "5-notifications")
        notice.locator("a").click()
        expect(page.locator(".notice[role=alert]")).to_contain_text(
            "調達者の具体例を追記してください"
        )

        # the standard's page: its year in the plan, and the assignment's state
        page.locator("h1 a").click()
        panel = page.locator("section.plan-panel")
        expect(panel.locator(".plan-year")).to_contain_text(words["fiscal_year"])
        expect(panel).to_contain_text(words["returned"])
        shot(page, language, width, "6-standard")
    finally:
        context.close()
