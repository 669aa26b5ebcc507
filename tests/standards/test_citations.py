"""Finding JIS citations in text: every written form, the lists of applied standards, what is not a
citation, and the status of a citation against the catalog (pure: no database)."""

import pytest

from standards.citations import (
    CatalogEntry,
    Citation,
    CitationStatus,
    citation_status,
    find_citations,
    find_in_text,
)
from standards.documents import Chunk, Location


def found(text: str) -> list[tuple[str, int | None]]:
    return [(citation.number, citation.edition_year) for citation in find_in_text(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("コンクリートは JIS A 5308 に適合するもの。", [("JIS A 5308", None)]),
        ("JIS A5308 による", [("JIS A 5308", None)]),
        ("JISA5308による", [("JIS A 5308", None)]),
        ("ＪＩＳ　Ａ　５３０８に規定する", [("JIS A 5308", None)]),
        ("ＪＩＳＡ５３０８", [("JIS A 5308", None)]),
        ("JIS-A 5308", [("JIS A 5308", None)]),
        ("JIS A-5308", [("JIS A 5308", None)]),
        ("JIS C 8201-2-1 に適合", [("JIS C 8201-2-1", None)]),
        ("JIS C 8201－2－1", [("JIS C 8201-2-1", None)]),
        ("JIS C 61000-4-2:2012", [("JIS C 61000-4-2", 2012)]),
        ("JIS X 8341-3:2016 の適合レベル AA", [("JIS X 8341-3", 2016)]),
        ("JIS Q 15001 に基づく", [("JIS Q 15001", None)]),
        ("JIS G 3112:2020", [("JIS G 3112", 2020)]),
        ("JIS G 3112：２０２０", [("JIS G 3112", 2020)]),
        ("ＪＩＳ　Ｇ　３１１２：２０２０", [("JIS G 3112", 2020)]),
        ("A 5308 の前に JIS A 5308 :2024 がある", [("JIS A 5308", 2024)]),
        ("JIS X 0208-1997 で符号化", [("JIS X 0208", 1997)]),
        ("JIS A 5308:2011/追補1", [("JIS A 5308", 2011)]),
        ("JIS A 5308（レディーミクストコンクリート）に適合", [("JIS A 5308", None)]),
        ("JIS A 5308:2024（レディーミクストコンクリート）", [("JIS A 5308", 2024)]),
        ("日本産業規格Ａ五三〇八（レディーミクストコンクリート）", [("JIS A 5308", None)]),
        ("日本産業規格（JIS）A 5308", [("JIS A 5308", None)]),
        ("日本工業規格Ｚ８８０１－１", [("JIS Z 8801-1", None)]),
        ("JIS規格 A 1460 によって", [("JIS A 1460", None)]),
        ("JIS 規格 A 1460", [("JIS A 1460", None)]),
        # broken across a line, wherever a PDF or a wrapped text file breaks it
        ("JIS\nA 5308", [("JIS A 5308", None)]),
        ("JIS A\n5308", [("JIS A 5308", None)]),
        ("鉄筋は J\nIS G 3112 による", [("JIS G 3112", None)]),
        ("JIS A 53\n08:2024", [("JIS A 5308", 2024)]),
        ("JIS A 5308:\n2024", [("JIS A 5308", 2024)]),
        ("JIS A 5308\n:2024", [("JIS A 5308", 2024)]),
        ("JIS C 8201-\n2-1", [("JIS C 8201-2-1", None)]),
        # after four digits a line break ends the number
        ("JIS A 5308\n2024年度", [("JIS A 5308", None)]),
        # several numbers after one "JIS"
        (
            "JIS A 5371、A 5372 及び A 5373（プレキャスト製品）",
            [("JIS A 5371", None), ("JIS A 5372", None), ("JIS A 5373", None)],
        ),
        (
            "JIS G 3101（一般構造用圧延鋼材）又は G 3106",
            [("JIS G 3101", None), ("JIS G 3106", None)],
        ),
        (
            "JIS Q 9001, Q 14001 and Q 45001",
            [("JIS Q 9001", None), ("JIS Q 14001", None), ("JIS Q 45001", None)],
        ),
        # the same number twice is two citations
        ("JIS A 5308 及び JIS A 5308:2019", [("JIS A 5308", None), ("JIS A 5308", 2019)]),
        ("JIS Z 8301 と ISO 9001", [("JIS Z 8301", None)]),
        ("JIS Q 27001（ISO/IEC 27001）", [("JIS Q 27001", None)]),
        ("JISマーク表示認証製品（JIS A 5308）", [("JIS A 5308", None)]),
        ("JIS A 5308:1234", [("JIS A 5308", None)]),  # not a year a JIS can have
        # technical specifications and reports, when cited with JIS before them
        ("JIS TS Z 0030:2017 による", [("TS Z 0030", 2017)]),
        ("ＪＩＳ　ＴＲ　Ｚ　０００１", [("TR Z 0001", None)]),
        ("JIS T 8116", [("JIS T 8116", None)]),
    ],
)
def test_finds_every_written_form(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "品質マネジメントシステムは ISO 9001 による。",
        "ISO/IEC 27001 の認証",
        "IEC 61000-4-2 に適合",
        "日本建築学会 JASS 5 による。",
        "JEC-2130 同期機",
        "JEM 1425 による。",
        "JAS 0600 集成材",
        "JAS 規格品とする。",
        "JIS マーク表示認証製品とする。",
        "JISマーク",
        "JIS 規格相当品とする。",
        "JIS規格相当",
        "JISC（日本産業標準調査会）",
        "JGS 0711 の方法",
        "JIS N 1234",  # no such division
        "JIS A 530812",  # six digits
        "JIS A 530",  # three digits
        "A 5308 :2024 レディーミクストコンクリート",  # a bare number outside a list of JIS
        "本工事の材料は、日本産業規格（JIS）に適合するものとする。\nA 5308 :2024 は参考。",
        "A4 判で提出する。B 5 判も可。",
    ],
)
def test_what_is_not_a_citation(text):
    assert found(text) == []


