"""Answers validated against their questionnaire version: types, choices, required, conditions."""

import copy

import pytest

from reviews.survey.questionnaire import (
    DefinitionError,
    check_definition,
    clean_answers,
    content_hash,
    validate_answers,
)


def label(text):
    return {"ja": text, "en": text}


FORM = {
    "code": "test",
    "title": label("test"),
    "questions": [
        {
            "key": "action",
            "type": "single",
            "label": label("action"),
            "required": True,
            "choices": [{"value": v, "label": label(v)} for v in ("confirm", "revise", "withdraw")],
        },
        {
            "key": "reason",
            "type": "long_text",
            "label": label("reason"),
            "required": True,
            "when": {"key": "action", "in": ["revise", "withdraw"]},
        },
        {
            "key": "users",
            "type": "multiple",
            "label": label("users"),
            "required": True,
            "choices": [{"value": v, "label": label(v)} for v in ("state", "local", "other")],
        },
        {
            "key": "detail",
            "type": "short_text",
            "label": label("detail"),
            "required": False,
            "when": {"key": "users", "in": ["other"]},
        },
        {"key": "cited", "type": "yes_no", "label": label("cited"), "required": True},
        {
            "key": "count",
            "type": "number",
            "label": label("count"),
            "required": False,
            "min": 0,
            "max": 100,
            "when": {"key": "cited", "in": [True]},
        },
        {"key": "checked_on", "type": "date", "label": label("checked"), "required": False},
        {
            "key": "confidence",
            "type": "scale",
            "label": label("confidence"),
            "required": True,
            "min": 1,
            "max": 5,
        },
    ],
}
COMPLETE = {"action": "confirm", "users": ["state"], "cited": False, "confidence": 4}


def test_a_complete_answer_set_passes():
    assert validate_answers(FORM, COMPLETE, complete=True) == {}


@pytest.mark.parametrize(
    ("answers", "complete", "errors"),
    [
        ({}, False, set()),  # an empty draft is fine
        ({}, True, {"action", "users", "cited", "confidence"}),
        ({**COMPLETE, "action": "revise"}, True, {"reason"}),  # conditional and now required
        ({**COMPLETE, "action": "revise", "reason": "outdated"}, True, set()),
        # answered, then hidden by a change of mind: not an answer, so not a reason to refuse
        ({**COMPLETE, "reason": "not asked"}, True, set()),
        ({**COMPLETE, "reason": "x" * 6000}, True, set()),  # not even an invalid one
        ({**COMPLETE, "action": "abolish"}, False, {"action"}),
        ({**COMPLETE, "users": ["state", "state"]}, False, {"users"}),
        ({**COMPLETE, "users": "state"}, False, {"users"}),
        ({**COMPLETE, "users": ["other"], "detail": "港湾局"}, True, set()),
        ({**COMPLETE, "cited": "yes"}, False, {"cited"}),
        ({**COMPLETE, "cited": True, "count": 101}, False, {"count"}),
        ({**COMPLETE, "cited": True, "count": True}, False, {"count"}),
        ({**COMPLETE, "cited": True, "count": 12}, True, set()),
        ({**COMPLETE, "checked_on": "2026-02-30"}, False, {"checked_on"}),
        ({**COMPLETE, "checked_on": "2026-11-28"}, True, set()),
        ({**COMPLETE, "checked_on": "2026/11/28"}, True, set()),
        ({**COMPLETE, "checked_on": "令和8年11月28日"}, True, set()),
        ({**COMPLETE, "checked_on": "2026-W01-1"}, False, {"checked_on"}),  # an ISO week date
        ({**COMPLETE, "checked_on": "20260101"}, False, {"checked_on"}),  # ISO basic format
        ({**COMPLETE, "checked_on": "2026-01-01T00:00"}, False, {"checked_on"}),
        ({**COMPLETE, "checked_on": 20260101}, False, {"checked_on"}),
        ({**COMPLETE, "confidence": 6}, False, {"confidence"}),
        ({**COMPLETE, "confidence": 2.5}, False, {"confidence"}),
        ({**COMPLETE, "confidence": 10**400}, False, {"confidence"}),  # float() would overflow
        ({**COMPLETE, "cited": True, "count": float("inf")}, False, {"count"}),
        ({**COMPLETE, "users": ["other"], "detail": "港湾\x00局"}, False, {"detail"}),
        ({**COMPLETE, "colour": "blue"}, False, {"colour"}),
    ],
)
def test_validation_names_each_question_at_fault(answers, complete, errors):
    assert set(validate_answers(FORM, answers, complete=complete)) == errors


