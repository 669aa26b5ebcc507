"""The progress report and the plan summary are kept in the shared cache (reviews.common.figures)
and are never stale: a committed transition, a bulk UPDATE, raw SQL or a plan change is counted by
the very next read. Transactional tests: the cache is used only outside a transaction."""

import time

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from reviews.common import figures
from reviews.models import Assignment, Batch, PlanEntry, Reminder
from reviews.reporting import selectors as reports
from reviews.survey import services as survey_services
from standards import selectors as catalog
from standards import services as catalog_services
from tests.reviews.data import COMPLETE

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.redis]
PROGRESS = "/api/reports/progress/"
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def _shared_cache():
    if not figures.shared():
        pytest.fail("these tests need the shared cache: set CACHE_URL=redis://…")


def year(client, column: str) -> int:
    report = client.get(PROGRESS).json()
    return next(r for r in report["fiscal_year"] if r["fiscal_year"] == 2026)[column]


def counted(client, url: str) -> bool:
    """Whether reading `url` counted the plan again (a query on the plan entries) or was cached."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return any("reviews_planentry" in q["sql"] for q in queries.captured_queries)


def test_progress_is_cached_and_counts_each_transition_at_once(
    token_client, coordinator, reviewer, batches
):
    client = token_client(coordinator)
    assert counted(client, PROGRESS)
    assert not counted(client, PROGRESS)  # the second read is the cached one
    assert (year(client, "assigned"), year(client, "in_progress")) == (8, 0)
    mine = list(batches[0].assignments.order_by("pk"))
    survey_services.response_save_draft(
        assignment=mine[0], answers=COMPLETE, based_on=0, by=reviewer
    )
    assert (year(client, "assigned"), year(client, "in_progress")) == (7, 1)
    survey_services.assignment_submit(assignment=mine[0], by=reviewer)
    assert (year(client, "in_progress"), year(client, "submitted")) == (0, 1)
    survey_services.assignment_accept(assignment=mine[0], by=coordinator)
    assert (year(client, "submitted"), year(client, "accepted")) == (0, 1)


def test_the_burn_down_and_answers_follow_a_submission_and_an_acceptance(
    token_client, coordinator, reviewer, batches
):
    client = token_client(coordinator)

    def today(url, column):
        body = client.get(url).json()
        return next(p for p in body["points"] if p["date"] == body["today"])[column]

    burndown = "/api/reports/burndown/?fiscal_year=2026"
    answers = "/api/reports/answers/?fiscal_year=2026"
    assert (today(burndown, "submitted"), client.get(answers).json()["responses"]) == (0, 0)
    assert not counted_any(client, burndown) and not counted_any(client, answers)
    mine = batches[0].assignments.order_by("pk").first()
    survey_services.response_save_draft(assignment=mine, answers=COMPLETE, based_on=0, by=reviewer)
    survey_services.assignment_submit(assignment=mine, by=reviewer)
    assert today(burndown, "submitted") == 1
    survey_services.assignment_accept(assignment=mine, by=coordinator)
    assert (today(burndown, "accepted"), client.get(answers).json()["responses"]) == (1, 1)


def counted_any(client, url: str) -> bool:
    """Whether reading `url` queried the assignments again (else the figures were cached)."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return any("reviews_assignment" in q["sql"] for q in queries.captured_queries)


def test_bulk_updates_and_raw_sql_retire_the_figures_too(token_client, coordinator, batches):
    client = token_client(coordinator)
    assert year(client, "withdrawn") == 0
    Assignment.objects.filter(pk=batches[0].assignments.first().pk).update(state="withdrawn")
    assert year(client, "withdrawn") == 1
    with connection.cursor() as cursor:
        cursor.execute("UPDATE reviews_assignment SET state = 'withdrawn'")
    assert year(client, "withdrawn") == 8


def test_a_write_rolled_back_is_not_counted_and_one_committed_is(
    token_client, coordinator, batches
):
    client = token_client(coordinator)
    assert year(client, "planned") == 8
    entry = PlanEntry.objects.filter(fiscal_year=2026).first()
    with pytest.raises(RuntimeError), transaction.atomic():
        PlanEntry.objects.filter(pk=entry.pk).update(fiscal_year=2027)
        raise RuntimeError("rolled back")
    assert year(client, "planned") == 8
    with transaction.atomic():
        PlanEntry.objects.filter(pk=entry.pk).update(fiscal_year=2027)
        # inside the transaction its own write counts (the cache is not used there)
        assert year(client, "planned") == 7
    assert year(client, "planned") == 7


