"""Pressing apply on an untouched filter form changes nothing: every list page, every filtering API,
its exports and a search saved from it show exactly the unfiltered list.

The query each page is asked with is what a browser submits for the form as the page drew it
(tests.untouched_forms), so a select that starts on a real choice instead of an empty one fails here.
"""

import csv
import datetime as dt
import io

import pytest

from accounts.models import SavedSearch
from reviews.follow_ups import services as follow_up_services
from reviews.follow_ups.filters import FollowUpFilter
from reviews.plan import services as plan_services
from reviews.plan.filters import PlanEntryFilter
from reviews.priority import services as priority_services
from reviews.priority.filters import PriorityStandardFilter
from reviews.survey import services as survey_services
from reviews.survey.filters import SurveyStandardFilter
from standards.models import Ministry
from tests.reviews.data import COMPLETE, FORM
from tests.standards.factories import StandardFactory
from tests.untouched_forms import chosen, untouched_filterset_query, untouched_query

pytestmark = pytest.mark.django_db
JST = dt.timezone(dt.timedelta(hours=9))
TODAY = dt.date(2026, 11, 28)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 28, 10, 0, tzinfo=JST), tick=False)


@pytest.fixture
def world(coordinator, reviewer, other_reviewer):
    """Ten standards of two ministries and divisions, a year of batches, one accepted response per
    ministry (answered 「確認」), verdicts, and a follow-up action."""
    for i in range(5):
        StandardFactory(number=f"JIS B {7900 + i}", established_on=dt.date(2021, 6, 1))
        StandardFactory(
            number=f"JIS C {6000 + i}", established_on=dt.date(2023, 6, 1), ministries=["MLIT"]
        )
    programme = plan_services.programme_get_or_create(start_fy=2026, years=5, capacity=20)
    plan_services.programme_plan(programme=programme, today=dt.date(2026, 3, 1))
    survey_services.questionnaire_publish(definition=FORM)
    for ministry, person in (("METI", reviewer), ("MLIT", other_reviewer)):
        (batch,) = survey_services.batches_create(
            programme=programme,
            fiscal_year=2026,
            due_on=dt.date(2026, 12, 25),
            today=dt.date(2026, 3, 1),
            max_size=20,
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
    priority_services.priorities_recompute(today=TODAY)
    follow_up_services.follow_up_create(
        standard=StandardFactory(number="JIS B 7900"),
        action="調達仕様書への引用を検討",
        ministry=Ministry.objects.get(code="METI"),
        due_on=dt.date(2027, 3, 31),
        by=coordinator,
    )
    return programme


def _count(response) -> int:
    assert response.status_code == 200, response.content[:500]
    return response.context["page"].paginator.count


LIST_PAGES = [
    ("/standards/", "coordinator"),
    ("/standards/", "ministry_viewer"),
    ("/reviews/priorities/", "ministry_viewer"),
    ("/reviews/priorities/", "coordinator"),
    ("/reviews/follow-ups/", "coordinator"),
    ("/reviews/follow-ups/", "ministry_viewer"),
    ("/reviews/assignments/", "coordinator"),
    ("/reviews/assignments/", "reviewer"),
]


@pytest.mark.parametrize(("path", "who"), LIST_PAGES)
def test_applying_an_untouched_filter_form_lists_exactly_what_the_page_listed(
    request, client, world, path, who
):
    client.force_login(request.getfixturevalue(who))
    first = client.get(path)
    query = untouched_query(first.content)
    applied = client.get(f"{path}?{query}")
    assert _count(applied) == _count(first) > 0, query
    if "filter" in applied.context:
        assert not applied.context["filter"].errors, query


@pytest.mark.parametrize("path", ["/standards/", "/reviews/priorities/"])
def test_no_survey_filter_starts_on_a_choice(client, world, ministry_viewer, path):
    """In particular 「設問への回答（調査）」 starts empty, not on its first answer."""
    client.force_login(ministry_viewer)
    query = untouched_query(client.get(path).content)
    assert not set(chosen(query)) & set(SurveyStandardFilter.SURVEY_FILTERS) - {"priority"}


def test_the_dashboard_filters_untouched_show_the_same_figures(client, world, coordinator):
    client.force_login(coordinator)
    first = client.get("/reviews/dashboard/")
    again = client.get(f"/reviews/dashboard/?{untouched_query(first.content)}")
    for figure in ("year", "ministry", "sections", "burndown", "answers"):
        assert again.context[figure] == first.context[figure], figure


def test_exports_and_saved_searches_carry_no_filter_nobody_chose(client, world, ministry_viewer):
    client.force_login(ministry_viewer)
    shown = _count(client.get("/reviews/priorities/"))
    query = untouched_query(client.get("/reviews/priorities/").content)

    export = client.get(f"/reviews/priorities/export.csv?{query}")
    content = b"".join(export.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert len(rows) - 1 == shown

    client.post(
        "/accounts/saved-searches/",
        {"name": "全部", "path": "/reviews/priorities/", "query": query},
    )
    saved = SavedSearch.objects.get(user=ministry_viewer, name="全部")
    assert _count(client.get(saved.get_absolute_url())) == shown


@pytest.mark.parametrize(
    ("url", "filterset_class"),
    [
        ("/api/standards/", SurveyStandardFilter),
        ("/api/priorities/", PriorityStandardFilter),
        ("/api/plan/", PlanEntryFilter),
        ("/api/follow-ups/", FollowUpFilter),
    ],
)
def test_an_api_filter_form_untouched_filters_nothing(
    token_client, world, coordinator, url, filterset_class
):
    """The browsable API draws each FilterSet's form: submitted untouched, it lists everything."""
    client = token_client(coordinator)
    everything = client.get(url).json()["count"]
    query = untouched_filterset_query(filterset_class)
    answer = client.get(f"{url}?{query}")
    assert answer.status_code == 200, answer.content[:500]
    assert answer.json()["count"] == everything > 0, query
