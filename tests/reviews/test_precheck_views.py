"""The pre-check pages as people use them: an organisation's list with 確認 / 担当外 and "confirm
all", the coordinators' overview, one mark's resolution; who may open what; untouched choosers;
query counts that do not grow with the list."""

import datetime as dt
import html
import re

import pytest
import time_machine
from django.urls import reverse

from reviews.models import PrecheckAnswer, Reroute, RoutingRule
from reviews.plan import services as plan_services
from reviews.precheck import services
from reviews.precheck.models import Resolution, Verdict
from reviews.survey import services as survey_services
from tests.conftest import in_english
from tests.reviews import precheck_world
from tests.reviews.precheck_world import BODY_A, BODY_B, BODY_C, JULY
from tests.standards.factories import StandardFactory
from tests.untouched_forms import untouched_query

pytestmark = pytest.mark.django_db
A = f"drafting_body:{BODY_A}"
B = f"drafting_body:{BODY_B}"


@pytest.fixture(autouse=True)
def _july():
    with time_machine.travel(JULY, tick=False):
        yield


@pytest.fixture
def world(django_user_model, reviewer, other_reviewer):
    return precheck_world.build(django_user_model, reviewer=reviewer, other_reviewer=other_reviewer)


def text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


def post(client, **data):
    return client.post(reverse("reviews:precheck"), {"year": "2026", **data})


def test_a_reviewer_sees_their_organisations_list_only(client, world, reviewer):
    in_english(client)
    client.force_login(reviewer)
    page = text(client.get(reverse("reviews:precheck")))
    assert BODY_A in page
    assert all(s.number in page for s in world.a)
    assert not any(s.number in page for s in world.b)
    assert "4 not answered yet." in page


def test_confirm_a_row_mark_one_not_ours_and_confirm_the_rest(client, world, reviewer):
    in_english(client)
    client.force_login(reviewer)
    first, second = world.a[0], world.a[1]
    assert post(client, organisation=A, standard=first.pk, verdict="confirmed").status_code == 302
    response = post(
        client,
        organisation=A,
        standard=second.pk,
        verdict="not_ours",
        right_body=BODY_C,
        comment="化学工業協会の所管",
    )
    assert response.status_code == 302
    answers = {a.standard: a for a in PrecheckAnswer.objects.all()}
    assert answers[first].verdict == Verdict.CONFIRMED
    assert (answers[second].verdict, answers[second].right_body.name) == (Verdict.NOT_OURS, BODY_C)
    page = text(client.get(reverse("reviews:precheck")))
    assert "2 not answered yet." in page
    assert re.search(rf"Not ours</b> → {BODY_C}", page)
    assert post(client, organisation=A, action="confirm_all").status_code == 302
    assert PrecheckAnswer.objects.filter(verdict=Verdict.CONFIRMED).count() == 3
    assert PrecheckAnswer.objects.get(standard=second).verdict == Verdict.NOT_OURS
    assert "Every standard of this list is answered." in text(
        client.get(reverse("reviews:precheck"))
    )


def test_a_body_not_in_the_catalog_or_nothing_said_is_refused_and_said(client, world, reviewer):
    in_english(client)
    client.force_login(reviewer)
    response = post(
        client,
        organisation=A,
        standard=world.a[0].pk,
        verdict="not_ours",
        right_body="架空の工業会",
        next=reverse("reviews:precheck"),
    )
    assert response.status_code == 302
    page = text(client.get(response.url))
    assert "“架空の工業会” is not a drafting body of the catalog" in page
    response = post(client, organisation=A, standard=world.a[0].pk, verdict="not_ours")
    assert "Say whose standard it is" in text(client.get(response.url))
    assert not PrecheckAnswer.objects.exists()


def test_the_right_body_may_be_spelt_as_the_catalog_import_reads_it(client, world, reviewer):
    """（一社） for 一般社団法人, a full-width space: the same body, as in the catalog and roster."""
    client.force_login(reviewer)
    response = post(
        client,
        organisation=A,
        standard=world.a[0].pk,
        verdict="not_ours",
        right_body="（一社）　日本化学工業協会",
    )
    assert response.status_code == 302
    assert PrecheckAnswer.objects.get().right_body.name == BODY_C


