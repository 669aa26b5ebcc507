"""An uploaded roster kept between its preview and its confirmation, for the coordinator who
uploaded it, for KEEP_SECONDS: the confirmation imports exactly the bytes that were checked."""

import secrets

from django.core.cache import cache

KEEP_SECONDS = 3600
_KEY = "reviews:roster-upload:{token}"


def upload_keep(*, user, data: bytes, filename: str, deactivate_missing: bool) -> str:
    token = secrets.token_urlsafe(16)
    kept = {
        "user": user.pk,
        "data": data,
        "filename": filename,
        "deactivate_missing": deactivate_missing,
    }
    cache.set(_KEY.format(token=token), kept, KEEP_SECONDS)
    return token


def upload_take(*, user, token: str) -> dict | None:
    """The upload kept for this user under `token` (and forget it), or None when it has expired,
    was already imported, or is someone else's."""
    key = _KEY.format(token=token)
    kept = cache.get(key)
    if not kept or kept["user"] != user.pk:
        return None
    # of two confirmations at once (a double click), only the one that deletes the key imports
    return kept if cache.delete(key) else None
