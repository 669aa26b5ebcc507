"""The survey dashboard: chart geometry (no database), the burn-down and answer reports, the page
and the report API, with ministry scoping and query counts."""

import datetime as dt

import lxml.html
import pytest
from django.conf import settings
from django.contrib.auth.models import Group

from accounts.roles import Role
from reviews.models import Assignment
from reviews.plan import services as plan_services
from reviews.reporting import charts
from reviews.reporting import selectors as reports
from reviews.survey import services as survey_services
from tests.reviews.data import COMPLETE
from tests.standards.factories import StandardFactory

JST = dt.timezone(dt.timedelta(hours=9))
TODAY = dt.date(2027, 1, 10)  # after the batches' due date, 2026-12-25: open work is overdue
MLIT_ANSWERS = {
    **COMPLETE,
    "market_use": "partly",
    "cited_by_regulations": True,
    "regulation_citations": "建築基準法",
}
# user, roles, programme, ministries, progress 2, burn-down 3, answers 2, international
# alignment 1, JIS cited in specifications 1 (session from the cache)
PAGE_QUERIES = 13
COUNTED_QUESTIONS = [
    "recommended_action",
    "used_in_procurement",
    "could_be_used",
    "cited_by_regulations",
    "market_use",
    "international_degree",
    "international_revised",
    "cited_standards_status",
    "jis_mark_certification",
    "revision_within_three_years",
]


# --- geometry, without a database ------------------------------------------------------------


def progress_row(**counts) -> dict:
    states = dict.fromkeys(
        ("assigned", "in_progress", "submitted", "returned", "accepted", "withdrawn"), 0
    )
    return {"fiscal_year": 2026, "planned": 0, "overdue": 0, **states, **counts}


def test_a_progress_bar_lays_states_over_the_plan_and_marks_the_overdue():
    row = progress_row(planned=8, accepted=1, submitted=1, in_progress=1, assigned=3, overdue=2)
    [bar] = charts.progress_bars([row], "fiscal_year")
    assert [(s["state"], s["x"], s["width"]) for s in bar["segments"]] == [
        ("accepted", 0, 12.5),
        ("submitted", 12.5, 12.5),
        ("in_progress", 25.0, 12.5),
        ("assigned", 37.5, 37.5),
    ]
    assert bar["track"] == 100
    assert bar["overdue_mark"] == {"x": 25.0, "width": 25.0}  # under the open states
    assert (bar["key"], bar["assigned_total"], bar["accepted_percent"]) == (2026, 6, 12.5)
    assert bar["cells"] == [3, 1, 1, 0, 1, 0]  # assigned, draft, submitted, returned, accepted, …


def test_a_progress_bar_with_more_assignments_than_planned_is_scaled_to_them():
    [bar] = charts.progress_bars([progress_row(planned=2, accepted=4)], "fiscal_year")
    assert bar["track"] == 50 and bar["segments"][0]["width"] == 100
    [empty] = charts.progress_bars([progress_row()], "fiscal_year")
    assert empty["segments"] == [] and empty["accepted_percent"] is None


def burndown_report(**overrides) -> dict:
    day = dt.date
    return {
        "planned": 10,
        "start": day(2026, 4, 1),
        "due": day(2026, 4, 11),
        "end": day(2026, 4, 11),
        "today": day(2026, 4, 6),
        "points": [
            {"date": day(2026, 4, 1), "ideal": 10, "remaining": 10, "submitted": 0},
            {"date": day(2026, 4, 6), "ideal": 5, "remaining": 8, "submitted": 4},
            {"date": day(2026, 4, 11), "ideal": 0, "remaining": None, "submitted": None},
        ],
        **overrides,
    }


