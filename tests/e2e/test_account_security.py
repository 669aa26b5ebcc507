"""Account security as people meet it, at 1280 px and 375 px, in Japanese and English: a reviewer
who forgot their password resets it from the login page through the e-mail's link and signs in;
a coordinator, required to use two-factor authentication, sets up an authenticator app at their
first sign-in and gives a code at the next. Screenshots go to var/screenshots/accounts/."""

import base64
from pathlib import Path

import pytest
from django.conf import settings
from django_otp.oath import totp
from playwright.sync_api import expect

from tests.accounts.conftest import forget_request_counts
from tests.accounts.test_password_reset import LINK

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "accounts"
NEW_PASSWORD = "a-long-new-password-42"


@pytest.fixture
def open_page(browser, live_server, request):
    contexts = []

    def make(width: int, language: str):
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="ja-JP")
        context.set_default_timeout(10_000)
        context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
        )
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def _snap(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    width, viewport = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert width <= viewport, f"{name} scrolls sideways: {width} px wide in {viewport} px"


def _log_in(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("width", [1280, 375])
def test_a_forgotten_password_is_reset_by_e_mail(
    live_server, open_page, reviewer, settings, tmp_path, width, language
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path
    forget_request_counts()
    reviewer.email = "hanako.sato@example.go.jp"
    reviewer.save()
    shot = f"reset-{language}-{width}"
    page = open_page(width, language)

    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    _snap(page, f"{shot}-1-login")
    page.click("#forgot-password")
    page.fill("#id_email", "Hanako.Sato@example.go.jp")
    _snap(page, f"{shot}-2-ask")
    page.click("main button[type=submit]")
    expect(page).to_have_url(f"{live_server.url}/accounts/password/reset/sent/")
    _snap(page, f"{shot}-3-sent")

    (mail_file,) = tmp_path.iterdir()
    (link,) = LINK.findall(mail_file.read_text())
    page.goto(f"{live_server.url}{link}")
    # the token leaves the address bar before the form shows
    expect(page).to_have_url(f"{live_server.url}{link.rsplit('/', 2)[0]}/set-password/")
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    _snap(page, f"{shot}-4-new-password")
    page.click("main button[type=submit]")
    expect(page).to_have_url(f"{live_server.url}/accounts/password/reset/complete/")
    _snap(page, f"{shot}-5-done")

    # the link has been used
    page.goto(f"{live_server.url}{link}")
    expect(page.locator("main .error")).to_be_visible()
    _snap(page, f"{shot}-6-link-used")

    _log_in(page, live_server.url, "rev", NEW_PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/reviews/assignments/")
    expect(page.locator("header .who")).to_have_text("rev")


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("width", [1280, 375])
def test_a_coordinator_sets_up_two_factor_authentication(
    live_server, open_page, coordinator, settings, width, language
):
    settings.REQUIRE_2FA = True
    shot = f"totp-{language}-{width}"
    page = open_page(width, language)

    _log_in(page, live_server.url, "coord", "pw-coord")
    # before anything else
    expect(page).to_have_url(f"{live_server.url}/accounts/two-factor/setup/?next=%2Fstandards%2F")
    expect(page.locator("#qr-code")).to_be_visible()
    _snap(page, f"{shot}-1-setup")
    # the app is given the secret, and shows its code
    key = base64.b32decode(page.locator("#totp-secret").inner_text().replace(" ", ""))
    page.fill("#id_code", f"{totp(key):06d}")
    page.click("main form button.primary")

    expect(page.locator("#recovery-codes li")).to_have_count(10)
    recovery_codes = page.locator("#recovery-codes code").all_inner_texts()
    _snap(page, f"{shot}-2-recovery-codes")
    page.click("#continue")
    expect(page).to_have_url(f"{live_server.url}/standards/")

    # the next sign-in asks for a code after the password
    page.locator("header form[action='/accounts/logout/']").evaluate("form => form.submit()")
    expect(page.locator("#id_username")).to_be_visible()
    _log_in(page, live_server.url, "coord", "pw-coord")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/verify/?next=%2Fstandards%2F")
    page.fill("#id_code", "000000")
    page.click("main form button.primary")
    expect(page.locator("#id_code_errors")).to_be_visible()
    _snap(page, f"{shot}-3-wrong-code")
    # a code from the app's next 30 seconds (the one shown at set-up has been used), or after a
    # wrong one, a recovery code; both open the site
    page.fill("#id_code", recovery_codes[0])
    page.click("main form button.primary")
    expect(page).to_have_url(f"{live_server.url}/standards/")
    _snap(page, f"{shot}-4-signed-in")

    page.goto(f"{live_server.url}/accounts/security/")
    expect(page.locator("#two-factor .ok")).to_be_visible()
    _snap(page, f"{shot}-5-account")
