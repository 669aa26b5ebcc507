"""The catalog import as real files come (issue 15) and the catalog kept up through the screen:
export, edit, import again (issue 14, item 9)."""

import csv
import datetime as dt
import io
import re

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from standards.models import DraftingBody, InternationalCorrespondence, Kind, Standard

pytestmark = pytest.mark.django_db

HEADER = "規格番号,規格名称,制定年月日,改正年月日,確認年月日,原案作成団体,対応国際規格,状態"
ROBOT = (
    "JIS B 8445:2016,生活支援ロボットの安全要求事項,2016-03-22,,2021-10-20,"
    "一般社団法人日本ロボット工業会,ISO 13482:2014 (IDT),有効"
)


def csv_file(*rows: str, header: str = HEADER) -> bytes:
    lines = io.StringIO()
    writer = csv.writer(lines)
    for line in [header, *rows]:
        writer.writerow(next(csv.reader([line])))
    return lines.getvalue().encode()


def cells(**values) -> str:
    """One row of HEADER with these cells (by English name) and the robot's for the others."""
    names = ["number", "title", "established", "revised", "confirmed", "body", "intl", "status"]
    row = dict(zip(names, next(csv.reader([ROBOT])), strict=True)) | values
    buffer = io.StringIO()
    csv.writer(buffer).writerow([row[name] for name in names])
    return buffer.getvalue().strip()


def run(tmp_path, data: bytes, *args, name="catalog.csv") -> tuple[str, str]:
    path = tmp_path / name
    path.write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    with translation.override("en"):  # a page fetched before may have left another language on
        call_command("import_standards", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def robot() -> Standard:
    return Standard.objects.get(number="JIS B 8445")


def designations(standard: Standard) -> list[tuple[str, str]]:
    return list(standard.correspondences.order_by("id").values_list("designation", "degree"))


# --- 1. the international column is informational ---------------------------------------------


@pytest.mark.parametrize(
    ("cell", "stored", "warnings"),
    [
        ("ISO 13482:2014(IDT)", [("ISO 13482:2014", "IDT")], 0),
        (
            "ISO 630-1:2011; ISO 630-2:2011 (overall MOD)",
            [("ISO 630-1:2011", "MOD"), ("ISO 630-2:2011", "MOD")],
            0,
        ),
        ("ISO 4715:2018 (同等でない（NEQ）)", [("ISO 4715:2018", "NEQ")], 0),
        ("ISO 9001:2015 (SAME)", [("ISO 9001:2015", "")], 1),
        ("see the foreword; ISO 9001:2015（一致）", [("ISO 9001:2015", "IDT")], 1),
        ("全く読めない文", [], 1),
    ],
)
def test_the_international_column_never_fails_the_file(tmp_path, cell, stored, warnings):
    out, err = run(tmp_path, csv_file(cells(intl=cell)))
    assert "1 created" in out and f"{warnings} warning(s)" in out
    assert robot().international_text == cell, "kept as written"
    assert designations(robot()) == stored
    assert err.count("warning: line 2, column 対応国際規格") == warnings


def test_warnings_name_line_column_and_value(tmp_path):
    _out, err = run(tmp_path, csv_file(ROBOT, cells(number="JIS B 7922", intl="ISO 1 (basis)")))
    assert (
        "warning: line 3, column 対応国際規格, value 「ISO 1 (basis)」: the note 「basis」" in err
    )


# --- 2. numbers with their edition, amendments, TS and TR ---------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "edition", "title", "warned"),
    [
        # a later edition updates the standard
        ("JIS B 8445:2016", "JIS B 8445:2020", 2020, "新", False),
        # an older one is reported and not applied
        ("JIS B 8445:2016", "JIS B 8445:2011", 2016, "旧", True),
        # the same edition, or none given: an ordinary update
        ("JIS B 8445:2016", "JIS B 8445:2016", 2016, "新", False),
        ("JIS B 8445:2016", "JIS B 8445", 2016, "新", False),
        ("JIS B 8445", "JIS B 8445:2011", 2011, "新", False),
    ],
)
def test_the_edition_is_data(tmp_path, first, second, edition, title, warned):
    run(tmp_path, csv_file(cells(number=first, title="旧")))
    out, err = run(tmp_path, csv_file(cells(number=second, title="新")))
    assert (robot().edition_year, robot().title_ja) == (edition, title)
    assert ("an older edition than the stored one (2016)" in err) == warned
    assert ("1 older edition(s) not applied" in out) == warned
    assert Standard.objects.count() == 1