def test_burndown_chart_places_the_three_lines_today_and_the_axes():
    chart = charts.burndown_chart(burndown_report())
    # plot: x 48…624 over ten days, y 16…212 over 0…10
    assert chart["ideal"] == "48.0,16.0 336.0,114.0 624.0,212.0"
    assert chart["remaining"] == "48.0,16.0 336.0,55.2"  # stops at today
    assert chart["submitted"] == "48.0,212.0 336.0,133.6"
    assert (chart["today_x"], chart["today_anchor"]) == (336.0, "end")
    assert [(t["value"], t["y"]) for t in chart["y_ticks"]] == [(0, 212.0), (5, 114.0), (10, 16.0)]
    assert chart["x_ticks"] == [{"x": 48.0, "date": dt.date(2026, 4, 1)}]
    assert chart["last"]["remaining"] == 8
    assert chart["last_marks"] == {"x": 336.0, "remaining_y": 55.2, "submitted_y": 133.6}


def test_a_mid_month_start_gives_way_to_the_month_tick_beside_it():
    report = burndown_report(start=dt.date(2026, 3, 30), end=dt.date(2026, 9, 30))
    ticks = charts.burndown_chart(report)["x_ticks"]
    assert [t["date"].month for t in ticks] == [4, 5, 6, 7, 8, 9]
    assert ticks[0]["x"] == round(48 + 576 * 2 / 184, 1)


def test_burndown_chart_without_today_inside_or_any_actual_figures():
    report = burndown_report(today=dt.date(2026, 3, 20))
    for point in report["points"]:
        point["remaining"] = point["submitted"] = None
    chart = charts.burndown_chart(report)
    assert chart["today_x"] is None and chart["remaining"] == "" and chart["last"] is None
    assert chart["last_marks"] is None


@pytest.mark.parametrize(
    ("highest", "ticks"),
    [
        (0, [0, 1]),
        (3, [0, 1, 2, 3]),
        (8, [0, 2, 4, 6, 8]),
        (10, [0, 5, 10]),
        (2200, [0, 1000, 2000, 3000]),
    ],
)
def test_nice_ticks(highest, ticks):
    assert charts.nice_ticks(highest) == ticks


def test_month_starts_begin_with_a_mid_month_start():
    days = charts.month_starts(dt.date(2026, 12, 15), dt.date(2027, 3, 1))
    assert days == [
        dt.date(2026, 12, 15),
        dt.date(2027, 1, 1),
        dt.date(2027, 2, 1),
        dt.date(2027, 3, 1),
    ]


def test_option_bars_give_each_option_its_share_of_those_who_answered():
    question = {
        "key": "recommended_action",
        "label": "措置",
        "answered": 4,
        "options": [
            {"value": "confirm", "label": "確認", "count": 3},
            {"value": "revise", "label": "改正", "count": 1},
            {"value": "withdraw", "label": "Withdraw", "count": 0},
        ],
    }
    chart = charts.option_bars(question, bar_length=300)
    rows = chart["rows"]
    assert [(r["percent"], r["bar_width"]) for r in rows] == [(75.0, 225.0), (25.0, 75.0), (0.0, 0)]
    assert rows[0]["bar_x"] == 8 * 8 + 10  # "Withdraw", the widest label, and a gap
    assert rows[0]["value_x"] == 74 + 225 + 10
    assert (rows[1]["y"], chart["height"]) == (22, 66)
    unanswered = charts.option_bars({**question, "answered": 0})
    assert [r["percent"] for r in unanswered["rows"]] == [None, None, None]


# --- the reports, on a survey made through the real services -----------------------------------


def at(time_machine, day: dt.date, hour: int = 10) -> None:
    time_machine.move_to(dt.datetime(day.year, day.month, day.day, hour, tzinfo=JST), tick=False)


