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
        # editions, amendments with their year, technical specifications and reports
        ("JIS C 8201-2-1:2011", JisNumber("C", "8201-2-1", 2011)),
        ("JIS C 8201-2-1:2011/AMD 1:2018", JisNumber("C", "8201-2-1", 2011, 1, 2018)),
        ("JIS C 8201-2-1:2011/Amd.1:2018", JisNumber("C", "8201-2-1", 2011, 1, 2018)),
        ("JIS C 8201-2-1:2011/追補1", JisNumber("C", "8201-2-1", 2011, 1)),
        ("JIS A 5308:2011/追補１：２０１４", JisNumber("A", "5308", 2011, 1, 2014)),
        ("JIS A 5308:2011/AMENDMENT 2:2019", JisNumber("A", "5308", 2011, 2, 2019)),
        ("TS A 0006:2004", JisNumber("A", "0006", 2004, kind="TS")),
        ("TS A 0006", JisNumber("A", "0006", kind="TS")),
        ("TR Z 0001", JisNumber("Z", "0001", kind="TR")),
        ("ＴＲ　Ｚ　０００１：２０２０", JisNumber("Z", "0001", 2020, kind="TR")),
        ("JIS TR Z 0001", JisNumber("Z", "0001", kind="TR")),
        ("JIS/TS Z 0026:2009", JisNumber("Z", "0026", 2009, kind="TS")),
        ("tr z0001", JisNumber("Z", "0001", kind="TR")),
        ("JIS T 1234", JisNumber("T", "1234")),  # division T, not a TS or TR
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
        ("JIS C 8201-2-1:2011/AMD 1:2018", "JIS C 8201-2-1", "JIS C 8201-2-1:2011/追補1:2018"),
        ("TS A 0006:2004", "TS A 0006", "TS A 0006:2004"),
        ("TR Z 0001", "TR Z 0001", "TR Z 0001"),
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
        ("TS 8445", "not a JIS number"),
        ("TX A 0001", "not a JIS number"),
        ("JIS B 8445:1948", "year 1948"),
        ("JIS C 8201-2-1:2011/AMD 1:2009", "amendment of 2009, before its edition of 2011"),
        ("JIS C 8201-2-1:2011/AMD 1:18", "not a JIS number"),
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


def test_the_common_forms_take_the_fast_path_and_give_the_same_answer():
    for text in ("JIS B 8445", "JIS B 8445:2016", "TS A 0006:2004", "TR Z 0001"):
        assert parse_jis_number(text) == parse_jis_number(f" {text} ")  # the second: normalised
