"""A forgotten password, reset from the login page by e-mail: the same answer for any address, a
link that works once and expires, requests limited per address and per client, and a new password
that ends every session and revokes the API tokens."""

import datetime as dt
import re
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from tests.accounts.conftest import LOGIN

pytestmark = pytest.mark.django_db

RESET = "/accounts/password/reset/"
SENT = "/accounts/password/reset/sent/"
NEW_PASSWORD = "a-long-new-password-42"
LINK = re.compile(r"https?://[^/\s]+(/accounts/password/reset/[^/\s]+/[^/\s]+/)")
REFUSED = "This link does not work"


@pytest.fixture
def reviewer_with_address(reviewer):
    reviewer.email = "Hanako.Sato@example.go.jp"
    reviewer.save()
    return reviewer


@pytest.fixture
def file_mail(settings, tmp_path) -> Path:
    """Mail written to files, as in development (var/mail/)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path
    return tmp_path


def later(**delta) -> dt.datetime:
    """A moment from now in Japan time. The reset token counts in the server's local time, and
    time-machine takes the local time zone from the moment it travels to."""
    return timezone.localtime() + dt.timedelta(**delta)


def ask_for_a_link(client, email: str, **extra):
    return client.post(RESET, {"email": email}, **extra)


def link_in(text: str) -> str:
    (path,) = LINK.findall(text)
    return path


def choose(client, link: str, password: str = NEW_PASSWORD):
    """Open the link and set the password, as the person does; returns the final response."""
    form = client.get(link, follow=True)
    assert form.status_code == 200
    return client.post(
        form.redirect_chain[-1][0], {"new_password1": password, "new_password2": password}
    )


def test_a_forgotten_password_is_reset_from_the_login_page(
    client, reviewer_with_address, file_mail
):
    login_page = client.get(LOGIN).content.decode()
    assert f'href="{RESET}"' in login_page

    # the address in other capitals, as people type it
    response = ask_for_a_link(client, "hanako.sato@EXAMPLE.go.jp")
    assert (response.status_code, response["Location"]) == (302, SENT)
    (mail_file,) = file_mail.iterdir()
    message = mail_file.read_text()
    assert "To: Hanako.Sato@example.go.jp" in message
    assert "Your user name: rev" in message
    link = link_in(message)

    done = choose(client, link)
    assert (done.status_code, done["Location"]) == (302, "/accounts/password/reset/complete/")
    assert "Your new password is set" in client.get(done["Location"]).content.decode()

    assert client.post(LOGIN, {"username": "rev", "password": "pw-rev"}).status_code == 200
    signed_in = client.post(LOGIN, {"username": "rev", "password": NEW_PASSWORD})
    assert (signed_in.status_code, signed_in["Location"]) == (302, "/reviews/assignments/")

    # the link has done its work: a second use is refused with a page that says so
    other = Client()
    again = other.get(link, follow=True)
    assert REFUSED in again.content.decode()
    assert 'href="/accounts/password/reset/"' in again.content.decode()
    reviewer_with_address.refresh_from_db()
    assert reviewer_with_address.check_password(NEW_PASSWORD)


def without_csrf_token(page: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", page)


def test_an_unknown_address_gets_the_same_answer(client, reviewer_with_address):
    known = ask_for_a_link(client, "hanako.sato@example.go.jp", follow=True)
    unknown = ask_for_a_link(Client(), "nobody@example.go.jp", follow=True)
    assert known.redirect_chain == unknown.redirect_chain == [(SENT, 302)]
    assert without_csrf_token(known.content) == without_csrf_token(unknown.content)
    assert [message.to for message in mail.outbox] == [["Hanako.Sato@example.go.jp"]]


def test_no_link_for_an_account_that_cannot_sign_in(client, reviewer_with_address):
    reviewer_with_address.is_active = False
    reviewer_with_address.save()
    response = ask_for_a_link(client, "hanako.sato@example.go.jp")
    assert response["Location"] == SENT
    assert mail.outbox == []


def test_someone_invited_without_a_password_yet_gets_a_link_that_sets_one(
    client, reviewer_with_address
):
    # the roster makes people without a password; their invitation may be lost or expired
    reviewer_with_address.set_unusable_password()
    reviewer_with_address.save()
    response = ask_for_a_link(client, "hanako.sato@example.go.jp")
    assert response["Location"] == SENT
    (message,) = mail.outbox
    done = choose(client, link_in(message.body))
    assert done["Location"] == "/accounts/password/reset/complete/"
    reviewer_with_address.refresh_from_db()
    assert reviewer_with_address.check_password(NEW_PASSWORD)


def _tamper_token(link: str) -> str:
    uid, token = link.rstrip("/").split("/")[-2:]
    return f"/accounts/password/reset/{uid}/{token[:-1]}{'a' if token[-1] != 'a' else 'b'}/"


def _tamper_user(link: str) -> str:
    token = link.rstrip("/").split("/")[-1]
    return f"/accounts/password/reset/MTIzNDU2Nzg/{token}/"


@pytest.mark.parametrize(
    ("spoil", "minutes_later"),
    [
        pytest.param(lambda link: link, 61, id="expired"),
        pytest.param(_tamper_token, 0, id="token-tampered"),
        pytest.param(_tamper_user, 0, id="other-user"),
        pytest.param(lambda link: "/accounts/password/reset/%ff%00/x-y/", 0, id="garbage"),
    ],
)
def test_a_spoilt_or_expired_link_is_refused_and_changes_nothing(
    client, reviewer_with_address, settings, spoil, minutes_later
):
    assert settings.PASSWORD_RESET_TIMEOUT == 60 * 60
    ask_for_a_link(client, "hanako.sato@example.go.jp")
    link = spoil(link_in(mail.outbox[0].body))
    with time_machine.travel(later(minutes=minutes_later)):
        page = client.get(link, follow=True)
        assert page.status_code == 200
        assert REFUSED in page.content.decode()
        # posting a password straight to the form's address is refused the same way
        uid = link.rstrip("/").split("/")[-2]
        posted = client.post(
            f"/accounts/password/reset/{uid}/set-password/",
            {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
        assert REFUSED in posted.content.decode()
    reviewer_with_address.refresh_from_db()
    assert reviewer_with_address.check_password("pw-rev")


def test_the_link_still_works_just_before_it_expires(client, reviewer_with_address):
    ask_for_a_link(client, "hanako.sato@example.go.jp")
    link = link_in(mail.outbox[0].body)
    assert "within 60 minutes" in mail.outbox[0].body
    with time_machine.travel(later(minutes=59)):
        assert choose(client, link).status_code == 302
    reviewer_with_address.refresh_from_db()
    assert reviewer_with_address.check_password(NEW_PASSWORD)


def test_a_reset_ends_every_session_and_revokes_the_tokens(reviewer_with_address):
    laptop, phone = Client(), Client()
    for browser in (laptop, phone):
        browser.post(LOGIN, {"username": "rev", "password": "pw-rev"})
        assert browser.get("/reviews/assignments/").status_code == 200
    token = APIClient().post(
        "/api/auth/token/", {"username": "rev", "password": "pw-rev"}, format="json"
    )
    key = token.json()["token"]

    stranger = Client()
    ask_for_a_link(stranger, "hanako.sato@example.go.jp")
    choose(stranger, link_in(mail.outbox[0].body))

    for browser in (laptop, phone):
        response = browser.get("/reviews/assignments/")
        assert (response.status_code, response["Location"]) == (
            302,
            f"{LOGIN}?next=/reviews/assignments/",
        )
    assert APIClient().get("/api/standards/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_reset_requests_are_limited_per_address(client, reviewer_with_address, settings):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 3
    start = later().replace(minute=0, second=0)
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(3):
            assert ask_for_a_link(client, "hanako.sato@example.go.jp").status_code == 302
        # the fourth, from anywhere and in any capitals, is refused, and no mail goes
        refused = ask_for_a_link(Client(), "HANAKO.SATO@example.go.jp", REMOTE_ADDR="10.0.0.9")
        assert refused.status_code == 429
        assert "Too many password reset requests" in refused.content.decode()
        assert 0 < int(refused["Retry-After"]) <= 3600
        assert len(mail.outbox) == 3
        # an address nobody has is limited the same way, so the limit tells nothing either
        for _ in range(3):
            assert ask_for_a_link(client, "nobody@example.go.jp").status_code == 302
        assert ask_for_a_link(client, "nobody@example.go.jp").status_code == 429
        # other addresses are not held up
        assert ask_for_a_link(client, "someone@example.go.jp").status_code == 302
        # the next hour counts afresh
        clock.shift(dt.timedelta(hours=1))
        assert ask_for_a_link(client, "hanako.sato@example.go.jp").status_code == 302
    assert len(mail.outbox) == 4


def test_reset_requests_are_limited_per_client(client, reviewer_with_address, settings):
    settings.PASSWORD_RESET_LIMIT_PER_CLIENT = 5
    start = later().replace(minute=0, second=0)
    with time_machine.travel(start, tick=False):
        for i in range(5):
            assert ask_for_a_link(client, f"guess{i}@example.go.jp").status_code == 302
        assert ask_for_a_link(client, "hanako.sato@example.go.jp").status_code == 429
        assert mail.outbox == []
        # another client is not held up
        other = ask_for_a_link(Client(), "hanako.sato@example.go.jp", REMOTE_ADDR="192.0.2.7")
        assert other.status_code == 302
    assert len(mail.outbox) == 1


def test_an_invalid_address_is_an_error_on_the_form_and_not_counted(client, settings):
    settings.PASSWORD_RESET_LIMIT_PER_CLIENT = 1
    for _ in range(3):
        response = ask_for_a_link(client, "not an address")
        assert response.status_code == 200
        assert 'id="id_email_errors"' in response.content.decode()
    assert ask_for_a_link(client, "someone@example.go.jp").status_code == 302


@pytest.mark.parametrize(
    ("language", "subject", "closing"),
    [
        ("ja", "jisreview：パスワードの再設定", "お心当たりのない場合は"),
        ("en", "jisreview: reset your password", "If you did not ask for this"),
    ],
)
def test_the_mail_is_in_the_language_of_the_page(
    client, reviewer_with_address, language, subject, closing
):
    client.cookies["django_language"] = language
    ask_for_a_link(client, "hanako.sato@example.go.jp")
    (message,) = mail.outbox
    assert message.subject == subject
    assert closing in message.body
    assert LINK.search(message.body)
