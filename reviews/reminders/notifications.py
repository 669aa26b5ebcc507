"""Unread in-app notifications, counted once and cached, so showing the count costs pages no query."""

import logging

from django.core.cache import cache

from reviews.reminders.models import Notification

logger = logging.getLogger(__name__)


def _key(user_id: int) -> str:
    return f"reviews:unread:{user_id}"


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    try:
        count = cache.get(_key(user.pk))
    except Exception:  # the cache (Redis) is down: count from the database
        count = None
    if count is None:
        count = Notification.objects.filter(user=user, read_at=None).count()
        _quietly(cache.set, _key(user.pk), count, timeout=300)
    return count


def unread_count_clear(*user_ids: int) -> None:
    _quietly(cache.delete_many, [_key(user_id) for user_id in user_ids])


def _quietly(operation, *args, **kwargs) -> None:
    """A cache that is down must not stop a sweep or a page; the counts expire within minutes anyway."""
    try:
        operation(*args, **kwargs)
    except Exception as exc:
        logger.warning("cache unavailable: %s", exc)
