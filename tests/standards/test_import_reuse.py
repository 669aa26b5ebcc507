"""What the importer reads or works out once and reuses: each different cell of a column read once
per file, stored rows compared as tuples, stored and written JSON lists shared by equal values, the
width of each line counted before parsing. A reuse keyed on too little, or a shortcut taken when
it should not be, gives one row another row's value; these tests make it show."""

import datetime as dt

import pytest

from standards import import_writes, selectors, services
from standards.catalog_files import CatalogFileError, table_rows
from standards.importing import _blank, _blank_row, read_catalog
from standards.models import Standard

HEADER = (
    "number,title_ja,established_on,revised_on,ministry,drafting_body,ics,status,fast_track,"
    "strategic_fields,generated,edition,source"
)
# The same texts in several columns and rows, where they mean different things: a cell read for
# one column (or for a number of another edition) must not answer for another.
ROWS = [
    "JIS B 0001:2016,一,2016-03-22,,METI,METI,13.110,active,yes,quantum,no,2016,",
    "JIS B 0002:2011,二,2011-01-01,2016-03-22,経済産業大臣,一般社団法人日本規格協会,13.11,withdrawn,no,,yes,2016,",
    "JIS B 0003,三,yes,2016-03-22,有効,有効,2016,yes,active,13.110,2016-03-22,13.110,",
    "JIS B 0004:2016,四,2016-03-22,2016-03-21,METI,（一社）日本規格協会,13.110;13.110,（削除）,（削除）,（削除）,,2016年,yes",
    "JIS B 0005,五,2099-01-01,,,METI;有効,13.110,active, ,GX,yes,2016,",
    "JIS B 0006:2016,六,2016-03-22,,METI,METI,13.110,active,yes,quantum,no,2016,",
]


def _read(rows: list[str]):
    data = ("\n".join([HEADER, *rows]) + "\n").encode()
    return read_catalog(
        data,
        filename="catalog.csv",
        ministries=selectors.ministry_lookup(),
        today=dt.date(2026, 11, 28),
        max_bytes=10**7,
        max_rows=1000,
    )


def _seen(report, line: int) -> tuple:
    """What a reader makes of the row on `line`: its record (if any) and its problems."""
    records = [r for r in report.records if r.line == line]
    errors = [(e.column, e.value, e.message) for e in report.errors if e.line == line]
    return records[0] if records else None, errors, report.reasons.get(line)


@pytest.mark.django_db
def test_each_row_reads_as_it_does_alone():
    together = _read(ROWS)
    assert together.errors, "the rows are meant to have problems"
    for index, row in enumerate(ROWS):
        alone = _read([row])
        record, errors, reasons = _seen(together, index + 2)
        alone_record, alone_errors, alone_reasons = _seen(alone, 2)
        if alone_record is not None:
            alone_record.line = index + 2
        assert (record, errors, reasons) == (alone_record, alone_errors, alone_reasons), row


@pytest.mark.django_db
def test_rows_with_the_same_cells_have_lists_of_their_own():
    first, second = _read([ROWS[0], ROWS[-1]]).records
    first.ics_codes.append("99.999")
    first.ministry_codes.append("MLIT")
    first.drafting_bodies.append("another body")
    first.strategic_fields.append("shipbuilding")
    assert (second.ics_codes, second.ministry_codes) == (["13.110"], ["METI"])
    assert (second.drafting_bodies, second.strategic_fields) == (["METI"], ["quantum"])


@pytest.mark.parametrize(
    "cells",
    [
        [],
        [""],
        [None, " ", "\u3000", "\t"],
        ["", "", "x"],
        ["", dt.date(2016, 3, 22)],
        [" \u3000 ", "", None],
        ["\u2003", "\u00a0"],
        ["\u200b"],  # a zero-width space is text, not a space
    ],
)
def test_a_blank_row_is_every_cell_blank(cells):
    assert _blank_row(cells) == all(_blank(cell) for cell in cells)


# --- comparing with the stored catalog -------------------------------------------------------

CATALOG = (
    "number,title_ja,title_en,established_on,ministry,drafting_body,ics,status\n"
    "JIS B 8445,ロボット,Robots,2016-03-22,METI;MLIT,一般社団法人日本ロボット工業会;一般財団法人日本規格協会,25.040.30,active\n"
    "JIS B 7922,温度計,WBGT,2017-03-21,METI,一般財団法人日本規格協会,25.040.30,active\n"
)


def _import(text: str, **options) -> services.ImportResult:
    report = selectors.catalog_read(text.encode(), filename="catalog.csv")
    assert report.ok, report.errors
    return services.standards_import(
        records=report.records,
        columns=report.columns,
        amendments=report.amendments,
        **options,
    )


