"""API tokens: a new expiring token per sign-in, revoked by sign-out, by their owner on the tokens
page, and by a new password or deactivation."""

import datetime as dt
import re
from urllib.parse import urlencode

import pytest
import time_machine
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/auth/token/"
PROBE = "/api/standards/"


def sign_in(username: str, password: str, *, as_form: bool = False) -> dict:
    credentials = {"username": username, "password": password}
    if as_form:  # as the README's curl -d sends them
        response = APIClient().post(
            TOKEN_URL, urlencode(credentials), content_type="application/x-www-form-urlencoded"
        )
    else:
        response = APIClient().post(TOKEN_URL, credentials, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def works(key: str) -> bool:
    """Whether the API accepts the token (200), rather than refusing it (401)."""
    status = APIClient().get(PROBE, HTTP_AUTHORIZATION=f"Token {key}").status_code
    assert status in (200, 401)
    return status == 200


def test_each_sign_in_issues_a_new_token_that_expires(reviewer, settings):
    first = sign_in("rev", "pw-rev")
    second = sign_in("rev", "pw-rev", as_form=True)
    assert first["token"] != second["token"]
    assert works(first["token"]) and works(second["token"])
    ttl = settings.REST_KNOX["TOKEN_TTL"]
    assert ttl == dt.timedelta(days=30)
    expiry = dt.datetime.fromisoformat(first["expiry"])
    assert abs(expiry - (timezone.now() + ttl)) < dt.timedelta(minutes=1)
    with time_machine.travel(timezone.now() + ttl - dt.timedelta(minutes=1)):
        assert works(first["token"])
    with time_machine.travel(timezone.now() + ttl + dt.timedelta(minutes=1)):
        assert not works(first["token"])
    # an expired token is gone from the table, not only refused
    assert AuthToken.objects.filter(user=reviewer).count() == 1


def test_tokens_are_stored_hashed(reviewer):
    key = sign_in("rev", "pw-rev")["token"]
    stored = AuthToken.objects.get(user=reviewer)
    assert key not in (stored.digest, stored.token_key)
    assert key.startswith(stored.token_key)


def test_sign_out_revokes_the_token_it_is_called_with_only(reviewer):
    laptop = sign_in("rev", "pw-rev")["token"]
    script = sign_in("rev", "pw-rev")["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {laptop}")
    assert client.post("/api/auth/logout/").status_code == 204
    assert not works(laptop)
    assert works(script)
    assert client.post("/api/auth/logout/").status_code == 401


def test_sign_out_needs_a_token(reviewer, client):
    client.force_login(reviewer)
    assert client.post("/api/auth/logout/").status_code in (401, 403)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda user: user.set_password("a-new-long-password"), id="set_password"),
        pytest.param(lambda user: user.set_unusable_password(), id="unusable"),
        pytest.param(lambda user: setattr(user, "is_active", False), id="deactivated"),
    ],
)
def test_a_new_password_or_deactivation_revokes_every_token(reviewer, other_reviewer, change):
    mine = [sign_in("rev", "pw-rev")["token"] for _ in range(2)]
    theirs = sign_in("rev2", "pw-rev2")["token"]
    change(reviewer)
    reviewer.save()
    assert not any(works(key) for key in mine)
    assert not AuthToken.objects.filter(user=reviewer).exists()
    assert works(theirs)


def test_the_password_change_page_revokes_every_token(reviewer, client):
    key = sign_in("rev", "pw-rev")["token"]
    form = PasswordChangeForm(
        reviewer,
        {
            "old_password": "pw-rev",
            "new_password1": "another-long-password-9",
            "new_password2": "another-long-password-9",
        },
    )
    assert form.is_valid(), form.errors
    form.save()
    assert not works(key)


def test_other_saves_keep_the_tokens(reviewer, django_user_model):
    """Signing in saves last_login; an administrator edits a name; a sign-in that upgrades the
    stored hash saves a new hash of the same password. None of them is a new password."""
    key = sign_in("rev", "pw-rev")["token"]
    reviewer.refresh_from_db()
    assert reviewer.last_login is not None
    reviewer.first_name = "Hanako"
    reviewer.save()
    # a salt too short for today's hasher: the next successful sign-in stores a new hash
    outdated = make_password("pw-rev", salt="ab", hasher="md5")
    django_user_model.objects.filter(pk=reviewer.pk).update(password=outdated)
    sign_in("rev", "pw-rev")
    reviewer.refresh_from_db()
    assert reviewer.password != outdated and reviewer.check_password("pw-rev")
    assert works(key)


