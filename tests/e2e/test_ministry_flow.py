"""A ministry viewer finds their ministry's priority standards, filters to "usable in procurement",
saves the search, downloads the list as XLSX and CSV, and reads the dashboard."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from playwright.sync_api import expect

from reviews.plan import services as plan_services
from reviews.priority import services as priority_services
from reviews.survey import services as survey_services
from tests.e2e.test_survey_flow import due_date, log_in
from tests.reviews.data import COMPLETE, FORM
from tests.standards.factories import StandardFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def surveyed(coordinator, reviewer, other_reviewer):
    for i in range(4):
        StandardFactory(
            number=f"JIS C {6000 + i}",
            title_ja=f"電気機器の試験方法 第{i + 1}部",
            established_on=dt.date(2021, 6, 1),
            ministries=["METI"] if i < 3 else ["MLIT"],
        )
    programme = plan_services.programme_get_or_create(start_fy=2026, years=5, capacity=10)
    plan_services.programme_plan(programme=programme, today=dt.date(2026, 3, 1))
    survey_services.questionnaire_publish(definition=FORM)
    for ministry, person in (("METI", reviewer), ("MLIT", other_reviewer)):
        (batch,) = survey_services.batches_create(
            programme=programme,
            fiscal_year=2026,
            due_on=due_date(),
            max_size=10,
            by=coordinator,
            reviewer=person,
            ministry=ministry,
        )
        first = batch.assignments.order_by("standard__number").first()
        survey_services.response_save_draft(
            assignment=first, answers=COMPLETE, based_on=0, by=person
        )
        survey_services.assignment_submit(assignment=first, by=person)
        survey_services.assignment_accept(assignment=first, by=coordinator)
    priority_services.priorities_recompute(today=dt.date(2026, 11, 28))


def test_ministry_viewer_filters_saves_and_exports(live_server, pages, surveyed, ministry_viewer):
    base = live_server.url
    page = pages("ministry")
    log_in(page, base, "meti-viewer", "pw-meti-viewer")
    page.click("header nav a[href='/reviews/priorities/']")
    rows = page.locator("table.data tbody tr")
    expect(rows).to_have_count(3)  # METI's three, never MLIT's
    expect(page.locator("table.data")).not_to_contain_text("JIS C 6003")

    page.click("form.filters summary")  # the filters are folded until used
    page.locator("input[name=usability][value=usable]").check()
    page.click("form.filters details button[type=submit]")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("JIS C 6000")
    expect(rows.first.locator("ul.reasons li")).to_have_count(3)

    page.fill("#id_saved_search_name", "調達で使える規格")
    page.click("aside.saved-searches button[type=submit]:not(.link)")
    expect(page.locator(".messages")).to_contain_text("調達で使える規格")
    expect(page.locator("aside.saved-searches a")).to_have_text(["調達で使える規格"])

    with page.expect_download() as download:
        page.click("a[href*='export.xlsx']")
    assert download.value.suggested_filename.endswith(".xlsx")
    with open(download.value.path(), "rb") as handle:
        book = openpyxl.load_workbook(io.BytesIO(handle.read()))
    header, *data = list(book.active.iter_rows(values_only=True))
    assert header[0] == "規格番号"
    title = header.index("名称（日本語）")  # after the number and its edition
    assert [(r[0], r[title]) for r in data] == [("JIS C 6000", "電気機器の試験方法 第1部")]

    with page.expect_download() as download:
        page.click("a[href*='export.csv']")
    assert download.value.suggested_filename.endswith(".csv")
    with open(download.value.path(), "rb") as handle:
        raw = handle.read()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [lines[1][0], lines[1][title]] == ["JIS C 6000", "電気機器の試験方法 第1部"]

    page.click("header nav a[href='/reviews/dashboard/']")
    expect(page.locator("svg[role=img]").first).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("国土交通")
