"""Project-level endpoints: the home redirect, the health check, the API token and the 404 and 500
handlers."""

import sys

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import NotFound, ValidationError

from accounts.lockout import lockout_response
from jisreview.celery import app as celery_app


def home(request):
    return redirect("standards:list")


def _database_ok() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return None
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}".strip()


# A health check must answer before its caller gives up: one attempt, each socket step bounded.
BROKER_CHECK_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}


def _broker_ok() -> str | None:
    try:
        with celery_app.connection_for_write() as conn:
            conn.transport_options = {**conn.transport_options, **BROKER_CHECK_OPTIONS}
            conn.ensure_connection(max_retries=0)
        return None
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}".strip()


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """200 when the database and the broker answer; 503 naming whichever does not."""
    problems = {
        name: error
        for name, error in (("database", _database_ok()), ("broker", _broker_ok()))
        if error
    }
    body = {
        "status": "ok" if not problems else "unavailable",
        "database": "ok" if "database" not in problems else problems["database"],
        "broker": "ok" if "broker" not in problems else problems["broker"],
    }
    if settings.DEBUG is False and problems:
        body = {k: (v if v == "ok" or k == "status" else "unreachable") for k, v in body.items()}
    return JsonResponse(body, status=200 if not problems else 503)


RETRY_AFTER_SECONDS = 5


def server_error(request):
    """handler500. A database that is restarting or unreachable is a 503 with Retry-After, since
    trying again shortly will work; anything else is Django's plain 500. Neither shows a traceback
    (the log has it)."""
    if not isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return defaults.server_error(request)
    # the language came from the cookie or the header, so the message needs no database
    message = _("The database is unavailable for a moment; please try again shortly.")
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=503)
    else:
        response = HttpResponse(
            f'<!doctype html><html lang="{get_language()}"><meta charset="utf-8">'
            f"<title>503</title><h1>503</h1><p>{escape(message)}</p></html>",
            status=503,
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def page_not_found(request, exception):
    """handler404. Under /api/ a URL that matches no route (/api/standards/1.5/) is answered in
    JSON like every other API error; elsewhere Django's page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
    return defaults.page_not_found(request, exception)


class ObtainTokenView(ObtainAuthToken):
    """POST username and password, receive {"token": …} for the Authorization: Token header."""

    @extend_schema(
        request=inline_serializer(
            "TokenRequest",
            {"username": serializers.CharField(), "password": serializers.CharField()},
        ),
        responses={
            200: inline_serializer("TokenResponse", {"token": serializers.CharField()}),
            429: OpenApiResponse(
                inline_serializer("LockedOut", {"detail": serializers.CharField()}),
                description="Too many wrong passwords for this user name from this address",
            ),
        },
        tags=["auth"],
    )
    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except ValidationError:
            # django-axes marks the request it was given when this attempt is (or hits) a lock-out
            if getattr(request, "axes_locked_out", False):
                return lockout_response(request._request, None)
            raise
