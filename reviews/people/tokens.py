"""The invitation link's token: the invitation's id and a fingerprint of the user's password hash
and last sign-in, signed with the time it was made. It is made when the e-mail is rendered and never
stored; setting a password or signing in changes the fingerprint, so a link works once. No ORM here:
callers load the rows."""

from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "reviews.people.invitation"


class TokenProblem(Exception):
    """Why a token opens nothing: "invalid" (tampered or mangled) or "expired"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _fingerprint(user) -> str:
    # the password hash changes when a password is set (an unusable one is random per user), and
    # the last sign-in when the person signs in some other way: either ends the link
    signed_in = int(user.last_login.timestamp()) if user.last_login else ""
    state = f"{user.pk}:{user.password}:{user.is_active}:{signed_in}"
    return salted_hmac(SALT, state).hexdigest()[:20]


def token_make(invitation) -> str:
    return signing.TimestampSigner(salt=SALT).sign(
        f"{invitation.pk}.{_fingerprint(invitation.user)}"
    )


def token_read(token: str, *, max_age_days: int) -> tuple[int, str]:
    """The invitation id and the fingerprint the token carries; TokenProblem if it was tampered
    with or is older than `max_age_days`."""
    try:
        value = signing.TimestampSigner(salt=SALT).unsign(token, max_age=max_age_days * 86400)
    except signing.SignatureExpired:
        raise TokenProblem("expired") from None
    except signing.BadSignature:
        raise TokenProblem("invalid") from None
    pk, _dot, fingerprint = value.partition(".")
    if not pk.isdigit() or not fingerprint:
        raise TokenProblem("invalid")
    return int(pk), fingerprint


def fingerprint_matches(user, fingerprint: str) -> bool:
    """False once the user's password, active state or last sign-in changed since the token was
    made."""
    return constant_time_compare(_fingerprint(user), fingerprint)
