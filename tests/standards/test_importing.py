"""The catalog importer: every encoding, header language and date form, and every bad input."""

import csv
import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from standards.models import InternationalCorrespondence, Standard

HEADER_EN = "number,title_ja,title_en,established_on,revised_on,confirmed_on,ministry,drafting_body,ics,international,status"
HEADER_JA = "規格番号,規格名称,英文名称,制定年月日,改正年月日,確認年月日,主務大臣,原案作成団体,ICS,対応国際規格,状態"
ROWS = [
    "JIS B 8445:2016,ロボット及びロボティックデバイス－生活支援ロボットの安全要求事項,Robots and robotic devices,2016-03-22,,,経済産業大臣,一般社団法人日本ロボット工業会,25.040.30,ISO 13482:2014 (IDT),active",
    "ＪＩＳ　Ｂ　７９２２,電子式湿球黒球温度（WBGT）指数計,,平成29年3月21日,令和5年3月20日,,経済産業大臣、厚生労働大臣,一般社団法人日本電気計測器工業会,17.200.20,,有効",
    "JISY17100,翻訳サービス－翻訳サービスの要求事項,Translation services,2021/3/22,,,METI;CAO,一般財団法人日本規格協会,01.020;03.080.99,ISO 17100:2015 IDT,active",
]


def csv_bytes(header=HEADER_EN, rows=ROWS, encoding="utf-8") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode(encoding)


def run_import(tmp_path, data: bytes, name="catalog.csv", *args):
    path = tmp_path / name
    path.write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    call_command("import_standards", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def import_error(tmp_path, data: bytes, name="catalog.csv") -> str:
    with pytest.raises(CommandError) as excinfo:
        run_import(tmp_path, data, name)
    assert Standard.objects.count() == 0, "a failed import must write nothing"
    return str(excinfo.value)


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp932", b"")],
)
def test_imports_csv_in_each_encoding(tmp_path, encoding, prefix):
    out, _ = run_import(tmp_path, prefix + csv_bytes(encoding=encoding))
    assert "3 created" in out
    robot = Standard.objects.get(number="JIS B 8445")
    assert robot.title_ja == "ロボット及びロボティックデバイス－生活支援ロボットの安全要求事項"
    assert robot.division == "B"
    assert robot.review_due_on == dt.date(2021, 3, 22)
    assert robot.review_due_fy == 2020


def test_japanese_headers_era_dates_and_lists(tmp_path):
    run_import(tmp_path, csv_bytes(header=HEADER_JA))
    wbgt = Standard.objects.get(number="JIS B 7922")
    assert (wbgt.established_on, wbgt.revised_on) == (dt.date(2017, 3, 21), dt.date(2023, 3, 20))
    assert sorted(wbgt.ministries.values_list("code", flat=True)) == ["METI", "MHLW"]
    assert wbgt.review_due_on == dt.date(2028, 3, 20) and wbgt.review_due_fy == 2027
    translation = Standard.objects.get(number="JIS Y 17100")
    assert translation.ics_codes == ["01.020", "03.080.99"]
    assert sorted(translation.ministries.values_list("code", flat=True)) == ["CAO", "METI"]
    assert list(translation.correspondences.values_list("designation", "degree")) == [
        ("ISO 17100:2015", "IDT")
    ]


def test_xlsx_first_sheet_with_date_cells(tmp_path):
    data = xlsx_bytes(
        [
            HEADER_JA.split(","),
            [
                "JIS X 0208",
                "7ビット及び8ビットの2バイト情報交換用符号化漢字集合",
                None,
                dt.datetime(1997, 1, 20),
                None,
                None,
                "経済産業大臣",
                None,
                None,
                None,
                None,
            ],
            [
                "JIS C 61000-4-2",
                "電磁両立性－第4-2部",
                "EMC",
                "令和元年5月1日",
                None,
                None,
                "METI",
                None,
                33.1,
                "IEC 61000-4-2:2008 (IDT)",
                None,
            ],
        ]
    )
    out, _ = run_import(tmp_path, data, "catalog.xlsx")
    assert "2 created" in out
    assert Standard.objects.get(number="JIS X 0208").established_on == dt.date(1997, 1, 20)
    emc = Standard.objects.get(number="JIS C 61000-4-2")
    assert emc.established_on == dt.date(2019, 5, 1)
    assert emc.ics_codes == ["33.100"], "Excel turns the ICS code 33.100 into the number 33.1"


