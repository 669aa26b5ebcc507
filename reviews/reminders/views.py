"""Reminder screens: the coordinators' log of what was sent to whom, and a user's notifications."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.roles import is_coordinator
from reviews.reminders import selectors, services
from reviews.reminders.models import Reminder


@require_GET
def reminder_log(request):
    """Coordinators: what was sent to whom, and what failed."""
    if not is_coordinator(request.user):
        raise PermissionDenied
    status = request.GET.get("status", "")
    page = Paginator(selectors.reminder_log(status), 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reviews/reminders.html",
        {
            "page": page,
            "failed": selectors.failed_count(),
            "status": status,
            "statuses": Reminder.Status.choices,
            "query": query.urlencode(),
        },
    )


@require_http_methods(["GET", "POST"])
def notification_list(request):
    """A user's in-app reminders; the button on the list marks them read."""
    if request.method == "POST":
        services.notifications_mark_read(user=request.user)
        return redirect("reviews:notifications")
    notifications = selectors.notifications_for(request.user)
    return render(request, "reviews/notifications.html", {"notifications": notifications})
