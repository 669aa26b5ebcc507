"""Two-factor authentication: setting up an authenticator app (secret as text and QR code, confirmed
with a first code), the code step after the password, recovery codes that work once, and the
requirement for coordinators and administrators, which a setting turns on and off."""

import base64
import datetime as dt
import re
import subprocess
import sys
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from accounts import two_factor
from accounts.api_tokens import api_token_create
from accounts.roles import Role
from tests.accounts.conftest import LOGIN, SETUP, VERIFY, code_from, code_from_secret
from tests.test_project import PRODUCTION, ROOT, clean_env

pytestmark = pytest.mark.django_db

ACCOUNT = "/accounts/security/"
RECOVERY = "/accounts/two-factor/recovery-codes/"
START = dt.datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
SECRET = re.compile(r'<code id="totp-secret">([A-Z2-7 ]+)</code>')
RECOVERY_CODE = re.compile(r"<li><code>([a-z2-7]{8})</code></li>")


@pytest.fixture
def clock():
    """A code is accepted once and a wrong one slows the next attempt: the tests move the clock."""
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def admin(db, django_user_model):
    return django_user_model.objects.create_superuser(
        username="root", password="pw-root", email="root@example.go.jp"
    )


@pytest.fixture
def staff(db, django_user_model):
    return django_user_model.objects.create_user(
        username="staff", password="pw-staff", is_staff=True
    )


def sign_in(username: str, **extra) -> tuple[Client, object]:
    browser = Client()
    response = browser.post(LOGIN, {"username": username, "password": f"pw-{username}", **extra})
    assert response.status_code == 302, "the password step failed"
    return browser, response


def test_setting_up_an_authenticator_app(reviewer, clock):
    browser, _ = sign_in("rev")
    page = browser.get(SETUP).content.decode()
    secret = SECRET.search(page).group(1)
    (qr_code,) = re.findall(r'<img src="data:image/svg\+xml;base64,([^"]+)"', page)
    svg = base64.b64decode(qr_code).decode()
    assert svg.startswith("<svg") and "<path" in svg and "script" not in svg
    # reloading shows the same secret, so a code already scanned keeps working
    assert SECRET.search(browser.get(SETUP).content.decode()).group(1) == secret
    (device,) = TOTPDevice.objects.filter(user=reviewer)
    assert f"secret={secret.replace(' ', '')}" in device.config_url
    assert device.config_url.startswith("otpauth://totp/jisreview%3Arev?")

    wrong = browser.post(SETUP, {"code": "000000"})
    assert wrong.status_code == 200
    assert "That code is not right" in wrong.content.decode()
    assert not two_factor.has_two_factor(reviewer)

    clock.shift(2)  # past the second a wrong code costs
    confirmed = browser.post(SETUP, {"code": code_from_secret(secret)})
    assert (confirmed.status_code, confirmed["Location"]) == (
        302,
        f"{RECOVERY}?next=%2Faccounts%2Fsecurity%2F",
    )
    assert two_factor.has_two_factor(reviewer)

    shown = browser.get(confirmed["Location"]).content.decode()
    codes = RECOVERY_CODE.findall(shown)
    assert len(set(codes)) == 10
    assert f'href="{ACCOUNT}" id="continue"' in shown
    stored = set(StaticToken.objects.filter(device__user=reviewer).values_list("token", flat=True))
    assert stored == set(codes)
    # shown once only
    later = browser.get(RECOVERY).content.decode()
    assert RECOVERY_CODE.findall(later) == []
    assert "10 recovery codes left" in later