@pytest.fixture
def survey(request, time_machine, coordinator, reviewer, other_reviewer):
    """FY2026: four METI and four MLIT standards batched on 10 April, due 25 December. By today,
    2027-01-10: METI one accepted, one returned, one with a draft, one untouched; MLIT one accepted
    and three untouched."""
    at(time_machine, dt.date(2026, 4, 10))
    meti_batch, mlit_batch = request.getfixturevalue("batches")
    meti = list(meti_batch.assignments.order_by("standard__number"))
    mlit = list(mlit_batch.assignments.order_by("standard__number"))
    at(time_machine, dt.date(2026, 5, 12))
    for assignment in meti[:2]:
        survey_services.response_save_draft(
            assignment=assignment, answers=COMPLETE, based_on=0, by=reviewer
        )
        survey_services.assignment_submit(assignment=assignment, by=reviewer)
    at(time_machine, dt.date(2026, 6, 3))
    survey_services.assignment_accept(assignment=meti[0], by=coordinator)
    survey_services.assignment_return(
        assignment=meti[1], by=coordinator, comment="理由を補足してください"
    )
    at(time_machine, dt.date(2026, 7, 1), hour=7)  # still 30 June in UTC: counts in July
    survey_services.response_save_draft(
        assignment=mlit[0], answers=MLIT_ANSWERS, based_on=0, by=other_reviewer
    )
    survey_services.assignment_submit(assignment=mlit[0], by=other_reviewer)
    survey_services.assignment_accept(assignment=mlit[0], by=coordinator)
    at(time_machine, dt.date(2026, 7, 1))
    survey_services.response_save_draft(
        assignment=meti[2], answers={"market_use": "rarely"}, based_on=0, by=reviewer
    )
    at(time_machine, TODAY)
    return meti_batch.programme


def row(report, dimension, key):
    return next(r for r in report[dimension] if r[dimension] == key)


@pytest.mark.django_db
def test_progress_counts_each_state_and_the_overdue(survey):
    report = reports.progress(programme=survey)
    assert row(report, "fiscal_year", 2026) == {
        "fiscal_year": 2026,
        "planned": 8,
        "assigned": 4,
        "in_progress": 1,
        "submitted": 0,
        "returned": 1,
        "accepted": 2,
        "withdrawn": 0,
        "overdue": 6,
    }
    meti = row(report, "ministry", "METI")
    assert (meti["planned"], meti["accepted"], meti["returned"], meti["overdue"]) == (4, 1, 1, 3)
    assert row(report, "division", "C")["planned"] == 8


@pytest.mark.django_db
def test_progress_for_a_year_counts_only_that_year_by_ministry_and_division(survey):
    later = reports.progress(programme=survey, fiscal_year=2027)
    assert row(later, "fiscal_year", 2026)["planned"] == 8  # the year rows keep every year
    assert later["ministry"] == [] and later["division"] == []


@pytest.mark.django_db
def test_burndown_follows_submissions_and_acceptances_month_by_month(survey):
    report = reports.burndown(programme=survey, fiscal_year=2026)
    assert (report["planned"], report["start"], report["due"], report["end"]) == (
        8,
        dt.date(2026, 4, 1),  # the start of the fiscal year, not the first batch (10 April)
        dt.date(2026, 12, 25),
        TODAY,
    )
    assert report["step_days"] == 7
    months = [
        (m["month"].month, m["submitted"], m["accepted"], m["remaining"]) for m in report["months"]
    ]
    assert months == [
        (4, 0, 0, 8),
        (5, 2, 0, 8),
        (6, 0, 1, 7),
        (7, 1, 1, 6),
        (8, 0, 0, 6),
        (9, 0, 0, 6),
        (10, 0, 0, 6),
        (11, 0, 0, 6),
        (12, 0, 0, 6),
        (1, 0, 0, 6),
    ]
    first, second, last = report["points"][0], report["points"][1], report["points"][-1]
    assert (first["date"], first["ideal"], first["remaining"]) == (dt.date(2026, 4, 1), 8, 8)
    assert (second["date"], second["ideal"]) == (dt.date(2026, 4, 8), 7.8)  # 8 × 261/268
    assert last == {
        "date": TODAY,
        "ideal": 0,
        "remaining": 6,
        "submitted": 3,  # the returned one was submitted once, and counts
        "accepted": 2,
    }


