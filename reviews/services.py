"""Writes for the review programme. Each function is one transaction and records history."""

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reviews import planning, questionnaire, selectors, survey_filters, workflow
from reviews.models import (
    Assignment,
    Batch,
    Notification,
    PlanEntry,
    PlanReason,
    PlanYear,
    Programme,
    QuestionnaireVersion,
    Response,
    StandardOutcome,
    Transition,
    Usability,
)
from reviews.notifications import unread_count_clear
from standards import bulk, history
from standards.dates import fiscal_year_label

BATCH_SIZE = 1000


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
        changed, ["fiscal_year", "reason", "ministry", "updated_at"], batch_size=BATCH_SIZE
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


# --- survey: questionnaires, batches, assignments ----------------------------------------------


class StaleResponse(Exception):
    """The response changed since the version the client based its answers on."""

    def __init__(self, response: Response):
        super().__init__(f"response {response.pk} is at version {response.version}")
        self.response = response


def questionnaire_publish(*, definition: dict) -> QuestionnaireVersion:
    """Publish a definition as the next version, or return the version with the same content."""
    questionnaire.check_definition(definition)
    digest = questionnaire.content_hash(definition)
    code = definition["code"]
    existing = QuestionnaireVersion.objects.filter(code=code, content_hash=digest).first()
    if existing:
        return existing
    latest = QuestionnaireVersion.objects.filter(code=code).order_by("-version").first()
    transaction.on_commit(survey_filters.answer_questions_clear)
    return QuestionnaireVersion.objects.create(
        code=code,
        version=(latest.version + 1) if latest else 1,
        title_ja=definition["title"]["ja"],
        title_en=definition["title"]["en"],
        definition=definition,
        content_hash=digest,
    )


def questionnaire_current(code: str = "jis-procurement") -> QuestionnaireVersion:
    return QuestionnaireVersion.objects.filter(code=code).order_by("-version").first()


@transaction.atomic
def batches_create(
    *,
    programme: Programme,
    fiscal_year: int,
    due_on,
    max_size: int,
    by,
    reviewer=None,
    ministry: str | None = None,
    division: str | None = None,
    drafting_body: str | None = None,
    today: dt.date | None = None,
) -> list[Batch]:
    """Cut the year's not-yet-batched plan entries matching the selection into batches of max_size.
    Without a reviewer, each batch goes to the routing pool's reviewer with the least open work.
    The due date may be today (Asia/Tokyo) or later, never earlier."""
    today = today or timezone.localdate()
    if due_on < today:
        # every reviewer of the batch would be told at once that they are already long overdue
        raise ValidationError(
            {
                "due_on": _(
                    "The due date %(date)s is in the past (today is %(today)s); "
                    "choose today or a later day."
                )
                % {"date": due_on.isoformat(), "today": today.isoformat()}
            }
        )
    entries = selectors.unbatched_entries(
        programme, fiscal_year, ministry=ministry, division=division, drafting_body=drafting_body
    )
    if not entries:
        raise ValidationError(
            _("No standard of FY%(year)s matches this selection, or all are already in batches.")
            % {"year": fiscal_year}
        )
    form = questionnaire_current()
    if form is None:
        raise ValidationError(_("No questionnaire has been published yet."))
    criteria = {
        k: v
        for k, v in (
            ("ministry", ministry),
            ("division", division),
            ("drafting_body", drafting_body),
        )
        if v
    }
    batches = []
    for start in range(0, len(entries), max_size):
        chunk = entries[start : start + max_size]
        chosen = reviewer or routing_reviewer(chunk[0].standard, fiscal_year=fiscal_year)
        batch = Batch.objects.create(
            programme=programme,
            fiscal_year=fiscal_year,
            reviewer=chosen,
            coordinator=by,
            due_on=due_on,
            criteria=criteria,
            name=_batch_name(fiscal_year, criteria, len(batches) + 1),
        )
        Assignment.objects.bulk_create(
            [
                Assignment(
                    batch=batch,
                    standard=e.standard,
                    reviewer=chosen,
                    questionnaire=form,
                    fiscal_year=fiscal_year,
                    due_on=due_on,
                )
                for e in chunk
            ]
        )
        batches.append(batch)
    return batches


def _batch_name(fiscal_year: int, criteria: dict, index: int) -> str:
    what = " / ".join(str(v) for v in criteria.values()) or _("all")
    return f"FY{fiscal_year} {what} #{index}"


