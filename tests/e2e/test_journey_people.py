"""The people screen and an invitation in Chromium, at 1280 px and 375 px, in Japanese and English:
the coordinator filters the people to those invited, resends an invitation and deactivates someone
after the confirmation page; the invited reviewer opens the link from the mail file (var/mail in
development), sets a password and lands on their assignments. The page never scrolls sideways.
Screenshots of each step go to var/screenshots/people/ for a person to look at."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from accounts.roles import Role
from reviews.models import Reminder
from reviews.people import services
from reviews.reminders.services import reminder_send

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "people"
LINK = re.compile(r"https?://[^/\s]+(/reviews/invitation/[^/\s]+/)")
PASSWORD = "a-long-first-password-42"
TEXT = {
    "ja": {"assignments": "担当の調査", "invited": "招待中", "deactivated": "無効化済み"},
    "en": {"assignments": "My assignments", "invited": "Invited", "deactivated": "Deactivated"},
}


@pytest.fixture
def invited(django_user_model, coordinator, outsider):
    """Hanako, invited by the roster a while ago (her first e-mail lost); Taro, who has left. The
    roster makes the e-mail address the user name, often too long for a phone's line."""
    reviewers = Group.objects.get(name=Role.REVIEWER)
    hanako = django_user_model.objects.create_user(
        username="hanako.sato.0001@japanesestandards.example.or.jp",
        email="hanako.sato.0001@japanesestandards.example.or.jp",
        first_name="花子",
        last_name="佐藤",
        drafting_body=None,
    )
    taro = django_user_model.objects.create_user(
        username="taro", email="taro@example.or.jp", password="pw-taro"
    )
    for person in (hanako, taro):
        person.groups.add(reviewers)
    services.invitations_send(users=[hanako], by=coordinator, enqueue=None)
    return hanako


def _fits(page, where: str) -> None:
    width, viewport = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert width <= viewport, f"{where} scrolls sideways: {width} px wide in {viewport} px"


def _send_and_read_link(mail_folder: Path) -> str:
    """The worker's step for every pending row, then the link in the newest mail file."""
    for pk in Reminder.objects.filter(status="pending").values_list("pk", flat=True):
        reminder_send(reminder_id=pk)
    newest = max(mail_folder.iterdir(), key=lambda p: p.stat().st_mtime_ns)
    (path,) = set(LINK.findall(newest.read_text(encoding="utf-8")))
    return path


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("width", [1280, 375])
def test_people_and_invitation_journey(
    live_server, browser, invited, settings, tmp_path, width, language
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    base = live_server.url
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    contexts = []

    def new_page():
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="ja-JP")
        context.set_default_timeout(10_000)
        context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base}]
        )
        contexts.append(context)
        return context.new_page()

    def look(page, step: str) -> None:
        page.screenshot(path=str(SCREENSHOTS / f"{language}-{width}-{step}.png"), full_page=True)
        _fits(page, f"{language} {width} px {step}")

    words = TEXT[language]
    try:
        page = new_page()
        page.goto(f"{base}/accounts/login/")
        page.fill("#id_username", "coord")
        page.fill("#id_password", "pw-coord")
        page.click("main button[type=submit]")
        page.goto(f"{base}/reviews/people/")
        expect(page.locator("table.people tbody tr")).to_have_count(4)
        look(page, "01-people")

        # Only those invited: an untouched form first shows everyone, then the state filter.
        page.click("form.filters button[type=submit]")
        expect(page.locator("table.people tbody tr")).to_have_count(4)
        page.select_option("#id_state", "invited")
        page.click("form.filters button[type=submit]")
        rows = page.locator("table.people tbody tr")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text(words["invited"])

        # Resend: a new link, the old one stops working; back on the same filtered list.
        rows.first.locator("form button[type=submit]").click()
        expect(page.locator(".messages .success, .messages li").first).to_contain_text(
            "hanako.sato.0001@japanesestandards.example.or.jp"
        )
        assert "state=invited" in page.url
        look(page, "02-resent")

        # Deactivate Taro, who has left, through the confirmation page.
        page.select_option("#id_state", "")
        page.click("form.filters button[type=submit]")
        page.locator("tr", has_text="taro").get_by_role("link").click()
        expect(page.locator("section.confirm h1")).to_be_visible()
        look(page, "03-deactivate-confirm")
        page.click("section.confirm button[type=submit]")
        expect(page.locator("tr", has_text="taro")).to_contain_text(words["deactivated"])
        look(page, "04-deactivated")

        # Hanako opens the link from the mail file, sets her password, lands on her assignments.
        link = _send_and_read_link(tmp_path / "mail")
        hanako = new_page()
        hanako.goto(base + link)
        expect(hanako.locator("#id_new_password1")).to_be_visible()
        look(hanako, "05-set-password")
        hanako.fill("#id_new_password1", PASSWORD)
        hanako.fill("#id_new_password2", PASSWORD)
        hanako.click("main button[type=submit]")
        expect(hanako.locator("main h1")).to_contain_text(words["assignments"])
        assert hanako.url.endswith("/reviews/assignments/")
        look(hanako, "06-landed")

        # The link again: it says it has been used, and changes nothing.
        stranger = new_page()
        stranger.goto(base + link)
        expect(stranger.locator(".link-problem-used")).to_be_visible()
        look(stranger, "07-used-link")
    finally:
        for context in contexts:
            context.close()
