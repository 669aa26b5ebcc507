"""Roster rows, without a database: headers in either language, each kind of bad cell with its
line, column and value, duplicate e-mails, and drafting bodies the catalog does not know."""

import pytest

from reviews.roster.rows import COORDINATOR, MINISTRY_VIEWER, REVIEWER, read_roster
from standards.bodies import body_key
from standards.catalog_files import CatalogFileError
from tests.reviews.roster_data import ELECTRICAL, EN, JA, ROBOTS, STANDARDS_BODY

MINISTRIES = {"meti": "METI", "経済産業大臣": "METI", "経済産業省": "METI", "mlit": "MLIT"}
BODIES = {body_key(name): name for name in (ROBOTS, ELECTRICAL, STANDARDS_BODY)}
DIVISIONS = {"b": "B", "c": "C", "一般機械": "B", "y": "Y"}


def read(header, *rows):
    lines = [(1, header), *((n, list(r)) for n, r in enumerate(rows, start=2))]
    return read_roster(lines, ministries=MINISTRIES, bodies=BODIES, divisions=DIVISIONS)


FULL_ROW = ["Taro@Example.JP", "山田 太郎", "", "reviewer", "", "", "", ""]
SHORT_ROW = ["Taro@Example.JP", "山田 太郎", "reviewer"]


@pytest.mark.parametrize(
    "header, cells",
    [
        (EN, FULL_ROW),
        (JA, FULL_ROW),
        (["E-mail", "Name", "Role"], SHORT_ROW),
        (["ＥＭＡＩＬ", "氏名", "役割"], SHORT_ROW),
    ],
)
def test_headers_in_english_or_japanese(header, cells):
    report = read(header, cells)
    assert report.ok, report.errors
    assert report.people[0].email == "taro@example.jp"
    assert report.people[0].role == REVIEWER


def test_unknown_or_missing_column_refuses_the_file():
    with pytest.raises(CatalogFileError, match="favourite_colour"):
        read([*EN, "favourite_colour"], ["a@example.jp", "A", "reviewer"])
    with pytest.raises(CatalogFileError, match="role"):
        read(["email", "name"], ["a@example.jp", "A"])


@pytest.mark.parametrize(
    "written, role",
    [
        ("reviewer", REVIEWER),
        ("調査回答者", REVIEWER),
        ("ministry_viewer", MINISTRY_VIEWER),
        ("府省閲覧者", MINISTRY_VIEWER),
        ("coordinator", COORDINATOR),
        ("事務局", COORDINATOR),
        ("Coordinator", COORDINATOR),
    ],
)
def test_roles_in_either_language(written, role):
    report = read(EN, ["a@example.jp", "A", "", written, "METI", "", "", ""])
    assert report.people[0].role == role


def test_a_row_of_everything():
    report = read(
        JA,
        [
            "hanako@example.jp",
            "佐藤　花子",
            "日本ロボット工業会",
            "調査回答者",
            "経済産業省",
            "（一社）日本ロボット工業会、一般社団法人　日本電機工業会;一般財団法人日本規格協会",
            "B、一般機械 Y",
            "English",
        ],
    )
    person = report.people[0]
    assert person.name == "佐藤 花子"
    assert person.ministry == "METI"
    assert person.drafting_bodies == [
        "一般社団法人日本ロボット工業会",
        "一般社団法人日本電機工業会",
        "一般財団法人日本規格協会",
    ]
    assert person.divisions == ["B", "Y"]
    assert person.language == "en"
    assert report.warnings == []


@pytest.mark.parametrize(
    "column, value, message",
    [
        ("email", "not-an-address", "not a valid e-mail address"),
        ("email", "", "an e-mail address is required"),
        ("role", "boss", "unknown role"),
        ("ministry", "財務大臣", "unknown ministry"),
        ("divisions", "J", "unknown division"),
        ("language", "fr", "unknown language"),
        ("name", "", "a name is required"),
    ],
)
def test_bad_cells_name_line_column_value(column, value, message):
    row = dict(zip(EN, ["ok@example.jp", "A", "", "reviewer", "METI", "", "B", "ja"], strict=True))
    row[column] = value
    report = read(EN, ["fine@example.jp", "B", "", "reviewer", "", "", "", ""], list(row.values()))
    assert not report.ok
    [error] = report.errors
    assert (error.line, error.column, error.value) == (3, column, value)
    assert message in error.message
    assert [p.email for p in report.people] == ["fine@example.jp"]


def test_errors_use_the_column_as_written():
    report = read(JA, ["x", "A", "", "調査回答者", "", "", "", ""])
    assert report.errors[0].column == "メールアドレス"


def test_a_ministry_viewer_needs_a_ministry():
    report = read(EN, ["v@example.jp", "V", "", "ministry_viewer", "", "", "", ""])
    assert "needs a ministry" in report.errors[0].message


def test_two_rows_with_one_email_name_both_lines():
    report = read(
        EN,
        ["taro@example.jp", "A", "", "reviewer", "", "", "", ""],
        ["someone@example.jp", "B", "", "reviewer", "", "", "", ""],
        ["TARO@example.jp", "C", "", "reviewer", "", "", "", ""],
    )
    [error] = report.errors
    assert error.line == 4
    assert "line 2" in error.message
    assert error.value == "taro@example.jp"


def test_a_body_not_in_the_catalog_is_a_warning_with_the_closest_names():
    report = read(EN, ["a@example.jp", "A", "", "reviewer", "", "日本ロボット工業協会", "", ""])
    assert report.ok
    assert report.people[0].drafting_bodies == []
    [warning] = report.warnings
    assert (warning.line, warning.column, warning.value) == (
        2,
        "drafting_bodies",
        "日本ロボット工業協会",
    )
    assert "一般社団法人日本ロボット工業会" in warning.message


def test_blank_rows_are_skipped_and_an_empty_file_is_refused():
    report = read(EN, [""] * 8, ["a@example.jp", "A", "", "reviewer"])
    assert [p.line for p in report.people] == [3]
    with pytest.raises(CatalogFileError):
        read(EN)
