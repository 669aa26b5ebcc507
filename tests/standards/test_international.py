"""International references as real catalogs write them: every form read, nothing ever raised."""

import pytest

from standards.international import (
    InvalidReference,
    Reference,
    normalise_reference,
    parse_international,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ISO/IEC 27001:2022", ("ISO/IEC", "27001", None, 2022, None)),
        ("IEC 60947-2:2016", ("IEC", "60947", "2", 2016, None)),
        ("ISO 13482:2014", ("ISO", "13482", None, 2014, None)),
        ("ISO 13482", ("ISO", "13482", None, None, None)),
        ("iso 13482：2014", ("ISO", "13482", None, 2014, None)),
        ("ＩＳＯ　１３４８２：２０１４", ("ISO", "13482", None, 2014, None)),
        ("IEC 61000-4-2:2008", ("IEC", "61000", "4-2", 2008, None)),
        ("IEC 61347-2-9:2003", ("IEC", "61347", "2-9", 2003, None)),
        ("IEC 60947－2", ("IEC", "60947", "2", None, None)),
        ("ISO 105-N05", ("ISO", "105", "N05", None, None)),
        ("ISO/TS 19115-3:2016", ("ISO/TS", "19115", "3", 2016, None)),
        ("ISO TS 19115-3", ("ISO/TS", "19115", "3", None, None)),
        ("ISO/IEC TS 17021-10", ("ISO/IEC TS", "17021", "10", None, None)),
        ("ISO/IEC Guide 51:2014", ("ISO/IEC GUIDE", "51", None, 2014, None)),
        ("ISO/DIS 1514:2002", ("ISO/DIS", "1514", None, 2002, None)),
        # an amendment belongs to its document, whichever way it is joined
        ("ISO 13482:2014/Amd 1:2017", ("ISO", "13482", None, 2014, "AMD 1:2017")),
        ("ISO 17100:2015+Amd.1:2017", ("ISO", "17100", None, 2015, "AMD 1:2017")),
        ("IEC 60947-2:2016/AMD1:2019", ("IEC", "60947", "2", 2016, "AMD 1:2019")),
        ("ISO 15223/Amd 1", ("ISO", "15223", None, None, "AMD 1")),
        ("IEC 60335-1:2010/COR1:2010", ("IEC", "60335", "1", 2010, "COR 1:2010")),
    ],
)
def test_normalise_reference(text, expected):
    assert normalise_reference(text) == expected


@pytest.mark.parametrize(
    ("text", "document", "designation"),
    [
        ("ISO/IEC 27001:2022", "ISO/IEC 27001", "ISO/IEC 27001:2022"),
        ("iec 60947-2:2016/amd 1:2017", "IEC 60947-2", "IEC 60947-2:2016/AMD 1:2017"),
        ("ISO 13482", "ISO 13482", "ISO 13482"),
    ],
)
def test_a_reference_names_its_document_whatever_the_edition(text, document, designation):
    reference = normalise_reference(text)
    assert (reference.document, reference.designation) == (document, designation)


def test_editions_and_amendments_of_one_document_share_its_key():
    keys = {
        normalise_reference(text)[:3]
        for text in ("ISO 13482", "ISO 13482:2014", "iso 13482:2014/Amd 1:2017")
    }
    assert keys == {("ISO", "13482", None)}


@pytest.mark.parametrize(
    "text", ["", "JIS B 8445", "see the foreword", "ISO", "ISO 9001:15", "ISO 9001:1850", "9001"]
)
def test_anything_else_is_not_a_reference(text):
    with pytest.raises(InvalidReference):
        normalise_reference(text)


