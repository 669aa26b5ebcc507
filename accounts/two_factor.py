"""Two-factor authentication: an authenticator app (TOTP) per user and ten single-use recovery codes,
stored as django-otp's TOTP and static devices. Who must use it, setting it up, checking a code."""

import base64
import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.api_tokens import api_tokens_revoke_all
from accounts.roles import is_coordinator

RECOVERY_CODE_COUNT = 10
# What a signed-in session still owes before it may do anything else.
VERIFY = "verify"  # the user has an authenticator: a code from it (or a recovery code)
SET_UP = "set_up"  # the user must have one and has none yet
TOTP_CODE = re.compile(r"[0-9]{6}")


def two_factor_required(user) -> bool:
    """Coordinators and administrators may not go without a second factor when the site requires
    it (settings.REQUIRE_2FA, off in demo mode)."""
    return settings.REQUIRE_2FA and (is_coordinator(user) or user.is_staff)


def totp_device(user) -> TOTPDevice | None:
    """The user's confirmed authenticator, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_two_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def two_factor_owed(user) -> str:
    """VERIFY, SET_UP, or "" when a password is all this user needs."""
    if has_two_factor(user):
        return VERIFY
    if two_factor_required(user):
        return SET_UP
    return ""


@transaction.atomic
def totp_device_start(*, user, restart: bool = False) -> TOTPDevice:
    """The authenticator being set up, made on the first call. Until confirmed it does not count:
    reloading the set-up page shows the same secret, so a code already scanned keeps working.
    `restart` draws a new secret (a scan gone wrong, or too many wrong codes to wait for)."""
    unconfirmed = TOTPDevice.objects.filter(user=user, confirmed=False)
    if restart:
        unconfirmed.delete()
    device = unconfirmed.order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm a new authenticator with a first code from it, or None if the code is wrong. It then
    replaces any earlier authenticator, fresh recovery codes replace the old ones (returned, to be
    shown once), and the API tokens obtained with a password alone are revoked."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if not device.verify_token(normalise_code(code)):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
    api_tokens_revoke_all(user=device.user)
    return recovery_codes_issue(user=device.user)


@transaction.atomic
def recovery_codes_issue(*, user) -> list[str]:
    """Ten new recovery codes for the user (the old ones stop working), returned to be shown once:
    only these rows hold them. Each works once, in place of a code from the authenticator."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    codes: set[str] = set()
    while len(codes) < RECOVERY_CODE_COUNT:
        codes.add(StaticToken.random_token())
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return sorted(codes)


@transaction.atomic
def two_factor_remove(*, user) -> None:
    """Turn two-factor authentication off: the authenticator and the recovery codes go."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


@dataclass(frozen=True)
class Verification:
    device: Device | None = None
    # seconds before another code is checked, after too many wrong ones (nothing was checked)
    retry_after: int = 0

    @property
    def used_recovery_code(self) -> bool:
        return isinstance(self.device, StaticDevice)


@transaction.atomic
def two_factor_verify(*, user, code: str) -> Verification:
    """Check a code against the user's authenticator (six digits) or recovery codes (anything else;
    a recovery code is used up). A code is checked against one device only, so a recovery code
    does not count as a wrong authenticator code; each device slows down wrong guesses itself
    (django-otp's throttling: 1, 2, 4, 8 … seconds)."""
    code = normalise_code(code)
    model = TOTPDevice if TOTP_CODE.fullmatch(code) else StaticDevice
    device = model.objects.select_for_update().filter(user=user, confirmed=True).first()
    if device is None:
        return Verification()
    allowed, details = device.verify_is_allowed()
    if not allowed:
        locked_until = (details or {}).get("locked_until")
        wait = (locked_until - timezone.now()).total_seconds() if locked_until else 1
        return Verification(retry_after=max(1, int(wait + 0.999)))
    return Verification(device=device if device.verify_token(code) else None)


def normalise_code(code) -> str:
    """A code as typed: full-width digits from a Japanese input method, spaces and hyphens (as the
    recovery codes are shown) and capitals are all accepted."""
    text = unicodedata.normalize("NFKC", str(code or ""))
    return re.sub(r"[\s\-]", "", text).lower()


def secret_text(device: TOTPDevice) -> str:
    """The secret as an authenticator app asks for it when typed in: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
