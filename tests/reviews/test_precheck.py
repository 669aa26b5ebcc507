"""The pre-check of each organisation's list, as services: answering, confirming all, resolving a
"not ours" by re-routing or keeping, and the year's batches following the resolved routing."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from reviews.models import Batch, PrecheckAnswer, Reroute, RoutingRule
from reviews.precheck import selectors, services
from reviews.precheck.models import Resolution, Verdict
from reviews.survey import selectors as survey_selectors
from reviews.survey import services as survey_services
from tests.reviews import precheck_world
from tests.reviews.precheck_world import BODY_A, BODY_B, JULY

pytestmark = pytest.mark.django_db
A = (RoutingRule.Kind.DRAFTING_BODY, BODY_A)
B = (RoutingRule.Kind.DRAFTING_BODY, BODY_B)
METI = (RoutingRule.Kind.MINISTRY, "METI")


@pytest.fixture(autouse=True)
def _july():
    with time_machine.travel(JULY, tick=False):
        yield


@pytest.fixture
def world(django_user_model, reviewer, other_reviewer):
    return precheck_world.build(django_user_model, reviewer=reviewer, other_reviewer=other_reviewer)


def answer(world, standard, verdict, by, organisation=A, **extra):
    return services.precheck_answer(
        programme=world.programme,
        fiscal_year=2026,
        organisation=organisation,
        standard=standard,
        verdict=verdict,
        by=by,
        **extra,
    )


def numbers(routing, organisation):
    return [routing.numbers[pk] for pk in routing.lists.get(organisation, [])]


def cut(world, coordinator):
    """The year's batches as the coordinator makes them, routed (no reviewer named)."""
    return survey_services.batches_create(
        programme=world.programme,
        fiscal_year=2026,
        due_on=dt.date(2026, 10, 9),
        max_size=50,
        by=coordinator,
    )


def test_each_organisation_gets_the_standards_routed_to_it(world):
    routing = selectors.year_routing(world.programme, 2026)
    assert numbers(routing, A) == [s.number for s in world.a]
    assert numbers(routing, B) == [s.number for s in world.b]
    # METI's pool is the fallback: the bodies' own pools are more specific
    assert METI not in routing.lists
    assert routing.unrouted == []


def test_confirm_a_row_then_change_ones_mind(world, reviewer):
    first = answer(world, world.a[0], Verdict.CONFIRMED, reviewer)
    assert (first.verdict, first.answered_by) == (Verdict.CONFIRMED, reviewer)
    again = answer(world, world.a[0], Verdict.NOT_OURS, reviewer, right_body=world.body_c)
    assert again.pk == first.pk
    assert (again.verdict, again.right_body) == (Verdict.NOT_OURS, world.body_c)
    assert again.history.count() == 2  # who said what, and when, is kept


def test_not_ours_needs_the_right_body_or_a_comment(world, reviewer):
    with pytest.raises(ValidationError) as refused:
        answer(world, world.a[0], Verdict.NOT_OURS, reviewer, comment="  ")
    assert "comment" in refused.value.message_dict
    assert not PrecheckAnswer.objects.exists()
    mark = answer(world, world.a[0], Verdict.NOT_OURS, reviewer, comment="電機工業会の所管です")
    assert mark.is_open_mark


def test_a_standard_of_another_list_cannot_be_answered(world, reviewer):
    with pytest.raises(ValidationError, match="is not on the list of"):
        answer(world, world.b[0], Verdict.CONFIRMED, reviewer, organisation=A)
    assert not PrecheckAnswer.objects.exists()


def test_confirm_all_confirms_what_is_unanswered_and_leaves_a_not_ours(world, reviewer):
    answer(world, world.a[1], Verdict.NOT_OURS, reviewer, comment="not ours")
    count = services.precheck_confirm_all(
        programme=world.programme, fiscal_year=2026, organisation=A, by=reviewer
    )
    assert count == len(world.a) - 1
    verdicts = dict(
        PrecheckAnswer.objects.filter(route_value=BODY_A).values_list("standard__number", "verdict")
    )
    assert verdicts == {
        s.number: Verdict.NOT_OURS if s == world.a[1] else Verdict.CONFIRMED for s in world.a
    }
    assert not PrecheckAnswer.objects.filter(route_value=BODY_B).exists()
    assert (
        services.precheck_confirm_all(
            programme=world.programme, fiscal_year=2026, organisation=A, by=reviewer
        )
        == 0
    )


def test_progress_counts_who_has_not_confirmed(world, reviewer):
    answer(world, world.a[0], Verdict.NOT_OURS, reviewer, comment="not ours")
    routing = selectors.year_routing(world.programme, 2026)
    rows = {p.organisation: p for p in selectors.progress(world.programme, 2026, routing)}
    assert (rows[A].total, rows[A].answered, rows[A].pending, rows[A].not_ours) == (4, 1, 3, 1)
    assert (rows[B].total, rows[B].pending) == (2, 2)
    services.precheck_confirm_all(
        programme=world.programme, fiscal_year=2026, organisation=A, by=reviewer
    )
    rows = {p.organisation: p for p in selectors.progress(world.programme, 2026, routing)}
    assert rows[A].pending == 0
    assert [p.organisation for p in rows.values() if p.pending] == [B]