def test_keeps_the_text_as_written_and_the_sentence():
    text = (
        "第1項の規定による。鉄筋は ＪＩＳ　Ｇ　３１１２：２０２０ に適合するものとする。以下同じ。"
    )
    (citation,) = find_in_text(text)
    assert citation.text == "ＪＩＳ　Ｇ　３１１２：２０２０"
    assert citation.number == "JIS G 3112"
    assert citation.context == "鉄筋は ＪＩＳ　Ｇ　３１１２：２０２０ に適合するものとする。"


def test_a_citation_broken_across_lines_reads_as_one_line():
    (citation,) = find_in_text(
        "レディーミクストコンクリートは JIS A \n5308:2024 に適合\nするもの。"
    )
    assert citation.text == "JIS A 5308:2024"
    assert citation.context == "レディーミクストコンクリートは JIS A 5308:2024 に適合するもの。"


def test_the_sentence_stops_at_a_heading_line():
    text = "2-3 鋼材\n鋼材は JIS G 3101 に適合するものとする。"
    (citation,) = find_in_text(text)
    assert citation.context == "鋼材は JIS G 3101 に適合するものとする。"


def test_location_is_the_line_of_the_citation():
    chunks = [
        Chunk(
            Location(line=10),
            "一般事項\n電線は JIS C 3307 とする。\n\n接地は\nJIS C 60364-5-54 による。",
        )
    ]
    assert [str(c.location) for c in find_citations(chunks)] == ["line 11", "line 14"]


def numbers(chunks: list[Chunk]) -> list[str]:
    return [citation.number for citation in find_citations(chunks)]


def lines(*texts: str) -> list[Chunk]:
    return [Chunk(Location(page=1), "\n".join(texts))]


def rows(table: str, *cells: list[str], section: str = "") -> list[Chunk]:
    return [
        Chunk(Location(table=1, row=n), "\t".join(row), table=table, section=section)
        for n, row in enumerate(cells, 1)
    ]


