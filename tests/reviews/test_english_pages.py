"""English pages in English: ministry names, fiscal years, list separators, and the questionnaire
and standard titles where an English text exists; Japanese pages as before."""

import re

import pytest

from reviews.survey import services as survey_services
from standards import selectors as catalog_selectors
from tests.reviews.data import COMPLETE

pytestmark = pytest.mark.django_db
METI = {"ja": "経済産業大臣", "en": "Minister of Economy, Trade and Industry"}


def get(client, user, url, language):
    client.force_login(user)
    client.cookies["django_language"] = language
    return client.get(url).content.decode()


@pytest.mark.parametrize("language", ["ja", "en"])
def test_ministry_choices_follow_the_language(language, settings):
    from django.utils import translation

    with translation.override(language):
        assert dict(catalog_selectors.ministry_choices())["METI"] == METI[language]


@pytest.mark.parametrize(("language", "other"), [("en", "ja"), ("ja", "en")])
def test_the_catalog_names_ministries_in_the_pages_language(
    client, batches, coordinator, language, other
):
    page = get(client, coordinator, "/standards/?ministry=METI", language)
    rows = page[page.index("<tbody") :]
    assert METI[language] in rows and METI[other] not in rows
    options = re.search(r'<select name="ministry".*?</select>', page, re.S)[0]
    assert METI[language] in options and METI[other] not in options


def test_the_assignment_page_in_english(client, batches, reviewer):
    assignment = batches[0].assignments.first()
    standard = assignment.standard
    standard.title_en = "Safety requirements for personal care robots"
    standard.save()
    page = get(client, reviewer, f"/reviews/assignments/{assignment.pk}/", "en")
    heading = re.search(r"<h1>.*?</h1>", page, re.S)[0]
    assert standard.title_en in heading and standard.title_ja not in heading
    assert "JIS review questionnaire (FY2026)" in page and "令和8年度" not in page


@pytest.mark.parametrize(
    ("language", "procurers"),
    [
        ("en", "National ministries, Local governments"),
        ("ja", "国の府省、地方公共団体"),
    ],
)
def test_answers_are_listed_with_the_languages_separator(
    client, batches, reviewer, language, procurers
):
    assignment = batches[0].assignments.first()
    survey_services.response_submit(
        assignment=assignment, answers=COMPLETE, based_on=0, by=reviewer
    )
    page = get(client, reviewer, f"/reviews/assignments/{assignment.pk}/", language)
    assert f"<td>{procurers}</td>" in page