# (cell, references read, fragments reported as unreadable)
CELLS = [
    ("ISO 13482:2014(IDT)", [("ISO 13482:2014", "IDT")], []),
    ("ISO 13482:2014 (IDT)", [("ISO 13482:2014", "IDT")], []),
    ("ISO 13482:2014（ＩＤＴ）", [("ISO 13482:2014", "IDT")], []),
    ("ISO 13482:2014 IDT", [("ISO 13482:2014", "IDT")], []),
    ("IEC 61347-2-9:2003 (MOD)", [("IEC 61347-2-9:2003", "MOD")], []),
    (
        "ISO 630-1:2011; ISO 630-2:2011 (overall MOD)",
        [("ISO 630-1:2011", "MOD"), ("ISO 630-2:2011", "MOD")],
        [],
    ),
    (
        "ISO 630-1:2011、ISO 630-2:2011 (全体評価：MOD)",
        [("ISO 630-1:2011", "MOD"), ("ISO 630-2:2011", "MOD")],
        [],
    ),
    ("ISO 1:2002, ISO 2:2002, MOD", [("ISO 1:2002", "MOD"), ("ISO 2:2002", "MOD")], []),
    (
        "ISO 4068:1978; ISO 7519:1991、ISO 8048:1984\nIEC 60335-1:2010 (MOD)",
        [
            ("ISO 4068:1978", ""),
            ("ISO 7519:1991", ""),
            ("ISO 8048:1984", ""),
            ("IEC 60335-1:2010", "MOD"),
        ],
        [],
    ),
    ("ISO 9001:2015 (identical)", [("ISO 9001:2015", "IDT")], []),
    ("ISO 9001:2015 (modified)", [("ISO 9001:2015", "MOD")], []),
    ("ISO 9001:2015 (not equivalent)", [("ISO 9001:2015", "NEQ")], []),
    ("ISO 9001:2015（一致）", [("ISO 9001:2015", "IDT")], []),
    ("ISO 9001:2015 修正", [("ISO 9001:2015", "MOD")], []),
    ("ISO 9001:2015（同等でない）", [("ISO 9001:2015", "NEQ")], []),
    # the catalog's own export, in Japanese and in English
    ("ISO 4715:2018 (同等でない（NEQ）)", [("ISO 4715:2018", "NEQ")], []),
    ("ISO 13482:2014 (Identical (IDT))", [("ISO 13482:2014", "IDT")], []),
    # notes in square brackets are editorial: dropped, not reported
    ("IEC 60598-1:2008 [basis of 2013 amendment]", [("IEC 60598-1:2008", "")], []),
    ("ISO 14001:2015 (IDT)【参考】", [("ISO 14001:2015", "IDT")], []),
    (
        "ISO 3116 (4th ed. 2007; technically modified)",
        [("ISO 3116:2007", "MOD")],
        [],
    ),
    (
        "ISO 14004:2004 (translated without technical change)",
        [("ISO 14004:2004", "IDT")],
        [],
    ),
    (
        "ISO 17100:2015 (IDT); ISO 17100:2015/Amd 1:2017 (IDT)",
        [("ISO 17100:2015", "IDT"), ("ISO 17100:2015/AMD 1:2017", "IDT")],
        [],
    ),
    ("ISO 9001:2015, Amd 1:2024 (MOD)", [("ISO 9001:2015/AMD 1:2024", "MOD")], []),
    (
        "ISO 4032–4036",
        [(f"ISO {n}", "") for n in range(4032, 4037)],
        [],
    ),
    ("－", [], []),
    ("なし", [], []),
    # read what can be read, report the rest
    ("ISO/DIS 1514:2002 (basis)", [("ISO/DIS 1514:2002", "")], ["ISO/DIS 1514:2002 (basis)"]),
    ("ISO 9001:2015 (SAME)", [("ISO 9001:2015", "")], ["ISO 9001:2015 (SAME)"]),
    ("ISO 9001:2015; see the foreword", [("ISO 9001:2015", "")], ["see the foreword"]),
    ("ISO 9001:2015 (IDT) (MOD)", [("ISO 9001:2015", "")], ["ISO 9001:2015 (IDT) (MOD)"]),
    (
        "ISO 9001:2015 (IDT); ISO 9001:2015 (MOD)",
        [("ISO 9001:2015", "IDT")],
        ["ISO 9001:2015"],
    ),
    ("EN 1:2000 x", [], ["EN 1:2000 x"]),
]


@pytest.mark.parametrize(("cell", "references", "unread"), CELLS)
def test_every_form_of_the_international_column(cell, references, unread):
    parsed = parse_international(cell)
    assert parsed.references == references
    assert [fragment for fragment, _reason in parsed.problems] == unread
    assert all(reason for _fragment, reason in parsed.problems)


@pytest.mark.parametrize(
    "cell", ["(((", ")))", "ISO (", "；；、、", "\x00", "ISO 1" * 500, "（削除）"]
)
def test_nothing_raises(cell):
    parse_international(cell)


def test_a_designation_too_long_to_store_is_reported():
    parsed = parse_international("ISO 1:2000" + "/Amd 1:2001" * 20)
    assert parsed.references == [] and len(parsed.problems) == 1


def test_reference_is_a_tuple_of_its_parts():
    assert Reference("ISO", "1") == ("ISO", "1", None, None, None)