def test_clean_drops_empty_and_no_longer_shown_answers():
    answers = {**COMPLETE, "reason": "left over", "detail": "", "users": ["state"]}
    assert clean_answers(FORM, answers) == COMPLETE


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2026-W01-1", "「2026-W01-1」 is not a date; write it as 2016-03-22"),
        ("20260101", "「20260101」 is not a date"),
        ("2026-02-30", "「2026-02-30」 is not a real calendar date"),
        ("2026" * 100, "「20262026202620262026…」 is not a date"),
    ],
)
def test_a_refused_date_quotes_what_was_written(typed, message):
    errors = validate_answers(FORM, {**COMPLETE, "checked_on": typed}, complete=False)
    assert errors["checked_on"].startswith(message)


@pytest.mark.parametrize(
    "typed", ["2026-04-01", "2026/4/1", "２０２６年４月１日", "R8.4.1", "令和8年4月1日"]
)
def test_clean_stores_dates_as_iso(typed):
    assert clean_answers(FORM, {**COMPLETE, "checked_on": typed})["checked_on"] == "2026-04-01"


def test_content_hash_is_stable_and_sensitive():
    same = copy.deepcopy(FORM)
    assert content_hash(same) == content_hash(FORM)
    same["questions"][0]["label"]["ja"] = "推奨する措置"
    assert content_hash(same) != content_hash(FORM)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f["questions"].append(copy.deepcopy(f["questions"][0])), "unique"),
        (lambda f: f["questions"][0].update(type="colour"), "type must be"),
        (
            lambda f: f["questions"][0].update(choices=[{"value": "a", "label": label("a")}]),
            "two or more choices",
        ),
        (
            lambda f: f["questions"][3].update(when={"key": "users", "in": ["revise"]}),
            "cannot take",
        ),
        (lambda f: f["questions"][0].update(when={"key": "reason", "in": ["x"]}), "earlier"),
        (lambda f: f["questions"][0]["label"].pop("en"), "Japanese and English"),
    ],
)
def test_malformed_definitions_are_refused(change, message):
    broken = copy.deepcopy(FORM)
    change(broken)
    with pytest.raises(DefinitionError, match=message):
        check_definition(broken)


def test_a_change_of_mind_drops_the_answers_it_hides():
    # 「公共調達で使用されていますか」 はい, a procurer ticked, then いいえ: the procurer questions hide
    from tests.reviews.data import COMPLETE as REAL_COMPLETE
    from tests.reviews.data import FORM as REAL_FORM

    changed = {**REAL_COMPLETE, "used_in_procurement": "no", "could_be_used": "with_conditions"}
    assert validate_answers(REAL_FORM, changed, complete=True) == {}
    cleaned = clean_answers(REAL_FORM, changed)
    assert cleaned["used_in_procurement"] == "no"
    assert not {"procurers", "procurers_detail", "procurement_use"} & set(cleaned)


def test_a_question_hidden_through_a_hidden_question_is_dropped_too():
    # could_be_used shows only when not used in procurement; obstacles only after could_be_used
    from tests.reviews.data import COMPLETE as REAL_COMPLETE
    from tests.reviews.data import FORM as REAL_FORM

    stale = {**REAL_COMPLETE, "could_be_used": "no", "obstacles": "x" * 6000}  # used: yes
    assert validate_answers(REAL_FORM, stale, complete=True) == {}
    assert clean_answers(REAL_FORM, stale) == REAL_COMPLETE
