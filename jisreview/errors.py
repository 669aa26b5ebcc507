"""Answers given outside a view (a refused request, the 4xx and 5xx handlers): JSON like every
other API error under /api/, a short page elsewhere. They need no database and no template
context, since they are also what a request gets when those have failed."""

from django.http import HttpResponse, JsonResponse
from django.utils.html import escape
from django.utils.translation import get_language


def is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def error_response(request, status: int, message: str) -> HttpResponse:
    if is_api(request):
        return JsonResponse({"detail": message}, status=status)
    return HttpResponse(
        f'<!doctype html><html lang="{get_language()}"><meta charset="utf-8">'
        f"<title>{status}</title><h1>{status}</h1><p>{escape(message)}</p></html>",
        status=status,
    )