def test_reimport_updates_in_place_and_records_history(tmp_path):
    run_import(tmp_path, csv_bytes())
    first_ids = dict(Standard.objects.values_list("number", "id"))
    out, _ = run_import(tmp_path, csv_bytes())
    assert "0 created, 0 updated, 3 unchanged" in out
    changed = [ROWS[0].replace("2016-03-22", "2016-03-23").replace("(IDT)", "(MOD)"), *ROWS[1:]]
    changed[1] = changed[1].replace("経済産業大臣、厚生労働大臣", "経済産業大臣")
    out, _ = run_import(tmp_path, csv_bytes(rows=changed))
    assert "0 created, 2 updated, 1 unchanged" in out
    assert dict(Standard.objects.values_list("number", "id")) == first_ids
    robot = Standard.objects.get(number="JIS B 8445")
    assert robot.established_on == dt.date(2016, 3, 23)
    assert [h.history_type for h in robot.history.order_by("history_date")] == ["+", "~"]
    assert robot.history.earliest("history_date").established_on == dt.date(2016, 3, 22)
    assert InternationalCorrespondence.objects.get(standard=robot).degree == "MOD"
    assert (
        robot.correspondences.model.history.filter(standard_id=robot.pk, history_type="-").count()
        == 1
    )
    wbgt = Standard.objects.get(number="JIS B 7922")
    assert list(wbgt.ministries.values_list("code", flat=True)) == ["METI"]
    snapshots = [
        sorted(m.ministry_id for m in h.ministries.all())
        for h in wbgt.history.order_by("history_date")
    ]
    assert snapshots == [["METI", "MHLW"], ["METI"]]


def test_bulk_import_records_history_for_every_row(tmp_path):
    run_import(tmp_path, csv_bytes())
    assert Standard.history.count() == 3
    assert Standard.history.filter(history_change_reason="import catalog.csv").count() == 3


def test_dry_run_writes_nothing(tmp_path):
    out, _ = run_import(tmp_path, csv_bytes(), "catalog.csv", "--dry-run")
    assert "3 valid row(s)" in out
    assert Standard.objects.count() == 0


def test_skip_invalid_imports_good_rows_and_writes_rejects(tmp_path):
    rows = [
        *ROWS,
        "JIS Q 9001,品質マネジメントシステム,,2023-02-30,,,METI,,,,active",
        "JIS Z 9999,何か,,,,,農水大臣,,,,",
    ]
    rejects = tmp_path / "rejects.csv"
    out, err = run_import(
        tmp_path, csv_bytes(rows=rows), "catalog.csv", "--skip-invalid", str(rejects)
    )
    assert "3 created" in out and "2 rejected" in out
    assert Standard.objects.count() == 3
    with rejects.open(encoding="utf-8-sig") as handle:
        lines = list(csv.DictReader(handle))
    # The rejected rows as they were, to fix and import again, with their line and reasons.
    assert [(r["number"], r["established_on"], r["ministry"], r["line"]) for r in lines] == [
        ("JIS Q 9001", "2023-02-30", "METI", "5"),
        ("JIS Z 9999", "", "農水大臣", "6"),
    ]
    assert lines[0]["reasons"].startswith(
        "established_on: 「2023-02-30」 is not a real calendar date"
    )
    assert lines[1]["reasons"].startswith("ministry: unknown ministry")
    assert "line 5, column established_on, value 「2023-02-30」" in err
    fixed = io.StringIO()
    writer = csv.writer(fixed)
    with rejects.open(encoding="utf-8-sig") as handle:
        for row in csv.reader(handle):
            writer.writerow(row[:-2])  # drop line and reasons, fix the two mistakes
    cleaned = (
        fixed.getvalue().replace("2023-02-30", "2023-02-28").replace("農水大臣", "農林水産大臣")
    )
    run_import(tmp_path, cleaned.encode(), "fixed.csv")
    assert Standard.objects.count() == 5


BAD_ROWS = [
    (
        "JIS Q 9001,品質,,2023-02-30,,,METI,,,,",
        "established_on",
        "2023-02-30",
        "not a real calendar date",
    ),
    ("JIS Q 9001,品質,,令和99年,,,METI,,,,", "established_on", "令和99年", "not a date"),
    (
        "JIS Q 9001,品質,,令和99年1月1日,,,METI,,,,",
        "established_on",
        "令和99年1月1日",
        "in the future",
    ),
    (
        "JIS Q 9001,品質,,2015-01-01,2010-01-01,,METI,,,,",
        "revised_on",
        "2010-01-01",
        "earlier than",
    ),
    ("JIS Q 9001,品質,,,,,財務大臣,,,,", "ministry", "財務大臣", "unknown ministry"),
    ("ISO 9001,品質,,,,,METI,,,,", "number", "ISO 9001", "not a JIS number"),
    ("JIS Q 9001,,,,,,METI,,,,", "title_ja", "", "required"),
    ("JIS Q 9001,品質,,,,,METI,,13-110,,", "ics", "13-110", "ICS"),
    ("JIS Q 9001,品質,,,,,METI,,,,maybe", "status", "maybe", "withdrawn"),
]