@pytest.mark.django_db
def test_burndown_stops_actual_figures_at_today(survey):
    report = reports.burndown(programme=survey, fiscal_year=2026, today=dt.date(2026, 6, 10))
    assert report["end"] == dt.date(2026, 12, 25)
    past = [p for p in report["points"] if p["remaining"] is not None]
    assert past[-1]["date"] == dt.date(2026, 6, 10) and past[-1]["remaining"] == 7
    assert all(p["submitted"] is None for p in report["points"] if p["date"] > dt.date(2026, 6, 10))
    june, july = report["months"][2], report["months"][3]
    assert (june["accepted"], june["remaining"]) == (1, 7)
    assert july == {
        "month": dt.date(2026, 7, 1),
        "submitted": None,
        "accepted": None,
        "remaining": None,
    }


@pytest.mark.django_db
def test_a_year_without_batches_runs_april_to_march(survey):
    report = reports.burndown(programme=survey, fiscal_year=2027)
    assert (report["planned"], report["start"], report["end"]) == (
        0,
        dt.date(2027, 4, 1),
        dt.date(2028, 3, 31),
    )
    assert report["points"][0]["remaining"] is None  # all of it lies ahead of today


def counts(question) -> dict:
    return {o["value"]: o["count"] for o in question["options"]}


@pytest.mark.django_db
def test_answer_distribution_counts_accepted_responses_only(survey):
    report = reports.answer_distribution(programme=survey, fiscal_year=2026)
    assert report["responses"] == 2
    assert report["questionnaire"]["code"] == "jis-procurement"
    questions = {q["key"]: q for q in report["questions"]}
    assert list(questions) == COUNTED_QUESTIONS
    action = questions["recommended_action"]
    assert action["label"] == "Recommended review action for this standard"
    assert (action["answered"], action["options"][0]["label"]) == (2, "Confirm")
    assert counts(action) == {"confirm": 2, "revise": 0, "withdraw": 0, "undecided": 0}
    assert counts(questions["market_use"]) == {
        "widely": 1,
        "partly": 1,
        "rarely": 0,  # a draft, not accepted
        "not_used": 0,
    }
    regulations = questions["cited_by_regulations"]
    assert [(o["label"], o["count"]) for o in regulations["options"]] == [("Yes", 1), ("No", 1)]
    assert questions["could_be_used"]["answered"] == 0


@pytest.mark.django_db
@pytest.mark.japanese
def test_answer_labels_follow_the_active_language(survey):
    report = reports.answer_distribution(programme=survey, fiscal_year=2026)
    action, *_ = report["questions"]
    assert action["label"] == "本規格について推奨する見直しの措置"
    assert action["options"][0]["label"] == "確認"
    regulations = next(q for q in report["questions"] if q["key"] == "cited_by_regulations")
    assert [o["label"] for o in regulations["options"]] == ["はい", "いいえ"]


@pytest.mark.django_db
def test_reports_for_a_ministry_see_only_its_standards(survey):
    meti = reports.progress(programme=survey, ministry="METI")
    assert [r["ministry"] for r in meti["ministry"]] == ["METI"]
    burndown = reports.burndown(programme=survey, fiscal_year=2026, ministry="METI")
    assert (burndown["planned"], burndown["points"][-1]["remaining"]) == (4, 3)
    answers = reports.answer_distribution(programme=survey, fiscal_year=2026, ministry="METI")
    market = next(q for q in answers["questions"] if q["key"] == "market_use")
    assert (answers["responses"], counts(market)["partly"]) == (1, 0)


@pytest.mark.django_db
def test_report_queries_do_not_grow_with_the_survey(survey, django_assert_num_queries):
    with django_assert_num_queries(2):
        reports.progress(programme=survey)
    with django_assert_num_queries(3):
        reports.burndown(programme=survey, fiscal_year=2026)
    with django_assert_num_queries(2):
        reports.answer_distribution(programme=survey, fiscal_year=2026)