@pytest.mark.parametrize("order", [("2011", "2016"), ("2016", "2011")])
def test_two_editions_in_one_file_the_later_wins(tmp_path, order):
    rows = [cells(number=f"JIS B 8445:{year}", title=f"{year}年版") for year in order]
    out, err = run(tmp_path, csv_file(*rows))
    assert (robot().edition_year, robot().title_ja) == (2016, "2016年版")
    line = 2 + order.index("2011")
    assert f"warning: line {line}, column 規格番号, value 「JIS B 8445:2011」: edition 2011" in err
    assert "1 created" in out


def test_amendments_belong_to_their_standard(tmp_path):
    data = csv_file(
        cells(number="JIS C 8201-2-1:2011", title="低圧開閉装置"),
        cells(number="JIS C 8201-2-1:2011/AMD 1:2018", title="低圧開閉装置（追補1）"),
        cells(number="JIS C 8201-2-1:2011/追補2", title="追補2"),
        cells(number="JIS Z 9999:2011/AMD 1:2018", title="どこにもない規格の追補"),
    )
    out, err = run(tmp_path, data)
    [standard] = Standard.objects.all()
    assert standard.number == "JIS C 8201-2-1"
    assert standard.amendments == ["JIS C 8201-2-1:2011/追補1:2018", "JIS C 8201-2-1:2011/追補2"]
    assert "2 amendment(s);" in out
    assert "JIS Z 9999 is neither in the catalog nor in this file" in err
    # the same amendments again: nothing new; a later file may add one to the stored standard
    out, _err = run(tmp_path, data)
    assert "0 updated" in out and "0 amendment(s);" in out
    run(tmp_path, csv_file(cells(number="JIS C 8201-2-1:2011/AMD 3:2024", title="追補3")))
    standard.refresh_from_db()
    assert standard.amendments[-1] == "JIS C 8201-2-1:2011/追補3:2024"
    assert standard.history.count() == 2


def test_technical_specifications_and_reports_are_stored_but_not_planned(tmp_path):
    data = csv_file(
        ROBOT,
        cells(number="TS A 0006:2004", title="仕様書"),
        cells(number="TR Z 0001", title="報告書"),
    )
    out, _err = run(tmp_path, data)
    assert "3 created" in out and "2 TS/TR document(s), outside the five-year plan" in out
    kinds = dict(Standard.objects.values_list("number", "kind"))
    assert kinds == {"JIS B 8445": Kind.JIS, "TS A 0006": Kind.TS, "TR Z 0001": Kind.TR}
    assert list(Standard.objects.plannable().values_list("number", flat=True)) == ["JIS B 8445"]
    assert Standard.objects.get(number="TS A 0006").edition_year == 2004


# --- 3. drafting bodies -------------------------------------------------------------------------


def test_one_body_however_written_and_two_bodies_in_a_cell(tmp_path):
    spellings = [
        "一般社団法人日本ロボット工業会",
        "一般社団法人　日本ロボット工業会",
        "一般社団法人 日本ロボット工業会",
        "(一社)日本ロボット工業会",
        "一般社団法人\n日本ロボット工業会",
    ]
    rows = [cells(number=f"JIS B {8440 + i}", body=body) for i, body in enumerate(spellings)]
    joint = "一般社団法人日本電機工業会\n一般社団法人日本ロボット工業会"
    rows.append(cells(number="JIS C 9999", body=joint))
    run(tmp_path, csv_file(*rows))
    robots = DraftingBody.objects.get(name="一般社団法人日本ロボット工業会")
    assert DraftingBody.objects.count() == 2
    assert robots.standards.count() == 5 and robots.drafted_standards.count() == 6
    both = Standard.objects.get(number="JIS C 9999")
    assert both.drafting_body.name == "一般社団法人日本電機工業会", "the first body routes"
    assert sorted(both.drafting_bodies.values_list("name", flat=True)) == sorted(
        ["一般社団法人日本電機工業会", "一般社団法人日本ロボット工業会"]
    )
    # a stored body is found again however the next file writes it
    run(tmp_path, csv_file(cells(number="JIS B 8440", body="（一社）日本ロボット工業会")))
    assert DraftingBody.objects.count() == 2