@pytest.mark.parametrize(("row", "column", "value", "reason"), BAD_ROWS)
def test_one_bad_row_stops_the_whole_import(tmp_path, row, column, value, reason):
    message = import_error(tmp_path, csv_bytes(rows=[*ROWS, row]))
    assert "1 invalid row" in message


@pytest.mark.parametrize(("row", "column", "value", "reason"), BAD_ROWS)
def test_bad_row_report_is_precise(row, column, value, reason):
    from standards.importing import read_catalog
    from standards.selectors import ministry_lookup

    report = read_catalog(
        csv_bytes(rows=[*ROWS, row]),
        ministries=ministry_lookup(),
        today=dt.date(2026, 11, 28),
        max_bytes=10**6,
        max_rows=100,
    )
    assert len(report.records) == 3
    [error] = report.errors
    assert (error.line, error.column, error.value) == (5, column, value)
    assert reason in error.message


def test_duplicate_numbers_in_one_file_are_rejected(tmp_path):
    rows = [*ROWS, "jis b 8445:2016,別の名称,,,,,METI,,,,"]
    message = import_error(tmp_path, csv_bytes(rows=rows))
    assert "1 invalid row" in message


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"", "catalog.csv", "empty"),
        (b"\xef\xbb\xbf\n\n", "catalog.csv", "empty"),
        (HEADER_EN.encode() + b"\n", "catalog.csv", "no rows"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "catalog.png", "neither CSV nor XLSX"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\x01", "catalog.pdf", "neither"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "catalog.xls", ".xls"),
        (b"PK\x03\x04garbage", "catalog.xlsx", "damaged zip"),
        (b"not a workbook", "catalog.xlsx", "not an Excel workbook"),
        (
            csv_bytes(header="number,title,colour"),
            "catalog.csv",
            "Unknown column(s) in the header: title, colour",
        ),
        (
            csv_bytes(header="title_ja,title_en", rows=["ロボット,Robot"]),
            "catalog.csv",
            "missing from the header: number",
        ),
        (csv_bytes(header="number,title_ja,number"), "catalog.csv", "appears twice"),
        (
            "number,title_ja\nJIS B 8445,ロボット\n".encode()
            + "JIS B 7922,温度計\n".encode("cp932"),
            "catalog.csv",
            "Mixed encodings: line 2 is UTF-8 but line 3",
        ),
        (
            b"number,title_ja\nJIS B 8445,\xa0\x81\x7f\n",
            "catalog.csv",
            "neither UTF-8 nor Shift_JIS: undecodable bytes on line 2",
        ),
        # Not UTF-8, and CP932 reads it only as control or unassigned characters: refused, not
        # imported as nonsense.
        (
            b"number,title_ja\nJIS B 8445,\x80robot\n",
            "catalog.csv",
            "neither UTF-8 nor Shift_JIS: byte 0x80 on line 2 (byte offset 27)",
        ),
        (
            b"number,title_ja\nJIS B 8445,robot\nJIS B 7922,price\xa0100\n",
            "catalog.csv",
            "byte 0xA0 on line 3 (byte offset 49)",
        ),
        (
            b"\xef\xbb\xbfnumber,title_ja\nJIS B 8445,\xfdrobot\n",
            "catalog.csv",
            "byte 0xFD on line 2 (byte offset 30)",
        ),
        (
            b"number,title_ja\nJIS B 8445,\xf0\x40\n",
            "catalog.csv",
            "byte 0xF0 on line 2 (byte offset 27) reads as a control or unassigned character",
        ),
    ],
)
def test_bad_files_get_a_clear_error_and_nothing_is_written(tmp_path, data, name, expected):
    assert expected in import_error(tmp_path, data, name)


def test_shift_jis_with_nec_and_ibm_extensions_still_imports(tmp_path):
    title = "髙﨑①㈱Ⅲ～－ｱｲｳ試験"  # IBM and NEC extensions, wave dash, half-width kana
    run_import(tmp_path, f"number,title_ja\nJIS B 8445,{title}\n".encode("cp932"))
    assert Standard.objects.get().title_ja == title


def test_oversized_csv_is_refused(tmp_path):
    data = csv_bytes() + b"#" * (50 * 1024 * 1024)
    message = import_error(tmp_path, data)
    assert "The file is 50.0 MB; the limit is 20.0 MB" in message


