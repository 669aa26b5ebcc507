"""Drafting bodies: one body however it is written; several bodies in one cell are several."""

import pytest

from standards.bodies import body_key, normalise_body_name, split_bodies

ROBOTS = "一般社団法人日本ロボット工業会"


@pytest.mark.parametrize(
    "written",
    [
        "一般社団法人日本ロボット工業会",
        "一般社団法人　日本ロボット工業会",  # U+3000
        "一般社団法人 日本ロボット工業会",
        "  一般社団法人   日本ロボット工業会  ",
        "（一社）日本ロボット工業会",
        "(一社)日本ロボット工業会",
        "(一社) 日本ロボット工業会",
        "一般社団法人日本ロボット 工業会",
    ],
)
def test_one_spelling_per_body(written):
    assert normalise_body_name(written) == ROBOTS


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("一般社団法人日本ロボット工業会", "日本ロボット工業会"),
        (
            "社団法人日本ロボット工業会",
            "一般社団法人日本ロボット工業会",
        ),  # renamed by the 2008 reform
        ("㈳日本ロボット工業会", "一般社団法人　日本ロボット工業会"),
        ("ＪＩＳＣ", "jisc"),
        ("The Japan Society", "the japan society"),
    ],
)
def test_the_legal_form_case_and_width_do_not_make_another_body(one, other):
    assert body_key(one) == body_key(other)


def test_different_bodies_stay_different():
    assert body_key("一般社団法人日本電機工業会") != body_key("一般社団法人日本電線工業会")


@pytest.mark.parametrize(
    ("cell", "bodies"),
    [
        ("一般社団法人日本ロボット工業会", [ROBOTS]),
        # a line break inside one name: the legal form alone on its line
        ("一般社団法人\n日本ロボット工業会", [ROBOTS]),
        ("（一社）\r\n日本ロボット工業会", [ROBOTS]),
        # ・ sits inside real names
        (
            "一般社団法人日本建材・住宅設備産業協会",
            ["一般社団法人日本建材・住宅設備産業協会"],
        ),
        (
            "一般社団法人ビジネス機械・情報システム産業協会",
            ["一般社団法人ビジネス機械・情報システム産業協会"],
        ),
        # two bodies, joined every way lists join them
        (
            "一般社団法人日本電機工業会\n一般社団法人日本電線工業会",
            ["一般社団法人日本電機工業会", "一般社団法人日本電線工業会"],
        ),
        (
            "一般社団法人日本電機工業会・一般社団法人日本電線工業会",
            ["一般社団法人日本電機工業会", "一般社団法人日本電線工業会"],
        ),
        (
            "一般社団法人日本電機工業会；一般財団法人日本規格協会",
            ["一般社団法人日本電機工業会", "一般財団法人日本規格協会"],
        ),
        (
            "一般社団法人日本電機工業会、公益社団法人土木学会",
            ["一般社団法人日本電機工業会", "公益社団法人土木学会"],
        ),
        (
            "一般社団法人日本電機工業会 一般社団法人日本電線工業会",
            ["一般社団法人日本電機工業会", "一般社団法人日本電線工業会"],
        ),
        (
            "一般社団法人日本電機工業会及び(一財)日本規格協会",
            ["一般社団法人日本電機工業会", "一般財団法人日本規格協会"],
        ),
        # the same body twice, however written, is one
        ("一般社団法人日本ロボット工業会；（一社）日本ロボット工業会", [ROBOTS]),
        ("", []),
        ("  \n ", []),
    ],
)
def test_bodies_in_one_cell(cell, bodies):
    assert split_bodies(cell) == bodies
