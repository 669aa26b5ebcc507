"""The rules around passwords that are not Django's own: how often a reset may be asked for."""

from axes.helpers import get_client_ip_address
from django.conf import settings

from accounts.throttle import throttle_hit


def client_address(request) -> str:
    """The client's address as the login lock-out sees it (behind JISREVIEW_TRUSTED_PROXIES
    proxies, read from X-Forwarded-For), so both limits key on the same thing."""
    return get_client_ip_address(request) or "unknown"


def password_reset_request_allowed(*, email: str, client: str, now: float | None = None) -> bool:
    """Count a reset request against both its address and its client; False when either is over
    its hourly limit. Every request counts, whether or not an account has the address, so the
    answer says nothing about which addresses exist."""
    by_address = throttle_hit(
        scope="password-reset-address",
        key=email.strip().lower(),
        limit=settings.PASSWORD_RESET_LIMIT_PER_ADDRESS,
        now=now,
    )
    by_client = throttle_hit(
        scope="password-reset-client",
        key=client,
        limit=settings.PASSWORD_RESET_LIMIT_PER_CLIENT,
        now=now,
    )
    return by_address and by_client
