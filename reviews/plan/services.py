"""Writes of the plan: planning and re-planning a programme (at once, or as a run on the worker
that the screen follows), moving a standard by hand, locking and unlocking a year. Each function is
one transaction and records history, except the worker's run, whose progress commits step by step."""

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from reviews.plan import planning, selectors
from reviews.plan.models import (
    PlanEntry,
    PlanReason,
    PlanRun,
    PlanYear,
    Programme,
    default_programme_name,
)
from standards import bulk, history
from standards.dates import fiscal_year_label


@dataclass
class PlanOutcome:
    plan: planning.Plan
    problem: planning.Problem | None = None  # what was solved: the backlog is measured against it
    created: int = 0
    moved: list[tuple[str, int, int, str]] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0


def programme_get_or_create(*, start_fy: int, years: int = 5, capacity: int = 2200) -> Programme:
    programme, created = Programme.objects.get_or_create(
        start_fy=start_fy,
        defaults={
            "name": default_programme_name(start_fy, years),
            "years": years,
            "yearly_capacity": capacity,
        },
    )
    if not created and (programme.years, programme.yearly_capacity) != (years, capacity):
        programme.years, programme.yearly_capacity = years, capacity
        programme.save(update_fields=["years", "yearly_capacity"])
    PlanYear.objects.bulk_create(
        [PlanYear(programme=programme, fiscal_year=y) for y in programme.fiscal_years],
        ignore_conflicts=True,
    )
    return programme


