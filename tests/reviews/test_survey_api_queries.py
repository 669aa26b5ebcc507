"""What a reviewer's requests cost the database: the draft save, the response, the submit, the list
and the questionnaire page, query by query; and the save's answer, which is built from what it
wrote, against a fresh read."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reviews.survey import services as survey_services
from reviews.survey.filters import AssignmentApiFilter
from standards.alignment.files import read_international
from standards.alignment.services import alignments_recompute, international_import
from standards.models import InternationalCorrespondence
from tests.reviews.data import COMPLETE

pytestmark = pytest.mark.django_db


def url(assignment, suffix=""):
    return f"/api/assignments/{assignment.pk}/{suffix}"


@pytest.fixture
def mine(batches):
    return batches[0].assignments.order_by("pk").first()


def put(client, assignment, version, detail="draft"):
    answers = {**COMPLETE, "procurers_detail": detail}
    return client.put(
        url(assignment, "response/"), {"answers": answers, "version": version}, format="json"
    )


def test_a_draft_save_is_its_writes_and_two_locked_reads(
    token_client, reviewer, mine, django_assert_num_queries
):
    client = token_client(reviewer)
    # The test runs inside a transaction, so the save's own is a savepoint (BEGIN and COMMIT in
    # production, as many queries). The first save also creates the response (get_or_create:
    # select, savepoint, insert and its history row, release).
    with django_assert_num_queries(16):
        assert put(client, mine, 0).status_code == 200
    # 1 token with its user and roles, 2 the assignment (visible to this user) with its
    # questionnaire, 3 savepoint, 4 the assignment and its standard locked, with the alignment and
    # reviewer, 5 the response locked, 6 the transition, 7 the response, 8 its history row, 9 the
    # computed answers (one upsert), 10 release. The assignment stays in progress: not written.
    with django_assert_num_queries(10):
        assert put(client, mine, 1).status_code == 200


def test_a_stale_save_is_refused_after_the_same_reads(
    token_client, reviewer, mine, django_assert_num_queries
):
    client = token_client(reviewer)
    put(client, mine, 0)
    # token with user and roles, assignment, savepoint, locked assignment, locked response: stale,
    # so rolled back and released
    with django_assert_num_queries(7):
        assert put(client, mine, 0, "late").status_code == 409


def test_reading_the_response_is_one_query_after_the_token_and_its_user(
    token_client, reviewer, mine, django_assert_num_queries
):
    client = token_client(reviewer)
    put(client, mine, 0)
    # token with its user and roles, the assignment with its response, questionnaire, standard,
    # alignment
    with django_assert_num_queries(2):
        assert client.get(url(mine, "response/")).json()["version"] == 1


def test_a_submit_reads_the_assignment_twice_and_writes_its_transition(
    token_client, reviewer, mine, django_assert_num_queries
):
    client = token_client(reviewer)
    put(client, mine, 0)
    # 1 token with its user and roles, 2 the assignment with its questionnaire, 3 savepoint,
    # 4 locked, 5 the response, 6 the transition, 7 the assignment, 8 its history row, 9 release;
    # the answer is the locked read as committed
    with django_assert_num_queries(9):
        submitted = client.post(url(mine, "submit/"))
    assert submitted.status_code == 200 and submitted.json()["state"] == "submitted"
    assert client.get(url(mine)).json() == submitted.json()


def test_the_list_reads_only_the_columns_it_shows(token_client, reviewer, mine):
    client = token_client(reviewer)
    with CaptureQueriesContext(connection) as queries:
        listed = client.get("/api/assignments/?page_size=50")
    assert listed.status_code == 200 and listed.json()["count"] == 4
    # token with its user and roles, count, page
    assert len(queries) == 3
    page = queries[-1]["sql"]
    # not the questionnaire's definition (decoded once a row), the alignment, the user's password
    for column in ('"definition"', "standards_standardalignment", '"password"', '"title_en"'):
        assert column not in page


def test_the_questionnaire_page_queries(client, reviewer, mine, django_assert_num_queries):
    survey_services.response_save_draft(assignment=mine, answers=COMPLETE, based_on=0, by=reviewer)
    client.force_login(reviewer)
    client.get(f"/reviews/assignments/{mine.pk}/")
    # user, roles, the assignment with its response (and standard, alignment, batch,
    # questionnaire), its transitions
    with django_assert_num_queries(4):
        assert client.get(f"/reviews/assignments/{mine.pk}/").status_code == 200


def _align(standard, django_capture_on_commit_callbacks):
    InternationalCorrespondence.objects.create(
        standard=standard, designation="ISO 13482:2014", degree="IDT"
    )
    data = (
        "reference,published_on,status,replaced_by\n"
        "ISO 13482:2014,2014-02-01,withdrawn,ISO 13482:2025\n"
        "ISO 13482:2025,2025-03-01,current,\n"
    )
    report = read_international(data.encode(), filename="d.csv", today=dt.date(2026, 11, 30))
    international_import(records=report.records)
    with django_capture_on_commit_callbacks(execute=True):
        alignments_recompute()


@pytest.mark.parametrize("aligned", [False, True])
def test_the_saved_response_answered_is_the_one_read_afterwards(
    token_client, reviewer, mine, aligned, django_capture_on_commit_callbacks
):
    if aligned:
        _align(mine.standard, django_capture_on_commit_callbacks)
    client = token_client(reviewer)
    answers = [
        {"recommended_action": "revise", "last_checked_on": "令和8年4月1日"},  # stored as ISO
        {**COMPLETE, "market_use": "rarely", "confidence": 2, "certificate_count": 1.5},
        {**COMPLETE, "procurers": [], "procurers_detail": "", "cited_by_regulations": True},
    ]
    for version, given in enumerate(answers):
        saved = client.put(
            url(mine, "response/"), {"answers": given, "version": version}, format="json"
        )
        assert saved.status_code == 200, saved.content
        assert saved.json() == client.get(url(mine, "response/")).json()
        assert saved.json()["version"] == version + 1
    assert ("ISO 13482:2025" in str(saved.json()["computed"])) is aligned


@pytest.mark.postgres  # SQLite has no FOR UPDATE
def test_a_save_locks_the_assignment_and_its_standard_not_the_shared_questionnaire(
    token_client, reviewer, mine
):
    # every assignment shares the questionnaire's row: locking it would queue every save behind
    # every other reviewer's
    with CaptureQueriesContext(connection) as queries:
        assert put(token_client(reviewer), mine, 0).status_code == 200
    locking = [q["sql"] for q in queries if q["sql"].startswith('SELECT "reviews_assignment"')]
    assert [sql.rpartition(" FOR ")[2] for sql in locking[1:]] == [
        'UPDATE OF "reviews_assignment", "standards_standard"'
    ]


def test_one_assignment_is_filtered_only_when_asked(token_client, reviewer, mine, monkeypatch):
    built = []
    monkeypatch.setattr(
        AssignmentApiFilter, "__init__", _counting(AssignmentApiFilter.__init__, built)
    )
    client = token_client(reviewer)
    assert client.get(url(mine)).status_code == 200
    assert client.get(url(mine, "response/")).status_code == 200
    assert built == []
    # with parameters, as before: an assignment the filter leaves out is not found
    assert client.get(url(mine) + "?state=assigned").status_code == 200
    assert client.get(url(mine) + "?state=submitted").status_code == 404
    assert client.get("/api/assignments/").status_code == 200
    assert len(built) == 3


def _counting(init, calls: list):
    def counted(self, *args, **kwargs):
        calls.append(1)
        init(self, *args, **kwargs)

    return counted
