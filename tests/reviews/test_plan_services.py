"""Planning the real catalog: the command, re-planning after catalog changes, manual moves, locks."""

import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from reviews.models import PlanEntry, PlanReason, Programme
from reviews.plan import services as plan_services
from standards.dates import fiscal_year_label
from standards.models import Standard
from tests.standards.factories import StandardFactory

pytestmark = pytest.mark.django_db
BEFORE_START = dt.date(2026, 3, 1)  # FY2025: no year of the programme has started
IN_FY2026 = dt.date(2026, 11, 28)


def catalog(n=40):
    """n standards spread over due years 2020–2031, two ministries, one fast-track."""
    for i in range(n):
        StandardFactory(
            number=f"JIS B {1000 + i}",
            established_on=dt.date(2015 + i % 12, 6, 1),
            ministries=["METI"] if i % 3 else ["MLIT"],
            fast_track=i == 0,
        )


def plan(today=BEFORE_START, capacity=10, **kwargs):
    programme = plan_services.programme_get_or_create(start_fy=2026, years=5, capacity=capacity)
    return programme, plan_services.programme_plan(programme=programme, today=today, **kwargs)


def test_every_active_standard_planned_once_within_capacity():
    catalog()
    StandardFactory(number="JIS Z 9999", status="withdrawn")
    programme, outcome = plan()
    entries = PlanEntry.objects.filter(programme=programme)
    assert entries.count() == 40 and outcome.created == 40
    assert not entries.filter(standard__status="withdrawn").exists()
    for _year, total in outcome.plan.totals().items():
        assert total <= programme.capacity_limit
    fast = entries.get(standard__fast_track=True)
    assert (fast.fiscal_year, fast.reason) == (2026, PlanReason.FAST_TRACK)
    assert entries.first().history.count() == 1


def test_replan_unchanged_moves_nothing_and_locks_started_year():
    catalog()
    _programme, _ = plan()
    before = dict(PlanEntry.objects.values_list("standard__number", "fiscal_year"))
    _, outcome = plan(today=IN_FY2026)
    assert (outcome.created, outcome.moved, outcome.removed) == (0, [], [])
    assert dict(PlanEntry.objects.values_list("standard__number", "fiscal_year")) == before


def test_replan_after_catalog_changes():
    catalog()
    _programme, _ = plan(today=IN_FY2026, capacity=20)
    fy2026 = set(PlanEntry.objects.filter(fiscal_year=2026).values_list("standard_id", flat=True))
    withdrawn = PlanEntry.objects.filter(fiscal_year=2029).first().standard
    withdrawn.status = "withdrawn"
    withdrawn.save()
    StandardFactory(number="JIS B 9999", established_on=dt.date(2024, 1, 1))  # due FY2028
    redated = (
        PlanEntry.objects.filter(fiscal_year=2030, standard__fast_track=False).first().standard
    )
    redated.established_on, redated.revised_on = dt.date(2015, 6, 1), dt.date(2023, 6, 1)
    redated.save()
    _, outcome = plan(today=IN_FY2026, capacity=20)
    assert outcome.removed == [withdrawn.number]
    assert outcome.created == 1
    assert 2027 <= PlanEntry.objects.get(standard__number="JIS B 9999").fiscal_year <= 2028
    assert (
        set(PlanEntry.objects.filter(fiscal_year=2026).values_list("standard_id", flat=True))
        == fy2026
    )
    moved = {number for number, *_ in outcome.moved}
    assert redated.number in moved
    assert PlanEntry.objects.get(standard=redated).fiscal_year <= 2028


def test_manual_move_is_pinned_and_kept_in_history(coordinator):
    catalog()
    _programme, _ = plan()
    entry = PlanEntry.objects.filter(fiscal_year=2028, standard__fast_track=False).first()
    plan_services.plan_entry_move(
        entry=entry,
        fiscal_year_to=2030,
        note="drafting body asked",
        by=coordinator,
        today=BEFORE_START,
    )
    entry.refresh_from_db()
    assert (entry.fiscal_year, entry.reason, entry.locked) == (2030, PlanReason.MANUAL, True)
    latest = entry.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (
        coordinator,
        "drafting body asked",
    )
    _, _outcome = plan()
    entry.refresh_from_db()
    assert entry.fiscal_year == 2030


@pytest.mark.parametrize(
    ("today", "year", "note", "fast", "message"),
    [
        (IN_FY2026, 2030, "", False, "Give the reason"),
        (IN_FY2026, 2031, "x", False, "not a year of this programme"),
        (IN_FY2026, 2026, "x", False, "locked"),
        (BEFORE_START, 2028, "x", True, "fast-track"),
    ],
)
def test_manual_move_refusals(coordinator, today, year, note, fast, message):
    catalog()
    _programme, _ = plan(today=today)
    entry = PlanEntry.objects.filter(standard__fast_track=fast).exclude(
        fiscal_year=2026
    ).first() or PlanEntry.objects.get(standard__fast_track=True)
    with pytest.raises(ValidationError, match=message):
        plan_services.plan_entry_move(
            entry=entry, fiscal_year_to=year, note=note, by=coordinator, today=today
        )


