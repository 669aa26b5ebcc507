"""A standard's history on its page reads as words: field labels, change types and values as the
page shows them, the correspondences' changes among the others in date order."""

import datetime as dt
import re

import pytest
import time_machine

from standards import selectors, services
from standards.models import Ministry
from tests.standards.factories import StandardFactory

pytestmark = pytest.mark.django_db
JST = dt.timezone(dt.timedelta(hours=9))


@pytest.fixture
def edited(coordinator):
    """Created on 1 April, confirmed and given a correspondence on 2 April, withdrawn on 3 April."""
    with time_machine.travel(dt.datetime(2026, 4, 1, 10, tzinfo=JST), tick=False):
        standard = StandardFactory(
            number="JIS Z 8301", title_ja="規格票の様式", ministries=["METI"]
        )
    with time_machine.travel(dt.datetime(2026, 4, 2, 10, tzinfo=JST), tick=False):
        standard.confirmed_on = dt.date(2026, 3, 20)
        standard.strategic_fields = ["quantum"]
        standard._history_user = coordinator
        standard.save()
        standard.ministries.set(Ministry.objects.filter(code__in=["METI", "MLIT"]))
        services._replace_correspondences(
            standard, [{"designation": "ISO 8601", "degree": "MOD"}], by=coordinator, reason="ISO"
        )
    with time_machine.travel(dt.datetime(2026, 4, 3, 10, tzinfo=JST), tick=False):
        standard.status = "withdrawn"
        standard.save()
    return standard


def changes_of(entries) -> set[tuple[str, str, str]]:
    return {change for entry in entries for change in entry.changes}


def test_changes_name_fields_by_label_and_values_as_the_page_shows_them(edited):
    entries = selectors.standard_history(standard=edited)
    changes = changes_of(entries)
    assert ("Last confirmed", "", "2026-03-20") in changes
    assert ("Status", "Active", "Withdrawn") in changes
    assert ("Strategic fields", "", "Quantum") in changes
    assert ("International standard", "", "ISO 8601 (Modified (MOD))") in changes
    assert (
        "Competent ministers",
        "Minister of Economy, Trade and Industry",
        "Minister of Economy, Trade and Industry, "
        "Minister of Land, Infrastructure, Transport and Tourism",
    ) in changes
    assert not any("_" in label for label, _old, _new in changes)  # no confirmed_on, no status


def test_entries_are_newest_first_with_the_correspondence_among_them(edited):
    entries = selectors.standard_history(standard=edited)
    days = [entry.at.astimezone(JST).date() for entry in entries]
    assert days == sorted(days, reverse=True)
    kinds = [(entry.at.astimezone(JST).day, entry.change_type) for entry in entries]
    assert kinds[0] == (3, "Changed") and kinds[-1] == (1, "Created")
    correspondence = next(e for e in entries if e.reason == "ISO")
    assert correspondence.at.astimezone(JST).day == 2 and correspondence.change_type == "Created"


def test_the_page_shows_the_history_in_words(client, coordinator, edited, settings):
    client.force_login(coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(edited.get_absolute_url()).content.decode()
    history = page[page.index('<table class="data history">') :]
    assert "<b>Last confirmed</b>: — → 2026-03-20" in history
    assert "<b>Status</b>: Active → Withdrawn" in history
    for raw in ("confirmed_on", "status</b>", ">active", "ISO 8601 MOD"):
        assert raw not in history
    rows = re.findall(r'<td class="nowrap">(\d{4}-\d\d-\d\d)', history)
    assert rows == sorted(rows, reverse=True) and rows[0] == "2026-04-03"


@pytest.mark.japanese
def test_the_page_shows_values_in_japanese(client, coordinator, edited):
    client.force_login(coordinator)
    page = client.get(edited.get_absolute_url()).content.decode()
    history = page[page.index('<table class="data history">') :]
    assert "有効 → 廃止" in history
    assert "経済産業大臣、国土交通大臣" in history
