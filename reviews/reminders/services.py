"""Reminder services: the daily sweep decides and records digests, a decision on a response records
its notice at once; sending claims each row once.

The row is the record of truth and the broker only a doorbell: rows are written in the sweep's
transaction, tasks are enqueued after commit (by the `enqueue` step the caller passes, which lives
beside the task in reviews.tasks), and a periodic pass re-enqueues whatever is still pending, so a
broker outage delays reminders but loses none. A send first claims its row with a
conditional UPDATE, so a task delivered twice, two workers or two sweeps never send it twice.
"""

import dataclasses
import datetime as dt
import logging
import smtplib
from collections import defaultdict
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from reviews.reminders import rules, selectors
from reviews.reminders.models import Notification, Reminder, SweepRun
from reviews.reminders.notifications import unread_count_clear
from reviews.survey.models import Assignment

logger = logging.getLogger(__name__)
KIND = "daily_digest"
MAX_ATTEMPTS = 5
# A claim older than this belongs to a worker that died mid-send; the row is offered again.
CLAIM_LEASE = dt.timedelta(minutes=10)


def backoff(attempts: int) -> dt.timedelta:
    """2, 4, 8, 16 minutes after the first, second, … failed attempt."""
    return dt.timedelta(minutes=2**attempts)


Enqueue = Callable[[list[int]], object]

# The e-mails of other steps sent through this outbox (an invitation): kind → a function that
# renders a claimed row's message, or returns None when there is nothing to send any more. Filled
# in by ReviewsConfig.ready(), so this step imports none of them.
MESSAGE_BUILDERS: dict[str, Callable[[Reminder], EmailMultiAlternatives | None]] = {}


def reminders_sweep(*, today: dt.date, enqueue: Enqueue | None = None) -> list[Reminder]:
    """Decide today's digests and record them (one row per recipient and day); after commit, hand
    the pending rows' ids to `enqueue` (none: the redelivery pass offers them later). Nothing happens
    on a non-business day, not even a record of the sweep: the next business day's sweep then
    catches up every rule whose day fell on the holiday."""
    if not rules.is_business_day(today):
        return []
    last = (
        SweepRun.objects.filter(date__lt=today)
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )
    decision = rules.decide(selectors.open_items(), today, selectors.sweep_rules(), since=last)
    with transaction.atomic():
        SweepRun.objects.get_or_create(date=today)
        if not decision.digests:
            return []
        users = {
            u.email: u for u in get_user_model().objects.filter(email__in=list(decision.digests))
        }
        Reminder.objects.bulk_create(
            [
                Reminder(
                    recipient=recipient,
                    user=users.get(recipient),
                    kind=KIND,
                    date=today,
                    notices=[dataclasses.asdict(n) for n in notices],
                )
                for recipient, notices in decision.digests.items()
            ],
            ignore_conflicts=True,  # a second sweep for the same day adds nothing
        )
        rows = list(
            Reminder.objects.filter(kind=KIND, date=today, recipient__in=list(decision.digests))
        )
        with translation.override(settings.LANGUAGE_CODE):  # the stored copy; screens word it anew
            Notification.objects.bulk_create(
                [
                    Notification(user_id=r.user_id, reminder=r, message=r.summary())
                    for r in rows
                    if r.user_id
                ],
                ignore_conflicts=True,
            )
        readers = [r.user_id for r in rows if r.user_id]
        transaction.on_commit(lambda: unread_count_clear(*readers))
        pending = [r.pk for r in rows if r.status == Reminder.Status.PENDING]
        if enqueue is not None:
            transaction.on_commit(lambda: enqueue(pending))
    return rows


