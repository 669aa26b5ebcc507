"""Writes of the survey: publishing a questionnaire, cutting batches, saving and submitting answers,
accepting or returning them, reassigning, and withdrawing. Each function is one transaction and
records who did what; a decision is told inside its transaction (signals.responses_decided) and an
accepted outcome announced on commit (signals.outcome_accepted)."""

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reviews.plan.models import Programme
from reviews.survey import prefill, questionnaire, selectors, workflow
from reviews.survey.models import (
    Assignment,
    Batch,
    QuestionnaireVersion,
    Response,
    StandardOutcome,
    Transition,
    Usability,
)
from reviews.survey.signals import outcome_accepted, responses_decided
from standards import bulk, history
from standards.models import Status


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
    # now, and again once committed: a page read in between may cache the version before this one
    selectors.questionnaire_current_forget(code)
    transaction.on_commit(lambda: selectors.questionnaire_current_forget(code))
    return QuestionnaireVersion.objects.create(
        code=code,
        version=(latest.version + 1) if latest else 1,
        title_ja=definition["title"]["ja"],
        title_en=definition["title"]["en"],
        definition=definition,
        content_hash=digest,
    )


class PlanChanged(Exception):
    """The batches a selection makes are no longer those the coordinator was shown (someone
    batched some of its standards, or reviewers' open work moved the routing, in between)."""

    def __init__(self, plan: selectors.BatchPlan):
        super().__init__(f"the plan is now {plan.digest}")
        self.plan = plan


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
    expected: str | None = None,
) -> list[Batch]:
    """Make the batches of selectors.batch_plan for this selection (its ValidationError if none).
    With `expected`, the digest of the plan the coordinator was shown, a plan that has changed
    since is not made: PlanChanged carries the new one to show instead."""
    # one cut at a time per programme: two at once would both take the same unbatched standards
    Programme.objects.select_for_update().filter(pk=programme.pk).first()
    plan = selectors.batch_plan(
        programme=programme,
        fiscal_year=fiscal_year,
        due_on=due_on,
        max_size=max_size,
        reviewer=reviewer,
        ministry=ministry,
        division=division,
        drafting_body=drafting_body,
        today=today,
    )
    if expected is not None and expected != plan.digest:
        raise PlanChanged(plan)
    batches = []
    for planned in plan.batches:
        batch = Batch.objects.create(
            programme=programme,
            fiscal_year=fiscal_year,
            reviewer=planned.reviewer,
            coordinator=by,
            due_on=due_on,
            criteria=plan.criteria,
            name=planned.name,
        )
        Assignment.objects.bulk_create(
            [
                Assignment(
                    batch=batch,
                    standard=standard,
                    reviewer=planned.reviewer,
                    questionnaire=plan.questionnaire,
                    fiscal_year=fiscal_year,
                    due_on=due_on,
                )
                for standard in planned.standards
            ]
        )
        batches.append(batch)
    return batches


def _transition(assignment: Assignment, action: str, *, by, comment: str = "") -> Transition:
    """The one place an assignment changes state: checked against the workflow table, recorded."""
    before = assignment.state
    assignment.state = workflow.next_state(before, action)
    transition = Transition.objects.create(
        assignment=assignment,
        action=action,
        from_state=before,
        to_state=assignment.state,
        by=by,
        comment=comment,
    )
    assignment._history_user, assignment._change_reason = by, comment or action
    return transition


def _locked_assignment(assignment: Assignment) -> Assignment:
    """The assignment read again with its row and its standard's locked (not its questionnaire's,
    which every assignment shares and nobody changes), with what saving and submitting read of
    it: the standard's alignment (the pre-filled answers) and the reviewer (the API's answer). Its
    response is read by a statement of its own once the lock is held: rows joined here but not
    locked would be those of before the wait, should it wait for the lock."""
    locked = (
        Assignment.objects.select_for_update(of=("self", "standard"))
        .select_related("standard__alignment", "reviewer")
        .get(pk=assignment.pk)
    )
    # A published questionnaire version never changes (QuestionnaireVersion.save), so the one the
    # caller read serves as it is; its definition is not read and decoded again.
    known = assignment.questionnaire if Assignment.questionnaire.is_cached(assignment) else None
    if known is not None and known.pk == locked.questionnaire_id:
        locked.questionnaire = known
    return locked


