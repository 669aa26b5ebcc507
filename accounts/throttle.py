"""Counting requests that must not repeat without limit (password reset e-mails), in fixed one-hour
windows kept in the cache. A cache that is down counts nothing and refuses nothing: the limit is a
brake on mail floods; what protects the account is the single-use, expiring link."""

import hashlib
import logging
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 3600


def throttle_hit(*, scope: str, key: str, limit: int, now: float | None = None) -> bool:
    """Count one request for `key` (an address, a client address) in the current window; False
    when that makes more than `limit`. The key is hashed: the cache holds no e-mail addresses."""
    now = time.time() if now is None else now
    window = int(now // WINDOW_SECONDS)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"accounts:throttle:{scope}:{window}:{digest}"
    try:
        # the window's number is in the key, so the count starts again with each window whatever
        # the cache's own clock says; the timeout only clears old windows away
        cache.add(cache_key, 0, timeout=WINDOW_SECONDS + 60)
        count = cache.incr(cache_key)
    except Exception as exc:  # Redis away, or the key evicted between add and incr
        logger.warning("request counter unavailable (%s): not limiting %s", exc, scope)
        return True
    if count is None:  # django-redis with IGNORE_EXCEPTIONS answers None when Redis is down
        return True
    return count <= limit


def throttle_retry_after(now: float | None = None) -> int:
    """Seconds until the current window ends and the counts start again."""
    now = time.time() if now is None else now
    return WINDOW_SECONDS - int(now % WINDOW_SECONDS)
