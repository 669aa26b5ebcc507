"""One rule for survey data, walked everywhere it is shown.

Coordinators see every standard's survey results; a ministry viewer those of their ministry's
standards; a reviewer those of the standards they hold an assignment on; anyone else none. The
ministry query screens (priorities, survey filters, dashboards, reports, follow-ups) are for
coordinators and ministry viewers, and show them no more than the rule allows.

Each standard's accepted response carries a text found nowhere else; each standard has a follow-up
with its own text. Every registered standard-page panel, and every page, API, export and report that
shows survey data, is read as each role, and each text must appear exactly where it may.
"""

import csv
import datetime as dt
import io
import json

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.template.loader import render_to_string
from django.test import RequestFactory

from accounts.roles import Role
from reviews.common import scope
from reviews.follow_ups import services as follow_up_services
from reviews.plan import services as plan_services
from reviews.priority import services as priority_services
from reviews.survey import services as survey_services
from standards import panels
from standards import selectors as catalog_selectors
from standards.models import Ministry, Standard
from tests.reviews.data import COMPLETE, FORM
from tests.standards.factories import StandardFactory

pytestmark = pytest.mark.django_db
JST = dt.timezone(dt.timedelta(hours=9))

# what only a reader of each standard's survey results can know
SECRET = {"meti": "経産省だけが知る調達先 METI-7731", "mlit": "国交省だけが知る調達先 MLIT-5308"}
FOLLOW_UP = {"meti": "経産省の追跡措置 FU-METI-4411", "mlit": "国交省の追跡措置 FU-MLIT-9902"}
MARKET_USE = {"meti": "widely", "mlit": "rarely"}

# the rule, written out: role → the standards whose survey results that role may read
RULE = {
    "coordinator": {"meti", "mlit"},
    "meti_viewer": {"meti"},
    "mlit_viewer": {"mlit"},
    "reviewer": {"meti"},  # holds the METI standard's assignment
    "other_reviewer": {"mlit"},  # holds the MLIT standard's assignment
    "idle_reviewer": set(),  # a reviewer with no assignment
    "outsider": set(),
}
QUERY_ROLES = {"coordinator", "meti_viewer", "mlit_viewer"}