def test_rerouting_a_mark_moves_the_standard_and_the_years_batch_follows(
    world, reviewer, other_reviewer, coordinator
):
    """Given body A says a standard is body B's, when a coordinator re-routes it to B, then B's
    list holds it, A's no longer does, the history says who moved it from where to where, and the
    year's batch for it goes to B's reviewer."""
    moved = world.a[2]
    mark = answer(world, moved, Verdict.NOT_OURS, reviewer, comment="B の所管")

    reroute = services.mark_resolve(answer=mark, to=B, note="確認済み", by=coordinator)

    assert (reroute.from_kind, reroute.from_value, reroute.to_kind, reroute.to_value) == (*A, *B)
    assert (reroute.by, reroute.standard, reroute.note) == (coordinator, moved, "確認済み")
    mark.refresh_from_db()
    assert (mark.resolution, mark.resolved_by) == (Resolution.REROUTED, coordinator)
    routing = selectors.year_routing(world.programme, 2026)
    assert moved.number in numbers(routing, B)
    assert moved.number not in numbers(routing, A)
    batches = cut(world, coordinator)
    [batch_b] = [b for b in batches if b.reviewer == other_reviewer]
    assert moved.pk in set(batch_b.assignments.values_list("standard_id", flat=True))
    assert not Batch.objects.filter(assignments__standard=moved).exclude(pk=batch_b.pk).exists()


def test_the_preview_shows_the_rerouted_standard_under_its_new_pool(
    world, reviewer, other_reviewer, coordinator
):
    mark = answer(world, world.a[0], Verdict.NOT_OURS, reviewer, comment="B")
    services.mark_resolve(answer=mark, to=B, by=coordinator)
    plan = survey_selectors.batch_plan(
        programme=world.programme, fiscal_year=2026, due_on=dt.date(2026, 10, 9), max_size=50
    )
    by_reviewer = {b.reviewer.username: [s.number for s in b.standards] for b in plan.batches}
    assert world.a[0].number in by_reviewer[other_reviewer.username]
    assert world.a[0].number not in by_reviewer.get(reviewer.username, []) + by_reviewer.get(
        "rev3", []
    )


def test_keeping_a_mark_leaves_the_routing_as_it_was(world, reviewer, coordinator):
    mark = answer(world, world.a[0], Verdict.NOT_OURS, reviewer, comment="?")
    assert services.mark_resolve(answer=mark, to=None, note="A のままです", by=coordinator) is None
    mark.refresh_from_db()
    assert (mark.resolution, mark.resolution_note) == (Resolution.KEPT, "A のままです")
    assert not Reroute.objects.exists()
    assert world.a[0].number in numbers(selectors.year_routing(world.programme, 2026), A)
    with pytest.raises(ValidationError, match="already resolved"):
        answer(world, world.a[0], Verdict.CONFIRMED, reviewer)


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (A, "Choose another organisation"),
        ((RoutingRule.Kind.DRAFTING_BODY, precheck_world.BODY_C), "Nobody can answer for"),
    ],
)
def test_a_reroute_to_nowhere_useful_is_refused(world, reviewer, coordinator, target, message):
    mark = answer(world, world.a[0], Verdict.NOT_OURS, reviewer, comment="?")
    RoutingRule.objects.create(kind=RoutingRule.Kind.DRAFTING_BODY, value=precheck_world.BODY_C)
    with pytest.raises(ValidationError, match=message):
        services.mark_resolve(answer=mark, to=target, by=coordinator)
    mark.refresh_from_db()
    assert mark.resolution == ""
    assert not Reroute.objects.exists()


def test_a_standard_already_in_a_batch_is_not_rerouted(world, reviewer, coordinator):
    mark = answer(world, world.a[0], Verdict.NOT_OURS, reviewer, comment="?")
    cut(world, coordinator)
    with pytest.raises(ValidationError, match="already in a batch"):
        services.mark_resolve(answer=mark, to=B, by=coordinator)
    assert not Reroute.objects.exists()


def test_a_mark_is_resolved_once(world, reviewer, coordinator):
    mark = answer(world, world.a[0], Verdict.NOT_OURS, reviewer, comment="?")
    services.mark_resolve(answer=mark, to=B, by=coordinator)
    with pytest.raises(ValidationError, match="already been resolved"):
        services.mark_resolve(answer=mark, to=METI, by=coordinator)
    assert Reroute.objects.count() == 1