def test_nobody_answers_for_an_organisation_they_are_not_in(
    client, world, reviewer, other_reviewer
):
    client.force_login(other_reviewer)
    response = post(client, organisation=A, standard=world.a[0].pk, verdict="confirmed")
    assert response.status_code == 403
    assert post(client, organisation=A, action="confirm_all").status_code == 403
    assert not PrecheckAnswer.objects.exists()


def test_the_page_goes_back_only_to_this_site(client, world, reviewer):
    client.force_login(reviewer)
    response = post(
        client,
        organisation=A,
        standard=world.a[0].pk,
        verdict="confirmed",
        next="https://evil.example/",
    )
    assert response.url == reverse("reviews:precheck")


def test_ministry_viewers_and_outsiders_have_no_list(client, world, ministry_viewer, outsider):
    for user in (ministry_viewer, outsider):
        client.force_login(user)
        assert client.get(reverse("reviews:precheck")).status_code == 403


def test_an_untouched_chooser_shows_the_same_list(client, world, reviewer):
    client.force_login(reviewer)
    url = reverse("reviews:precheck")
    plain = client.get(url).content.decode()
    query = untouched_query(plain)
    again = client.get(f"{url}?{query}").content.decode()
    assert all(s.number in again for s in world.a)
    assert again.count("<tr class=") == plain.count("<tr class=")


def test_show_filter_keeps_the_rows_asked_for(client, world, reviewer):
    client.force_login(reviewer)
    services.precheck_answer(
        programme=world.programme,
        fiscal_year=2026,
        organisation=("drafting_body", BODY_A),
        standard=world.a[0],
        verdict=Verdict.NOT_OURS,
        comment="?",
        by=reviewer,
    )
    page = text(client.get(reverse("reviews:precheck"), {"show": "not_ours"}))
    assert world.a[0].number in page and world.a[1].number not in page
    page = text(client.get(reverse("reviews:precheck"), {"show": "pending"}))
    assert world.a[0].number not in page and world.a[1].number in page


def test_the_list_costs_the_same_queries_for_a_small_or_a_large_year(
    client, django_user_model, reviewer, other_reviewer, django_assert_num_queries
):
    precheck_world.build(django_user_model, reviewer=reviewer, other_reviewer=other_reviewer, n_a=3)
    client.force_login(reviewer)
    url = reverse("reviews:precheck")
    client.get(url)
    # the user and roles; the programme, the year being checked; the pools the user is in; the
    # year's entries and their
    # ministries (as values), re-routes, rules and their reviewers, the year's assignments; the
    # answers of the lists and the standards shown; the catalog's bodies for the "right body" list
    with django_assert_num_queries(14):
        client.get(url)
    world = precheck_world.build(
        django_user_model, reviewer=reviewer, other_reviewer=other_reviewer, n_a=20, n_b=5
    )
    for standard in world.a[:3]:  # marks naming the right body: the body is read with them
        services.precheck_answer(
            programme=world.programme,
            fiscal_year=2026,
            organisation=("drafting_body", BODY_A),
            standard=standard,
            verdict=Verdict.NOT_OURS,
            right_body=world.body_c,
            by=reviewer,
        )
    services.precheck_confirm_all(
        programme=world.programme,
        fiscal_year=2026,
        organisation=("drafting_body", BODY_A),
        by=reviewer,
    )
    with django_assert_num_queries(14):
        assert text(client.get(url)).count("JIS B 84") >= 20


# ---- the coordinators' overview and a mark's resolution ----------------------------------------


@pytest.fixture
def marked(world, reviewer):
    return services.precheck_answer(
        programme=world.programme,
        fiscal_year=2026,
        organisation=("drafting_body", BODY_A),
        standard=world.a[0],
        verdict=Verdict.NOT_OURS,
        right_body=None,
        comment="電機工業会です",
        by=reviewer,
    )