def _stored(number: str) -> tuple:
    standard = Standard.objects.get(number=number)
    return (
        standard.title_ja,
        standard.title_en,
        standard.status,
        standard.ics_codes,
        sorted(standard.ministries.values_list("code", flat=True)),
        standard.drafting_body.name,
        sorted(standard.drafting_bodies.values_list("name", flat=True)),
        standard.amendments,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "changed", "expected"),
    [
        # a blank cell keeps the stored value even though the rest of the row changes
        (
            "JIS B 8445,ロボット（改）,,2016-03-22,METI;MLIT,一般社団法人日本ロボット工業会;一般財団法人日本規格協会,25.040.30,active",
            ["title_ja"],
            ("ロボット（改）", "Robots", "active", ["25.040.30"]),
        ),
        # a blank cell where nothing else changes: unchanged, however the stored value differs
        (
            "JIS B 8445,ロボット,,2016-03-22,METI;MLIT,一般社団法人日本ロボット工業会;一般財団法人日本規格協会,,active",
            [],
            ("ロボット", "Robots", "active", ["25.040.30"]),
        ),
        # the same ministries and bodies in another order: the first body is the one routed by
        (
            "JIS B 8445,ロボット,Robots,2016-03-22,MLIT;METI,一般財団法人日本規格協会;一般社団法人日本ロボット工業会,25.040.30,active",
            ["drafting_bodies"],
            ("ロボット", "Robots", "active", ["25.040.30"]),
        ),
        # one field of several: only it changes
        (
            "JIS B 8445,ロボット,Robots,2016-03-22,METI;MLIT,一般社団法人日本ロボット工業会;一般財団法人日本規格協会,25.040.30;13.110,withdrawn",
            ["ics_codes", "status"],
            ("ロボット", "Robots", "withdrawn", ["25.040.30", "13.110"]),
        ),
    ],
)
def test_a_row_changes_exactly_the_fields_it_changes(row, changed, expected):
    _import(CATALOG)
    header = CATALOG.splitlines()[0]
    result = _import(f"{header}\n{row}\n", dry_run=True)
    labels = [str(Standard._meta.get_field(name).verbose_name) for name in changed]
    assert [change.field for change in result.changes] == labels
    assert result.unchanged == (0 if changed else 1)
    result = _import(f"{header}\n{row}\n")
    assert _stored("JIS B 8445")[:4] == expected
    assert _stored("JIS B 7922") == (
        "温度計",
        "WBGT",
        "active",
        ["25.040.30"],
        ["METI"],
        "一般財団法人日本規格協会",
        ["一般財団法人日本規格協会"],
        [],
    )


@pytest.mark.django_db
def test_an_amendment_is_recorded_on_its_standard_only():
    # Both standards hold the same list of amendments, read once for both: adding to one's must
    # leave the other's as it is, in the database and in what the plan compares.
    _import(CATALOG)
    Standard.objects.update(amendments=["JIS B 0000:2000/追補1"])
    header = CATALOG.splitlines()[0]
    result = _import(
        f"{header}\n"
        "JIS B 7922,温度計（改）,WBGT,2017-03-21,METI,一般財団法人日本規格協会,25.040.30,active\n"
        "JIS B 8445:2016/AMD 1:2020,追補,,,,,,\n"
    )
    assert (result.updated, result.amendments) == (["JIS B 7922", "JIS B 8445"], 1)
    assert _stored("JIS B 8445")[-1] == ["JIS B 0000:2000/追補1", "JIS B 8445:2016/追補1:2020"]
    assert _stored("JIS B 7922")[-1] == ["JIS B 0000:2000/追補1"]
    again = _import(
        f"{header}\nJIS B 7922,温度計（改）,WBGT,2017-03-21,METI,一般財団法人日本規格協会,,\n"
    )
    assert (again.updated, again.unchanged) == ([], 1)


@pytest.mark.django_db
def test_standards_with_equal_lists_are_written_each_with_its_own():
    # The staged write turns each list into JSON once per different list.
    header = CATALOG.splitlines()[0]
    _import(
        f"{header}\n"
        "JIS B 0001,一,,2016-03-22,METI,一般財団法人日本規格協会,13.110;25.040,active\n"
        "JIS B 0002,二,,2016-03-22,METI,一般財団法人日本規格協会,25.040;13.110,active\n"
        "JIS B 0003,三,,2016-03-22,METI,一般財団法人日本規格協会,13.110;25.040,active\n"
    )
    stored = dict(Standard.objects.values_list("number", "ics_codes"))
    assert stored == {
        "JIS B 0001": ["13.110", "25.040"],
        "JIS B 0002": ["25.040", "13.110"],
        "JIS B 0003": ["13.110", "25.040"],
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (["13.110", "25.040"], '["13.110", "25.040"]'),
        (["25.040", "13.110"], '["25.040", "13.110"]'),
        ([], "[]"),
        (["経済"], '["経済"]'),
        ([1], "[1]"),
        ([True], "[true]"),
        ([1.0], "[1.0]"),
        ({"a": 1}, '{"a": 1}'),
    ],
)
def test_json_text_of_each_list_whatever_came_before(value, expected):
    texts = import_writes._JsonTexts()
    for earlier in (["13.110", "25.040"], ["25.040", "13.110"], [1], [True], ["1"], []):
        texts(earlier)
    assert texts(value) == expected


# --- lines too wide to parse -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "refused_line"),
    [
        ("a,b\n" + "x," * 255 + "y\n", None),
        ("a,b\n" + "x," * 256 + "y\n", 2),
        ("a,b\r\n1,2\r\n" + "," * 300 + "\r\n3,4\r\n", 3),
        ("a,b\n" + ("x," * 200 + "\n") * 5, None),  # many delimiters, none on one line
        ("a,b\n1,2\n3," + "," * 256, 3),  # the last line, with no line end
        ("a;b\n" + "x;" * 256 + "\n", 2),
    ],
)
def test_a_line_of_too_many_cells_is_refused_by_its_number(text, refused_line):
    rows = table_rows(text.encode(), "catalog.csv", max_rows=100)
    if refused_line is None:
        assert len(list(rows)) == text.count("\n")
        return
    with pytest.raises(CatalogFileError, match=f"^Line {refused_line} has more than 256 cells"):
        list(rows)