@transaction.atomic
def response_save_draft(*, assignment: Assignment, answers: dict, based_on: int, by) -> Response:
    """Save answers as a draft. Refused (StaleResponse) when someone saved since version `based_on`;
    answers are checked for type and choice, not completeness. The draft is recorded as a
    transition each time; the assignment itself is written only when its state changes (the first
    draft, or the first after a return): a later draft changes nothing on it, and leaves the figures
    counted from the assignments (reviews.common.figures) as they are."""
    assignment, response = _locked_response(assignment, based_on)
    _check_answers(assignment, answers, complete=False)
    transition = _transition(assignment, workflow.Action.SAVE_DRAFT, by=by)
    if transition.from_state != transition.to_state:
        assignment.save()
    return _store_answers(assignment, response, answers, by=by)


@transaction.atomic
def response_submit(*, assignment: Assignment, answers: dict, based_on: int, by) -> Assignment:
    """Store these answers and submit them, in one step. An incomplete or invalid set is refused
    (ValidationError) and nothing is written: a failed attempt leaves no draft in the history."""
    assignment, response = _locked_response(assignment, based_on)
    _check_answers(assignment, answers, complete=True)
    _store_answers(assignment, response, answers, by=by)
    return _submit(assignment, by=by)


@transaction.atomic
def assignment_submit(*, assignment: Assignment, by) -> Assignment:
    """Submit the answers saved so far (the API's draft, then submit)."""
    assignment = _locked_assignment(assignment)
    response = Response.objects.filter(assignment=assignment).first()
    _check_answers(assignment, response.answers if response else {}, complete=True)
    return _submit(assignment, by=by)


def _locked_response(assignment: Assignment, based_on: int) -> tuple[Assignment, Response]:
    assignment = _locked_assignment(assignment)
    response, _created = Response.objects.select_for_update().get_or_create(assignment=assignment)
    if response.version != based_on:
        raise StaleResponse(response)
    response.assignment = assignment  # the locked one, for whoever answers with the saved response
    return assignment, response


def _check_answers(assignment: Assignment, answers: dict, *, complete: bool) -> None:
    errors = questionnaire.validate_answers(
        assignment.questionnaire.definition, answers, complete=complete
    )
    if errors:
        raise ValidationError(errors)


def _store_answers(assignment: Assignment, response: Response, answers: dict, *, by) -> Response:
    response.answers = questionnaire.clean_answers(assignment.questionnaire.definition, answers)
    response.version += 1
    response.updated_by, response._history_user = by, by
    response.save()
    prefill.computed_answers_keep(assignment=assignment)
    return response


def _submit(assignment: Assignment, *, by) -> Assignment:
    _transition(assignment, workflow.Action.SUBMIT, by=by)
    assignment.submitted_at = timezone.now()
    assignment.save()
    return assignment


@transaction.atomic
def assignment_return(*, assignment: Assignment, by, comment: str) -> Assignment:
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Say what needs fixing.")})
    assignment = _locked_assignment(assignment)
    returned = _transition(assignment, workflow.Action.RETURN, by=by, comment=comment.strip())
    assignment.decided_at, assignment.return_comment = timezone.now(), comment.strip()
    assignment.save()
    _tell_decided([returned])
    return assignment


@transaction.atomic
def assignment_accept(*, assignment: Assignment, by, comment: str = "") -> Assignment:
    """Accept the response and write its outcome on the standard."""
    assignment = _locked_assignment(assignment)
    _tell_decided([_accept(assignment, by=by, comment=comment)])
    _announce_after_commit([assignment.standard_id])
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
    decided = []
    for assignment in rows:
        if assignment.state == workflow.State.SUBMITTED:
            decided.append(_accept(assignment, by=by, response=responses[assignment.pk]))
            outcome.accepted.append(assignment)
        else:
            outcome.changed.append(assignment)
    _tell_decided(decided)
    _announce_after_commit([a.standard_id for a in outcome.accepted])
    return outcome


def _accept(
    assignment: Assignment, *, by, comment: str = "", response: Response | None = None
) -> Transition:
    """Accept a locked assignment (refused unless submitted) and write its outcome on the standard."""
    accepted = _transition(assignment, workflow.Action.ACCEPT, by=by, comment=comment)
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
    return accepted


def _tell_decided(transitions: list[Transition]) -> None:
    """Tell the later steps of these decisions inside their transaction, so that what they record
    (the reviewer's notice) commits or rolls back with them."""
    if transitions:
        responses_decided.send(sender=Transition, transitions=transitions)