def test_xlsx_bomb_is_refused(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", "<a>" + " " * (300 * 1024 * 1024) + "</a>")
    message = import_error(tmp_path, buffer.getvalue(), "bomb.xlsx")
    assert "zip bomb" in message


def test_xlsx_entity_expansion_is_refused(tmp_path):
    data = xlsx_bytes([["number", "title_ja"], ["JIS B 8445", "ロボット"]])
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(
                    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
                    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>',
                    1,
                ).replace(b"<sheetData>", b"<sheetData>&lol2;", 1)
            archive.writestr(item, content)
    message = import_error(tmp_path, buffer.getvalue(), "entities.xlsx")
    assert "not a readable XLSX" in message


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("ISO 13482:2014 (IDT)", [("ISO 13482:2014", "IDT")]),
        ("ISO 13482:2014（ＩＤＴ）", [("ISO 13482:2014", "IDT")]),
        ("iso 9001:2015 mod", [("ISO 9001:2015", "MOD")]),
        ("ISO 4068:1978; ISO 7519:1991", [("ISO 4068:1978", ""), ("ISO 7519:1991", "")]),
        (
            "IEC 61000-4-2:2008 (IDT)、ISO/IEC Guide 51:2014 (NEQ)",
            [("IEC 61000-4-2:2008", "IDT"), ("ISO/IEC GUIDE 51:2014", "NEQ")],
        ),
        ("ISO 15223-1:2021/Amd 1:2023 (IDT)", [("ISO 15223-1:2021/AMD 1:2023", "IDT")]),
        # an amendment belongs to its document, written one way whatever the file says
        ("ISO 17100:2015+Amd 1:2017 (IDT)", [("ISO 17100:2015/AMD 1:2017", "IDT")]),
    ],
)
def test_international_correspondence_cells(cell, expected):
    data = io.StringIO()
    csv.writer(data).writerows(
        [["number", "title_ja", "international"], ["JIS B 8445", "ロボット", cell]]
    )
    report = read(data.getvalue().encode())
    assert report.errors == []
    assert report.records[0].international == expected


def read(data: bytes, filename: str = "catalog.csv"):
    from standards.importing import read_catalog
    from standards.selectors import ministry_lookup

    return read_catalog(
        data,
        filename=filename,
        ministries=ministry_lookup(),
        today=dt.date(2026, 11, 28),
        max_bytes=10**7,
        max_rows=1000,
    )


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        # An apostrophe in a title must not be taken for a quote character.
        (
            "number,title_ja,title_en\nJIS S 1103,育児用ベッド,'Children' cots\nJIS L 4107,\"衣料, 紳士用\",\n",
            [("JIS S 1103", "育児用ベッド", "'Children' cots"), ("JIS L 4107", "衣料, 紳士用", "")],
        ),
        (
            "number;title_ja;title_en\nJIS B 8445;ロボット;Robots\n",
            [("JIS B 8445", "ロボット", "Robots")],
        ),
        (
            "number\ttitle_ja\ttitle_en\r\nJIS B 8445\tロボット\tRobots\r\n",
            [("JIS B 8445", "ロボット", "Robots")],
        ),
        ("\n\nnumber,title_ja,title_en\nJIS B 8445,ロボット,\n", [("JIS B 8445", "ロボット", "")]),
    ],
)
def test_csv_dialects(data, expected):
    report = read(data.encode())
    assert report.errors == []
    assert [(r.number, r.title_ja, r.title_en) for r in report.records] == expected


def test_utf16_csv_from_excel_unicode_text():
    report = read("number\ttitle_ja\nJIS B 8445\tロボット\n".encode("utf-16"))
    assert [(r.number, r.title_ja) for r in report.records] == [("JIS B 8445", "ロボット")]


def test_extra_cells_are_an_error_not_silently_dropped():
    report = read("number,title_ja\nJIS B 8445,ロボット,surplus\n".encode())
    [error] = report.errors
    assert (error.line, error.value) == (2, "surplus")


def test_errors_name_the_column_as_written_in_the_file():
    report = read("規格番号,規格名称,制定年月日\nJIS B 8445,ロボット,2023-02-30\n".encode())
    [error] = report.errors
    assert (error.line, error.column, error.value) == (2, "制定年月日", "2023-02-30")


def test_xlsx_excel_date_serials_and_bom_in_header(tmp_path):
    data = xlsx_bytes(
        [["\ufeffnumber", "title_ja", "established_on"], ["JIS B 8445", "ロボット", 42451]]
    )
    report = read(data, "catalog.xlsx")
    assert report.errors == []
    assert report.records[0].established_on == dt.date(2016, 3, 22)


def test_reimport_with_fewer_columns_keeps_the_others(tmp_path):
    run_import(tmp_path, csv_bytes())
    robot = Standard.objects.get(number="JIS B 8445")
    robot.fast_track = True
    robot.save()
    run_import(tmp_path, "number,title_ja\nJIS B 8445,生活支援ロボットの安全要求事項\n".encode())
    robot.refresh_from_db()
    assert robot.title_ja == "生活支援ロボットの安全要求事項"
    assert robot.fast_track and robot.title_en == "Robots and robotic devices"
    assert robot.established_on == dt.date(2016, 3, 22)
    assert list(robot.ministries.values_list("code", flat=True)) == ["METI"]
    assert robot.correspondences.count() == 1
