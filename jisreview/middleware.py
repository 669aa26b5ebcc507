"""Request handling every view shares: the language (Japanese unless the user chose otherwise),
and the limits a request must keep to before any view sees it."""

from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import UnreadablePostError
from django.middleware.locale import LocaleMiddleware
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext as _

from jisreview.errors import error_response


class JapaneseFirstLocaleMiddleware(LocaleMiddleware):
    """Pages use the language the user picked (cookie), else Japanese. API clients may still ask
    for a language with Accept-Language, since for a program that header is a deliberate choice."""

    def process_request(self, request):
        if request.path_info.startswith("/api/"):
            return super().process_request(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _ in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class BodySizeLimitMiddleware:
    """Refuses, by its Content-Length and before anything reads it, a body larger than the
    application will take: DRF reads a JSON body whole without Django's DATA_UPLOAD_MAX_MEMORY_SIZE
    check, so this is the bound there. A multipart body (an upload) may be as large as
    UPLOAD_MAX_BYTES. The reverse proxy refuses larger bodies first; this holds without it.

    It also bounds the wait for a body: under gunicorn, the socket gets a read timeout of
    REQUEST_BODY_SECONDS and the body is read here, so one that never comes (a Content-Length
    larger than what is sent) is a 408 in that time, not a thread held until gunicorn's timeout
    and its HTML 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = (
            settings.UPLOAD_MAX_BYTES
            if request.content_type == "multipart/form-data"
            else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        )
        size = _content_length(request)
        if size > limit:
            message = _("The request is %(size)s; this site accepts at most %(limit)s.") % {
                "size": filesizeformat(size),
                "limit": filesizeformat(limit),
            }
            return error_response(request, 413, message)
        connection = request.META.get("gunicorn.socket")
        if not size or connection is None:
            return self.get_response(request)
        connection.settimeout(settings.REQUEST_BODY_SECONDS)
        try:
            try:
                _read_body(request)
            except UnreadablePostError:
                return _body_timed_out(request)
            return self.get_response(request)
        finally:
            connection.settimeout(None)  # the response is written without one, as before

    def process_exception(self, request, exception):
        """A body read later (a PUT upload that DRF parses) may time out too."""
        if isinstance(exception, UnreadablePostError):
            return _body_timed_out(request)
        return None


def _read_body(request) -> None:
    """Read the body now, within the socket's timeout: a form (an upload too) as Django parses
    it, into the upload handlers' temporary files, anything else into memory (at most
    DATA_UPLOAD_MAX_MEMORY_SIZE, checked above)."""
    if request.method == "POST" and request.content_type in (
        "multipart/form-data",
        "application/x-www-form-urlencoded",
    ):
        request.POST  # noqa: B018 (parsed and kept for the view)
    elif request.content_type != "multipart/form-data":
        request.body  # noqa: B018 (kept for the view)


def _body_timed_out(request):
    message = _(
        "The request's body did not arrive within %(seconds)d seconds (it is shorter than its "
        "Content-Length says); nothing was done."
    ) % {"seconds": settings.REQUEST_BODY_SECONDS}
    return error_response(request, 408, message)


def _content_length(request) -> int:
    # as Django reads it: a missing or malformed length is no body
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


class Utf8InputMiddleware:
    """Refuses a query string or form body whose percent-encoded bytes are not UTF-8 text (such as
    the encoded lone surrogate %ED%A0%80, or Shift_JIS): Django would quietly turn them into U+FFFD
    and search for, or store, something nobody typed. JSON bodies are checked by the parser."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raw_query = request.META.get("QUERY_STRING", "").encode("iso-8859-1", "replace")
        if not _is_utf8_form_encoded(raw_query):
            return error_response(
                request, 400, _("The address holds characters that are not valid UTF-8 text.")
            )
        if request.content_type == "application/x-www-form-urlencoded" and not (
            _is_utf8_form_encoded(request.body)
        ):
            return error_response(
                request, 400, _("The form holds characters that are not valid UTF-8 text.")
            )
        return self.get_response(request)


def _is_utf8_form_encoded(raw: bytes) -> bool:
    try:
        unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