def test_the_overview_shows_marks_and_who_has_not_confirmed(client, world, coordinator, marked):
    in_english(client)
    client.force_login(coordinator)
    page = text(client.get(reverse("reviews:precheck-overview")))
    assert "1 to resolve" in page
    assert world.a[0].number in page and "電機工業会です" in page
    assert "2 of 2" in page  # both organisations still have rows to answer
    assert BODY_A in page and BODY_B in page


def test_the_overview_is_for_coordinators(client, world, reviewer):
    client.force_login(reviewer)
    assert client.get(reverse("reviews:precheck-overview")).status_code == 403


def test_only_coordinators_open_or_resolve_a_mark(client, world, reviewer, marked):
    """Not even the reviewer who made the mark: a mark's id guessed or copied resolves nothing."""
    client.force_login(reviewer)
    url = reverse("reviews:precheck-mark", args=[marked.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"to": B, "action": "reroute"}).status_code == 403
    assert client.post(url, {"action": "keep"}).status_code == 403
    marked.refresh_from_db()
    assert marked.resolution == "" and not Reroute.objects.exists()


def test_another_organisations_list_is_not_opened_by_naming_it(
    client, world, reviewer, other_reviewer
):
    """B's key typed into the query is not one of the reviewer's choices: their own list shows."""
    client.force_login(reviewer)
    page = text(client.get(reverse("reviews:precheck"), {"organisation": B}))
    assert all(s.number in page for s in world.a)
    assert not any(s.number in page for s in world.b)


def test_answers_need_the_csrf_token(world, reviewer):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(reviewer)
    response = post(client, organisation=A, standard=world.a[0].pk, verdict="confirmed")
    assert response.status_code == 403
    assert not PrecheckAnswer.objects.exists()


def test_resolving_on_the_mark_page_reroutes_with_history(
    client, world, coordinator, marked, other_reviewer
):
    in_english(client)
    client.force_login(coordinator)
    url = reverse("reviews:precheck-mark", args=[marked.pk])
    page = text(client.get(url))
    assert f"Drafting body: {BODY_B}" in page
    response = client.post(url, {"to": B, "note": "電機工業会へ", "action": "reroute"})
    assert response.status_code == 302
    reroute = Reroute.objects.get()
    assert (reroute.from_value, reroute.to_value, reroute.by) == (BODY_A, BODY_B, coordinator)
    marked.refresh_from_db()
    assert marked.resolution == Resolution.REROUTED
    overview = text(client.get(response.url))
    assert "0 to resolve" in overview and "電機工業会へ" in overview
    # the organisation still sees its mark, and where it went
    client.force_login(world.a[0].precheck_answers.get().answered_by)
    assert "Re-routed to another organisation" in text(client.get(reverse("reviews:precheck")))


def test_a_refused_resolution_opens_on_its_problem(client, world, coordinator, marked):
    in_english(client)
    client.force_login(coordinator)
    url = reverse("reviews:precheck-mark", args=[marked.pk])
    response = client.post(url, {"to": "", "action": "reroute"})
    assert response.status_code == 400
    assert "Choose where the standard goes" in text(response)
    response = client.post(url, {"to": A, "action": "reroute"})
    assert response.status_code == 400
    assert "Choose another organisation" in text(response)
    assert not Reroute.objects.exists()
    assert client.post(url, {"action": "keep"}).status_code == 302
    marked.refresh_from_db()
    assert marked.resolution == Resolution.KEPT


def test_an_untouched_overview_chooser_changes_nothing(client, world, coordinator, marked):
    client.force_login(coordinator)
    url = reverse("reviews:precheck-overview")
    plain = client.get(url).content.decode()
    again = client.get(f"{url}?{untouched_query(plain)}").content.decode()
    assert world.a[0].number in again
    assert again.count("<tr") == plain.count("<tr")