def routing_reviewer(standard, *, fiscal_year: int):
    """The reviewer with the least open work in the most specific rule that matches the standard:
    drafting body, then division, then any of its ministries."""
    candidates = selectors.routing_pool(standard)
    if not candidates:
        raise ValidationError(
            _("No routing rule covers %(number)s; choose a reviewer for this batch.")
            % {"number": standard.number}
        )
    load = selectors.open_work(candidates)
    return min(candidates, key=lambda user: (load.get(user.pk, 0), user.username))


def _transition(assignment: Assignment, action: str, *, by, comment: str = "") -> Assignment:
    """The one place an assignment changes state: checked against the workflow table, recorded."""
    before = assignment.state
    assignment.state = workflow.next_state(before, action)
    Transition.objects.create(
        assignment=assignment,
        action=action,
        from_state=before,
        to_state=assignment.state,
        by=by,
        comment=comment,
    )
    assignment._history_user, assignment._change_reason = by, comment or action
    return assignment


def _locked_assignment(assignment: Assignment) -> Assignment:
    return (
        Assignment.objects.select_for_update()
        .select_related("questionnaire", "standard")
        .get(pk=assignment.pk)
    )


@transaction.atomic
def response_save_draft(*, assignment: Assignment, answers: dict, based_on: int, by) -> Response:
    """Save answers as a draft. Refused (StaleResponse) when someone saved since version `based_on`;
    answers are checked for type and choice, not completeness."""
    assignment = _locked_assignment(assignment)
    response, _created = Response.objects.select_for_update().get_or_create(assignment=assignment)
    if response.version != based_on:
        raise StaleResponse(response)
    errors = questionnaire.validate_answers(
        assignment.questionnaire.definition, answers, complete=False
    )
    if errors:
        raise ValidationError(errors)
    _transition(assignment, workflow.Action.SAVE_DRAFT, by=by)
    assignment.save()
    response.answers = questionnaire.clean_answers(assignment.questionnaire.definition, answers)
    response.version += 1
    response.updated_by, response._history_user = by, by
    response.save()
    return response


@transaction.atomic
def assignment_submit(*, assignment: Assignment, by) -> Assignment:
    assignment = _locked_assignment(assignment)
    response = Response.objects.filter(assignment=assignment).first()
    answers = response.answers if response else {}
    errors = questionnaire.validate_answers(
        assignment.questionnaire.definition, answers, complete=True
    )
    if errors:
        raise ValidationError(errors)
    _transition(assignment, workflow.Action.SUBMIT, by=by)
    assignment.submitted_at = timezone.now()
    assignment.save()
    return assignment


@transaction.atomic
def assignment_return(*, assignment: Assignment, by, comment: str) -> Assignment:
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Say what needs fixing.")})
    assignment = _locked_assignment(assignment)
    _transition(assignment, workflow.Action.RETURN, by=by, comment=comment.strip())
    assignment.decided_at, assignment.return_comment = timezone.now(), comment.strip()
    assignment.save()
    return assignment


@transaction.atomic
def assignment_accept(*, assignment: Assignment, by, comment: str = "") -> Assignment:
    """Accept the response and write its outcome on the standard."""
    assignment = _locked_assignment(assignment)
    _accept(assignment, by=by, comment=comment)
    _recompute_after_commit([assignment.standard_id])
    return assignment


@dataclass
class BulkAcceptOutcome:
    """Each assignment asked for, either accepted or left alone because it was no longer submitted
    (another coordinator returned it, or it was withdrawn, since the list was shown)."""

    accepted: list[Assignment] = field(default_factory=list)
    changed: list[Assignment] = field(default_factory=list)


@transaction.atomic
def responses_bulk_accept(*, ids, by, batch: Batch | None = None) -> BulkAcceptOutcome:
    """Accept, in one transaction, those of these assignments (of `batch`, if given) still submitted.

    All rows are locked before any is looked at, in id order so two bulk accepts cannot deadlock:
    a return by another coordinator either committed before, and its row is reported as changed,
    or it waits for this transaction and is then refused because the row is accepted."""
    rows = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("standard")
        .filter(pk__in=list(ids))
        .order_by("pk")
    )
    if batch is not None:
        rows = rows.filter(batch=batch)
    rows = list(rows)
    responses = {
        r.assignment_id: r
        for r in Response.objects.filter(
            assignment__in=[a for a in rows if a.state == workflow.State.SUBMITTED]
        )
    }
    outcome = BulkAcceptOutcome()
    for assignment in rows:
        if assignment.state == workflow.State.SUBMITTED:
            _accept(assignment, by=by, response=responses[assignment.pk])
            outcome.accepted.append(assignment)
        else:
            outcome.changed.append(assignment)
    _recompute_after_commit([a.standard_id for a in outcome.accepted])
    return outcome