def reminder_send(*, reminder_id: int, now: dt.datetime | None = None) -> str:
    """Claim the row, send its e-mail, mark it sent. Returns what happened."""
    now = now or timezone.now()
    claimed = (
        Reminder.objects.filter(pk=reminder_id, status=Reminder.Status.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(status=Reminder.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return "not pending"
    reminder = Reminder.objects.get(pk=reminder_id)
    build = MESSAGE_BUILDERS.get(reminder.kind)
    # a decision stays true once made (another step's builder decides for itself); a digest's
    # reminders stop the moment the answer is in
    decided = reminder.kind != Reminder.Kind.DAILY_DIGEST
    notices = reminder.notices if decided else _still_open(reminder.notices)
    if not notices:
        return _nothing_left(reminder, now)
    try:
        message = build(reminder) if build is not None else _message(reminder, notices)
        if message is None:  # the other step's builder: nothing to send any more
            return _nothing_left(reminder, now)
        message.send()
    except Exception as exc:  # SMTP down, refused, or a bug: the row must not stay claimed forever
        return _failed(reminder, exc, now)
    # Only the claim that sent it marks it sent (claimed_at is the claim's token).
    marked = Reminder.objects.filter(
        pk=reminder_id, status=Reminder.Status.SENDING, claimed_at=now
    ).update(status=Reminder.Status.SENT, sent_at=timezone.now(), last_error="")
    if not marked:
        logger.error("reminder %s was sent after its claim expired", reminder_id)
    return "sent"


def _nothing_left(reminder: Reminder, now: dt.datetime) -> str:
    Reminder.objects.filter(pk=reminder.pk).update(status=Reminder.Status.CANCELLED)
    Notification.objects.filter(reminder_id=reminder.pk, read_at=None).update(read_at=now)
    if reminder.user_id:
        unread_count_clear(reminder.user_id)
    return "nothing left"


def _failed(reminder: Reminder, exc: Exception, now: dt.datetime) -> str:
    error = f"{type(exc).__name__}: {exc}"[:1000]
    permanent = isinstance(exc, smtplib.SMTPRecipientsRefused)
    if permanent or reminder.attempts >= MAX_ATTEMPTS:
        Reminder.objects.filter(pk=reminder.pk).update(
            status=Reminder.Status.FAILED, last_error=error
        )
        return "failed"
    Reminder.objects.filter(pk=reminder.pk).update(
        status=Reminder.Status.PENDING,
        next_attempt_at=now + backoff(reminder.attempts),
        last_error=error,
    )
    return "retry later"


def reminders_redeliver(*, now: dt.datetime) -> list[int]:
    """Rows to offer again: pending ones whose time has come, and claims abandoned by a dead worker."""
    abandoned = Reminder.objects.filter(
        status=Reminder.Status.SENDING, claimed_at__lt=now - CLAIM_LEASE
    )
    abandoned.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=Reminder.Status.FAILED, last_error="the worker stopped while sending, too many times"
    )
    abandoned.update(status=Reminder.Status.PENDING)
    due = Reminder.objects.filter(status=Reminder.Status.PENDING).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    return list(due.order_by("id").values_list("id", flat=True))


def _still_open(notices: list[dict]) -> list[dict]:
    """Reminders stop the moment an assignment is submitted: drop what is no longer open."""
    open_ids = selectors.still_open({n["assignment_id"] for n in notices})
    return [n for n in notices if n["assignment_id"] in open_ids]


def _message(reminder: Reminder, notices: list[dict]) -> EmailMultiAlternatives:
    assignments = Assignment.objects.select_related("standard").in_bulk(
        [n["assignment_id"] for n in notices]
    )
    site = settings.SITE_URL.rstrip("/")
    lines = [
        {
            **n,
            "number": assignments[n["assignment_id"]].standard.number,
            "title": assignments[n["assignment_id"]].standard.title_ja,
            "url": site + reverse("reviews:assignment", args=[n["assignment_id"]]),
        }
        for n in notices
    ]
    context = {"reminder": reminder, "lines": lines, "site": site}
    if reminder.kind == Reminder.Kind.DECISION:
        subject = "【JIS総ざらいレビュー】回答の確認結果 / JIS review: your responses were checked"
        template = "reviews/email/decision"
    else:
        subject = f"【JIS総ざらいレビュー】調査票のお知らせ / JIS review reminders ({reminder.date.isoformat()})"
        template = "reviews/email/digest"
    return outbox_email(reminder=reminder, subject=subject, template=template, context=context)


def outbox_email(
    *, reminder: Reminder, subject: str, template: str, context: dict
) -> EmailMultiAlternatives:
    """An outbox row's e-mail: `template`.txt as its text and `template`.html as its HTML part,
    to the row's recipient, marked with the row's id (for the bounce and the log)."""
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        to=[reminder.recipient],
        headers={"X-Jisreview-Reminder": str(reminder.pk)},
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message


# What each decision tells the reviewer, by the workflow action that made it.
DECISION_NOTICES = {"accept": "accepted", "return": "returned"}


def decision_notices_record(*, transitions, enqueue: Enqueue | None = None) -> list[Reminder]:
    """Record at once, in the caller's transaction, the notice of these decisions (accepts and
    returns) to each reviewer concerned: one outbox row per reviewer, listing their responses, and
    its in-app copy. After commit the rows' ids go to `enqueue`; none, or a broker that is down,
    leaves them to the redelivery pass. A reviewer without an e-mail address gets the in-app copy
    only: the row is recorded as having nothing to send."""
    by_reviewer: dict[int, list] = defaultdict(list)
    for transition in transitions:
        if transition.action in DECISION_NOTICES:
            by_reviewer[transition.assignment.reviewer_id].append(transition)
    if not by_reviewer:
        return []
    with transaction.atomic():
        users = get_user_model().objects.in_bulk(list(by_reviewer))
        rows = [
            _decision_notice(users[reviewer_id], decided)
            for reviewer_id, decided in by_reviewer.items()
        ]
        Reminder.objects.bulk_create(rows)
        with translation.override(settings.LANGUAGE_CODE):  # the stored copy; screens word it anew
            Notification.objects.bulk_create(
                [Notification(user_id=r.user_id, reminder=r, message=r.summary()) for r in rows]
            )
        readers = list(by_reviewer)
        transaction.on_commit(lambda: unread_count_clear(*readers))
        pending = [r.pk for r in rows if r.status == Reminder.Status.PENDING]
        if enqueue is not None and pending:
            transaction.on_commit(lambda: enqueue(pending))
    return rows


def _decision_notice(user, decided: list) -> Reminder:
    return Reminder(
        recipient=user.email,
        user=user,
        kind=Reminder.Kind.DECISION,
        date=timezone.localdate(),
        notices=[
            {
                "kind": DECISION_NOTICES[t.action],
                "assignment_id": t.assignment_id,
                "number": t.assignment.standard.number,
                "comment": t.comment,
            }
            for t in decided
        ],
        status=Reminder.Status.PENDING if user.email else Reminder.Status.CANCELLED,
        last_error="" if user.email else "the reviewer has no e-mail address",
    )


def sweep_if_missed(*, now: dt.datetime, enqueue: Enqueue | None = None) -> bool:
    """Run today's sweep if its hour has passed and it has not run (beat or the broker was down at
    09:00); `enqueue` as for reminders_sweep."""
    local = timezone.localtime(now)
    if local.hour < settings.REMINDER_SWEEP_HOUR or not rules.is_business_day(local.date()):
        return False
    if SweepRun.objects.filter(date=local.date()).exists():
        return False
    reminders_sweep(today=local.date(), enqueue=enqueue)
    return True


@transaction.atomic
def notifications_mark_read(*, user) -> int:
    """Mark all of the user's unread in-app notifications read; the cached count goes after commit."""
    count = Notification.objects.filter(user=user, read_at=None).update(read_at=timezone.now())
    transaction.on_commit(lambda: unread_count_clear(user.pk))
    return count


def reminder_resend(*, reminder_id: int, by, enqueue: Enqueue | None = None) -> Reminder:
    """Offer an e-mail that could not be sent once more: its row goes back to pending with a fresh
    count of attempts, and after commit its id goes to `enqueue` (none, or a broker that is down,
    leaves it to the redelivery pass). Only a failed row: one sent, or still on its way, is left
    alone, so two coordinators pressing the button send it once."""
    with transaction.atomic():
        offered = Reminder.objects.filter(pk=reminder_id, status=Reminder.Status.FAILED).update(
            status=Reminder.Status.PENDING, attempts=0, next_attempt_at=None, claimed_at=None
        )
        if not offered:
            raise ValidationError(
                _(
                    "Only a reminder that could not be sent can be sent again; this one is %(status)s."
                )
                % {"status": _status_label(reminder_id)}
            )
        if enqueue is not None:
            transaction.on_commit(lambda: enqueue([reminder_id]))
    logger.info("reminder %s offered again by %s", reminder_id, getattr(by, "username", by))
    return Reminder.objects.get(pk=reminder_id)


def _status_label(reminder_id: int) -> str:
    status = Reminder.objects.filter(pk=reminder_id).values_list("status", flat=True).first()
    return str(Reminder.Status(status).label) if status else str(_("gone"))