def test_the_overview_costs_the_same_queries_for_one_mark_or_many(
    client, world, coordinator, reviewer, django_assert_num_queries
):
    client.force_login(coordinator)
    url = reverse("reviews:precheck-overview")
    organisation = ("drafting_body", BODY_A)
    answer = {"programme": world.programme, "fiscal_year": 2026, "organisation": organisation}
    services.precheck_answer(
        **answer, standard=world.a[0], verdict="not_ours", comment="?", by=reviewer
    )
    client.get(url)
    # the user and roles; the programme, the year being checked; the year's entries, their
    # ministries, re-routes, rules and their reviewers, the year's assignments; the answers
    # counted; the marks; the re-routes
    with django_assert_num_queries(13):
        client.get(url)
    for standard in world.a[1:]:
        services.precheck_answer(
            **answer, standard=standard, verdict="not_ours", comment="?", by=reviewer
        )
    marks = PrecheckAnswer.objects.order_by("pk")
    services.mark_resolve(answer=marks[0], to=("drafting_body", BODY_B), by=coordinator)
    services.mark_resolve(answer=marks[1], to=None, by=coordinator)
    with django_assert_num_queries(13):
        assert text(client.get(url)).count("JIS B 84") >= 4


def test_the_nav_offers_the_pre_check(client, world, reviewer):
    in_english(client)
    client.force_login(reviewer)
    assert (
        'href="/reviews/precheck/"' in client.get(reverse("reviews:assignments")).content.decode()
    )


@pytest.mark.japanese
def test_the_pages_speak_japanese(client, world, coordinator, marked):
    client.force_login(coordinator)
    overview = text(client.get(reverse("reviews:precheck-overview")))
    assert "事前確認" in overview and "担当外" in overview
    page = text(client.get(reverse("reviews:precheck"), {"organisation": A}))
    assert "確認" in page and "担当外" in page and "すべて確認" in page


@pytest.mark.japanese
def test_the_years_are_named_by_era_in_japanese(client, world, coordinator, marked):
    client.force_login(coordinator)
    for name in ("reviews:precheck", "reviews:precheck-overview"):
        page = text(client.get(reverse(name)))
        assert "令和8年度（確認中の年度）" in page and "<small>令和8年度</small>" in page
        assert "FY2026" not in page
    mark = text(client.get(reverse("reviews:precheck-mark", args=[marked.pk])))
    assert "<td>令和8年度</td>" in mark and "FY2026" not in mark


def test_a_pool_with_nobody_shows_its_standards_as_unroutable(client, world, coordinator):
    in_english(client)
    RoutingRule.objects.all().delete()
    client.force_login(coordinator)
    page = text(client.get(reverse("reviews:precheck-overview")))
    assert "Standards nobody can answer" in page
    assert world.a[0].number in page


def test_the_year_being_checked_is_the_first_not_yet_batched(client, world, coordinator, reviewer):
    """Once FY2026's batches are out, the pre-check opens on the next year with standards."""
    in_english(client)
    client.force_login(reviewer)
    assert "FY2026 (being checked)" in text(client.get(reverse("reviews:precheck")))
    later = StandardFactory(number="JIS B 9990", established_on=dt.date(2022, 6, 1))
    plan_services.programme_plan(programme=world.programme, today=dt.date(2026, 3, 1))
    assert world.programme.entries.get(standard=later).fiscal_year == 2027
    survey_services.batches_create(
        programme=world.programme,
        fiscal_year=2026,
        due_on=dt.date(2026, 10, 9),
        max_size=50,
        by=coordinator,
    )
    page = text(client.get(reverse("reviews:precheck")))
    assert "FY2027 (being checked)" in page


def test_a_long_list_comes_a_hundred_rows_a_page(
    client, django_user_model, reviewer, other_reviewer
):
    """A ministry's pool can hold most of a year: the page draws it a hundred rows at a time, and
    answering keeps the page the person was on."""
    precheck_world.build(
        django_user_model, reviewer=reviewer, other_reviewer=other_reviewer, n_a=130, capacity=200
    )
    in_english(client)
    client.force_login(reviewer)
    url = reverse("reviews:precheck")
    first = client.get(url).content.decode()
    assert first.count('name="verdict" value="confirmed"') == 100
    assert "Page 1 of 2" in first
    second = client.get(url, {"page": 2}).content.decode()
    assert second.count('name="verdict" value="confirmed"') == 30
    assert "JIS B 8529" in second and "JIS B 8400" not in second
