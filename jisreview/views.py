"""Project-level endpoints: the home redirect, the health check and the API token."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken

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


def _broker_ok() -> str | None:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
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


class ObtainTokenView(ObtainAuthToken):
    """POST username and password, receive {"token": …} for the Authorization: Token header."""

    @extend_schema(
        request=inline_serializer(
            "TokenRequest",
            {"username": serializers.CharField(), "password": serializers.CharField()},
        ),
        responses=inline_serializer("TokenResponse", {"token": serializers.CharField()}),
        tags=["auth"],
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)
