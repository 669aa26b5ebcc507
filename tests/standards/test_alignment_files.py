"""standards.alignment.files: both formats, the skipped rows, and every kind of bad file."""

import datetime as dt
import json

import pytest

from standards.alignment.files import read_international
from standards.catalog_files import CatalogFileError

TODAY = dt.date(2026, 11, 30)


def read(text: str, filename: str = "data.csv"):
    return read_international(text.encode("utf-8"), filename=filename, today=TODAY)


def jsonl(*rows: dict) -> str:
    return "\n".join(json.dumps(row) for row in rows) + "\n"


def iso_row(**fields) -> dict:
    base = {
        "id": 1,
        "deliverableType": "IS",
        "supplementType": None,
        "reference": "ISO 13482:2014",
        "publicationDate": "2014-02-01",
        "edition": 1,
        "currentStage": 9599,
        "replaces": [],
        "replacedBy": [2],
        "title": {"en": "Robots and robotic devices"},
    }
    return base | fields


def test_iso_json_lines_with_stage_codes_and_deliverable_ids():
    report = read(
        jsonl(
            iso_row(),
            iso_row(
                id=2,
                reference="ISO 13482:2025",
                publicationDate="2025-03-01",
                edition=2,
                currentStage=6060,
                replaces=[1],
                replacedBy=[],
            ),
            iso_row(id=3, reference="ISO 17100:2015", currentStage="90.93", replacedBy=[]),
            iso_row(id=4, reference="ISO/DIS 99999", publicationDate=None, currentStage=4020),
            iso_row(
                id=5,
                reference="ISO 17100:2015/Amd 1:2017",
                supplementType="AMD",
                currentStage=6060,
                replacedBy=[],
            ),
        ),
        "iso_deliverables_metadata.jsonl",
    )
    assert report.ok, report.errors
    assert report.format == "iso"
    found = {
        r.reference: (r.status, r.replaced_by, r.published_on, r.edition) for r in report.records
    }
    assert found == {
        "ISO 13482:2014": ("withdrawn", "ISO 13482:2025", dt.date(2014, 2, 1), 1),
        "ISO 13482:2025": ("current", "", dt.date(2025, 3, 1), 2),
        "ISO 17100:2015": ("current", "", dt.date(2014, 2, 1), 1),
    }
    assert (report.drafts, report.supplements) == (1, 1)


def test_iso_csv_with_references_in_replaced_by():
    report = read(
        "id,reference,publicationDate,edition,currentStage,replaces,replacedBy,title.en\n"
        '11,ISO/IEC 27001:2013,2013-10-01,2,95.99,,"[12]",Information security\n'
        "12,ISO/IEC 27001:2022,2022-10-25,3,60.60,[11],,Information security\n"
        "13,ISO 9001:2008,2008-11-14,4,9599,,ISO 9001:2015,Quality\n"
    )
    assert report.ok, report.errors
    assert {r.reference: r.replaced_by for r in report.records} == {
        "ISO/IEC 27001:2013": "ISO/IEC 27001:2022",
        "ISO/IEC 27001:2022": "",
        "ISO 9001:2008": "ISO 9001:2015",
    }


def test_the_plain_csv_for_iec_and_others():
    report = read(
        "\ufeffreference,published_on,status,replaced_by\n"
        "IEC 60947-2:2016,2016-06-01,current,\n"
        "IEC 60204-1:2005,2005-10-01,withdrawn,IEC 60204-1:2016\n"
        "IEC 61000-4-2,2008-12-09,廃止,\n"  # the year from the publication date
    )
    assert report.ok, report.errors
    assert report.format == "plain"
    assert [(r.reference, r.status, r.replaced_by) for r in report.records] == [
        ("IEC 60947-2:2016", "current", ""),
        ("IEC 60204-1:2005", "withdrawn", "IEC 60204-1:2016"),
        ("IEC 61000-4-2:2008", "withdrawn", ""),
    ]


@pytest.mark.parametrize(
    ("row", "column", "value", "reason"),
    [
        ("JIS B 8445:2016,2016-01-01,current,", "reference", "JIS B 8445:2016", "not a reference"),
        ("IEC 60947-2:2016,2016-13-01,current,", "published_on", "2016-13-01", ""),
        ("IEC 60947-2:2016,2030-01-01,current,", "published_on", "2030-01-01", "future"),
        ("IEC 60947-2:2016,2016-06-01,superseded,", "status", "superseded", "current or withdrawn"),
        (
            "IEC 60947-2:2016,2016-06-01,withdrawn,see above",
            "replaced_by",
            "see above",
            "not a reference",
        ),
        ("IEC 60947-2,,current,", "reference", "IEC 60947-2", "no year"),
        (",2016-06-01,current,", "reference", "", "required"),
    ],
)
def test_a_bad_row_names_its_line_column_and_value(row, column, value, reason):
    report = read(
        "reference,published_on,status,replaced_by\nIEC 61000-4-2:2008,2008-12-09,current,\n"
        + row
        + "\n"
    )
    assert not report.ok
    (error,) = report.errors
    assert (error.line, error.column, error.value) == (3, column, value)
    assert reason in error.message


