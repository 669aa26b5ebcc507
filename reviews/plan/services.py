"""Writes of the plan: planning and re-planning a programme, moving a standard by hand, locking a
year. Each function is one transaction and records history."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reviews.plan import planning, selectors
from reviews.plan.models import PlanEntry, PlanReason, PlanYear, Programme
from standards import bulk, history
from standards.dates import fiscal_year_label


@dataclass
class PlanOutcome:
    plan: planning.Plan
    created: int = 0
    moved: list[tuple[str, int, int, str]] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0


def programme_get_or_create(*, start_fy: int, years: int = 5, capacity: int = 2200) -> Programme:
    programme, created = Programme.objects.get_or_create(
        start_fy=start_fy,
        defaults={
            "name": f"JIS総ざらいレビュー FY{start_fy}–FY{start_fy + years - 1}",
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


def programme_plan(*, programme: Programme, today, by=None, dry_run: bool = False) -> PlanOutcome:
    """Plan (or re-plan) every active standard; locked years and pinned entries stay put."""
    locked = selectors.locked_years(programme, today)
    items, ids = selectors.planning_items(programme, locked)
    problem = planning.Problem(
        programme.start_fy, programme.years, programme.capacity_limit, items, locked
    )
    plan = planning.solve(problem)
    outcome = PlanOutcome(plan=plan, moved=plan.moved)
    if dry_run:
        outcome.created = sum(1 for item in items if item.current_year is None)
        return outcome
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


@transaction.atomic
def plan_year_lock(*, programme: Programme, year: int, by) -> PlanYear:
    plan_year, _ = PlanYear.objects.get_or_create(programme=programme, fiscal_year=year)
    if plan_year.locked_at is None:
        plan_year.locked_at, plan_year.locked_by = timezone.now(), by
        plan_year.save(update_fields=["locked_at", "locked_by"])
    return plan_year
