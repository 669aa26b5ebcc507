"""Issue #14's leftovers: a draft saved into a withdrawn batch, batch names and fiscal years in
the reader's language, the bell without an emoji font, the batch form's size label."""

import html
import re

import pytest

from reviews.survey import services as survey_services
from reviews.survey.models import Assignment, Batch, Response
from tests.conftest import in_english

pytestmark = pytest.mark.django_db

DRAFT = {"version": "0", "action": "save", "market_use": "partly", "procurers_detail": "国交省"}


def _withdrawn_while_typing(client, assignment, reviewer, coordinator):
    client.force_login(reviewer)
    assert client.get(f"/reviews/assignments/{assignment.pk}/").status_code == 200
    survey_services.batch_withdraw(batch=assignment.batch, by=coordinator)


def test_saving_a_draft_into_a_withdrawn_batch_says_so_and_gives_back_the_answers(
    client, assignment, reviewer, coordinator
):
    in_english(client)
    _withdrawn_while_typing(client, assignment, reviewer, coordinator)
    response = client.post(f"/reviews/assignments/{assignment.pk}/answer/", DRAFT)
    assert response.status_code == 410
    page = html.unescape(response.content.decode())
    assert "This assignment was taken back" in page
    assert f"withdrew the batch holding {assignment.standard.number}" in page
    assert "国交省" in page  # what was typed, to copy
    assert not Response.objects.exists()


def test_a_batch_withdrawn_between_the_check_and_the_save_is_the_same_message(
    client, assignment, reviewer, coordinator, monkeypatch
):
    """The race: the assignment was visible, then gone when the draft is written."""
    in_english(client)
    client.force_login(reviewer)
    save = survey_services.response_save_draft

    def withdrawn_first(**kwargs):
        survey_services.batch_withdraw(batch=assignment.batch, by=coordinator)
        return save(**kwargs)

    monkeypatch.setattr(survey_services, "response_save_draft", withdrawn_first)
    response = client.post(f"/reviews/assignments/{assignment.pk}/answer/", DRAFT)
    assert response.status_code == 410
    assert "This assignment was taken back" in response.content.decode()


def test_someone_elses_or_an_unknown_assignment_is_still_not_found(
    client, assignment, other_reviewer, coordinator
):
    survey_services.batch_withdraw(batch=assignment.batch, by=coordinator)
    client.force_login(other_reviewer)
    response = client.post(f"/reviews/assignments/{assignment.pk}/answer/", DRAFT)
    assert response.status_code == 404


@pytest.mark.japanese
def test_a_batch_is_named_in_the_readers_language_and_stored_in_one(
    client, assignment, reviewer, coordinator
):
    batch = assignment.batch
    assert batch.name == "FY2026 all #1"  # the same whoever cut it, so numbering continues
    client.force_login(coordinator)
    japanese = client.get(f"/reviews/batches/{batch.pk}/").content.decode()
    assert "令和8年度 全件 #1" in japanese and "FY2026" not in japanese
    in_english(client)
    assert "FY2026 all #1" in client.get(f"/reviews/batches/{batch.pk}/").content.decode()


def test_a_batch_named_by_hand_keeps_its_name(assignment):
    Batch.objects.filter(pk=assignment.batch_id).update(name="Robots, first pass")
    assert Batch.objects.get(pk=assignment.batch_id).label == "Robots, first pass"


@pytest.mark.japanese
def test_the_plan_screen_names_fiscal_years_as_its_readers_do(client, programme, coordinator):
    client.force_login(coordinator)
    japanese = client.get("/reviews/plan/").content.decode()
    assert "令和8年度" in japanese and "FY20" not in japanese
    in_english(client)
    english = client.get("/reviews/plan/").content.decode()
    assert "FY2026" in english and "令和" not in english


def test_the_bell_is_a_drawing_with_its_name(client, reviewer):
    in_english(client)
    client.force_login(reviewer)
    page = client.get("/reviews/assignments/").content.decode()
    start = page.index('class="bell"')
    bell = page[start : page.index("</a>", start)]
    assert 'aria-label="Notifications"' in bell
    assert "<svg" in bell and 'aria-hidden="true"' in bell
    assert "\U0001f514" not in page


@pytest.mark.japanese
def test_the_batch_size_label_says_what_it_counts(client, programme, coordinator):
    client.force_login(coordinator)
    page = client.get("/reviews/batches/").content.decode()
    assert "1バッチの規格数（上限）" in page


def test_an_assignment_still_there_saves_as_before(client, assignment, reviewer):
    client.force_login(reviewer)
    response = client.post(f"/reviews/assignments/{assignment.pk}/answer/", DRAFT)
    assert response.status_code == 302
    assert Assignment.objects.get(pk=assignment.pk).response.answers["market_use"] == "partly"


def test_batches_are_listed_in_number_order(client, programme, coordinator, reviewer):
    import datetime as dt

    survey_services.batches_create(
        programme=programme,
        fiscal_year=2026,
        due_on=dt.date(2026, 12, 25),
        today=dt.date(2026, 3, 1),
        max_size=1,
        by=coordinator,
        reviewer=reviewer,
    )
    in_english(client)
    client.force_login(coordinator)
    page = client.get("/reviews/batches/").content.decode()
    shown = [int(n) for n in re.findall(r">FY2026 all #(\d+)</a>", page)]
    assert len(shown) == Batch.objects.count() > 10
    assert shown == sorted(shown)


@pytest.mark.japanese
def test_a_withdrawn_batch_is_named_in_the_readers_language_too(client, assignment, coordinator):
    survey_services.batch_withdraw(batch=assignment.batch, by=coordinator)
    client.force_login(coordinator)
    page = client.get("/reviews/batches/").content.decode()
    section = page[page.index("withdrawn-batches") :]
    assert "令和8年度 全件 #1" in section and "FY2026 all" not in section
