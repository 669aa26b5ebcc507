"""A signed-in user changes their password from their account page: this session stays, the others
end, and the API tokens are revoked."""

import pytest
from django.test import Client
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.accounts.conftest import LOGIN

pytestmark = pytest.mark.django_db

ACCOUNT = "/accounts/security/"
CHANGE = "/accounts/password/change/"
NEW_PASSWORD = "another-long-password-9"


def signed_in(username: str) -> Client:
    browser = Client()
    response = browser.post(LOGIN, {"username": username, "password": f"pw-{username}"})
    assert response.status_code == 302
    return browser


def token_for(username: str) -> str:
    response = APIClient().post(
        "/api/auth/token/", {"username": username, "password": f"pw-{username}"}, format="json"
    )
    return response.json()["token"]


def token_works(key: str) -> bool:
    return APIClient().get("/api/standards/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200


def test_the_account_page_is_one_click_from_every_page(reviewer):
    browser = signed_in("rev")
    header = browser.get("/standards/").content.decode()
    assert f'<a class="who" href="{ACCOUNT}"' in header
    account = browser.get(ACCOUNT).content.decode()
    assert f'href="{CHANGE}"' in account
    assert 'href="/accounts/two-factor/setup/"' in account
    assert 'href="/accounts/tokens/"' in account


def test_a_new_password_keeps_this_session_and_ends_the_others(reviewer, other_reviewer):
    here, elsewhere = signed_in("rev"), signed_in("rev")
    someone_else = signed_in("rev2")
    mine, theirs = token_for("rev"), token_for("rev2")

    response = here.post(
        CHANGE,
        {
            "old_password": "pw-rev",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
        follow=True,
    )
    assert response.redirect_chain == [(ACCOUNT, 302)]
    assert "Your password has been changed" in response.content.decode()

    assert here.get("/reviews/assignments/").status_code == 200
    gone = elsewhere.get("/reviews/assignments/")
    assert (gone.status_code, gone["Location"]) == (302, f"{LOGIN}?next=/reviews/assignments/")
    assert not token_works(mine)
    assert not AuthToken.objects.filter(user=reviewer).exists()
    # nobody else is touched
    assert someone_else.get("/reviews/assignments/").status_code == 200
    assert token_works(theirs)
    again = Client().post(LOGIN, {"username": "rev", "password": NEW_PASSWORD})
    assert again.status_code == 302


def test_a_wrong_current_password_changes_nothing(reviewer):
    browser = signed_in("rev")
    key = token_for("rev")
    response = browser.post(
        CHANGE,
        {"old_password": "not-it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert 'id="id_old_password_errors"' in response.content.decode()
    reviewer.refresh_from_db()
    assert reviewer.check_password("pw-rev")
    assert token_works(key)


def test_the_change_page_needs_a_login(client):
    response = client.get(CHANGE)
    assert (response.status_code, response["Location"]) == (302, f"{LOGIN}?next={CHANGE}")