@pytest.mark.parametrize(
    "header",
    [
        "Token " + "g" * 64,  # not hex
        "Token " + "a" * 63,  # too short
        "Token abc\x00def",
        "Token \xff\xfe",  # not UTF-8 once the header's Latin-1 is undone
    ],
)
def test_a_malformed_token_is_a_401(reviewer, header):
    response = APIClient().get(PROBE, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["detail"]


def test_tokens_page_lists_ones_own_tokens_without_the_keys(reviewer, other_reviewer, client):
    mine = sign_in("rev", "pw-rev")["token"]
    theirs = sign_in("rev2", "pw-rev2")["token"]
    client.force_login(reviewer)
    page = client.get("/accounts/tokens/")
    assert page.status_code == 200
    body = page.content.decode()
    assert f"{mine[:8]}…" in body
    assert mine not in body and mine[:15] not in body
    assert theirs[:8] not in body
    token = AuthToken.objects.get(user=reviewer)
    assert timezone.localtime(token.expiry).strftime("%Y-%m-%d %H:%M") in body
    # every page leads to the account page (the user's name in the header), which leads here
    assert 'href="/accounts/security/"' in client.get("/standards/").content.decode()
    assert 'href="/accounts/tokens/"' in client.get("/accounts/security/").content.decode()


def test_tokens_page_revokes_ones_own_token_only(reviewer, other_reviewer, client):
    mine = sign_in("rev", "pw-rev")["token"]
    theirs = sign_in("rev2", "pw-rev2")["token"]
    [my_digest] = AuthToken.objects.filter(user=reviewer).values_list("digest", flat=True)
    [their_digest] = AuthToken.objects.filter(user=other_reviewer).values_list("digest", flat=True)
    client.force_login(reviewer)
    page = client.get("/accounts/tokens/").content.decode()
    assert re.search(rf'action="/accounts/tokens/{my_digest}/revoke/"', page)

    assert client.post(f"/accounts/tokens/{their_digest}/revoke/").status_code == 404
    assert client.get(f"/accounts/tokens/{my_digest}/revoke/").status_code == 405
    response = client.post(f"/accounts/tokens/{my_digest}/revoke/", follow=True)
    assert response.redirect_chain == [("/accounts/tokens/", 302)]
    assert "Revoked the token" in response.content.decode()
    assert not works(mine)
    assert works(theirs)


def test_revoking_on_the_tokens_page_needs_the_csrf_token(reviewer):
    sign_in("rev", "pw-rev")
    [digest] = AuthToken.objects.filter(user=reviewer).values_list("digest", flat=True)
    client = Client(enforce_csrf_checks=True)
    client.force_login(reviewer)
    assert client.post(f"/accounts/tokens/{digest}/revoke/").status_code == 403
    assert AuthToken.objects.filter(digest=digest).exists()


def test_the_tokens_page_needs_a_login(client):
    response = client.get("/accounts/tokens/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_token_its_user_and_their_roles_are_one_query(reviewer, django_assert_num_queries):
    """Each token with the key is read with its user and one row per role of theirs."""
    from django.contrib.auth.models import Group

    from accounts.roles import Role

    reviewer.groups.add(Group.objects.get(name=Role.MINISTRY_VIEWER))
    key = sign_in("rev", "pw-rev")["token"]
    client = APIClient(HTTP_AUTHORIZATION=f"Token {key}")
    # the token with its user and roles; the plan's programme and its years (none: 404, not 403)
    with django_assert_num_queries(3):
        assert client.get("/api/plan/summary/").status_code == 404
    # the roles read with the token are the user's: a reviewer alone may not read the plan
    reviewer.groups.remove(Group.objects.get(name=Role.MINISTRY_VIEWER))
    assert client.get("/api/plan/summary/").status_code == 403


def test_a_user_without_a_role_signs_in_and_is_refused_what_roles_open(django_user_model):
    django_user_model.objects.create_user(username="nobody", password="pw-nobody")
    key = sign_in("nobody", "pw-nobody")["token"]
    client = APIClient(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(PROBE).status_code == 200  # the catalog: any signed-in user
    assert client.get("/api/plan/summary/").status_code == 403
    other = key[:-1] + ("1" if key.endswith("0") else "0")  # the same key, another digest
    assert APIClient(HTTP_AUTHORIZATION=f"Token {other}").get(PROBE).status_code == 401
