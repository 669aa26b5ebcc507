"""The coordinator's batch work in Chromium, at 1280 px and 375 px, in Japanese and English:
preview a cut, go back and change the size, create; a refused form opens on its problems; withdraw
a batch nobody has answered; accept with nothing ticked, then with select-all; filter the
assignments list, and apply its untouched form. The page never scrolls sideways. Screenshots of each
step go to var/screenshots/coordinator/ for a person to look at."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from playwright.sync_api import expect

from reviews.models import Assignment, Batch, RoutingRule
from reviews.plan import services as plan_services
from reviews.survey import services as survey_services
from tests.e2e.test_survey_flow import due_date
from tests.reviews.data import COMPLETE, FORM
from tests.standards.factories import StandardFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "coordinator"


@pytest.fixture
def year(coordinator, reviewer, other_reviewer):
    """FY2026: four division A standards already in a batch for rev, three of them submitted; twelve
    division B standards not yet in a batch, routed by ministry (METI to rev, MLIT to rev2)."""
    for i in range(4):
        StandardFactory(
            number=f"JIS A {5300 + i}",
            title_ja=f"コンクリート試験方法{i}",
            title_en=f"Concrete test method {i}",
            established_on=dt.date(2021, 6, 1),
            ministries=["METI"],
        )
    for i in range(12):
        StandardFactory(
            number=f"JIS B {7900 + i}",
            title_ja=f"ロボット及びロボティックデバイス－生活支援ロボットの安全要求事項 第{i}部",
            title_en=f"Robots and robotic devices, part {i}",
            established_on=dt.date(2021, 6, 1),
            ministries=["METI"] if i % 2 == 0 else ["MLIT"],
        )
    programme = plan_services.programme_get_or_create(start_fy=2026, years=5, capacity=20)
    plan_services.programme_plan(programme=programme, today=dt.date(2026, 3, 1))
    survey_services.questionnaire_publish(definition=FORM)
    [answered] = survey_services.batches_create(
        programme=programme,
        fiscal_year=2026,
        due_on=due_date(),
        max_size=10,
        by=coordinator,
        reviewer=reviewer,
        division="A",
    )
    for assignment in answered.assignments.order_by("standard__number")[:3]:
        survey_services.response_save_draft(
            assignment=assignment, answers=COMPLETE, based_on=0, by=reviewer
        )
        survey_services.assignment_submit(assignment=assignment, by=reviewer)
    for code, person in (("METI", reviewer), ("MLIT", other_reviewer)):
        rule = RoutingRule.objects.create(kind=RoutingRule.Kind.MINISTRY, value=code)
        rule.reviewers.set([person])
    return answered


def _fits(page, where: str) -> None:
    width, viewport = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert width <= viewport, f"{where} scrolls sideways: {width} px wide in {viewport} px"


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("width", [1280, 375])
def test_coordinator_batch_journey(
    live_server, browser, year, coordinator, other_reviewer, width, language
):
    base = live_server.url
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="ja-JP")
    context.set_default_timeout(10_000)
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base}])
    page = context.new_page()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def look(step: str) -> None:
        where = f"{language} {width} px {step}"
        page.screenshot(path=str(SCREENSHOTS / f"{language}-{width}-{step}.png"), full_page=True)
        _fits(page, where)

    try:
        page.goto(f"{base}/accounts/login/")
        page.fill("#id_username", "coord")
        page.fill("#id_password", "pw-coord")
        page.click("main button[type=submit]")
        expect(page.locator("html")).to_have_attribute("lang", language)

        # The form says what its number means, and how reviewers are chosen.
        page.goto(f"{base}/reviews/batches/")
        expect(page.locator("#q-max_size .help")).to_be_visible()
        page.locator(".routing-help summary").click()
        expect(page.locator(".routing-help table tbody tr")).to_have_count(2)
        look("01-batches")

        # A due date in the past: the problems are at the top, and focus is there.
        page.select_option("#id_fiscal_year", "2026")
        page.fill("#id_max_size", "2")
        page.fill("#id_due_on", "2020-04-01")
        page.click("button[value=preview]")
        summary = page.locator(".error-summary")
        expect(summary).to_be_focused()
        expect(summary).to_be_in_viewport()
        expect(summary.locator("a[href='#q-due_on']")).to_be_visible()
        look("02-refused")
        summary.locator("a[href='#q-due_on']").click()
        expect(page.locator("#id_due_on")).to_be_focused()

        # Preview at 2 a batch: six batches, nothing made yet.
        page.fill("#id_due_on", due_date().isoformat())
        page.click("button[value=preview]")
        expect(page.locator("table.planned-batches tbody tr")).to_have_count(6)
        assert Batch.objects.count() == 1
        look("03-preview")

        # Change of mind: back to the form as it was filled, six a batch this time.
        page.click("button[value=change]")
        expect(page.locator("#id_max_size")).to_have_value("2")
        expect(page.locator("#id_fiscal_year")).to_have_value("2026")
        page.fill("#id_max_size", "6")
        page.click("button[value=preview]")
        expect(page.locator("table.planned-batches tbody tr")).to_have_count(2)
        if language == "en":
            expect(page.locator(".plan-total")).to_have_text("2 batches, 12 standards of FY2026")
        look("04-preview-again")
        page.click("button[value=create]")
        expect(page.locator(".messages li.success")).to_be_visible()
        assert Batch.objects.count() == 3 and Assignment.objects.count() == 16
        look("05-created")

        # Withdraw the new batch for rev (METI): nobody has answered it.
        meti = Batch.objects.exclude(pk=year.pk).get(reviewer__username="rev")
        page.goto(f"{base}/reviews/batches/{meti.pk}/")
        expect(page.locator("input[type=checkbox][name=assignment]")).to_have_count(0)
        page.locator(".withdraw summary").click()
        page.click(".withdraw button.danger")
        with translation.override(language):  # the batch's name as the page names it
            expect(page.locator(".messages li.success")).to_contain_text(meti.label)
        expect(page.locator("table.batch-list tbody tr")).to_have_count(2)
        expect(page.locator(".withdrawn-batches tbody tr")).to_have_count(1)
        assert not Batch.objects.filter(pk=meti.pk).exists()
        look("06-withdrawn")

        # The answered batch: accepting with nothing ticked accepts nothing and says so; then
        # select-all ticks the three submitted and they are accepted.
        page.goto(f"{base}/reviews/batches/{year.pk}/")
        page.click(".bulk-accept button.primary")
        expect(page.locator(".messages li.error")).to_be_visible()
        assert not Assignment.objects.filter(state="accepted").exists()
        everything = page.locator("input[data-select-all]")
        expect(everything).to_be_visible()
        everything.check()
        for box in page.locator("input[type=checkbox][name=assignment]").all():
            expect(box).to_be_checked()
        expect(page.locator("[data-selected-count]")).to_contain_text("3")
        look("07-select-all")
        page.click(".bulk-accept button.primary")
        expect(page.locator(".messages li.success")).to_be_visible()
        assert Assignment.objects.filter(state="accepted").count() == 3
        look("08-accepted")

        # The assignments list: untouched, it lists all ten; filtered by reviewer and number, one.
        page.goto(f"{base}/reviews/assignments/")
        expect(page.locator("h1 small")).to_have_text("10")
        page.click("form.filters button[type=submit]")
        expect(page.locator("h1 small")).to_have_text("10")
        page.select_option("#id_reviewer", str(other_reviewer.pk))
        expect(page.locator("#id_reviewer")).to_have_value(str(other_reviewer.pk))
        page.click("form.filters button[type=submit]")
        expect(page.locator("h1 small")).to_have_text("6")
        look("09-assignments-by-reviewer")
        page.fill("#id_number", "ＪＩＳ　Ｂ　７９０３")
        page.click("form.filters button[type=submit]")
        expect(page.locator("table.data tbody tr")).to_have_count(1)
        expect(page.locator("table.data tbody")).to_contain_text("JIS B 7903")
        page.select_option("#id_ministry", "METI")
        page.click("form.filters button[type=submit]")
        expect(page.locator("h1 small")).to_have_text("0")
        look("10-assignments-nothing-left")
    finally:
        context.close()
