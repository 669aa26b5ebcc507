"""The JSON parser's checks, without a request: nesting depth counted without parsing, and where a
lone surrogate sits."""

import json

import pytest

from jisreview.parsers import lone_surrogate_at, nesting_depth


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("", 0),
        ('"text"', 0),
        ("[]", 1),
        ('{"a": [1, {"b": []}]}', 4),
        ('["[[[[", "]]"]', 1),  # brackets in strings nest nothing
        ('["a\\"[[[", {}]', 2),  # nor after an escaped quote
        ('["\\\\", [[]]]', 3),  # an escaped backslash ends before the closing quote
        ("[" * 100_000 + "]" * 100_000, 100_000),
        ("[[]][[[]]]", 3),  # the deepest point, not the last
    ],
)
def test_nesting_depth(text, depth):
    assert nesting_depth(text) == depth


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ('{"a": "ok", "b": ["ok", "\\ud800"]}', "b[1]"),
        ('{"answers": {"note": "x\\udfff"}}', "answers.note"),
        ('{"answers": {"\\udc00": 1}}', "answers"),
        ('"\\ud800"', "$"),
        ('["\\ud83d\\ude00", "日本語"]', None),  # a pair is one character
    ],
)
def test_lone_surrogate_at(text, path):
    assert lone_surrogate_at(json.loads(text)) == path
