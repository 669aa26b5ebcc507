"""The pre-check in Chromium, at 1280 px and 375 px, in Japanese and English: a drafting body's
reviewer marks one standard of the year "not ours" (naming the right body from the catalog's list)
and confirms the rest; the coordinator sees the mark and which body has not confirmed, re-routes
the standard to the right body, and the year's batches send it there. The page never scrolls
sideways. And a reviewer hands an assignment to a colleague of the same body; the coordinator finds
it among the hand-overs and in the assignment's history. Screenshots of each step go to
var/screenshots/precheck/ for a person to look at."""

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from reviews.models import Assignment, PrecheckAnswer, Reroute
from reviews.survey.services import batches_create
from tests.reviews import precheck_world
from tests.reviews.precheck_world import BODY_B, JULY

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "precheck"


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
def test_not_ours_is_rerouted_and_the_batch_goes_to_the_right_body(
    live_server, browser, django_user_model, reviewer, other_reviewer, coordinator, width, language
):
    world = precheck_world.build(
        django_user_model, reviewer=reviewer, other_reviewer=other_reviewer
    )
    moved = world.a[0]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def page_for(user):
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="ja-JP")
        context.set_default_timeout(15_000)
        context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
        )
        page = context.new_page()
        _log_in(page, live_server.url, user)
        expect(page.locator("html")).to_have_attribute("lang", language)
        return page

    def shot(page, step: str) -> None:
        page.wait_for_load_state("load")
        page.screenshot(path=str(SCREENSHOTS / f"{language}-{width}-{step}.png"), full_page=True)
        _fits(page, f"{language} {width} px {step}")

    with time_machine.travel(JULY, tick=True):
        # Given body A's reviewer opens the pre-check from the menu
        mine = page_for(reviewer)
        mine.goto(f"{live_server.url}{reverse('reviews:assignments')}")
        if width < 768:  # on a phone, the menu button first
            mine.locator("header .menu-toggle").click()
        mine.locator(f"header a[href='{reverse('reviews:precheck')}']").click()
        rows = mine.locator("table.precheck-rows tbody tr")
        expect(rows).to_have_count(len(world.a))
        shot(mine, "1-list")
        # When they say one standard is not theirs, naming the right body and why
        row = rows.filter(has_text=moved.number)
        row.locator("details.not-ours summary").click()
        row.locator("input[name=right_body]").fill(BODY_B)
        row.locator("textarea[name=comment]").fill("電気機器の規格のため日本電機工業会の所管です")
        shot(mine, "2-marking")
        row.locator("details.not-ours button[type=submit]").click()
        expect(mine.locator(".messages .success")).to_contain_text(moved.number)
        # … and confirm the rest in one go
        mine.locator("button[value=confirm_all]").click()
        expect(mine.locator(".precheck-list .done")).to_be_visible()
        assert PrecheckAnswer.objects.filter(verdict="confirmed").count() == len(world.a) - 1
        shot(mine, "3-answered")

        # Then the coordinator sees the mark, and that body B has not confirmed
        boss = page_for(coordinator)
        boss.goto(f"{live_server.url}{reverse('reviews:precheck-overview')}")
        expect(boss.locator("#marks tbody tr")).to_have_count(1)
        expect(boss.locator("#not-confirmed tbody tr")).to_have_count(1)
        expect(boss.locator("#not-confirmed")).to_contain_text(BODY_B)
        shot(boss, "4-overview")
        # and re-routes the standard to body B, the body proposed being chosen already
        boss.locator("#marks a.button").click()
        expect(boss.locator("#id_to")).to_have_value(f"drafting_body:{BODY_B}")
        boss.fill("#id_note", "日本電機工業会に確認済み")
        shot(boss, "5-resolve")
        boss.locator("button[value=reroute]").click()
        expect(boss.locator("#reroutes tbody tr")).to_have_count(1)
        expect(boss.locator("#reroutes")).to_contain_text(BODY_B)
        assert Reroute.objects.get().to_value == BODY_B
        shot(boss, "6-rerouted")

        # and the year's batches send it to body B's reviewer
        boss.goto(f"{live_server.url}{reverse('reviews:batches')}")
        boss.select_option("#id_fiscal_year", "2026")
        boss.fill("#id_due_on", "2026-10-09")
        boss.fill("#id_max_size", "50")
        boss.locator("#make-batches button[value=preview]").click()
        shot(boss, "7-preview")
        boss.locator("form.confirm button[value=create]").click()
        expect(boss.locator(".messages .success")).to_be_visible()
        assert Assignment.objects.get(standard=moved).reviewer == other_reviewer
        assert set(
            Assignment.objects.filter(standard__in=world.a[1:]).values_list("reviewer", flat=True)
        ) <= {reviewer.pk, world.colleague.pk}
        mine.context.close()
        boss.context.close()


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("width", [1280, 375])
def test_a_reviewer_hands_an_assignment_to_a_colleague_and_the_coordinator_sees_it(
    live_server, browser, django_user_model, reviewer, other_reviewer, coordinator, width, language
):
    world = precheck_world.build(
        django_user_model, reviewer=reviewer, other_reviewer=other_reviewer
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with time_machine.travel(JULY, tick=True):
        batches_create(
            programme=world.programme,
            fiscal_year=2026,
            due_on=dt.date(2026, 10, 9),
            max_size=50,
            reviewer=reviewer,
            by=coordinator,
        )
        assignment = Assignment.objects.get(standard=world.a[1])

        def page_for(user):
            context = browser.new_context(viewport={"width": width, "height": 900}, locale="ja-JP")
            context.set_default_timeout(15_000)
            context.add_cookies(
                [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
            )
            page = context.new_page()
            _log_in(page, live_server.url, user)
            return page

        def shot(page, step: str) -> None:
            page.wait_for_load_state("load")
            page.screenshot(
                path=str(SCREENSHOTS / f"{language}-{width}-hand-over-{step}.png"), full_page=True
            )
            _fits(page, f"{language} {width} px hand-over {step}")

        # Given the reviewer on their assignment, going away for a while
        mine = page_for(reviewer)
        mine.goto(f"{live_server.url}{reverse('reviews:assignment', args=[assignment.pk])}")
        mine.locator(
            f"a[href='{reverse('reviews:assignment-hand-over', args=[assignment.pk])}']"
        ).click()
        # the colleagues offered are those of body A only
        options = mine.locator("#id_to option").all_inner_texts()
        assert [o for o in options if not o.startswith("—")] == ["rev3"]
        # a hand-over with nobody chosen is refused, the problem at the top
        mine.locator(".hand-over-form button[type=submit]").click()
        expect(mine.locator(".error-summary")).to_be_visible()
        shot(mine, "1-refused")
        mine.select_option("#id_to", str(world.colleague.pk))
        mine.fill("#id_comment", "10月まで出張のため")
        mine.locator(".hand-over-form button[type=submit]").click()
        expect(mine.locator(".messages .success")).to_contain_text(world.a[1].number)
        assignment.refresh_from_db()
        assert assignment.reviewer == world.colleague
        shot(mine, "2-done")

        # Then the coordinator finds it among the hand-overs, and in the assignment's history
        boss = page_for(coordinator)
        boss.goto(f"{live_server.url}{reverse('reviews:hand-overs')}")
        boss.fill("#id_person", "rev3")
        boss.locator("form.filters button[type=submit]").click()
        expect(boss.locator("table.data tbody tr")).to_have_count(1)
        expect(boss.locator("table.data tbody")).to_contain_text("rev → rev3: 10月まで出張のため")
        shot(boss, "3-list")
        boss.locator(
            f"table.data a[href='{reverse('reviews:assignment', args=[assignment.pk])}']"
        ).click()
        expect(boss.locator("main")).to_contain_text("rev → rev3")
        shot(boss, "4-history")
        mine.context.close()
        boss.context.close()