# --- the page ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("user", "status"),
    [("coordinator", 200), ("ministry_viewer", 200), ("reviewer", 403), ("outsider", 403)],
)
def test_who_may_open_the_dashboard(client, request, survey, user, status):
    client.force_login(request.getfixturevalue(user))
    assert client.get("/reviews/dashboard/").status_code == status


@pytest.mark.django_db
def test_a_viewer_without_a_ministry_may_not_open_it_and_anonymous_users_log_in(
    client, django_user_model, survey
):
    response = client.get("/reviews/dashboard/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    viewer = django_user_model.objects.create_user(username="nobody-viewer")  # no ministry
    viewer.groups.add(Group.objects.get(name=Role.MINISTRY_VIEWER))
    client.force_login(viewer)
    assert client.get("/reviews/dashboard/").status_code == 403


@pytest.mark.django_db
def test_before_any_plan_the_page_and_the_api_say_so(client, token_client, coordinator):
    client.force_login(coordinator)
    page = english(client).get("/reviews/dashboard/").content.decode()
    assert "No plan has been made yet" in page
    api = token_client(coordinator)
    assert api.get("/api/reports/progress/").json() == {
        "fiscal_year": [],
        "ministry": [],
        "division": [],
    }
    assert api.get("/api/reports/burndown/").status_code == 404


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.django_db
def test_the_page_shows_the_year_s_figures_beside_its_charts(client, coordinator, survey):
    client.force_login(coordinator)
    response = english(client).get("/reviews/dashboard/")  # today: FY2026
    page = response.content.decode()
    assert response.context["year"] == 2026
    years = response.context["sections"][0]["rows"]
    assert (years[0]["label"], years[0]["planned"], years[0]["overdue"]) == ("FY2026", 8, 6)
    assert page.count('role="img"') >= 3 + 1 + len(COUNTED_QUESTIONS)
    assert (
        "FY2026: 8 planned, 8 assigned, 6 overdue, Accepted 2, Returned 1, Draft saved 1, Assigned 4"
        in page
    )
    burndown = "Burn-down: 8 standards planned; on 2027-01-10, 6 remaining, 3 submitted, 2 accepted"
    assert burndown in page
    assert "Recommended review action for this standard: Confirm 2 (100.0 %)" in page
    ministries = response.context["sections"][1]["rows"]
    assert [(r["label"], r["accepted_percent"], r["overdue"]) for r in ministries] == [
        ("Minister of Economy, Trade and Industry", 25.0, 3),
        ("Minister of Land, Infrastructure, Transport and Tourism", 25.0, 3),
    ]
    assert 'lang="en"' in page


@pytest.mark.django_db
@pytest.mark.japanese
def test_the_page_is_japanese_by_default(client, coordinator, survey):
    client.force_login(coordinator)
    page = client.get("/reviews/dashboard/?fiscal_year=2026").content.decode()
    assert 'lang="ja"' in page
    for text in (
        "年度",
        "C 電子機器及び電気機械",
        "受理",
        "期限切れ",
        "国土交通大臣",
        "本規格について推奨する見直しの措置",
    ):
        assert text in page
    assert "確認 2 (100.0 %)" in page


@pytest.mark.django_db
def test_a_coordinator_narrows_to_a_ministry_and_a_year(client, coordinator, survey):
    client.force_login(coordinator)
    response = client.get("/reviews/dashboard/?ministry=MLIT&fiscal_year=2026")
    assert response.context["ministry"] == "MLIT"
    assert response.context["burndown"]["planned"] == 4
    assert response.context["answers"]["responses"] == 1
    unknown = client.get("/reviews/dashboard/?ministry=NOPE&fiscal_year=1999")
    assert (unknown.context["ministry"], unknown.context["year"]) == (None, 2026)


@pytest.mark.django_db
def test_a_ministry_viewer_never_sees_another_ministry(client, ministry_viewer, survey):
    client.force_login(ministry_viewer)
    response = english(client).get("/reviews/dashboard/?ministry=MLIT")
    page = response.content.decode()
    assert response.context["ministry"] == "METI"
    assert [r["key"] for r in response.context["sections"][1]["rows"]] == ["METI"]
    assert response.context["burndown"]["planned"] == 4
    assert "Minister of Land, Infrastructure, Transport and Tourism" not in page
    assert 'name="ministry"' not in page


@pytest.mark.django_db
def test_the_page_queries_do_not_grow_with_the_survey(
    client, coordinator, reviewer, survey, django_assert_max_num_queries
):
    client.force_login(coordinator)
    client.get("/reviews/dashboard/")  # the session and the unread count are cached from now on
    with django_assert_max_num_queries(PAGE_QUERIES):
        assert client.get("/reviews/dashboard/").status_code == 200
    more = [StandardFactory(number=f"JIS C {7000 + i}", ministries=["METI"]) for i in range(6)]
    plan_services.programme_plan(programme=survey, today=dt.date(2026, 3, 1))
    survey_services.batches_create(
        programme=survey,
        fiscal_year=2027,
        due_on=dt.date(2027, 9, 1),
        today=dt.date(2026, 3, 1),
        max_size=3,
        by=coordinator,
        reviewer=reviewer,
    )
    assert Assignment.objects.filter(standard__in=more).exists()
    with django_assert_max_num_queries(PAGE_QUERIES):
        assert client.get("/reviews/dashboard/?fiscal_year=2027").status_code == 200


# --- the API ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_burndown_and_answers_api(token_client, coordinator, survey):
    client = token_client(coordinator)
    burndown = client.get("/api/reports/burndown/?fiscal_year=2026").json()
    assert (burndown["planned"], burndown["start"], burndown["due"]) == (
        8,
        "2026-04-01",
        "2026-12-25",
    )
    assert burndown["points"][-1] == {
        "date": "2027-01-10",
        "ideal": 0.0,
        "remaining": 6,
        "submitted": 3,
        "accepted": 2,
    }
    answers = client.get("/api/reports/answers/", HTTP_ACCEPT_LANGUAGE="ja").json()
    assert answers["fiscal_year"] == 2026  # the current year by default
    regulations = next(q for q in answers["questions"] if q["key"] == "cited_by_regulations")
    assert regulations["options"] == [
        {"value": True, "label": "はい", "count": 1},
        {"value": False, "label": "いいえ", "count": 1},
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("report", ["progress", "burndown", "answers"])
def test_a_meti_viewer_gets_meti_figures_even_when_asking_for_mlit(
    token_client, ministry_viewer, survey, report
):
    body = token_client(ministry_viewer).get(f"/api/reports/{report}/?ministry=MLIT").json()
    if report == "progress":
        assert [r["ministry"] for r in body["ministry"]] == ["METI"]
        assert row(body, "fiscal_year", 2026)["accepted"] == 1
    elif report == "burndown":
        assert (body["planned"], body["points"][-1]["accepted"]) == (4, 1)
    else:
        market = next(q for q in body["questions"] if q["key"] == "market_use")
        assert (body["responses"], counts(market)) == (
            1,
            {"widely": 1, "partly": 0, "rarely": 0, "not_used": 0},
        )


@pytest.mark.django_db
@pytest.mark.parametrize("report", ["progress", "burndown", "answers"])
def test_reviewers_and_strangers_may_not_read_reports(
    api_client, token_client, reviewer, survey, report
):
    assert api_client.get(f"/api/reports/{report}/").status_code == 401
    assert token_client(reviewer).get(f"/api/reports/{report}/").status_code == 403


@pytest.mark.django_db
def test_a_year_outside_the_programme_is_refused_by_name(token_client, coordinator, survey):
    response = token_client(coordinator).get("/api/reports/burndown/?fiscal_year=2040")
    assert response.status_code == 400
    assert "fiscal_year" in response.json()


@pytest.mark.django_db
@pytest.mark.parametrize("report", ["progress", "burndown", "answers"])
@pytest.mark.parametrize(
    ("query", "field"),
    [("fiscal_year=²", "fiscal_year"), ("ministry=NOPE", "ministry"), ("ministry=%00", "ministry")],
)
def test_an_odd_year_or_an_unknown_ministry_is_refused_by_name(
    token_client, coordinator, survey, report, query, field
):
    # "²" passes str.isdigit() but not int(); PostgreSQL refuses a NUL in a query
    response = token_client(coordinator).get(f"/api/reports/{report}/?{query}")
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.django_db
def test_the_page_falls_back_to_the_current_year_for_an_odd_one(client, coordinator, survey):
    client.force_login(coordinator)
    assert client.get("/reviews/dashboard/?fiscal_year=²").context["year"] == 2026


@pytest.mark.django_db
@pytest.mark.parametrize(("report", "queries"), [("burndown", 5), ("answers", 4)])
def test_report_api_query_count(
    token_client, coordinator, survey, report, queries, django_assert_num_queries
):
    client = token_client(coordinator)
    # token with its user and roles, programme, then the report's own (burn-down 3, answers 2)
    with django_assert_num_queries(queries):
        assert client.get(f"/api/reports/{report}/?fiscal_year=2026").status_code == 200


@pytest.mark.django_db
def test_the_schema_describes_the_reports(client, coordinator):
    client.force_login(coordinator)
    schema = client.get("/api/schema/?format=json").json()
    for path in ("progress", "burndown", "answers"):
        assert f"/api/reports/{path}/" in schema["paths"]
    components = schema["components"]["schemas"]
    assert components["BurndownPoint"]["properties"]["remaining"]["nullable"] is True
    assert "options" in components["AnswerQuestion"]["properties"]
    assert "overdue" in components["ProgressByYear"]["properties"]


@pytest.mark.django_db
def test_the_burn_down_is_drawn_from_the_start_of_the_fiscal_year(client, coordinator, survey):
    """The first batch came on 10 April: the chart still starts on 1 April, where the ideal line
    starts from the whole year's plan."""
    client.force_login(coordinator)
    response = client.get("/reviews/dashboard/?fiscal_year=2026")
    chart, burndown = response.context["chart"], response.context["burndown"]
    assert chart["x_ticks"][0]["date"] == dt.date(2026, 4, 1)
    assert burndown["points"][0] == {
        "date": dt.date(2026, 4, 1),
        "ideal": 8,
        "remaining": 8,
        "submitted": 0,
        "accepted": 0,
    }
    assert chart["ideal"].startswith(
        f"{float(chart['plot']['left'])},{float(chart['plot']['top'])} "
    )


@pytest.mark.django_db
def test_the_plan_s_stacked_yearly_bars_have_a_legend_and_name_the_divisions(
    client, coordinator, survey
):
    client.force_login(coordinator)
    page = lxml.html.fromstring(english(client).get("/reviews/plan/").content)
    legends = page.xpath("//p[contains(@class, 'breakdown-legend')]")
    assert len(legends) == 2  # per lead ministry, per division
    years = [f"FY{year}" for year in range(2026, 2031)]
    for legend in legends:
        swatches = [
            (span.xpath(".//rect")[0].get("class"), span.text_content().strip())
            for span in legend.xpath("./span")
        ]
        assert swatches == [(f"seg{i}", year) for i, year in enumerate(years, start=1)]
    division_rows = legends[1].getnext().xpath("./tbody/tr/td[1]/text()")
    assert division_rows == ["C Electronic and electrical engineering"]