@pytest.mark.parametrize(
    ("chunks", "expected"),
    [
        pytest.param(
            lines(
                "付録 適用基準等一覧",
                "1. 日本産業規格（JIS）",
                "A 1102 :2020 骨材のふるい分け試験方法",
                "(1) 鋼材",
                "・G 3112 :2020 鉄筋コンクリート用棒鋼",
                "2. 日本農林規格（JAS）",
                "A 9999 :2020 listed under JAS",
            ),
            ["JIS A 1102", "JIS G 3112"],
            id="numbered heading, sub-heading, next heading of the same level",
        ),
        pytest.param(
            lines(
                "1. 日本産業規格（JIS）", "A 5308 :2024 レディー", "2. 材料", "A 1102 :2020 body"
            ),
            ["JIS A 5308"],
            id="any heading of the same level ends the list",
        ),
        pytest.param(
            lines("【日本産業規格】", "A 5308 :2024", "1.2 施工", "G 3112 :2020"),
            ["JIS A 5308"],
            id="unnumbered heading ends at a numbered one",
        ),
        pytest.param(
            lines("日本産業規格", "A 5308 :2024", "国際規格", "C 61000 :2020"),
            ["JIS A 5308"],
            id="a heading naming another family of standards ends it",
        ),
        pytest.param(
            lines("JIS", "A 5308 :2024 レディーミクストコンクリート　　A 6204 :2011 化学混和剤"),
            ["JIS A 5308", "JIS A 6204"],
            id="two columns on one line",
        ),
        pytest.param(
            [
                *lines("4.1 日本産業規格"),
                *rows("table 1", ["規格番号", "名称"], ["X 0129-1 :2003", "品質モデル"]),
            ],
            ["JIS X 0129-1"],
            id="a heading before a table carries into its rows",
        ),
        pytest.param(
            rows(
                "table 1",
                ["資材", "JIS番号"],
                ["コンクリート", "A 5308:2019"],
                ["型枠", "JAS品"],
                ["防水", "A 6021"],
            ),
            ["JIS A 5308", "JIS A 6021"],
            id="a column headed JIS, to the end of the table",
        ),
        pytest.param(
            rows("table 1", ["資材", "番号"], ["コンクリート", "A 5308:2019"]),
            [],
            id="a column not headed JIS",
        ),
        pytest.param(
            rows(
                "sheet x",
                ["区分", "番号"],
                ["JIS", "Z 8210:2017"],
                ["JAS", "1152"],
                ["ISO", "A 1234"],
            ),
            ["JIS Z 8210"],
            id="a row whose cell says JIS",
        ),
        pytest.param(
            [
                *rows("sheet a", ["日本産業規格（JIS）"], ["A 5308"], section="a"),
                *rows("sheet b", ["A 6204"], section="b"),
            ],
            ["JIS A 5308"],
            id="a new sheet starts afresh",
        ),
    ],
)
def test_lists_of_applied_standards(chunks, expected):
    assert numbers(chunks) == expected


def test_a_listed_row_is_its_own_context():
    chunks = lines(
        "1. 日本産業規格（JIS）", "A 1102 :2020 骨材のふるい分け試験方法", "A 5308 :2024 レディー"
    )
    first = next(find_citations(chunks))
    assert (first.text, first.context) == ("A 1102 :2020", "A 1102 :2020 骨材のふるい分け試験方法")


def citation(year: int | None) -> Citation:
    return Citation("JIS A 5308", "JIS A 5308", year, None, "")


@pytest.mark.parametrize(
    ("cited", "entry", "status"),
    [
        (None, None, CitationStatus.UNKNOWN),
        (2019, None, CitationStatus.UNKNOWN),
        (None, CatalogEntry("JIS A 5308", True, 2024), CitationStatus.CURRENT),
        (2024, CatalogEntry("JIS A 5308", True, 2024), CitationStatus.CURRENT),
        (2019, CatalogEntry("JIS A 5308", True, 2024), CitationStatus.SUPERSEDED),
        (2026, CatalogEntry("JIS A 5308", True, 2024), CitationStatus.CURRENT),
        (2019, CatalogEntry("JIS A 5308", True, None), CitationStatus.CURRENT),
        (None, CatalogEntry("JIS A 5308", False, 2010), CitationStatus.WITHDRAWN),
        (2010, CatalogEntry("JIS A 5308", False, 2010), CitationStatus.WITHDRAWN),
        (2001, CatalogEntry("JIS A 5308", False, 2010), CitationStatus.WITHDRAWN),
    ],
)
def test_citation_status(cited, entry, status):
    assert citation_status(citation(cited), entry) == status
