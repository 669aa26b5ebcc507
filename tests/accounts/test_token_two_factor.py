"""POST /api/auth/token/ for a user with two-factor authentication: the password and a current code
(`otp`) buy a token; a user who must have an authenticator and has none gets no token."""

import datetime as dt
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
import time_machine
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.accounts.conftest import code_from

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/auth/token/"
START = dt.datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Asia/Tokyo"))


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def obtain(**body):
    return APIClient().post(TOKEN_URL, body, format="json")


def test_the_code_is_asked_for_after_the_password(reviewer, authenticator, clock):
    device, _ = authenticator(reviewer)
    clock.shift(30)
    missing = obtain(username="rev", password="pw-rev")
    assert missing.status_code == 400
    assert "two-factor authentication" in missing.json()["otp"][0]

    wrong = obtain(username="rev", password="pw-rev", otp="000000")
    assert wrong.status_code == 400
    assert wrong.json() == {"otp": ["That code is not right, or has been used already."]}

    # a wrong password says nothing about the code
    clock.shift(2)
    bad_password = obtain(username="rev", password="nope", otp=code_from(device))
    assert bad_password.status_code == 400
    assert "otp" not in bad_password.json()

    right = obtain(username="rev", password="pw-rev", otp=code_from(device))
    assert right.status_code == 200, right.content
    assert set(right.json()) == {"token", "expiry"}
    # a code works once
    again = obtain(username="rev", password="pw-rev", otp=code_from(device))
    assert again.status_code == 400
    assert AuthToken.objects.filter(user=reviewer).count() == 1


def test_a_form_post_and_a_number_work_too(reviewer, authenticator, clock):
    device, _ = authenticator(reviewer)
    clock.shift(30)
    as_form = APIClient().post(
        TOKEN_URL,
        urlencode({"username": "rev", "password": "pw-rev", "otp": code_from(device)}),
        content_type="application/x-www-form-urlencoded",
    )
    assert as_form.status_code == 200
    clock.shift(30)
    code = code_from(device)
    while code.startswith("0"):  # a number loses its leading zeros: wait for a code without one
        clock.shift(30)
        code = code_from(device)
    assert obtain(username="rev", password="pw-rev", otp=int(code)).status_code == 200


@pytest.mark.parametrize("otp", [["123456"], {"code": "123456"}, True])
def test_a_code_that_is_not_text_is_a_400_naming_the_field(reviewer, authenticator, otp):
    authenticator(reviewer)
    response = obtain(username="rev", password="pw-rev", otp=otp)
    assert response.status_code == 400
    assert list(response.json()) == ["otp"]


def test_a_recovery_code_works_once(reviewer, authenticator, clock):
    _, codes = authenticator(reviewer)
    assert obtain(username="rev", password="pw-rev", otp=codes[0]).status_code == 200
    clock.shift(2)
    assert obtain(username="rev", password="pw-rev", otp=codes[0]).status_code == 400


def test_wrong_codes_are_slowed_down(reviewer, authenticator, clock):
    device, _ = authenticator(reviewer)
    clock.shift(30)
    assert obtain(username="rev", password="pw-rev", otp="999999").status_code == 400
    throttled = obtain(username="rev", password="pw-rev", otp=code_from(device))
    assert throttled.status_code == 429
    assert throttled["Retry-After"] == "1"
    assert "Too many wrong codes" in throttled.json()["detail"]
    clock.shift(1)
    assert obtain(username="rev", password="pw-rev", otp=code_from(device)).status_code == 200


@pytest.mark.parametrize("required", [True, False], ids=["required", "demo"])
def test_a_coordinator_without_an_authenticator(coordinator, settings, required):
    settings.REQUIRE_2FA = required
    response = obtain(username="coord", password="pw-coord")
    if required:
        assert response.status_code == 403
        assert "set it up on the site" in response.json()["detail"]
        assert not AuthToken.objects.filter(user=coordinator).exists()
    else:  # `make run`: the demo passwords work through the API as they are
        assert response.status_code == 200


def test_users_without_an_authenticator_need_no_code(reviewer, settings):
    settings.REQUIRE_2FA = True
    assert obtain(username="rev", password="pw-rev").status_code == 200


def test_the_schema_documents_the_otp_field():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    body = schema["components"]["schemas"]["TokenRequestRequest"]
    assert "otp" in body["properties"] and "otp" not in body["required"]