def test_a_manual_move_into_a_full_year_is_refused(coordinator):
    catalog()
    programme, _ = plan()
    limit = programme.capacity_limit
    movable = PlanEntry.objects.filter(standard__fast_track=False).exclude(fiscal_year=2029)
    # fill FY2029 to one below its limit, by hand
    target = PlanEntry.objects.filter(fiscal_year=2029)
    PlanEntry.objects.filter(
        pk__in=list(movable.values_list("pk", flat=True)[: limit - 1 - target.count()])
    ).update(fiscal_year=2029)
    assert target.count() == limit - 1
    first, second = movable[:2]  # still outside FY2029
    plan_services.plan_entry_move(
        entry=first, fiscal_year_to=2029, note="last place", by=coordinator, today=BEFORE_START
    )
    assert target.count() == limit
    with pytest.raises(ValidationError) as caught:
        plan_services.plan_entry_move(
            entry=second,
            fiscal_year_to=2029,
            note="one too many",
            by=coordinator,
            today=BEFORE_START,
        )
    assert caught.value.message_dict == {
        "fiscal_year": [f"{fiscal_year_label(2029)} is full: {limit} of {limit}."]
    }
    assert PlanEntry.objects.get(pk=second.pk).fiscal_year != 2029 and target.count() == limit


def test_locked_year_is_untouched_by_replanning(coordinator):
    catalog()
    programme, _ = plan()
    plan_services.plan_year_lock(programme=programme, year=2027, by=coordinator)
    fy2027 = set(PlanEntry.objects.filter(fiscal_year=2027).values_list("standard_id", flat=True))
    Standard.objects.filter(id__in=list(fy2027)[:2]).update(revised_on=dt.date(2025, 1, 1))
    StandardFactory(number="JIS B 8888", established_on=dt.date(2022, 6, 1))  # due FY2027
    plan()
    assert (
        set(PlanEntry.objects.filter(fiscal_year=2027).values_list("standard_id", flat=True))
        == fy2027
    )


def test_locks_and_unlocks_are_kept_in_the_history_with_who(coordinator, ministry_viewer):
    """Called from anywhere (a shell, a task), not only a page: the history names who did it."""
    catalog()
    programme, _ = plan()
    plan_services.plan_year_lock(programme=programme, year=2029, by=coordinator)
    plan_services.plan_year_lock(programme=programme, year=2029, by=ministry_viewer)  # no change
    plan_services.plan_year_unlock(
        programme=programme, year=2029, by=coordinator, today=BEFORE_START
    )
    plan_services.plan_year_unlock(
        programme=programme, year=2029, by=coordinator, today=BEFORE_START
    )
    year = programme.plan_years.get(fiscal_year=2029)
    assert [
        (h.history_user, h.history_change_reason, h.locked_at is None)
        for h in year.history.filter(history_type="~").order_by("history_date")
    ] == [(coordinator, "locked", False), (coordinator, "unlocked", True)]


def test_command_writes_csv_and_reports(tmp_path):
    catalog()
    out = io.StringIO()
    target = tmp_path / "plan.csv"
    call_command(
        "plan_review",
        "--start-fy",
        "2026",
        "--years",
        "5",
        "--capacity",
        "10",
        "--output",
        str(target),
        stdout=out,
    )
    with target.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 40 and set(rows[0]) == {"number", "fiscal_year", "reason"}
    assert {r["number"] for r in rows} == set(Standard.objects.values_list("number", flat=True))
    assert "40 new" in out.getvalue()


def test_command_dry_run_writes_nothing():
    catalog()
    call_command(
        "plan_review", "--start-fy", "2026", "--capacity", "10", "--dry-run", stdout=io.StringIO()
    )
    assert not PlanEntry.objects.exists()
    assert not Programme.objects.exists()  # not even the programme
    programme, _ = plan(capacity=10)
    before = list(PlanEntry.objects.values_list("standard_id", "fiscal_year", "updated_at"))
    call_command(
        "plan_review", "--start-fy", "2026", "--capacity", "30", "--dry-run", stdout=io.StringIO()
    )
    programme.refresh_from_db()
    assert programme.yearly_capacity == 10  # nor the capacity it was asked about
    assert list(PlanEntry.objects.values_list("standard_id", "fiscal_year", "updated_at")) == before


def test_command_dry_run_reports_the_backlog_and_the_least_capacity_on_time():
    """Twelve overdue standards (four without a competent ministry) and four due in FY2030, at
    four a year: eight overdue ones wait, by one and two years; all twelve in FY2026 needs twelve
    a year (with 5 %, a capacity of 12 gives 12)."""
    for i in range(12):
        StandardFactory(number=f"JIS B {2000 + i}", established_on=dt.date(2015, 6, 1))
    Standard.ministries.through.objects.filter(
        standard__number__in=[f"JIS B {2000 + i}" for i in range(4)]
    ).delete()
    for i in range(4):
        StandardFactory(number=f"JIS B {3000 + i}", established_on=dt.date(2025, 6, 1))
    out = io.StringIO()
    call_command("plan_review", "--start-fy", "2026", "--capacity", "4", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "12 due by FY2026, overdue included (3.0 × the yearly capacity)" in text
    table = {
        line.split()[0]: [int(n) for n in line.split()[1:]]
        for line in text.splitlines()
        if line.startswith("FY") and ":" not in line
    }  # planned, due, late
    assert [table[f"FY{year}"] for year in (2026, 2027, 2028)] == [[4, 12, 0], [4, 0, 4], [4, 0, 4]]
    assert "Surveyed after their due year: 8 (4 by 1, 4 by 2 years)" in text
    assert "(no competent ministry): " in text
    assert "Smallest yearly capacity on time: 12 (at most 12 a year with the 5 % tolerance" in text
    assert not Programme.objects.exists()


def test_command_rejects_infeasible_capacity_with_numbers():
    catalog()
    with pytest.raises(
        CommandError, match="40 standards to place but only 25 places: capacity 5 × 5"
    ):
        call_command(
            "plan_review",
            "--start-fy",
            "2026",
            "--capacity",
            "5",
            "--dry-run",
            stdout=io.StringIO(),
        )
