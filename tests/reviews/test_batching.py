"""Cutting standards into batches and choosing reviewers, as plain data (reviews.survey.batching)."""

import pytest

from reviews.survey.batching import Item, Route, Unrouted, cut, routes_for

METI = Route("ministry", "METI", (1, 2))
MLIT = Route("ministry", "MLIT", (3,))
DIVISION_B = Route("division", "B", (4,))
BODY = Route("drafting_body", "日本ロボット工業会", (5,))
NAMES = {1: "aoki", 2: "baba", 3: "chiba", 4: "doi", 5: "endo"}


def item(key: int, division="C", ministries=("METI",), body="") -> Item:
    return Item(key, f"JIS {division} {1000 + key}", division, body, tuple(ministries))


@pytest.mark.parametrize(
    ("standard", "expected"),
    [
        (item(1, "B", body="日本ロボット工業会"), (BODY,)),  # the drafting body first
        (item(2, "B", body="他の団体"), (DIVISION_B,)),  # then the division
        (item(3, "C", ("METI",)), (METI,)),  # then the ministries
        (item(4, "C", ("METI", "MLIT")), (METI, MLIT)),  # all of them
        (item(5, "C", ("MHLW",)), ()),
        (item(6, "C", ()), ()),
    ],
)
def test_the_most_specific_rule_routes_a_standard(standard, expected):
    assert routes_for(standard, [METI, MLIT, DIVISION_B, BODY]) == expected


def test_a_rule_without_reviewers_routes_nothing():
    empty_body = Route("drafting_body", "日本ロボット工業会", ())
    assert routes_for(item(1, "B", body="日本ロボット工業会"), [empty_body, DIVISION_B]) == (
        DIVISION_B,
    )


def test_a_named_reviewer_takes_every_batch_cut_to_size():
    cuts = cut([item(k) for k in range(7)], max_size=3, reviewer=9)
    assert [len(c.items) for c in cuts] == [3, 3, 1]
    assert {c.reviewer for c in cuts} == {9} and all(c.routes == () for c in cuts)
    assert [i.key for c in cuts for i in c.items] == list(range(7))  # order kept


def test_a_batch_never_mixes_standards_of_different_rules():
    items = [item(1, ministries=("METI",)), item(2, ministries=("MLIT",)), item(3)]
    cuts = cut(items, max_size=10, routes=[METI, MLIT], names=NAMES)
    assert [([i.key for i in c.items], c.routes) for c in cuts] == [
        ([1, 3], (METI,)),
        ([2], (MLIT,)),
    ]
    assert [c.reviewer for c in cuts] == [1, 3]


def test_open_work_is_balanced_counting_the_batches_already_cut():
    cuts = cut([item(k) for k in range(12)], max_size=3, routes=[METI], load={1: 2}, names=NAMES)
    # aoki starts with 2 open; baba gets the first batch (0), then aoki (2 < 3), and so on
    assert [c.reviewer for c in cuts] == [2, 1, 2, 1]


def test_ties_go_to_the_first_by_name():
    cuts = cut([item(1)], max_size=5, routes=[Route("ministry", "METI", (2, 1))], names=NAMES)
    assert cuts[0].reviewer == 1


def test_a_standard_no_rule_covers_is_named():
    with pytest.raises(Unrouted) as caught:
        cut([item(1), item(2, ministries=("MHLW",))], max_size=5, routes=[METI])
    assert caught.value.item.number == "JIS C 1002"


def test_a_size_below_one_is_refused():
    with pytest.raises(ValueError, match="at least 1"):
        cut([item(1)], max_size=0, reviewer=1)
