"""Ministry queries: priority standards with reasons, catalog and survey filters, ministry scoping,
exports (CSV with BOM, XLSX, formula escaping), the ministry screen and saved searches."""

import csv
import datetime as dt
import io

import openpyxl
import pytest

from accounts.models import SavedSearch
from reviews.models import StandardPriority
from reviews.priority import services as priority_services
from reviews.survey import services as survey_services
from tests.reviews.data import COMPLETE
from tests.standards.factories import StandardFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 28)
CONDITIONAL = {
    **{k: v for k, v in COMPLETE.items() if k not in ("procurers", "procurers_detail")},
    "procurement_use": [],
    "used_in_procurement": "no",
    "could_be_used": "with_conditions",
    "recommended_action": "revise",
    "action_reason": "試験方法が古い",
    "cited_by_regulations": True,
    "regulation_citations": "電気用品の技術基準",
}
CONDITIONAL.pop("procurement_use")


def _accept(assignment, answers, reviewer, coordinator):
    survey_services.response_save_draft(
        assignment=assignment, answers=answers, based_on=0, by=reviewer
    )
    survey_services.assignment_submit(assignment=assignment, by=reviewer)
    survey_services.assignment_accept(assignment=assignment, by=coordinator)


@pytest.fixture
def surveyed(batches, coordinator, reviewer, other_reviewer):
    """METI: C 6000 usable and cited, C 6001 usable with conditions and to revise; MLIT: C 6004
    usable; plus a METI standard reviewed in 2024 (not due, not a priority) and one that is."""
    meti = sorted(batches[0].assignments.all(), key=lambda a: a.standard.number)
    mlit = sorted(batches[1].assignments.all(), key=lambda a: a.standard.number)
    _accept(meti[0], COMPLETE, reviewer, coordinator)
    _accept(meti[1], CONDITIONAL, reviewer, coordinator)
    _accept(mlit[0], COMPLETE, other_reviewer, coordinator)
    StandardFactory(
        number="JIS C 7000",
        title_ja='=HYPERLINK("http://example.invalid")計測器',
        established_on=dt.date(2024, 6, 1),
        ministries=["METI"],
    )
    StandardFactory(
        number="JIS B 8445",
        title_ja="産業用ロボット",
        established_on=dt.date(2024, 6, 1),
        fast_track=True,
        ministries=["METI"],
        correspondences=[("ISO 10218-1", "MOD")],
        ics_codes=["25.040.30"],
    )
    priority_services.priorities_recompute(today=TODAY)
    return {"meti": meti, "mlit": mlit}


def numbers(response):
    assert response.status_code == 200, response.content
    return sorted(row["number"] for row in response.json()["results"])


# ---- the stored verdicts and the list ---------------------------------------------------------


