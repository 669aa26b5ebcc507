"""Writes of follow-ups: adding one to a priority standard and changing it, each one transaction
with its history, refused unless the user may act for the owner ministry."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reviews.follow_ups import selectors
from reviews.follow_ups.models import FollowUp

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
    if not selectors.can_edit_follow_up(by, standard=standard, ministry=ministry):
        raise PermissionDenied(
            _("You may not add follow-ups for %(ministry)s on %(number)s.")
            % {"ministry": ministry, "number": standard.number}
        )
    errors = {}
    if not selectors.is_priority(standard):
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
    unknown = set(changes) - set(FOLLOW_UP_EDITABLE)
    if unknown:
        raise TypeError(f"follow_up_update() cannot change {', '.join(sorted(unknown))}")
    current = (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("standard", "ministry")
        .get(pk=follow_up.pk)
    )
    ministries = {current.ministry, changes.get("ministry", current.ministry)}
    if not all(
        selectors.can_edit_follow_up(by, standard=current.standard, ministry=m) for m in ministries
    ):
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
