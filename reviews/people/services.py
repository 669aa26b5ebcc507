"""Writes of the people step: recording invitation e-mails in the outbox (and rendering them when
the worker sends them), accepting an invitation, and deactivating a person.

An invitation e-mail is a row of the reminders' outbox, kind "invitation", written in the
transaction that decides to invite and enqueued after commit; the worker claims and sends it once
(reviews.reminders.services.reminder_send), asking `invitation_message` for its text. The link's
token is made then, so the row holds nothing secret."""

import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from reviews.people import selectors, tokens
from reviews.people.models import Invitation
from reviews.people.tasks import enqueue_invitation_sends
from reviews.precheck.routing import pinned_routes
from reviews.reminders.models import Reminder
from reviews.reminders.services import Enqueue, outbox_email
from reviews.survey import batching
from reviews.survey import selectors as survey_selectors
from reviews.survey import services as survey
from reviews.survey.models import Assignment
from reviews.survey.workflow import OPEN_STATES

logger = logging.getLogger(__name__)
LANGUAGES = ("ja", "en")
SUBJECTS = {
    "ja": "【JIS総ざらいレビュー】アカウントのご案内（パスワードの設定）",
    "en": "JIS review: your account — set your password",
}


def _language(user) -> str:
    """The person's language (the roster's), Japanese when none is set."""
    return user.language if user.language in LANGUAGES else "ja"


def invitations_send(
    *, users, by, enqueue: Enqueue | None = enqueue_invitation_sends
) -> list[Invitation]:
    """Record one invitation e-mail per user who may still be invited (active, never signed in;
    others are skipped) in one transaction: the invitation and its outbox row. After commit the rows'
    ids go to `enqueue` (none, or a broker that is down, leaves them to the redelivery pass). A
    user without an e-mail address gets a row recorded as having nothing to send."""
    users = [u for u in users if selectors.may_be_invited(u)]
    if not users:
        return []
    today = timezone.localdate()
    with transaction.atomic():
        rows = Reminder.objects.bulk_create([_outbox_row(u, today) for u in users], batch_size=1000)
        invitations = Invitation.objects.bulk_create(
            [
                Invitation(user=u, invited_by=by, reminder=r)
                for u, r in zip(users, rows, strict=True)
            ],
            batch_size=1000,
        )
        pending = [r.pk for r in rows if r.status == Reminder.Status.PENDING]
        if enqueue is not None and pending:
            transaction.on_commit(lambda: enqueue(pending))
    logger.info("%d invitation(s) recorded by %s", len(invitations), getattr(by, "username", by))
    return invitations


def _outbox_row(user, today) -> Reminder:
    """The invitation's e-mail, which finds its invitation through Invitation.reminder."""
    return Reminder(
        recipient=user.email,
        user=user,
        kind=Reminder.Kind.INVITATION,
        date=today,
        notices=[{"kind": "invitation", "language": _language(user)}],
        status=Reminder.Status.PENDING if user.email else Reminder.Status.CANCELLED,
        last_error="" if user.email else "the person has no e-mail address",
    )


def invitation_message(reminder: Reminder) -> EmailMultiAlternatives | None:
    """The e-mail of a claimed invitation row, in the person's language, with a fresh link; None
    when there is nothing to send any more (accepted, superseded by a newer one, the person
    deactivated or signed in since)."""
    notice = reminder.notices[0]
    invitation = Invitation.objects.select_related("user").filter(reminder=reminder).first()
    if invitation is None or invitation.accepted_at is not None:
        return None
    user = invitation.user
    newest = Invitation.objects.filter(user=user).order_by("-id").values_list("pk", flat=True)
    if not selectors.may_be_invited(user) or newest.first() != invitation.pk:
        return None
    language = notice.get("language") or _language(user)
    site = settings.SITE_URL.rstrip("/")
    context = {
        "user": user,
        "url": site + reverse("reviews:invitation", args=[tokens.token_make(invitation)]),
        "days": settings.INVITATION_DAYS,
        "site": site,
        "username": user.get_username(),
    }
    return outbox_email(
        reminder=reminder,
        subject=SUBJECTS[language],
        template=f"reviews/people/email/invitation_{language}",
        context=context,
    )


