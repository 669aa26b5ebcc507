"""A reviewer fills and submits; the coordinator returns it; the reviewer fixes and resubmits; the
coordinator accepts; the standard shows the outcome. In Japanese, and once in English."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from reviews.plan import services as plan_services
from reviews.survey import services as survey_services
from tests.reviews.data import FORM
from tests.standards.factories import StandardFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def survey(coordinator, reviewer):
    for i in range(3):
        StandardFactory(
            number=f"JIS B {8440 + i}",
            title_ja=f"生活支援ロボット試験{i}",
            established_on=dt.date(2021, 6, 1),
        )
    programme = plan_services.programme_get_or_create(start_fy=2026, years=5, capacity=5)
    plan_services.programme_plan(programme=programme, today=dt.date(2026, 3, 1))
    survey_services.questionnaire_publish(definition=FORM)
    return programme


def due_date() -> dt.date:
    """A due date the batch form accepts whatever day the tests run (never one in the past)."""
    return timezone.localdate() + dt.timedelta(days=30)


def log_in(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    expect(page.locator("header .who")).to_have_text(username)
    # the page's deferred script (the language menu's auto-submit) has run once "load" fires
    page.wait_for_load_state("load")


def answer_required_questions(page) -> None:
    form = page.locator("form.questionnaire")
    for key, value in [
        ("recommended_action", "confirm"),
        ("used_in_procurement", "yes"),
        ("cited_by_regulations", "false"),
        ("market_use", "widely"),
        ("cited_standards_status", "all_current"),
        ("jis_mark_certification", "false"),
        ("revision_within_three_years", "true"),
        ("confidence", "4"),
    ]:
        form.locator(f'input[name={key}][value="{value}"]').check()
    # Shown only now that the standard is used in procurement.
    form.locator("input[name=procurers][value=national_ministries]").check()
    form.locator("input[name=procurement_use][value=specification_reference]").check()


def test_reviewer_and_coordinator_round_trip(live_server, pages, survey, coordinator, reviewer):
    base = live_server.url
    boss = pages("coordinator")
    log_in(boss, base, "coord", "pw-coord")
    boss.goto(f"{base}/reviews/batches/")
    boss.select_option("#id_fiscal_year", "2026")
    boss.fill("#id_max_size", "10")
    boss.fill("#id_due_on", due_date().isoformat())
    boss.select_option("#id_reviewer", label="rev")
    boss.click("button[value=preview]")  # nothing is made before the preview is confirmed
    boss.click("button[value=create]")
    expect(boss.locator("table.data tbody tr")).to_have_count(1)

    me = pages("reviewer")
    log_in(me, base, "rev", "pw-rev")
    me.goto(f"{base}/reviews/assignments/")
    me.locator("table.data tbody a").first.click()
    assignment_url = me.url
    number = me.locator("h1").inner_text().split(" ", 3)[:3]
    expect(me.locator("input[name=procurers]").first).to_be_hidden()
    answer_required_questions(me)
    me.fill("input[name=procurers_detail]", "国土交通省 共通仕様書")
    me.click("button[value=submit]")
    expect(me.locator(".messages")).to_contain_text("提出")

    boss.goto(assignment_url)
    boss.fill("#id_comment", "調達者の具体例を追記してください")
    boss.click("button[value=return]")
    expect(boss.locator(".messages")).to_contain_text("差し戻")

    me.goto(assignment_url)
    expect(me.locator(".notice[role=alert]")).to_contain_text("調達者の具体例を追記してください")
    expect(me.locator("input[name=procurers_detail]")).to_have_value("国土交通省 共通仕様書")
    me.fill("input[name=procurers_detail]", "国土交通省 公共建築工事標準仕様書")
    me.click("button[value=submit]")
    expect(me.locator(".messages")).to_contain_text("提出")

    boss.goto(assignment_url)
    boss.click("button[value=accept]")
    expect(boss.locator(".messages")).to_contain_text("受理")
    boss.click("h1 a")
    expect(boss.locator("h1")).to_contain_text(" ".join(number))
    expect(boss.locator("dd.usability-usable")).to_be_visible()
    expect(boss.locator("dl.outcome")).to_contain_text("公共建築工事標準仕様書")


def test_reviewer_in_english_keeps_typed_answers_on_error(
    live_server, pages, survey, coordinator, reviewer
):
    survey_services.batches_create(
        programme=survey,
        fiscal_year=2026,
        due_on=due_date(),
        max_size=10,
        by=coordinator,
        reviewer=reviewer,
    )
    base = live_server.url
    me = pages("reviewer")
    log_in(me, base, "rev", "pw-rev")
    with me.expect_navigation():
        me.select_option("select[name=language]", "en")
    expect(me.locator("html")).to_have_attribute("lang", "en")
    me.goto(f"{base}/reviews/assignments/")
    expect(me.locator("h1")).to_contain_text("My assignments")
    me.locator("table.data tbody a").first.click()
    me.locator("input[name=recommended_action][value=revise]").check()
    me.fill("textarea[name=outdated_aspects]", "Sensors have changed since 2016.")
    me.click("button[value=submit]")
    # nothing is written by a failed submit; the problems are listed at the top, focused
    expect(me.locator(".error-summary")).to_be_focused()
    expect(me.locator(".error-summary")).to_contain_text("nothing was saved")
    expect(me.locator("textarea[name=outdated_aspects]")).to_have_value(
        "Sensors have changed since 2016."
    )
    expect(me.locator(".question.has-error").first).to_be_visible()
    assert re.search(r"needs an answer", me.content())
