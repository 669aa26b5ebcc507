"""Logging in: each role starts on its own page, a safe `next` wins, a failed attempt keeps the
user name."""

import re

import pytest

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


@pytest.mark.parametrize(
    ("user", "landing"),
    [
        ("reviewer", "/reviews/assignments/"),
        ("ministry_viewer", "/reviews/priorities/"),
        ("coordinator", "/standards/"),
        ("outsider", "/standards/"),
    ],
)
def test_each_role_lands_on_its_own_page(client, request, user, landing):
    username = request.getfixturevalue(user).username
    response = client.post(LOGIN, {"username": username, "password": f"pw-{username}"})
    assert (response.status_code, response["Location"]) == (302, landing)
    # the site's root leads to the same page, so the brand link in the header does too
    assert client.get("/")["Location"] == landing


@pytest.mark.parametrize(
    ("next_url", "landing"),
    [
        ("/standards/?q=B8445", "/standards/?q=B8445"),
        ("https://evil.example/", "/reviews/assignments/"),
        ("//evil.example/", "/reviews/assignments/"),
    ],
)
def test_a_safe_next_wins_over_the_landing_page(client, reviewer, next_url, landing):
    response = client.post(LOGIN, {"username": "rev", "password": "pw-rev", "next": next_url})
    assert response["Location"] == landing


def test_a_failed_login_keeps_the_user_name_but_not_the_password(client, reviewer):
    response = client.post(LOGIN, {"username": "rev", "password": "wrong-secret"})
    assert response.status_code == 200
    page = response.content.decode()
    (username,) = re.findall(r'<input type="text" name="username"[^>]*>', page)
    assert 'value="rev"' in username
    (password,) = re.findall(r'<input type="password" name="password"[^>]*>', page)
    assert "value=" not in password and "wrong-secret" not in page
    assert "autofocus" in password  # the password is what to type again
