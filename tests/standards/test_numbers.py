import pytest

from standards.numbers import InvalidJisNumber, JisNumber, parse_jis_number, search_key


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("JIS B 8445:2016", JisNumber("B", "8445", 2016)),
        ("JIS B 8445", JisNumber("B", "8445")),
        ("JISB8445", JisNumber("B", "8445")),
        ("B 8445", JisNumber("B", "8445")),
        ("B8445", JisNumber("B", "8445")),
        ("jis b 8445", JisNumber("B", "8445")),
        ("ＪＩＳ　Ｂ　８４４５：２０１６", JisNumber("B", "8445", 2016)),
        ("ＪＩＳＢ８４４５", JisNumber("B", "8445")),
        ("  JIS  B  8445 : 2016 ", JisNumber("B", "8445", 2016)),
        ("JIS C 61000-4-2", JisNumber("C", "61000-4-2")),
        ("JIS C 61000－4－2", JisNumber("C", "61000-4-2")),
        ("JIS X 8341-3", JisNumber("X", "8341-3")),
        ("JIS X 8341-3:2016", JisNumber("X", "8341-3", 2016)),
        ("JIS Q 17000", JisNumber("Q", "17000")),
        ("JIS Q 9001:2015", JisNumber("Q", "9001", 2015)),
        ("JIS A 5308:2011/追補1", JisNumber("A", "5308", 2011, 1)),
        ("JIS A 5308:2011／追補２", JisNumber("A", "5308", 2011, 2)),
        ("JIS X 0208:1997", JisNumber("X", "0208", 1997)),
        ("JIS X 0208", JisNumber("X", "0208")),
        ("JIS Y 17100", JisNumber("Y", "17100")),
        ("JIS Z 8101-1", JisNumber("Z", "8101-1")),
    ],
)
def test_parses_every_written_form(text, expected):
    assert parse_jis_number(text) == expected


@pytest.mark.parametrize(
    ("text", "canonical", "full"),
    [
        ("jisb8445:2016", "JIS B 8445", "JIS B 8445:2016"),
        ("JIS A 5308:2011/追補1", "JIS A 5308", "JIS A 5308:2011/追補1"),
        ("x 0208", "JIS X 0208", "JIS X 0208"),
    ],
)
def test_canonical_and_full_forms(text, canonical, full):
    number = parse_jis_number(text)
    assert (number.canonical, number.full, str(number)) == (canonical, full, full)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("ISO 13482", "not a JIS number"),
        ("JIS 8445", "not a JIS number"),
        ("JIS B 845", "not a JIS number"),  # three digits
        ("JIS B 844512", "not a JIS number"),  # six digits
        ("JIS I 8445", "division I"),  # no division I
        ("JIS J 1234", "division J"),
        ("JIS B 8445:16", "not a JIS number"),  # two-digit year
        ("JIS B 8445:1900", "year 1900"),
        ("JIS A 5308:2011/追補0", "amendment 0"),
        ("JIS B 8445 robots", "not a JIS number"),
        ("JIS B 8445-", "not a JIS number"),
        ("B-8445", "not a JIS number"),
    ],
)
def test_rejects_anything_else_quoting_the_input(text, reason):
    with pytest.raises(InvalidJisNumber) as excinfo:
        parse_jis_number(text)
    message = str(excinfo.value)
    assert f"「{text}」" in message
    assert reason in message


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("JIS B 8445", "jisb8445"),
        ("ｂ８４４５", "b8445"),
        ("ＪＩＳ　Ｃ　６１０００－４－２", "jisc61000-4-2"),
        ("ﾛﾎﾞｯﾄ", "ロボット"),
    ],
)
def test_search_key_ignores_width_case_and_spaces(text, key):
    assert search_key(text) == key


@pytest.mark.japanese
def test_messages_are_japanese_by_default():
    with pytest.raises(InvalidJisNumber) as excinfo:
        parse_jis_number("ISO 9001")
    assert str(excinfo.value).startswith("「ISO 9001」は JIS 規格番号ではありません")