def test_priority_list_gives_reasons_in_words(token_client, ministry_viewer, surveyed):
    client = token_client(ministry_viewer)
    (row,) = client.get("/api/priorities/?q=C6000").json()["results"]
    assert row["is_priority"] is True
    assert [r["code"] for r in row["reasons"]] == [  # strongest first
        "cited_in_procurement",
        "usable",
        "review_due_soon",
    ]
    assert row["reasons"][1]["label"] == "公共調達で使用可能"  # Japanese unless asked otherwise
    english = client.get("/api/priorities/?q=C6000", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["results"][0]["reasons"][1]["label"] == "Usable in public procurement"
    assert row["outcome"]["usability"] == "usable"
    assert row["survey_fiscal_year"] == 2026


def test_withdrawn_and_not_due_standards_are_not_priorities(token_client, coordinator, surveyed):
    client = token_client(coordinator)
    assert "JIS C 7000" not in numbers(client.get("/api/priorities/?page_size=200"))
    assert numbers(client.get("/api/standards/?priority=false")) == ["JIS C 7000"]
    assert StandardPriority.objects.get(standard__number="JIS C 7000").reasons == []


# ---- ministry scoping -------------------------------------------------------------------------


def test_ministry_viewer_sees_only_their_ministry(token_client, ministry_viewer, surveyed):
    client = token_client(ministry_viewer)
    mine = numbers(client.get("/api/priorities/?page_size=200"))
    assert mine == ["JIS B 8445", "JIS C 6000", "JIS C 6001", "JIS C 6002", "JIS C 6003"]
    # asking for another ministry changes nothing
    assert numbers(client.get("/api/priorities/?ministry=MLIT")) == []
    assert numbers(client.get("/api/standards/?usability=usable")) == ["JIS C 6000"]


def test_coordinator_sees_every_ministry(token_client, coordinator, surveyed):
    client = token_client(coordinator)
    assert numbers(client.get("/api/standards/?usability=usable")) == ["JIS C 6000", "JIS C 6004"]
    assert numbers(client.get("/api/priorities/?ministry=MLIT&usability=usable")) == ["JIS C 6004"]


def test_survey_filters_need_a_survey_role(token_client, reviewer, outsider, surveyed):
    # the catalog stays open to every signed-in user; survey results do not
    client = token_client(reviewer)
    assert numbers(client.get("/api/standards/?q=C6000")) == ["JIS C 6000"]
    assert numbers(client.get("/api/standards/?usability=usable")) == []
    assert client.get("/api/priorities/").status_code == 403
    assert token_client(outsider).get("/api/priorities/").status_code == 403


# ---- every survey filter ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("usability=with_conditions", ["JIS C 6001"]),
        ("usability=usable&usability=with_conditions", ["JIS C 6000", "JIS C 6001"]),
        ("cited=true", ["JIS C 6000"]),
        ("cited=false", ["JIS C 6001"]),
        ("recommended_action=revise", ["JIS C 6001"]),
        ("recommended_action=confirm", ["JIS C 6000"]),
        ("reason=fast_track", ["JIS B 8445"]),
        ("reason=revision_recommended", ["JIS C 6001"]),
        ("reason=usable_with_conditions", ["JIS C 6001"]),
        ("survey_fy=2026", ["JIS C 6000", "JIS C 6001", "JIS C 6002", "JIS C 6003"]),
        ("survey_fy=2029", []),
        ("answer=could_be_used:with_conditions", ["JIS C 6001"]),
        ("answer=used_in_procurement:yes", ["JIS C 6000"]),
        ("answer=cited_by_regulations:yes", ["JIS C 6001"]),
        ("answer=cited_by_regulations:no", ["JIS C 6000"]),
        ("answer=market_use:widely&answer=used_in_procurement:no", ["JIS C 6001"]),
        ("priority=true&fast_track=true", ["JIS B 8445"]),
    ],
)
def test_survey_filters(token_client, ministry_viewer, surveyed, query, expected):
    assert numbers(token_client(ministry_viewer).get(f"/api/standards/?{query}")) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("international=iso 10218", ["JIS B 8445"]),
        ("ics=25.040", ["JIS B 8445"]),
        ("ics=25.04", ["JIS B 8445"]),
        ("ics=40.040", []),
        ("established_on_after=令和6年1月1日", ["JIS B 8445", "JIS C 7000"]),
        ("established_on_before=R5.12.31&division=C", [f"JIS C {6000 + i}" for i in range(8)]),
        (
            "review_due_on_after=2029-06-01&review_due_on_before=2029-06-01",
            ["JIS B 8445", "JIS C 7000"],
        ),
        ("revised_on_after=2030-01-01", []),
    ],
)
def test_catalog_filters(token_client, coordinator, surveyed, query, expected):
    assert numbers(token_client(coordinator).get(f"/api/standards/?{query}&page_size=200")) == (
        expected
    )


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("answer=could_be_used:maybe", "answer"),
        ("answer=no_such_question:yes", "answer"),
        ("usability=sometimes", "usability"),
        ("established_on_after=令和99年13月1日", "established_on"),
    ],
)
def test_bad_filters_are_named(token_client, coordinator, surveyed, query, field):
    response = token_client(coordinator).get(f"/api/priorities/?{query}")
    assert response.status_code == 400
    assert field in response.json()


def test_answer_choices_follow_a_new_questionnaire_version(
    token_client, coordinator, surveyed, django_capture_on_commit_callbacks
):
    from tests.reviews.data import FORM

    client = token_client(coordinator)
    assert client.get("/api/standards/?answer=market_use:everywhere").status_code == 400
    changed = {**FORM, "questions": [dict(q) for q in FORM["questions"]]}
    market = next(q for q in changed["questions"] if q["key"] == "market_use")
    market["choices"] = [
        *market["choices"],
        {"value": "everywhere", "label": {"ja": "至る所で", "en": "Everywhere"}},
    ]
    with django_capture_on_commit_callbacks(execute=True):
        survey_services.questionnaire_publish(definition=changed)
    assert client.get("/api/standards/?answer=market_use:everywhere").status_code == 200