@pytest.fixture
def client(client, settings):
    """Pages in English, so the assertions read the source messages (Japanese is the default)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _user(django_user_model, username, role, ministry=None):
    user = django_user_model.objects.create_user(username=username, ministry_id=ministry)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def world(
    time_machine,
    django_user_model,
    coordinator,
    reviewer,
    other_reviewer,
    ministry_viewer,
    outsider,
):
    """A METI and an MLIT standard, each surveyed by its own reviewer and accepted, each with a
    follow-up owned by its ministry; a user for every role."""
    time_machine.move_to(dt.datetime(2026, 11, 28, 10, 0, tzinfo=JST), tick=False)
    standards = {
        "meti": StandardFactory(
            number="JIS C 6000", established_on=dt.date(2021, 6, 1), ministries=["METI"]
        ),
        "mlit": StandardFactory(
            number="JIS A 5308", established_on=dt.date(2021, 6, 1), ministries=["MLIT"]
        ),
    }
    programme = plan_services.programme_get_or_create(start_fy=2026, years=5, capacity=10)
    plan_services.programme_plan(programme=programme, today=dt.date(2026, 3, 1))
    survey_services.questionnaire_publish(definition=FORM)
    assignments = {}
    for key, who, ministry in (("meti", reviewer, "METI"), ("mlit", other_reviewer, "MLIT")):
        [batch] = survey_services.batches_create(
            programme=programme,
            fiscal_year=2026,
            due_on=dt.date(2026, 12, 25),
            max_size=10,
            by=coordinator,
            reviewer=who,
            ministry=ministry,
        )
        [assignment] = batch.assignments.all()
        answers = {**COMPLETE, "procurers_detail": SECRET[key], "market_use": MARKET_USE[key]}
        survey_services.response_save_draft(
            assignment=assignment, answers=answers, based_on=0, by=who
        )
        survey_services.assignment_submit(assignment=assignment, by=who)
        survey_services.assignment_accept(assignment=assignment, by=coordinator)
        assignments[key] = assignment
    priority_services.priorities_recompute(today=dt.date(2026, 11, 28))
    follow_ups = {}
    for key, code in (("meti", "METI"), ("mlit", "MLIT")):
        follow_ups[key] = follow_up_services.follow_up_create(
            standard=standards[key],
            action=FOLLOW_UP[key],
            ministry=Ministry.objects.get(code=code),
            due_on=None,
            note="",
            by=coordinator,
        )
    users = {
        "coordinator": coordinator,
        "meti_viewer": ministry_viewer,
        "mlit_viewer": _user(django_user_model, "mlit-viewer", Role.MINISTRY_VIEWER, "MLIT"),
        "reviewer": reviewer,
        "other_reviewer": other_reviewer,
        "idle_reviewer": _user(django_user_model, "rev3", Role.REVIEWER, "METI"),
        "outsider": outsider,
    }
    return {
        "standards": standards,
        "assignments": assignments,
        "follow_ups": follow_ups,
        "users": users,
    }


def _shown(response) -> str:
    """Everything a response tells its reader, as text: pages, JSON, CSV and XLSX alike."""
    if response.status_code != 200:
        return ""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            str(cell) for row in book.active.iter_rows(values_only=True) for cell in row
        )
    text = body.decode("utf-8-sig")
    if response["Content-Type"].startswith("text/csv"):
        return "\n".join(",".join(row) for row in csv.reader(io.StringIO(text)))
    if response["Content-Type"].startswith("application/json"):
        return json.dumps(json.loads(text), ensure_ascii=False)
    return text


def _expected(role: str, key: str, *, query_screen: bool) -> bool:
    return key in RULE[role] and (role in QUERY_ROLES or not query_screen)


# --- the rule itself ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", RULE)
def test_the_rule_in_both_forms(world, role):
    user = world["users"][role]
    ids = {world["standards"][key].pk: key for key in world["standards"]}
    listed = scope.survey_visible_standards(user, Standard.objects.all())
    assert {ids[pk] for pk in listed.values_list("pk", flat=True)} == RULE[role]
    for key, standard in world["standards"].items():
        assert scope.can_see_survey_data(user, standard) is (key in RULE[role])


# --- the standard's page: every registered panel, then the whole page ---------------------------


def _page_standard(standard):
    """The standard as the page loads it (ministries prefetched, nothing of the survey)."""
    standard = catalog_selectors.standard_detail_queryset().get(pk=standard.pk)
    list(standard.ministries.all())
    return standard


@pytest.mark.parametrize("panel", panels.panels())
@pytest.mark.parametrize("role", RULE)
def test_no_panel_shows_survey_data_beyond_the_rule(world, panel, role):
    user = world["users"][role]
    for key, standard in world["standards"].items():
        request = RequestFactory().get(f"/standards/{standard.pk}/")
        request.user = user
        html = render_to_string(panel, {"standard": _page_standard(standard)}, request=request)
        for other in world["standards"]:
            if other not in RULE[role]:
                assert SECRET[other] not in html, (panel, role, key)
                assert FOLLOW_UP[other] not in html, (panel, role, key)


@pytest.mark.parametrize("role", RULE)
def test_the_standard_page_shows_survey_results_exactly_where_the_rule_allows(client, world, role):
    client.force_login(world["users"][role])
    for key, standard in world["standards"].items():
        page = client.get(f"/standards/{standard.pk}/")
        assert page.status_code == 200
        html = page.content.decode()
        assert (SECRET[key] in html) is (key in RULE[role]), (role, key)
        assert ("Survey outcome" in html) is (key in RULE[role]), (role, key)
        follow_up_shown = FOLLOW_UP[key] in html
        assert follow_up_shown is _expected(role, key, query_screen=True), (role, key)


# --- every URL that shows survey data -------------------------------------------------------------

# (url, marker, query screen?): {id}, {assignment} and {follow_up} are the standard's, its
# assignment's and its follow-up's ids
SURVEY_URLS = [
    ("/standards/{id}/", SECRET, False),
    ("/reviews/assignments/{assignment}/", SECRET, False),
    ("/api/assignments/{assignment}/response/", SECRET, False),
    ("/reviews/priorities/", "number", True),
    ("/reviews/priorities/?usability=usable", "number", True),
    ("/reviews/priorities/export.csv", "number", True),
    ("/reviews/priorities/export.xlsx", "number", True),
    ("/api/priorities/", "number", True),
    ("/api/priorities/?format=csv", "number", True),
    ("/api/priorities/?format=xlsx", "number", True),
    ("/api/priorities/{id}/", "number", True),
    ("/standards/?usability=usable", "number", True),
    ("/standards/?answer=market_use:widely", "number-meti", True),
    ("/api/standards/?usability=usable", "number", True),
    ("/api/standards/?cited=true&format=csv", "number", True),
    ("/api/standards/?recommended_action=confirm&format=xlsx", "number", True),
    ("/reviews/follow-ups/", FOLLOW_UP, True),
    ("/reviews/follow-ups/export.csv", FOLLOW_UP, True),
    ("/reviews/follow-ups/export.xlsx", FOLLOW_UP, True),
    ("/api/follow-ups/", FOLLOW_UP, True),
    ("/api/follow-ups/{follow_up}/", FOLLOW_UP, True),
]


@pytest.mark.parametrize(
    ("url", "marker", "query_screen"), SURVEY_URLS, ids=[url for url, *_rest in SURVEY_URLS]
)
@pytest.mark.parametrize("role", RULE)
def test_every_survey_url_as_every_role(client, world, role, url, marker, query_screen):
    client.force_login(world["users"][role])
    for key, standard in world["standards"].items():
        if marker == "number-meti" and key != "meti":
            continue  # the answer filter asks for the METI standard's answer only
        address = url.format(
            id=standard.pk,
            assignment=world["assignments"][key].pk,
            follow_up=world["follow_ups"][key].pk,
        )
        response = client.get(address)
        assert response.status_code in (200, 403, 404), (address, response.status_code)
        text = marker[key] if isinstance(marker, dict) else standard.number
        shown = text in _shown(response)
        assert shown is _expected(role, key, query_screen=query_screen), (role, address)


# --- reports and the dashboard count only what the rule allows -----------------------------------


def _accepted_counted(client, role) -> dict:
    progress = client.get("/api/reports/progress/?fiscal_year=2026").json()
    burndown = client.get("/api/reports/burndown/?fiscal_year=2026").json()
    answers = client.get("/api/reports/answers/?fiscal_year=2026").json()
    [market] = [q for q in answers["questions"] if q["key"] == "market_use"]
    options = {o["value"]: o["count"] for o in market["options"]}
    return {
        "progress": sum(row["accepted"] for row in progress["fiscal_year"]),
        "burndown": [p for p in burndown["points"] if p["accepted"] is not None][-1]["accepted"],
        "answers": answers["responses"],
        "meti_answer": options["widely"],
        "mlit_answer": options["rarely"],
    }


@pytest.mark.parametrize("role", RULE)
def test_reports_and_dashboard_count_only_what_the_rule_allows(client, world, role):
    client.force_login(world["users"][role])
    urls = ["/api/reports/progress/", "/api/reports/burndown/", "/api/reports/answers/"]
    if role not in QUERY_ROLES:
        assert {client.get(url).status_code for url in urls} == {403}
        assert client.get("/reviews/dashboard/").status_code == 403
        return
    visible = RULE[role]
    assert _accepted_counted(client, role) == {
        "progress": len(visible),
        "burndown": len(visible),
        "answers": len(visible),
        "meti_answer": int("meti" in visible),
        "mlit_answer": int("mlit" in visible),
    }
    # asking for another ministry widens nothing
    for ministry in ("METI", "MLIT"):
        answers = client.get(f"/api/reports/answers/?fiscal_year=2026&ministry={ministry}").json()
        assert answers["responses"] <= len(visible)
    page = client.get("/reviews/dashboard/?fiscal_year=2026").content.decode()
    assert f"accepted responses: {len(visible)}." in page