def test_the_new_organisation_answers_for_a_rerouted_standard_and_can_send_it_on(
    world, reviewer, other_reviewer, coordinator
):
    """B receives it, says it is not theirs either, and a second re-route sends it to METI's pool:
    the latest re-route is where the batch goes; the standard's history holds both."""
    moved = world.a[0]
    services.mark_resolve(
        answer=answer(world, moved, Verdict.NOT_OURS, reviewer, comment="B"), to=B, by=coordinator
    )
    second = answer(world, moved, Verdict.NOT_OURS, other_reviewer, organisation=B, comment="METI")
    services.mark_resolve(answer=second, to=METI, by=coordinator)
    assert numbers(selectors.year_routing(world.programme, 2026), METI) == [moved.number]
    assert list(Reroute.objects.filter(standard=moved).values_list("from_value", "to_value")) == [
        (BODY_A, BODY_B),
        (BODY_B, "METI"),
    ]


def test_a_pool_left_without_active_reviewers_leaves_the_standard_unrouted(
    world, reviewer, other_reviewer, coordinator
):
    """A re-routed standard never falls back to the body that said it is not theirs."""
    mark = answer(world, world.a[0], Verdict.NOT_OURS, reviewer, comment="B")
    services.mark_resolve(answer=mark, to=B, by=coordinator)
    other_reviewer.is_active = False
    other_reviewer.save()
    routing = selectors.year_routing(world.programme, 2026)
    assert world.a[0].pk in routing.unrouted
    with pytest.raises(ValidationError, match="No routing rule covers"):
        cut(world, coordinator)


def _in_thread(target, errors: list, name: str | None = None):
    """Run `target` on its own database connection; what it raises lands in `errors`."""
    import threading

    from django.db import connection

    done = threading.Event()

    def run():
        try:
            target()
        except Exception as error:  # the test asserts on it
            errors.append(error)
        finally:
            connection.close()
            done.set()

    threading.Thread(target=run, name=name).start()
    return done


def _holding_the_lock(first, errors: list):
    """`first` runs in a transaction on another connection that stays open (its writes and row
    locks held) until the returned event is set."""
    import threading

    from django.db import transaction

    ready, release = threading.Event(), threading.Event()

    def hold():
        with transaction.atomic():
            first()
            ready.set()
            release.wait(timeout=30)

    finished = _in_thread(hold, errors)
    assert ready.wait(timeout=30)
    return release, finished


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_colleagues_answering_the_same_row_at_once_make_one_answer(world, reviewer):
    """The first answer of a row is an insert: the second colleague waits on the programme's
    lock for the first to commit, then changes that answer instead of inserting a second (which
    the unique constraint would refuse with an error page)."""
    errors: list = []
    colleague = world.colleague
    release, first_done = _holding_the_lock(
        lambda: answer(world, world.a[0], Verdict.CONFIRMED, reviewer), errors
    )
    second_done = _in_thread(
        lambda: answer(world, world.a[0], Verdict.NOT_OURS, colleague, comment="B's"), errors
    )
    try:
        assert not second_done.wait(timeout=1.0)  # waiting for the first
    finally:
        release.set()
    assert first_done.wait(timeout=30) and second_done.wait(timeout=30)
    assert errors == []
    row = PrecheckAnswer.objects.get(standard=world.a[0])
    assert (row.verdict, row.answered_by) == (Verdict.NOT_OURS, colleague)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_change_of_mind_while_the_mark_is_resolved_waits_and_is_refused(
    world, reviewer, coordinator, monkeypatch
):
    """The organisation takes back its "not ours" just as a coordinator re-routes it. Both take
    the programme's lock first, then the mark: the change of mind waits, then is refused as
    resolved. (Were the mark locked first, the re-route's insert would wait for the programme row
    the answer holds while the answer waits for the mark: a deadlock, an error page.)"""
    import threading

    errors: list = []
    mark = answer(world, world.a[0], Verdict.NOT_OURS, reviewer, comment="B's")
    paused, go_on = threading.Event(), threading.Event()
    routes = selectors.routes

    def slow_routes():  # the coordinator's thread stops between locking and re-routing
        if threading.current_thread().name == "resolve":
            paused.set()
            go_on.wait(timeout=30)
        return routes()

    monkeypatch.setattr(selectors, "routes", slow_routes)
    resolving = _in_thread(
        lambda: services.mark_resolve(answer=mark, to=B, by=coordinator), errors, name="resolve"
    )
    assert paused.wait(timeout=30)
    changing = _in_thread(lambda: answer(world, world.a[0], Verdict.CONFIRMED, reviewer), errors)
    try:
        assert not changing.wait(timeout=1.5)  # behind the coordinator
    finally:
        go_on.set()
    assert resolving.wait(timeout=30) and changing.wait(timeout=30)
    assert [type(e) for e in errors] == [ValidationError]  # refused: a coordinator resolved it
    mark.refresh_from_db()
    assert (mark.verdict, mark.resolution) == (Verdict.NOT_OURS, Resolution.REROUTED)
    assert Reroute.objects.get().to_value == BODY_B
