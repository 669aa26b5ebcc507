"""The unread count beside the bell in every page's header, read only when a template shows it."""

from functools import partial

from reviews.reminders.notifications import unread_count


def notifications(request) -> dict:
    # a callable: the template calls it when it draws the bell, so a page without one costs nothing
    return {"unread_notifications": partial(unread_count, getattr(request, "user", None))}
