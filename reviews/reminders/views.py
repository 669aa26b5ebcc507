"""Reminder screens: the coordinators' log of what was sent to whom (a failed e-mail offered again)
and of what the next sweep will send, and a user's notifications, each linking to the assignments
it is about."""

import dataclasses

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import is_coordinator
from reviews.reminders import selectors, services
from reviews.reminders.models import Reminder
from reviews.survey.filters import id_ranges

PAGE_SIZE = 100


def _coordinator_only(request) -> None:
    if not is_coordinator(request.user):
        raise PermissionDenied


@require_GET
def reminder_log(request):
    """Coordinators: what was sent to whom and what failed, and what the next sweep will send."""
    _coordinator_only(request)
    status = request.GET.get("status", "")
    page = Paginator(selectors.reminder_log(status), PAGE_SIZE).get_page(request.GET.get("page"))
    numbers = selectors.standard_numbers(page.object_list)
    for reminder in page.object_list:
        reminder.items = _items(reminder, numbers)
    upcoming = selectors.next_sweep(today=timezone.localdate())
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
            "next_day": upcoming.day,
            "next_digests": [
                {
                    "recipient": recipient,
                    "parts": _parts(
                        Reminder(
                            kind=Reminder.Kind.DAILY_DIGEST,
                            notices=[dataclasses.asdict(notice) for notice in notices],
                        )
                    ),
                    "numbers": [upcoming.numbers.get(n.assignment_id, "?") for n in notices],
                }
                for recipient, notices in upcoming.digests.items()
            ],
            "here": request.get_full_path(),
        },
    )


@require_POST
def reminder_resend(request, pk: int, enqueue=None):
    """Coordinators: send a failed e-mail again (`enqueue` is the doorbell reviews/urls.py hands in)."""
    _coordinator_only(request)
    try:
        reminder = services.reminder_resend(reminder_id=pk, by=request.user, enqueue=enqueue)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("The e-mail to %(recipient)s is on its way again.")
            % {"recipient": reminder.recipient},
        )
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("reviews:reminders")
    return redirect(back)


@require_http_methods(["GET", "POST"])
def notification_list(request):
    """A user's in-app reminders, each part linking to the assignments it counts; the button on the
    list marks them read."""
    if request.method == "POST":
        services.notifications_mark_read(user=request.user)
        return redirect("reviews:notifications")
    notifications = selectors.notifications_for(request.user)
    for notification in notifications:
        notification.parts = _parts(notification.reminder)
    return render(request, "reviews/notifications.html", {"notifications": notifications})


def _parts(reminder: Reminder) -> list[dict]:
    """The reminder in words, a part per kind of notice ("3 overdue"), each with the link to the
    assignments list filtered to those assignments. A decision notice is one part, leading where
    its model says."""
    if reminder.kind == Reminder.Kind.DECISION:
        return [{"text": reminder.summary(), "url": reminder.decision_url()}]
    kinds = sorted({notice["kind"] for notice in reminder.notices})
    parts = []
    for kind in kinds:
        notices = [n for n in reminder.notices if n["kind"] == kind]
        text = Reminder(kind=reminder.kind, notices=notices).summary()
        if not text:
            continue
        ids = id_ranges(n["assignment_id"] for n in notices)
        parts.append({"text": text, "url": f"{reverse('reviews:assignments')}?ids={ids}"})
    return parts


def _items(reminder: Reminder, numbers: dict[int, str]) -> list[str]:
    """The standard numbers an e-mail told about, in its order."""
    return [
        n.get("number") or numbers.get(n.get("assignment_id"), "?")
        for n in reminder.notices
        if "assignment_id" in n or n.get("number")  # an invitation names no standard
    ]
