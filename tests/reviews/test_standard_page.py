"""The standard's page as each role sees it: its year in the plan, its assignment and state (survey
data, under the one scoping rule), the outcome in words, and English pages in English."""

import re

import pytest

from reviews.survey import services as survey_services
from tests.reviews.data import COMPLETE

pytestmark = pytest.mark.django_db


def plan_panel(page: str) -> str:
    found = re.search(r'<section class="plan-panel">.*?</section>', page, re.S)
    return found[0] if found else ""


def plan_year(panel: str) -> str:
    found = re.search(r'<dd class="plan-year">(.*?)</dd>', panel, re.S)
    return found[1] if found else ""


def page_as(client, user, standard, language="en") -> str:
    client.force_login(user)
    client.cookies["django_language"] = language
    return client.get(standard.get_absolute_url()).content.decode()


@pytest.fixture
def returned(batches, reviewer, coordinator):
    """The first METI standard's assignment, answered and returned; the MLIT batch untouched."""
    assignment = batches[0].assignments.order_by("standard__number").first()
    survey_services.response_submit(
        assignment=assignment, answers=COMPLETE, based_on=0, by=reviewer
    )
    survey_services.assignment_return(assignment=assignment, by=coordinator, comment="再確認")
    return assignment


# role → (sees the plan year, sees the METI standard's assignment)
RULE = [
    ("coordinator", True, True),
    ("ministry_viewer", True, True),  # METI's viewer, on a METI standard
    ("reviewer", True, True),  # holds the assignment
    ("other_reviewer", False, False),
    ("outsider", False, False),
]


@pytest.mark.parametrize(("role", "sees_plan", "sees_assignment"), RULE)
def test_plan_year_and_assignment_follow_the_rules(
    request, client, returned, role, sees_plan, sees_assignment
):
    panel = plan_panel(page_as(client, request.getfixturevalue(role), returned.standard))
    assert ("FY2026" in plan_year(panel)) is sees_plan
    assert ("Returned" in panel) is sees_assignment
    assert (returned.batch.name in panel) is sees_assignment
    assert bool(panel) is (sees_plan or sees_assignment)


def test_the_viewer_of_another_ministry_sees_the_year_but_not_the_assignment(
    client, batches, ministry_viewer
):
    mlit_standard = batches[1].assignments.first().standard
    panel = plan_panel(page_as(client, ministry_viewer, mlit_standard))
    assert "FY2026" in plan_year(panel)
    assert "Assigned" not in panel and batches[1].name not in panel


def test_the_assignment_links_to_its_page_for_those_who_may_open_it(client, returned, reviewer):
    panel = plan_panel(page_as(client, reviewer, returned.standard))
    assert f'href="/reviews/assignments/{returned.pk}/"' in panel


@pytest.mark.japanese
def test_the_plan_year_reads_as_an_era_year_in_japanese(client, returned, coordinator):
    panel = plan_panel(page_as(client, coordinator, returned.standard, language="ja"))
    assert plan_year(panel).startswith("令和8年度 ")


@pytest.mark.parametrize(("language", "word"), [("en", "Confirm"), ("ja", "確認")])
def test_the_outcome_gives_the_recommended_action_in_words(
    client, batches, reviewer, coordinator, language, word
):
    assignment = batches[0].assignments.first()
    survey_services.response_submit(
        assignment=assignment, answers=COMPLETE, based_on=0, by=reviewer
    )
    survey_services.assignment_accept(assignment=assignment, by=coordinator)
    page = page_as(client, coordinator, assignment.standard, language=language)
    outcome = re.search(r'<dl class="facts outcome">.*?</dl>', page, re.S)[0]
    assert f"<dd>{word}</dd>" in outcome and "<dd>confirm</dd>" not in outcome


def test_english_pages_name_ministries_in_english(client, batches, coordinator):
    standard = batches[0].assignments.first().standard
    page = page_as(client, coordinator, standard)
    facts = re.search(r'<dl class="facts">.*?</dl>', page, re.S)[0]
    assert "Minister of Economy, Trade and Industry" in facts and "経済産業大臣" not in facts
