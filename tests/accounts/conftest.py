"""Helpers for the sign-in tests: an authenticator app, played by the test."""

import pytest
from django.core.cache import cache
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor

LOGIN = "/accounts/login/"
VERIFY = "/accounts/login/verify/"
SETUP = "/accounts/two-factor/setup/"


def code_from(device: TOTPDevice) -> str:
    """What the app shows now for this device (the tests move the clock between codes: a code is
    accepted once)."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):0{device.digits}d}"


def code_from_secret(secret: str) -> str:
    """What the app shows now, from the secret as the set-up page prints it."""
    import base64

    key = base64.b32decode(secret.replace(" ", ""))
    return f"{totp(key):06d}"


@pytest.fixture
def authenticator():
    """Give a user a confirmed authenticator app and recovery codes, as the set-up page does:
    authenticator(user) -> (device, recovery codes)."""

    def set_up(user):
        device = two_factor.totp_device_start(user=user)
        codes = two_factor.totp_device_confirm(device=device, code=code_from(device))
        assert codes is not None
        device.refresh_from_db()
        return device, codes

    return set_up


def forget_request_counts() -> None:
    """No reset requests counted yet: the cache outlives a test."""
    if hasattr(cache, "delete_pattern"):  # django-redis: this run's counters only
        cache.delete_pattern("accounts:throttle:*")
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def _fresh_request_counts():
    forget_request_counts()


@pytest.fixture(autouse=True)
def _english_pages(settings):
    """Pages in English, the messages' source language, for a browser that has not chosen one
    (a test that needs Japanese sets the language cookie)."""
    settings.LANGUAGE_CODE = "en"