def programme_plan(
    *,
    programme: Programme,
    today,
    by=None,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> PlanOutcome:
    """Plan (or re-plan) every standard the review plans; locked years and pinned entries stay put.
    `progress`, if given, hears each step (PlanRun.Step) as it begins."""
    report = progress or (lambda step: None)
    report(PlanRun.Step.READING)
    locked = selectors.locked_years(programme, today)
    items, ids = selectors.planning_items(programme, locked)
    problem = planning.Problem(
        programme.start_fy, programme.years, programme.capacity_limit, items, locked
    )
    report(PlanRun.Step.SOLVING)
    plan = planning.solve(problem)
    outcome = PlanOutcome(plan=plan, problem=problem, moved=plan.moved)
    if dry_run:
        outcome.created = sum(1 for item in items if item.current_year is None)
        return outcome
    report(PlanRun.Step.WRITING)
    with transaction.atomic():
        _write_plan(programme, plan, items, ids, outcome, by=by)
        programme.planned_at = timezone.now()
        programme.objective = plan.objective
        programme.save(update_fields=["planned_at", "objective"])
    return outcome


def _write_plan(programme, plan, items, ids, outcome: PlanOutcome, *, by) -> None:
    now, user_id = timezone.now(), getattr(by, "pk", None)
    leads = {item.key: item.ministry or None for item in items}
    placements = plan.by_key()
    stale = programme.entries.exclude(standard_id__in=ids.values())
    outcome.removed = sorted(stale.values_list("standard__number", flat=True))
    for entry in stale:  # withdrawn standards: one by one, so each deletion enters the history
        entry._change_reason = "re-plan: standard withdrawn"
        entry.delete()
    existing = {e.standard_id: e for e in programme.entries.all()}
    new_rows, changed = [], []
    for item in items:
        placement, entry = placements[item.key], existing.get(ids[item.key])
        if entry is None:
            new_rows.append(_entry_row(programme, ids[item.key], placement, leads[item.key], now))
        elif item.fixed:
            outcome.unchanged += 1
        elif (entry.fiscal_year, entry.reason, entry.ministry_id) != (
            placement.year,
            placement.reason,
            leads[item.key],
        ):
            entry.fiscal_year, entry.reason, entry.ministry_id = (
                placement.year,
                placement.reason,
                leads[item.key],
            )
            entry.updated_at = now
            changed.append(entry)
        else:
            outcome.unchanged += 1
    created_ids = bulk.insert(PlanEntry, new_rows)
    PlanEntry.objects.bulk_update(
        changed, ["fiscal_year", "reason", "ministry", "updated_at"], batch_size=bulk.BATCH_SIZE
    )
    for row_ids, kind in ((created_ids, "+"), ([e.pk for e in changed], "~")):
        history.record_rows(
            PlanEntry, row_ids, history_type=kind, date=now, user_id=user_id, reason="plan"
        )
    outcome.created = len(created_ids)


def _entry_row(programme, standard_id: int, placement: planning.Placement, ministry, now) -> dict:
    return {
        "programme_id": programme.pk,
        "standard_id": standard_id,
        "fiscal_year": placement.year,
        "reason": placement.reason,
        "locked": False,
        "ministry_id": ministry,
        "note": "",
        "updated_at": now,
    }


@transaction.atomic
def plan_entry_move(*, entry: PlanEntry, fiscal_year_to: int, note: str, by, today) -> PlanEntry:
    """Move one standard to another year by hand; the entry is then pinned there."""
    programme = entry.programme
    locked = selectors.locked_years(programme, today)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Give the reason for moving this standard.")})
    if fiscal_year_to not in programme.fiscal_years:
        raise ValidationError(
            {
                "fiscal_year": _("%(year)s is not a year of this programme.")
                % {"year": fiscal_year_to}
            }
        )
    for year in {entry.fiscal_year, fiscal_year_to}:
        if year in locked:
            raise ValidationError(
                {"fiscal_year": _("%(year)s is locked.") % {"year": fiscal_year_label(year)}}
            )
    if entry.standard.fast_track and fiscal_year_to != programme.start_fy:
        raise ValidationError(
            {"fiscal_year": _("A fast-track standard is surveyed in the first year.")}
        )
    total = programme.entries.filter(fiscal_year=fiscal_year_to).exclude(pk=entry.pk).count()
    if total >= programme.capacity_limit:
        raise ValidationError(
            {
                "fiscal_year": _("%(year)s is full: %(total)d of %(limit)d.")
                % {
                    "year": fiscal_year_label(fiscal_year_to),
                    "total": total,
                    "limit": programme.capacity_limit,
                }
            }
        )
    entry.fiscal_year, entry.reason, entry.locked, entry.note = (
        fiscal_year_to,
        PlanReason.MANUAL,
        True,
        note,
    )
    entry._history_user, entry._change_reason = by, note
    entry.save()
    return entry


def _plan_year_in(programme: Programme, year: int) -> None:
    if year not in programme.fiscal_years:
        raise ValidationError(
            {"fiscal_year": _("%(year)s is not a year of this programme.") % {"year": year}}
        )


@transaction.atomic
def plan_year_lock(*, programme: Programme, year: int, by) -> PlanYear:
    """Lock a year by hand: re-planning leaves its standards where they are and adds none."""
    _plan_year_in(programme, year)
    plan_year, _created = PlanYear.objects.select_for_update().get_or_create(
        programme=programme, fiscal_year=year
    )
    if plan_year.locked_at is None:
        plan_year.locked_at, plan_year.locked_by = timezone.now(), by
        plan_year._history_user, plan_year._change_reason = by, "locked"
        plan_year.save(update_fields=["locked_at", "locked_by"])
    return plan_year


@transaction.atomic
def plan_year_unlock(*, programme: Programme, year: int, by, today) -> PlanYear | None:
    """Unlock a year locked by hand, so that re-planning may change it again. A year under way
    stays locked whatever its lock says."""
    _plan_year_in(programme, year)
    if year <= selectors.started_through(programme, today):
        raise ValidationError(
            {
                "fiscal_year": _("%(year)s is under way: it stays locked.")
                % {"year": fiscal_year_label(year)}
            }
        )
    plan_year = (
        PlanYear.objects.select_for_update().filter(programme=programme, fiscal_year=year).first()
    )
    if plan_year is not None and plan_year.locked_at is not None:
        plan_year.locked_at, plan_year.locked_by = None, None
        plan_year._history_user, plan_year._change_reason = by, "unlocked"
        plan_year.save(update_fields=["locked_at", "locked_by"])
    return plan_year


# A run neither started nor finished this long after it was asked for (or started) is taken as lost
# (no worker running, or one killed mid-run): the next request replaces it rather than waiting on it.
RUN_LOST_AFTER = dt.timedelta(minutes=15)
# What the screen says of a run that failed for want of a worker; stored untranslated (the worker
# has no reader's language) and translated where it is shown.
RUN_LOST = gettext_noop("No word from the worker for 15 minutes: is it running? Try again.")
RUN_NOT_QUEUED = gettext_noop("The worker could not be reached: nothing was re-planned. Try again.")
RUN_CRASHED = gettext_noop("The re-plan stopped on an unexpected error, kept in the worker's log.")

logger = logging.getLogger(__name__)


def plan_run_request(
    *, programme: Programme, by, enqueue: Callable[[int], object], now=None
) -> tuple[PlanRun, bool]:
    """Ask the worker to re-plan the programme. One run at a time: while one is open it is the
    answer (False: not new). The worker hears of the run once it is committed."""
    now = now or timezone.now()
    with transaction.atomic():
        # the programme's row serialises requests, so two clicks make one run
        Programme.objects.select_for_update().filter(pk=programme.pk).first()
        open_run = programme.runs.filter(finished_at=None).first()
        if open_run is not None:
            if now - (open_run.started_at or open_run.requested_at) < RUN_LOST_AFTER:
                return open_run, False
            _run_finish(open_run.pk, state=PlanRun.State.FAILED, error=RUN_LOST, now=now)
        run = PlanRun.objects.create(programme=programme, requested_by=by, requested_at=now)
        transaction.on_commit(lambda: enqueue(run.pk))
    return run, True


def plan_run_execute(*, run_id: int, today) -> PlanRun | None:
    """The worker's part: claim the run with a conditional UPDATE (a second delivery of the task, or
    a run already given up, does nothing), re-plan with each step recorded as it begins, and record
    what the re-plan did. The steps commit one by one so that the screen sees them; the plan itself
    is written in one transaction."""
    claimed = PlanRun.objects.filter(pk=run_id, state=PlanRun.State.QUEUED).update(
        state=PlanRun.State.RUNNING, started_at=timezone.now(), step=PlanRun.Step.READING
    )
    run = PlanRun.objects.select_related("programme", "requested_by").filter(pk=run_id).first()
    if not claimed or run is None:
        return run

    def progress(step: int) -> None:
        PlanRun.objects.filter(pk=run_id).update(step=step)

    try:
        outcome = programme_plan(
            programme=run.programme, today=today, by=run.requested_by, progress=progress
        )
    except planning.PlanningError as exc:
        return _run_finish(run_id, state=PlanRun.State.FAILED, error=str(exc))
    except Exception:
        logger.exception("re-plan run %s failed", run_id)
        _run_finish(run_id, state=PlanRun.State.FAILED, error=RUN_CRASHED)
        raise
    return _run_finish(
        run_id,
        state=PlanRun.State.DONE,
        created=outcome.created,
        moved=len(outcome.moved),
        removed=len(outcome.removed),
        unchanged=outcome.unchanged,
    )


def plan_run_not_queued(*, run_id: int) -> PlanRun | None:
    """The broker refused the run: close it at once, so the screen says so and a retry may start."""
    return _run_finish(run_id, state=PlanRun.State.FAILED, error=RUN_NOT_QUEUED, only_queued=True)


def _run_finish(
    run_id: int, *, state: str, now=None, only_queued: bool = False, **fields
) -> PlanRun | None:
    runs = PlanRun.objects.filter(pk=run_id, finished_at=None)
    if only_queued:
        runs = runs.filter(state=PlanRun.State.QUEUED)
    runs.update(
        state=state, step=PlanRun.Step.FINISHED, finished_at=now or timezone.now(), **fields
    )
    return PlanRun.objects.filter(pk=run_id).first()