def test_each_reader_keeps_their_own_scope(token_client, coordinator, ministry_viewer, batches):
    viewer = token_client(ministry_viewer)
    assert year(viewer, "planned") == 4  # METI's four standards
    assert year(token_client(coordinator), "planned") == 8
    assert year(viewer, "planned") == 4
    # the same question (no ministry named) from two scopes: one cached answer must not serve both
    programme = batches[0].programme

    def planned(user):
        rows = reports.progress(programme=programme, user=user)["fiscal_year"]
        return next(r for r in rows if r["fiscal_year"] == 2026)["planned"]

    assert (planned(ministry_viewer), planned(coordinator), planned(ministry_viewer)) == (4, 8, 4)


def test_the_plan_summary_is_cached_and_follows_the_plan(token_client, coordinator, batches):
    client = token_client(coordinator)
    url = "/api/plan/summary/"

    def planned(fiscal_year):
        body = client.get(url, **ENGLISH).json()
        return next(r for r in body["per_year"] if r["fiscal_year"] == fiscal_year)["planned"]

    assert counted(client, url)
    assert not counted(client, url)
    assert (planned(2026), planned(2027)) == (8, 0)
    PlanEntry.objects.filter(pk=PlanEntry.objects.first().pk).update(fiscal_year=2027)
    assert (planned(2026), planned(2027)) == (7, 1)


def test_a_catalog_import_of_new_standards_is_counted_at_once(token_client, coordinator, batches):
    """Imports write new standards with COPY on the raw cursor, which the wrapper does not see; the
    import's other writes, and its catalog_changed signal, retire the figures."""
    client = token_client(coordinator)
    assert client.get("/api/plan/summary/").json()["not_in_plan"] == 0
    lines = ["number,title_ja,established_on,ministry", "JIS Z 9999,新しい規格,2022-06-01,METI"]
    report = catalog.catalog_read("\n".join(lines).encode(), filename="new.csv")
    catalog_services.standards_import(records=report.records, columns=report.columns, reason="t")
    assert client.get("/api/plan/summary/").json()["not_in_plan"] == 1


def test_writes_are_told_from_reads():
    assert figures._writes_figures('UPDATE "reviews_assignment" SET "state" = %s')
    assert figures._writes_figures("INSERT INTO standards_standard_ministries VALUES (1, 2)")
    assert figures._writes_figures("TRUNCATE reviews_planentry, reviews_batch")
    assert figures._writes_figures('DELETE FROM "reviews_planentry" WHERE "id" IN (1)')
    assert figures._writes_figures("WITH moved AS (UPDATE reviews_batch SET x = 1) SELECT 1")
    # a bulk INSERT's statement is read from its head, not searched through its megabytes
    assert not figures._writes_figures(
        'INSERT INTO "reviews_reminder" (a) SELECT id FROM reviews_assignment'
    )
    assert not figures._writes_figures('SELECT * FROM "reviews_assignment"')
    assert figures._writes_figures('UPDATE "reviews_response" SET "version" = 2')
    assert not figures._writes_figures('UPDATE "reviews_reminder" SET "status" = %s')
    assert not figures._writes_figures('INSERT INTO "reviews_assignmentnote" VALUES (1)')


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/standards/?page_size=50&division=C&q=JIS&ordering=-review_due_on",
        "/api/priorities/?page_size=50",
        PROGRESS,
        "/api/plan/summary/",
    ],
)
def test_the_four_pages_of_issue_18_count_in_five_queries_at_most(
    token_client, coordinator, ministry_viewer, batches, url, django_assert_max_num_queries
):
    """Counted, not cached (inside the test's transaction): token and user, roles, and three. The
    first request fills the reference tables' own caches (ministry names), as in production."""
    token_client(coordinator).get(url)
    for user in (coordinator, ministry_viewer):
        client = token_client(user)
        with django_assert_max_num_queries(5):
            assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_a_cache_of_each_process_alone_is_never_used(settings):
    """Several gunicorn processes cannot share an invalidation through local memory."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert not figures.shared()
    assert figures.cached("test", (), lambda: 1) == 1
    assert figures.cached("test", (), lambda: 2) == 2


def test_a_draft_retires_the_survey_counts_but_not_the_plans_or_a_list_of_standards(
    token_client, coordinator, reviewer, batches
):
    """Each table has its own generation: a reviewer's draft writes assignments, transitions and
    responses, so the progress report counts again (and shows it), while the plan's counts and the
    priority list's total, read from tables the draft did not write, stay cached."""
    client = token_client(coordinator)

    def reads(url) -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return [q["sql"] for q in queries.captured_queries]

    def grouped_plan(sql) -> bool:
        return any(s.startswith('SELECT "reviews_planentry"."fiscal_year"') for s in sql)

    def listed_total(sql) -> bool:
        return any(s.startswith("SELECT COUNT(*)") for s in sql)

    assert grouped_plan(reads(PROGRESS)) and listed_total(reads("/api/priorities/?priority="))
    assert not listed_total(reads("/api/priorities/?priority="))
    mine = batches[0].assignments.order_by("pk").first()
    survey_services.response_save_draft(assignment=mine, answers=COMPLETE, based_on=0, by=reviewer)
    after = reads(PROGRESS)
    assert any("reviews_assignment" in s for s in after)  # the states are counted again
    assert not grouped_plan(after)  # the plan's counts are not
    assert year(client, "in_progress") == 1
    assert not listed_total(reads("/api/priorities/?priority="))
    PlanEntry.objects.filter(pk=PlanEntry.objects.first().pk).update(fiscal_year=2027)
    assert grouped_plan(reads(PROGRESS))
    assert year(client, "planned") == 7