def test_a_duplicate_edition_is_refused_with_the_first_line():
    report = read(
        "reference,published_on,status,replaced_by\n"
        "IEC 60947-2:2016,2016-06-01,current,\n"
        "iec 60947-2 : 2016,2016-06-01,current,\n"
    )
    assert [(e.line, "line 2" in e.message) for e in report.errors] == [(3, True)]


def test_a_line_with_two_objects_is_named_not_read_as_two():
    report = read(
        jsonl(iso_row(replacedBy=[])) + '{"reference": "ISO 1:2000"}, {"x": 1}\n', "x.jsonl"
    )
    assert [(e.line, e.column) for e in report.errors] == [(2, "—")]


def test_a_bad_stage_code_and_a_broken_json_line():
    report = read(jsonl(iso_row(currentStage="published")) + "{not json\n", "x.jsonl")
    assert [(e.line, e.column) for e in report.errors] == [(1, "currentStage"), (2, "—")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("reference,status\nISO 1:2000,current\n", "published_on"),
        ("reference,published_on,status,replaced_by\n", "no rows"),
    ],
)
def test_a_file_that_cannot_be_read_at_all(text, message):
    with pytest.raises(CatalogFileError, match=message):
        read(text)


# --- ISO's own file as it really is (review r3) ------------------------------------------------


def test_drafts_and_deliverables_no_jis_cites_are_skipped_not_refused():
    """ISO's file lists projects under their draft names ("ISO/AWI 12345", stage 20.00) and old
    kinds of deliverable (ISO/R recommendations) the normaliser does not read: one such row must
    not stop the import of ISO's whole file."""
    report = read(
        jsonl(
            iso_row(replacedBy=None),
            iso_row(id=7, reference="ISO/AWI 12345", publicationDate=None, currentStage=2000),
            iso_row(id=8, reference="ISO/PRF 21434", publicationDate=None, currentStage="60.00"),
            iso_row(id=9, reference="ISO/R 1:1951", publicationDate="1951-01-01"),
        ),
        "iso_deliverables_metadata.jsonl",
    )
    assert report.ok, report.errors
    assert [r.reference for r in report.records] == ["ISO 13482:2014"]
    assert (report.drafts, report.other_kinds) == (2, 1)


def test_a_blank_reference_in_isos_file_is_still_refused():
    report = read(jsonl(iso_row(reference="  ")), "x.jsonl")
    assert [(e.line, e.column) for e in report.errors] == [(1, "reference")]


def test_line_separators_inside_a_json_string_do_not_split_the_line():
    """JSON allows U+2028, U+0085 and the like raw in a string (ISO's scope texts come from word
    processors); only LF ends a JSON line."""
    row = iso_row(replacedBy=None, scope={"en": "<p>Scope\u2028more\x85and\x0bmore</p>"})
    text = json.dumps(row, ensure_ascii=False) + "\n"
    report = read(text, "x.jsonl")
    assert report.ok, report.errors
    assert [r.reference for r in report.records] == ["ISO 13482:2014"]


ROWS_OF_EVERY_KIND = [
    iso_row(),
    iso_row(id=2, reference="ISO 13482:2025", publicationDate="2025-03-01", replacedBy=None),
    iso_row(id=3, reference="ISO/IEC 27001:2022", publicationDate="2022-10-25T00:00:00"),
    iso_row(id=4, reference="IEC 60947-2:2016", publicationDate="2016-06-01", replacedBy=[2, 3]),
    iso_row(id=5, reference="iso 9001 : 2015", replacedBy=["ISO 9001:2026"]),
    iso_row(id=6, reference="ISO 9001", publicationDate="2008-11-14"),
    iso_row(id=7, reference="ISO 7000:2019", edition="3", currentStage="95.99"),
    iso_row(id=8, reference="ISO 7001:2019", edition=0),
    iso_row(id=9, reference="ISO 7002:2019", publicationDate="2015-W38-2"),
    iso_row(id=10, reference="ISO 7003:2019", publicationDate="2030-01-01"),
    iso_row(id=11, reference="ISO 7004:2019", replacedBy=0),
    iso_row(id="12", reference="ISO 7005:2019", replacedBy="[2]"),
    iso_row(id=13, reference="ISO 13482:2014"),  # a duplicate
    iso_row(id=14, reference="ISO 7006:2019", supplementType=""),
    iso_row(id=15, reference="ISO 7007:2019", edition=True),
    iso_row(id=16, reference="ISO 7008:1800"),
    iso_row(id=17, reference="ISO 7009:2019", publicationDate=""),
    iso_row(id=18, reference="ISO 7010:2019", currentStage=12345),
]


def test_the_quick_reading_of_isos_rows_gives_what_the_checked_one_gives(monkeypatch):
    """Most of ISO's rows are read by a quick path; the checked reading (which names problems)
    must come to the same records, skips and errors for every kind of row."""
    text = jsonl(*ROWS_OF_EVERY_KIND)
    quick = read(text, "x.jsonl")
    monkeypatch.setattr(
        "standards.alignment.files._RowReader._iso_as_published", lambda *args: False
    )
    checked = read(text, "x.jsonl")
    assert quick.records == checked.records
    assert quick.errors == checked.errors
    assert (quick.drafts, quick.supplements, quick.other_kinds) == (
        checked.drafts,
        checked.supplements,
        checked.other_kinds,
    )
    assert len(quick.records) >= 8 and quick.errors  # both kinds are really there
