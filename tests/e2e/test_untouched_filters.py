"""In Chromium, as each list's users do: open the page, press 適用 (or 表示) without touching the
filters, and the list is the one the page showed. The server-side twin is
tests/reviews/test_untouched_filters.py."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_survey_flow import log_in
from tests.reviews.test_untouched_filters import world  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAGES = [
    # path, who, the button that applies the filters
    ("/standards/", "meti-viewer", "適用"),
    ("/reviews/priorities/", "meti-viewer", "適用"),
    ("/reviews/priorities/", "coord", "適用"),
    ("/reviews/follow-ups/", "coord", "適用"),
    ("/reviews/assignments/", "coord", "適用"),
    ("/reviews/assignments/", "rev", "適用"),
    ("/reviews/reminders/", "coord", "適用"),
]


def _shown(page) -> tuple[str, int]:
    """The count in the heading and the rows of the list."""
    heading = page.locator("h1 small").inner_text()
    count = re.findall(r"[\d,]+", heading)[-1]
    return count, page.locator("table.data tbody tr").count()


@pytest.mark.parametrize(("path", "who", "button"), PAGES)
def test_pressing_apply_on_an_untouched_form_keeps_the_list(
    live_server,
    pages,
    world,  # noqa: F811
    ministry_viewer,
    path,
    who,
    button,
):
    page = pages(who)
    log_in(page, live_server.url, who, f"pw-{who}")
    page.goto(live_server.url + path)
    before = _shown(page)
    form = page.locator("form.filters").first
    if form.locator("details").count() and not form.locator("details[open]").count():
        form.locator("summary").click()  # the catalog's filters are folded until used
    with page.expect_navigation():
        form.get_by_role("button", name=button, exact=True).click()
    assert "?" in page.url
    assert _shown(page) == before, page.url
    expect(page.locator("ul.errorlist")).to_have_count(0)


def test_showing_the_dashboard_untouched_keeps_its_figures(
    live_server,
    pages,
    world,  # noqa: F811
):
    page = pages("coord")
    log_in(page, live_server.url, "coord", "pw-coord")
    page.goto(live_server.url + "/reviews/dashboard/")
    before = page.locator("main").inner_text()
    with page.expect_navigation():
        page.locator("form.filters").get_by_role("button", name="表示", exact=True).click()
    assert "fiscal_year=" in page.url
    assert page.locator("main").inner_text() == before
