"""The API's JSON parser: DRF's, refusing with a 400 what the standard library would turn into a
500 further on — nesting deep enough to exhaust the recursion limit, and lone surrogates, which
neither PostgreSQL nor the UTF-8 encoder of an error message can take."""

import re
from itertools import accumulate

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json

# The deepest API body is a questionnaire answer inside a list inside an object: a handful of
# levels. 64 leaves ample room and stays far below the interpreter's recursion limit, which
# json.loads, the serializers and json.dumps all recurse against.
MAX_DEPTH = 64

# A JSON string, whatever it holds (brackets in it do not nest anything): the unrolled form, so
# a long string is one linear scan.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def nesting_depth(text: str) -> int:
    """How deep the arrays and objects of the JSON text nest, without parsing it (so without
    recursion): brackets inside strings do not count."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def lone_surrogate_at(data, path: str = "") -> str | None:
    """The path (e.g. `answers.note`, `ministry_codes[1]`) of the first key or string holding a
    lone surrogate, which is no character and cannot be stored or encoded; None if there is none.
    Recursion is safe: the depth was bounded before parsing."""
    if isinstance(data, str):
        return None if _encodable(data) else (path or "$")
    if isinstance(data, dict):
        for key, value in data.items():
            if not _encodable(key):
                return path or "$"
            found = lone_surrogate_at(value, f"{path}.{key}" if path else key)
            if found:
                return found
    if isinstance(data, list):
        for index, value in enumerate(data):
            found = lone_surrogate_at(value, f"{path}[{index}]")
            if found:
                return found
    return None


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding)
        except UnicodeDecodeError as exc:
            raise ParseError(
                _("The body is not valid %(encoding)s text: %(reason)s.")
                % {"encoding": encoding, "reason": exc.reason}
            ) from None
        # counting the brackets is quick, and few enough cannot nest too deep
        openings = text.count("[") + text.count("{")
        if openings > MAX_DEPTH and nesting_depth(text) > MAX_DEPTH:
            raise ParseError(
                _("The JSON nests deeper than %(max)d levels of arrays and objects.")
                % {"max": MAX_DEPTH}
            )
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise ParseError(_("JSON parse error - %(error)s") % {"error": exc}) from None
        # the message names where, never the value: echoing it would fail to encode in turn
        path = lone_surrogate_at(data)
        if path:
            raise ParseError(
                _(
                    "The text at %(path)s holds a lone surrogate (\\ud800–\\udfff), which is not a "
                    "character."
                )
                % {"path": _shorten(path)}
            )
        return data


def _shorten(path: str, limit: int = 200) -> str:
    return path if len(path) <= limit else path[: limit - 1] + "…"