# --- 4. ministries may be absent ------------------------------------------------------------


def test_without_a_ministry_column_then_a_file_that_names_them(tmp_path):
    run(tmp_path, csv_file(ROBOT))
    assert not robot().ministries.exists()
    assert Standard.objects.plannable().filter(pk=robot().pk).exists()
    run(
        tmp_path,
        "規格番号,規格名称,主務大臣\nJIS B 8445,生活支援ロボットの安全要求事項,経済産業大臣\n".encode(),
    )
    assert list(robot().ministries.values_list("code", flat=True)) == ["METI"]
    # a blank ministry cell keeps them
    run(
        tmp_path,
        "規格番号,規格名称,主務大臣\nJIS B 8445,生活支援ロボットの安全要求事項,\n".encode(),
    )
    assert list(robot().ministries.values_list("code", flat=True)) == ["METI"]


def test_the_catalog_lists_standards_with_no_competent_ministry(tmp_path, client, reviewer):
    run(tmp_path, csv_file(ROBOT, cells(number="JIS B 7922", title="温度計")))
    run(tmp_path, "規格番号,規格名称,主務大臣\nJIS B 7922,温度計,厚生労働大臣\n".encode())
    client.force_login(reviewer)
    page = client.get("/standards/?ministry=none").content.decode()
    assert "JIS B 8445" in page and "JIS B 7922" not in page
    api = client.get("/api/standards/?ministry=none&ministry=MHLW").json()
    assert sorted(row["number"] for row in api["results"]) == ["JIS B 7922", "JIS B 8445"]
    assert client.get("/api/standards/?ministry=METI").json()["count"] == 0


# --- #14 item 9: a blank cell never erases; the marker does ------------------------------------

FULL = (
    "number,title_ja,title_en,established_on,revised_on,confirmed_on,ministry,drafting_body,ics,"
    "international,status,fast_track,strategic_fields,source"
)
FULL_ROW = (
    "JIS B 8445:2016,生活支援ロボット,Robots,2016-03-22,2019-05-01,2024-10-21,METI,"
    "一般社団法人日本ロボット工業会,25.040.30,ISO 13482:2014 (IDT),active,yes,quantum,"
    "https://www.jisc.go.jp/"
)
# column → what the standard holds for it, read back
HELD = {
    "title_en": lambda s: s.title_en,
    "revised_on": lambda s: s.revised_on,
    "confirmed_on": lambda s: s.confirmed_on,
    "ministry": lambda s: list(s.ministries.values_list("code", flat=True)),
    "drafting_body": lambda s: (s.drafting_body_id, list(s.drafting_bodies.all())),
    "ics": lambda s: s.ics_codes,
    "international": lambda s: (designations(s), s.international_text),
    "status": lambda s: s.status,
    "fast_track": lambda s: s.fast_track,
    "strategic_fields": lambda s: s.strategic_fields,
    "source": lambda s: s.source_url,
}
CLEARED = {
    "title_en": "",
    "revised_on": None,
    "confirmed_on": None,
    "ministry": [],
    "drafting_body": (None, []),
    "ics": [],
    "international": ([], ""),
    "fast_track": False,
    "strategic_fields": [],
    "source": "",
}


def _with(column: str, value: str) -> str:
    row = next(csv.reader([FULL_ROW]))
    row[FULL.split(",").index(column)] = value
    buffer = io.StringIO()
    csv.writer(buffer).writerow(row)
    return buffer.getvalue()


@pytest.mark.parametrize("column", HELD)
def test_a_blank_cell_never_erases_a_stored_value(tmp_path, column):
    run(tmp_path, f"{FULL}\n{FULL_ROW}\n".encode())
    before = HELD[column](robot())
    history = robot().history.count()
    out, _err = run(tmp_path, f"{FULL}\n{_with(column, '')}".encode())
    assert HELD[column](robot()) == before
    assert "0 updated, 1 unchanged" in out and robot().history.count() == history
    assert robot().review_due_on == dt.date(2029, 10, 21), "the review stays where it was"