def _accept(assignment: Assignment, *, by, comment: str = "", response: Response | None = None):
    """Accept a locked assignment (refused unless submitted) and write its outcome on the standard."""
    _transition(assignment, workflow.Action.ACCEPT, by=by, comment=comment)
    response = response or Response.objects.get(assignment=assignment)
    assignment.decided_at = timezone.now()
    assignment.save()
    StandardOutcome.objects.update_or_create(
        standard_id=assignment.standard_id,
        defaults={
            **outcome_from_answers(response.answers),
            "response": response,
            "accepted_at": assignment.decided_at,
            "accepted_by": by,
        },
    )


def _recompute_after_commit(standard_ids: list[int]) -> None:
    if standard_ids:
        transaction.on_commit(
            lambda: priorities_recompute(today=timezone.localdate(), standard_ids=standard_ids)
        )


def outcome_from_answers(answers: dict) -> dict:
    """Usability, citation in procurement and the recommended action, read from the FY2026 form."""
    used = answers.get("used_in_procurement")
    could = answers.get("could_be_used")
    if used == "yes" or could == "yes":
        usability = Usability.USABLE
    elif could == "with_conditions":
        usability = Usability.WITH_CONDITIONS
    elif could == "no":
        usability = Usability.NOT_USABLE
    else:
        usability = Usability.UNKNOWN
    return {
        "usability": usability,
        "cited_in_procurement": {"yes": True, "no": False}.get(used),
        "procurers": answers.get("procurers", []),
        "procurers_detail": answers.get("procurers_detail", ""),
        "recommended_action": answers.get("recommended_action", ""),
    }


@transaction.atomic
def assignment_reassign(*, assignment: Assignment, reviewer, by) -> Assignment:
    """Give one assignment to another reviewer; its answers stay with it."""
    assignment = _locked_assignment(assignment)
    assignment.reviewer = reviewer
    assignment._history_user, assignment._change_reason = by, f"reassigned to {reviewer.username}"
    assignment.save()
    return assignment


@transaction.atomic
def batch_reassign(*, batch: Batch, reviewer, by) -> Batch:
    """Give a batch and its assignments to another reviewer; answers stay."""
    batch.reviewer = reviewer
    batch._history_user = by
    batch.save()
    for assignment in batch.assignments.select_for_update():
        assignment.reviewer = reviewer
        assignment._history_user, assignment._change_reason = (
            by,
            f"batch reassigned to {reviewer.username}",
        )
        assignment.save()
    return batch


@transaction.atomic
def assignments_withdraw_for_standard(*, standard, by=None) -> int:
    """Withdraw the open assignments of a standard that has been withdrawn from the catalog."""
    count = 0
    for assignment in (
        Assignment.objects.select_for_update()
        .filter(standard=standard)
        .exclude(state__in=[workflow.State.ACCEPTED, workflow.State.WITHDRAWN])
    ):
        _transition(assignment, workflow.Action.WITHDRAW, by=by, comment="standard withdrawn")
        assignment.save()
        count += 1
    return count


@transaction.atomic
def notifications_mark_read(*, user) -> int:
    """Mark all of the user's unread in-app notifications read; the cached count goes after commit."""
    count = Notification.objects.filter(user=user, read_at=None).update(read_at=timezone.now())
    transaction.on_commit(lambda: unread_count_clear(user.pk))
    return count


def assignments_withdraw_for_withdrawn() -> int:
    """Withdraw every open assignment whose standard has been withdrawn (after an import)."""
    from standards.models import Status

    count = 0
    pending = Assignment.objects.filter(standard__status=Status.WITHDRAWN).exclude(
        state__in=[workflow.State.ACCEPTED, workflow.State.WITHDRAWN]
    )
    for standard_id in set(pending.values_list("standard_id", flat=True)):
        from standards.models import Standard

        count += assignments_withdraw_for_standard(standard=Standard.objects.get(pk=standard_id))
    return count


