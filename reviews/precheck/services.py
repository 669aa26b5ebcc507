"""Writes of the pre-check (an organisation's answers on its list, the coordinators' resolution of
each "not ours") and of hand-overs between colleagues. Each is one transaction and records who did
it and when."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from reviews.plan.models import Programme
from reviews.precheck import selectors
from reviews.precheck.models import HandOver, PrecheckAnswer, Reroute, Resolution, Verdict
from reviews.precheck.selectors import Organisation
from reviews.reminders.models import Notification, Reminder
from reviews.reminders.notifications import unread_count_clear
from reviews.reminders.services import Enqueue
from reviews.survey import workflow
from reviews.survey.models import Assignment, Transition


def precheck_answer(
    *,
    programme: Programme,
    fiscal_year: int,
    organisation: Organisation,
    standard,
    verdict: str,
    by,
    right_body=None,
    comment: str = "",
) -> PrecheckAnswer:
    """The organisation confirms one standard of its list, or says it is not theirs (with the
    right body if it knows it, or a comment saying why). A change of mind is allowed until a
    coordinator has resolved the mark. Refused (ValidationError) for a standard not on the list."""
    comment = (comment or "").strip()
    if verdict == Verdict.NOT_OURS and right_body is None and not comment:
        raise ValidationError({"comment": _("Say whose standard it is, or why it is not yours.")})
    with transaction.atomic():
        _lock(programme.pk)
        if organisation not in selectors.standard_organisations(programme, fiscal_year, standard):
            raise ValidationError(
                _("%(number)s is not on the list of %(organisation)s for FY%(year)s.")
                % {
                    "number": standard.number,
                    "organisation": selectors.organisation_name(organisation),
                    "year": fiscal_year,
                }
            )
        answer = (
            PrecheckAnswer.objects.select_for_update()
            .filter(
                programme=programme,
                fiscal_year=fiscal_year,
                standard=standard,
                route_kind=organisation[0],
                route_value=organisation[1],
            )
            .first()
        )
        if answer is not None and answer.resolution:
            raise ValidationError(
                _("A coordinator has already resolved %(number)s; ask them to change it.")
                % {"number": standard.number}
            )
        answer = answer or PrecheckAnswer(
            programme=programme,
            fiscal_year=fiscal_year,
            standard=standard,
            route_kind=organisation[0],
            route_value=organisation[1],
        )
        answer.verdict = verdict
        answer.right_body = right_body if verdict == Verdict.NOT_OURS else None
        answer.comment = comment if verdict == Verdict.NOT_OURS else ""
        answer.answered_by, answer.answered_at = by, timezone.now()
        answer._history_user = by
        answer.save()
        return answer


@transaction.atomic
def precheck_confirm_all(
    *, programme: Programme, fiscal_year: int, organisation: Organisation, by
) -> int:
    """Confirm every standard of the organisation's list it has not answered yet (a "not ours"
    stays as it is). Returns how many were confirmed."""
    _lock(programme.pk)
    routing = selectors.year_routing(programme, fiscal_year)
    answered = set(
        PrecheckAnswer.objects.filter(
            programme=programme,
            fiscal_year=fiscal_year,
            route_kind=organisation[0],
            route_value=organisation[1],
        ).values_list("standard_id", flat=True)
    )
    now = timezone.now()
    rows = [
        PrecheckAnswer(
            programme=programme,
            fiscal_year=fiscal_year,
            standard_id=pk,
            route_kind=organisation[0],
            route_value=organisation[1],
            verdict=Verdict.CONFIRMED,
            answered_by=by,
            answered_at=now,
        )
        for pk in routing.lists.get(organisation, [])
        if pk not in answered
    ]
    bulk_create_with_history(rows, PrecheckAnswer, default_user=by, ignore_conflicts=False)
    return len(rows)


def _lock(programme_id: int) -> None:
    """One pre-check write at a time per programme: two first answers on the same row (a double
    click, two colleagues) would otherwise both insert it."""
    Programme.objects.select_for_update().filter(pk=programme_id).first()


@transaction.atomic
def mark_resolve(
    *, answer: PrecheckAnswer, by, to: Organisation | None, note: str = ""
) -> Reroute | None:
    """Resolve a "not ours": re-route the standard to the pool `to` for the year (the batches of
    the year go there), or, with `to` None, keep it where it is. Refused (ValidationError) for a
    mark already resolved, a pool with no active reviewer, the pool it is on already, or a
    standard already in a batch (reassign the batch instead). Takes the programme's pre-check lock
    first, as the answers do (the same order, so no deadlock): a re-route never interleaves with an
    organisation's answer or "confirm all" reading the year's routing."""
    _lock(answer.programme_id)
    answer = PrecheckAnswer.objects.select_for_update().select_related("standard").get(pk=answer.pk)
    if answer.verdict != Verdict.NOT_OURS or answer.resolution:
        raise ValidationError(_("This mark has already been resolved."))
    reroute = None
    if to is not None:
        reroute = _reroute(answer, to, by=by, note=note)
    answer.resolution = Resolution.REROUTED if reroute else Resolution.KEPT
    answer.resolved_by, answer.resolved_at = by, timezone.now()
    answer.resolution_note = (note or "").strip()
    answer._history_user = by
    answer.save()
    return reroute


def _reroute(answer: PrecheckAnswer, to: Organisation, *, by, note: str) -> Reroute:
    here = (answer.route_kind, answer.route_value)
    if to == here:
        raise ValidationError(
            {"to": _("Choose another organisation than the one that said it is not theirs.")}
        )
    if to not in {(r.kind, r.value) for r in selectors.routes() if r.reviewers}:
        raise ValidationError(
            {
                "to": _("Nobody can answer for %(organisation)s yet: add its people first.")
                % {"organisation": selectors.organisation_name(to)}
            }
        )
    if Assignment.objects.filter(
        standard_id=answer.standard_id, fiscal_year=answer.fiscal_year
    ).exists():
        raise ValidationError(
            _("%(number)s is already in a batch for FY%(year)s: reassign it on its batch instead.")
            % {"number": answer.standard.number, "year": answer.fiscal_year}
        )
    return Reroute.objects.create(
        programme_id=answer.programme_id,
        fiscal_year=answer.fiscal_year,
        standard_id=answer.standard_id,
        from_kind=here[0],
        from_value=here[1],
        to_kind=to[0],
        to_value=to[1],
        answer=answer,
        by=by,
        note=(note or "").strip(),
    )


@transaction.atomic
def assignment_hand_over(
    *, assignment: Assignment, to, by, comment: str = "", enqueue: Enqueue | None = None
) -> HandOver:
    """The reviewer gives the assignment, answers and all, to a colleague of the same organisation
    (reviews.precheck.selectors.colleagues). Recorded as a workflow transition (refused for an
    accepted or withdrawn assignment) and as a hand-over the coordinators can list. Refused
    (ValidationError) for anyone else, or by anyone but the assignment's reviewer.
    The colleague is told through the outbox (an e-mail and its in-app copy), recorded here and
    rung for with `enqueue` once committed."""
    assignment = (
        Assignment.objects.select_for_update().select_related("standard").get(pk=assignment.pk)
    )
    if assignment.reviewer_id != by.pk:
        raise ValidationError(_("Only the reviewer it is assigned to can hand it over."))
    if to is None or not selectors.colleagues(by).filter(pk=to.pk).exists():
        raise ValidationError({"to": _("Choose an active reviewer of your own organisation.")})
    before = assignment.state
    try:
        after = workflow.next_state(before, workflow.Action.HAND_OVER)
    except workflow.InvalidTransition as refused:
        raise ValidationError(str(refused)) from None
    comment = (comment or "").strip()
    transition = Transition.objects.create(
        assignment=assignment,
        action=workflow.Action.HAND_OVER,
        from_state=before,
        to_state=after,
        by=by,
        # in no language: the history shows it to Japanese and English readers alike
        comment=f"{by.username} → {to.username}" + (f": {comment}" if comment else ""),
    )
    assignment.state, assignment.reviewer = after, to
    assignment._history_user = by
    assignment._change_reason = f"handed over to {to.username}"
    assignment.save()
    hand_over = HandOver.objects.create(
        assignment=assignment, transition=transition, from_reviewer=by, to_reviewer=to
    )
    _tell_colleague(hand_over, comment, enqueue)
    return hand_over


def _tell_colleague(hand_over: HandOver, comment: str, enqueue: Enqueue | None) -> None:
    """The outbox row for the colleague and its in-app copy, in the hand-over's transaction; a
    colleague without an e-mail address gets the in-app copy only."""
    to = hand_over.to_reviewer
    reminder = Reminder.objects.create(
        recipient=to.email,
        user=to,
        kind=Reminder.Kind.HAND_OVER,
        date=timezone.localdate(),
        notices=[
            {
                "kind": "handed_over",
                "assignment_id": hand_over.assignment_id,
                "number": hand_over.assignment.standard.number,
                "from": hand_over.from_reviewer.username,
                "comment": comment,
            }
        ],
        status=Reminder.Status.PENDING if to.email else Reminder.Status.CANCELLED,
        last_error="" if to.email else "the reviewer has no e-mail address",
    )
    with translation.override(settings.LANGUAGE_CODE):  # the stored copy; screens word it anew
        Notification.objects.create(user=to, reminder=reminder, message=reminder.summary())
    transaction.on_commit(lambda: unread_count_clear(to.pk))
    if enqueue is not None and reminder.status == Reminder.Status.PENDING:
        transaction.on_commit(lambda: enqueue([reminder.pk]))


def hand_over_message(reminder: Reminder) -> EmailMultiAlternatives:
    """The e-mail telling a colleague what was handed to them (Japanese, then English), for the
    outbox's sender (registered in reviews.apps)."""
    site = settings.SITE_URL.rstrip("/")
    assignments = Assignment.objects.select_related("standard").in_bulk(
        [n["assignment_id"] for n in reminder.notices]
    )
    lines = [
        {
            **n,
            "title": assignments[n["assignment_id"]].standard.title_ja
            if n["assignment_id"] in assignments
            else "",
            "url": site + reverse("reviews:assignment", args=[n["assignment_id"]]),
        }
        for n in reminder.notices
    ]
    context = {"reminder": reminder, "lines": lines, "site": site}
    message = EmailMultiAlternatives(
        subject="【JIS総ざらいレビュー】調査票の引継ぎ / JIS review: an assignment was handed over to you",
        body=render_to_string("reviews/email/hand_over.txt", context),
        to=[reminder.recipient],
        headers={"X-Jisreview-Reminder": str(reminder.pk)},
    )
    message.attach_alternative(
        render_to_string("reviews/email/hand_over.html", context), "text/html"
    )
    return message