# ---- exports ----------------------------------------------------------------------------------


def _csv_rows(response):
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM, so Excel reads the Japanese
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_api_csv_export_is_the_whole_filtered_list(token_client, ministry_viewer, surveyed):
    response = token_client(ministry_viewer).get(
        "/api/priorities/?format=csv&page_size=1", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    header, *rows = _csv_rows(response)
    assert header[0] == "Number" and "Priority reasons" in header
    assert [r[0] for r in rows] == [  # ranked: procurement evidence, fast-track, due soon only
        "JIS C 6000",
        "JIS C 6001",
        "JIS B 8445",
        "JIS C 6002",
        "JIS C 6003",
    ]
    c6001 = dict(zip(header, rows[1], strict=True))
    assert c6001["Usable in procurement (survey)"] == "Usable with conditions"
    assert c6001["Recommended action (survey)"] == "Revise"
    assert c6001["Priority reasons"].split(", ") == [  # the English list separator
        "Usable in procurement with conditions",
        "Revision recommended",
        "Review due by the end of next fiscal year",
    ]


@pytest.mark.japanese
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_joins_reasons_with_the_list_separator_of_its_language(
    token_client, ministry_viewer, surveyed, fmt
):
    client = token_client(ministry_viewer)
    for language, separator in (("en", ", "), ("ja", "、")):
        response = client.get(
            f"/api/priorities/?format={fmt}&q=C6001", HTTP_ACCEPT_LANGUAGE=language
        )
        header, row = _export_rows(response, fmt)
        reasons = row[header.index("Priority reasons" if language == "en" else "優先の理由")]
        assert reasons.count(separator) == 2, (language, reasons)
        assert ("、" in reasons) == (language == "ja"), reasons


def _export_rows(response, fmt: str) -> list[list]:
    if fmt == "csv":
        return _csv_rows(response)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = openpyxl.load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def test_catalog_export_escapes_formulas(token_client, coordinator, surveyed):
    response = token_client(coordinator).get(
        "/api/standards/?q=C7000&format=csv", HTTP_ACCEPT_LANGUAGE="en"
    )
    header, row = _csv_rows(response)
    title = row[header.index("Title (Japanese)")]
    assert title == '\'=HYPERLINK("http://example.invalid")計測器'


def test_xlsx_export_opens_with_japanese_text(token_client, coordinator, surveyed):
    response = token_client(coordinator).get(
        "/api/standards/?q=C7000",
        HTTP_ACCEPT="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    header, row = list(book.active.iter_rows(values_only=True))
    # a string cell is never run: the text is written as it is, with no apostrophe
    assert row[header.index("Title (Japanese)")] == '=HYPERLINK("http://example.invalid")計測器'
    title = book.active.cell(row=2, column=header.index("Title (Japanese)") + 1)
    assert title.data_type == "s"


def test_export_errors_are_json(token_client, coordinator, reviewer, surveyed):
    response = token_client(coordinator).get("/api/priorities/?format=csv&usability=x")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "usability" in response.json()
    assert token_client(reviewer).get("/api/priorities/?format=xlsx").status_code == 403


# ---- the ministry screen ----------------------------------------------------------------------


def test_screen_lists_my_ministrys_priorities_with_reasons(client, ministry_viewer, surveyed):
    client.force_login(ministry_viewer)
    page = client.get("/reviews/priorities/?ministry=MLIT").content.decode()
    assert "JIS C 6001" in page and "JIS C 6004" not in page
    assert "改正を推奨" in page
    assert "JIS C 7000" not in page  # not a priority
    filtered = client.get("/reviews/priorities/?usability=usable").content.decode()
    assert "JIS C 6000" in filtered and "JIS C 6001" not in filtered


@pytest.mark.japanese
def test_screen_in_japanese(client, ministry_viewer, surveyed):
    client.force_login(ministry_viewer)
    page = client.get("/reviews/priorities/").content.decode()
    assert "優先規格" in page
    assert "改正を推奨" in page


def test_screen_exports(client, ministry_viewer, surveyed):
    client.force_login(ministry_viewer)
    header, *rows = _csv_rows(client.get("/reviews/priorities/export.csv?cited=true"))
    assert header[0] == "規格番号"
    assert [r[0] for r in rows] == ["JIS C 6000"]
    response = client.get("/reviews/priorities/export.xlsx?ministry=MLIT")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert [r[0] for r in book.active.iter_rows(min_row=2, values_only=True)] == [
        "JIS C 6000",
        "JIS C 6001",
        "JIS B 8445",
        "JIS C 6002",
        "JIS C 6003",
    ]
    bad = client.get("/reviews/priorities/export.csv?survey_fy=soon")
    assert bad.status_code == 400 and "survey_fy=soon" in bad.content.decode()


def test_screen_is_for_survey_roles(client, reviewer, coordinator, surveyed):
    client.force_login(reviewer)
    assert client.get("/reviews/priorities/").status_code == 403
    assert client.get("/reviews/priorities/export.csv").status_code == 403
    client.force_login(coordinator)
    page = client.get("/reviews/priorities/?ministry=MLIT").content.decode()
    assert "JIS C 6004" in page and "JIS C 6000" not in page


# ---- saved searches ---------------------------------------------------------------------------


def test_save_replace_and_delete_a_search(client, ministry_viewer, coordinator, surveyed):
    client.force_login(ministry_viewer)
    response = client.post(
        "/accounts/saved-searches/",
        {"name": "使える規格", "path": "/reviews/priorities/", "query": "usability=usable&page=3"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/reviews/priorities/?usability=usable"
    client.post(
        "/accounts/saved-searches/",
        {"name": "使える規格", "path": "/reviews/priorities/", "query": "cited=true"},
    )
    (search,) = SavedSearch.objects.filter(user=ministry_viewer)
    assert search.query == "cited=true"
    assert "使える規格" in client.get("/reviews/priorities/").content.decode()
    # nobody else sees it or can delete it
    client.force_login(coordinator)
    assert "使える規格" not in client.get("/reviews/priorities/").content.decode()
    assert client.post(f"/accounts/saved-searches/{search.pk}/delete/").status_code == 404
    client.force_login(ministry_viewer)
    client.post(f"/accounts/saved-searches/{search.pk}/delete/")
    assert not SavedSearch.objects.exists()


@pytest.mark.parametrize("path", ["https://evil.example/", "/admin/", "/nowhere/"])
def test_saved_searches_only_for_list_screens(client, ministry_viewer, path):
    client.force_login(ministry_viewer)
    response = client.post("/accounts/saved-searches/", {"name": "x", "path": path, "query": "a=1"})
    assert response.status_code == 302
    assert not response["Location"].startswith("https://evil")
    assert not SavedSearch.objects.exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("あ" * 101, "Keep the name within 100 characters; this one has 101."),
        ("使える\x00規格", "A search name cannot contain null characters."),
    ],
)
def test_a_search_name_too_long_or_with_a_null_is_refused_with_a_message(
    client, ministry_viewer, settings, name, message
):
    client.force_login(ministry_viewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        "/accounts/saved-searches/",
        {"name": name, "path": "/reviews/priorities/", "query": "cited=true"},
        follow=True,
    )
    assert response.redirect_chain == [("/reviews/priorities/?cited=true", 302)]
    assert message in [str(m) for m in response.context["messages"]]
    assert not SavedSearch.objects.exists()
    client.post(  # exactly the limit is fine
        "/accounts/saved-searches/",
        {"name": "あ" * 100, "path": "/reviews/priorities/", "query": "cited=true"},
    )
    assert SavedSearch.objects.get().name == "あ" * 100


# ---- query counts -----------------------------------------------------------------------------


def test_priority_api_query_count(
    token_client, ministry_viewer, surveyed, django_assert_max_num_queries
):
    client = token_client(ministry_viewer)
    # token + user, groups, count, page, ministries
    with django_assert_max_num_queries(6):
        assert (
            client.get("/api/priorities/?usability=usable&answer=market_use:widely").status_code
            == 200
        )


def test_priority_screen_query_count(
    client, ministry_viewer, surveyed, django_assert_max_num_queries
):
    client.force_login(ministry_viewer)
    client.get("/reviews/priorities/")  # session, questionnaire choices, ministries cached
    with django_assert_max_num_queries(8):
        assert client.get("/reviews/priorities/?cited=true").status_code == 200