@pytest.mark.parametrize("marker", ["（削除）", "(削除)", "(delete)", " (Clear) "])
@pytest.mark.parametrize("column", CLEARED)
def test_the_marker_clears_a_stored_value(tmp_path, column, marker):
    run(tmp_path, f"{FULL}\n{FULL_ROW}\n".encode())
    out, _err = run(tmp_path, f"{FULL}\n{_with(column, marker)}".encode())
    assert HELD[column](robot()) == CLEARED[column]
    assert "1 updated" in out


@pytest.mark.parametrize(
    ("column", "reason"),
    [("title_ja", "the Japanese title is required"), ("status", "always has a status")],
)
def test_what_cannot_be_cleared_is_refused(tmp_path, column, reason):
    run(tmp_path, f"{FULL}\n{FULL_ROW}\n".encode())
    with pytest.raises(CommandError):
        run(tmp_path, f"{FULL}\n{_with(column, '（削除）')}".encode())
    assert robot().title_ja == "生活支援ロボット"


# --- bad inputs are still refused -------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        (cells(number="TS 0006"), "規格番号", "not a JIS number"),
        (cells(number="ISO 13482:2014"), "規格番号", "not a JIS number"),
        (cells(number="JIS B 8445:2011/AMD 1:2009"), "規格番号", "before its edition"),
        (cells(number="JIS B 8445:2016/追補0"), "規格番号", "amendment 0"),
        (cells(number="JIS B 8445:1900"), "規格番号", "year 1900"),
        (cells(established="2016-02-30"), "制定年月日", "not a real calendar date"),
        (cells(revised="2010-01-01"), "改正年月日", "earlier than"),
        (cells(status="保留"), "状態", "withdrawn"),
        (cells(body="一般社団法人" + "長" * 200), "原案作成団体", "longer than 200"),
    ],
)
def test_bad_rows_are_still_refused(tmp_path, row, column, reason):
    with pytest.raises(CommandError) as refused:
        run(tmp_path, csv_file(ROBOT, row))
    assert "1 invalid row(s)" in str(refused.value)
    assert not Standard.objects.exists()


def test_an_edition_column_that_contradicts_the_number_is_refused(tmp_path):
    data = "number,title_ja,edition\nJIS B 8445:2016,ロボット,2011\nJIS B 7922,温度計,令和\n"
    with pytest.raises(CommandError) as refused:
        run(tmp_path, data.encode())
    assert "2 invalid row(s)" in str(refused.value)


def test_the_same_edition_twice_is_still_a_duplicate(tmp_path):
    with pytest.raises(CommandError):
        run(tmp_path, csv_file(ROBOT, ROBOT.replace("生活支援", "別の")))


# --- the dry run lists every change ------------------------------------------------------------


def test_the_dry_run_lists_every_change_and_writes_nothing(tmp_path):
    run(tmp_path, csv_file(ROBOT, cells(number="JIS B 7922", title="温度計")))
    edited = csv_file(
        cells(confirmed="2024-10-21", intl="ISO 13482:2014 (MOD)"),
        cells(number="JIS B 7922", title="電子式温度計"),
        cells(number="JIS Y 17100", title="翻訳サービス"),
    )
    history = Standard.history.count()
    out, _err = run(tmp_path, edited, "--dry-run", "--changes", str(tmp_path / "changes.csv"))
    lines = [line for line in out.splitlines() if line.startswith("JIS ")]
    assert lines == [
        "JIS B 8445: last confirmed: 2021-10-20 → 2024-10-21",
        "JIS B 8445: international standards as written: ISO 13482:2014 (IDT) → "
        "ISO 13482:2014 (MOD)",
        "JIS B 8445: international correspondences: ISO 13482:2014 (Identical (IDT)) → "
        "ISO 13482:2014 (Modified (MOD))",
        "JIS B 7922: title (Japanese): 温度計 → 電子式温度計",
        "JIS Y 17100: new standard",
    ]
    assert "The import would make: 1 created, 2 updated, 0 unchanged." in out
    assert Standard.history.count() == history and Standard.objects.count() == 2
    assert robot().confirmed_on == dt.date(2021, 10, 20)
    with (tmp_path / "changes.csv").open(encoding="utf-8-sig") as handle:
        assert len(list(csv.reader(handle))) == 1 + len(lines)


