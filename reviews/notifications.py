"""Unread in-app notifications, counted once and cached, so showing the count costs pages no query."""

from django.core.cache import cache

from reviews.models import Notification


def _key(user_id: int) -> str:
    return f"reviews:unread:{user_id}"


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    count = cache.get(_key(user.pk))
    if count is None:
        count = Notification.objects.filter(user=user, read_at=None).count()
        cache.set(_key(user.pk), count, timeout=300)
    return count


def unread_count_clear(*user_ids: int) -> None:
    cache.delete_many([_key(user_id) for user_id in user_ids])