def _announce_after_commit(standard_ids: list[int]) -> None:
    """Tell the later steps (the priority verdicts) which standards have a new outcome, once it is
    committed."""
    if standard_ids:
        transaction.on_commit(
            lambda: outcome_accepted.send(sender=StandardOutcome, standard_ids=standard_ids)
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
    """Give one assignment to another reviewer; its answers stay with it. Refused
    (InvalidTransition) once it is accepted or withdrawn: those answers are their reviewer's."""
    assignment = _locked_assignment(assignment)
    _reassign(assignment, reviewer, by=by, reason=f"reassigned to {reviewer.username}")
    return assignment


@transaction.atomic
def batch_reassign(*, batch: Batch, reviewer, by) -> Batch:
    """Give a batch and its assignments to another reviewer; answers stay. Its accepted and
    withdrawn assignments stay with the reviewer who answered them (the workflow table)."""
    batch.reviewer = reviewer
    batch._history_user = by
    batch.save()
    for assignment in batch.assignments.select_for_update():
        if workflow.allows(assignment.state, workflow.Action.REASSIGN):
            reason = f"batch reassigned to {reviewer.username}"
            _reassign(assignment, reviewer, by=by, reason=reason)
    return batch


def _reassign(assignment: Assignment, reviewer, *, by, reason: str) -> None:
    _transition(assignment, workflow.Action.REASSIGN, by=by)
    assignment.reviewer = reviewer
    assignment._change_reason = reason
    assignment.save()


@transaction.atomic
def batch_withdraw(*, batch: Batch, by) -> int:
    """Take back a batch nobody has started to answer: its assignments and the batch are deleted,
    so its standards are unbatched again and can be cut anew. Both stay in their history, deleted
    by `by`. Returns how many standards were freed; refused (ValidationError) once any answer
    exists, since answers are never thrown away (reassign the batch instead)."""
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    assignments = list(batch.assignments.select_for_update(of=("self",)).select_related("standard"))
    with_response = set(
        Response.objects.filter(assignment__in=assignments).values_list("assignment", flat=True)
    )
    answered = [
        a
        for a in assignments
        if a.state not in (workflow.State.ASSIGNED, workflow.State.WITHDRAWN)
        or a.pk in with_response
    ]
    if answered:
        raise ValidationError(
            _(
                "%(count)d standard(s) of this batch already have answers (%(numbers)s); "
                "a batch can be withdrawn only before anyone answers. Reassign it instead."
            )
            % {
                "count": len(answered),
                "numbers": ", ".join(a.standard.number for a in answered[:5])
                + ("…" if len(answered) > 5 else ""),
            }
        )
    for assignment in assignments:
        assignment._history_user, assignment._change_reason = by, "batch withdrawn"
        assignment.delete()
    batch._history_user, batch._change_reason = by, f"withdrawn, {len(assignments)} standard(s)"
    batch.delete()
    return len(assignments)


@transaction.atomic
def assignments_withdraw_for_standard(*, standard, by=None) -> int:
    """Withdraw the open assignments of a standard that has been withdrawn from the catalog."""
    count = 0
    for assignment in (
        Assignment.objects.select_for_update()
        .filter(standard=standard)
        .exclude(state__in=workflow.CLOSED_STATES)
    ):
        _transition(assignment, workflow.Action.WITHDRAW, by=by, comment="standard withdrawn")
        assignment.save()
        count += 1
    return count


@transaction.atomic
def assignments_withdraw_for_withdrawn(*, by=None) -> int:
    """Withdraw every open assignment whose standard has been withdrawn (after an import), with the
    rows assignments_withdraw_for_standard writes (a Transition each, a history row each), but in a
    few statements whatever their number: an import that withdraws a thousand standards otherwise
    spends half a minute here, one standard and one commit at a time."""
    comment = "standard withdrawn"
    open_rows = list(
        Assignment.objects.select_for_update(of=("self",))
        .filter(standard__status=Status.WITHDRAWN)
        .exclude(state__in=workflow.CLOSED_STATES)
        .order_by("pk")
        .values_list("pk", "state")
    )
    if not open_rows:
        return 0
    now, user_id = timezone.now(), getattr(by, "pk", None)
    # checked against the workflow table as _transition does, in Python: no query per row
    bulk.insert(
        Transition,
        [
            {
                "assignment_id": pk,
                "action": workflow.Action.WITHDRAW.value,
                "from_state": state,
                "to_state": str(workflow.next_state(state, workflow.Action.WITHDRAW)),
                "by_id": user_id,
                "at": now,
                "comment": comment,
            }
            for pk, state in open_rows
        ],
        ids=False,
    )
    ids = [pk for pk, _state in open_rows]
    Assignment.objects.filter(pk__in=ids).update(state=workflow.State.WITHDRAWN, updated_at=now)
    history.record_rows(
        Assignment, ids, history_type="~", date=now, user_id=user_id, reason=comment
    )
    return len(ids)