@transaction.atomic
def invitation_accept(*, token: str, password: str):
    """Set the invited person's first password through the link's token, once. Raises
    ValidationError with the link's problem (code: invalid, expired, used, superseded,
    deactivated) and changes nothing when the link opens nothing; password validation is the
    form's job. Returns the user."""
    opened = selectors.invitation_open(token)
    if opened.invitation is None:
        raise ValidationError(opened.problem, code=opened.problem)
    # lock the row, then look again: two tabs pressing at once set the password once
    invitation = Invitation.objects.select_for_update().get(pk=opened.invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError("used", code="used")
    user = opened.invitation.user
    user.set_password(password)
    user.save()
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return user


@dataclass
class Deactivation:
    """What deactivating someone did with their open work: moved to whom (assignment ids by new
    reviewer), and what no routing rule covers (left with them for a coordinator to reassign)."""

    reassigned: dict[int, list[int]] = field(default_factory=dict)
    unrouted: list[Assignment] = field(default_factory=list)

    @property
    def n_reassigned(self) -> int:
        return sum(len(ids) for ids in self.reassigned.values())


@transaction.atomic
def person_deactivate(*, user, by) -> Deactivation:
    """Deactivate a person: they can no longer sign in (their sessions stop working, since the
    authentication backend refuses inactive users), their API tokens are revoked, a pending
    invitation's e-mail is not sent, and the answers they still owe go back to routing — each to
    the active reviewer the routing rules choose now, as batching would (history kept). Nothing is
    deleted. Deactivating someone already inactive changes nothing. Only an administrator (or the
    command line, `by` None) deactivates an administrator or a coordinator."""
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        return Deactivation()
    if user.pk == getattr(by, "pk", None):
        raise ValidationError(_("You cannot deactivate yourself."))
    if not selectors.may_manage(by, user):
        raise ValidationError(
            _("Only an administrator may deactivate an administrator or a coordinator.")
        )
    user.is_active = False
    user.save(update_fields=["is_active"])  # accounts.api_tokens revokes the tokens on this save
    outcome = _back_to_routing(user, by=by)
    logger.info(
        "%s deactivated by %s: %d assignment(s) rerouted, %d without a route",
        user.username,
        getattr(by, "username", by),
        outcome.n_reassigned,
        len(outcome.unrouted),
    )
    return outcome


def _item(assignment: Assignment, pinned: dict[int, tuple[str, str]]) -> batching.Item:
    """What routing reads of an assignment's standard; `pinned`, the pre-check's re-routes of its
    batch's year (standard id → pool), which routing follows before the standard's own fields."""
    standard = assignment.standard
    return survey_selectors.routing_item(
        standard, pinned=pinned.get(standard.pk), key=assignment.pk
    )


def _pins(batches) -> dict[int, dict[int, tuple[str, str]]]:
    """Batch id → the pre-check's re-routes of its programme's fiscal year (one query a year)."""
    years = {(b.programme_id, b.fiscal_year) for b in batches}
    pins = {year: pinned_routes(*year) for year in years}
    return {b.pk: pins[(b.programme_id, b.fiscal_year)] for b in batches}


def _back_to_routing(user, *, by) -> Deactivation:
    """Reroute the user's open assignments batch by batch. A batch whose every assignment is open,
    theirs and routed to one reviewer moves whole (the batch too); otherwise each open assignment
    moves alone, and the answered ones stay with the person who answered them."""
    outcome = Deactivation()
    by_batch: dict[int, list[Assignment]] = defaultdict(list)
    for assignment in _owed(user):
        by_batch[assignment.batch_id].append(assignment)
    if not by_batch:
        return outcome
    routes, users = survey_selectors.routing_pools()
    load = survey_selectors.open_work(list(users))
    sizes = dict(
        Assignment.objects.filter(batch_id__in=list(by_batch))
        .values("batch_id")
        .annotate(n=Count("id"))
        .values_list("batch_id", "n")
    )
    pins = _pins({members[0].batch for members in by_batch.values()})
    for batch_id, members in by_batch.items():
        items = {a.pk: _item(a, pins[batch_id]) for a in members}
        routed = [a for a in members if batching.routes_for(items[a.pk], routes)]
        outcome.unrouted += [a for a in members if a not in routed]
        if not routed:
            continue
        cuts = batching.cut(
            [items[a.pk] for a in routed],
            max_size=len(routed),
            routes=routes,
            load=load,
            names={pk: u.username for pk, u in users.items()},
        )
        whole = len(cuts) == 1 and len(routed) == sizes[batch_id]
        for cut in cuts:
            load[cut.reviewer] = load.get(cut.reviewer, 0) + len(cut.items)
            _move(cut, routed, to=users[cut.reviewer], whole=whole, by=by)
            outcome.reassigned.setdefault(cut.reviewer, []).extend(i.key for i in cut.items)
    return outcome


def _owed(user) -> list[Assignment]:
    """The user's open assignments, locked, with what routing reads of their standards."""
    return list(
        Assignment.objects.select_for_update(of=("self",))
        .filter(reviewer=user, state__in=OPEN_STATES)
        .select_related("standard__drafting_body", "batch")
        .prefetch_related("standard__ministries")
        .order_by("batch_id", "standard__number")
    )


def _move(cut: batching.Cut, routed: list[Assignment], *, to, whole: bool, by) -> None:
    """Give a cut of a batch's open assignments to its reviewer: the batch itself when it moves
    whole, else each assignment (history kept either way)."""
    if whole:
        survey.batch_reassign(batch=routed[0].batch, reviewer=to, by=by)
        return
    ids = {item.key for item in cut.items}
    for assignment in (a for a in routed if a.pk in ids):
        survey.assignment_reassign(assignment=assignment, reviewer=to, by=by)