def test_a_generation_lost_from_the_cache_never_brings_back_an_older_figure():
    tables = ("reviews_batch",)
    cache.delete(figures._generation_key("reviews_batch"))
    assert figures.cached("lost", (), lambda: 1, tables) == 1
    assert figures.cached("lost", (), lambda: 2, tables) == 1
    cache.delete(figures._generation_key("reviews_batch"))  # evicted, or Redis emptied
    assert figures.cached("lost", (), lambda: 3, tables) == 3


def test_rows_of_a_table_whose_writes_are_not_watched_are_read_every_time():
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert figures.rows(Reminder.objects.values_list("pk")) == []
        assert any("reviews_reminder" in q["sql"] for q in queries.captured_queries)


def test_a_bump_moves_each_generation_once_and_starts_a_missing_one_at_the_clock():
    key = figures._generation_key("reviews_batch")
    cache.delete(key)
    before = time.time_ns() // 1000
    figures.generation_bump(["reviews_batch", "reviews_batch", "reviews_planentry"])
    started = cache.get(key)
    assert started > before
    figures.generation_bump(["reviews_batch"])
    assert cache.get(key) == started + 1


def test_a_later_draft_leaves_the_progress_report_cached_and_the_burn_down_follows(
    token_client, coordinator, reviewer, batches
):
    """A figure is kept under the tables its queries read. A draft after the first changes no
    assignment (only its answers and the transition recorded): the progress report, counted from
    the assignments, stays cached; the burn-down, which reads the transitions, counts again."""
    client = token_client(coordinator)
    burndown = "/api/reports/burndown/?fiscal_year=2026"
    mine = batches[0].assignments.order_by("pk").first()
    survey_services.response_save_draft(assignment=mine, answers=COMPLETE, based_on=0, by=reviewer)
    assert year(client, "in_progress") == 1
    assert counted_any(client, burndown)
    assert not counted_any(client, PROGRESS) and not counted_any(client, burndown)
    survey_services.response_save_draft(assignment=mine, answers=COMPLETE, based_on=1, by=reviewer)
    assert not counted_any(client, PROGRESS)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(burndown).status_code == 200
    recounted = [q["sql"] for q in queries.captured_queries]
    assert any('FROM "reviews_transition"' in sql for sql in recounted)
    assert not any('"due_on"' in sql for sql in recounted)  # the last due date is kept
    Assignment.objects.filter(pk=mine.pk).update(due_on="2027-01-29")  # and follows the batches
    assert client.get(burndown).json()["due"] == "2027-01-29"
    assert year(client, "in_progress") == 1
    survey_services.assignment_submit(assignment=mine, by=reviewer)
    assert (year(client, "in_progress"), year(client, "submitted")) == (0, 1)


def test_a_change_of_remit_reaches_a_viewers_figures_at_once(
    token_client, ministry_viewer, batches
):
    viewer = token_client(ministry_viewer)
    assert year(viewer, "planned") == 4  # METI's four standards
    assert year(viewer, "planned") == 4  # cached
    mlit = batches[1].assignments.order_by("pk").first().standard
    mlit.ministries.add("METI")  # METI becomes a competent minister of one of MLIT's standards
    assert year(viewer, "planned") == 5
    assert year(viewer, "assigned") == 5


def test_a_figure_that_reads_an_unwatched_table_is_counted_every_time():
    def reminders():
        return list(Reminder.objects.values_list("pk", flat=True))

    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert figures.cached("reminders", (), reminders) == []
        assert any("reviews_reminder" in q["sql"] for q in queries.captured_queries)


def test_a_figure_is_kept_under_the_tables_of_the_parts_it_took_from_the_cache(batches):
    """A figure computed again may take a part of itself from the cache (figures.rows): that part's
    tables are still among those it is kept under, though no query read them this time."""
    batch = batches[0]

    def figure():
        names = figures.rows(Batch.objects.filter(pk=batch.pk).values_list("name", flat=True))
        return names, Assignment.objects.filter(state="withdrawn").count()

    assert figures.cached("nested", (), figure) == ([batch.name], 0)
    Assignment.objects.filter(pk=batch.assignments.first().pk).update(state="withdrawn")
    assert figures.cached("nested", (), figure) == ([batch.name], 1)  # its name from the cache
    Batch.objects.filter(pk=batch.pk).update(name="renamed")
    assert figures.cached("nested", (), figure) == (["renamed"], 1)
