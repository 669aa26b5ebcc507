"""A CSV whose text holds a C0 or C1 control (other than tab, CR, LF) is refused with its line,
column and code point, whatever encoding it is read in: valid UTF-8 with U+0085 used to pass."""

import pytest

from standards.catalog_files import CatalogFileError, decode_csv

HEADER = "number,title_ja\r\n"


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (
            HEADER + "JIS B 8445,ロボット\u0085安全\r\n",
            "line 2, column 16 holds the control character U+0085",
        ),
        (HEADER + "JIS B 8445,x\u009f\r\n", "line 2, column 13 holds the control character U+009F"),
        (HEADER + "JIS B\u0007 8445,x\r\n", "line 2, column 6 holds the control character U+0007"),
        ("number,ti\u001btle_ja\r\n", "line 1, column 10 holds the control character U+001B"),
        (HEADER + "JIS B 8445,x\u007f\r\n", "line 2, column 13 holds the control character U+007F"),
    ],
    ids=["NEL", "APC", "BEL", "ESC", "DEL"],
)
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_a_control_character_is_refused_with_where_it_is(text, where, encoding):
    with pytest.raises(CatalogFileError) as refused:
        decode_csv(text.encode(encoding))
    message = str(refused.value)
    assert message.startswith("The file is neither CSV nor XLSX, or not in the encoding"), message
    assert where in message, message


def test_tab_cr_and_lf_are_text():
    text = HEADER + 'JIS B 8445,"two\nlines\tand a tab"\r\n'
    assert decode_csv(text.encode("utf-8")) == text


def test_shift_jis_bytes_that_read_as_a_control_are_refused_with_their_place():
    data = HEADER.encode("cp932") + "JIS B 8445,ロボット".encode("cp932") + b"\x80\r\n"
    with pytest.raises(CatalogFileError, match="byte 0x80 on line 2"):
        decode_csv(data)