def test_signing_in_asks_for_the_code_after_the_password(reviewer, authenticator, clock):
    device, _ = authenticator(reviewer)
    clock.shift(30)
    browser, response = sign_in("rev", next="/standards/?q=B8445")
    step = browser.get(response["Location"])
    assert (step.status_code, step["Location"]) == (
        302,
        f"{VERIFY}?next=%2Fstandards%2F%3Fq%3DB8445",
    )

    # nothing else opens until then: pages lead to the code step, the API refuses in JSON
    for page in ("/reviews/assignments/", ACCOUNT, SETUP, "/accounts/tokens/"):
        assert browser.get(page)["Location"].startswith(f"{VERIFY}?next=")
    api = browser.get("/api/standards/")
    assert api.status_code == 403
    assert "authenticator" in api.json()["detail"]
    # the step leads nowhere else: no menu, but signing out still works
    step_page = browser.get(VERIFY).content.decode()
    assert 'id="site-nav"' not in step_page
    assert "Cancel and log out" in step_page and 'action="/accounts/logout/"' in step_page

    wrong = browser.post(VERIFY, {"code": "123456", "next": "/standards/?q=B8445"})
    assert wrong.status_code == 200
    assert "That code is not right" in wrong.content.decode()
    clock.shift(2)
    right = browser.post(VERIFY, {"code": code_from(device), "next": "/standards/?q=B8445"})
    assert (right.status_code, right["Location"]) == (302, "/standards/?q=B8445")
    assert browser.get("/reviews/assignments/").status_code == 200
    assert browser.get("/api/standards/").status_code == 200


def test_the_code_step_ignores_a_next_to_another_site(reviewer, authenticator, clock):
    device, _ = authenticator(reviewer)
    clock.shift(30)
    browser, _ = sign_in("rev")
    response = browser.post(VERIFY, {"code": code_from(device), "next": "https://evil.example/"})
    assert response["Location"] == "/reviews/assignments/"


def test_a_code_is_accepted_once(reviewer, authenticator, clock):
    device, _ = authenticator(reviewer)
    clock.shift(30)
    code = code_from(device)
    first, _ = sign_in("rev")
    assert first.post(VERIFY, {"code": code}).status_code == 302
    second, _ = sign_in("rev")
    assert second.post(VERIFY, {"code": code}).status_code == 200
    assert second.get("/reviews/assignments/")["Location"].startswith(VERIFY)


def test_wrong_codes_slow_down_the_next_attempts(reviewer, authenticator, clock):
    device, _ = authenticator(reviewer)
    clock.shift(30)
    browser, _ = sign_in("rev")
    for wait in (1, 2, 4):
        assert browser.post(VERIFY, {"code": "999999"}).status_code == 200
        # straight away, even the right code is not checked
        refused = browser.post(VERIFY, {"code": code_from(device)}).content.decode()
        assert f"Too many wrong codes. Wait {wait} seconds" in refused
        clock.shift(wait)
    assert browser.post(VERIFY, {"code": code_from(device)}).status_code == 302


def test_a_recovery_code_signs_in_once(reviewer, authenticator, clock):
    _, codes = authenticator(reviewer)
    first, _ = sign_in("rev")
    # as written down: capitals, a hyphen in the middle, full-width letters from an input method
    typed = (
        codes[0][:4].upper()
        + "-"
        + codes[0][4:].translate(
            {ord(c): ord(c) + 0xFEE0 for c in "abcdefghijklmnopqrstuvwxyz234567"}
        )
    )
    response = first.post(VERIFY, {"code": typed}, follow=True)
    assert response.redirect_chain[0] == ("/reviews/assignments/", 302)
    assert "You signed in with a recovery code; 9 are left" in response.content.decode()

    second, _ = sign_in("rev")
    assert second.post(VERIFY, {"code": codes[0]}).status_code == 200
    clock.shift(2)
    assert second.post(VERIFY, {"code": codes[1]}).status_code == 302
    assert two_factor.recovery_codes_left(reviewer) == 8


