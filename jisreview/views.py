"""Project-level endpoints: the home redirect, the health check, and the error handlers."""

import sys

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError, connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from rest_framework.exceptions import APIException, NotFound
from rest_framework.exceptions import PermissionDenied as DRFPermissionDenied

from accounts.views import landing_url
from jisreview.celery import app as celery_app
from jisreview.errors import error_response, is_api


def home(request):
    return redirect(landing_url(request.user))


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


def bad_request(request, exception):
    """handler400, for what Django refuses itself (a body over DATA_UPLOAD_MAX_MEMORY_SIZE, too many
    fields, a bad Host). A body too large is a 413, as the request size middleware answers it."""
    if isinstance(exception, RequestDataTooBig):
        return error_response(request, 413, _("The request is larger than this site accepts."))
    if is_api(request):
        return error_response(request, 400, _("Bad request."))
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    """handler403, for PermissionDenied raised by a view: JSON under /api/, elsewhere a page in the
    user's language with the site's navigation and the reason the view gave, if any."""
    if is_api(request):
        return error_response(request, 403, str(DRFPermissionDenied.default_detail))
    return render(request, "403.html", {"reason": str(exception)}, status=403)


def page_not_found(request, exception):
    """handler404. Under /api/ a URL that matches no route (/api/standards/1.5/) is answered in
    JSON like every other API error; elsewhere a page in the user's language with the site's
    navigation, so the way on is one click away."""
    if is_api(request):
        return error_response(request, 404, str(NotFound.default_detail))
    return render(request, "404.html", status=404)


def server_error(request):
    """handler500. A database that is restarting or unreachable is a 503 with Retry-After, since
    trying again shortly will work; anything else is a 500. Neither says more (the log has the
    traceback)."""
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        # the language came from the cookie or the header, so the message needs no database
        response = error_response(
            request, 503, _("The database is unavailable for a moment; please try again shortly.")
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if is_api(request):
        return error_response(request, 500, str(APIException.default_detail))
    return defaults.server_error(request)
