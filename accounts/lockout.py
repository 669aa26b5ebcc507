"""The answer to a login that django-axes has locked out: JSON for the API, a page for people."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout_response(request, credentials, *args, **kwargs):
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    message = _(
        "Too many wrong passwords for this user name from this address. "
        "Try again in %(minutes)d minutes, or ask an administrator to unlock it."
    ) % {"minutes": seconds // 60}
    headers = {"Retry-After": str(seconds)}
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429, headers=headers)
    response = render(request, "registration/locked_out.html", {"message": message}, status=429)
    response["Retry-After"] = headers["Retry-After"]
    return response
