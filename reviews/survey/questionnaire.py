"""Questionnaires as data: checking a definition, its content hash, and validating answers against it.

Plain data in and out (no ORM). A definition is the JSON of fixtures/questionnaire_*.json:
questions with a key, a type, labels in Japanese and English, a required flag, choices, bounds, and
an optional condition `when: {"key": earlier question, "in": [values]}` — a conditional question is
shown, and required, only when the earlier answer is one of those values. An answer to a question
that is not shown is dropped, never refused.
"""

import hashlib
import json
import math
from collections.abc import Mapping

from django.utils.translation import gettext as _

from standards.dates import InvalidDate, parse_date

TYPES = ("single", "multiple", "yes_no", "number", "date", "short_text", "long_text", "scale")
CHOICE_TYPES = ("single", "multiple")
# One value from a fixed list: the questions the survey filters offer and the answer charts count.
SINGLE_ANSWER_TYPES = ("single", "yes_no")
SHORT_TEXT_MAX = 200
LONG_TEXT_MAX = 5000


class DefinitionError(ValueError):
    """The questionnaire definition itself is malformed."""


def content_hash(definition: Mapping) -> str:
    """SHA-256 of the definition's canonical JSON: equal content, equal hash."""
    canonical = json.dumps(definition, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def check_definition(definition: Mapping) -> None:
    """Raise DefinitionError naming the question at fault."""
    questions = definition.get("questions")
    if not isinstance(questions, list) or not questions:
        raise DefinitionError("A questionnaire needs a non-empty list of questions.")
    seen: dict[str, Mapping] = {}
    for index, question in enumerate(questions, start=1):
        key = question.get("key")
        where = f"question {index} ({key!r})"
        if not key or key in seen:
            raise DefinitionError(f"{where}: keys must be present and unique.")
        if question.get("type") not in TYPES:
            raise DefinitionError(f"{where}: type must be one of {', '.join(TYPES)}.")
        for text in ("label",):
            if not all(question.get(text, {}).get(lang) for lang in ("ja", "en")):
                raise DefinitionError(f"{where}: {text} needs Japanese and English.")
        if question["type"] in CHOICE_TYPES:
            values = [c.get("value") for c in question.get("choices", [])]
            if len(values) < 2 or len(set(values)) != len(values):
                raise DefinitionError(f"{where}: needs two or more choices with distinct values.")
        _check_condition(question.get("when"), seen, where)
        seen[key] = question


def _check_condition(when, seen: Mapping, where: str) -> None:
    if when is None:
        return
    earlier = seen.get(when.get("key"))
    if earlier is None or earlier["type"] not in (*CHOICE_TYPES, "yes_no"):
        raise DefinitionError(
            f"{where}: 'when' must refer to an earlier choice or yes/no question."
        )
    allowed = (
        {True, False} if earlier["type"] == "yes_no" else {c["value"] for c in earlier["choices"]}
    )
    if not when.get("in") or not set(when["in"]) <= allowed:
        raise DefinitionError(f"{where}: 'when' lists values that {earlier['key']!r} cannot take.")


def questions(definition: Mapping) -> list[Mapping]:
    return list(definition["questions"])


def is_shown(question: Mapping, answers: Mapping) -> bool:
    """A question without a condition is always shown; a conditional one when its condition holds."""
    when = question.get("when")
    if when is None:
        return True
    given = answers.get(when["key"])
    values = given if isinstance(given, list) else [given]
    return any(value in when["in"] for value in values if value is not None)


def shown_answers(definition: Mapping, answers: Mapping) -> dict:
    """The answers to the questions shown, given those answers. An answer to a question that is not
    shown is no answer: the reviewer said yes, ticked a procurer, then changed their mind to no.
    Conditions refer to earlier questions, so one pass in order also hides a question whose
    condition rests on a hidden one."""
    kept: dict = {}
    for question in definition["questions"]:
        key = question["key"]
        if key in answers and is_shown(question, kept):
            kept[key] = answers[key]
    return kept


def validate_answers(definition: Mapping, answers: Mapping, *, complete: bool) -> dict[str, str]:
    """Question key → message for each problem. With complete=False (a draft) missing answers are
    fine; with complete=True (a submission) every shown required question needs an answer.
    Answers to questions that are not shown are ignored (clean_answers drops them); answers to
    questions that do not exist are problems."""
    errors: dict[str, str] = {}
    known = {q["key"] for q in definition["questions"]}
    for key in answers:
        if key not in known:
            errors[key] = _("There is no such question.")
    shown = shown_answers(definition, {k: v for k, v in answers.items() if not _empty(v)})
    for question in definition["questions"]:
        key = question["key"]
        if not is_shown(question, shown):
            continue
        value = shown.get(key)
        if _empty(value):
            if complete and question.get("required"):
                errors[key] = _("This question needs an answer.")
            continue
        message = _check_value(question, value)
        if message:
            errors[key] = message
    return errors


def clean_answers(definition: Mapping, answers: Mapping) -> dict:
    """Drop empty answers and answers to questions that are not shown; store dates as ISO
    (2026-04-01), however they were written. Answers are validated before they are cleaned."""
    kept = shown_answers(definition, {k: v for k, v in answers.items() if not _empty(v)})
    return {
        key: _normal(q, kept[key]) for q in definition["questions"] if (key := q["key"]) in kept
    }


def _normal(question: Mapping, value):
    return parse_date(value).isoformat() if question["type"] == "date" else value


def _empty(value) -> bool:
    return value is None or value == "" or value == []


def _check_value(question: Mapping, value) -> str | None:
    kind = question["type"]
    checker = _CHECKERS[kind]
    return checker(question, value)


def _single(question, value):
    values = [c["value"] for c in question["choices"]]
    if value not in values:
        return _("Choose one of: %(values)s.") % {"values": ", ".join(values)}
    return None


def _multiple(question, value):
    values = [c["value"] for c in question["choices"]]
    if not isinstance(value, list) or not all(v in values for v in value):
        return _("Choose any of: %(values)s.") % {"values": ", ".join(values)}
    if len(set(value)) != len(value):
        return _("A choice is given twice.")
    return None


def _yes_no(question, value):
    return None if isinstance(value, bool) else _("Answer yes (true) or no (false).")


def _number(question, value, *, integer: bool = False):
    # no float() of an int: a 400-digit one overflows; no infinite float: JSON cannot store it
    is_number = not isinstance(value, bool) and (
        isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))
    )
    if not is_number or (integer and isinstance(value, float) and not value.is_integer()):
        return _("Give a whole number.") if integer else _("Give a number.")
    low, high = question.get("min"), question.get("max")
    if (low is not None and value < low) or (high is not None and value > high):
        return _("Give a number from %(min)s to %(max)s.") % {"min": low, "max": high}
    return None


def _scale(question, value):
    return _number({"min": 1, "max": 5, **question}, value, integer=True)


def _date(question, value):
    # the catalog's date forms only: Python's fromisoformat would also take 2026-W01-1 and 20260101
    if not isinstance(value, str):
        return _("Give a date as text, e.g. 2026-04-01 or 令和8年4月1日.")
    if len(value) > 40:  # no date is this long; do not echo all of it
        return _("「%(value)s…」 is not a date; write it as 2026-04-01 or 令和8年4月1日.") % {
            "value": value[:20]
        }
    try:
        parse_date(value)
    except InvalidDate as exc:
        return str(exc)
    return None


def _text(limit: int):
    def check(question, value):
        if not isinstance(value, str):
            return _("Give text.")
        if "\x00" in value:  # PostgreSQL cannot store it in JSON
            return _("Null characters are not allowed.")
        if len(value) > limit:
            return _("Keep it within %(limit)d characters.") % {"limit": limit}
        return None

    return check


_CHECKERS = {
    "single": _single,
    "multiple": _multiple,
    "yes_no": _yes_no,
    "number": _number,
    "scale": _scale,
    "date": _date,
    "short_text": _text(SHORT_TEXT_MAX),
    "long_text": _text(LONG_TEXT_MAX),
}