def _english(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _upload(client, data: bytes, name="c.csv", **options):
    form = {"file": SimpleUploadedFile(name, data), **dict.fromkeys(options, "on")}
    return client.post(reverse("standards:import"), form).content.decode()


def _download(client, page: str, name: str) -> list[list[str]]:
    [link] = re.findall(rf'href="([^"]+/{name}\.csv)"', page)
    response = client.get(link)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_screen_shows_the_first_changes_and_the_file_has_them_all(client, coordinator):
    _english(client, coordinator)
    rows = [cells(number=f"JIS B {1000 + i}", title=f"規格{i}") for i in range(250)]
    _upload(client, csv_file(*rows))
    edited = [cells(number=f"JIS B {1000 + i}", title=f"改題{i}") for i in range(250)]
    page = _upload(client, csv_file(*edited), dry_run=True)
    assert "Dry run, nothing was written." in page and "0 created, 250 updated" in page
    assert page.count('<tr class="change">') == 200
    assert "The first 200 of 250 changes are shown; changes.csv has them all." in page
    changes = _download(client, page, "changes")
    assert changes[0] == ["Number", "Field", "Before", "After"]
    assert changes[-1] == ["JIS B 1249", "title (Japanese)", "規格249", "改題249"]
    assert len(changes) == 251
    assert Standard.objects.filter(title_ja__startswith="改題").count() == 0


def test_the_result_page_says_what_was_created_updated_unchanged_and_rejected(client, coordinator):
    _english(client, coordinator)
    _upload(client, csv_file(ROBOT, cells(number="JIS B 7922", title="温度計")))
    data = csv_file(
        cells(title="新しい名称"),
        cells(number="JIS B 7922", title="温度計"),
        cells(number="JIS Y 17100", title="翻訳サービス", intl="see the foreword"),
        cells(number="JIS Q 9001", established="2023-02-30"),
    )
    page = _upload(client, data, skip_invalid=True)
    assert "1 created, 1 updated, 1 unchanged." in page and "1 row rejected." in page
    assert "1 warning" in page
    assert "生活支援ロボットの安全要求事項" in page and "新しい名称" in page  # the change
    assert "JIS Y 17100" in page  # created
    assert "2023-02-30" in page  # rejected, with its reason
    rejects = _download(client, page, "rejects")
    assert rejects[1][:2] == ["JIS Q 9001", "生活支援ロボットの安全要求事項"]
    assert rejects[1][-2] == "5"
    warnings = _download(client, page, "warnings")
    assert warnings[1][:3] == ["4", "対応国際規格", "see the foreword"]


def test_downloads_are_for_the_coordinator_who_imported(client, coordinator, django_user_model):
    _english(client, coordinator)
    page = _upload(client, csv_file(ROBOT, cells(number="JIS Q 9001", established="2023-02-30")))
    [link] = re.findall(r'href="([^"]+/rejects\.csv)"', page)
    other = django_user_model.objects.create_user(username="coord2", password="pw")
    other.groups.add(coordinator.groups.get())
    client.force_login(other)
    assert client.get(link).status_code == 404
    assert client.get(link.replace("rejects", "secrets")).status_code == 404


# --- export → edit → import ----------------------------------------------------------------


def _catalog(tmp_path):
    wbgt = [
        *("JIS B 7922", "電子式湿球黒球温度（WBGT）指数計", "", "2017-03-21", "2023-03-20", ""),
        *("METI;MHLW", "一般社団法人日本電気計測器工業会\n一般社団法人日本ロボット工業会"),
        *("17.200.20", "ISO 7243:2017 (MOD)、ISO 9001 [note]", "active", "no", "", ""),
    ]
    # what public lists write for "none", and what a spreadsheet would take for a formula: the
    # export guards it with an apostrophe, which the import takes off again
    report = ["TR Z 0001:2020", "=報告書", "+Appendix", "2020-01-10", "", "", "", "", "", "－"]
    report += ["withdrawn"]
    buffer = io.StringIO()
    csv.writer(buffer).writerows([FULL.split(","), next(csv.reader([FULL_ROW])), wbgt, report])
    run(tmp_path, buffer.getvalue().encode())
    run(tmp_path, csv_file(cells(number="JIS B 8445:2016/AMD 1:2020", title="追補")))


def _export(client, language: str, fmt: str) -> bytes:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(f"/api/standards/?format={fmt}")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def _snapshot() -> list:
    return [
        (
            s.number,
            s.title_ja,
            s.title_en,
            s.established_on,
            s.revised_on,
            s.confirmed_on,
            s.edition_year,
            s.status,
            s.fast_track,
            s.ics_codes,
            s.strategic_fields,
            s.amendments,
            s.international_text,
            s.drafting_body_id,
            sorted(s.drafting_bodies.values_list("id", flat=True)),
            sorted(s.ministries.values_list("code", flat=True)),
            designations(s),
        )
        for s in Standard.objects.order_by("number")
    ]


@pytest.mark.parametrize(("language", "fmt"), [("ja", "csv"), ("en", "csv"), ("ja", "xlsx")])
def test_an_export_imports_again_unchanged(tmp_path, client, coordinator, language, fmt):
    _catalog(tmp_path)
    client.force_login(coordinator)
    before, history = _snapshot(), Standard.history.count()
    name = f"export.{fmt}"
    out, err = run(tmp_path, _export(client, language, fmt), name=name)
    assert "0 created, 0 updated, 3 unchanged, 0 rejected" in out, out + err
    assert "0 warning(s)" in out, err
    assert _snapshot() == before
    assert Standard.history.count() == history
    assert InternationalCorrespondence.history.filter(history_type="-").count() == 0


@pytest.mark.parametrize("language", ["ja", "en"])
def test_editing_one_cell_of_an_export_changes_exactly_that(
    tmp_path, client, coordinator, language
):
    _catalog(tmp_path)
    client.force_login(coordinator)
    table = list(csv.reader(io.StringIO(_export(client, language, "csv").decode("utf-8-sig"))))
    header = table[0]
    column = header.index("最終確認日" if language == "ja" else "Last confirmed")
    [row] = [r for r in table if r[0] == "JIS B 7922"]
    row[column] = "2024-06-01"
    buffer = io.StringIO()
    csv.writer(buffer).writerows(table)
    before = _snapshot()
    out, _err = run(tmp_path, buffer.getvalue().encode(), "--changes", str(tmp_path / "c.csv"))
    assert "0 created, 1 updated, 2 unchanged" in out
    with (tmp_path / "c.csv").open(encoding="utf-8-sig") as handle:
        assert list(csv.reader(handle))[1:] == [["JIS B 7922", "last confirmed", "", "2024-06-01"]]
    after = _snapshot()
    changed = [(b, a) for b, a in zip(before, after, strict=True) if b != a]
    assert len(changed) == 1 and changed[0][1][5] == dt.date(2024, 6, 1)


def test_an_xlsx_export_with_a_cell_cleared_by_the_marker(tmp_path, client, coordinator):
    _catalog(tmp_path)
    client.force_login(coordinator)
    book = openpyxl.load_workbook(io.BytesIO(_export(client, "en", "xlsx")))
    sheet = book.active
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "JIS B 8445":
            row[header.index("International standards")].value = "（削除）"
            row[header.index("Last revised")].value = None  # blank: stays
    buffer = io.BytesIO()
    book.save(buffer)
    out, _err = run(tmp_path, buffer.getvalue(), name="edited.xlsx")
    assert "1 updated" in out
    assert designations(robot()) == [] and robot().revised_on == dt.date(2019, 5, 1)
    assert robot().international_text == "ISO 13482:2014 (IDT)", "its own column was not cleared"


def test_the_admin_keeps_the_edition_and_refuses_an_amendment(client, django_user_model):
    _english(client, django_user_model.objects.create_superuser("root", "r@example.jp", "pw"))
    form = {
        "number": "JIS B 8445:2016",
        "title_ja": "生活支援ロボット",
        "status": "active",
        "ics_codes": "[]",
        "strategic_fields": "[]",
        "amendments": "[]",
        "correspondences-TOTAL_FORMS": "0",
        "correspondences-INITIAL_FORMS": "0",
    }
    response = client.post("/admin/standards/standard/add/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert (robot().edition_year, robot().kind) == (2016, "JIS")
    amendment = {**form, "number": "JIS B 7922:2017/AMD 1:2023"}
    response = client.post("/admin/standards/standard/add/", amendment)
    assert "An amendment is recorded on its standard" in response.content.decode()
    assert Standard.objects.count() == 1