def priorities_recompute(*, today, standard_ids: list[int] | None = None) -> int:
    """Re-apply the priority rule to these standards (all, if None) and store the verdicts."""
    from reviews import priority as rule
    from reviews.models import StandardPriority
    from standards.models import Standard, Status

    standards = (
        Standard.objects.all()
        if standard_ids is None
        else Standard.objects.filter(pk__in=standard_ids)
    )
    outcomes = {
        row[0]: row[1:]
        for row in StandardOutcome.objects.filter(standard__in=standards).values_list(
            "standard_id", "usability", "cited_in_procurement", "recommended_action"
        )
    }
    now = timezone.now()
    rows = []
    for pk, status, fast, fields, due in standards.values_list(
        "id", "status", "fast_track", "strategic_fields", "review_due_on"
    ):
        usability, cited, action = outcomes.get(pk, (None, None, ""))
        facts = rule.Facts(
            status == Status.ACTIVE, fast, tuple(fields or ()), due, usability, cited, action
        )
        verdict = rule.priority(facts, today)
        rows.append(
            StandardPriority(
                standard_id=pk,
                is_priority=verdict.is_priority,
                reasons=list(verdict.reasons),
                computed_at=now,
            )
        )
    StandardPriority.objects.bulk_create(
        rows,
        batch_size=BATCH_SIZE,
        update_conflicts=True,
        unique_fields=["standard"],
        update_fields=["is_priority", "reasons", "computed_at"],
    )
    return len(rows)


FOLLOW_UP_EDITABLE = ("action", "ministry", "due_on", "status", "note")


def _follow_up_check(follow_up, *, errors: dict, due_changed: bool) -> None:
    """Field rules and the due-date rule, gathered so the user sees every problem at once."""
    if due_changed and follow_up.due_on and follow_up.due_on < timezone.localdate():
        errors.setdefault("due_on", []).append(
            _("The due date %(date)s is in the past.") % {"date": follow_up.due_on.isoformat()}
        )
    try:
        follow_up.full_clean(exclude=["standard", "ministry", "created_by"])
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def follow_up_create(*, standard, action: str, ministry, due_on, note: str = "", by):
    """Add an action to a priority standard; only users who may act for `ministry` there can."""
    from reviews.models import FollowUp, StandardPriority
    from reviews.permissions import can_edit_follow_up

    if not can_edit_follow_up(by, standard=standard, ministry=ministry):
        raise PermissionDenied(
            _("You may not add follow-ups for %(ministry)s on %(number)s.")
            % {"ministry": ministry, "number": standard.number}
        )
    errors = {}
    if not StandardPriority.objects.filter(standard=standard, is_priority=True).exists():
        errors["standard"] = [
            _(
                "%(number)s is not a priority standard; follow-up actions can be added "
                "only to priority standards."
            )
            % {"number": standard.number}
        ]
    follow_up = FollowUp(
        standard=standard,
        action=action.strip(),
        ministry=ministry,
        due_on=due_on,
        note=note.strip(),
        created_by=by,
    )
    _follow_up_check(follow_up, errors=errors, due_changed=True)
    follow_up._history_user = by
    follow_up.save()
    return follow_up


@transaction.atomic
def follow_up_update(*, follow_up, by, **changes):
    """Change some of action, ministry, due_on, status and note; the row is locked while it changes."""
    from reviews.models import FollowUp
    from reviews.permissions import can_edit_follow_up

    unknown = set(changes) - set(FOLLOW_UP_EDITABLE)
    if unknown:
        raise TypeError(f"follow_up_update() cannot change {', '.join(sorted(unknown))}")
    current = (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("standard", "ministry")
        .get(pk=follow_up.pk)
    )
    ministries = {current.ministry, changes.get("ministry", current.ministry)}
    if not all(can_edit_follow_up(by, standard=current.standard, ministry=m) for m in ministries):
        raise PermissionDenied(
            _("You may not change follow-ups of %(ministry)s on %(number)s.")
            % {
                "ministry": changes.get("ministry", current.ministry),
                "number": current.standard.number,
            }
        )
    for name in ("action", "note"):
        if isinstance(changes.get(name), str):
            changes[name] = changes[name].strip()
    due_changed = "due_on" in changes and changes["due_on"] != current.due_on
    for name, value in changes.items():
        setattr(current, name, value)
    _follow_up_check(current, errors={}, due_changed=due_changed)
    current._history_user = by
    current.save()
    return current