def test_new_recovery_codes_replace_the_old_ones(reviewer, authenticator, clock):
    device, old = authenticator(reviewer)
    clock.shift(30)
    browser, _ = sign_in("rev")
    browser.post(VERIFY, {"code": code_from(device)})
    made = browser.post(RECOVERY)
    assert made["Location"] == RECOVERY
    new = RECOVERY_CODE.findall(browser.get(RECOVERY).content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    other, _ = sign_in("rev")
    assert other.post(VERIFY, {"code": old[0]}).status_code == 200
    clock.shift(2)
    assert other.post(VERIFY, {"code": new[0]}).status_code == 302


def test_an_older_unverified_session_cannot_touch_the_second_factor(reviewer, authenticator):
    """A browser signed in before the authenticator was set up has no second factor: it may not
    make recovery codes or move to another app without giving a code first."""
    browser, _ = sign_in("rev")
    assert browser.get("/reviews/assignments/").status_code == 200
    _, codes = authenticator(reviewer)
    assert browser.post(RECOVERY)["Location"].startswith(f"{VERIFY}?next=")
    assert browser.get(SETUP)["Location"].startswith(f"{VERIFY}?next=")
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(codes)


def test_signing_in_again_in_the_same_browser_asks_for_the_new_second_factor(
    reviewer, authenticator
):
    """Each sign-in works out afresh what it owes: a browser that signed in before the
    authenticator existed, signing in again without signing out, is asked for a code."""
    browser, _ = sign_in("rev")
    assert browser.get("/reviews/assignments/").status_code == 200
    authenticator(reviewer)
    browser.post(LOGIN, {"username": "rev", "password": "pw-rev"})
    assert browser.get("/reviews/assignments/")["Location"].startswith(f"{VERIFY}?next=")


def test_moving_to_another_authenticator_app(reviewer, authenticator, clock):
    old_device, old_codes = authenticator(reviewer)
    clock.shift(30)
    browser, _ = sign_in("rev")
    browser.post(VERIFY, {"code": code_from(old_device)})
    page = browser.get(SETUP).content.decode()
    assert "Your current authenticator app keeps working" in page
    secret = SECRET.search(page).group(1)
    assert two_factor.has_two_factor(reviewer)  # until the new one is confirmed
    clock.shift(30)
    assert browser.post(SETUP, {"code": code_from_secret(secret)}).status_code == 302
    (device,) = TOTPDevice.objects.filter(user=reviewer)
    assert device.pk != old_device.pk and device.confirmed
    assert not StaticToken.objects.filter(token__in=old_codes).exists()


def test_a_new_secret_on_request(reviewer):
    browser, _ = sign_in("rev")
    first = SECRET.search(browser.get(SETUP).content.decode()).group(1)
    again = browser.post(SETUP, {"restart": "1"})
    assert again.status_code == 200
    second = SECRET.search(again.content.decode()).group(1)
    assert first != second
    assert TOTPDevice.objects.filter(user=reviewer).count() == 1


def test_setting_it_up_revokes_tokens_obtained_with_the_password_alone(reviewer, clock):
    api_token_create(user=reviewer)
    device = two_factor.totp_device_start(user=reviewer)
    two_factor.totp_device_confirm(device=device, code=code_from(device))
    assert not AuthToken.objects.filter(user=reviewer).exists()


@pytest.mark.parametrize(
    ("user", "role_must"),
    [
        ("coordinator", True),
        ("admin", True),
        ("staff", True),
        ("reviewer", False),
        ("ministry_viewer", False),
        ("outsider", False),
    ],
)
@pytest.mark.parametrize("required", [True, False], ids=["required", "not-required"])
def test_who_must_set_it_up_before_anything_else(request, settings, user, role_must, required):
    settings.REQUIRE_2FA = required
    username = request.getfixturevalue(user).username
    browser, _ = sign_in(username)
    page = browser.get("/standards/")
    if required and role_must:
        assert (page.status_code, page["Location"]) == (302, f"{SETUP}?next=%2Fstandards%2F")
        assert browser.get("/api/standards/").status_code == 403
        setup = browser.get(SETUP).content.decode()
        assert "Your role requires two-factor authentication" in setup
        assert 'id="site-nav"' not in setup
    else:
        assert page.status_code == 200


def test_a_coordinator_sets_it_up_then_continues_where_they_were_going(
    coordinator, settings, clock
):
    settings.REQUIRE_2FA = True
    browser, response = sign_in("coord", next="/reviews/batches/")
    setup_url = browser.get(response["Location"])["Location"]
    assert setup_url == f"{SETUP}?next=%2Freviews%2Fbatches%2F"
    secret = SECRET.search(browser.get(setup_url).content.decode()).group(1)
    done = browser.post(setup_url, {"code": code_from_secret(secret), "next": "/reviews/batches/"})
    assert done["Location"] == f"{RECOVERY}?next=%2Freviews%2Fbatches%2F"
    shown = browser.get(done["Location"]).content.decode()
    assert 'href="/reviews/batches/" id="continue"' in shown
    assert browser.get("/reviews/batches/").status_code == 200

    # the next sign-in asks for a code
    clock.shift(30)
    again, response = sign_in("coord")
    assert again.get(response["Location"])["Location"].startswith(f"{VERIFY}?next=")


def test_turning_the_requirement_on_reaches_sessions_already_open(coordinator, settings):
    settings.REQUIRE_2FA = False
    browser, _ = sign_in("coord")
    assert browser.get("/standards/").status_code == 200
    settings.REQUIRE_2FA = True
    assert browser.get("/standards/")["Location"] == f"{SETUP}?next=%2Fstandards%2F"


def test_a_role_that_requires_it_cannot_turn_it_off(coordinator, settings, authenticator, clock):
    settings.REQUIRE_2FA = True
    device, _ = authenticator(coordinator)
    clock.shift(30)
    browser, _ = sign_in("coord")
    browser.post(VERIFY, {"code": code_from(device)})
    assert "Turn off" not in browser.get(ACCOUNT).content.decode()
    clock.shift(30)
    response = browser.post("/accounts/two-factor/off/", {"code": code_from(device)}, follow=True)
    assert "Your role requires two-factor authentication" in response.content.decode()
    assert two_factor.has_two_factor(coordinator)


def test_anyone_else_turns_it_off_with_a_code(reviewer, authenticator, clock):
    device, _ = authenticator(reviewer)
    clock.shift(30)
    browser, _ = sign_in("rev")
    browser.post(VERIFY, {"code": code_from(device)})
    wrong = browser.post("/accounts/two-factor/off/", {"code": "111111"}, follow=True)
    assert "That code is not right" in wrong.content.decode()
    assert two_factor.has_two_factor(reviewer)
    clock.shift(30)
    off = browser.post("/accounts/two-factor/off/", {"code": code_from(device)}, follow=True)
    assert "Two-factor authentication is off" in off.content.decode()
    assert not two_factor.has_two_factor(reviewer)
    assert not StaticToken.objects.filter(device__user=reviewer).exists()
    # and the next sign-in is a password only
    assert sign_in("rev")[0].get("/reviews/assignments/").status_code == 200


def test_a_password_reset_does_not_skip_the_second_factor(coordinator, authenticator, clock):
    coordinator.email = "coord@example.go.jp"
    coordinator.save()
    authenticator(coordinator)
    browser = Client()
    browser.post("/accounts/password/reset/", {"email": "coord@example.go.jp"})
    (link,) = re.findall(r"/accounts/password/reset/[^/\s]+/[^/\s]+/", mail.outbox[0].body)
    form = browser.get(link, follow=True).redirect_chain[-1][0]
    password = "a-long-new-password-42"
    browser.post(form, {"new_password1": password, "new_password2": password})
    response = browser.post(LOGIN, {"username": "coord", "password": password})
    assert browser.get(response["Location"])["Location"].startswith(f"{VERIFY}?next=")


@pytest.mark.parametrize(
    ("env", "required"),
    [
        pytest.param(PRODUCTION, "True", id="production"),
        pytest.param({**PRODUCTION, "JISREVIEW_DEMO": "1"}, "False", id="demo"),
        pytest.param({"DJANGO_DEBUG": "1"}, "False", id="debug"),
        pytest.param({"DJANGO_DEBUG": "1", "JISREVIEW_REQUIRE_2FA": "1"}, "True", id="asked-for"),
        pytest.param({**PRODUCTION, "JISREVIEW_REQUIRE_2FA": "0"}, "False", id="turned-off"),
    ],
)
def test_the_requirement_is_on_in_production_and_off_in_demo_mode(env, required):
    code = "import django; django.setup(); from django.conf import settings; print(settings.REQUIRE_2FA)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=clean_env(**env),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [required]


def test_the_demo_coordinator_signs_in_with_the_password_alone_in_demo_mode(settings, db):
    """`make run` (debug, so demo mode): the demo passwords work on screen as they are."""
    assert settings.REQUIRE_2FA is False
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username="coordinator", password="jisreview-demo")
    user.groups.add(Group.objects.get(name=Role.COORDINATOR))
    browser = Client()
    response = browser.post(LOGIN, {"username": "coordinator", "password": "jisreview-demo"})
    assert browser.get(response["Location"]).status_code == 200


def test_an_administrator_removes_a_lost_authenticator_without_seeing_its_secret(
    admin, reviewer, authenticator, client
):
    device, _ = authenticator(reviewer)
    client.force_login(admin)
    page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    assert page.status_code == 200
    assert device.key not in page.content.decode()
    client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert not two_factor.has_two_factor(reviewer)
